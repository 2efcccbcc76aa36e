"""Envelope encryption and blind indexes (pure)."""

import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.crypto import blind_index as bi
from jisr.crypto import envelope


def _ring(*keys: bytes) -> envelope.KeyRing:
    return envelope.KeyRing.from_base64([base64.b64encode(k).decode() for k in keys])


def test_round_trip_and_binding() -> None:
    dek = envelope.new_data_key()
    blob = envelope.encrypt(dek, "فاطمة", "t.c:row1:k1")
    assert "فاطمة".encode() not in blob
    assert envelope.decrypt(dek, blob, "t.c:row1:k1") == "فاطمة"
    for wrong_aad in ("t.c:row2:k1", "t.other:row1:k1", "t.c:row1:k2"):
        with pytest.raises(envelope.DecryptionError):
            envelope.decrypt(dek, blob, wrong_aad)


def test_wrong_key_or_tampering_raises_never_returns_text() -> None:
    dek = envelope.new_data_key()
    blob = envelope.encrypt(dek, "secret", "aad")
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(envelope.new_data_key(), blob, "aad")
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(dek, bytes(flipped), "aad")
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(dek, b"\x02" + blob[1:], "aad")
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(dek, b"short", "aad")


def test_keyring_wraps_with_current_and_unwraps_with_any() -> None:
    old, new = os.urandom(32), os.urandom(32)
    dek = envelope.new_data_key()
    wrapped_old = _ring(old).wrap(dek, "k1")
    rotated = _ring(new, old)
    assert rotated.unwrap(wrapped_old, "k1") == dek
    assert rotated.wrapped_kek_id(wrapped_old) == envelope.kek_id(old)
    assert rotated.wrapped_kek_id(rotated.wrap(dek, "k1")) == envelope.kek_id(new)
    with pytest.raises(envelope.DecryptionError, match="not loaded"):
        _ring(new).unwrap(wrapped_old, "k1")
    with pytest.raises(envelope.DecryptionError):
        rotated.unwrap(wrapped_old, "k2")


def test_keyring_rejects_bad_keys_and_hides_material() -> None:
    with pytest.raises(envelope.MasterKeyError):
        envelope.KeyRing.from_base64(["not base64!"])
    with pytest.raises(envelope.MasterKeyError):
        _ring(os.urandom(16))
    with pytest.raises(envelope.MasterKeyError):
        envelope.KeyRing(())
    key = os.urandom(32)
    assert base64.b64encode(key).decode() not in repr(_ring(key))


@given(st.text(max_size=30), st.integers(min_value=1, max_value=31))
def test_blind_index_fits_its_bits(value: str, bits: int) -> None:
    key = bi.derive_index_key(b"r" * 32, "person.name")
    assert 0 <= bi.blind_index(key, value, bits) < 2**bits


def test_blind_index_keys_are_separated_per_index() -> None:
    root = os.urandom(32)
    a, b = bi.derive_index_key(root, "person.name"), bi.derive_index_key(root, "person.phone")
    assert a != b
    values_a = {bi.blind_index(a, f"v{i}", 16) for i in range(50)}
    values_b = {bi.blind_index(b, f"v{i}", 16) for i in range(50)}
    assert values_a != values_b
    with pytest.raises(ValueError):
        bi.blind_index(a, "x", 32)


def test_index_planner_matches_ciphersweet_worked_example() -> None:
    plan = bi.plan_index_bits(50_000)
    assert (plan.min_bits, plan.max_bits) == (8, 15)
    plan = bi.plan_index_bits(50_000, [(4, 16)])
    assert (plan.min_bits, plan.max_bits) == (4, 11)
    assert plan.min_bits <= plan.recommended <= plan.max_bits
    with pytest.raises(ValueError):
        bi.plan_index_bits(2)
