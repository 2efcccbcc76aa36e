"""Screening services and selectors: audited writes, encrypted observations, append-only results that
survive a rule-set version change, scoping (404 for other organisations), the case summary, the demo seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from jisr.audit.models import AuditEvent
from jisr.cases.services import case_close
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.identification import engine
from jisr.identification.engine import api as engine_api
from jisr.identification.models import ImmutableRowError, Screening, ScreeningResult
from jisr.identification.selectors import (
    latest_screening_summary,
    screening_get_for_user,
    screenings_visible_to,
)
from jisr.identification.services import (
    default_rulesets,
    screening_observation,
    screening_record,
    screening_reevaluate,
)

OBS: dict[str, Any] = {
    "date_of_birth": "2001-04-09", "act_date": "2019-02-01",  # 17 at the act: a child
    "acts": ["harbouring"], "means": [], "purposes": ["begging"], "will_overridden": True,
    "indicators": ["D3.difficult_family", "D3.economic", "D3.lack_information", "D4.excessive_hours",
                   "D4.no_education"],
}
MA_FRAMES = ["palermo-2000", "ma-law-27-14", "ilo-ec-2009"]


def _record(cast: Any, case: Any, **kwargs: Any) -> Screening:
    return screening_record(actor=cast.ma_case_worker, case=case, observation=kwargs.get("observation", OBS),
                            rulesets=kwargs.get("rulesets", MA_FRAMES))


def test_record_stores_results_encrypts_observation_and_audits(cast: Any, fatima_case: Any) -> None:
    screening = _record(cast, fatima_case)
    rows = list(screening.results.order_by("created_at"))
    assert [r.ruleset for r in rows] == MA_FRAMES
    assert {r.run for r in rows} == {1}
    outcomes = {r.ruleset: r.outcome for r in rows}
    assert outcomes == {"palermo-2000": "NEEDS_LEGAL_REVIEW", "ma-law-27-14": "INDICATED", "ilo-ec-2009": "INDICATED"}
    for row in rows:
        assert row.engine_version == engine.ENGINE_VERSION
        assert row.ruleset_version == row.output["ruleset_version"]
        assert row.output == engine.evaluate(row.ruleset, OBS)  # the full output document
    # The observation (with its date of birth) is ciphertext in the database, readable through the key.
    raw = bytes(Screening.objects.get(pk=screening.pk).observation)
    assert b"2001-04-09" not in raw and b"harbouring" not in raw
    assert screening_observation(screening)["date_of_birth"] == "2001-04-09"
    event = AuditEvent.objects.filter(action="screening.record").get()
    assert event.actor == cast.ma_case_worker
    assert event.target_id == str(fatima_case.pk)
    assert event.details == {"screening": str(screening.pk), "outcomes": outcomes}
    assert "2001" not in str(event.details)  # no personal data in the audit row


def test_rulesets_are_kept_in_engine_order_and_unknown_refused(cast: Any, fatima_case: Any) -> None:
    screening = _record(cast, fatima_case, rulesets=["ilo-ec-2009", "palermo-2000", "palermo-2000"])
    assert screening.rulesets == ["palermo-2000", "ilo-ec-2009"]
    spanish = _record(cast, fatima_case, rulesets=["ilo-ec-2009", "es-cp-177bis"])
    assert spanish.rulesets == ["es-cp-177bis", "ilo-ec-2009"]
    with pytest.raises(engine.UnknownRuleSetError):
        _record(cast, fatima_case, rulesets=["palermo-1900"])
    with pytest.raises(ValueError, match="at least one"):
        _record(cast, fatima_case, rulesets=[])
    with pytest.raises(engine.ObservationError) as info:
        _record(cast, fatima_case, observation={"acts": ["teleportation"]})
    assert info.value.field == "acts[0]"
    assert Screening.objects.count() == 2


def test_default_frames_follow_the_country() -> None:
    assert default_rulesets("MA") == ["palermo-2000", "ma-law-27-14", "ilo-ec-2009"]
    assert default_rulesets("ES") == ["palermo-2000", "es-cp-177bis", "eu-2011-36-2024", "ilo-ec-2009"]


def test_only_writers_of_the_organisation_may_record(cast: Any, fatima_case: Any) -> None:
    for actor in (cast.ma_coordinator, cast.ma_analyst, cast.es_case_worker, cast.outsider):
        with pytest.raises(PermissionDeniedError):
            screening_record(actor=actor, case=fatima_case, observation=OBS, rulesets=MA_FRAMES)
    assert not Screening.objects.exists()
    assert not AuditEvent.objects.filter(action="screening.record").exists()


def test_closed_case_cannot_be_screened(cast: Any, fatima_case: Any) -> None:
    case_close(actor=cast.ma_supervisor, case=fatima_case, reason="lost_contact")
    with pytest.raises(StateError):
        _record(cast, fatima_case)


def test_results_survive_a_rule_set_version_change(cast: Any, fatima_case: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    screening = _record(cast, fatima_case)
    before = {r.pk: (r.ruleset_version, r.outcome, r.output, r.engine_version) for r in screening.results.all()}

    original = engine_api.load_ruleset

    def bumped(ruleset_id: str) -> Any:
        ruleset = original(ruleset_id)
        return ruleset.model_copy(update={"version": "1.1.0"}) if ruleset_id == "ma-law-27-14" else ruleset

    monkeypatch.setattr(engine_api, "load_ruleset", bumped)
    new_rows = screening_reevaluate(actor=cast.ma_supervisor, screening=screening)

    # Old rows unchanged, new rows added with the new version.
    after = {r.pk: (r.ruleset_version, r.outcome, r.output, r.engine_version)
             for r in ScreeningResult.objects.filter(pk__in=before)}
    assert after == before
    assert ScreeningResult.objects.filter(screening=screening).count() == 2 * len(MA_FRAMES)
    assert {r.run for r in new_rows} == {2}
    bumped_row = next(r for r in new_rows if r.ruleset == "ma-law-27-14")
    assert bumped_row.ruleset_version == "1.1.0" == bumped_row.output["ruleset_version"]
    old_row = ScreeningResult.objects.get(screening=screening, run=1, ruleset="ma-law-27-14")
    assert old_row.ruleset_version == "1.0.0" == old_row.output["ruleset_version"]
    assert [r.run for r in screening.latest_results] == [2, 2, 2]
    event = AuditEvent.objects.filter(action="screening.reevaluate").get()
    assert event.actor == cast.ma_supervisor
    assert event.details["run"] == 2 and event.details["screening"] == str(screening.pk)


def test_results_are_append_only(cast: Any, fatima_case: Any) -> None:
    row = _record(cast, fatima_case).results.first()
    assert row is not None
    row.outcome = "NOT_INDICATED"
    with pytest.raises(ImmutableRowError):
        row.save()
    with pytest.raises(ImmutableRowError):
        row.delete()
    with pytest.raises(ImmutableRowError):
        ScreeningResult.objects.filter(pk=row.pk).update(outcome="NOT_INDICATED")
    with pytest.raises(ImmutableRowError):
        ScreeningResult.objects.filter(pk=row.pk).delete()
    assert ScreeningResult.objects.get(pk=row.pk).outcome != "NOT_INDICATED"


def test_reevaluate_refused_to_readers(cast: Any, fatima_case: Any) -> None:
    screening = _record(cast, fatima_case)
    with pytest.raises(PermissionDeniedError):
        screening_reevaluate(actor=cast.ma_coordinator, screening=screening)
    assert ScreeningResult.objects.count() == len(MA_FRAMES)


def test_selectors_scope_and_404(cast: Any, fatima_case: Any) -> None:
    screening = _record(cast, fatima_case)
    for user in (cast.ma_case_worker, cast.ma_supervisor, cast.ma_coordinator):
        assert screening_get_for_user(user, screening.pk) == screening
        assert list(screenings_visible_to(user)) == [screening]
    for user in (cast.es_case_worker, cast.es_supervisor, cast.ma_case_worker_2, cast.ma_analyst, cast.outsider):
        with pytest.raises(Http404):
            screening_get_for_user(user, screening.pk)
        assert not screenings_visible_to(user).exists()
    with pytest.raises(Http404):
        screening_get_for_user(cast.ma_case_worker, "not-a-uuid")
    read = AuditEvent.objects.filter(action="case.view", details__screening=str(screening.pk))
    assert read.count() == 3  # each allowed read is audited


def test_latest_screening_summary(cast: Any, fatima_case: Any) -> None:
    assert latest_screening_summary(fatima_case) is None
    first = _record(cast, fatima_case)
    second = _record(cast, fatima_case, observation={"age_at_act": 30, "acts": ["recruitment"], "means": [],
                                                     "purposes": ["forced_labour"]}, rulesets=["palermo-2000"])
    summary = latest_screening_summary(fatima_case)
    assert summary is not None
    assert summary.latest == second
    assert [r.outcome for r in summary.results] == ["NOT_INDICATED"]
    assert summary.history == [second, first] and summary.count == 2


def test_seed_identification_demo(cast: Any, fatima_case: Any) -> None:
    from jisr.identification.demo import seed_identification_demo

    screening = seed_identification_demo(cast.ma)
    assert screening is not None and screening.case == fatima_case
    assert screening.rulesets == MA_FRAMES
    assert {r.outcome for r in screening.results.all()} == {"INDICATED"}
    assert seed_identification_demo(cast.ma) is None  # idempotent
    assert seed_identification_demo(cast.es) is None  # no open case there
