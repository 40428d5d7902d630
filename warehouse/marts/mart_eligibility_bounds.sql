-- grain: one row per current trial × stated bound a patient's value is checked against: each criterion_measure range (the allowed range, conditional ones flagged) and the trial's registry age limits
-- The rule that matches a patient to trials lives here once, as SQL: the view of every bound, and two table macros
-- over it (patient_checks: one row per trial × check; trials_for_patient: one row per trial). The CLI
-- (`trialhouse match`), the dashboard and BI tools all call the macros; they only convert units and render.
CREATE OR REPLACE VIEW mart_eligibility_bounds AS
WITH bound AS (
    SELECT m.trial_id, 'CRITERION' AS bound_source, m.criterion_id, m.measure_id, m.variable,
           m.lower_value, m.lower_inclusive, m.upper_value, m.upper_inclusive, m.unit,
           m.condition_text IS NOT NULL AS is_conditional, m.condition_text, m.condition_kind, m.applies_to_sex,
           m.source_text
    FROM criterion_measure m
    UNION ALL
    -- the registry's structured limits are inclusive ("Minimum Age: 18 Years" admits an 18-year-old)
    SELECT t.trial_id, 'REGISTRY', NULL, NULL, 'age', t.min_age_years, true, t.max_age_years, true, 'years',
           false, NULL, NULL, NULL,
           concat_ws(', ', 'registry age limits: minimum ' || printf('%g', t.min_age_years) || ' years',
                     'maximum ' || printf('%g', t.max_age_years) || ' years')
    FROM trial t
    WHERE t.min_age_years IS NOT NULL OR t.max_age_years IS NOT NULL
)
SELECT b.trial_id, b.bound_source, b.criterion_id, b.measure_id, b.variable, b.lower_value, b.lower_inclusive,
       b.upper_value, b.upper_inclusive, b.unit, coalesce(b.unit = '×ULN', false) AS is_uln, b.is_conditional,
       b.condition_text, b.condition_kind, b.applies_to_sex, b.source_text,
       -- readable requirement: `≥ 1.5 and ≤ 3 ×ULN`; scores, classes and counts need no unit after the number
       concat_ws(' and ',
                 CASE WHEN b.lower_value IS NOT NULL THEN CASE WHEN b.lower_inclusive IS FALSE THEN '> ' ELSE '≥ ' END
                                                          || printf('%g', b.lower_value) END,
                 CASE WHEN b.upper_value IS NOT NULL THEN CASE WHEN b.upper_inclusive IS FALSE THEN '< ' ELSE '≤ ' END
                                                          || printf('%g', b.upper_value) END)
           || CASE WHEN b.unit IS NULL OR b.unit IN ('score', 'class', 'count') THEN '' ELSE ' ' || b.unit END
           AS requirement
FROM bound b
JOIN trial t ON t.trial_id = b.trial_id
WHERE t.removed_at IS NULL AND (b.lower_value IS NOT NULL OR b.upper_value IS NOT NULL);

