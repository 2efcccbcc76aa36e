"""Evaluation of an observation against a legal frame (Palermo art. 3 and its descendants).

Decision rule (identification.md §1.3, applied with each frame's own lists):

* act, means and purpose are each ``true`` (a code the frame recognises was recorded), ``false`` (the
  list was recorded and is empty) or ``null`` (not recorded, or only codes the frame does not name);
* child (under 18 at the act, or presumed): act + purpose is enough, means are not required
  (Palermo art. 3(c); MA 448-1; ES 177 bis.2; EU art. 2(5));
* adult: act + means + purpose;
* Morocco 448-1: exploitation counts only where it overrode the person's will (``will_overridden``),
  even if she was paid; the purpose element holds only with it;
* outcome: all required elements true → ``INDICATED``; any required element false → ``NOT_INDICATED``;
  else, if a required element rests on codes the frame does not enumerate (a purpose outside its list,
  an act or means it does not name) → ``NEEDS_LEGAL_REVIEW`` (never a silent negative); else
  ``INSUFFICIENT_INFORMATION``;
* consent is irrelevant once a means is established or for a child (Palermo art. 3(b)-(c)): noted;
* aggravating circumstances of the frame are noted when the outcome is ``INDICATED`` or
  ``NEEDS_LEGAL_REVIEW``; they never change the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .age import assess_age
from .codes import Outcome
from .observation import Observation
from .result import Message, Result, Unverified, message
from .schema import Item, LegalRuleSet, Rule

_Cite = Callable[[Rule | Item, str], str]


@dataclass(frozen=True, slots=True)
class _Element:
    value: bool | None
    recognised: tuple[str, ...]
    unrecognised: tuple[str, ...]

    @property
    def needs_review(self) -> bool:
        return self.value is None and bool(self.unrecognised)


def _element(codes: tuple[str, ...] | None, items: Iterable[Item]) -> _Element:
    if codes is None:
        return _Element(None, (), ())
    known = {item.code for item in items}
    recognised = tuple(code for code in codes if code in known)
    unrecognised = tuple(code for code in codes if code not in known)
    if recognised:
        return _Element(True, recognised, unrecognised)
    return _Element(None if unrecognised else False, (), unrecognised)


def _and(*values: bool | None) -> bool | None:
    """Three-valued (Kleene) conjunction: false wins, then unknown."""
    if False in values:
        return False
    return None if None in values else True


def evaluate_legal(ruleset: LegalRuleSet, obs: Observation) -> Result:
    """Evaluate ``obs`` against the legal frame ``ruleset``; returns the output document."""
    notes: list[Message] = []
    unverified = Unverified()
    rules = ruleset.rules

    def cite(rule: Rule | Item, label: str) -> str:
        unverified.use(label, rule.verified)
        return rule.source.cite()

    age = assess_age(obs, ruleset.child_age)
    warnings = list(age.warnings)
    child = age.child
    if child:
        cite(rules.child_definition, "rule:child_definition")

    act = _element(obs.acts, ruleset.acts)
    means = _element(obs.means, ruleset.means)
    purpose = _element(obs.purposes, ruleset.purposes.items)
    for kind, element, items in (
        ("act", act, ruleset.acts),
        ("means", means, ruleset.means),
        ("purpose", purpose, ruleset.purposes.items),
    ):
        by_code = {item.code: item for item in items}
        for code in element.recognised:
            unverified.use(f"{kind}:{code}", by_code[code].verified)

    # Morocco 448-1: the qualifier is part of the exploitation (purpose) element.
    purpose_value = purpose.value
    if ruleset.qualifier is not None:
        purpose_value = _and(purpose.value, obs.will_overridden)
        if obs.will_overridden:
            notes.append(
                message(
                    "will_overridden",
                    "The exploitation overrode the person's will and left the person unable to change "
                    "the situation; payment or compensation received does not negate this.",
                    source=cite(ruleset.qualifier, "rule:qualifier"),
                )
            )

    # Means are required unless the person is a child. With the age unknown, an established means
    # satisfies the element either way, but an absent one proves nothing (she may have been a child).
    means_required = not child
    means_requirement: bool | None
    if child or means.value is True:
        means_requirement = True
    elif child is None:
        means_requirement = None
    else:
        means_requirement = means.value

    decisive = _and(act.value, means_requirement, purpose_value)
    review = act.needs_review or purpose.needs_review or (means_required and means.needs_review)
    if decisive is True:
        outcome = Outcome.INDICATED
    elif decisive is False:
        outcome = Outcome.NOT_INDICATED
    elif review:
        outcome = Outcome.NEEDS_LEGAL_REVIEW
    else:
        outcome = Outcome.INSUFFICIENT_INFORMATION

    missing: list[str] = []
    if act.value is not True:
        missing.append("act")
    if means_required and means.value is not True:
        missing.append("means")
    if purpose.value is not True:
        missing.append("purpose")
    if ruleset.qualifier is not None and obs.will_overridden is not True:
        missing.append("will_overridden")

    if child:
        notes.append(
            message(
                "child_rule",
                "The person was a child at the time of the act"
                + (f" (age {age.age})" if age.age is not None and not age.presumed else "")
                + ": act and purpose are enough, no means has to be shown.",
                source=cite(rules.child_rule, "rule:child_rule"),
            )
        )
    if age.presumed:
        notes.append(
            message(
                "presumption_of_minority",
                "Age is uncertain and there are reasons to believe the person was under 18: "
                "she is presumed a child for assistance purposes.",
                source=cite(rules.presumption_of_minority, "rule:presumption_of_minority"),
            )
        )
    if child or means.value is True:
        reason = "the person is a child (Palermo art. 3(b)-(c))"
        if not child:
            reason = "a means was used (Palermo art. 3(b))"
        recorded = "The consent recorded" if obs.consent else "Any consent"
        notes.append(
            message(
                "consent_irrelevant",
                f"Consent is irrelevant because {reason}. {recorded} "
                "to the intended exploitation does not change the indication.",
                source=cite(rules.consent_irrelevant, "rule:consent_irrelevant"),
            )
        )
    if child is False and means.value is False and purpose.value is True:
        notes.append(
            message(
                "possible_other_offences",
                "Possible exploitation without trafficking means: consider labour or other offences "
                "and keep assessing whether a means was used.",
            )
        )
    if act.value is False:
        notes.append(
            message(
                "check_acts",
                "No act was recorded: check whether the person was recruited, transported, transferred, "
                "harboured or received (harbouring and receipt are often overlooked).",
                items=sorted(item.code for item in ruleset.acts),
            )
        )
    if obs.exploitation_occurred is False and purpose.value is True:
        notes.append(
            message(
                "purpose_is_intent",
                "Exploitation need not have happened yet: the purpose element is the intent to exploit.",
                source=ruleset.purposes.rule.source.cite(),
            )
        )
    notes.extend(_review_notes(ruleset, act, means if means_required else None, purpose, cite))
    if outcome in (Outcome.INDICATED, Outcome.NEEDS_LEGAL_REVIEW):
        for aggravation in ruleset.aggravating:
            triggered = (aggravation.when_child and child) or bool(
                set(aggravation.when_means_any) & set(means.recognised)
            )
            if triggered:
                unverified.use(f"aggravation:{aggravation.id}", aggravation.verified)
                notes.append(
                    message(
                        "aggravating_circumstance",
                        aggravation.text,
                        source=aggravation.source.cite(),
                        items=[aggravation.id],
                    )
                )

    warnings.extend(
        unverified.warning(
            "unverified_sources",
            "This result relies on rules or items not yet verified against the primary legal text.",
        )
    )
    return {
        "outcome": outcome.value,
        "ruleset": ruleset.id,
        "ruleset_version": ruleset.version,
        "child": bool(child),
        "presumption_of_minority_applied": age.presumed,
        "elements": {"act": act.value, "means": means.value, "purpose": purpose_value},
        "dimensions": {},
        "missing": missing,
        "warnings": warnings,
        "notes": notes,
    }


def _review_notes(
    ruleset: LegalRuleSet,
    act: _Element,
    means: _Element | None,
    purpose: _Element,
    cite: _Cite,
) -> list[Message]:
    notes: list[Message] = []
    if purpose.unrecognised:
        rule = ruleset.purposes.rule
        if ruleset.purposes.kind == "open":
            text = (
                "Purpose not enumerated in this frame, whose list is a minimum: "
                "it may still be exploitation. Legal review needed."
            )
        else:
            text = (
                "Purpose not in this frame's closed list: it may fall under another offence. "
                "Legal review needed."
            )
        notes.append(
            message(
                "purpose_not_enumerated",
                text,
                source=cite(rule, "rule:purposes"),
                items=list(purpose.unrecognised),
            )
        )
    for kind, element in (("act", act), ("means", means)):
        if element is not None and element.unrecognised:
            notes.append(
                message(
                    f"{kind}_not_enumerated",
                    f"{kind.capitalize()} recorded that this frame does not name: "
                    "whether it is covered needs legal review.",
                    source=ruleset.document.cite(),
                    items=list(element.unrecognised),
                )
            )
    return notes
