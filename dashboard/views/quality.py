"""Data quality page: ingest runs, what each loaded or quarantined, and every quarantined file with its reason."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui

ui.header("Lineage", "Data quality", "Every ingest run and every file the gate kept out of the warehouse "
          "(mart_ingest_quality, mart_quarantined_files).")

runs = ui.q(data.runs)
quarantined = ui.q(data.quarantined_files)
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
    ui.plot(charts.reasons(ui.q(data.quarantine_reasons)))

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
    ui.card_title("Runs", "Newest first")
    st.dataframe(runs[["run_id", "started_at", "duration_seconds", "status", "files_seen", "files_loaded",
                       "files_unchanged", "files_quarantined", "files_removed", "records_quarantined",
                       "quarantine_reasons", "error"]].assign(status=runs.status.map(data.label)),
                 hide_index=True, width="stretch", column_config={
        "run_id": "Run", "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm:ss"),
        "duration_seconds": st.column_config.NumberColumn("Seconds"), "status": "Status",
        "files_seen": "Seen", "files_loaded": "Loaded", "files_unchanged": "Unchanged",
        "files_quarantined": "Quarantined", "files_removed": "Removed", "records_quarantined": "Bad records",
        "quarantine_reasons": st.column_config.TextColumn("Reasons", width="large"), "error": "Error"})

with st.container(border=True):
    ui.card_title("Files by layout", "Files currently in the source, by the layout they were recognised as")
    layouts = ui.q(data.files_by_layout)
    grid = layouts.pivot_table(index="layout", columns="status", values="file_count", aggfunc="sum", fill_value=0)
    st.dataframe(grid.rename(columns=data.label).rename_axis(index="Layout", columns=None), width="stretch")
