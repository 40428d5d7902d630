-- grain: one row per site country code (UNSTATED when a site names no recognisable country) among current trials: canonical name, centroid of its located sites, trials and sites there, and the share recruiting
CREATE OR REPLACE VIEW mart_sites_by_country AS
WITH names AS (SELECT country_code, min(country_name) AS country_name FROM trial_country GROUP BY ALL),
per_country AS (
    SELECT coalesce(s.country_code, 'UNSTATED') AS country_code,
           count(DISTINCT s.trial_id) AS trial_count,
           count(*) AS site_count,
           count(DISTINCT s.trial_id) FILTER (WHERE t.overall_status = 'RECRUITING') AS recruiting_trial_count,
           count(*) FILTER (WHERE s.status = 'RECRUITING') AS recruiting_site_count,
           count(s.status) AS sites_with_status,
           count(s.latitude) AS located_site_count,
           round(avg(s.latitude), 4) AS latitude,
           round(avg(s.longitude), 4) AS longitude
    FROM site s JOIN trial t ON t.trial_id = s.trial_id
    WHERE t.removed_at IS NULL
    GROUP BY ALL
)
-- Two shares, because most sources state a trial's status but few state each site's: recruiting trials among the
-- country's trials, and recruiting sites among the country's sites whose status is stated. `country` is the
-- canonical name (one per code, whatever the sources' spellings).
SELECT p.country_code, coalesce(n.country_name, 'UNSTATED') AS country, p.trial_count, p.site_count,
       p.recruiting_trial_count, round(p.recruiting_trial_count / p.trial_count, 4) AS recruiting_trial_share,
       p.recruiting_site_count, p.sites_with_status,
       round(p.recruiting_site_count / nullif(p.sites_with_status, 0), 4) AS recruiting_site_share,
       p.located_site_count, p.latitude, p.longitude
FROM per_country p LEFT JOIN names n USING (country_code);
