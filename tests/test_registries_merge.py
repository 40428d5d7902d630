"""One trial across registries: records of the WHO ICTRP sample that share a registry identifier end as one trial
with every identifier and the union of countries, whatever order or runs they arrive in."""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import load_folder, star_contents


@pytest.fixture(scope="module")
def one_file_per_record(shared_dir: Path, tmp_path_factory) -> Path:
    """The 48 records of the sample, each in an export file of its own."""
    text = (shared_dir / "corpus" / "ictrp" / "ictrp_dev.xml").read_text(encoding="utf-8")
    head, _, rest = text.partition("<Trial>")
    body, _, tail = ("<Trial>" + rest).rpartition("</Trial>")
    trials = re.findall(r"<Trial>.*?</Trial>", body + "</Trial>", flags=re.S)
    out = tmp_path_factory.mktemp("records")
    for n, trial in enumerate(trials):
        (out / f"r{n:02d}.xml").write_text(head + trial + tail, encoding="utf-8")
    return out


def _trial_of(con: duckdb.DuckDBPyConnection, identifier: str) -> set:
    return {r[0] for r in con.execute("SELECT trial_id FROM trial_identifier WHERE identifier = ?", [identifier]).fetchall()}


def test_the_sample_loads_whole_and_its_groups_are_one_trial_each(shared_dir, one_file_per_record, tmp_path):
    db = tmp_path / "w.duckdb"
    outcome = load_folder(one_file_per_record, db, tmp_path / "staging")
    assert (outcome.row["files_loaded"], outcome.row["files_quarantined"], outcome.row["records_quarantined"]) == \
        (48, 0, 0)
    con = duckdb.connect(str(db), read_only=True)
    groups = json.loads((shared_dir / "corpus" / "ictrp" / "dedup.json").read_text())
    for group in groups:
        trials = set().union(*(_trial_of(con, i) for i in group))
        assert len(trials) == 1, (group, trials)
        [trial_id] = trials
        named = {r[0] for r in con.execute("SELECT identifier FROM trial_identifier WHERE trial_id = ? AND "
                                           "id_type = 'PRIMARY'", [trial_id]).fetchall()}
        assert set(group) <= named
    assert con.execute("SELECT count(*) FROM trial").fetchone() == (42,)
    for path in sorted((shared_dir / "corpus" / "ictrp").glob("truth*/*.json")):
        truth = json.loads(path.read_text())
        [trial_id] = _trial_of(con, truth["trial"].get("registry_id") or truth["trial"]["nct_id"])
        countries = {r[0] for r in con.execute("SELECT country_code FROM trial_country WHERE trial_id = ?",
                                               [trial_id]).fetchall()}
        assert set(truth.get("countries_iso") or []) <= countries, path.name


def test_the_same_records_in_any_order_and_runs_give_the_same_warehouse(one_file_per_record, tmp_path):
    names = sorted(p.name for p in one_file_per_record.iterdir())
    at_once = tmp_path / "a.duckdb"
    load_folder(one_file_per_record, at_once, tmp_path / "sa")
    in_two_runs = tmp_path / "b.duckdb"
    load_folder(one_file_per_record, in_two_runs, tmp_path / "sb", files=names[1::2])
    load_folder(one_file_per_record, in_two_runs, tmp_path / "sb", files=names[0::2])
    reversed_runs = tmp_path / "c.duckdb"
    load_folder(one_file_per_record, reversed_runs, tmp_path / "sc", files=names[::-1][:20])
    load_folder(one_file_per_record, reversed_runs, tmp_path / "sc")
    expected = star_contents(at_once)
    assert star_contents(in_two_runs) == expected
    assert star_contents(reversed_runs) == expected


