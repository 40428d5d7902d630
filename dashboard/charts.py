"""Plotly figures for the dashboard, built from the DataFrames in dashboard.data (pure: no Streamlit, no queries)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard.data import (
    ENROLLMENT_BUCKETS,
    PHASE_ORDER,
    STATUS_GROUPS,
    STATUS_ORDER,
    UNSTATED,
    agency_class_label,
    label,
    phase_label,
)

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
        x=d.site_count, y=d.country.replace({UNSTATED: "Not stated"}), orientation="h", marker_color=ACCENT, text=d.site_count.map("{:,}".format),
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


# ---------------------------------------------------------------- the site map

MAP_COLOURS = {"A recruiting trial": "#0d9488", "No recruiting trial": "#64748b"}
MAP_BUBBLE_MAX_PX = 34  # diameter of the place (or country) with most trials


def _map_view(lat: pd.Series, lon: pd.Series) -> dict:
    """Geo settings that frame the points with a margin: the whole inhabited world when they spread over most of it,
    else a zoom on their centre. A single place gets a region around it, not a street-level zoom."""
    lon_span = float(lon.max() - lon.min()) * 1.3 + 16
    lat_span = float(lat.max() - lat.min()) * 1.3 + 10
    scale = min(360 / lon_span, 170 / lat_span, 12.0)
    if scale < 1.6:  # Antarctica and the Arctic Ocean hold no sites: leave them out of the world view
        return {"lataxis_range": [-58, 84], "lonaxis_range": [-180, 180]}
    # zoom, not lon/lat ranges: ranges would clip the land to a box inside the figure
    return {"projection_scale": scale, "center": {"lat": float(lat.min() + lat.max()) / 2,
                                                  "lon": float(lon.min() + lon.max()) / 2}}


def site_map(df: pd.DataFrame, names: pd.Series) -> go.Figure:
    """Bubbles on a world map, one per located place (or country centroid): area by trials, teal where a site belongs
    to a recruiting trial (the trial's status: few sources state each site's); `names` (aligned with `df`) label it."""
    located = df.latitude.notna() & df.longitude.notna()
    d, names = df[located], names[located]
    if d.empty:
        return empty("No located sites among the selected trials")
    sizeref = 2.0 * float(d.trial_count.max()) / MAP_BUBBLE_MAX_PX ** 2
    groups = np.where(d.recruiting_trial_count > 0, "A recruiting trial", "No recruiting trial")
    fig = go.Figure()
    for group in ("No recruiting trial", "A recruiting trial"):  # recruiting bubbles drawn last, on top
        part = groups == group
        if not part.any():
            continue
        g = d[part]
        fig.add_trace(go.Scattergeo(
            lat=g.latitude, lon=g.longitude, name=group, text=names[part],
            customdata=g[["trial_count", "site_count", "recruiting_trial_count"]].values,
            showlegend=True, marker={"size": g.trial_count, "sizemode": "area", "sizeref": sizeref, "sizemin": 3,
                    "color": MAP_COLOURS[group], "opacity": 0.7, "line": {"width": 0.6, "color": "#ffffff"}},
            hovertemplate="<b>%{text}</b><br>%{customdata[0]:,} trials · %{customdata[1]:,} sites"
                          " · %{customdata[2]:,} recruiting trials<extra></extra>"))
    fig.update_geos(projection_type="natural earth", resolution=110, showland=True, landcolor="#f1f5f9",
                    showcountries=True, countrycolor="#cbd5e1", countrywidth=0.6, showcoastlines=True,
                    coastlinecolor="#cbd5e1", showocean=True, oceancolor="#ffffff", showlakes=False,
                    showframe=False, bgcolor="rgba(0,0,0,0)", **_map_view(d.latitude, d.longitude))
    fig = _style(fig, 470)
    fig.update_layout(legend_itemsizing="constant")  # legend dots at a readable size, not the smallest bubble's
    return fig


# ---------------------------------------------------------------- sponsors, therapeutic areas, registries

PHASE_COLOURS = dict(zip(PHASE_ORDER, ("#cbd5e1", "#ccfbf1", "#99f6e4", "#5eead4", "#2dd4bf", "#14b8a6", "#0d9488",
                                       "#115e59", "#e7e5e4"), strict=True))


STACKED_ROW_PX = 42  # height of one category's row: its label above its bar


def _stacked_bars(categories: list[str], labels: list[str], stacks: list[tuple[str, str, pd.Series]],
                  hover: str) -> go.Figure:
    """Horizontal stacked bars, the first category on top, each labelled above its bar and its total written at its
    end: one trace per stack (name, colour, counts per category). `hover` is a template over %{y} and %{x}."""
    # Labels above the bars, not as axis ticks: long labels would narrow the plot, and with it the legend, which
    # plotly then wraps to one entry per row.
    height = STACKED_ROW_PX * len(categories) + 95  # + legend, axis and margins
    bar_width = 0.42
    totals = sum((counts.reindex(categories, fill_value=0) for _, _, counts in stacks),
                 pd.Series(0, index=categories))
    fig = go.Figure([go.Bar(name=name, y=labels, x=counts.reindex(categories, fill_value=0).values, orientation="h",
                            marker_color=colour, width=bar_width, showlegend=True,
                            hovertemplate=hover + f"<extra>{name}</extra>")
                     for name, colour, counts in stacks if counts.sum() > 0])
    fig.add_trace(go.Scatter(x=totals.values, y=labels, mode="text", text=[f" {n:,}" for n in totals.values],
                             textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False))
    for text in labels:
        fig.add_annotation(x=0, y=text, xref="x", yref="y", text=text, showarrow=False, xanchor="left",
                           yanchor="bottom", yshift=bar_width * STACKED_ROW_PX / 2, font={"size": 12, "color": "#475569"})
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig = _style(fig, height)
    fig.update_yaxes(autorange="reversed", showticklabels=False, gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(gridcolor="rgba(148,163,184,0.25)", showgrid=True, range=[0, float(totals.max()) * 1.12])
    _integer_counts(fig, float(totals.max()), axis="x")
    return fig


def sponsor_classes(df: pd.DataFrame, by: str = "status") -> go.Figure:
    """Stacked bars: trials per lead-sponsor agency class, by status group (`by="status"`) or by phase."""
    if df.empty:
        return empty("No trials in the warehouse")
    classes = list(dict.fromkeys(df.agency_class))  # already in vocabulary order
    labels = [agency_class_label(c) for c in classes]
    if by == "phase":
        stacks = [(phase_label(p), PHASE_COLOURS[p], df[df.phase == p].groupby("agency_class").trial_count.sum())
                  for p in PHASE_ORDER]
    else:
        stacks = [(g, STATUS_GROUP_COLOURS[g], df[df.status_group == g].groupby("agency_class").trial_count.sum())
                  for g in STATUS_GROUPS]
    return _stacked_bars(classes, labels, stacks, "<b>%{y}</b>: %{x:,} trials")


def therapeutic_areas(df: pd.DataFrame, limit: int = 15) -> go.Figure:
    """Stacked bars: trials per therapeutic area by status group, the areas with most trials on top (unclassified
    trials left out: the card says how many)."""
    d = df[df.area_code != "UNCLASSIFIED"]
    if d.empty:
        return empty("No trial has a condition MeSH term under a therapeutic area")
    totals = d.groupby("area_code").trial_count.sum().sort_values(ascending=False, kind="stable").head(limit)
    areas = list(totals.index)
    names = d.drop_duplicates("area_code").set_index("area_code").therapeutic_area
    stacks = [(g, STATUS_GROUP_COLOURS[g], d[d.status_group == g].groupby("area_code").trial_count.sum())
              for g in STATUS_GROUPS]
    return _stacked_bars(areas, [names[a] for a in areas], stacks, "<b>%{y}</b>: %{x:,} trials")


def registries(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: trials per registry they are registered in, by status group."""
    if df.empty:
        return empty("No trials in the warehouse")
    regs = list(dict.fromkeys(df.registry))  # already in vocabulary order, UNSTATED last
    stacks = [(g, STATUS_GROUP_COLOURS[g], df[df.status_group == g].groupby("registry").trial_count.sum())
              for g in STATUS_GROUPS]
    return _stacked_bars(regs, [label(r) for r in regs], stacks, "<b>%{y}</b>: %{x:,} trials")


