"""The person: identity encrypted at rest, pseudonymous code, blind indexes, duplicate suggestions."""