def test_a_warehouse_trial_joining_an_nct_id_later_is_renamed_with_its_rows(one_file_per_record, tmp_path):
    def file_of(trial_id: str) -> str:
        return next(p.name for p in sorted(one_file_per_record.iterdir())
                    if f"<TrialID>{trial_id}" in p.read_text(encoding="utf-8").replace("<TrialID> ", "<TrialID>"))

    db = tmp_path / "w.duckdb"
    load_folder(one_file_per_record, db, tmp_path / "s", files=[file_of("EUCTR2019-001698-10-PT")])
    con = duckdb.connect(str(db), read_only=True)
    assert _trial_of(con, "EUCTR2019-001698-10-PT") == {"EUCTR2019-001698-10"}
    con.close()
    load_folder(one_file_per_record, db, tmp_path / "s",
                files=[file_of("JPRN-jRCT2071210009"), file_of("NL-OMON55279")])
    con = duckdb.connect(str(db), read_only=True)
    assert _trial_of(con, "EUCTR2019-001698-10-PT") == {"NCT04136184"}
    assert con.execute("SELECT count(*) FROM trial WHERE trial_id LIKE 'EUCTR2019-001698-10%'").fetchone() == (0,)
    keys = [r[0] for r in con.execute("SELECT criterion_id FROM criterion WHERE trial_id = 'NCT04136184'").fetchall()]
    assert keys and all(k.startswith("NCT04136184:") for k in keys)
    sources = {r[0] for r in con.execute("SELECT trial_id FROM trial_source WHERE source_layout = 'ictrp_xml'")
               .fetchall()}
    assert "EUCTR2019-001698-10" not in sources


def test_a_trial_whose_winning_file_leaves_is_rebuilt_from_its_other_sources(one_file_per_record, tmp_path):
    folder = tmp_path / "records"
    shutil.copytree(one_file_per_record, folder)
    db = tmp_path / "w.duckdb"
    load_folder(folder, db, tmp_path / "s")
    con = duckdb.connect(str(db), read_only=True)
    [(trial_id, winner)] = con.execute(
        """SELECT trial_id, min(t.source_file) FROM trial t JOIN trial_source s USING (trial_id)
           GROUP BY trial_id HAVING count(*) > 1 AND count(DISTINCT t.source_file) = 1
           ORDER BY trial_id LIMIT 1""").fetchall()
    con.close()
    (folder / winner).unlink()

    outcome = load_folder(folder, db, tmp_path / "s")
    assert outcome.row["files_removed"] == 1
    con = duckdb.connect(str(db), read_only=True)
    [(source_file, removed_at)] = con.execute("SELECT source_file, removed_at FROM trial WHERE trial_id = ?",
                                              [trial_id]).fetchall()
    con.close()
    assert removed_at is None and source_file != winner
    without = tmp_path / "without.duckdb"
    load_folder(folder, without, tmp_path / "s2")
    assert star_contents(db) == star_contents(without)


@pytest.mark.parametrize("changed", ["winner", "other source"])
def test_a_trial_one_of_its_files_no_longer_states_is_rebuilt_from_what_its_sources_state(one_file_per_record,
                                                                                          tmp_path, changed):
    folder = tmp_path / "records"
    shutil.copytree(one_file_per_record, folder)
    db = tmp_path / "w.duckdb"
    load_folder(folder, db, tmp_path / "s")
    con = duckdb.connect(str(db), read_only=True)
    [(trial_id, winner, other)] = con.execute(
        """SELECT trial_id, min(t.source_file), min(s.source_file) FILTER (WHERE s.source_file <> t.source_file)
           FROM trial t JOIN trial_source s USING (trial_id)
           GROUP BY trial_id HAVING count(*) > 1 AND count(DISTINCT t.source_file) = 1
           ORDER BY trial_id LIMIT 1""").fetchall()
    [(single,)] = con.execute(
        """SELECT min(source_file) FROM trial WHERE trial_id NOT IN (SELECT trial_id FROM trial_source
           GROUP BY trial_id HAVING count(*) > 1)""").fetchall()
    con.close()
    # the file now holds another record (the path's content changed; the trial's other sources did not)
    shutil.copyfile(folder / single, folder / (winner if changed == "winner" else other))

    load_folder(folder, db, tmp_path / "s")
    con = duckdb.connect(str(db), read_only=True)
    [(source_file, removed_at)] = con.execute("SELECT source_file, removed_at FROM trial WHERE trial_id = ?",
                                              [trial_id]).fetchall()
    con.close()
    assert removed_at is None and (source_file != winner if changed == "winner" else source_file == winner)
    without = tmp_path / "without.duckdb"
    load_folder(folder, without, tmp_path / "s2")
    assert star_contents(db) == star_contents(without)


