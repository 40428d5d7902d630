"""The trialhouse dashboard (Streamlit): `trialhouse dashboard`, or `streamlit run dashboard/app.py`.

Reads the warehouse named by $TRIALHOUSE_WAREHOUSE read-only: its published snapshot when there is one, else the file.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by `streamlit run`: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st  # noqa: E402

from dashboard import data, ui  # noqa: E402

st.set_page_config(page_title="trialhouse", page_icon=":material/biotech:", layout="wide",
                   initial_sidebar_state="expanded")
st.markdown(ui.CSS, unsafe_allow_html=True)
st.logo(str(Path(__file__).parent / "logo.svg"), size="large")

VIEWS = Path(__file__).parent / "views"
PAGES = [
    st.Page(VIEWS / "overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page(VIEWS / "trials.py", title="Trials", icon=":material/lab_profile:"),
    st.Page(VIEWS / "explore.py", title="Breakdowns", icon=":material/bar_chart:", url_path="breakdowns"),
    st.Page(VIEWS / "quality.py", title="Data quality", icon=":material/fact_check:"),
    st.Page(VIEWS / "match.py", title="Find trials for a patient", icon=":material/person_search:"),
]
FILTERED = {"Overview", "Trials"}  # pages the sidebar filters apply to

page = st.navigation(PAGES, position="top")
ui.open_for_this_run()
try:
    ui.keep_filter_state()
    missing = ui.q(data.missing_marts)
    if missing:
        st.warning(f"This warehouse was built by an older trialhouse and lacks {', '.join(missing)}: "
                   "run `trialhouse ingest` again to add them.", icon=":material/update:")
        st.stop()
    if page.title in FILTERED:
        st.session_state["filters"] = ui.sidebar_filters()
    else:
        st.sidebar.caption("Filters apply to the Overview and Trials pages; the other pages cover all current trials.")
    ui.sidebar_source()
    page.run()
finally:
    ui.close_for_this_run()
