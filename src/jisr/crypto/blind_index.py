"""Blind indexes: truncated HMAC-SHA256 of normalised values, for exact lookup without plaintext.

Pure module. Design from Paragon's CipherSweet (blind-index planning) as summarised in
shared/reference/security-and-privacy.md §1.3: one key per index, derived with HKDF from a root key;
outputs truncated so that many rows share each value (a leaked index key then maps a dictionary of
names to *buckets*, not to people). Lookups decrypt the candidates and compare plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_index_key(root_key: bytes, index_name: str) -> bytes:
    """A 256-bit key for one index (e.g. ``"person.name"``), HKDF-SHA256 from `root_key`."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"jisr-blind-index:" + index_name.encode()
    ).derive(root_key)


def blind_index(key: bytes, normalised_value: str, bits: int) -> int:
    """The top `bits` bits of HMAC-SHA256(key, value), as a non-negative int (< 2**bits).

    `bits` must be between 1 and 31 (the value fits a 32-bit signed integer column).
    """
    if not 1 <= bits <= 31:
        raise ValueError("bits must be between 1 and 31")
    digest = hmac.new(key, normalised_value.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


@dataclass(frozen=True)
class IndexPlan:
    """Safe output sizes for one new blind index (CipherSweet's planner)."""

    min_bits: int
    max_bits: int
    recommended: int


def plan_index_bits(population: int, existing: list[tuple[int, int]] | None = None) -> IndexPlan:
    """Size a blind index for `population` rows, given the `(output_bits, input_domain_bits)` of the
    indexes already on the same field.

    CipherSweet's rule: the indexes together may not reveal more than log2(population) bits, so
    ``max = floor(log2 N) − Σ min(out, domain)``; below ``min = ceil(log2(N) / 2) − Σ …`` false
    positives make the index useless. Its worked example (N = 50,000, no other index) gives 8–15; with
    a 4-bit index over a 16-bit domain, 4–11. We recommend ``log2 N − 3`` (about 8 candidates per
    lookup) clamped into that range, as our reference measurements suggest.

    Raises ValueError for a population under 4.
    """
    if population < 4:
        raise ValueError("population must be at least 4")
    coincidence = sum(min(out, domain) for out, domain in existing or [])
    log2n = math.log2(population)
    max_bits = max(1, math.floor(log2n) - coincidence)
    min_bits = max(1, min(max_bits, math.ceil(log2n / 2) - coincidence))
    recommended = max(min_bits, min(max_bits, math.floor(log2n) - 3))
    return IndexPlan(min_bits=min_bits, max_bits=max_bits, recommended=recommended)
