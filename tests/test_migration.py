"""A warehouse written by an earlier version gains the columns this version declares, keeping its rows."""
from __future__ import annotations

import duckdb
import pytest

from warehouse.store import ensure_schema


def test_an_older_warehouse_gains_new_nullable_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE site (site_id VARCHAR NOT NULL, trial_id VARCHAR NOT NULL, ordinal INTEGER NOT NULL, "
                "facility VARCHAR, city VARCHAR, state VARCHAR, zip VARCHAR, country VARCHAR, status VARCHAR, "
                "PRIMARY KEY (site_id))")
    con.execute("INSERT INTO site VALUES ('NCT1:site:1', 'NCT1', 1, 'A', 'Paris', NULL, NULL, 'France', NULL)")
    ensure_schema(con)
    row = con.execute("SELECT country, country_code, latitude, geo_source FROM site").fetchall()
    assert row == [("France", None, None, None)]
    ensure_schema(con)  # idempotent
    con.close()


def _primary_keys(con) -> set[str]:
    return {name for (name,) in con.execute("SELECT table_name FROM duckdb_constraints() "
                                            "WHERE constraint_type = 'PRIMARY KEY'").fetchall()}


def test_an_older_warehouse_drops_the_key_indexes_of_tables_the_load_replaces(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE criterion (criterion_id VARCHAR NOT NULL, trial_id VARCHAR NOT NULL, kind VARCHAR "
                "NOT NULL, ordinal INTEGER NOT NULL, text VARCHAR NOT NULL, PRIMARY KEY (criterion_id))")
    con.execute("INSERT INTO criterion VALUES ('NCT1:criterion:1', 'NCT1', 'INCLUSION', 1, 'Age >= 18 years')")
    ensure_schema(con)
    keyed = _primary_keys(con)
    assert "criterion" not in keyed and "ingest_file" in keyed  # an upserted lineage table keeps its index
    assert con.execute("SELECT criterion_id, text FROM criterion").fetchall() == [("NCT1:criterion:1", "Age >= 18 years")]
    assert con.execute("SELECT count(*) FROM mart_trial_eligibility").fetchone() is not None  # marts still bind
    assert not [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall() if "__" in t]
    ensure_schema(con)  # idempotent
    con.close()


def test_an_older_warehouse_takes_the_wider_vocabulary_of_a_closed_column(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE ingest_record (file_path VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL, record_index "
                "INTEGER NOT NULL, trial_id VARCHAR, status VARCHAR NOT NULL CHECK (status IN ('LOADED', "
                "'SUPERSEDED', 'QUARANTINED')), error VARCHAR, run_id VARCHAR NOT NULL, "
                "PRIMARY KEY (file_path, file_sha256, record_index))")
    con.execute("INSERT INTO ingest_record VALUES ('a.csv', 'ab', 0, 'NCT1', 'LOADED', NULL, 'r1')")
    ensure_schema(con)
    con.execute("UPDATE ingest_record SET status = 'REPLACED'")  # a value the older vocabulary lacked
    assert con.execute("SELECT trial_id, status FROM ingest_record").fetchall() == [("NCT1", "REPLACED")]
    assert "ingest_record" in _primary_keys(con)
    with pytest.raises(duckdb.ConstraintException):
        con.execute("UPDATE ingest_record SET status = 'GONE'")  # the closed set is still enforced
    ensure_schema(con)  # idempotent
    con.close()


def test_a_warehouse_from_before_file_stamps_is_planned_by_hashing_then_stamped(tmp_path):
    from warehouse.store import known_files

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    ensure_schema(con)
    con.execute("ALTER TABLE ingest_file DROP COLUMN stat_stamp")  # as a warehouse made before the column was
    con.execute("INSERT INTO ingest_file (file_path, file_sha256, status, run_id, first_seen_at, last_seen_at) "
                "VALUES ('a.json', 'abc', 'LOADED', 'r1', now(), now())")
    con.close()
    assert known_files(db) == ({"a.json": "abc"}, {})  # no stamp column yet: every known file is hashed
    con = duckdb.connect(str(db))
    ensure_schema(con)  # what the next load does first
    con.execute("UPDATE ingest_file SET stat_stamp = '1:2:3:4'")
    con.close()
    assert known_files(db) == ({"a.json": "abc"}, {"a.json": "1:2:3:4"})
