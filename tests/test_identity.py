"""The identity rule (`transforms.identity`): which records are one trial across registries, and its trial id."""
from __future__ import annotations

import random
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms import ids
from transforms.identity import resolve, scheme_of


def groups(trial_of: dict[str, str | None]) -> list[list[str]]:
    """The records grouped by trial id (records without an id alone), sorted."""
    by_trial: dict[str, list[str]] = defaultdict(list)
    for key, trial_id in trial_of.items():
        by_trial[trial_id if trial_id is not None else f"none:{key}"].append(key)
    return sorted(sorted(keys) for keys in by_trial.values())


# ---------------------------------------------------------------- the merge groups of the ICTRP sample (dedup.json)

# (record key, own IDs, named IDs) as the records of /work/shared/corpus/ictrp/ictrp_dev.xml write them
SAMPLE = [
    ("CTIS2023-507385-11-00", ["CTIS2023-507385-11-00"], ["U1111-1296-5487", "2022-003405-30", "NCT05697861"]),
    ("NCT05697861", ["NCT05697861"], ["2022-003405-30", "ITL-2001-CL-999"]),
    ("EUCTR2021-000037-14-ES", ["EUCTR2021-000037-14-ES"], ["NEOD001-301", "146070"]),
    ("EUCTR2021-000037-14-PT", ["EUCTR2021-000037-14-PT"], ["146070", "2021-000037-14-DK", "NEOD001-301"]),
    ("EUCTR2021-000037-14-HU", ["EUCTR2021-000037-14-HU"], ["NEOD001-301", "146070"]),
    ("EUCTR2019-001698-10-PT", ["EUCTR2019-001698-10-PT"], ["ION-682884-CS3", "2019-001698-10-GB"]),
    ("JPRN-jRCT2071210009", ["JPRN-jRCT2071210009"], ["NCT04136184", "2019-001698-10"]),
    ("NL-OMON55279", ["NL-OMON55279"], ["EUCTR2019-001698-10-NL", "NCT04136184", "NL73848.000.21"]),
    ("NCT01960348", ["NCT01960348"], ["2013-002987-17", "ALN-TTR02-004"]),
    ("EUCTR2013-002987-17-SE", ["EUCTR2013-002987-17-SE"], ["ALN-TTR02-004"]),
    # records that share only sponsor numbers (FX-005) or name trials not in the file stay alone
    ("NCT00409175", ["NCT00409175"], ["B3461020", "FX-005"]),
    ("EUCTR2006-002792-41-SE", ["EUCTR2006-002792-41-SE"], ["Fx-005"]),
    ("EUCTR2009-011535-12-DE", ["EUCTR2009-011535-12-DE"], ["Fx1A-303", "NCT00925002"]),
    ("DRKS00021577", ["DRKS00021577"], []),
]


def test_ctis_record_naming_an_nct_id() -> None:
    found = resolve(SAMPLE).trial_of
    assert found["CTIS2023-507385-11-00"] == found["NCT05697861"] == "NCT05697861"


def test_eu_member_state_records() -> None:
    found = resolve(SAMPLE).trial_of
    assert {found[f"EUCTR2021-000037-14-{c}"] for c in ("ES", "PT", "HU")} == {"EUCTR2021-000037-14"}


def test_eudract_jrct_and_nl_omon_records_take_the_nct_id_they_name() -> None:
    found = resolve(SAMPLE).trial_of
    assert {found["EUCTR2019-001698-10-PT"], found["JPRN-jRCT2071210009"], found["NL-OMON55279"]} == {"NCT04136184"}


def test_ctgov_record_and_the_eu_record_it_names() -> None:
    found = resolve(SAMPLE).trial_of
    assert found["NCT01960348"] == found["EUCTR2013-002987-17-SE"] == "NCT01960348"


def test_sample_groups_are_dedup_json() -> None:
    result = resolve(SAMPLE)
    assert [g for g in groups(result.trial_of) if len(g) > 1] == sorted([
        ["CTIS2023-507385-11-00", "NCT05697861"],
        ["EUCTR2013-002987-17-SE", "NCT01960348"],
        ["EUCTR2019-001698-10-PT", "JPRN-jRCT2071210009", "NL-OMON55279"],
        ["EUCTR2021-000037-14-ES", "EUCTR2021-000037-14-HU", "EUCTR2021-000037-14-PT"]])
    assert result.trial_of["EUCTR2009-011535-12-DE"] == "NCT00925002"  # an NCT ID named, its record not loaded
    assert result.trial_of["EUCTR2006-002792-41-SE"] == "EUCTR2006-002792-41"
    assert result.warnings == []


# ---------------------------------------------------------------- conflicts and trial ids


