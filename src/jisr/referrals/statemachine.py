"""The one referral state machine, used by both ends of a referral (pure module, no Django).

Stages follow the TRM/NRM referral practice (shared/reference/case-management-anchors.md §2.4 and
"What the referral system must support"): informed consent before the referral, acknowledgement of
receipt, an answer (accepted, or declined with a reason), service, feedback (completed), and the
sender's right to withdraw at any time (Primero's "revoked").

    draft ──send──▶ sent ──receive──▶ received ──accept──▶ accepted ──start_service──▶ in_service
                                          │                                              │
                                          └──decline──▶ declined                    complete
                                                                                         ▼
                                                                                     completed
    withdraw (sender)       : draft | sent | received | accepted | in_service → withdrawn
    cancel (consent gone)   : draft | sent | received | accepted | in_service → cancelled
    expire (no answer)      : sent | received                                  → expired
    reopen (needs a note)   : declined → received ; completed → in_service

"Received" is not "closed": a received referral still waits for its answer. Withdrawn, cancelled and
expired are final: sharing again needs a new referral (and the consent it needs). Every transition
is one audit event on the side that applies it; on a cross-border referral each side applies the
other side's events as they arrive in signed envelopes, and refuses those this table refuses.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_SERVICE = "in_service"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Event(StrEnum):
    SEND = "send"
    RECEIVE = "receive"
    ACCEPT = "accept"
    DECLINE = "decline"
    START_SERVICE = "start_service"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"
    EXPIRE = "expire"
    REOPEN = "reopen"


class Side(StrEnum):
    """Which end of the referral fires an event."""

    SENDER = "sender"
    RECIPIENT = "recipient"


class InvalidTransitionError(ValueError):
    """`event` is not allowed in `state`; nothing changed."""

    def __init__(self, state: State, event: Event) -> None:
        super().__init__(f"a referral in state {state.value} cannot take the event {event.value}")
        self.state = state
        self.event = event


_OPEN_BEFORE_END = (State.DRAFT, State.SENT, State.RECEIVED, State.ACCEPTED, State.IN_SERVICE)

TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.DRAFT, Event.SEND): State.SENT,
    (State.SENT, Event.RECEIVE): State.RECEIVED,
    (State.RECEIVED, Event.ACCEPT): State.ACCEPTED,
    (State.RECEIVED, Event.DECLINE): State.DECLINED,
    (State.ACCEPTED, Event.START_SERVICE): State.IN_SERVICE,
    (State.IN_SERVICE, Event.COMPLETE): State.COMPLETED,
    (State.SENT, Event.EXPIRE): State.EXPIRED,
    (State.RECEIVED, Event.EXPIRE): State.EXPIRED,
    (State.DECLINED, Event.REOPEN): State.RECEIVED,
    (State.COMPLETED, Event.REOPEN): State.IN_SERVICE,
    **{(s, Event.WITHDRAW): State.WITHDRAWN for s in _OPEN_BEFORE_END},
    **{(s, Event.CANCEL): State.CANCELLED for s in _OPEN_BEFORE_END},
}

EVENT_SIDE: dict[Event, Side] = {
    Event.SEND: Side.SENDER,
    Event.WITHDRAW: Side.SENDER,
    Event.CANCEL: Side.SENDER,
    Event.EXPIRE: Side.SENDER,
    Event.RECEIVE: Side.RECIPIENT,
    Event.ACCEPT: Side.RECIPIENT,
    Event.DECLINE: Side.RECIPIENT,
    Event.START_SERVICE: Side.RECIPIENT,
    Event.COMPLETE: Side.RECIPIENT,
    Event.REOPEN: Side.RECIPIENT,
}

# Events that must carry a note (reopening) or a reason code (declining).
NEEDS_NOTE: frozenset[Event] = frozenset({Event.REOPEN})
NEEDS_REASON: frozenset[Event] = frozenset({Event.DECLINE})

# Open: the referral is still moving; consent withdrawal cancels these.
OPEN_STATES: frozenset[State] = frozenset(_OPEN_BEFORE_END)
# The recipient may read the shared package only in these states (and only while consent is in force).
SHARES_PACKAGE: frozenset[State] = frozenset(
    {State.SENT, State.RECEIVED, State.ACCEPTED, State.IN_SERVICE, State.COMPLETED}
)
# States after which the shared package is wiped: the recipient's access ends at once.
ENDS_ACCESS: frozenset[State] = frozenset({State.DECLINED, State.WITHDRAWN, State.CANCELLED, State.EXPIRED})
FINAL_STATES: frozenset[State] = frozenset({State.WITHDRAWN, State.CANCELLED, State.EXPIRED})


def next_state(state: State | str, event: Event | str) -> State:
    """The state after `event` in `state`. Raises InvalidTransitionError (nothing changes) when the
    table has no such transition, ValueError for an unknown state or event name."""
    s, e = State(state), Event(event)
    try:
        return TRANSITIONS[(s, e)]
    except KeyError:
        raise InvalidTransitionError(s, e) from None


def allowed_events(state: State | str, side: Side | None = None) -> list[Event]:
    """Events allowed in `state` (for `side` only, when given), in table order."""
    s = State(state)
    return [e for (st, e) in TRANSITIONS if st == s and (side is None or EVENT_SIDE[e] == side)]
