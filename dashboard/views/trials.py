"""Trials page: the selected trials as a table, and one trial in detail (arms, interventions, criteria, outcomes,
sites, source files)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui

LIST_LIMIT = 1000
filters: data.Filters = st.session_state.get("filters", data.Filters())
ui.header("Clinical trials warehouse", "Trials", "Pick a row (or a trial below) to see everything the warehouse "
          "holds about it.")

search = st.text_input("Search", key="trial_search", placeholder="NCT ID or words of the title",
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
                     phase=trials.phase.map(data.phase_label))
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
        "countries": "Countries", "lead_sponsor": "Lead sponsor",
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


def _pills() -> str:
    status = t["overall_status"]
    css = {"RECRUITING": "ok", "NOT_YET_RECRUITING": "ok", "ENROLLING_BY_INVITATION": "ok", "COMPLETED": "",
           "TERMINATED": "bad", "WITHDRAWN": "bad", "SUSPENDED": "warn"}.get(status or "", "")
    pills = [f'<span class="th-pill {css}">{data.label(status)}</span>',
             f'<span class="th-pill">{data.phase_label(t["phase"])}</span>']
    if t["study_type"]:
        pills.append(f'<span class="th-pill">{data.label(t["study_type"])}</span>')
    if t["removed_at"] is not None:
        pills.append('<span class="th-pill bad">source file removed</span>')
    return "".join(pills)


def _age_range() -> str:
    lo, hi = t["min_age_years"], t["max_age_years"]
    if lo is None and hi is None:
        return "—"
    return f"{ui.number(lo, 0) if lo is not None else 'any'} – {ui.number(hi, 0) if hi is not None else 'any'} years"


def _date(d) -> str:
    return d.strftime("%Y-%m-%d") if d is not None else "—"


with st.container(border=True):
    st.subheader(t["title"] or t["official_title"] or trial_id, anchor=False)
    st.markdown(f'<span class="th-pill">{trial_id}</span>' + _pills(), unsafe_allow_html=True)
    cols = st.columns(5)
    cols[0].metric("Enrollment", ui.number(t["enrollment"]))
    cols[1].metric("Start", _date(t["start_date"]))
    cols[2].metric("Completion", _date(t["completion_date"]))
    cols[3].metric("Ages", _age_range())
    cols[4].metric("Sites", ui.number(len(detail.sites)))

    tabs = st.tabs(["Summary", f"Arms & interventions ({len(detail.arms)}/{len(detail.interventions)})",
                    f"Eligibility ({len(detail.criteria)})", f"Outcomes ({len(detail.outcomes)})",
                    f"Sites ({len(detail.sites)})", f"Sources ({len(detail.sources)})"])
    with tabs[0]:
        facts = {
            "Conditions": "; ".join(detail.conditions) or "—", "Lead sponsor": t["lead_sponsor"] or "—",
            "Official title": t["official_title"] or "—", "Primary purpose": data.label_or_none(t["primary_purpose"]) or "—",
            "Allocation": data.label_or_none(t["allocation"]) or "—",
            "Model": data.label_or_none(t["intervention_model"]) or "—",
            "Masking": data.label_or_none(t["masking"]) or "—",
            "Sex": data.label_or_none(t["sex"]) or "—",
            "Healthy volunteers": {True: "Yes", False: "No"}.get(t["healthy_volunteers"], "—"),
            "Last update": _date(t["last_update_date"]),
        }
        st.markdown("\n".join(f"- **{k}:** {v}" for k, v in facts.items()))
        if t["brief_summary"]:
            st.markdown("**Brief summary**")
            st.text(t["brief_summary"])
    with tabs[1]:
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
    with tabs[2]:
        if detail.criteria.empty:
            st.caption("The source states no eligibility criteria.")
        inc, exc = st.columns(2, gap="large")
        for col, kind, title in ((inc, "INCLUSION", "Inclusion"), (exc, "EXCLUSION", "Exclusion")):
            rows = detail.criteria[detail.criteria.kind == kind]
            with col:
                ui.card_title(f"{title} criteria ({len(rows)})")
                for text in rows.text:
                    st.markdown(f"- {text}")
    with tabs[3]:
        if detail.outcomes.empty:
            st.caption("The source states no outcome measures.")
        else:
            st.dataframe(detail.outcomes.assign(kind=detail.outcomes.kind.str.capitalize()), hide_index=True,
                         width="stretch", column_config={
                             "kind": "Kind", "ordinal": st.column_config.NumberColumn("#", width="small"),
                             "measure": st.column_config.TextColumn("Measure", width="large"),
                             "time_frame": "Time frame", "description": "Description"})
    with tabs[4]:
        if detail.sites.empty:
            st.caption("The source lists no sites.")
        else:
            by_country = detail.sites.country.fillna("Not stated").value_counts()
            st.caption(" · ".join(f"{c}: {n}" for c, n in by_country.items()))
            st.dataframe(detail.sites.assign(status=detail.sites.status.map(data.label_or_none)),
                         hide_index=True, width="stretch",
                         column_config={"facility": st.column_config.TextColumn("Facility", width="large"),
                                        "city": "City", "state": "State", "zip": "ZIP", "country": "Country",
                                        "status": "Status"})
    with tabs[5]:
        st.caption(f"Built from `{t['source_file']}` ({t['source_layout']}), run {t['run_id']}.")
        st.dataframe(pd.DataFrame(detail.sources), hide_index=True, width="stretch",
                     column_config={"file_path": "File", "status": "Status", "layout": "Layout",
                                    "encoding": "Encoding", "error": "Why quarantined",
                                    "last_seen_at": st.column_config.DatetimeColumn("Last seen")})
