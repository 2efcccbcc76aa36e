"""Blind-index entries of a person (which index values her identity produces), and their sizing."""

from __future__ import annotations

import functools

from django.conf import settings

from jisr.crypto import blind_index as bi
from jisr.crypto.normalise import (
    combine_name_keys,
    normalise_document,
    normalise_name,
    person_name_keys,
    transliteration_keys,
)
from jisr.crypto.services import blind_index_root
from jisr.survivors.identity import Identity
from jisr.survivors.models import IndexKind


@functools.cache
def index_bits(kind: str, population: int) -> int:
    """Output bits per index kind, from CipherSweet's planner for the expected population.

    The coarse name key (already many-to-one) is two bits shorter than the exact indexes. Changing
    JISR_EXPECTED_POPULATION changes the sizes: run `jisr reindex_persons` afterwards.
    """
    plan = bi.plan_index_bits(population)
    if kind in (IndexKind.NAME_KEY, IndexKind.NAME_PART_KEY):
        return max(plan.min_bits, plan.recommended - 2)
    return plan.recommended


def _full_name(given: str, family: str) -> str:
    return _joined(normalise_name(given), normalise_name(family))


def _joined(given: str, family: str) -> str:
    # Order-free: "given family" and "family given" give the same exact-name index.
    return " ".join(sorted(p for p in (given, family) if p))


NamePartMemo = dict[str, tuple[str, frozenset[str]]]


def identity_index_terms(identity: Identity, memo: NamePartMemo | None = None) -> set[tuple[str, str]]:
    """The normalised (kind, term) pairs an identity is indexed under. Pure.

    `memo`: a dict the caller keeps for one batch of identities (a search confirming its candidates), so
    that a name part met again (a family name shared by many candidates) is normalised and transliterated
    once; it holds name parts in clear, so it lives no longer than the batch (never module-level)."""
    memo = {} if memo is None else memo

    def part(text: str) -> tuple[str, frozenset[str]]:
        found = memo.get(text)
        if found is None:
            found = memo[text] = (normalise_name(text), frozenset(transliteration_keys(text)))
        return found

    terms: set[tuple[str, str]] = set()
    pairs = list(identity.name_variants()) + [(alias, "") for alias in identity.aliases if alias]
    for given, family in pairs:
        (given_norm, given_keys), (family_norm, family_keys) = part(given), part(family)
        if full := _joined(given_norm, family_norm):
            terms.add((IndexKind.NAME, full))
        terms.update((IndexKind.NAME_KEY, key) for key in combine_name_keys(given_keys, family_keys))
        for normalised, keys in ((given_norm, given_keys), (family_norm, family_keys)):
            if normalised:
                terms.add((IndexKind.NAME_PART, normalised))
            terms.update((IndexKind.NAME_PART_KEY, key) for key in keys)
    if identity.phone:
        terms.add((IndexKind.PHONE, identity.phone))
    for doc in identity.documents:
        if number := normalise_document(doc.number):
            terms.add((IndexKind.DOCUMENT, number))
    return terms


def search_terms(text: str) -> set[tuple[str, str]]:
    """The (kind, term) pairs a typed name query is looked up under: the text as one given or family
    name, and every split of its words into given + family names (a query does not say which is which).
    """
    terms: set[tuple[str, str]] = set()
    if normalised := normalise_name(text):
        terms.add((IndexKind.NAME_PART, normalised))
    terms.update((IndexKind.NAME_PART_KEY, key) for key in transliteration_keys(text))
    words = normalised.split(" ") if normalised else []
    for cut in range(1, len(words)):
        given, family = " ".join(words[:cut]), " ".join(words[cut:])
        terms.add((IndexKind.NAME, _full_name(given, family)))
        terms.update((IndexKind.NAME_KEY, key) for key in person_name_keys(given, family))
    return terms


@functools.lru_cache(maxsize=64)
def _index_key(root: bytes, kind: str) -> bytes:
    return bi.derive_index_key(root, f"person.{kind}")


def hash_terms(terms: set[tuple[str, str]]) -> set[tuple[str, int]]:
    """(kind, truncated HMAC) pairs for normalised terms."""
    root = blind_index_root()
    population = settings.JISR_EXPECTED_POPULATION
    keys = {kind: _index_key(root, kind) for kind in {k for k, _ in terms}}
    return {(kind, bi.blind_index(keys[kind], term, index_bits(kind, population))) for kind, term in terms}


# Kinds that say "this may be the same person" (duplicate checks); name parts alone only serve search.
DUPLICATE_KINDS = frozenset({IndexKind.NAME, IndexKind.NAME_KEY, IndexKind.PHONE, IndexKind.DOCUMENT})


def duplicate_terms(identity: Identity) -> set[tuple[str, str]]:
    """The terms of an identity that duplicate checks look up (no single name part)."""
    return {(kind, term) for kind, term in identity_index_terms(identity) if kind in DUPLICATE_KINDS}


def index_values(identity: Identity) -> set[tuple[str, int]]:
    """(kind, truncated HMAC) pairs to store for an identity (every kind)."""
    return hash_terms(identity_index_terms(identity))


def name_matches(a: Identity, b: Identity, memo: NamePartMemo | None = None) -> tuple[bool, bool]:
    """(exact normalised name shared, transliteration key shared) between two identities. `memo`: as for
    `identity_index_terms`, kept by a caller comparing one identity with many."""
    memo = {} if memo is None else memo
    ta, tb = identity_index_terms(a, memo), identity_index_terms(b, memo)
    exact = any(k == IndexKind.NAME and (k, t) in tb for k, t in ta)
    key = any(k == IndexKind.NAME_KEY and (k, t) in tb for k, t in ta)
    return exact, key
