"""Keys the warehouse keeps without an index are still checked once a load has written them."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import SHARED, load_folder
from warehouse.load import LoadBlocked


def _criteria(db) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT criterion_id, trial_id FROM criterion ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_a_key_written_twice_blocks_the_load_and_leaves_the_warehouse_as_it_was(tmp_path):
    source = tmp_path / "raw"
    source.mkdir()
    sample = sorted((SHARED / "corpus" / "dev" / "raw" / "ctgov_json").iterdir())[0]
    shutil.copy(sample, source / sample.name)
    db = tmp_path / "trials.duckdb"
    load_folder(source, db, tmp_path / "staging1")
    con = duckdb.connect(str(db))
    # as a key-building bug would: another trial's row under a criterion key of the sample's trial
    con.execute("INSERT INTO criterion SELECT criterion_id, 'OTHER', kind, ordinal, text FROM criterion "
                "ORDER BY criterion_id LIMIT 1")
    con.close()
    before = _criteria(db)
    (source / sample.name).write_text(sample.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # re-read it
    with pytest.raises(LoadBlocked, match=r"criterion\(criterion_id\) is unique in the warehouse") as blocked:
        load_folder(source, db, tmp_path / "staging2")
    assert _criteria(db) == before
    found = {o["check"]: o["offending_rows"] for o in blocked.value.verdict.cross_checks}  # for the run's Data Docs
    assert found["criterion(criterion_id) is unique in the warehouse"] == 1
    assert found["a record is staged by one batch only"] == 0
