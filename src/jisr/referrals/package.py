"""The data package of a referral: per category, HTCDS 2.0 field → value, built from the sender's case.

Field names come from `jisr.statistics.core.htcds.FIELDS` (the HTCDS 2.0 field standard). Where HTCDS
has no field for what a referral must carry, Jisr uses an extension name prefixed `jisr_` (listed in
`EXTENSIONS`). Only the categories the sender picked are built; nothing else is ever read for the
package. Free text that may name places (the safety plan) is included only in the risk category.
"""

from __future__ import annotations

from typing import Any

from jisr.cases.models import Case
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.services import unseal
from jisr.referrals.models import Category
from jisr.statistics.core.htcds import FIELDS
from jisr.survivors.services import person_identity

# Category → the fields it may carry, in display order.
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    Category.IDENTITY: ("prs_FirstName", "prs_SecondName", "jisr_FirstNameLatin", "jisr_SecondNameLatin",
                        "prs_Birthdate", "jisr_EstimatedAge", "prs_Gender", "prs_Citizenship",
                        "prs_PrimaryLanguage", "prs_SecondaryLanguage", "jisr_PersonCode"),
    Category.CONTACT: ("prs_MobilePhone",),
    Category.SCREENING: ("vic_TraffickingStatus", "vic_TypeOfExploitation", "jisr_ScreeningResults"),
    Category.CARE_PLAN: ("jisr_TrmStage", "jisr_Needs", "jisr_Goals", "jisr_Services"),
    Category.RISK: ("jisr_RiskLevel", "jisr_RiskReasons", "jisr_RiskAssessedOn", "jisr_SafetyPlan"),
    Category.DOCUMENTS: ("prs_IdentityNumber",),
}
# Jisr extensions (HTCDS 2.0 has no such field): what each means.
EXTENSIONS = {
    "jisr_FirstNameLatin": "given name in Latin script (prs_FirstName holds the original script)",
    "jisr_SecondNameLatin": "family name in Latin script",
    "jisr_EstimatedAge": "{age, estimated_on} when no birth date is known",
    "jisr_PersonCode": "the sender's pseudonymous code (lets both sides speak of the same person)",
    "jisr_ScreeningResults": "[{ruleset, version, outcome}] of the newest screening (an indication, not a legal"
                             " determination)",
    "jisr_TrmStage": "TRM stage of the sender's case",
    "jisr_Needs": "[{domain, level}] newest need per domain",
    "jisr_Goals": "[{domain, status, target_on}] (goal wording stays with the sender)",
    "jisr_Services": "[{service_type, status}]",
    "jisr_RiskLevel": "newest risk level",
    "jisr_RiskReasons": "its reason codes",
    "jisr_RiskAssessedOn": "its date",
    "jisr_SafetyPlan": "safety plan text (sealed at rest on both sides)",
}
ALL_FIELDS = frozenset(f for fields in CATEGORY_FIELDS.values() for f in fields)
assert all(f in FIELDS or f in EXTENSIONS for f in ALL_FIELDS), "unknown HTCDS field in the referral package"

# Engine outcomes that make the person a *possible* victim for HTCDS vic_TraffickingStatus.
_INDICATED = {"INDICATED", "NEEDS_LEGAL_REVIEW"}


def _identity(case: Case) -> dict[str, Any]:
    person = case.person
    identity = person_identity(person)
    langs = list(person.languages or [])
    out: dict[str, Any] = {
        "prs_FirstName": identity.given_name,
        "prs_SecondName": identity.family_name,
        "jisr_FirstNameLatin": identity.given_name_latin,
        "jisr_SecondNameLatin": identity.family_name_latin,
        "prs_Birthdate": identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        "jisr_EstimatedAge": (
            {"age": person.estimated_age, "estimated_on": person.age_estimated_on.isoformat()}
            if person.estimated_age is not None and person.age_estimated_on else None
        ),
        "prs_Gender": person.sex,
        "prs_Citizenship": [str(person.nationality)] if person.nationality else [],
        "prs_PrimaryLanguage": langs[0] if langs else "",
        "prs_SecondaryLanguage": langs[1] if len(langs) > 1 else "",
        "jisr_PersonCode": person.code,
    }
    return out


