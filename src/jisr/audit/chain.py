"""The hash chain of audit events (pure module).

``hash_n = SHA-256(hash_{n-1} ‖ canonical JSON of event n)``, chained per organisation (design:
shared/reference/security-and-privacy.md §2.2). Canonical JSON: sorted keys, compact separators,
UTF-8 (the RFC 8785 subset we need: no floats are allowed in events).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Sorted keys, `,`/`:` separators, UTF-8, no NaN. Raises ValueError on floats (not canonical)."""
    _reject_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("audit details may not hold floats (not canonical); use strings or integers")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError("audit detail keys must be strings")
            _reject_floats(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _reject_floats(v)


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """Hex SHA-256 of `prev_hash` followed by the canonical JSON of `payload`."""
    return hashlib.sha256(prev_hash.encode() + canonical_json(payload)).hexdigest()
