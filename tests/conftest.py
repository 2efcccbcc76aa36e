"""Shared fixtures: the persona cast and a registered (generated) person with a case."""

from __future__ import annotations

import pytest

from personas import Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture
def fatima_case(cast: Cast):  # type: ignore[no-untyped-def]
    """A generated person registered by the Moroccan case worker, with an open case assigned to her."""
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity, IdentityDocument
    from jisr.survivors.services import person_register

    person = person_register(
        actor=cast.ma_case_worker,
        organisation=cast.ma,
        identity=Identity(
            given_name="فاطمة",
            family_name="بن علي",
            given_name_latin="Fatima",
            family_name_latin="Benali",
            phone="+212612345678",
            documents=(IdentityDocument("national_id", "AB123456", "MA"),),
        ),
        sex="Feminine",
        nationality="MA",
        estimated_age=24,
    )
    return case_open(actor=cast.ma_case_worker, person=person)
