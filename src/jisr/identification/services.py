"""Writes on screenings: record one, re-evaluate one. Keyword-only, atomic, audited in the same transaction.

Callers pass a case fetched through ``jisr.cases.selectors.case_get_for_user`` (authorise when you fetch);
these services check the role's write capability on top. The engine (``identification.engine``) is pure;
here its results are frozen into append-only rows with the engine and rule-set versions that made them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from jisr.accounts.models import User
from jisr.audit.services import audit_record
from jisr.cases.models import Case, CaseStatus
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.crypto.services import seal, unseal
from jisr.identification import engine
from jisr.identification.models import Screening, ScreeningResult

#: Frames applied by default, by the organisation's country (issue 3; identification.md §3.4).
DEFAULT_RULESETS: dict[str, tuple[str, ...]] = {
    "MA": ("palermo-2000", "ma-law-27-14", "ilo-ec-2009"),
    "ES": ("palermo-2000", "es-cp-177bis", "eu-2011-36-2024", "ilo-ec-2009"),
}
FALLBACK_RULESETS: tuple[str, ...] = ("palermo-2000", "ilo-ec-2009")


def default_rulesets(country_code: str) -> list[str]:
    """The frames a screening applies unless the case worker chooses others, for a country (ISO 3166)."""
    return list(DEFAULT_RULESETS.get(country_code.upper(), FALLBACK_RULESETS))


def _require_write(actor: User, case: Case) -> None:
    if not actor.capabilities.write_cases or actor.organisation != case.organisation:
        raise PermissionDeniedError("this role may not change cases")


def _clean_rulesets(rulesets: Iterable[str]) -> list[str]:
    chosen = set(rulesets)
    available = engine.available_rulesets()
    unknown = chosen - set(available)
    if unknown:
        raise engine.UnknownRuleSetError(sorted(unknown)[0])
    if not chosen:
        raise ValueError("choose at least one frame")
    # Legal frames first (they decide), the ILO/EC indicators last; otherwise engine order. Stable screens.
    return sorted(chosen, key=lambda rid: (rid == "ilo-ec-2009", available.index(rid)))


def _evaluate(screening: Screening, observation: engine.Observation, actor: User, run: int) -> list[ScreeningResult]:
    rows = []
    for ruleset_id in screening.rulesets:
        output = engine.evaluate(ruleset_id, observation)
        row = ScreeningResult(
            screening=screening,
            run=run,
            evaluated_by=actor,
            engine_version=engine.ENGINE_VERSION,
            ruleset=output["ruleset"],
            ruleset_version=output["ruleset_version"],
            outcome=output["outcome"],
            # A JSON round trip: the row stores exactly what the API and `jisr identify` would print.
            output=json.loads(json.dumps(output)),
        )
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def screening_record(
    *, actor: User, case: Case, observation: Mapping[str, Any] | engine.Observation, rulesets: Iterable[str]
) -> Screening:
    """Record a screening of ``case`` and evaluate it against ``rulesets`` (ids; legal frames, then ILO/EC).

    ``observation`` is the engine's input document (identification-interface.md). Stores it encrypted
    under the person's data key and one result row per rule set (run 1). Audited as ``screening.record``.
    Raises PermissionDeniedError (role), StateError (closed case, erased person), ObservationError /
    UnknownRuleSetError / ValueError (bad input; all ValueError).
    """
    _require_write(actor, case)
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")
    if case.person.is_erased:
        raise StateError("this person's identity was erased")
    obs = engine.Observation.from_dict(observation) if isinstance(observation, Mapping) else observation
    chosen = _clean_rulesets(rulesets)
    screening = Screening(case=case, organisation=case.organisation, recorded_by=actor, rulesets=chosen)
    seal(screening, "observation", json.dumps(obs.to_dict(), sort_keys=True), case.person.data_key)
    screening.save(force_insert=True)
    rows = _evaluate(screening, obs, actor, run=1)
    audit_record(
        actor=actor,
        action="screening.record",
        target=case,
        details={"screening": str(screening.pk), "outcomes": {r.ruleset: r.outcome for r in rows}},
    )
    return screening


def screening_observation(screening: Screening) -> dict[str, Any]:
    """The decrypted input document of ``screening`` (fetched through a scoped selector).

    Raises jisr.crypto.envelope.DecryptionError (DataKeyDestroyedError once the person was erased)."""
    text = unseal(screening, "observation", screening.case.person.data_key)
    return json.loads(text) if text else {}


@transaction.atomic
def screening_reevaluate(*, actor: User, screening: Screening) -> list[ScreeningResult]:
    """Evaluate ``screening``'s observation again with the rule sets shipped now; returns the new rows.

    Old rows are never touched: the new ones get the next run number and the current engine and rule-set
    versions. Audited as ``screening.reevaluate``. Raises PermissionDeniedError, StateError (closed case, as for
    a new screening: nothing new is recorded on a closed case; erased person).
    """
    case = screening.case
    _require_write(actor, case)
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")
    if case.person.is_erased:
        raise StateError("this person's identity was erased")
    # Lock the screening so two simultaneous re-evaluations cannot take the same run number.
    Screening.objects.select_for_update().filter(pk=screening.pk).first()
    obs = engine.Observation.from_dict(screening_observation(screening))
    run = (ScreeningResult.objects.filter(screening=screening).aggregate(n=Max("run"))["n"] or 0) + 1
    rows = _evaluate(screening, obs, actor, run=run)
    audit_record(
        actor=actor,
        action="screening.reevaluate",
        target=case,
        details={"screening": str(screening.pk), "run": run, "outcomes": {r.ruleset: r.outcome for r in rows}},
    )
    return rows