class LoadedExport:
    """A real CT.gov CSV export, alone in a folder loaded into a warehouse; re-saved with other rows by `write`."""

    def __init__(self, shared_dir: Path, tmp_path: Path):
        self.folder = tmp_path / "src"
        self.folder.mkdir()
        self.export = self.folder / "export.csv"
        shutil.copyfile(shared_dir / "corpus" / "dev" / "raw" / "ctgov_csv_export" / "ctg-studies_kinchabot.csv",
                        self.export)
        with self.export.open(newline="", encoding="utf-8") as fh:
            self.rows = list(csv.reader(fh))
        self.db = tmp_path / "w.duckdb"
        self.staging = tmp_path / "s"
        self.load()

    def write(self, body: list[list[str]]) -> None:
        """Re-save the export with the header and these data rows."""
        with self.export.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([self.rows[0], *body])

    def load(self):
        """Load the folder again; the load's outcome."""
        return load_folder(self.folder, self.db, self.staging)


@pytest.fixture()
def loaded_export(shared_dir: Path, tmp_path: Path) -> LoadedExport:
    return LoadedExport(shared_dir, tmp_path)


def test_a_trial_taken_out_of_an_export_is_marked_removed_and_comes_back_with_it(loaded_export):
    rows, db, write = loaded_export.rows, loaded_export.db, loaded_export.write
    dropped = rows[1][0]

    def state() -> tuple[int, list[tuple]]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            live = con.execute("SELECT count(*) FROM trial WHERE removed_at IS NULL").fetchone()[0]
            return live, con.execute("""SELECT t.removed_at IS NOT NULL, h.is_current FROM trial t
                                        JOIN trial_history h USING (trial_id) WHERE trial_id = ?
                                        ORDER BY h.version""", [dropped]).fetchall()
        finally:
            con.close()

    write(rows[2:])
    assert loaded_export.load().row["trials_removed"] == 1
    assert state() == (len(rows) - 2, [(True, False)])
    con = duckdb.connect(str(db), read_only=True)
    lineage = con.execute("""SELECT f.status, r.status, count(*) FROM ingest_file f JOIN ingest_record r
                             USING (file_path, file_sha256) GROUP BY ALL ORDER BY ALL""").fetchall()
    con.close()
    assert lineage == [("LOADED", "LOADED", len(rows) - 2), ("REPLACED", "REPLACED", len(rows) - 1)]
    write(rows[1:])
    assert loaded_export.load().row["trials_removed"] == 0
    assert state() == (len(rows) - 1, [(False, False), (False, True)])


def test_a_trial_whose_record_cannot_be_read_in_a_re_saved_export_is_not_marked_removed(loaded_export):
    rows = loaded_export.rows
    mangled = rows[1][0]
    loaded_export.write([rows[1][:-1], *rows[2:]])  # the row loses a cell: it no longer reads at all
    assert loaded_export.load().row["trials_removed"] == 0
    con = duckdb.connect(str(loaded_export.db), read_only=True)
    try:
        assert con.execute("SELECT removed_at FROM trial WHERE trial_id = ?", [mangled]).fetchall() == [(None,)]
        assert con.execute("SELECT count(*) FROM trial WHERE removed_at IS NULL").fetchone()[0] == len(rows) - 1
        [(error,)] = con.execute("SELECT error FROM ingest_record WHERE status = 'QUARANTINED'").fetchall()
        assert "cells, the header has" in error
    finally:
        con.close()
