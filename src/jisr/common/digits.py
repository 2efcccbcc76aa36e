"""Eastern Arabic digits wherever numbers are typed (forms, imports, command lines)."""

from jisr.crypto.normalise import normalise_digits

__all__ = ["normalise_digits"]