-- patient_checks(patient, uln, sex): one row per current trial × bound on a value the patient gave (plus the trial's
-- registry sex), with the verdict. `patient` is a MAP(VARCHAR, DOUBLE) of catalogue variable → value in the
-- variable's canonical unit (criterion_measure.unit); `uln` the same for values given as multiples of the upper limit
-- of normal; `sex` FEMALE or MALE. Verdicts: ADMITS / EXCLUDES (a general bound), CONDITIONAL (a bound that applies
-- only under its condition_text: shown, not applied), OTHER_UNIT (the bound is in ×ULN and the value absolute, or the
-- reverse: it cannot be compared). A bound is inclusive unless stated exclusive. A bound stated for one sex
-- (applies_to_sex) is applied to a patient of that sex, left out for the other, and a caveat when the sex is not given.
CREATE OR REPLACE MACRO patient_checks(patient, uln := NULL, sex := NULL) AS TABLE
WITH unknown AS (
    -- a key that is no catalogue variable (a typo: `platelet`) is an error, not a value nothing checks
    SELECT string_agg(k, ', ' ORDER BY k) AS names
    FROM (SELECT unnest(list_concat(map_keys(CAST(coalesce(patient, MAP {}) AS MAP(VARCHAR, DOUBLE))),
                                    map_keys(CAST(coalesce(uln, MAP {}) AS MAP(VARCHAR, DOUBLE))))) AS k)
    WHERE k NOT IN (SELECT variable FROM dim_measure_variable)
), given AS (
    SELECT e.key AS variable, e.value AS patient_value, false AS patient_value_is_uln
    FROM (SELECT unnest(map_entries(CAST(coalesce(patient, MAP {}) AS MAP(VARCHAR, DOUBLE)))) AS e)
    UNION ALL
    SELECT e.key, e.value, true
    FROM (SELECT unnest(map_entries(CAST(coalesce(uln, MAP {}) AS MAP(VARCHAR, DOUBLE)))) AS e)
), checked AS (
    SELECT g.* FROM given g, unknown u
    WHERE CASE WHEN u.names IS NULL THEN true
               ELSE error('unknown patient variable(s): ' || u.names
                          || ' (the keys are the variable codes of dim_measure_variable, e.g. platelets, anc, age)')
          END
), paired AS (
    -- a bound in ×ULN is compared with the value given in ×ULN; one given only in the other kind is OTHER_UNIT.
    -- A value within a billionth of a bound is on it: unit conversions of the bound and of the value may differ in
    -- the last bits (a value at an inclusive edge must not be excluded by rounding).
    SELECT b.*, g.patient_value, g.patient_value_is_uln,
           g.patient_value_is_uln = b.is_uln AS is_comparable,
           (b.lower_value IS NULL
                OR g.patient_value - b.lower_value > 1e-9 * greatest(abs(b.lower_value), 1)
                OR (abs(g.patient_value - b.lower_value) <= 1e-9 * greatest(abs(b.lower_value), 1)
                    AND b.lower_inclusive IS NOT FALSE))
           AND (b.upper_value IS NULL
                OR b.upper_value - g.patient_value > 1e-9 * greatest(abs(b.upper_value), 1)
                OR (abs(g.patient_value - b.upper_value) <= 1e-9 * greatest(abs(b.upper_value), 1)
                    AND b.upper_inclusive IS NOT FALSE)) AS is_within
    FROM mart_eligibility_bounds b
    JOIN checked g ON g.variable = b.variable
    WHERE (g.patient_value_is_uln = b.is_uln
           OR NOT EXISTS (SELECT 1 FROM given o WHERE o.variable = b.variable AND o.patient_value_is_uln = b.is_uln))
      AND coalesce(b.applies_to_sex = upper(sex), true)  -- a bound for the other sex is not the patient's
)
SELECT trial_id, variable, patient_value, patient_value_is_uln,
       printf('%g', patient_value) || CASE WHEN patient_value_is_uln THEN ' ×ULN' ELSE '' END AS given,
       CASE WHEN NOT is_comparable THEN 'OTHER_UNIT'
            WHEN is_conditional AND NOT coalesce(applies_to_sex = upper(sex), false) THEN 'CONDITIONAL'
            WHEN is_within THEN 'ADMITS' ELSE 'EXCLUDES' END AS verdict,
       is_within, requirement, lower_value, lower_inclusive, upper_value, upper_inclusive, unit, bound_source,
       criterion_id, measure_id, source_text, condition_text
FROM paired
UNION ALL
SELECT t.trial_id, 'sex', NULL, false, upper(sex),
       CASE WHEN t.sex IN ('ALL', upper(sex)) THEN 'ADMITS' ELSE 'EXCLUDES' END,
       t.sex IN ('ALL', upper(sex)), t.sex, NULL, NULL, NULL, NULL, NULL, 'REGISTRY', NULL, NULL,
       'registry sex: ' || t.sex, NULL
FROM trial t
WHERE sex IS NOT NULL AND t.sex IS NOT NULL AND t.removed_at IS NULL;

