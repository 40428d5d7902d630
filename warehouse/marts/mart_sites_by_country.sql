-- grain: one row per site country (UNSTATED when a site names none) among current trials: trials and sites there, and the share recruiting
CREATE OR REPLACE VIEW mart_sites_by_country AS
WITH per_country AS (
    SELECT coalesce(s.country, 'UNSTATED') AS country,
           count(DISTINCT s.trial_id) AS trial_count,
           count(*) AS site_count,
           count(DISTINCT s.trial_id) FILTER (WHERE t.overall_status = 'RECRUITING') AS recruiting_trial_count,
           count(*) FILTER (WHERE s.status = 'RECRUITING') AS recruiting_site_count,
           count(s.status) AS sites_with_status
    FROM site s JOIN trial t ON t.trial_id = s.trial_id
    WHERE t.removed_at IS NULL
    GROUP BY ALL
)
-- Two shares, because most sources state a trial's status but few state each site's: recruiting trials among the
-- country's trials, and recruiting sites among the country's sites whose status is stated.
SELECT country, trial_count, site_count, recruiting_trial_count,
       round(recruiting_trial_count / trial_count, 4) AS recruiting_trial_share,
       recruiting_site_count, sites_with_status,
       round(recruiting_site_count / nullif(sites_with_status, 0), 4) AS recruiting_site_share
FROM per_country;
