"""What a user would do instead for CT.gov API v2 JSON: DuckDB's own SQL flattening of trial, arm, intervention, site
and outcome (read_json_objects + json_extract/unnest; no criteria, no checks, no lineage), the yardstick
`benchmarks/run.py --kind json` reports beside trialhouse. Copied from ../shared/tools/duckdb_json_baseline.py.

Usage: duckdb_baseline.py 'GLOB' — prints the number of studies and the seconds taken.
"""
import sys
import time

import duckdb

t = time.perf_counter()
con = duckdb.connect()
con.execute("SET threads=2")
con.execute(f"CREATE TABLE raw AS SELECT json AS j FROM read_json_objects('{sys.argv[1]}', format='auto', "
            "maximum_object_size=100000000)")
con.execute("""CREATE TABLE trial AS SELECT j->>'$.protocolSection.identificationModule.nctId' AS nct_id,
 j->>'$.protocolSection.identificationModule.briefTitle' AS title,
 j->>'$.protocolSection.statusModule.overallStatus' AS overall_status,
 (j->>'$.protocolSection.designModule.enrollmentInfo.count')::INT AS enrollment,
 j->>'$.protocolSection.designModule.designInfo.allocation' AS allocation,
 j->>'$.protocolSection.eligibilityModule.minimumAge' AS min_age FROM raw""")
for name, path, cols in [
        ("arm", "$.protocolSection.armsInterventionsModule.armGroups[*]", ["label", "type", "description"]),
        ("intervention", "$.protocolSection.armsInterventionsModule.interventions[*]", ["type", "name", "description"]),
        ("site", "$.protocolSection.contactsLocationsModule.locations[*]", ["facility", "city", "state", "country",
                                                                          "status"]),
        ("outcome", "$.protocolSection.outcomesModule.primaryOutcomes[*]", ["measure", "description", "timeFrame"])]:
    sel = ", ".join(f"e->>'$.{c}' AS {c}" for c in cols)
    con.execute(f"CREATE TABLE {name} AS SELECT nct_id, {sel} FROM (SELECT j->>'$.protocolSection.identificationModule"
                f".nctId' AS nct_id, unnest(json_extract(j, '{path}')) AS e FROM raw)")
n = con.execute("SELECT count(*) FROM trial").fetchone()[0]
print(f"{n} {time.perf_counter() - t:.3f}")
