"""Django side of envelope encryption: the keyring from settings, data keys in the database, and
sealing/unsealing of encrypted model fields.

An encrypted field is a `BinaryField` holding `envelope` ciphertext. Its AAD is
``"<db_table>.<column>:<row pk>:<data key pk>"``, so a value copied to another row, column or person
fails to decrypt.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from jisr.crypto import envelope
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.models import DataKey, DataKeyPurpose


class DataKeyDestroyedError(DecryptionError):
    """The record's data key was destroyed (the person was erased); nothing can be read."""


@functools.cache
def _keyring_for(keys: tuple[str, ...]) -> envelope.KeyRing:
    return envelope.KeyRing.from_base64(list(keys))


def keyring() -> envelope.KeyRing:
    """The master keys from settings (JISR_MASTER_KEY); cached per distinct setting value."""
    return _keyring_for(tuple(settings.JISR_MASTER_KEYS))


def _wrap_aad(key: DataKey) -> str:
    return f"crypto_datakey:{key.pk}:{key.purpose}"


def data_key_create(*, purpose: str = DataKeyPurpose.PERSON) -> DataKey:
    """Create and store a new random data key, wrapped under the current master key."""
    key = DataKey(purpose=purpose)
    ring = keyring()
    key.wrapped = ring.wrap(envelope.new_data_key(), _wrap_aad(key))
    key.kek_id = ring.current_id.hex()
    key.save(force_insert=True)
    return key


def data_key_material(key: DataKey) -> bytes:
    """The unwrapped 32-byte key. Raises DataKeyDestroyedError after erasure, DecryptionError if the
    master key that wrapped it is not loaded or the row was tampered with."""
    if key.wrapped is None:
        raise DataKeyDestroyedError("this record's data key was destroyed")
    return keyring().unwrap(bytes(key.wrapped), _wrap_aad(key))


def data_key_destroy(key: DataKey) -> None:
    """Crypto-shred: drop the wrapped key material for good. Irreversible (backups keep it until they
    expire; see README)."""
    DataKey.objects.filter(pk=key.pk).update(wrapped=None, destroyed_at=timezone.now())
    key.wrapped, key.destroyed_at = None, timezone.now()


def data_key_rewrap(key: DataKey) -> bool:
    """Re-wrap `key` under the current master key if it was wrapped under an older one.
    Returns True if it changed. Used by key rotation; idempotent and resumable."""
    ring = keyring()
    if key.wrapped is None or ring.wrapped_kek_id(bytes(key.wrapped)) == ring.current_id:
        return False
    material = data_key_material(key)
    key.wrapped = ring.wrap(material, _wrap_aad(key))
    key.kek_id = ring.current_id.hex()
    key.save(update_fields=["wrapped", "kek_id", "updated_at"])
    return True


@functools.lru_cache(maxsize=4)
def _root_material(pk: Any, wrapped: bytes, master_keys: tuple[str, ...]) -> bytes:
    # Keyed by the row's id and wrapped bytes and by the master keys: a re-wrapped root (key rotation),
    # another database or another keyring is a different entry, never a stale one.
    return _keyring_for(master_keys).unwrap(wrapped, f"crypto_datakey:{pk}:{DataKeyPurpose.BLIND_INDEX_ROOT.value}")


def blind_index_root() -> bytes:
    """The instance's blind-index root key (32 bytes), created on first use (race-safe).

    Every search and registration asks for it: one indexed SELECT of its id and wrapped bytes, and the
    unwrapping is cached per process (keyed by those bytes, so a rotation is seen at once). Raises
    DecryptionError if the master key that wrapped it is not loaded."""
    row = DataKey.objects.filter(purpose=DataKeyPurpose.BLIND_INDEX_ROOT).values_list("pk", "wrapped").first()
    if row is None:
        try:
            with transaction.atomic():
                key = data_key_create(purpose=DataKeyPurpose.BLIND_INDEX_ROOT)
        except IntegrityError:
            key = DataKey.objects.get(purpose=DataKeyPurpose.BLIND_INDEX_ROOT)
        row = (key.pk, key.wrapped)
    pk, wrapped = row
    if wrapped is None:
        raise DataKeyDestroyedError("the blind-index root key was destroyed")
    return _root_material(pk, bytes(wrapped), tuple(settings.JISR_MASTER_KEYS))


def field_aad(obj: models.Model, field_name: str, key: DataKey) -> str:
    column = obj._meta.get_field(field_name).column  # type: ignore[union-attr]
    return f"{obj._meta.db_table}.{column}:{obj.pk}:{key.pk}"


def seal(obj: models.Model, field_name: str, value: str | None, key: DataKey, material: bytes | None = None) -> None:
    """Set `obj.<field_name>` to the ciphertext of `value` (None or "" stores NULL)."""
    if value is None or value == "":
        setattr(obj, field_name, None)
        return
    material = material if material is not None else data_key_material(key)
    setattr(obj, field_name, envelope.encrypt(material, value, field_aad(obj, field_name, key)))


def unseal(obj: models.Model, field_name: str, key: DataKey, material: bytes | None = None) -> str | None:
    """The plaintext of `obj.<field_name>`, or None if NULL. Raises DecryptionError (never returns
    ciphertext); DataKeyDestroyedError once the key is destroyed."""
    blob: Any = getattr(obj, field_name)
    if blob is None:
        return None
    material = material if material is not None else data_key_material(key)
    return envelope.decrypt(material, bytes(blob), field_aad(obj, field_name, key))
