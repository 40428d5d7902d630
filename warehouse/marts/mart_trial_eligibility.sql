-- grain: one row per current trial: the strictest general (unconditional) eligibility bound per variable, read from criterion_measure (NULL = the criteria state none)
CREATE OR REPLACE VIEW mart_trial_eligibility AS
WITH general AS (
    -- Criteria are conjunctive, so the trial's requirement is the strictest bound stated: the largest lower
    -- bound and the smallest upper bound. Conditional bounds (`≤ 5 × ULN if liver metastases`) are left out.
    SELECT m.trial_id, m.variable, m.unit, m.lower_value, m.upper_value,
           -- ECOG is an integer scale: an exclusive `< 2` allows at most 1
           CASE WHEN m.variable = 'ecog' AND m.upper_value IS NOT NULL AND m.upper_inclusive IS FALSE
                THEN ceil(m.upper_value) - 1 ELSE m.upper_value END AS upper_allowed
    FROM criterion_measure m
    WHERE m.condition_text IS NULL
)
SELECT t.trial_id, t.nct_id, t.title, t.overall_status, t.phase,
       max(g.lower_value) FILTER (WHERE g.variable = 'age') AS min_age_years,
       min(g.upper_value) FILTER (WHERE g.variable = 'age') AS max_age_years,
       min(g.upper_allowed) FILTER (WHERE g.variable = 'ecog') AS max_ecog,
       max(g.lower_value) FILTER (WHERE g.variable = 'karnofsky') AS min_karnofsky_pct,
       max(g.lower_value) FILTER (WHERE g.variable = 'anc') AS min_anc_1e9_per_l,
       max(g.lower_value) FILTER (WHERE g.variable = 'platelets') AS min_platelets_1e9_per_l,
       max(g.lower_value) FILTER (WHERE g.variable = 'hemoglobin') AS min_hemoglobin_g_per_l,
       min(g.upper_value) FILTER (WHERE g.variable = 'total_bilirubin' AND g.unit = '×ULN') AS max_bilirubin_x_uln,
       min(g.upper_value) FILTER (WHERE g.variable = 'total_bilirubin' AND g.unit = 'µmol/L') AS max_bilirubin_umol_per_l,
       min(g.upper_value) FILTER (WHERE g.variable = 'ast' AND g.unit = '×ULN') AS max_ast_x_uln,
       min(g.upper_value) FILTER (WHERE g.variable = 'alt' AND g.unit = '×ULN') AS max_alt_x_uln,
       max(g.lower_value) FILTER (WHERE g.variable = 'creatinine_clearance') AS min_creatinine_clearance_ml_per_min,
       max(g.lower_value) FILTER (WHERE g.variable = 'lvef') AS min_lvef_pct,
       max(g.lower_value) FILTER (WHERE g.variable = 'life_expectancy') AS min_life_expectancy_years,
       count(g.variable) AS general_measure_count
FROM trial t
LEFT JOIN general g ON g.trial_id = t.trial_id
WHERE t.removed_at IS NULL
GROUP BY t.trial_id, t.nct_id, t.title, t.overall_status, t.phase;
