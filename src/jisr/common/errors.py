"""Domain errors raised by services. Views turn them into form errors or 400/409 responses.

Messages are for users and may be translated; they never contain personal data.
"""


class DomainError(Exception):
    """A request that the domain rules refuse; nothing was changed."""


class StateError(DomainError):
    """The record is not in a state that allows this transition (e.g. closing a closed case)."""


class PermissionDeniedError(DomainError):
    """The actor's role does not allow this write on a record they can see."""


class ConflictError(StateError):
    """Someone else changed the record since the actor loaded it (optimistic locking); nothing was
    changed — reload and try again."""


class RateLimitedError(DomainError):
    """The actor did this too often in a short time; nothing was done (HTTP 429)."""
