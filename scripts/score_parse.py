"""Score the parsers alone (no Prefect, no warehouse file) against the dev corpus truth, with ../shared/tools/score.py.

Usage: python scripts/score_parse.py [--layout NAME] [--corpus ../shared/corpus/dev] [--worst N] [--show NAME]
                                     [--scorer ../shared/tools/score.py]
Parses every raw file of the chosen layout(s), builds the scored tables in an in-memory DuckDB and runs the
official scorer's own functions on it, so the numbers match what `score.py` says of a real warehouse.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.decode import decode  # noqa: E402
from transforms.errors import TrialhouseError  # noqa: E402
from transforms.layouts import parse_text  # noqa: E402
from transforms.record import ParsedTrial  # noqa: E402


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_db(parsed: list[tuple[str, ParsedTrial]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE ingest_file(file_path VARCHAR, trial_id VARCHAR)")
    con.execute("""CREATE TABLE trial(trial_id VARCHAR, nct_id VARCHAR, title VARCHAR, overall_status VARCHAR,
        phase VARCHAR, study_type VARCHAR, allocation VARCHAR, intervention_model VARCHAR, primary_purpose VARCHAR,
        masking VARCHAR, enrollment INTEGER, start_date DATE, completion_date DATE, min_age_years DOUBLE,
        max_age_years DOUBLE, sex VARCHAR, healthy_volunteers BOOLEAN)""")
    con.execute("CREATE TABLE condition(trial_id VARCHAR, name VARCHAR)")
    con.execute("CREATE TABLE intervention(trial_id VARCHAR, intervention_id VARCHAR, intervention_type VARCHAR, name VARCHAR)")
    con.execute("CREATE TABLE arm(trial_id VARCHAR, arm_id VARCHAR, label VARCHAR, arm_type VARCHAR)")
    con.execute("CREATE TABLE arm_intervention(trial_id VARCHAR, arm_id VARCHAR, intervention_id VARCHAR)")
    con.execute("CREATE TABLE criterion(trial_id VARCHAR, kind VARCHAR, text VARCHAR)")
    con.execute("CREATE TABLE outcome(trial_id VARCHAR, kind VARCHAR, measure VARCHAR, time_frame VARCHAR)")
    con.execute("CREATE TABLE site(trial_id VARCHAR, facility VARCHAR, city VARCHAR, state VARCHAR, country VARCHAR, status VARCHAR)")
    for n, (path, t) in enumerate(parsed):
        tid = t.nct_id or f"T{n}"
        if t.nct_id is None or path.endswith((".txt", ".json", ".xml")):
            tid = f"{tid}#{n}"
        con.execute("INSERT INTO ingest_file VALUES (?, ?)", [path, tid])
        con.execute("INSERT INTO trial VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            tid, t.nct_id, t.title, t.overall_status, t.phase, t.study_type, t.allocation, t.intervention_model,
            t.primary_purpose, t.masking, t.enrollment, t.start_date, t.completion_date, t.min_age_years,
            t.max_age_years, t.sex, t.healthy_volunteers])
        for c in t.conditions:
            con.execute("INSERT INTO condition VALUES (?, ?)", [tid, c])
        ids = {}
        for i, iv in enumerate(t.interventions):
            iid = f"{tid}/i{i}"
            ids.setdefault(iv.name.casefold(), iid)
            con.execute("INSERT INTO intervention VALUES (?,?,?,?)", [tid, iid, iv.intervention_type, iv.name])
        for a_n, a in enumerate(t.arms):
            aid = f"{tid}/a{a_n}"
            con.execute("INSERT INTO arm VALUES (?,?,?,?)", [tid, aid, a.label, a.arm_type])
            for name in a.intervention_names:
                if name.casefold() in ids:
                    con.execute("INSERT INTO arm_intervention VALUES (?,?,?)", [tid, aid, ids[name.casefold()]])
        for c in t.criteria:
            con.execute("INSERT INTO criterion VALUES (?,?,?)", [tid, c.kind, c.text])
        for o in t.outcomes:
            con.execute("INSERT INTO outcome VALUES (?,?,?,?)", [tid, o.kind, o.measure, o.time_frame])
        for s in t.sites:
            con.execute("INSERT INTO site VALUES (?,?,?,?,?,?)", [tid, s.facility, s.city, s.state, s.country, s.status])
    return con


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layout", help="only this layout folder of the corpus")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    ap.add_argument("--worst", type=int, default=0)
    ap.add_argument("--show")
    ap.add_argument("--scorer", help="score.py to use (default: <corpus>/../../tools/score.py)")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    scorer = load_scorer(Path(args.scorer) if args.scorer else corpus.parents[1] / "tools" / "score.py")
    raw_root = corpus / "raw"
    files = sorted(p for p in raw_root.rglob("*") if p.is_file() and (not args.layout or p.parent.name == args.layout))
    parsed, failures, detected = [], [], defaultdict(int)
    for p in files:
        try:
            layout, results = parse_text(decode(p.read_bytes(), str(p)).text, str(p))
        except TrialhouseError as exc:
            failures.append(f"{p.relative_to(raw_root)}: {exc}")
            continue
        detected[(p.parent.name, layout)] += 1
        for r in results:
            if isinstance(r, ParsedTrial):
                parsed.append((str(p.relative_to(raw_root)), r))
            else:
                failures.append(f"{p.relative_to(raw_root)}: {r}")
    for (folder, layout), n in sorted(detected.items()):
        flag = "" if folder == layout else "   <-- MISDETECTED"
        print(f"detect {folder:24} -> {layout:24} {n}{flag}")
    for f in failures[:15]:
        print("FAIL", f)
    print(f"{len(failures)} failures, {len(parsed)} records")
    con = build_db(parsed)
    wh = scorer.Warehouse.__new__(scorer.Warehouse)
    wh.con, wh.missing = con, []
    truth_dir = corpus / "truth"
    wanted = {p.name for p in files}
    per_layout, overall, per_file = defaultdict(scorer.Tally), scorer.Tally(), []
    import json
    for f in sorted(truth_dir.glob("*.json")):
        truth = json.loads(f.read_text(encoding="utf-8"))
        raw_name = truth.get("source_file") or f.name[: -len(".json")]
        if Path(raw_name).name not in wanted:
            continue
        nct = (truth.get("trial") or {}).get("nct_id")
        trial_id = wh.trial_for_nct(nct) if truth.get("source_file") else wh.trial_for_file(f.name[: -len(".json")])
        layout = truth.get("layout", "unknown")
        for tally in (per_layout[layout], overall):
            tally.add_acc("files_found", int(trial_id is not None))
            scorer.score_one(wh, truth, trial_id, tally)
        mine, log = scorer.Tally(), []
        scorer.score_one(wh, truth, trial_id, mine, log)
        per_file.append((mine.report()["score"] or 0.0, f.name, layout, log))
    heads = ["score", "files_found_acc", "trial_fields_acc", "conditions_f1", "interventions_f1", "arms_f1",
             "criteria_f1", "outcomes_f1", "sites_f1"]
    print(f"{'layout':24}" + "".join(f"{h.replace('_acc', '').replace('_f1', ''):>12}" for h in heads))
    for name, tally in list(sorted(per_layout.items())) + [("OVERALL", overall)]:
        rep = tally.report()
        print(f"{name:24}" + "".join(f"{rep.get(h) if rep.get(h) is not None else '-':>12}" for h in heads))
    rep = overall.report()
    print("attributes:", {k: v for k, v in rep.items() if k.endswith("_acc") and not k.startswith("field_")})
    print("trial fields:", {k[6:-4]: v for k, v in rep.items() if k.startswith("field_") and k.endswith("_acc")})
    if args.worst:
        for sc, name, layout, _ in sorted(per_file)[: args.worst]:
            print(f"  {sc}  {name}  {layout}")
    if args.show:
        for sc, name, layout, log in per_file:
            if args.show in name:
                print(f"\n{name} ({layout}) score {sc}")
                print("\n".join(log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
