"""`jisr rotate_keys`: re-wrap under a new master key, resumable, nothing ever unreadable."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jisr.crypto.models import DataKey
from jisr.crypto.services import data_key_rewrap, keyring
from jisr.survivors.identity import Identity
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity, person_register


def _people(cast, n: int) -> list[Person]:  # type: ignore[no-untyped-def]
    return [
        person_register(actor=cast.ma_case_worker, organisation=cast.ma, identity=Identity(given_name_latin=f"P{i}"))
        for i in range(n)
    ]


def _readable(people: list[Person]) -> list[str]:
    return [person_identity(Person.objects.select_related("data_key").get(pk=p.pk)).given_name_latin for p in people]


def test_rotation_with_dev_key_file(cast, settings, tmp_path: Path) -> None:
    key_file = tmp_path / "master_key"
    key_file.write_text(",".join(settings.JISR_MASTER_KEYS))
    settings.JISR_MASTER_KEY_DEV_FILE = key_file
    people = _people(cast, 5)
    old_id = keyring().current_id.hex()
    call_command("rotate_keys", "--new", "--batch", "2")
    new_id = keyring().current_id.hex()
    assert new_id != old_id
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {new_id}
    assert len(key_file.read_text().strip().split(",")) == 1  # old key retired
    assert _readable(people) == [f"P{i}" for i in range(5)]


def test_interrupted_rotation_resumes_and_nothing_is_unreadable(cast, settings) -> None:
    people = _people(cast, 6)
    old = settings.JISR_MASTER_KEYS[0]
    new = base64.b64encode(os.urandom(32)).decode()
    settings.JISR_MASTER_KEY_DEV_FILE = None
    settings.JISR_MASTER_KEYS = [new, old]
    # Interrupted: only some keys were re-wrapped before the process died.
    for key in DataKey.objects.order_by("pk")[:3]:
        data_key_rewrap(key)
    assert _readable(people) == [f"P{i}" for i in range(6)]  # mixed state: all readable
    call_command("rotate_keys")
    settings.JISR_MASTER_KEYS = [new]  # operator removes the old key
    assert _readable(people) == [f"P{i}" for i in range(6)]


def test_new_key_refused_for_operator_managed_keys(cast, settings) -> None:
    settings.JISR_MASTER_KEY_DEV_FILE = None
    with pytest.raises(CommandError, match="managed by the operator"):
        call_command("rotate_keys", "--new")
