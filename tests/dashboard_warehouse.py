"""A small, hand-made warehouse for the mart, dashboard, BI-client and browser tests (no parsing, no Prefect).

Five trials (one soft-deleted), their children, two ingest runs and a few quarantined files: enough to check every
mart's numbers by hand. Two registries' IDs (NCT00000005's own record is a DRKS one that names its NCT ID), sponsors
with agency classes, condition MeSH terms under two therapeutic areas, coordinates and countries (one listed by a
registry only, one removed), and ingest issues. The expected values in the tests follow from the rows below.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.store import ensure_schema

RUN_1, RUN_2 = "20260101T100000Z-aaaaaa", "20260102T100000Z-bbbbbb"


def _sha(n: int) -> str:
    return f"{n:064x}"


def _trial(trial_id: str, n: int, **values: Any) -> dict[str, Any]:
    return {"trial_id": trial_id, "nct_id": trial_id, "source_file": f"src/{trial_id}.json",
            "source_layout": "ctgov_json", "source_sha256": _sha(n), "run_id": RUN_1, **values}


TRIALS = [
    _trial("NCT00000001", 1, title="Insulin pump study in adults", overall_status="RECRUITING", phase="PHASE3",
           study_type="INTERVENTIONAL", enrollment=120, start_date=date(2021, 3, 1), completion_date=date(2025, 1, 1),
           min_age_years=18.0, max_age_years=75.0, sex="ALL", healthy_volunteers=False, lead_sponsor="Acme Health",
           allocation="RANDOMIZED", brief_summary="Does a pump beat injections?", registry="CTGOV",
           registration_date=date(2020, 11, 2)),
    _trial("NCT00000002", 2, title="Diet and diabetes", overall_status="COMPLETED", phase="PHASE2",
           enrollment=40, start_date=date(2019, 6, 1), lead_sponsor="Uni Hospital", registry="CTGOV"),
    _trial("NCT00000003", 3, title="Inhaler registry", enrollment=None, registry="CTGOV",
           registry_status="Not recruiting"),
    _trial("NCT00000004", 4, title="Removed trial", overall_status="TERMINATED", phase="PHASE1", enrollment=999,
           start_date=date(2019, 1, 1), removed_at=datetime(2026, 1, 2, 10, 0), lead_sponsor="Old Pharma",
           registry="CTGOV"),
    _trial("NCT00000005", 5, title="Early pump feasibility", overall_status="NOT_YET_RECRUITING",
           phase="EARLY_PHASE1", enrollment=12, start_date=date(2024, 1, 15), lead_sponsor="Diabetes Centre Munich",
           registry="DRKS", registration_date=date(2023, 12, 1)),
]
CONDITIONS = [("NCT00000001", 1, "Type 2 Diabetes"), ("NCT00000001", 2, "Obesity"),
              ("NCT00000002", 1, "type 2 diabetes"), ("NCT00000003", 1, "Asthma"),
              ("NCT00000004", 1, "Type 2 Diabetes"), ("NCT00000005", 1, "type 2 diabetes")]
ARMS = [("NCT00000001:arm:1", "NCT00000001", 1, "Pump", "EXPERIMENTAL", "Insulin pump for 12 weeks"),
        ("NCT00000001:arm:2", "NCT00000001", 2, "Placebo", "PLACEBO_COMPARATOR", None),
        ("NCT00000004:arm:1", "NCT00000004", 1, "Only arm", "EXPERIMENTAL", None)]
INTERVENTIONS = [("NCT00000001:intervention:1", "NCT00000001", 1, "DEVICE", "Insulin pump", None),
                 ("NCT00000001:intervention:2", "NCT00000001", 2, "DRUG", "Placebo tablet", None),
                 ("NCT00000002:intervention:1", "NCT00000002", 1, "BEHAVIORAL", "Low-carb diet", None),
                 ("NCT00000003:intervention:1", "NCT00000003", 1, None, "Inhaler", None),
                 ("NCT00000004:intervention:1", "NCT00000004", 1, "DRUG", "Withdrawn drug", None),
                 ("NCT00000005:intervention:1", "NCT00000005", 1, "DEVICE", "Insulin pump v2", None)]
ARM_INTERVENTIONS = [("NCT00000001", "NCT00000001:arm:1", "NCT00000001:intervention:1"),
                     ("NCT00000001", "NCT00000001:arm:2", "NCT00000001:intervention:2")]
CRITERIA = [("NCT00000001:criterion:1", "NCT00000001", "INCLUSION", 1, "Adults with type 2 diabetes"),
            ("NCT00000001:criterion:2", "NCT00000001", "INCLUSION", 2, "HbA1c above 7%"),
            ("NCT00000001:criterion:3", "NCT00000001", "EXCLUSION", 1, "Pregnancy"),
            ("NCT00000002:criterion:1", "NCT00000002", "INCLUSION", 1, "Diagnosed diabetes")]
OUTCOMES = [("NCT00000001:outcome:1", "NCT00000001", "PRIMARY", 1, "Change in HbA1c", None, "12 weeks"),
            ("NCT00000001:outcome:2", "NCT00000001", "SECONDARY", 1, "Hypoglycaemia events", None, "12 weeks")]
BOSTON, CHICAGO, TORONTO, MONTREAL, PARIS = ((42.35843, -71.05977), (41.85003, -87.65005), (43.70011, -79.4163),
                                            (45.50884, -73.58781), (48.85341, 2.3488))
# site_id, trial_id, ordinal, facility, city, state, zip, country as written, status, country_code, (lat, lon), source
SITES = [("NCT00000001:site:1", "NCT00000001", 1, "General Hospital", "Boston", "MA", None, "United States", "RECRUITING",
          "US", BOSTON, "REGISTRY"),
         ("NCT00000001:site:2", "NCT00000001", 2, "Lakeside Clinic", "Chicago", "IL", None, "United States", None,
          "US", CHICAGO, "GEONAMES"),
         ("NCT00000001:site:3", "NCT00000001", 3, "Toronto General", "Toronto", None, None, "Canada", "RECRUITING",
          "CA", TORONTO, "GEONAMES"),
         ("NCT00000002:site:1", "NCT00000002", 1, "McGill", "Montreal", None, None, "Canada", None, "CA", MONTREAL,
          "GEONAMES"),
         ("NCT00000004:site:1", "NCT00000004", 1, "Hopital", "Paris", None, None, "France", "RECRUITING", "FR", PARIS,
          "GEONAMES"),
         ("NCT00000005:site:1", "NCT00000005", 1, "General Hospital", "Boston", "MA", None, "USA",
          "NOT_YET_RECRUITING", "US", BOSTON, "GEONAMES"),
         ("NCT00000005:site:2", "NCT00000005", 2, "Somewhere", None, None, None, None, None, None, (None, None), None)]
# trial_id, country_code, country_name, source, removed
TRIAL_COUNTRIES = [("NCT00000001", "US", "United States", "SITE", False), ("NCT00000001", "CA", "Canada", "SITE", False),
                   ("NCT00000001", "GB", "United Kingdom", "REGISTRY", True),
                   ("NCT00000002", "CA", "Canada", "SITE", False), ("NCT00000004", "FR", "France", "SITE", False),
                   ("NCT00000005", "US", "United States", "SITE", False),
                   ("NCT00000005", "DE", "Germany", "REGISTRY", False)]
# trial_id, identifier, registry, id_type, match_key
IDENTIFIERS = [("NCT00000001", "NCT00000001", "CTGOV", "PRIMARY", "CTGOV:NCT00000001"),
               ("NCT00000001", "EudraCT 2020-001234-56", "EUCTR", "REGISTRY", "EUCTR:2020-001234-56"),
               ("NCT00000001", "ACME-001", None, "OTHER", None),
               ("NCT00000002", "NCT00000002", "CTGOV", "PRIMARY", "CTGOV:NCT00000002"),
               ("NCT00000003", "NCT00000003", "CTGOV", "PRIMARY", "CTGOV:NCT00000003"),
               ("NCT00000004", "NCT00000004", "CTGOV", "PRIMARY", "CTGOV:NCT00000004"),
               ("NCT00000005", "DRKS00012345", "DRKS", "PRIMARY", "DRKS:DRKS00012345"),
               ("NCT00000005", "NCT00000005", "CTGOV", "REGISTRY", "CTGOV:NCT00000005")]
# trial_id, ordinal, name, role, agency_class
SPONSORS = [("NCT00000001", 1, "Acme Health", "LEAD", "INDUSTRY"),
            ("NCT00000001", 2, "National Diabetes Institute", "COLLABORATOR", "NIH"),
            ("NCT00000002", 1, "Uni Hospital", "LEAD", "OTHER"),
            ("NCT00000004", 1, "Old Pharma", "LEAD", "INDUSTRY"),
            ("NCT00000005", 1, "Diabetes Centre Munich", "LEAD", None)]
T2D = ("D003924", "Diabetes Mellitus, Type 2")
# trial_id, mesh_id, term, relation, source. D004700 and D009750 head the areas C19 and C18, D012140 heads C08.
CONDITION_MESH = [("NCT00000001", *T2D, "DIRECT", "REGISTRY"), ("NCT00000001", "D009765", "Obesity", "DIRECT", "REGISTRY"),
                  ("NCT00000001", "D003920", "Diabetes Mellitus", "ANCESTOR", "REGISTRY"),
                  ("NCT00000001", "D004700", "Endocrine System Diseases", "ANCESTOR", "REGISTRY"),
                  ("NCT00000001", "D009750", "Nutritional and Metabolic Diseases", "ANCESTOR", "REGISTRY"),
                  ("NCT00000002", *T2D, "DIRECT", "LEARNED"),
                  ("NCT00000003", "D001249", "Asthma", "DIRECT", "REGISTRY"),
                  ("NCT00000003", "D012140", "Respiratory Tract Diseases", "ANCESTOR", "REGISTRY"),
                  ("NCT00000004", *T2D, "DIRECT", "REGISTRY"),
                  ("NCT00000005", *T2D, "DIRECT", "LEARNED")]
INTERVENTION_MESH = [("NCT00000001", "D007328", "Insulin", "DIRECT", "REGISTRY")]
# trial_id, ordinal, source_file, field, severity, message
ISSUES = [("NCT00000001", 1, "src/NCT00000001.json", "sites", "WARNING", "site 4: neither facility nor city: left out"),
          ("NCT00000002", 1, "src/NCT00000002.json", "criteria", "ERROR",
           "criteria: the eligibility text ends inside a list ('Exclusion: - HbA1c'): criteria not split"),
          ("NCT00000004", 1, "src/NCT00000004.json", "sites", "WARNING", "site 2: neither facility nor city: left out")]
RUNS = [
    {"run_id": RUN_1, "started_at": datetime(2026, 1, 1, 10, 0), "finished_at": datetime(2026, 1, 1, 10, 1),
     "status": "COMPLETED", "source_dir": "src", "files_seen": 5, "files_loaded": 5, "files_quarantined": 0,
     "files_unchanged": 0, "files_removed": 0, "records_quarantined": 0},
    {"run_id": RUN_2, "started_at": datetime(2026, 1, 2, 10, 0), "finished_at": datetime(2026, 1, 2, 10, 0, 30),
     "status": "COMPLETED_WITH_QUARANTINE", "source_dir": "src", "files_seen": 8, "files_loaded": 1,
     "files_quarantined": 2, "files_unchanged": 4, "files_removed": 1, "records_quarantined": 1},
]
_T1, _T2 = datetime(2026, 1, 1, 10, 0), datetime(2026, 1, 2, 10, 0)
FILES = [
    *[{"file_path": f"src/NCT0000000{n}.json", "file_sha256": _sha(n), "layout": "ctgov_json", "status": "UNCHANGED",
       "trial_id": f"NCT0000000{n}", "record_count": 1, "quarantined_records": 0, "run_id": RUN_2,
       "first_seen_at": _T1, "last_seen_at": _T2} for n in (1, 2, 3, 5)],
    {"file_path": "src/NCT00000004.json", "file_sha256": _sha(4), "layout": "ctgov_json", "status": "REMOVED",
     "trial_id": "NCT00000004", "record_count": 1, "quarantined_records": 0, "run_id": RUN_2,
     "first_seen_at": _T1, "last_seen_at": _T2},
    {"file_path": "bad/notes.txt", "file_sha256": _sha(10), "layout": None, "status": "QUARANTINED",
     "error": "bad/notes.txt: no layout recognised this file (expected CT.gov JSON/XML/CSV, a CT.gov page copy, "
              "a 'Trial Title:' text dump, an aggregator page or a summary with criteria bullets); it starts with 'hi'",
     "record_count": 0, "quarantined_records": 0, "run_id": RUN_2, "first_seen_at": _T2, "last_seen_at": _T2},
    {"file_path": "bad/trunc.xml", "file_sha256": _sha(11), "layout": None, "status": "QUARANTINED",
     "error": "bad/trunc.xml: ctgov_xml: xml: malformed XML: no element found: line 1, column 25",
     "record_count": 0, "quarantined_records": 0, "run_id": RUN_2, "first_seen_at": _T2, "last_seen_at": _T2},
    {"file_path": "multi.csv", "file_sha256": _sha(12), "layout": "ctgov_csv_export", "status": "LOADED",
     "error": "multi.csv: ctgov_csv_export: row 3: the row has no NCT Number", "trial_id": None,
     "record_count": 3, "quarantined_records": 1, "run_id": RUN_2, "first_seen_at": _T2, "last_seen_at": _T2},
    {"file_path": "old/empty.txt", "file_sha256": _sha(13), "layout": None, "status": "REMOVED",
     "error": "old/empty.txt: empty file (no text at all)", "record_count": 0, "quarantined_records": 0,
     "run_id": RUN_2, "first_seen_at": _T1, "last_seen_at": _T2},
]
RECORDS = [{"file_path": f"src/NCT0000000{n}.json", "file_sha256": _sha(n), "record_index": 0,
            "trial_id": f"NCT0000000{n}", "status": "LOADED", "run_id": RUN_1} for n in (1, 2, 3, 4, 5)]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        con.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def _insert_tuples(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in rows[0])})", rows)


def build_small_warehouse(path: Path) -> Path:
    """Create the warehouse file at `path` (schema, marts and the rows above) and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        _insert(con, "trial", TRIALS)
        _insert_tuples(con, "condition", CONDITIONS)
        _insert_tuples(con, "arm", ARMS)
        _insert_tuples(con, "intervention", INTERVENTIONS)
        _insert_tuples(con, "arm_intervention", ARM_INTERVENTIONS)
        _insert_tuples(con, "criterion", CRITERIA)
        _insert(con, "outcome", [dict(zip(("outcome_id", "trial_id", "kind", "ordinal", "measure", "description",
                                           "time_frame"), o, strict=True)) for o in OUTCOMES])
        _insert(con, "site", [dict(zip(("site_id", "trial_id", "ordinal", "facility", "city", "state", "zip",
                                        "country", "status", "country_code", "latitude", "longitude", "geo_source"),
                                       (*s[:10], *s[10], s[11]), strict=True)) for s in SITES])
        _insert_tuples(con, "trial_country", TRIAL_COUNTRIES)
        _insert(con, "trial_identifier", [dict(zip(("trial_id", "identifier", "registry", "id_type", "match_key"), i,
                                                   strict=True)) for i in IDENTIFIERS])
        _insert(con, "sponsor", [dict(zip(("trial_id", "ordinal", "name", "role", "agency_class"), s, strict=True))
                                 for s in SPONSORS])
        for table, rows in (("condition_mesh", CONDITION_MESH), ("intervention_mesh", INTERVENTION_MESH)):
            _insert(con, table, [dict(zip(("trial_id", "mesh_id", "term", "relation", "source"), m, strict=True))
                                 for m in rows])
        _insert(con, "ingest_issue", [dict(zip(("trial_id", "ordinal", "source_file", "field", "severity", "message"),
                                               i, strict=True)) for i in ISSUES])
        _insert(con, "ingest_run", RUNS)
        _insert(con, "ingest_file", FILES)
        _insert(con, "ingest_record", RECORDS)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@contextmanager
def held_by_a_writer(path: Path) -> Iterator[Path]:
    """Another process holding the warehouse at `path` open for writing (as an ingest run does) while inside."""
    code = textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(path)!r})
        print("ready", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    try:
        yield path
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)
