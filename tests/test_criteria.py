"""Unit and property tests of the eligibility splitter (transforms.criteria.split_eligibility)."""
from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.timing import assert_near_linear
from transforms.criteria import criteria_of_items, split_eligibility
from transforms.record import Criterion


def pairs(text: str | None) -> list[tuple[str, str]]:
    return [(c.kind[:3], c.text) for c in split_eligibility(text)]


# ---------------------------------------------------------------- shapes of the layouts


def test_ctgov_markdown_with_headers() -> None:
    text = "Inclusion Criteria:\n\n* Age 18 or over\n* Signed \\[written\\] consent\n\nExclusion Criteria:\n\n* Pregnancy\n"
    assert pairs(text) == [("INC", "Age 18 or over"), ("INC", "Signed [written] consent"), ("EXC", "Pregnancy")]


def test_repeated_number_inside_bullet_is_dropped() -> None:
    text = "Inclusion Criteria\n\n* 1\\. Adults.\n* 2\\. ECOG 0-1;\n* 7, Subjects consent.\n\nExclusion Criteria\n\n* 1\\. None"
    assert pairs(text) == [("INC", "Adults."), ("INC", "ECOG 0-1;"), ("INC", "Subjects consent."), ("EXC", "None")]


def test_xml_textblock_wrapped_and_indented() -> None:
    text = (
        "\n        Inclusion Criteria:\n\n"
        "          -  Lack sufficient attached keratinized tissue at recipient surgical site in\n"
        "             question\n\n"
        "          -  Age 18 or over\n\n"
        "        Exclusion Criteria:\n\n"
        "          1. Prior graft\n"
        "          2. Smoker,\n"
        "             more than 10 a day\n      "
    )
    assert pairs(text) == [
        ("INC", "Lack sufficient attached keratinized tissue at recipient surgical site in question"),
        ("INC", "Age 18 or over"),
        ("EXC", "Prior graft"),
        ("EXC", "Smoker, more than 10 a day"),
    ]


LEGACY_ITEMS = [
    "Subject has had a single contained or noncontained (extruded) lumbar disc herniation (L3-L4, L4-L5 or "
    "L5-S1) diagnosed by clinical symptoms and/or physical findings and confirmed by MRI.",
    "Subject has leg pain with a documented positive straight leg raise (SLR) test or femoral stretch test.",
    "Subject has a BMI of 18 to 35 kg/m2",
]


def legacy_dump(width: int) -> str:
    """Criteria as a text dump writes them: `- ` bullets, wrapped at `width` with unindented continuations."""
    lines = ["Inclusion Criteria:"]
    for item in LEGACY_ITEMS:
        lines += textwrap.wrap("- " + item, width)
    lines += ["Exclusion Criteria:"]
    lines += textwrap.wrap("- Previous intradiscal therapeutic intervention or has had any lumbar surgery", width)
    return "\n".join(lines)


def test_legacy_dump_wrapped_lines_are_joined_back_at_any_width() -> None:
    for width in (82, 60, 40, 120):
        got = pairs(legacy_dump(width))
        assert got == [("INC", t) for t in LEGACY_ITEMS] + [
            ("EXC", "Previous intradiscal therapeutic intervention or has had any lumbar surgery")], width


def test_legacy_numbered_list_after_lone_dash() -> None:
    text = ("Inclusion Criteria:\n-\n1. Patients are able to understand the informed consent form, voluntarily\n"
            "participate and sign it.\n2. Age range from 18 to 65 years old.\nExclusion Criteria:\n-\n"
            "1. Missing key patient information.\n2. Refusal.")
    assert pairs(text) == [
        ("INC", "Patients are able to understand the informed consent form, voluntarily participate and sign it."),
        ("INC", "Age range from 18 to 65 years old."),
        ("EXC", "Missing key patient information."),
        ("EXC", "Refusal."),
    ]


def test_wrapped_line_starting_with_a_number_is_not_an_item() -> None:
    text = "1. Platelets at least\n100 x10^9/L and haemoglobin at least\n9. g/dL\n2. Consent"
    assert pairs(text) == [("INC", "Platelets at least 100 x10^9/L and haemoglobin at least 9. g/dL"),
                           ("INC", "Consent")]


# ---------------------------------------------------------------- headers


