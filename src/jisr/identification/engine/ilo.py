"""Evaluation against the ILO/EC 2009 operational indicators (WCMS_105023; identification.md §2).

* Profile: the observation's ``profile``, else derived: ``child_*`` when the person was a child at the
  act (or presumed one), ``adult_*`` when an adult; ``*_sexual`` when every recorded purpose is a
  sexual-exploitation one, ``*_labour`` otherwise. Unknown age → ``INSUFFICIENT_INFORMATION``
  (``missing: ["profile"]``).
* A set without data (the two sexual-exploitation sets today) answers ``RULESET_NOT_AVAILABLE``; the
  engine never borrows another set's weights.
* Each distinct indicator code counts once; a code outside the profile's set is ignored with a warning
  naming it. Counts are per dimension and never pooled across dimensions.
* Dimension rule (:func:`dimension_positive`), then a combination variant: ``ILO_COMBINE_ADULT_V1``
  (adults, default), ``ILO_CHILD_V1_recruitment_and_exploitation`` (children, default) or
  ``ILO_CHILD_V2_act_and_exploitation``. The variants and weights are tagged [C] in identification.md
  and shipped ``verified: false``; results say so in ``warnings``.
"""

from __future__ import annotations

from .age import assess_age
from .codes import ADULT_AGE, DIMENSION_IDS, SEXUAL_PURPOSES, Outcome
from .observation import Observation
from .result import DimensionResult, Message, Result, Unverified, message
from .schema import CombinationVariant, IloRuleSet


class VariantError(ValueError):
    """An unknown combination-variant id, or a variant for the wrong age group."""


