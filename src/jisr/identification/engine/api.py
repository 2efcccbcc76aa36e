"""The public entry points: evaluate one frame, every frame, list the frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .codes import RULESET_IDS
from .ilo import VariantError, evaluate_ilo
from .legal import evaluate_legal
from .observation import Observation, coerce_observation
from .result import Result
from .rulesets import load_ruleset
from .schema import IloRuleSet


def available_rulesets() -> list[str]:
    """Ids of the rule sets this engine ships, in the interface document's order.

    ``["palermo-2000", "ilo-ec-2009", "ma-law-27-14", "es-cp-177bis", "eu-2011-36", "eu-2011-36-2024"]``.
    """
    return list(RULESET_IDS)


def evaluate(
    ruleset_id: str,
    observation: Mapping[str, Any] | Observation,
    *,
    adult_variant: str | None = None,
    child_variant: str | None = None,
) -> Result:
    """Evaluate one observation against one rule set and return the output document (:mod:`.result`).

    ``observation`` is the input document (a decoded JSON object) or an :class:`Observation`.
    ``adult_variant`` / ``child_variant`` choose an ILO/EC combination variant (``ilo-ec-2009`` only;
    defaults ``ILO_COMBINE_ADULT_V1`` and ``ILO_CHILD_V1_recruitment_and_exploitation``).

    Raises :class:`ObservationError` (bad input, naming the field), :class:`UnknownRuleSetError`
    (unknown id), :class:`VariantError` (unknown variant, or a variant given for a legal frame),
    :class:`RuleSetError` (a shipped rule file is broken). All are ``ValueError``.

    The result is an indication for assistance and referral, never a legal determination.
    """
    obs = coerce_observation(observation)
    ruleset = load_ruleset(ruleset_id)
    if isinstance(ruleset, IloRuleSet):
        return evaluate_ilo(ruleset, obs, adult_variant=adult_variant, child_variant=child_variant)
    if adult_variant is not None or child_variant is not None:
        raise VariantError(f"combination variants apply to the ILO/EC indicators only, not to {ruleset_id}")
    return evaluate_legal(ruleset, obs)


def evaluate_all(
    observation: Mapping[str, Any] | Observation,
    *,
    adult_variant: str | None = None,
    child_variant: str | None = None,
) -> dict[str, Result]:
    """Evaluate one observation against every rule set, side by side: ``{ruleset_id: output document}``.

    The observation is validated once; errors as for :func:`evaluate`.
    """
    obs = coerce_observation(observation)
    results: dict[str, Result] = {}
    for ruleset_id in RULESET_IDS:
        is_ilo = isinstance(load_ruleset(ruleset_id), IloRuleSet)
        results[ruleset_id] = evaluate(
            ruleset_id,
            obs,
            adult_variant=adult_variant if is_ilo else None,
            child_variant=child_variant if is_ilo else None,
        )
    return results
