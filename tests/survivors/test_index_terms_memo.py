"""identity_index_terms with a per-batch memo of name parts gives exactly the terms worked out from the
normaliser's public functions, whether the memo is fresh or shared by many identities."""

from __future__ import annotations

from jisr.crypto.normalise import normalise_name, person_name_keys, transliteration_keys
from jisr.survivors.identity import Identity
from jisr.survivors.indexing import identity_index_terms
from jisr.survivors.models import IndexKind

IDENTITIES = [
    Identity(given_name="فاطمة", family_name="بن علي", given_name_latin="Fatima", family_name_latin="Benali"),
    Identity(given_name="مريم", family_name="التازي", given_name_latin="Meryem", family_name_latin="El Tazi",
             aliases=("Mimi",)),
    Identity(given_name_latin="Aïcha", family_name_latin="Benali"),
    Identity(given_name="خديجة", family_name="العلوي"),
    Identity(family_name_latin="Tazi", aliases=("Maryam Tazi", "")),
    Identity(),
]


def _reference(identity: Identity) -> set[tuple[str, str]]:
    terms: set[tuple[str, str]] = set()
    pairs = list(identity.name_variants()) + [(alias, "") for alias in identity.aliases if alias]
    for given, family in pairs:
        full = " ".join(sorted(p for p in (normalise_name(given), normalise_name(family)) if p))
        if full:
            terms.add((IndexKind.NAME, full))
        terms.update((IndexKind.NAME_KEY, key) for key in person_name_keys(given, family))
        for part in (given, family):
            if normalised := normalise_name(part):
                terms.add((IndexKind.NAME_PART, normalised))
            terms.update((IndexKind.NAME_PART_KEY, key) for key in transliteration_keys(part))
    return terms


def test_terms_are_the_same_with_a_fresh_or_a_shared_memo() -> None:
    shared: dict = {}
    for identity in IDENTITIES * 2:  # the second round finds every part in the memo
        expected = _reference(identity)
        assert identity_index_terms(identity) == expected
        assert identity_index_terms(identity, shared) == expected
    assert "Benali" in shared and shared["Benali"][0] == normalise_name("Benali")