def dimension_positive(strong: int, medium: int, weak: int) -> bool:
    """Whether one dimension is positive, from the counts of its distinct observed indicators.

    ILO/EC 2009 (identification.md §2.2 [B]): (a) two strong; (b) one strong plus one medium or weak;
    (c) three medium; (d) two medium plus one weak. One strong alone, two medium alone, or weak
    indicators alone are not enough.
    """
    return strong >= 2 or (strong >= 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


def resolve_variant(ruleset: IloRuleSet, variant_id: str | None, age_group: str) -> CombinationVariant:
    """The combination variant to use for ``age_group`` ("adult" or "child"): ``variant_id`` or the default.

    Raises :class:`VariantError` for an unknown id or a variant meant for the other age group.
    """
    chosen = variant_id or getattr(ruleset.default_variants, age_group)
    variant = ruleset.variant(chosen)
    if variant is None:
        known = ", ".join(v.id for v in ruleset.combination_variants if v.applies_to == age_group)
        raise VariantError(f"unknown {age_group} combination variant {chosen!r} (known: {known})")
    if variant.applies_to != age_group:
        raise VariantError(f"{chosen!r} applies to {variant.applies_to} profiles, not to {age_group} ones")
    return variant


def evaluate_ilo(
    ruleset: IloRuleSet,
    obs: Observation,
    *,
    adult_variant: str | None = None,
    child_variant: str | None = None,
) -> Result:
    """Evaluate ``obs`` against the ILO/EC indicators; returns the output document.

    Raises :class:`VariantError` for a bad ``adult_variant`` / ``child_variant``.
    """
    variants = {
        "adult": resolve_variant(ruleset, adult_variant, "adult"),
        "child": resolve_variant(ruleset, child_variant, "child"),
    }
    age = assess_age(obs, ADULT_AGE)
    # With the profile given, an unknown age decides nothing here: do not warn about it.
    warnings = [w for w in age.warnings if obs.profile is None or w["code"] != "age_unknown"]
    notes: list[Message] = []

    profile = obs.profile
    if profile is None:
        if age.child is None:
            return _result(
                ruleset, Outcome.INSUFFICIENT_INFORMATION, False, False, {}, ["profile"], warnings, notes
            )
        purposes = obs.purposes or ()
        kind = "sexual" if purposes and set(purposes) <= SEXUAL_PURPOSES else "labour"
        profile = f"{'child' if age.child else 'adult'}_{kind}"
        notes.append(
            message(
                "profile_derived",
                f"Indicator set {profile} chosen from the age at the act and the recorded purposes.",
                items=[profile],
            )
        )
    elif age.child is not None and age.child != profile.startswith("child_"):
        warnings.append(
            message(
                "profile_age_mismatch",
                f"The profile {profile} does not match the age at the time of the act; the profile was used.",
                items=[profile],
            )
        )
    child = profile.startswith("child_")
    presumed = age.presumed and child
    indicator_set = ruleset.indicator_sets[profile]

    if not indicator_set.available:
        warnings.append(
            message(
                "indicator_set_not_available",
                f"The {profile} indicator set has no verified weights: {indicator_set.note or ''}".strip(),
                source=indicator_set.source.cite(),
                items=[profile],
            )
        )
        return _result(ruleset, Outcome.RULESET_NOT_AVAILABLE, child, presumed, {}, [], warnings, notes)
    if obs.indicators is None:
        return _result(
            ruleset, Outcome.INSUFFICIENT_INFORMATION, child, presumed, {}, ["indicators"], warnings, notes
        )

    weights = indicator_set.weights()
    counted = [code for code in obs.indicators if code in weights]
    ignored = [code for code in obs.indicators if code not in weights]
    if ignored:
        warnings.append(
            message(
                "indicators_ignored",
                f"Indicator codes not in the {profile} set were ignored.",
                items=ignored,
            )
        )
    unverified = Unverified()
    dimensions: dict[str, DimensionResult] = {}
    for dimension in DIMENSION_IDS:
        in_dimension = [weights[code] for code in counted if weights[code].dimension == dimension]
        strong = sum(1 for indicator in in_dimension if indicator.weight == "S")
        medium = sum(1 for indicator in in_dimension if indicator.weight == "M")
        weak = sum(1 for indicator in in_dimension if indicator.weight == "W")
        positive = dimension_positive(strong, medium, weak)
        dimensions[dimension] = {"positive": positive, "strong": strong, "medium": medium, "weak": weak}
        for indicator in in_dimension:
            unverified.use(indicator.code, indicator.verified)
            if indicator.note:
                warnings.append(message("indicator_weight_disputed", indicator.note, items=[indicator.code]))
        if positive:
            name = next(d.name for d in ruleset.dimensions if d.id == dimension)
            notes.append(
                message(
                    "dimension_positive",
                    f"{dimension} ({name}) is positive: {strong} strong, {medium} medium, {weak} weak.",
                    source=ruleset.dimension_rule.source.cite(),
                    items=[indicator.code for indicator in in_dimension],
                )
            )

    variant = variants["child" if child else "adult"]
    failed = [group for group in variant.groups if not any(dimensions[d]["positive"] for d in group)]
    act: bool | None = True
    if variant.requires_act:
        act = None if obs.acts is None else bool(obs.acts)
    missing = ["|".join(group) for group in failed]
    if act is not True:
        missing.append("act")
    if failed or act is False:
        outcome = Outcome.NOT_INDICATED
    elif act is None:
        outcome = Outcome.INSUFFICIENT_INFORMATION
    else:
        outcome = Outcome.INDICATED
    notes.append(
        message("combination_rule", variant.text, source=variant.source.cite(), items=[variant.id])
    )
    if dimensions["D4"]["positive"] and failed:
        phases = sorted(
            {d.phase for d in ruleset.dimensions if any(d.id in group for group in failed)},
            key=["recruitment", "exploitation", "destination"].index,
        )
        notes.append(
            message(
                "exploitation_without_trafficking_dimensions",
                f"Exploitative conditions without a positive {' or '.join(phases)} dimension.",
                items=missing,
            )
        )
    if not variant.verified:
        warnings.append(
            message(
                "unverified_combination_rule",
                f"The combination rule {variant.id} is a reconstructed reading, "
                "not yet checked against the source.",
                source=variant.source.cite(),
                items=[variant.id],
            )
        )
    warnings.extend(
        unverified.warning(
            "unverified_weights",
            "These indicator weights come from a single reproduction, not yet verified against the source.",
        )
    )
    return _result(ruleset, outcome, child, presumed, dimensions, missing, warnings, notes)


def _result(
    ruleset: IloRuleSet,
    outcome: Outcome,
    child: bool,
    presumed: bool,
    dimensions: dict[str, DimensionResult],
    missing: list[str],
    warnings: list[Message],
    notes: list[Message],
) -> Result:
    return {
        "outcome": outcome.value,
        "ruleset": ruleset.id,
        "ruleset_version": ruleset.version,
        "child": child,
        "presumption_of_minority_applied": presumed,
        "elements": {},
        "dimensions": dimensions,
        "missing": missing,
        "warnings": warnings,
        "notes": notes,
    }
