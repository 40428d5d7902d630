"""Find trials for a patient: the patient's values with units in, the warehouse's `trials_for_patient` answer out (the
verdict per value, the criterion text behind it, conditional bounds as caveats)."""
from __future__ import annotations

import streamlit as st

from dashboard import data, match_data, ui
from schemas.measures import CATALOGUE
from transforms.patient import Patient, PatientValue, PatientValueError, build_patient, read_value
from warehouse.match import TrialFilters

LIMIT = 50
STATUS_CHOICES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING")


@st.cache_data(max_entries=64, show_spinner=False)
def _frames(cache_key: tuple, patient: Patient, filters: TrialFilters, include_excluded: bool):
    return match_data.match_frames(ui.con(), patient, filters, LIMIT, include_excluded)


def _seed_from_address() -> None:
    """Values in the address (`?age=64&platelets=150&hba1c=7.1&sex=female`, in each input's first unit) fill the
    inputs on the first run: a patient's search can be shared as a link."""
    if st.session_state.get("m_seeded"):
        return
    st.session_state["m_seeded"] = True
    more = []
    for variable in CATALOGUE:
        try:
            st.session_state[f"m_{variable}"] = float(st.query_params[variable])
        except (KeyError, ValueError):
            continue
        if variable in match_data.OTHER_INPUTS:
            more.append(variable)
    st.session_state["m_more"] = more
    if st.query_params.get("sex") in ("female", "male"):
        st.session_state["m_sex"] = st.query_params["sex"]


_seed_from_address()
ui.header("Matching", "Find trials for a patient",
          "Trials whose stated ranges admit the patient, most values checked first. A bound a trial does not state "
          "does not exclude; a conditional bound (\"if liver metastases\") is shown as a caveat, not applied. The same "
          "answer as `trialhouse match` and the SQL macro `trials_for_patient`.")
if not match_data.has_matching(ui.con()):
    st.warning("This warehouse was built by an older trialhouse and lacks trials_for_patient: run `trialhouse ingest` "
               "again to add it.", icon=":material/update:")
    st.stop()

values: list[PatientValue] = []
errors: list[str] = []


def _value_input(variable: str, label: str) -> None:
    """A number and its unit for one catalogue variable, read into `values` (or its error into `errors`)."""
    number_col, unit_col = st.columns([3, 2], gap="small")
    number = number_col.number_input(label, value=None, min_value=0.0, step=None, format="%g",
                                     key=f"m_{variable}", help=CATALOGUE[variable].label)
    units = match_data.input_units(variable)
    unit = unit_col.selectbox("Unit", units, key=f"m_{variable}_unit", label_visibility="hidden",
                              disabled=len(units) == 1)
    if number is not None:
        try:
            values.append(read_value(variable, f"{number:g} {unit}"))
        except PatientValueError as exc:
            errors.append(str(exc))


with st.container(border=True):
    ui.card_title("Patient", "Leave a value empty when it is not known. Units are converted to the catalogue's.")
    sex = st.segmented_control("Sex", ["female", "male"], key="m_sex")
    columns = st.columns(3, gap="large")
    for n, (variable, label, _) in enumerate(match_data.COMMON_INPUTS):
        with columns[n % 3]:
            _value_input(variable, label)
    more = st.multiselect("More values: any variable of the catalogue", match_data.OTHER_INPUTS, key="m_more",
                          format_func=lambda v: f"{CATALOGUE[v].label} ({v})", placeholder="e.g. FEV1, HbA1c, PSA")
    columns = st.columns(3, gap="large")
    for n, variable in enumerate(more):
        with columns[n % 3]:
            _value_input(variable, CATALOGUE[variable].label)

with st.container(border=True):
    ui.card_title("Trials to consider")
    left, middle, right = st.columns([2, 2, 1], gap="medium")
    condition = left.text_input("Condition contains", key="m_condition", placeholder="e.g. non-small cell lung")
    statuses = middle.multiselect("Overall status", STATUS_CHOICES, key="m_statuses", format_func=data.label,
                                  placeholder="Any status")
    countries = right.text_input("Site country", key="m_country", placeholder="ISO code or name, e.g. KR")
    include_excluded = st.toggle("Also show the trials that exclude the patient", key="m_excluded")

for message in errors:
    st.error(message, icon=":material/error:")
try:
    patient = build_patient(values, sex)
except PatientValueError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
if not patient.values and patient.sex is None:
    st.info("Give at least one of the patient's values to find trials.", icon=":material/person_search:")
    st.stop()

filters = TrialFilters(condition.strip() or None, tuple(statuses),
                       tuple(c.strip() for c in countries.split(",") if c.strip()))
frames = _frames(ui.source().cache_key, patient, filters, include_excluded)
cols = st.columns(3)
cols[0].metric("Trials admitting the patient", ui.number(frames.eligible_count), border=True)
cols[1].metric("Trials considered", ui.number(frames.candidate_count), border=True)
cols[2].metric("Values given", ui.number(len(patient.values) + (patient.sex is not None)), border=True)

if frames.trials.empty:
    st.info("No trial admits this patient among those considered.", icon=":material/search_off:")
    st.stop()

with st.container(border=True):
    ui.card_title("Trials, best match first", f"At most {LIMIT}. ✓ admits · ✗ excludes · ⚠ caveat: a conditional "
                  "bound, or one in another unit (×ULN vs absolute). Pick a row for the criterion text.")
    view = frames.trials.assign(overall_status=frames.trials.overall_status.map(data.label))
    if not include_excluded:
        view = view.drop(columns=["is_eligible"])
    st.dataframe(view, key="m_table", hide_index=True, width="stretch", on_select="rerun",
                 selection_mode="single-row", column_config={
                     "rank": st.column_config.NumberColumn("#", width=40),
                     "trial_id": st.column_config.TextColumn("Trial", width=110),
                     "title": st.column_config.TextColumn("Title", width="medium"),
                     "overall_status": "Status", "is_eligible": "Admits",
                     "checked_count": st.column_config.NumberColumn("Checked", help="values checked against a "
                                                                    "stated bound"),
                     "caveat_count": st.column_config.NumberColumn("Caveats"),
                     "also_states": st.column_config.TextColumn("Also states", help="bounds on values not given"),
                 })

picked = st.session_state.get("m_table")
rows = picked.selection.rows if picked is not None else []
trial_id = frames.trials.trial_id.iloc[rows[0] if rows else 0]
checks = frames.checks[frames.checks.trial_id == trial_id]
with st.container(border=True):
    ui.card_title(f"Why: {trial_id}", "Each value given, the bound the trial states and the criterion it comes from")
    st.dataframe(checks.drop(columns=["trial_id"]).assign(verdict=checks.verdict.map(match_data.VERDICT_LABELS),
                                                          condition_text=checks.condition_text.fillna("")),
                 hide_index=True, width="stretch", column_config={
                     "variable": "Value", "given": "Given", "verdict": "Verdict", "requirement": "Trial requires",
                     "source_text": st.column_config.TextColumn("Criterion text", width="large"),
                     "condition_text": "Only when", "bound_source": "From"})
    for c in checks[checks.verdict == "CONDITIONAL"].itertuples():
        st.warning(f"{c.variable} {c.requirement} {c.condition_text}: not applied (“{c.source_text}”)",
                   icon=":material/warning:")
