"""`jisr seed_demo`: every generated person's given name agrees with the sex recorded — the demo showed
women's names on records of men (MA-DEMO-…-0188, 0189, 0205 of `make run`'s history). Generated names
only: they belong to no one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from jisr.accounts.management.commands.seed_demo import GIVEN_ES, GIVEN_ES_M, GIVEN_F, GIVEN_M
from jisr.survivors.models import Person, Sex
from jisr.survivors.services import person_identity

WOMEN = {latin for _, latin in GIVEN_F} | set(GIVEN_ES)
MEN = {latin for _, latin in GIVEN_M} | set(GIVEN_ES_M)


def test_the_lists_do_not_share_a_name() -> None:
    assert not WOMEN & MEN


@pytest.mark.django_db
def test_every_generated_name_agrees_with_the_recorded_sex() -> None:
    call_command("seed_demo", "--password", "demo-password-for-tests", "--people", "6", "--history", "40")
    persons = list(Person.objects.select_related("data_key", "organisation"))
    assert len(persons) == 2 * (6 + 40)
    seen = {(p.organisation.slug, p.sex) for p in persons}
    # Both organisations' histories have men and women, so each list is exercised.
    assert {("demo-ma", Sex.MASCULINE), ("demo-ma", Sex.FEMININE), ("demo-es", Sex.MASCULINE)} <= seen
    wrong = []
    for person in persons:
        given = person_identity(person).given_name_latin
        expected = MEN if person.sex == Sex.MASCULINE else WOMEN
        if given not in expected:
            wrong.append((person.code, person.sex, given))
    assert wrong == []
