"""The benchmark script's helpers: the replicated corpus is N distinct trials, and result rows land in one table."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from benchmarks.run import NCT, TABLE_HEAD, build_corpus, busy_by_interval, edit_files, median_run, record_row


def test_replicated_corpus_has_one_distinct_trial_per_file(shared_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "raw"
    written = build_corpus(shared_dir / "corpus" / "dev" / "raw", target, 60)
    files = [p for p in target.rglob("*") if p.is_file()]
    assert len(files) == 60 and written == sum(p.stat().st_size for p in files)
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files}) == 60
    ids = [set(NCT.findall(p.read_text(encoding="utf-8"))) for p in files]
    with_id = [i for i in ids if i]
    assert all(len(i) == 1 for i in with_id), "one NCT id per replica"
    assert len(set().union(*with_id)) == len(with_id), "replicas never share an NCT id"


def test_result_rows_append_under_one_header(tmp_path: Path) -> None:
    result = {"kind": "json", "files": 10_000, "records_per_s": 410, "wall_s": 24.4, "peak_mib": 782,
              "rerun_wall_s": 1.9, "cores": 2, "cpu": "Intel(R) Xeon(R) Processor", "transform_cpu_s": 20.0,
              "validate_cpu_s": 5.0, "cpu_s": 40.0,
              "duckdb_s": 12.2, "stages": {"plan": 0.4, "parse_and_validate": 19.5, "load": 1.2, "publish": 0.5}}
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n", encoding="utf-8")
    record_row(doc, result)
    record_row(doc, {**result, "files": 50_000})
    text = doc.read_text(encoding="utf-8")
    assert text.count(TABLE_HEAD.splitlines()[0]) == 1
    rows = [line for line in text.splitlines() if re.match(r"\| \d{4}-\d\d-\d\d \|", line)]
    assert [r.split(" | ")[3] for r in rows] == ["10,000", "50,000"]
    assert all(r.count("|") == TABLE_HEAD.splitlines()[0].count("|") for r in rows)
    assert all(" | 2.00× |" in r and "(Intel(R) Xeon(R) Processor), 2 cores |" in r for r in rows)  # which host


def test_repeated_runs_report_the_one_with_the_median_ratio_to_duckdb() -> None:
    runs = [({"wall_s": 30.0}, 100, 10.0), ({"wall_s": 40.0}, 100, 10.0), ({"wall_s": 22.0}, 100, 11.0)]
    assert median_run(runs)[0]["wall_s"] == 30.0
    assert median_run([({"wall_s": 5.0}, 0, 0.0), ({"wall_s": 3.0}, 0, 0.0)])[0]["wall_s"] == 5.0


def test_busy_intervals_are_cpu_seconds_per_wall_second_by_kind_of_process() -> None:
    samples = [(1.0, {"worker": 1.0}), (2.0, {"worker": 3.0, "command": 0.5}), (3.0, {"worker": 3.5, "command": 0.5})]
    busy = busy_by_interval(samples, every_s=2.0)
    assert busy[0] == {"from_s": 0.0, "to_s": 2.0, "worker": 1.5, "command": 0.25}
    assert busy[1] == {"from_s": 2.0, "to_s": 3.0, "worker": 0.5}  # the last sample closes a short interval


def test_edited_files_are_spread_over_the_corpus_and_change_their_hash(tmp_path: Path) -> None:
    for i in range(100):
        (tmp_path / f"{i:03d}.json").write_text("{}", encoding="utf-8")
    assert edit_files(tmp_path, 10) == 10
    edited = sorted(p.name for p in tmp_path.iterdir() if p.read_text(encoding="utf-8") != "{}")
    assert edited == [f"{i:03d}.json" for i in range(0, 100, 10)]  # one in ten, not the first ten
