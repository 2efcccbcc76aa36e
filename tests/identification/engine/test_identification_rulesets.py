"""Rule-set files: shipped as package data, valid, sourced, and loud when broken."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
import yaml

from jisr.identification.engine import (
    IloRuleSet,
    LegalRuleSet,
    RuleSetError,
    UnknownRuleSetError,
    available_rulesets,
    load_all_rulesets,
    load_ruleset,
    parse_ruleset,
)
from jisr.identification.engine import rulesets as rulesets_module
from jisr.identification.engine.codes import RULESET_IDS

RULESET_DIR = resources.files("jisr.identification").joinpath("rulesets")


def text_of(ruleset_id: str) -> str:
    return RULESET_DIR.joinpath(f"{ruleset_id}.yaml").read_text(encoding="utf-8")


def test_available_rulesets_are_the_interface_ids_in_order() -> None:
    assert available_rulesets() == [
        "palermo-2000", "ilo-ec-2009", "ma-law-27-14", "es-cp-177bis", "eu-2011-36", "eu-2011-36-2024",
    ]


def test_every_shipped_file_is_a_known_ruleset() -> None:
    shipped = sorted(Path(str(p)).stem for p in RULESET_DIR.iterdir() if str(p).endswith(".yaml"))
    assert shipped == sorted(RULESET_IDS)


@pytest.mark.parametrize("ruleset_id", RULESET_IDS)
def test_round_trip_through_the_schema(ruleset_id: str) -> None:
    ruleset = load_ruleset(ruleset_id)
    assert ruleset.id == ruleset_id
    dumped = yaml.safe_dump(ruleset.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    again = parse_ruleset(dumped, origin="round-trip", expected_id=ruleset_id)
    assert again == ruleset
    assert again.model_dump(mode="json") == ruleset.model_dump(mode="json")


def _sourced_things(ruleset: LegalRuleSet | IloRuleSet) -> list[tuple[str, object, bool]]:
    if isinstance(ruleset, IloRuleSet):
        things: list[tuple[str, object, bool]] = [
            ("dimension_rule", ruleset.dimension_rule.source, ruleset.dimension_rule.verified)
        ]
        things += [(v.id, v.source, v.verified) for v in ruleset.combination_variants]
        for profile, s in ruleset.indicator_sets.items():
            things.append((profile, s.source, s.verified))
            things += [(i.code, i.source, i.verified) for i in s.indicators]
        return things
    rules = ruleset.rules
    things = [(name, getattr(rules, name).source, bool(getattr(rules, name).verified))
              for name in ("child_definition", "child_rule", "consent_irrelevant", "presumption_of_minority")]
    things += [(i.code, i.source, i.verified) for i in (*ruleset.acts, *ruleset.means, *ruleset.purposes.items)]
    things += [(a.id, a.source, a.verified) for a in ruleset.aggravating]
    return things


@pytest.mark.parametrize("ruleset_id", RULESET_IDS)
def test_every_rule_and_indicator_carries_a_source_and_an_honest_verified_mark(ruleset_id: str) -> None:
    for name, source, verified in _sourced_things(load_ruleset(ruleset_id)):
        assert source.document, name  # type: ignore[attr-defined]
        if source.confidence in ("C", "open"):  # type: ignore[attr-defined]
            # identification.md: [C] = "verify against the primary before release".
            assert verified is False, f"{ruleset_id}: {name} is tagged {source.confidence} but marked verified"  # type: ignore[attr-defined]


def test_ilo_labour_sets_match_the_reference_totals() -> None:
    ilo = load_ruleset("ilo-ec-2009")
    assert isinstance(ilo, IloRuleSet)
    adult = ilo.indicator_sets["adult_labour"].indicators
    child = ilo.indicator_sets["child_labour"].indicators
    assert (len(adult), Counter(i.weight for i in adult)) == (67, Counter({"M": 53, "S": 7, "W": 7}))
    assert (len(child), Counter(i.weight for i in child)) == (65, Counter({"M": 50, "S": 15}))
    per_dimension = Counter(i.dimension for i in adult)
    assert [per_dimension[d] for d in ("D1", "D2", "D3", "D4", "D5", "D6")] == [10, 10, 16, 9, 15, 7]
    assert all(not i.verified for i in (*adult, *child))  # single reproduction, tagged [C]
    # phase escalation for adults: M at recruitment, S at destination
    weights = ilo.indicator_sets["adult_labour"].weights()
    for name in ("confiscation_docs", "debt_bondage", "isolation"):
        assert (weights[f"D2.{name}"].weight, weights[f"D5.{name}"].weight) == ("M", "S")


def test_sexual_sets_ship_without_weights() -> None:
    ilo = load_ruleset("ilo-ec-2009")
    assert isinstance(ilo, IloRuleSet)
    for profile in ("adult_sexual", "child_sexual"):
        assert ilo.indicator_sets[profile].available is False
        assert ilo.indicator_sets[profile].indicators == ()


def test_purpose_matrix_of_the_reference() -> None:
    """identification.md §3.4, row by row (✔ = enumerated; review = not enumerated)."""
    listed = {rid: r.purpose_codes() for rid, r in load_all_rulesets().items() if isinstance(r, LegalRuleSet)}
    matrix = {  # purpose: (Palermo, EU amended, ES, MA)
        "begging": (False, True, True, True),
        "criminal_activities": (False, True, True, True),
        "forced_marriage": (False, True, True, False),
        "illegal_adoption": (False, True, False, False),
        "surrogacy_exploitation": (False, True, False, False),
        "medical_experimentation": (False, False, False, True),
        "armed_conflict": (False, False, False, True),
        "organ_removal": (True, True, True, True),
        "forced_labour": (True, True, True, True),
        "servitude": (True, True, True, True),
    }
    for purpose, row in matrix.items():
        got = tuple(purpose in listed[r] for r in ("palermo-2000", "eu-2011-36-2024", "es-cp-177bis", "ma-law-27-14"))
        assert got == row, purpose
    assert listed["eu-2011-36-2024"] - listed["eu-2011-36"] == {
        "surrogacy_exploitation", "forced_marriage", "illegal_adoption"
    }


def test_unknown_ruleset_id() -> None:
    with pytest.raises(UnknownRuleSetError, match="unknown rule set 'palermo'"):
        load_ruleset("palermo")


# --- broken files fail loudly, naming file and field ---------------------------------------------
def broken(ruleset_id: str, edit: object) -> str:
    data = yaml.safe_load(text_of(ruleset_id))
    edit(data)  # type: ignore[operator]
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    ("ruleset_id", "edit", "field"),
    [
        pytest.param("palermo-2000", lambda d: d["acts"][0]["source"].pop("document"), r"acts\.0\.source\.document",
                     id="missing-source"),
        pytest.param("palermo-2000", lambda d: d["acts"][1].pop("verified"), r"acts\.1\.verified",
                     id="missing-verified"),
        pytest.param("palermo-2000", lambda d: d["means"][0].update(verified="yes"), r"means\.0\.verified",
                     id="verified-not-bool"),
        pytest.param("palermo-2000", lambda d: d.update(colour="blue"), r"colour", id="unknown-key"),
        pytest.param("palermo-2000", lambda d: d["acts"][0].update(code="kidnap"), r"acts\[0\]\.code",
                     id="code-not-in-vocabulary"),
        pytest.param("palermo-2000", lambda d: d["acts"].append(dict(d["acts"][0])), r"acts: a code is listed twice",
                     id="duplicate-code"),
        pytest.param("palermo-2000", lambda d: d["purposes"]["items"].append(
            {**d["purposes"]["items"][0], "code": "other"}), r"'other'", id="other-enumerated"),
        pytest.param("palermo-2000", lambda d: d.update(version="one"), r"version", id="bad-version"),
        pytest.param("ma-law-27-14", lambda d: d["aggravating"][0].update(when_child=False), r"aggravating\.0",
                     id="aggravation-without-condition"),
        pytest.param("ma-law-27-14", lambda d: d["aggravating"][1].update(when_means_any=["charm"]),
                     r"unknown means codes", id="aggravation-unknown-means"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"]["adult_labour"]["indicators"][0].update(weight="X"),
                     r"indicator_sets\.adult_labour\.indicators\.0\.weight", id="bad-weight"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"]["adult_labour"]["indicators"][0].update(code="D7.x"),
                     r"D1-D6", id="bad-indicator-code"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"]["adult_sexual"].update(
            indicators=d["indicator_sets"]["adult_labour"]["indicators"]), r"never borrow", id="borrowed-weights"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"]["child_labour"].update(indicators=[]),
                     r"needs indicators", id="available-set-empty"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"]["child_labour"]["indicators"].append(
            d["indicator_sets"]["child_labour"]["indicators"][0]), r"listed twice", id="duplicate-indicator"),
        pytest.param("ilo-ec-2009", lambda d: d["indicator_sets"].pop("child_sexual"), r"indicator_sets",
                     id="missing-set"),
        pytest.param("ilo-ec-2009", lambda d: d["dimensions"].pop(), r"dimensions", id="five-dimensions"),
        pytest.param("ilo-ec-2009", lambda d: d["combination_variants"].append(d["combination_variants"][0]),
                     r"an id is listed twice", id="duplicate-variant"),
        pytest.param("ilo-ec-2009", lambda d: d["default_variants"].update(child="ILO_COMBINE_ADULT_V1"),
                     r"default_variants\.child", id="default-of-wrong-age-group"),
        pytest.param("ilo-ec-2009", lambda d: d["default_variants"].update(adult="NOPE"),
                     r"default_variants\.adult", id="default-unknown"),
        pytest.param("ilo-ec-2009", lambda d: d.update(kind="magic"), r"kind|tag", id="bad-kind"),
    ],
)
def test_a_broken_rule_file_fails_loudly_naming_file_and_field(ruleset_id: str, edit: object, field: str) -> None:
    with pytest.raises(RuleSetError, match=rf"^rulesets/{ruleset_id}\.yaml: .*{field}"):
        parse_ruleset(broken(ruleset_id, edit), origin=f"rulesets/{ruleset_id}.yaml")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(RuleSetError, match=r"^x\.yaml: not valid YAML"):
        parse_ruleset("id: [unclosed", origin="x.yaml")
    with pytest.raises(RuleSetError, match=r"^x\.yaml: the file must hold a mapping, not list"):
        parse_ruleset("- 1\n- 2\n", origin="x.yaml")


def test_file_id_must_match_its_name() -> None:
    with pytest.raises(RuleSetError, match=r"id: 'palermo-2000' does not match the file name \('eu-2011-36'\)"):
        parse_ruleset(text_of("palermo-2000"), origin="rulesets/eu-2011-36.yaml", expected_id="eu-2011-36")


def test_a_rule_file_missing_from_the_package_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    load_ruleset.cache_clear()
    monkeypatch.setattr(rulesets_module, "_DIRECTORY", "no-such-directory")
    try:
        with pytest.raises(RuleSetError, match=r"no-such-directory/palermo-2000\.yaml: rule-set file missing"):
            load_ruleset("palermo-2000")
    finally:
        monkeypatch.undo()
        load_ruleset.cache_clear()
    assert load_ruleset("palermo-2000").id == "palermo-2000"