def test_one_id_named_by_two_trials_is_reported_and_merges_nothing() -> None:
    result = resolve([("a", ["NCT00000001"], ["2014-003865-11"]), ("b", ["NCT00000002"], ["2014-003865-11"]),
                      ("c", ["EUCTR2014-003865-11-NL"], [])])
    assert groups(result.trial_of) == [["a"], ["b"], ["c"]]
    assert len(result.warnings) == 1 and "2014-003865-11" in result.warnings[0]


def test_a_record_naming_another_trials_own_id_is_not_merged() -> None:
    result = resolve([("a", ["NCT00000001"], []), ("b", ["NCT00000002"], ["NCT00000001"])])
    assert groups(result.trial_of) == [["a"], ["b"]] and result.warnings


def test_a_chain_joining_two_trials_falls_back_to_own_id_groups() -> None:
    result = resolve([("a", ["NCT00000001"], ["2014-003865-11"]), ("b", ["EUCTR2014-003865-11-DE"], ["NCT00000002"]),
                      ("c", ["NCT00000002"], []), ("d", ["EUCTR2014-003865-11-FR"], [])])
    assert groups(result.trial_of) == [["a"], ["b", "d"], ["c"]]
    assert result.trial_of["b"] == "EUCTR2014-003865-11"
    assert any("through several identifiers" in w for w in result.warnings)


def test_separate_numbering_schemes_of_one_registry_may_merge() -> None:
    found = resolve([("a", ["JPRN-jRCT2080221636"], ["JapicCTI-111678"]), ("b", ["JapicCTI-111678"], [])]).trial_of
    assert found["a"] == found["b"] == "JPRN-jRCT2080221636"
    assert scheme_of("JPRN:jRCT2080221636") != scheme_of("JPRN:JapicCTI-111678")


def test_trial_id_choice() -> None:
    # NCT: the one named by most records, then the smallest; a warning because two are named
    result = resolve([("a", ["DRKS00000001"], ["NCT00000009", "EUCTR2014-003865-11"]),
                      ("b", ["ISRCTN00000001"], ["NCT00000005", "2014-003865-11"]),
                      ("c", [], ["NCT00000009", "2014-003865-11"])])
    assert set(result.trial_of.values()) == {"NCT00000009"} and result.warnings
    # no NCT: the registry listed first (EUCTR before DRKS), member-state suffix dropped
    found = resolve([("a", ["DRKS00000001"], ["2014-003865-11"]), ("b", ["EUCTR2014-003865-11-AT"], [])]).trial_of
    assert set(found.values()) == {"EUCTR2014-003865-11"}
    # no recognised own ID: the own ID as written; none at all: a named registry ID; nothing: None
    found = resolve([("a", ["LOCAL-7"], ["DRKS00000001"]), ("b", [], ["DRKS00000001"]), ("c", [], ["FX-005"]),
                     ("d", [], [])]).trial_of
    assert (found["a"], found["b"], found["c"], found["d"]) == ("LOCAL-7", "LOCAL-7", None, None)


def test_spellings_of_one_id_are_one_key() -> None:
    found = resolve([("a", ["NCT00000001"], []), ("b", ["ISRCTN00000001"], [" nct00000001 "]),
                     ("c", ["JPRN-jRCT2071210009"], []), ("d", [], ["jRCT2071210009"])]).trial_of
    assert found["a"] == found["b"] == "NCT00000001" and found["c"] == found["d"] == "JPRN-jRCT2071210009"


def test_records_sharing_an_own_id_stay_one_trial_even_when_they_clash() -> None:
    result = resolve([("a", ["NCT00000001", "EUCTR2014-003860-11-NL"], []),
                      ("b", ["NCT00000001", "EUCTR2014-003861-11-NL"], [])])
    assert result.trial_of == {"a": "NCT00000001", "b": "NCT00000001"} and result.warnings


def test_records_keyed_twice_are_one_record() -> None:
    found = resolve([("a", ["DRKS00000001"], []), ("a", [], ["NCT00000001"])]).trial_of
    assert found == {"a": "NCT00000001"}


# ---------------------------------------------------------------- properties

_OWN = ["NCT0000000{}", "EUCTR2014-00386{}-11-NL", "EUCTR2014-00386{}-11-DE", "DRKS0000000{}", "JPRN-jRCT207121000{}",
        "CTIS2023-50738{}-11-00", "LOCAL-{}"]
_NAMED = ["NCT0000000{}", "2014-00386{}-11", "EudraCT 2014-00386{}-11", "jRCT207121000{}", "FX-00{}", "U1111-000{}"]
_RECORD = st.tuples(  # one own ID or none, as registry records have
    st.lists(st.tuples(st.sampled_from(_OWN), st.integers(0, 4)).map(lambda p: p[0].format(p[1])), max_size=1),
    st.lists(st.tuples(st.sampled_from(_NAMED), st.integers(0, 4)).map(lambda p: p[0].format(p[1])), max_size=3))
