"""The shared vocabulary of the identification engine.

Fixed by ``shared/reference/identification-interface.md``: a rule set may add codes, it may not rename
these. Every rule-set file is checked against these sets when it is loaded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Outcome(StrEnum):
    """Outcome of one rule set for one observation (identification.md §0, rule 1)."""

    INDICATED = "INDICATED"
    NOT_INDICATED = "NOT_INDICATED"
    INSUFFICIENT_INFORMATION = "INSUFFICIENT_INFORMATION"
    NEEDS_LEGAL_REVIEW = "NEEDS_LEGAL_REVIEW"
    RULESET_NOT_AVAILABLE = "RULESET_NOT_AVAILABLE"


#: Rule-set ids, in the order of the interface document (also the order of ``evaluate_all``).
RULESET_IDS: Final[tuple[str, ...]] = (
    "palermo-2000",
    "ilo-ec-2009",
    "ma-law-27-14",
    "es-cp-177bis",
    "eu-2011-36",
    "eu-2011-36-2024",
)

ACT_CODES: Final[frozenset[str]] = frozenset(
    {
        "recruitment",
        "transportation",
        "transfer",
        "harbouring",
        "receipt",
        "exchange_of_control",
        "intermediary",
        "luring",
    }
)

MEANS_CODES: Final[frozenset[str]] = frozenset(
    {
        "threat_of_force",
        "use_of_force",
        "other_coercion",
        "abduction",
        "fraud",
        "deception",
        "abuse_of_power",
        "abuse_of_vulnerability",
        "payment_to_controller",
        "need_or_precariousness",
        "intimidation",
        "abuse_of_superiority",
    }
)

PURPOSE_CODES: Final[frozenset[str]] = frozenset(
    {
        "prostitution_of_others",
        "sexual_exploitation",
        "pornography",
        "forced_labour",
        "forced_services",
        "begging",
        "slavery",
        "practices_similar_to_slavery",
        "servitude",
        "organ_removal",
        "tissue_trafficking",
        "criminal_activities",
        "forced_marriage",
        "illegal_adoption",
        "surrogacy_exploitation",
        "medical_experimentation",
        "armed_conflict",
        "other",
    }
)

#: Purposes that make a derived ILO/EC profile a sexual-exploitation one (when they are the only purposes).
SEXUAL_PURPOSES: Final[frozenset[str]] = frozenset(
    {"prostitution_of_others", "sexual_exploitation", "pornography"}
)

PROFILES: Final[tuple[str, ...]] = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")

DIMENSION_IDS: Final[tuple[str, ...]] = ("D1", "D2", "D3", "D4", "D5", "D6")

#: Age from which a person is an adult (Palermo art. 3(d): a child is anyone under 18).
ADULT_AGE: Final[int] = 18
