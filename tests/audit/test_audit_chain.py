"""The audit chain: append-only, hash-chained per organisation, verified by `jisr audit_verify`."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jisr.audit.chain import canonical_json, event_hash
from jisr.audit.models import AuditEvent
from jisr.audit.services import audit_record
from jisr.audit.verify import verify_chains


def test_canonical_json_is_stable_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": 1.5})
    assert event_hash("0" * 64, {"a": 1}) != event_hash("1" * 64, {"a": 1})


def test_chains_are_per_organisation(cast, fatima_case) -> None:
    audit_record(actor=cast.es_case_worker, action="test.es")
    ma = AuditEvent.objects.filter(organisation=cast.ma).order_by("seq")
    es = AuditEvent.objects.filter(organisation=cast.es)
    assert [e.seq for e in ma] == list(range(1, ma.count() + 1))
    assert [e.seq for e in es] == [1]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(ma))


def test_events_are_append_only(cast) -> None:
    event = audit_record(actor=cast.ma_case_worker, action="test.x")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_last", "edit_details"])
def test_verify_detects_tampering(cast, fatima_case, tamper, capsys) -> None:
    for i in range(3):
        audit_record(actor=cast.ma_case_worker, action="test.filler", details={"i": i})
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    events = list(AuditEvent.objects.filter(organisation=cast.ma).order_by("seq"))
    target = events[1] if tamper != "delete_last" else events[-1]
    table = AuditEvent._meta.db_table
    if tamper == "edit":
        _raw(f"UPDATE {table} SET action = %s WHERE id = %s", ["person.view", target.id.hex])  # noqa: S608
    elif tamper == "edit_details":
        _raw(f"UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone", target.id.hex])  # noqa: S608
    else:
        _raw(f"DELETE FROM {table} WHERE id = %s", [target.id.hex])  # noqa: S608
    _, breaks = verify_chains()
    assert len(breaks) == 1 and breaks[0].chain == str(cast.ma.pk)
    with pytest.raises(CommandError):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert f"#{target.seq}" in err or (tamper == "delete_last" and f"#{target.seq - 1}" in err)