_RECORDS = st.lists(_RECORD, max_size=12).map(lambda rs: [(f"r{n}", own, named) for n, (own, named) in enumerate(rs)])


@settings(max_examples=300, deadline=None)
@given(_RECORDS, st.randoms(use_true_random=False))
def test_same_answer_in_any_order(records: list, rng: random.Random) -> None:
    shuffled = [(key, rng.sample(own, len(own)), rng.sample(named, len(named))) for key, own, named in records]
    rng.shuffle(shuffled)
    assert resolve(shuffled) == resolve(records)


@settings(max_examples=200, deadline=None)
@given(_RECORDS, _RECORDS)
def test_unrelated_records_do_not_change_a_group(left: list, right: list) -> None:
    """Records with no identifier in common resolve alike together and apart (the rule is local to a group)."""
    def shifted(records: list, side: str) -> list:  # the right side gets its own IDs: digits 5-9
        move = str.maketrans("01234", "56789")
        return [(f"{side}{key}", [i.translate(move) for i in own], [i.translate(move) for i in named])
                for key, own, named in records] if side == "R" else [(f"{side}{k}", o, n) for k, o, n in records]

    a, b = shifted(left, "L"), shifted(right, "R")
    together, apart_a, apart_b = resolve(a + b), resolve(a), resolve(b)
    assert together.trial_of == {**apart_a.trial_of, **apart_b.trial_of}
    assert together.warnings == sorted(apart_a.warnings + apart_b.warnings)


def _key(ident: str, own: bool) -> str | None:
    found = ids.recognise(ident)
    return found.key if found else f"own:{ident.casefold()}" if own else None


@settings(max_examples=300, deadline=None)
@given(_RECORDS)
def test_groups_are_linked_and_named_from_their_own_ids(records: list) -> None:
    result = resolve(records)
    by_key = {key: (own, named) for key, own, named in records}
    for group in groups(result.trial_of):
        trial_id = result.trial_of[group[0]]
        if trial_id is None:  # nothing to name it by: one record without an own ID
            assert len(group) == 1 and not by_key[group[0]][0]
            continue
        written = [i for key in group for i in by_key[key][0] + by_key[key][1]]
        assert trial_id in {ids.trial_id_of(i) for i in written}  # the id is one of the group's own spellings
        if len(group) > 1:  # every record of a merged group shares an identifier with another record of it
            keys = [{k for i in by_key[g][0] if (k := _key(i, True))} | {k for i in by_key[g][1] if (k := _key(i, False))}
                    for g in group]
            assert all(any(mine & other for other in keys[:n] + keys[n + 1:]) for n, mine in enumerate(keys))


def test_no_two_groups_share_a_trial_id_in_the_sample() -> None:
    assert len(groups(resolve(SAMPLE).trial_of)) == len(set(resolve(SAMPLE).trial_of.values()))


@settings(max_examples=300, deadline=None)
@given(_RECORDS)
def test_two_groups_never_share_a_trial_id(records: list) -> None:
    found = resolve(records).trial_of
    named = [t for t in found.values() if t is not None]
    assert len(groups(found)) - sum(t is None for t in found.values()) == len(set(named))


@settings(max_examples=200, deadline=None)
@given(_RECORDS)
def test_no_group_holds_two_own_ids_of_one_scheme(records: list) -> None:
    result = resolve(records)
    own = {key: {ids.recognise(i).key for i in own if ids.recognise(i)} for key, own, _ in records}
    for group in groups(result.trial_of):
        keys = set().union(*(own[k] for k in group))
        schemes = [scheme_of(k) for k in keys]
        assert len(schemes) == len(set(schemes))


def test_near_linear_time() -> None:
    def run(n: int):
        records = []
        for i in range(n):  # chains of three registries, a sponsor number shared by all, a conflict every 50
            records.append((f"nct{i}", [f"NCT{i:08d}"], [f"{2000 + i % 20}-{i:06d}-11", "SPONSOR-1"]))
            records.append((f"eu{i}", [f"EUCTR{2000 + i % 20}-{i:06d}-11-DE"], [f"DRKS{i:08d}"]))
            records.append((f"drks{i}", [f"DRKS{i:08d}"], [f"NCT{i - 1:08d}"] if i % 50 == 0 and i else []))
        return lambda: resolve(records)

    # allocation-heavy (a dict entry per identifier): a busy machine spreads the ratio over 20-50; quadratic is 400
    assert_near_linear(run(250), run(5000), limit=60)


@pytest.mark.parametrize("written", ["EudraCT-No.:2006-000284-28", "EudraCT number: 2006-000284-28",
                                     "EUCTR2006-000284-28-DE", "2006-000284-28"])
def test_every_spelling_of_a_eudract_number_is_one_key(written):
    from transforms import ids

    found = ids.recognise(written)
    assert found is not None and found.key == "EUCTR:2006-000284-28"
