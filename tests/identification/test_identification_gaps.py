"""What is missing inside an ILO/EC dimension: the smallest sets of further signs that meet it, by the
engine's own dimension rule, bounded by what the indicator set still offers."""

from __future__ import annotations

from jisr.identification import engine
from jisr.identification.gaps import available_signs, smallest_additions


def test_smallest_additions_follow_the_dimension_rule() -> None:
    assert smallest_additions({"strong": 0, "medium": 0, "weak": 0}) == [
        (2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 3, 0), (0, 2, 1)]
    assert smallest_additions({"strong": 0, "medium": 1, "weak": 0}) == [(1, 0, 0), (0, 2, 0), (0, 1, 1)]
    assert smallest_additions({"strong": 1, "medium": 0, "weak": 0}) == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert smallest_additions({"strong": 0, "medium": 0, "weak": 5}) == [(1, 0, 0), (0, 2, 0)]
    for counts in ({"strong": 0, "medium": 2, "weak": 0}, {"strong": 0, "medium": 0, "weak": 1}):
        for s, m, w in smallest_additions(counts):
            assert engine.dimension_positive(counts["strong"] + s, counts["medium"] + m, counts["weak"] + w)


def test_a_kind_the_set_has_no_more_of_is_not_proposed() -> None:
    assert smallest_additions({"strong": 0, "medium": 1, "weak": 0},
                              {"strong": 0, "medium": 4, "weak": 2}) == [(0, 2, 0), (0, 1, 1)]
    assert smallest_additions({"strong": 0, "medium": 0, "weak": 0}, {"strong": 0, "medium": 1, "weak": 1}) == []


def test_available_signs_from_the_result_s_indicator_set() -> None:
    ilo = engine.load_ruleset("ilo-ec-2009")
    counts = {"D6": {"strong": 0, "medium": 1, "weak": 0}}
    left = available_signs("ilo-ec-2009", ilo.version, "adult_labour", counts)
    assert left is not None and left["D6"]["strong"] == 0 and left["D6"]["weak"] >= 1
    indicators = ilo.indicator_sets["adult_labour"].indicators
    total = sum(1 for i in indicators if i.code.startswith("D6.") and i.weight == "M")
    assert left["D6"]["medium"] == total - 1
    assert available_signs("ilo-ec-2009", "0.0.1", "adult_labour", counts) is None  # another version: unknown
    assert available_signs("ilo-ec-2009", ilo.version, None, counts) is None
    assert available_signs("ilo-ec-2009", ilo.version, "adult_sexual", counts) is None  # a set without weights
