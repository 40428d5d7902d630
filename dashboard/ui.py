"""Streamlit glue shared by the pages: the per-run read-only connection, cached queries, filters, cards."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import streamlit as st

from dashboard import data, marts

T = TypeVar("T")
_CON = "_trialhouse_con"
_SOURCE = "_trialhouse_source"
# Multiselect filters: (session key, widget label, placeholder); "f_condition" is the one text box.
MULTI_FILTERS = (("f_statuses", "Overall status", "All statuses"), ("f_phases", "Phase", "All phases"),
                 ("f_mesh", "Condition MeSH term", "Any MeSH term"), ("f_countries", "Country", "All countries"),
                 ("f_sponsor_classes", "Lead sponsor class", "All sponsor classes"),
                 ("f_registries", "Registry", "All registries"))
FILTER_KEYS = ("f_condition", *(key for key, _, _ in MULTI_FILTERS))

CSS = """
<style>
  .block-container {padding-top: 2.6rem; padding-bottom: 3rem; max-width: 1500px;}
  [data-testid="stMetric"] {background: #ffffff; border-radius: 0.75rem;}
  [data-testid="stMetricValue"] {font-size: 1.75rem; font-weight: 650; color: #0f172a;}
  [data-testid="stMetricLabel"] p {font-size: 0.82rem; text-transform: uppercase; letter-spacing: .04em; color: #64748b;}
  .th-kicker {color: #0f766e; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; font-size: .78rem;
              margin-bottom: -0.4rem;}
  .th-card-title {font-weight: 650; font-size: 1.02rem; color: #0f172a; margin: 0 0 .1rem 0;}
  .th-card-note {color: #64748b; font-size: .85rem; margin: 0 0 .4rem 0;}
  .th-pill {display: inline-block; padding: .1rem .6rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
            margin-right: .35rem; background: #f1f5f9; color: #334155;}
  .th-pill.ok {background: #ccfbf1; color: #115e59;} .th-pill.warn {background: #ffedd5; color: #9a3412;}
  .th-pill.bad {background: #fee2e2; color: #991b1b;}
</style>
"""


def open_for_this_run() -> data.Source:
    """Open the warehouse read-only for this script run (closed by `close_for_this_run`); stop with a message if
    it cannot be opened. A short-lived connection per run means a dashboard never holds the file between clicks."""
    try:
        con, source = data.open_warehouse(data.warehouse_from_env())
    except data.WarehouseUnavailable as exc:
        st.error(str(exc), icon=":material/lock:")
        st.caption(f"Dashboard reading `{data.warehouse_from_env()}` (set {data.WAREHOUSE_ENV} to change it).")
        st.stop()
        raise SystemExit(2) from exc  # st.stop() only raises inside a Streamlit run (not in bare `python app.py`)
    st.session_state[_CON] = con
    st.session_state[_SOURCE] = source
    return source


def close_for_this_run() -> None:
    con = st.session_state.pop(_CON, None)
    if con is not None:
        con.close()


def con() -> duckdb.DuckDBPyConnection:
    return st.session_state[_CON]


def source() -> data.Source:
    return st.session_state[_SOURCE]


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(module: str, name: str, cache_key: tuple, args: tuple) -> Any:
    return getattr(importlib.import_module(module), name)(con(), *args)


def q(fn: Callable[..., T], *args: Any) -> T:
    """Run a dashboard.data or dashboard.marts query, cached until the warehouse file changes."""
    return _cached(fn.__module__, fn.__name__, source().cache_key, args)


def keep_filter_state() -> None:
    """Widget state is dropped on pages that don't draw the widget; re-assigning keeps the filters across pages."""
    for key in FILTER_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar_filters() -> data.Filters:
    """The filter widgets (sidebar) and the Filters they select."""
    options = q(data.filter_options)
    choices: dict[str, list[str]] = {
        "f_statuses": options.statuses, "f_phases": options.phases, "f_mesh": options.mesh_terms,
        "f_countries": list(options.countries), "f_sponsor_classes": options.agency_classes,
        "f_registries": options.registries}
    formats: dict[str, Callable[[str], str]] = {
        "f_phases": data.phase_label, "f_mesh": str,
        "f_countries": lambda c: "Not stated" if c == data.UNSTATED else options.countries.get(c, c)}
    sb = st.sidebar
    sb.markdown('<p class="th-card-title">Filters</p>', unsafe_allow_html=True)
    selected: dict[str, tuple[str, ...]] = {}
    condition = ""
    for key, title, placeholder in MULTI_FILTERS:
        if key == "f_mesh":  # the free-text condition box sits just above the MeSH terms
            condition = sb.text_input("Condition contains", key="f_condition", placeholder="e.g. diabetes")
        # A value that left the warehouse since it was picked (a new ingest) would make the widget raise: drop it.
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in choices[key]]
        selected[key] = tuple(sb.multiselect(title, choices[key], key=key, placeholder=placeholder,
                                             format_func=formats.get(key, data.label)))
    filters = data.Filters(selected["f_statuses"], selected["f_phases"], condition.strip(), selected["f_countries"],
                           selected["f_mesh"], selected["f_sponsor_classes"], selected["f_registries"])
    if filters.active:
        sb.button("Clear filters", on_click=_clear_filters, icon=":material/filter_alt_off:", width="stretch")
    return filters


def _clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = "" if key == "f_condition" else []


def sidebar_source() -> None:
    """Which file the dashboard reads and how fresh it is."""
    src = source()
    latest = q(marts.runs, 1)
    sb = st.sidebar
    kind = "snapshot" if src.is_snapshot else "warehouse (read-only)"
    sb.caption(f"Reading the {kind} `{src.path.name}` · written {src.modified_at:%Y-%m-%d %H:%M}")
    if not latest.empty:
        run = latest.iloc[0]
        css = {"COMPLETED": "ok", "COMPLETED_WITH_QUARANTINE": "warn", "FAILED": "bad"}.get(run.status, "")
        sb.markdown(f'<span class="th-pill {css}">last run: {data.label(run.status).lower()}</span>',
                    unsafe_allow_html=True)


def header(kicker: str, title: str, note: str = "") -> None:
    st.markdown(f'<p class="th-kicker">{kicker}</p>', unsafe_allow_html=True)
    st.title(title, anchor=False)
    if note:
        st.caption(note)


def card_title(title: str, note: str = "") -> None:
    st.markdown(f'<p class="th-card-title">{title}</p>' + (f'<p class="th-card-note">{note}</p>' if note else ""),
                unsafe_allow_html=True)


def number(value: Any, digits: int = 0) -> str:
    """1234.0 → '1,234'; None → '—'."""
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value:,.{digits}f}"


# Maps draw land and borders from plotly's world topojson, served by the app itself (dashboard/static/, with
# server.enableStaticServing): plotly.js would otherwise fetch it from its CDN, which a closed network cannot reach.
# They keep plotly's zoom buttons, but not scroll-to-zoom, which would catch the page's scrolling.
MAP_CONFIG = {"topojsonURL": "app/static/", "scrollZoom": False, "displaylogo": False,
              "modeBarButtonsToRemove": ["toImage", "select2d", "lasso2d"]}


def plot(fig) -> None:
    is_map = any(trace.type == "scattergeo" for trace in fig.data)
    config = MAP_CONFIG if is_map else {"displayModeBar": False}
    st.plotly_chart(fig, width="stretch", config=config, theme="streamlit")
