"""Loading and validating the rule-set files shipped in ``jisr/identification/rulesets/``.

Files are found through :mod:`importlib.resources`, so they work from a source tree, an installed wheel
or a zip. Each file is read with ``yaml.safe_load`` and validated against :mod:`.schema`; any problem
raises :class:`RuleSetError` naming the file and the field. Call :func:`load_all_rulesets` at start-up
(the Django app does, in ``ready()``) so that a broken rule file stops the service instead of a screening.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from .codes import RULESET_IDS
from .schema import IloRuleSet, LegalRuleSet, RuleSet

_ADAPTER: TypeAdapter[LegalRuleSet | IloRuleSet] = TypeAdapter(RuleSet)
_PACKAGE = "jisr.identification"
_DIRECTORY = "rulesets"


class RuleSetError(ValueError):
    """A rule-set file that is missing, not YAML, or off-schema; the message names the file and the field."""


class UnknownRuleSetError(ValueError):
    """A rule-set id that the engine does not know (valid ids: :data:`~.codes.RULESET_IDS`)."""

    def __init__(self, ruleset_id: str) -> None:
        self.ruleset_id = ruleset_id
        super().__init__(f"unknown rule set {ruleset_id!r} (available: {', '.join(RULESET_IDS)})")


def parse_ruleset(text: str, *, origin: str, expected_id: str | None = None) -> LegalRuleSet | IloRuleSet:
    """Parse and validate the YAML ``text`` of one rule-set file.

    ``origin`` (a file name) is used in error messages; ``expected_id``, when given, must equal the
    file's ``id``. Raises :class:`RuleSetError` ("<origin>: <field path>: <problem>").
    """
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleSetError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleSetError(f"{origin}: the file must hold a mapping, not {type(data).__name__}")
    try:
        ruleset = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_field_path(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise RuleSetError(f"{origin}: {problems}") from exc
    if expected_id is not None and ruleset.id != expected_id:
        raise RuleSetError(f"{origin}: id: {ruleset.id!r} does not match the file name ({expected_id!r})")
    return ruleset


def _field_path(loc: tuple[int | str, ...]) -> str:
    # pydantic puts the union tag ("legal" / "ilo") first; the file's author wants the field path only.
    parts = loc[1:] if loc and loc[0] in ("legal", "ilo") else loc
    return ".".join(str(part) for part in parts) or "(file)"


@cache
def load_ruleset(ruleset_id: str) -> LegalRuleSet | IloRuleSet:
    """The validated rule set ``ruleset_id`` (cached). Raises UnknownRuleSetError or RuleSetError."""
    if ruleset_id not in RULESET_IDS:
        raise UnknownRuleSetError(ruleset_id)
    name = f"{ruleset_id}.yaml"
    resource = resources.files(_PACKAGE).joinpath(_DIRECTORY, name)
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuleSetError(f"{_DIRECTORY}/{name}: rule-set file missing from the package") from exc
    return parse_ruleset(text, origin=f"{_DIRECTORY}/{name}", expected_id=ruleset_id)


def load_all_rulesets() -> dict[str, LegalRuleSet | IloRuleSet]:
    """Every rule set, validated, by id (in :data:`~.codes.RULESET_IDS` order). Raises RuleSetError."""
    return {ruleset_id: load_ruleset(ruleset_id) for ruleset_id in RULESET_IDS}
