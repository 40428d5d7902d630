"""Plotly figures for the dashboard, built from the DataFrames in dashboard.data (pure: no Streamlit, no queries)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.data import ENROLLMENT_BUCKETS, PHASE_ORDER, STATUS_GROUPS, STATUS_ORDER, label, phase_label

ACCENT = "#0f766e"  # teal 700: the app's primary colour (also set as the Streamlit theme by dashboard.launch)
SEQUENTIAL = ["#f0fdfa", "#99f6e4", "#2dd4bf", "#0d9488", "#115e59"]
STATUS_GROUP_COLOURS = dict(zip(STATUS_GROUPS, ("#0d9488", "#3b82f6", "#f97316", "#a8a29e"), strict=True))
RUN_COLOURS = {"loaded": "#0d9488", "unchanged": "#cbd5e1", "quarantined": "#dc2626", "removed": "#f59e0b"}
FONT = "Source Sans Pro, Inter, system-ui, sans-serif"
# Column heads of the status × phase grid: short enough to stay horizontal in half a page.
PHASE_SHORT = {"NA": "N/A", "EARLY_PHASE1": "Early 1", "PHASE1": "1", "PHASE1_PHASE2": "1/2", "PHASE2": "2",
               "PHASE2_PHASE3": "2/3", "PHASE3": "3", "PHASE4": "4", "UNSTATED": "Not<br>stated"}


def _style(fig: go.Figure, height: int = 360) -> go.Figure:
    """The house style: no chart titles (the cards carry them), tight margins, light grid."""
    fig.update_layout(height=height, margin={"l": 8, "r": 8, "t": 8, "b": 8}, font={"family": FONT, "size": 13},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
                      plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)", hoverlabel={"font_size": 13})
    fig.update_xaxes(showgrid=False, title=None)
    fig.update_yaxes(gridcolor="rgba(148,163,184,0.25)", title=None)
    return fig


def _integer_counts(fig: go.Figure, top: float, axis: str = "y") -> None:
    """Counts are whole numbers: with small maxima plotly would otherwise tick 0.2, 0.4, …"""
    if top <= 8:
        getattr(fig, f"update_{axis}axes")(dtick=1, tick0=0)


def _bar_width(n_bars: int, height: int) -> float:
    """Bar thickness (in category units) that stays about 20 px when there are only a few bars."""
    return min(0.8, 20 / max(1.0, (height - 60) / max(1, n_bars)))


def empty(message: str = "No trials match the filters") -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15, "color": "#64748b"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, 240)


def status_phase_heatmap(df: pd.DataFrame) -> go.Figure:
    """Trials per status (rows) × phase (columns), counts written in the cells."""
    if df.empty:
        return empty()
    statuses = [s for s in STATUS_ORDER if s in set(df.overall_status)]
    phases = [p for p in PHASE_ORDER if p in set(df.phase)]
    grid = (df.pivot_table(index="overall_status", columns="phase", values="trial_count", aggfunc="sum", fill_value=0)
              .reindex(index=statuses, columns=phases, fill_value=0))
    text = grid.map(lambda n: f"{n:,}" if n else "")
    # Colour on a log scale: one big cell (often "status stated, phase not") must not wash out all the others.
    fig = go.Figure(go.Heatmap(
        z=np.log1p(grid.values), x=[PHASE_SHORT.get(p, phase_label(p)) for p in phases], y=[label(s) for s in statuses],
        text=text.values, customdata=grid.values, texttemplate="%{text}", colorscale=SEQUENTIAL, showscale=False,
        xgap=3, ygap=3, hovertemplate="%{y} · phase %{x}<br><b>%{customdata:,} trials</b><extra></extra>"))
    fig.update_yaxes(autorange="reversed", gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(side="top", type="category", tickangle=0, title={"text": "phase", "standoff": 4}, tickfont={"size": 12})
    return _style(fig, max(260, 34 * len(statuses) + 60))


def trials_per_year(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: trials starting each year, by status group."""
    if df.empty:
        return empty("No start dates among the selected trials")
    fig = px.bar(df, x="start_year", y="trial_count", color="status_group",
                 category_orders={"status_group": list(STATUS_GROUPS)}, color_discrete_map=STATUS_GROUP_COLOURS,
                 labels={"start_year": "start year", "trial_count": "trials", "status_group": "status"})
    fig.update_traces(hovertemplate="%{x}: <b>%{y:,}</b> trials<extra>%{fullData.name}</extra>")
    fig.update_layout(bargap=0.15)
    _integer_counts(fig, df.groupby("start_year").trial_count.sum().max())
    return _style(fig)