def test_header_wordings() -> None:
    for inc, exc in [
        ("INCLUSION CRITERIA", "EXCLUSION CRITERIA"),
        ("Key Inclusion Criteria:", "Key Exclusion Criteria:"),
        ("Inclusion criteria -", "Exclusion criteria -"),
        ("**Inclusion Criteria:**", "**Exclusion Criteria:**"),
        ("1. Inclusion Criteria", "2. Exclusion Criteria"),
        ("Patients will be included if:", "Patients will be excluded if:"),
        ("Subjects are eligible if they meet all of the following:", "Subjects are not eligible if they:"),
    ]:
        text = f"{inc}\n\n* Adult\n\n{exc}\n\n* Pregnant\n"
        assert pairs(text) == [("INC", "Adult"), ("EXC", "Pregnant")], (inc, exc)


def test_header_with_text_on_the_same_line() -> None:
    assert pairs("Inclusion Criteria: Adults with asthma\nExclusion Criteria: Smokers") == [
        ("INC", "Adults with asthma"), ("EXC", "Smokers")]


def test_bulleted_sentence_about_exclusion_stays_a_criterion() -> None:
    text = ("Exclusion Criteria\n* Patients who meet any of the following criteria will be excluded from the study:\n"
            "* Females who are pregnant.")
    assert pairs(text) == [
        ("EXC", "Patients who meet any of the following criteria will be excluded from the study:"),
        ("EXC", "Females who are pregnant."),
    ]


def test_wrapped_mention_of_inclusion_criteria_is_not_a_header() -> None:
    text = "Inclusion Criteria:\n- Subject must meet all of the\ninclusion criteria.\n- Adult"
    assert pairs(text) == [("INC", "Subject must meet all of the inclusion criteria."), ("INC", "Adult")]


def test_no_header_means_inclusion() -> None:
    text = ("Men and women, under 78 years of age. Suspected of having an acute myocardial infarction\n"
            "and who could be randomized within 12 hours of onset of qualifying pain.")
    assert pairs(text) == [("INC", "Men and women, under 78 years of age. Suspected of having an acute myocardial "
                                   "infarction and who could be randomized within 12 hours of onset of qualifying pain.")]


# ---------------------------------------------------------------- markers and nesting


def test_bullet_and_number_spellings() -> None:
    for marker in ("*", "-", "•", "⁃", "+", "·", "1.", "1)", "(1)", "1\\.", "a)", "i."):
        assert pairs(f"Inclusion Criteria:\n{marker} Adult patients\n") == [("INC", "Adult patients")], marker


def test_sub_items_stay_with_their_parent() -> None:
    text = ("Inclusion Criteria:\n\n* Age 18 or over\n* Adequate organ function:\n\n  * ANC > 1500\n  * Platelets > 100k\n"
            "* Consent\n\nExclusion Criteria:\n\n1. Lab values:\na) ALT > 3 ULN\nb) AST > 3 ULN\n2. Pregnancy")
    assert pairs(text) == [
        ("INC", "Age 18 or over"),
        ("INC", "Adequate organ function: ANC > 1500 Platelets > 100k"),
        ("INC", "Consent"),
        ("EXC", "Lab values: ALT > 3 ULN AST > 3 ULN"),
        ("EXC", "Pregnancy"),
    ]


def test_following_paragraphs_belong_to_the_item_that_announces_them() -> None:
    text = ("* 6\\. Adequate function, i.e., the following are met:\n\na) Hematology: ANC >= 1.5\n\n"
            "b) Renal: CrCl >= 50\n* 7\\. Consent")
    assert pairs(text) == [("INC", "Adequate function, i.e., the following are met: Hematology: ANC >= 1.5 "
                                   "Renal: CrCl >= 50"), ("INC", "Consent")]


def test_numbered_list_going_on_after_a_bullet_or_another_delimiter() -> None:
    assert pairs("- 1. Current participation in a study.\n2. Intolerance\n4) Fever") == [
        ("INC", "Current participation in a study."), ("INC", "Intolerance"), ("INC", "Fever")]


def test_lead_in_line_before_same_level_items_is_its_own_criterion() -> None:
    text = "Inclusion Criteria:\n\n* Subjects who:\n* Drink no milk;\n* Agree to sign."
    assert pairs(text) == [("INC", "Subjects who:"), ("INC", "Drink no milk;"), ("INC", "Agree to sign.")]


def test_empty_and_markup_only_inputs() -> None:
    assert split_eligibility(None) == []
    assert split_eligibility("") == []
    assert split_eligibility("\n\n  \n") == []
    assert split_eligibility("Inclusion Criteria:\n\n*\n-\n") == []


# ---------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(list("ab1. -*•⁃()\\:\n\t ") + ["Inclusion Criteria:", "EXCLUSION", "i.", "a)", "\n\n"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_ALPHABET, max_size=80).map("".join)))
def test_split_never_raises_and_returns_clean_criteria(text: str) -> None:
    for c in split_eligibility(text):
        assert isinstance(c, Criterion)
        assert c.kind in ("INCLUSION", "EXCLUSION")
        assert c.text and c.text == c.text.strip() and "\n" not in c.text


