"""The referral state machine as a table: every state × every event (pure module)."""

from __future__ import annotations

import pytest

from jisr.referrals.statemachine import (
    EVENT_SIDE,
    TRANSITIONS,
    Event,
    InvalidTransitionError,
    Side,
    State,
    allowed_events,
    next_state,
)

S, E = State, Event
# The whole table, written out once more by hand: (state, event) → next state; absent = refused.
EXPECTED: dict[tuple[State, Event], State] = {
    (S.DRAFT, E.SEND): S.SENT,
    (S.SENT, E.RECEIVE): S.RECEIVED,
    (S.RECEIVED, E.ACCEPT): S.ACCEPTED,
    (S.RECEIVED, E.DECLINE): S.DECLINED,
    (S.ACCEPTED, E.START_SERVICE): S.IN_SERVICE,
    (S.IN_SERVICE, E.COMPLETE): S.COMPLETED,
    (S.SENT, E.EXPIRE): S.EXPIRED,
    (S.RECEIVED, E.EXPIRE): S.EXPIRED,
    (S.DECLINED, E.REOPEN): S.RECEIVED,
    (S.COMPLETED, E.REOPEN): S.IN_SERVICE,
    (S.DRAFT, E.WITHDRAW): S.WITHDRAWN,
    (S.SENT, E.WITHDRAW): S.WITHDRAWN,
    (S.RECEIVED, E.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, E.WITHDRAW): S.WITHDRAWN,
    (S.IN_SERVICE, E.WITHDRAW): S.WITHDRAWN,
    (S.DRAFT, E.CANCEL): S.CANCELLED,
    (S.SENT, E.CANCEL): S.CANCELLED,
    (S.RECEIVED, E.CANCEL): S.CANCELLED,
    (S.ACCEPTED, E.CANCEL): S.CANCELLED,
    (S.IN_SERVICE, E.CANCEL): S.CANCELLED,
}


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("event", list(Event))
def test_every_state_and_event(state: State, event: Event) -> None:
    expected = EXPECTED.get((state, event))
    if expected is None:
        with pytest.raises(InvalidTransitionError):
            next_state(state, event)
    else:
        assert next_state(state, event) == expected


def test_table_is_exactly_the_expected_one() -> None:
    assert expected_keys() == set(TRANSITIONS)


def expected_keys() -> set[tuple[State, Event]]:
    return set(EXPECTED)


def test_final_states_take_no_event() -> None:
    for state in (S.WITHDRAWN, S.CANCELLED, S.EXPIRED):
        assert allowed_events(state) == []


def test_sides() -> None:
    assert {e for e, s in EVENT_SIDE.items() if s == Side.SENDER} == {E.SEND, E.WITHDRAW, E.CANCEL, E.EXPIRE}
    assert allowed_events(S.RECEIVED, Side.RECIPIENT) == [E.ACCEPT, E.DECLINE]


def test_unknown_names_are_value_errors() -> None:
    with pytest.raises(ValueError):
        next_state("nowhere", "send")