-- trials_for_patient(patient, uln, sex, condition, statuses, countries, include_excluded): one row per current trial
-- whose stated bounds admit the patient (all trials with include_excluded), best match first (match_rank): a bound
-- the trial does not state does not exclude, conditional bounds are caveats and not applied (but a bound stated for one
-- sex applies to a patient of that sex), and trials rank by how many of the patient's values were actually checked.
-- Filters: `condition` (text found in a condition or MeSH term, case and punctuation ignored), `statuses` (list of
-- overall_status codes), `countries` (list of ISO codes or names). `max_trials`: only the first that many by match_rank
-- (their checks are the costly part: at the full registry's size, far cheaper than a LIMIT on the whole answer).
CREATE OR REPLACE MACRO trials_for_patient(patient, uln := NULL, sex := NULL, condition := NULL, statuses := NULL,
                                           countries := NULL, include_excluded := false, max_trials := NULL) AS TABLE
WITH candidate AS (
    SELECT t.trial_id, t.nct_id, t.title, t.overall_status, t.phase
    FROM trial t
    WHERE t.removed_at IS NULL
      AND (len(coalesce(statuses, [])) = 0
           OR t.overall_status IN (SELECT upper(unnest(statuses))))
      AND (len(coalesce(countries, [])) = 0
           OR t.trial_id IN (SELECT c.trial_id FROM trial_country c
                             WHERE NOT coalesce(c.removed, false)
                               AND (upper(c.country_code) IN (SELECT upper(unnest(countries)))
                                    OR lower(c.country_name) IN (SELECT lower(unnest(countries))))))
      AND (coalesce(trim(condition), '') = ''
           OR t.trial_id IN (SELECT n.trial_id FROM (SELECT trial_id, name FROM condition
                                                    UNION ALL SELECT trial_id, term FROM condition_mesh) n
                             -- `non-small cell lung` finds `Carcinoma, Non-Small-Cell Lung`
                             WHERE contains(' ' || trim(regexp_replace(lower(n.name), '[^a-z0-9]+', ' ', 'g')) || ' ',
                                            ' ' || trim(regexp_replace(lower(condition), '[^a-z0-9]+', ' ', 'g'))
                                            || ' ')))
), checked AS (
    SELECT c.*, c.variable || CASE WHEN c.patient_value_is_uln THEN ' ×ULN' ELSE '' END AS value_name
    FROM patient_checks(patient, uln := uln, sex := sex) c
    WHERE c.trial_id IN (SELECT trial_id FROM candidate)
), per_value AS (
    -- one row per trial × value given, so that no list needs DISTINCT (DuckDB takes a far slower path for DISTINCT
    -- aggregates beside others in one GROUP BY)
    SELECT trial_id, value_name, bool_or(verdict IN ('ADMITS', 'EXCLUDES')) AS is_checked,
           bool_or(verdict = 'EXCLUDES') AS is_excluding,
           count(*) FILTER (WHERE verdict IN ('CONDITIONAL', 'OTHER_UNIT')) AS caveats
    FROM checked
    GROUP BY trial_id, value_name
), per_trial AS (
    SELECT trial_id,
           count(*) FILTER (WHERE is_checked) AS checked_count,
           list_sort(list(value_name) FILTER (WHERE is_checked)) AS checked_values,
           list_sort(list(value_name) FILTER (WHERE is_excluding)) AS excluded_by,
           CAST(sum(caveats) AS BIGINT) AS caveat_count
    FROM per_value
    GROUP BY trial_id
), listed AS (
    -- the trials the answer lists: their checks and unstated bounds are gathered below for these alone
    SELECT row_number() OVER (ORDER BY p.excluded_by IS NULL DESC, coalesce(p.checked_count, 0) DESC,
                                       coalesce(p.caveat_count, 0), c.trial_id) AS match_rank,
           c.trial_id, c.nct_id, c.title, c.overall_status, c.phase,
           p.excluded_by IS NULL AS is_eligible,
           coalesce(p.checked_count, 0) AS checked_count,
           coalesce(p.checked_values, []::VARCHAR[]) AS checked_values,
           coalesce(p.excluded_by, []::VARCHAR[]) AS excluded_by,
           coalesce(p.caveat_count, 0) AS caveat_count
    FROM candidate c
    LEFT JOIN per_trial p ON p.trial_id = c.trial_id
    WHERE p.excluded_by IS NULL OR include_excluded
    QUALIFY max_trials IS NULL OR match_rank <= max_trials
), unstated AS (
    -- general bounds on values the patient did not give: what else the trial asks for
    SELECT b.trial_id, list(DISTINCT b.variable ORDER BY b.variable) AS unchecked_variables
    FROM mart_eligibility_bounds b
    WHERE (NOT b.is_conditional OR coalesce(b.applies_to_sex = upper(sex), false))
      AND b.trial_id IN (SELECT trial_id FROM listed)
      AND NOT list_contains(list_concat(map_keys(CAST(coalesce(patient, MAP {}) AS MAP(VARCHAR, DOUBLE))),
                                        map_keys(CAST(coalesce(uln, MAP {}) AS MAP(VARCHAR, DOUBLE)))), b.variable)
    GROUP BY b.trial_id
), trial_checks AS (
    SELECT trial_id,
           list(struct_pack(variable, value_name, given, verdict, requirement, source_text, condition_text,
                            bound_source, criterion_id)
                ORDER BY variable, verdict, requirement, criterion_id) AS checks
    FROM checked
    WHERE trial_id IN (SELECT trial_id FROM listed)
    GROUP BY trial_id
)
SELECT l.*,
       coalesce(u.unchecked_variables, []::VARCHAR[]) AS unchecked_variables,
       coalesce(k.checks, []) AS checks
FROM listed l
LEFT JOIN unstated u ON u.trial_id = l.trial_id
LEFT JOIN trial_checks k ON k.trial_id = l.trial_id
ORDER BY match_rank;
