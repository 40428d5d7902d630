"""Overview page: headline numbers, the site map and four charts, for the trials the sidebar selects."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui

MAP_PLACES = 3000  # bubbles on the map at most (the corpus has about 2,000 places)
filters: data.Filters = st.session_state.get("filters", data.Filters())
k = ui.q(data.kpis, filters)
ui.header("Clinical trials warehouse", "Overview",
          "Current trials in the warehouse" + (", narrowed by the sidebar filters." if filters.active else "."))

cols = st.columns(6)
trials = k["trials"]
cards = [  # (label, value, note under the value, help)
    ("Trials", ui.number(trials), f"{ui.number(k['conditions'])} conditions", None),
    ("Recruiting", ui.number(k["recruiting"]), f"{k['recruiting'] / trials:.0%} of trials" if trials else "—", None),
    ("Enrollment", ui.number(k["total_enrollment"]), "participants",
     "Sum of actual or anticipated enrollment over the trials that state it"),
    ("Median size", ui.number(k["median_enrollment"]), "participants per trial",
     "Median enrollment of the trials that state it"),
    ("Sites", ui.number(k["sites"]), f"{k['sites'] / trials:.1f} per trial" if trials else "—", None),
    ("Countries", ui.number(k["countries"]), "trials run in",
     "Countries where the selected trials have a site or that their registry record lists"),
]
for col, (name, value, note, help_text) in zip(cols, cards, strict=True):
    col.metric(name, value, note, delta_color="off", delta_arrow="off", border=True, help=help_text)

if not k["trials"]:
    st.info("No trials match these filters. Widen them in the sidebar.", icon=":material/filter_alt:")
    st.stop()

left, right = st.columns([1.05, 1], gap="medium")
with left, st.container(border=True):
    ui.card_title("Status × phase", "Trials per overall recruitment status and phase")
    ui.plot(charts.status_phase_heatmap(ui.q(data.status_phase_counts, filters)))
with right, st.container(border=True):
    ui.card_title("Trials per start year", "By status group; trials without a start date are left out")
    ui.plot(charts.trials_per_year(ui.q(data.trials_per_start_year, filters)))

with st.container(border=True):
    ui.card_title("Where the trials run", "Sites of the selected trials on the map: one bubble per place (or per "
                  "country, at its sites' centre), its area by the number of trials there")
    level = st.segmented_control("Map level", ["Places", "Countries"], default="Places", key="map_level",
                                 label_visibility="collapsed") or "Places"
    if level == "Countries":
        located = ui.q(data.sites_per_country, filters, None)
        names = located.country.replace({data.UNSTATED: "Not stated"})
    else:
        located = ui.q(data.site_places, filters, MAP_PLACES)
        names = located.city.fillna("City not stated") + ", " + located.country.replace({data.UNSTATED: "Not stated"})
    ui.plot(charts.site_map(located, names))
    unlocated = k["sites"] - k["located_sites"]
    map_notes = [f"{ui.number(k['located_sites'])} of {ui.number(k['sites'])} sites located"]
    if unlocated:
        map_notes.append(f"{ui.number(unlocated)} without coordinates (no city, or one the gazetteer does not know) are left off")
    if filters.countries:
        map_notes.append("a trial running in a selected country shows all its sites, those abroad too")
    if level == "Places" and len(located) == MAP_PLACES:
        map_notes.append(f"the {MAP_PLACES:,} places with most trials are shown")
    st.caption("; ".join(map_notes) + ".")

left, right = st.columns([1.05, 1], gap="medium")
with left, st.container(border=True):
    ui.card_title("Sites per country", "The 15 countries with most trial sites")
    ui.plot(charts.sites_per_country(ui.q(data.sites_per_country, filters, 15)))
with right, st.container(border=True):
    ui.card_title("Enrollment distribution", "Trials per number of participants (actual or anticipated)")
    ui.plot(charts.enrollment_histogram(ui.q(data.enrollment_distribution, filters)))