def sites_per_country(df: pd.DataFrame) -> go.Figure:
    """Horizontal bars: sites per country (largest on top), trials and recruiting trials in the hover."""
    if df.empty:
        return empty("No sites among the selected trials")
    d = df.iloc[::-1]
    height = max(300, 24 * len(d) + 40)
    fig = go.Figure(go.Bar(
        x=d.site_count, y=d.country, orientation="h", marker_color=ACCENT, text=d.site_count.map("{:,}".format),
        width=_bar_width(len(d), height),
        textposition="outside", cliponaxis=False, customdata=d[["trial_count", "recruiting_trial_count"]].values,
        hovertemplate="<b>%{y}</b><br>%{x:,} sites · %{customdata[0]:,} trials"
                      " · %{customdata[1]:,} recruiting<extra></extra>"))
    fig.update_xaxes(showticklabels=False, gridcolor="rgba(0,0,0,0)", range=[0, d.site_count.max() * 1.14])
    fig.update_yaxes(gridcolor="rgba(0,0,0,0)")
    return _style(fig, height)


def enrollment_histogram(df: pd.DataFrame) -> go.Figure:
    """Bars: trials per enrollment bucket (buckets roughly logarithmic)."""
    if int(df.trial_count.sum()) == 0:
        return empty("No enrollment stated among the selected trials")
    fig = go.Figure(go.Bar(
        x=df.bucket, y=df.trial_count, marker_color="#14b8a6", text=df.trial_count.map("{:,}".format),
        textposition="outside", cliponaxis=False,
        hovertemplate="enrollment %{x}: <b>%{y:,}</b> trials<extra></extra>"))
    fig.update_xaxes(categoryorder="array", categoryarray=[lbl for _, lbl in ENROLLMENT_BUCKETS], tickangle=0,
                     tickfont={"size": 11})
    _integer_counts(fig, df.trial_count.max())
    return _style(fig)


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def top_conditions(df: pd.DataFrame) -> go.Figure:
    """Horizontal bars: trials per condition (long names shortened; full name, enrollment in the hover)."""
    if df.empty:
        return empty("No conditions in the warehouse")
    d = df.iloc[::-1]
    height = max(320, 22 * len(d) + 40)
    fig = go.Figure(go.Bar(
        x=d.trial_count, y=d.condition.map(_short), orientation="h", marker_color=ACCENT,
        width=_bar_width(len(d), height),
        text=d.trial_count.map("{:,}".format), textposition="outside", cliponaxis=False,
        customdata=d[["condition", "median_enrollment", "recruiting_trial_count"]].values,
        hovertemplate="<b>%{customdata[0]}</b><br>%{x:,} trials · median enrollment %{customdata[1]:,.0f}"
                      " · %{customdata[2]:,} recruiting<extra></extra>"))
    fig.update_xaxes(showticklabels=False, range=[0, d.trial_count.max() * 1.12])
    fig.update_yaxes(gridcolor="rgba(0,0,0,0)")
    return _style(fig, height)


def interventions_by_year(df: pd.DataFrame, top_types: int = 6) -> go.Figure:
    """Stacked area: interventions per start year, the most common types on their own, the rest as 'Other types'."""
    if df.empty:
        return empty("No dated interventions in the warehouse")
    totals = df.groupby("intervention_type_label")["intervention_count"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top_types])
    d = df.assign(kind=df.intervention_type_label.where(df.intervention_type_label.isin(keep), "Other types"))
    d = d.groupby(["start_year", "kind"], as_index=False)["intervention_count"].sum()
    order = keep + (["Other types"] if (d.kind == "Other types").any() else [])
    fig = px.area(d, x="start_year", y="intervention_count", color="kind", category_orders={"kind": order},
                  color_discrete_sequence=px.colors.qualitative.Safe,
                  labels={"start_year": "start year", "intervention_count": "interventions", "kind": "type"})
    fig.update_traces(line_width=1)
    return _style(fig)


def runs_files(df: pd.DataFrame) -> go.Figure:
    """Stacked bars per run (oldest left): files loaded, unchanged, quarantined, removed."""
    if df.empty:
        return empty("No ingest runs recorded")
    d = df.sort_values("started_at")
    x = d.started_at.dt.strftime("%Y-%m-%d %H:%M")
    fig = go.Figure([go.Bar(name=name, x=x, y=d[f"files_{name}"], marker_color=colour,
                            hovertemplate=f"%{{x}}<br>%{{y:,}} files {name}<extra></extra>")
                     for name, colour in RUN_COLOURS.items()])
    fig.update_layout(barmode="stack", legend_traceorder="normal", bargap=0.35)
    fig.update_xaxes(type="category")
    _integer_counts(fig, d[[f"files_{n}" for n in RUN_COLOURS]].sum(axis=1).max())
    return _style(fig, 300)


def reasons(df: pd.DataFrame) -> go.Figure:
    """Horizontal bars: quarantined files per kind of reason."""
    if df.empty:
        return empty("Nothing quarantined")
    d = df.iloc[::-1]
    fig = go.Figure(go.Bar(x=d.file_count, y=d.reason_kind, orientation="h", marker_color="#dc2626",
                           text=d.file_count.map("{:,}".format), textposition="outside", cliponaxis=False,
                           hovertemplate="<b>%{y}</b><br>%{x:,} files<extra></extra>"))
    fig.update_xaxes(showticklabels=False, range=[0, d.file_count.max() * 1.15])
    fig.update_yaxes(gridcolor="rgba(0,0,0,0)")
    fig.update_layout(bargap=0.45)
    return _style(fig, max(160, 36 * len(d) + 40))
