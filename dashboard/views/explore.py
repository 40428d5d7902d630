"""Breakdowns page: the warehouse-wide marts (all current trials; the sidebar filters do not apply): lead-sponsor
classes, registries, therapeutic areas, conditions, interventions and countries."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, marts, ui

ui.header("Marts", "Breakdowns",
          "Straight from the marts BI tools read (mart_trials_by_sponsor_class, mart_trials_by_registry, "
          "mart_trials_by_therapeutic_area, mart_enrollment_by_condition, mart_interventions_by_type_year, "
          "mart_sites_by_country): all current trials, whatever the sidebar filters.")

left, right = st.columns([1, 1], gap="medium")
with left, st.container(border=True):
    ui.card_title("Trials by lead-sponsor class", "The agency class the registry gives the lead sponsor "
                  "(Not stated: no lead sponsor, or a registry that does not classify it)")
    by = st.segmented_control("Split by", ["Status", "Phase"], default="Status", key="sponsor_split",
                              label_visibility="collapsed") or "Status"
    ui.plot(charts.sponsor_classes(ui.q(marts.trials_by_sponsor_class), by=by.lower()))
with right, st.container(border=True):
    registries = ui.q(marts.trials_by_registry)
    ui.card_title("Trials by registry", "Registries holding a record of the trial or named by one as its ID there: "
                  "a trial registered in several counts in each (Not stated: no registry ID)")
    ui.plot(charts.registries(registries))
    own = registries.groupby("registry", sort=False).primary_record_count.sum()
    st.caption("From the registry's own records: " + " · ".join(f"{data.label(r)} {int(n):,}" for r, n in own.items()
                                                               if r != data.UNSTATED and n)
               + "; the rest are named by another registry's record.")

left, right = st.columns([1, 1], gap="medium")
with left, st.container(border=True):
    areas = ui.q(marts.trials_by_therapeutic_area)
    unclassified = int(areas[areas.area_code == "UNCLASSIFIED"].trial_count.sum())
    ui.card_title("Trials by therapeutic area", "Top branches of MeSH's disease tree the trial's condition terms fall "
                  "under; a trial under several areas counts in each")
    ui.plot(charts.therapeutic_areas(areas))
    st.caption(f"{unclassified:,} trials have no condition MeSH term under an area (unclassified) and are not drawn.")
with right, st.container(border=True):
    ui.card_title("Most studied conditions", "Trials per condition (names compared case-insensitively)")
    n = st.slider("Conditions shown", 5, 50, 20, step=5, key="n_conditions", label_visibility="collapsed")
    conditions = ui.q(marts.top_conditions, n)
    ui.plot(charts.top_conditions(conditions))

with st.container(border=True):
    ui.card_title("Interventions by start year", "Interventions of trials starting each year, by type")
    ui.plot(charts.interventions_by_year(ui.q(marts.interventions_by_type_year)))
    totals = ui.q(marts.intervention_type_totals)
    st.caption(" · ".join(f"{r.intervention_type_label or data.label(r.intervention_type)}: "
                          f"{int(r.intervention_count):,}" for r in totals.itertuples()))

with st.container(border=True):
    ui.card_title("Conditions", "Enrollment per condition")
    st.dataframe(conditions.drop(columns=["condition_key"]), hide_index=True, width="stretch", column_config={
        "condition": st.column_config.TextColumn("Condition", width="large"),
        "trial_count": st.column_config.NumberColumn("Trials", format="localized"),
        "recruiting_trial_count": st.column_config.NumberColumn("Recruiting", format="localized"),
        "trials_with_enrollment": st.column_config.NumberColumn("With enrollment", format="localized"),
        "total_enrollment": st.column_config.NumberColumn("Total enrollment", format="localized"),
        "median_enrollment": st.column_config.NumberColumn("Median", format="localized"),
        "max_enrollment": st.column_config.NumberColumn("Max", format="localized"),
    })

with st.container(border=True):
    ui.card_title("Sites by country", "One row per country, whatever the sources' spellings. Recruiting trial share: "
                  "recruiting trials among the country's trials. Recruiting site share: among sites whose own status "
                  "the source states.")
    countries = ui.q(marts.sites_by_country)
    st.dataframe(countries.assign(country=countries.country.replace({data.UNSTATED: "Not stated"}))
                 .drop(columns=["latitude", "longitude"]),
                 hide_index=True, width="stretch", height=420, column_config={
        "country_code": st.column_config.TextColumn("Code", width="small"),
        "country": "Country",
        "trial_count": st.column_config.NumberColumn("Trials", format="localized"),
        "site_count": st.column_config.NumberColumn("Sites", format="localized"),
        "recruiting_trial_count": st.column_config.NumberColumn("Recruiting trials", format="localized"),
        "recruiting_trial_share": st.column_config.ProgressColumn("Recruiting trial share", min_value=0, max_value=1,
                                                                  format="percent"),
        "recruiting_site_count": st.column_config.NumberColumn("Recruiting sites", format="localized"),
        "sites_with_status": st.column_config.NumberColumn("Sites with a status", format="localized"),
        "recruiting_site_share": st.column_config.ProgressColumn("Recruiting site share", min_value=0, max_value=1,
                                                                 format="percent"),
        "located_site_count": st.column_config.NumberColumn("Located sites", format="localized"),
    })
