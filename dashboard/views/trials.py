"""Trials page: the selected trials as a table, and one trial in detail (registration, arms, interventions,
criteria, outcomes, MeSH terms, sites and countries, source files, parts of the record that could not be read)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui

LIST_LIMIT = 1000
NOT_STATED = data.label(None)
UNCLASSIFIED = "Unclassified"  # as mart_trials_by_therapeutic_area names trials under no area
filters: data.Filters = st.session_state.get("filters", data.Filters())
ui.header("Clinical trials warehouse", "Trials", "Pick a row (or a trial below) to see everything the warehouse "
          "holds about it.")

search = st.text_input("Search", key="trial_search", placeholder="Trial ID, any registry or sponsor ID, or words "
                       "of the title",
                       label_visibility="collapsed", icon=":material/search:")
total = ui.q(data.count_trials, filters, search)
trials = ui.q(data.trial_list, filters, search, LIST_LIMIT)
shown = f"first {LIST_LIMIT:,} of " if total > LIST_LIMIT else ""
st.caption(f"{shown}{total:,} trials, newest start first")


def _pick_from_table() -> None:
    rows = st.session_state["trial_table"].selection.rows
    if rows:
        st.session_state["trial_pick"] = trials.trial_id.iloc[rows[0]]


view = trials.assign(overall_status=trials.overall_status.map(data.label),
                     phase=trials.phase.map(data.phase_label), registry=trials.registry.map(data.label_or_none))
st.dataframe(
    view, key="trial_table", on_select=_pick_from_table, selection_mode="single-row", hide_index=True,
    width="stretch", height=min(330, 35 * (len(trials) + 1) + 3),
    column_config={
        "trial_id": st.column_config.TextColumn("Trial", width=110),
        "title": st.column_config.TextColumn("Title", width="large"),
        "overall_status": "Status", "phase": "Phase",
        "enrollment": st.column_config.NumberColumn("Enrollment", format="localized"),
        "start_date": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
        "conditions": "Conditions",
        "site_count": st.column_config.NumberColumn("Sites", format="localized"),
        "countries": "Countries", "lead_sponsor": "Lead sponsor", "registry": "Registry",
    })

if trials.empty:
    st.info("No trials match. Widen the filters or the search.", icon=":material/search_off:")
    st.stop()

ids = list(trials.trial_id)
if st.session_state.get("trial_pick") not in ids:
    st.session_state["trial_pick"] = ids[0]
titles = dict(zip(trials.trial_id, trials.title.fillna(""), strict=True))
trial_id = st.selectbox("Trial", ids, key="trial_pick",
                        format_func=lambda t: f"{t} · {titles[t][:110]}" if titles.get(t) else t)

detail = ui.q(data.trial_detail, trial_id)
if detail is None:
    st.warning(f"{trial_id} is no longer in the warehouse.")
    st.stop()
t = detail.trial
issue_count = len(detail.issues)


def _pills() -> str:
    status = t["overall_status"]
    css = {"RECRUITING": "ok", "NOT_YET_RECRUITING": "ok", "ENROLLING_BY_INVITATION": "ok", "COMPLETED": "",
           "TERMINATED": "bad", "WITHDRAWN": "bad", "SUSPENDED": "warn"}.get(status or "", "")
    pills = [f'<span class="th-pill {css}">{data.label(status)}</span>',
             f'<span class="th-pill">{data.phase_label(t["phase"])}</span>']
    if t["study_type"]:
        pills.append(f'<span class="th-pill">{data.label(t["study_type"])}</span>')
    if t["registry"]:
        pills.append(f'<span class="th-pill">{data.label(t["registry"])}</span>')
    if t["removed_at"] is not None:
        pills.append('<span class="th-pill bad">source file removed</span>')
    if issue_count:
        pills.append(f'<span class="th-pill warn">{issue_count} part(s) of the record unread</span>')
    return "".join(pills)


def _age_range() -> str:
    lo, hi = t["min_age_years"], t["max_age_years"]
    if lo is None and hi is None:
        return NOT_STATED
    return f"{ui.number(lo, 0) if lo is not None else 'any'} – {ui.number(hi, 0) if hi is not None else 'any'} years"


def _lead_sponsor(sponsors: pd.DataFrame) -> str:
    lead = sponsors[sponsors.role == "LEAD"].head(1)
    if lead.empty:
        return t["lead_sponsor"] or NOT_STATED
    agency_class = lead.agency_class.iloc[0]
    named = data.agency_class_label(agency_class) if data.label_or_none(agency_class) else "class not stated"
    return f"{lead.name.iloc[0]} ({named})"


def _date(d) -> str:
    return d.strftime("%Y-%m-%d") if d is not None else NOT_STATED


with st.container(border=True):
    st.subheader(t["title"] or t["official_title"] or trial_id, anchor=False)
    st.markdown(f'<span class="th-pill">{trial_id}</span>' + _pills(), unsafe_allow_html=True)
    cols = st.columns(5)
    cols[0].metric("Enrollment", ui.number(t["enrollment"]))
    cols[1].metric("Start", _date(t["start_date"]))
    cols[2].metric("Completion", _date(t["completion_date"]))
    cols[3].metric("Ages", _age_range())
    cols[4].metric("Sites", ui.number(len(detail.sites)))

    tabs = st.tabs(["Summary", f"Registration ({len(detail.identifiers)}/{len(detail.sponsors)})",
                    f"Arms & interventions ({len(detail.arms)}/{len(detail.interventions)})",
                    f"Eligibility ({len(detail.criteria)})", f"Outcomes ({len(detail.outcomes)})",
                    f"MeSH terms ({len(detail.mesh_terms)})",
                    f"Sites & countries ({len(detail.sites)}/{int((~detail.countries.removed).sum())})",
                    f"Sources ({len(detail.sources)})", f"Issues ({len(detail.issues)})"])
    with tabs[0]:
        facts = {
            "Conditions": "; ".join(detail.conditions) or NOT_STATED,
            "Therapeutic areas": "; ".join(detail.therapeutic_areas) or UNCLASSIFIED,
            "Lead sponsor": _lead_sponsor(detail.sponsors),
            "Registry": data.label(t["registry"]), "Registered": _date(t["registration_date"]),
            "Official title": t["official_title"] or NOT_STATED,
            "Primary purpose": data.label(t["primary_purpose"]),
            "Allocation": data.label(t["allocation"]), "Model": data.label(t["intervention_model"]),
            "Masking": data.label(t["masking"]), "Sex": data.label(t["sex"]),
            "Healthy volunteers": {True: "Yes", False: "No"}.get(t["healthy_volunteers"], NOT_STATED),
            "Last update": _date(t["last_update_date"]),
        }
        if t["registry_status"]:  # the registry's own wording when it maps to no single overall status
            facts["Registry status"] = f"{t['registry_status']} (as the registry writes it)"
        st.markdown("\n".join(f"- **{k}:** {v}" for k, v in facts.items()))
        if t["brief_summary"]:
            st.markdown("**Brief summary**")
            st.text(t["brief_summary"])
    with tabs[1]:
        id_col, sponsor_col = st.columns([1.1, 1], gap="large")
        with id_col:
            ui.card_title(f"Identifiers ({len(detail.identifiers)})", "Primary: a record's own ID · Registry: another "
                          "registry's ID of this trial · Other: sponsor protocol, grant and other numbers")
            if detail.identifiers.empty:
                st.caption("The source names no identifier.")
            else:
                # a sponsor's or funder's number belongs to no registry: a blank cell, not "Not stated"
                st.dataframe(detail.identifiers.assign(registry=detail.identifiers.registry.map(data.label_or_none)
                                                       .fillna(""),
                                                       id_type=detail.identifiers.id_type.map(data.label)),
                             hide_index=True, width="stretch",
                             column_config={"identifier": "Identifier", "registry": "Registry", "id_type": "Type"})
        with sponsor_col:
            ui.card_title(f"Sponsors ({len(detail.sponsors)})", "The lead sponsor and collaborators, with the agency "
                          "class the registry gives them")
            if detail.sponsors.empty:
                st.caption("The source names no sponsor.")
            else:
                st.dataframe(detail.sponsors.drop(columns="ordinal").assign(
                    role=detail.sponsors.role.map(data.label), agency_class=detail.sponsors.agency_class.map(data.agency_class_label)),
                    hide_index=True, width="stretch",
                    column_config={"name": "Organisation", "role": "Role", "agency_class": "Agency class"})
    with tabs[2]:
        if detail.arms.empty and detail.interventions.empty:
            st.caption("The source states no arms or interventions.")
        if not detail.arms.empty:
            st.dataframe(detail.arms.assign(arm_type=detail.arms.arm_type.map(
                data.label_or_none)), hide_index=True, width="stretch",
                column_config={"ordinal": st.column_config.NumberColumn("#", width="small"), "label": "Arm",
                               "arm_type": "Type", "description": st.column_config.TextColumn("Description", width="large"),
                               "interventions": "Interventions"})
        if not detail.interventions.empty:
            st.dataframe(detail.interventions.assign(intervention_type=detail.interventions.intervention_type.map(
                data.label_or_none)), hide_index=True, width="stretch",
                column_config={"ordinal": st.column_config.NumberColumn("#", width="small"),
                               "intervention_type": "Type", "name": "Intervention",
                               "description": st.column_config.TextColumn("Description", width="large")})
    with tabs[3]:
        if detail.criteria.empty:
            st.caption("The source states no eligibility criteria.")
        inc, exc = st.columns(2, gap="large")
        for col, kind, title in ((inc, "INCLUSION", "Inclusion"), (exc, "EXCLUSION", "Exclusion")):
            rows = detail.criteria[detail.criteria.kind == kind]
            with col:
                ui.card_title(f"{title} criteria ({len(rows)})")
                for text in rows.text:
                    st.markdown(f"- {text}")
    with tabs[4]:
        if detail.outcomes.empty:
            st.caption("The source states no outcome measures.")
        else:
            st.dataframe(detail.outcomes.assign(kind=detail.outcomes.kind.str.capitalize()), hide_index=True,
                         width="stretch", column_config={
                             "kind": "Kind", "ordinal": st.column_config.NumberColumn("#", width="small"),
                             "measure": st.column_config.TextColumn("Measure", width="large"),
                             "time_frame": "Time frame", "description": "Description"})
    with tabs[5]:
        ui.card_title("Therapeutic areas: " + ("; ".join(detail.therapeutic_areas) or UNCLASSIFIED),
                      "Direct: a term of the record's own · Ancestor: a broader MeSH term above one · Learned: the "
                      "condition's name matched a name registry records map to the term")
        if detail.mesh_terms.empty:
            st.caption("No MeSH term is known for this trial's conditions or interventions.")
        else:
            m = detail.mesh_terms
            st.dataframe(m.assign(applies_to=m.applies_to.map(data.label), term=m.term.fillna(NOT_STATED),
                                  relation=m.relation.map(data.label), source=m.source.map(data.label)),
                         hide_index=True, width="stretch",
                         column_config={"applies_to": "Applies to", "term": st.column_config.TextColumn("Term", width="large"),
                                        "mesh_id": "MeSH ID", "relation": "Relation", "source": "Source"})
    with tabs[6]:
        c = detail.countries
        if c.empty:
            st.caption("No country is known for this trial.")
        else:
            current = c[~c.removed]
            st.caption("Runs in: " + (" · ".join(f"{r.country_name} ({'sites' if r.source == 'SITE' else 'registry'})"
                                                 for r in current.itertuples()) or NOT_STATED)
                       + ("; removed: " + ", ".join(c[c.removed].country_name) if c.removed.any() else ""))
        if detail.sites.empty:
            st.caption("The source lists no sites.")
        else:
            st.dataframe(detail.sites.assign(status=detail.sites.status.map(data.label_or_none),
                                             geo_source=detail.sites.geo_source.map(data.label_or_none)),
                         hide_index=True, width="stretch",
                         column_config={"facility": "Facility", "city": "City", "state": "State", "zip": "ZIP",
                                        "country": "Country as written",
                                        "country_name": "Country", "status": "Status",
                                        "latitude": st.column_config.NumberColumn("Latitude", format="%.3f"),
                                        "longitude": st.column_config.NumberColumn("Longitude", format="%.3f"),
                                        "geo_source": "Located by"})
    with tabs[7]:
        st.caption(f"Built from `{t['source_file']}` ({t['source_layout']}), run {t['run_id']}.")
        st.dataframe(pd.DataFrame(detail.sources), hide_index=True, width="stretch",
                     column_config={"file_path": "File", "status": "Status", "layout": "Layout",
                                    "encoding": "Encoding", "error": "Why quarantined",
                                    "last_seen_at": st.column_config.DatetimeColumn("Last seen")})
    with tabs[8]:
        if detail.issues.empty:
            st.success("Every part of the record was read.", icon=":material/check_circle:")
        else:
            st.caption("Parts of the record that could not be read; the rest of it loaded.")
            st.dataframe(detail.issues.drop(columns="ordinal").assign(severity=detail.issues.severity.map(data.label)),
                         hide_index=True, width="stretch",
                         column_config={"field": "Field", "severity": "Severity",
                                        "message": st.column_config.TextColumn("What went wrong", width="large"),
                                        "source_file": "File"})