def _contact(case: Case) -> dict[str, Any]:
    return {"prs_MobilePhone": person_identity(case.person).phone}


def _documents(case: Case) -> dict[str, Any]:
    docs = person_identity(case.person).documents
    return {"prs_IdentityNumber": [{"kind": d.kind, "number": d.number, "country": d.country} for d in docs]}


def _screening(case: Case) -> dict[str, Any]:
    from jisr.identification.selectors import latest_screening_summary

    summary = latest_screening_summary(case)
    results = [] if summary is None else [
        {"ruleset": r.ruleset, "version": r.ruleset_version, "outcome": r.outcome} for r in summary.results
    ]
    indicated = any(r["outcome"] in _INDICATED for r in results)
    return {
        "vic_TraffickingStatus": "PossibleVictimOfTrafficking" if indicated else "",
        "vic_TypeOfExploitation": sorted(case.exploitation_types or []),
        "jisr_ScreeningResults": results,
    }


def _care_plan(case: Case) -> dict[str, Any]:
    needs: dict[str, str] = {}
    for need in case.needs.order_by("assessed_on", "created_at"):
        needs[need.domain] = need.level
    return {
        "jisr_TrmStage": case.trm_stage,
        "jisr_Needs": [{"domain": d, "level": lv} for d, lv in sorted(needs.items())],
        "jisr_Goals": [
            {"domain": g.domain, "status": g.status, "target_on": g.target_on.isoformat() if g.target_on else ""}
            for g in case.goals.order_by("created_at")
        ],
        "jisr_Services": [{"service_type": s.service_type, "status": s.status}
                          for s in case.services.order_by("starts_on", "created_at")],
    }


def _risk(case: Case) -> dict[str, Any]:
    latest = case.risk_assessments.order_by("-assessed_on", "-created_at").first()
    if latest is None:
        return {"jisr_RiskLevel": case.risk_level, "jisr_RiskReasons": [], "jisr_RiskAssessedOn": "",
                "jisr_SafetyPlan": ""}
    try:
        plan = unseal(latest, "safety_plan", case.person.data_key) or ""
    except DecryptionError:
        plan = ""
    return {"jisr_RiskLevel": latest.level, "jisr_RiskReasons": list(latest.reasons or []),
            "jisr_RiskAssessedOn": latest.assessed_on.isoformat(), "jisr_SafetyPlan": plan}


_BUILDERS = {
    Category.IDENTITY: _identity,
    Category.CONTACT: _contact,
    Category.SCREENING: _screening,
    Category.CARE_PLAN: _care_plan,
    Category.RISK: _risk,
    Category.DOCUMENTS: _documents,
}


def build_package(case: Case, categories: list[str]) -> dict[str, dict[str, Any]]:
    """{category: {field: value}} for exactly `categories` (unknown names raise ValueError)."""
    package: dict[str, dict[str, Any]] = {}
    for category in categories:
        if category not in _BUILDERS:
            raise ValueError("unknown data category")
        values = _BUILDERS[Category(category)](case)
        assert set(values) <= set(CATEGORY_FIELDS[category])
        package[category] = values
    return package


def filter_package(package: dict[str, Any], categories: list[str]) -> dict[str, dict[str, Any]]:
    """`package` keeping only `categories` and, in each, only that category's fields: what arrives from
    a partner is filtered again against what the referral says was chosen."""
    out: dict[str, dict[str, Any]] = {}
    for category in categories:
        fields = CATEGORY_FIELDS.get(category)
        values = package.get(category)
        if fields is None or not isinstance(values, dict):
            continue
        out[category] = {k: v for k, v in values.items() if k in fields}
    return out
