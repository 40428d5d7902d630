"""A warehouse written by an earlier version gains the columns this version declares, keeping its rows."""
from __future__ import annotations

import duckdb

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
