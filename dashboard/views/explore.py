"""Conditions & sites page: the warehouse-wide marts (all current trials; the sidebar filters do not apply)."""
from __future__ import annotations

import streamlit as st

from dashboard import charts, data, ui

ui.header("Marts", "Conditions, interventions & sites",
          "Straight from the marts BI tools read (mart_enrollment_by_condition, mart_interventions_by_type_year, "
          "mart_sites_by_country): all current trials.")

left, right = st.columns([1, 1], gap="medium")
with left, st.container(border=True):
    ui.card_title("Most studied conditions", "Trials per condition (names compared case-insensitively)")
    n = st.slider("Conditions shown", 5, 50, 20, step=5, key="n_conditions", label_visibility="collapsed")
    conditions = ui.q(data.top_conditions, n)
    ui.plot(charts.top_conditions(conditions))
with right, st.container(border=True):
    ui.card_title("Interventions by start year", "Interventions of trials starting each year, by type")
    ui.plot(charts.interventions_by_year(ui.q(data.interventions_by_type_year)))
    totals = ui.q(data.intervention_type_totals)
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
    ui.card_title("Sites by country", "Recruiting trial share: recruiting trials among the country's trials. "
                  "Recruiting site share: among sites whose own status the source states.")
    countries = ui.q(data.sites_by_country)
    st.dataframe(countries.assign(country=countries.country.replace({data.UNSTATED: "Not stated"})),
                 hide_index=True, width="stretch", height=420, column_config={
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
    })
