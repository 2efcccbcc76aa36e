"""Property tests (hypothesis) of the identification engine's invariants."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jisr.identification.engine import evaluate, load_ruleset
from jisr.identification.engine.codes import ACT_CODES, DIMENSION_IDS, MEANS_CODES, PURPOSE_CODES, RULESET_IDS
from jisr.identification.engine.schema import IloRuleSet

ILO = load_ruleset("ilo-ec-2009")
assert isinstance(ILO, IloRuleSet)
LABOUR_PROFILES = ["adult_labour", "child_labour"]
ALL_CODES = sorted({i.code for s in ILO.indicator_sets.values() for i in s.indicators} | {"D9.bogus", "x"})
LEGAL_IDS = [r for r in RULESET_IDS if r != "ilo-ec-2009"]

profiles = st.sampled_from(LABOUR_PROFILES)
indicator_lists = st.lists(st.sampled_from(ALL_CODES), max_size=25)
variants = st.sampled_from([None, "ILO_CHILD_V2_act_and_exploitation"])
act_lists = st.one_of(st.none(), st.lists(st.sampled_from(sorted(ACT_CODES)), max_size=3))


def ilo(profile: str, indicators: list[str], child_variant: str | None = None, acts: Any = None) -> Any:
    return evaluate(
        "ilo-ec-2009", {"profile": profile, "indicators": indicators, "acts": acts}, child_variant=child_variant
    )


@settings(max_examples=300)
@given(profiles, indicator_lists, st.sampled_from(ALL_CODES), variants, act_lists)
def test_adding_an_indicator_never_turns_indicated_into_not_indicated(
    profile: str, indicators: list[str], extra: str, variant: str | None, acts: Any
) -> None:
    before = ilo(profile, indicators, variant, acts)
    after = ilo(profile, [*indicators, extra], variant, acts)
    if before["outcome"] == "INDICATED":
        assert after["outcome"] == "INDICATED"
    for dimension in DIMENSION_IDS:  # and no dimension ever turns negative
        assert after["dimensions"][dimension]["positive"] >= before["dimensions"][dimension]["positive"]


@settings(max_examples=200)
@given(profiles, indicator_lists, st.randoms(use_true_random=False))
def test_duplicate_codes_change_nothing(profile: str, indicators: list[str], rnd: Any) -> None:
    duplicated = indicators + [rnd.choice(indicators) for _ in range(len(indicators))] if indicators else []
    rnd.shuffle(duplicated)
    first_seen = list(dict.fromkeys(duplicated))
    assert ilo(profile, duplicated) == ilo(profile, first_seen)
    assert ilo(profile, duplicated)["dimensions"] == ilo(profile, indicators)["dimensions"]


@settings(max_examples=200)
@given(profiles, indicator_lists, indicator_lists, st.sampled_from(DIMENSION_IDS))
def test_indicators_in_one_dimension_never_affect_another(
    profile: str, base: list[str], noise: list[str], dimension: str
) -> None:
    mine = [code for code in base if code.startswith(dimension + ".")]
    others = [code for code in noise if not code.startswith(dimension + ".")]
    alone = ilo(profile, mine)["dimensions"][dimension]
    assert ilo(profile, mine + others)["dimensions"][dimension] == alone


observations = st.fixed_dictionaries(
    {
        "acts": act_lists,
        "purposes": st.one_of(st.none(), st.lists(st.sampled_from(sorted(PURPOSE_CODES)), max_size=3)),
        "consent": st.one_of(st.none(), st.booleans()),
        "will_overridden": st.one_of(st.none(), st.booleans()),
        "exploitation_occurred": st.one_of(st.none(), st.booleans()),
    }
)
child_ages = st.one_of(
    st.fixed_dictionaries({"age_at_act": st.integers(0, 17)}),
    st.fixed_dictionaries({"believed_minor": st.just(True), "age_uncertain": st.just(True),
                           "age_at_act": st.one_of(st.none(), st.integers(0, 40))}),
)
means_lists = st.one_of(st.none(), st.lists(st.sampled_from(sorted(MEANS_CODES)), max_size=4))


@settings(max_examples=300)
@given(st.sampled_from(LEGAL_IDS), observations, child_ages, means_lists, means_lists)
def test_a_child_result_never_depends_on_means(
    ruleset: str, observation: dict[str, Any], age: dict[str, Any], means_a: Any, means_b: Any
) -> None:
    a = evaluate(ruleset, {**observation, **age, "means": means_a})
    b = evaluate(ruleset, {**observation, **age, "means": means_b})
    assert a["child"] is b["child"] is True
    for key in ("outcome", "missing", "presumption_of_minority_applied"):
        assert a[key] == b[key]
    assert {k: v for k, v in a["elements"].items() if k != "means"} == {
        k: v for k, v in b["elements"].items() if k != "means"
    }


@settings(max_examples=300)
@given(st.sampled_from(LEGAL_IDS), observations, st.integers(0, 60), means_lists, st.sampled_from(sorted(MEANS_CODES)))
def test_recording_a_further_means_never_turns_indicated_into_not_indicated(
    ruleset: str, observation: dict[str, Any], age: int, means: Any, extra: str
) -> None:
    before = evaluate(ruleset, {**observation, "age_at_act": age, "means": means})
    after = evaluate(ruleset, {**observation, "age_at_act": age, "means": [*(means or []), extra]})
    if before["outcome"] == "INDICATED":
        assert after["outcome"] == "INDICATED"


@settings(max_examples=300)
@given(st.sampled_from(LEGAL_IDS), observations, st.integers(0, 60), means_lists)
def test_an_unlisted_purpose_is_never_a_silent_negative(
    ruleset: str, observation: dict[str, Any], age: int, means: Any
) -> None:
    """Whenever the only obstacle is a purpose the frame does not list, the answer is legal review."""
    result = evaluate(ruleset, {**observation, "age_at_act": age, "means": means, "purposes": ["other"]})
    assert result["elements"]["purpose"] in (None, False)
    if result["outcome"] == "NOT_INDICATED":
        # Then something other than the purpose is known to be absent.
        assert (
            result["elements"]["act"] is False
            or (result["elements"]["means"] is False and not result["child"])
            or observation["will_overridden"] is False
        )
    else:
        assert result["outcome"] == "NEEDS_LEGAL_REVIEW"
        assert "purpose_not_enumerated" in [n["code"] for n in result["notes"]]