# ---------------------------------------------------------------- ingest issues

SEVERITY_COLOURS = {"ERROR": "#dc2626", "WARNING": "#f59e0b"}


def issues_by_field(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: parts of records left unread per field, errors and warnings."""
    if df.empty:
        return empty("Every record was read whole")
    totals = df.groupby("field").issue_count.sum().sort_values(ascending=False, kind="stable")
    fields = list(totals.index)
    stacks = [(label(sev), colour, df[df.severity == sev].set_index("field").issue_count)
              for sev, colour in SEVERITY_COLOURS.items()]
    return _stacked_bars(fields, fields, stacks, "<b>%{y}</b>: %{x:,} issues")


def records_with_issues(df: pd.DataFrame) -> go.Figure:
    """Bars per run (oldest left): trials loaded by the run with some part of their record left unread."""
    if df.empty:
        return empty("No ingest runs recorded")
    d = df.sort_values("started_at")
    fig = go.Figure(go.Bar(x=d.started_at.dt.strftime("%Y-%m-%d %H:%M"), y=d.records_with_issues,
                           marker_color=SEVERITY_COLOURS["WARNING"],
                           hovertemplate="%{x}<br>%{y:,} records with issues<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_layout(bargap=0.35)
    _integer_counts(fig, float(d.records_with_issues.max() or 0))
    return _style(fig, 300)
