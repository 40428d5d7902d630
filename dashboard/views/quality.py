"""Data quality page: ingest runs, what each loaded or quarantined, every quarantined file with its reason, and the
parts of loaded records that could not be read (ingest issues)."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, marts, ui

ui.header("Lineage", "Data quality", "Every ingest run, every file the gate kept out of the warehouse, and every "
          "part of a loaded record that could not be read (mart_ingest_quality, mart_quarantined_files, "
          "mart_ingest_issues).")

ISSUE_LIST_LIMIT = 1000
runs = ui.q(marts.runs)
quarantined = ui.q(marts.quarantined_files)
issue_list = ui.q(marts.ingest_issue_list, ISSUE_LIST_LIMIT)
if runs.empty:
    st.info("No ingest run recorded yet.")
    st.stop()

last = runs.iloc[0]
cols = st.columns(5)
RUN_OUTCOME = {"COMPLETED": "completed", "COMPLETED_WITH_QUARANTINE": "with quarantine", "FAILED": "failed"}
cols[0].metric("Last run", f"{last.started_at:%d %b %H:%M}", RUN_OUTCOME.get(last.status, data.label(last.status)),
               delta_arrow="off", delta_color="normal" if last.status == "COMPLETED" else "inverse", border=True,
               help=f"run {last.run_id}, started {last.started_at:%Y-%m-%d %H:%M:%S}")
cols[1].metric("Files seen", ui.number(last.files_seen), f"{ui.number(last.files_removed)} removed",
               delta_color="off", delta_arrow="off", border=True)
cols[2].metric("Loaded", ui.number(last.files_loaded), f"{ui.number(last.files_unchanged)} unchanged",
               delta_color="off", delta_arrow="off", border=True)
cols[3].metric("Quarantined (last run)", ui.number(last.files_quarantined),
               f"{ui.number(last.records_quarantined)} records in loaded files", delta_color="off", delta_arrow="off",
               border=True)
cols[4].metric("Quarantined now", ui.number(len(quarantined)), "files still in the source", delta_color="off",
               delta_arrow="off", border=True)

left, right = st.columns([1.3, 1], gap="medium")
with left, st.container(border=True):
    ui.card_title("Files per run", "Loaded, unchanged (skipped: content already loaded), quarantined and removed")
    ui.plot(charts.runs_files(runs.head(30)))
with right, st.container(border=True):
    ui.card_title("Why files are quarantined", "Quarantined files still in the source, by kind of reason")
    ui.plot(charts.reasons(ui.q(marts.quarantine_reasons)))

issues = ui.q(marts.ingest_issues)
left, right = st.columns([1, 1.3], gap="medium")
with left, st.container(border=True):
    ui.card_title("Unread parts of records", "Parts of loaded records that could not be read, by field: errors (a "
                  "list or field lost) and warnings (a value left out)")
    ui.plot(charts.issues_by_field(issues))
with right, st.container(border=True):
    ui.card_title("Records with issues per run", f"Trials a run loaded with some part of their record left unread "
                  f"(now {issue_list.trial_id.nunique():,} current trials; the last run "
                  f"{ui.number(last.records_with_issues)})")
    ui.plot(charts.records_with_issues(runs.head(30)))

with st.container(border=True):
    ui.card_title(f"Quarantined files ({len(quarantined):,})", "Fix the file (or the parser) and re-run ingest: "
                  "a changed file is read again.")
    if quarantined.empty:
        st.success("Nothing is quarantined.", icon=":material/check_circle:")
    else:
        st.dataframe(quarantined[["file_path", "reason_kind", "reason", "layout", "is_whole_file", "record_count",
                                  "quarantined_records", "size_bytes", "last_seen_at"]],
                     hide_index=True, width="stretch", column_config={
            "file_path": "File", "reason_kind": "Kind", "reason": st.column_config.TextColumn("Reason", width="large"),
            "layout": "Layout", "is_whole_file": st.column_config.CheckboxColumn("Whole file"),
            "record_count": st.column_config.NumberColumn("Records"),
            "quarantined_records": st.column_config.NumberColumn("Bad records"),
            "size_bytes": st.column_config.NumberColumn("Bytes", format="localized"),
            "last_seen_at": st.column_config.DatetimeColumn("Last seen", format="YYYY-MM-DD HH:mm")})

with st.container(border=True):
    shown = f", the first {ISSUE_LIST_LIMIT:,}" if len(issue_list) == ISSUE_LIST_LIMIT else ""
    ui.card_title(f"Ingest issues ({int(issues.issue_count.sum()):,})", "The rest of each record loaded: the trial "
                  f"page shows them too. Per field, then every issue{shown}.")
    if issues.empty:
        st.success("Every loaded record was read whole.", icon=":material/check_circle:")
    else:
        st.dataframe(issues.assign(severity=issues.severity.map(data.label)), hide_index=True, width="stretch",
                     column_config={
            "field": "Field", "severity": "Severity", "trial_count": st.column_config.NumberColumn("Trials"),
            "issue_count": st.column_config.NumberColumn("Issues"),
            "example_message": st.column_config.TextColumn("Example", width="large"), "example_file": "Example file"})
        st.dataframe(issue_list.assign(severity=issue_list.severity.map(data.label)), hide_index=True,
                     width="stretch", height=min(400, 35 * (len(issue_list) + 1) + 3), column_config={
            "trial_id": "Trial", "field": "Field", "severity": "Severity",
            "message": st.column_config.TextColumn("What went wrong", width="large"), "source_file": "File"})

with st.container(border=True):
    ui.card_title("Runs", "Newest first")
    st.dataframe(runs[["run_id", "started_at", "duration_seconds", "status", "files_seen", "files_loaded",
                       "files_unchanged", "files_quarantined", "files_removed", "trials_removed",
                       "records_quarantined", "records_with_issues", "quarantine_reasons", "error"]].assign(status=runs.status.map(data.label)),
                 hide_index=True, width="stretch", column_config={
        "run_id": "Run", "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm:ss"),
        "duration_seconds": st.column_config.NumberColumn("Seconds"), "status": "Status",
        "files_seen": "Seen", "files_loaded": "Loaded", "files_unchanged": "Unchanged",
        "files_quarantined": "Quarantined", "files_removed": "Removed",
        "trials_removed": st.column_config.NumberColumn("Trials removed", help="trials whose file left the source or "
                                                        "no longer states them, and no other file does"),
        "records_quarantined": "Bad records",
        "records_with_issues": "With issues",
        "quarantine_reasons": st.column_config.TextColumn("Reasons", width="large"), "error": "Error"})

with st.container(border=True):
    ui.card_title("Files by layout", "Files currently in the source, by the layout they were recognised as")
    layouts = ui.q(marts.files_by_layout)
    grid = layouts.pivot_table(index="layout", columns="status", values="file_count", aggfunc="sum", fill_value=0)
    st.dataframe(grid.rename(columns=data.label).rename_axis(index="Layout", columns=None), width="stretch")
