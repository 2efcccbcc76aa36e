"""Jisr identification engine: explainable trafficking screening against versioned rule sets.

Pure Python (no Django). Given what a case worker observed (the input document of
``shared/reference/identification-interface.md``), it says per legal frame whether the elements of
trafficking are indicated, which elements hold, what drove them and what is missing. A result is an
indication for assistance and referral, never a legal determination.

Public API::

    evaluate(ruleset_id, observation, *, adult_variant=None, child_variant=None) -> Result
    evaluate_all(observation, *, adult_variant=None, child_variant=None) -> dict[str, Result]
    available_rulesets() -> list[str]
    load_ruleset(ruleset_id) -> LegalRuleSet | IloRuleSet;  load_all_rulesets() -> dict[...]
    dimension_positive(strong, medium, weak) -> bool
    Observation.from_dict(data) -> Observation
    ENGINE_VERSION

Errors (all ``ValueError``): ObservationError (``.field``), UnknownRuleSetError, VariantError, RuleSetError.
"""

from __future__ import annotations

from typing import Final

from .api import available_rulesets, evaluate, evaluate_all
from .codes import Outcome
from .ilo import VariantError, dimension_positive
from .observation import Observation, ObservationError
from .result import DimensionResult, Message, Result
from .rulesets import RuleSetError, UnknownRuleSetError, load_all_rulesets, load_ruleset, parse_ruleset
from .schema import IloRuleSet, LegalRuleSet

#: Version of the engine's code (the rule sets carry their own). Bump on any change of behaviour;
#: a stored result keeps both versions.
ENGINE_VERSION: Final = "1.0.0"

__all__ = [
    "ENGINE_VERSION",
    "DimensionResult",
    "IloRuleSet",
    "LegalRuleSet",
    "Message",
    "Observation",
    "ObservationError",
    "Outcome",
    "Result",
    "RuleSetError",
    "UnknownRuleSetError",
    "VariantError",
    "available_rulesets",
    "dimension_positive",
    "evaluate",
    "evaluate_all",
    "load_all_rulesets",
    "load_ruleset",
    "parse_ruleset",
]