def test_split_time_is_near_linear() -> None:
    unit = ("Inclusion Criteria:\n* 1\\. a b c (1) d\n  - 2) e:\n\n   a) f g\n-\n1.\n((((((((( - - - * * *\n"
            "i. ii. iii. x) 12. 13.\nPatients will be excluded if they are of the following kind and more\n")
    assert_near_linear(lambda: split_eligibility(unit * 50), lambda: split_eligibility(unit * 1000))


def test_split_time_is_near_linear_on_one_long_line() -> None:
    for unit in ("* ", "(", "a ", "1. ", "\\", "Inclusion ", "of ", "* *_ "):
        assert_near_linear(lambda u=unit: split_eligibility(u * 1000 + "x:"),
                           lambda u=unit: split_eligibility(u * 20000 + "x:"))


def test_prose_starting_with_inclusion_or_exclusion_is_no_header() -> None:
    text = "Exclusion Criteria:\nExclusion. Patients who smoke\nInclusion of women in late pregnancy"
    assert pairs(text) == [("EXC", "Exclusion. Patients who smoke Inclusion of women in late pregnancy")]
    assert pairs("Inclusion of women\n\nExclusionary:\n\n- Smokers") == [("INC", "Inclusion of women"),
                                                                        ("EXC", "Smokers")]


def test_bare_dash_header_after_text_of_a_double_spaced_copy() -> None:
    text = "Inclusion criteria -\n* Between ages of 18 and 95\n* Has elected to undergo knee replacement\n" \
           "Exclusion criteria -\n* History of kidney disease"
    assert pairs(text) == [("INC", "Between ages of 18 and 95"), ("INC", "Has elected to undergo knee replacement"),
                           ("EXC", "History of kidney disease")]


def test_wrapped_lower_case_criteria_colon_is_no_header() -> None:
    text = ("Exclusion Criteria\n\n* Have severe asthma defined by any of the following\n  criteria:\n\n"
            "  1. FEV1 <80% of predicted\n  2. Daily inhaled steroids\n* Are pregnant")
    got = pairs(text)
    assert [kind for kind, _ in got] == ["EXC", "EXC"]
    assert got[0][1].startswith("Have severe asthma defined by any of the following criteria: FEV1")


def test_one_skipped_number_still_starts_an_item() -> None:
    text = "1) Age 18 and over.\n2) Able to attend follow up visits or at least converse on phone or\n" \
           "complete forms.\n4) Competent to provide consent."
    assert [t for _, t in pairs(text)] == [
        "Age 18 and over.", "Able to attend follow up visits or at least converse on phone or complete forms.",
        "Competent to provide consent."]


# ---------------------------------------------------------------- items a layout segmented itself

def test_items_a_layout_segmented_become_criteria_with_their_own_markers():
    items = [("INCLUSION", "Age 18 or over", "num."), ("INCLUSION", "1. Signed consent", "•"),
             ("INCLUSION", "Eligibility Criteria for Prescreening", "num."),  # a bare header: no criterion
             ("EXCLUSION", "Pregnancy", "-"), ("EXCLUSION", "  ", "-"), ("EXCLUSION", "Inclusion criteria", "-"),
             ("EXCLUSION", "Exclusion criteria: prior chemotherapy", "-")]  # a header with text is an item
    assert [(c.kind, c.text, c.marker) for c in criteria_of_items(items)] == [
        ("INCLUSION", "Age 18 or over", "num."), ("INCLUSION", "Signed consent", "•"),  # the inner number dropped
        ("EXCLUSION", "Pregnancy", "-"),
        ("INCLUSION", "Exclusion criteria: prior chemotherapy", "-")]  # the kind the bare header before it set


_ITEM_TEXT = st.lists(st.sampled_from(["Age", "18", "1.", "(2)", "a)", "-", "*", "Inclusion criteria", "Exclusion",
                                       "criteria", ":", "Eligibility", "of the following:", "and", "x"]),
                      max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["INCLUSION", "EXCLUSION"]), _ITEM_TEXT), max_size=12))
def test_items_read_as_their_list_written_out_and_split(items):
    lines, section = [], None
    for kind, text in items:
        if kind != section:
            lines.append("Inclusion Criteria:" if kind == "INCLUSION" else "Exclusion Criteria:")
            section = kind
        lines.append("- " + text)
    assert criteria_of_items([(kind, text, "-") for kind, text in items]) == split_eligibility("\n".join(lines))
