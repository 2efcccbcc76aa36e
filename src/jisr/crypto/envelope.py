"""Envelope encryption with AES-256-GCM (pure module, no Django).

A *data key* (DEK, 256 bits, one per person) encrypts that person's identifying fields; the DEK is
stored *wrapped* under a *key-encryption key* (KEK, the master key, kept outside the database).
Rotation of the KEK re-wraps DEKs only; erasure destroys the DEK (crypto-shredding).

Formats (design: shared/reference/security-and-privacy.md §1.2):
- wrapped DEK: ``0x01 | kek_id (4 bytes) | nonce (12) | AES-GCM(ciphertext ‖ tag)``
- field value: ``0x01 | nonce (12) | AES-GCM(ciphertext ‖ tag)``

Every ciphertext is bound by its associated data (AAD) to where it lives, e.g.
``"survivors_person.given_name:<row uuid>:<data key uuid>"``: moving a value to another row, column or
key makes decryption fail. Failure always raises `DecryptionError`; nothing here ever returns
ciphertext or garbage as text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
_NONCE = 12
_KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext could not be authenticated: wrong key, wrong binding (AAD), altered or destroyed."""


class MasterKeyError(ValueError):
    """A master key is malformed (not base64 of exactly 32 bytes)."""


def kek_id(key: bytes) -> bytes:
    """The 4-byte identifier of a master key: the first bytes of SHA-256("jisr-kek" ‖ key)."""
    return hashlib.sha256(b"jisr-kek" + key).digest()[:4]


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return AESGCM.generate_key(bit_length=256)


@dataclass(frozen=True)
class KeyRing:
    """Master keys; the first is current (wraps new keys), all can unwrap (for rotation).

    Build with `KeyRing.from_base64(["<b64 32 bytes>", ...])`. Raises `MasterKeyError` on a malformed key.
    """

    keys: tuple[bytes, ...]
    _by_id: dict[bytes, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise MasterKeyError("at least one master key is needed")
        for key in self.keys:
            if len(key) != _KEY_BYTES:
                raise MasterKeyError("a master key must be 32 bytes (base64 of 32 random bytes)")
        object.__setattr__(self, "_by_id", {kek_id(k): k for k in self.keys})

    def __repr__(self) -> str:  # never print key material
        return f"KeyRing(current={self.current_id.hex()}, keys={len(self.keys)})"

    @classmethod
    def from_base64(cls, encoded: list[str]) -> KeyRing:
        keys = []
        for item in encoded:
            try:
                keys.append(base64.b64decode(item, validate=True))
            except (binascii.Error, ValueError) as exc:
                raise MasterKeyError("a master key is not valid base64") from exc
        return cls(tuple(keys))

    @property
    def current_id(self) -> bytes:
        return kek_id(self.keys[0])

    def wrap(self, data_key: bytes, aad: str) -> bytes:
        """Encrypt `data_key` under the current master key, bound to `aad`."""
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(self.keys[0]).encrypt(nonce, data_key, aad.encode())
        return bytes([FORMAT_VERSION]) + self.current_id + nonce + sealed

    def wrapped_kek_id(self, wrapped: bytes) -> bytes:
        """The master-key id a wrapped key was made with (to find keys still to re-wrap)."""
        return bytes(wrapped[1:5])

    def unwrap(self, wrapped: bytes, aad: str) -> bytes:
        """The data key inside `wrapped`. Raises DecryptionError if the master key is unknown or the
        blob does not authenticate for `aad`."""
        wrapped = bytes(wrapped)
        if len(wrapped) < 1 + 4 + _NONCE + 16 or wrapped[0] != FORMAT_VERSION:
            raise DecryptionError("wrapped key has an unknown format")
        key = self._by_id.get(wrapped[1:5])
        if key is None:
            raise DecryptionError(f"wrapped key needs master key {wrapped[1:5].hex()}, which is not loaded")
        try:
            return AESGCM(key).decrypt(wrapped[5 : 5 + _NONCE], wrapped[5 + _NONCE :], aad.encode())
        except InvalidTag as exc:
            raise DecryptionError("wrapped key does not authenticate") from exc


def encrypt(data_key: bytes, plaintext: str, aad: str) -> bytes:
    """AES-256-GCM encryption of UTF-8 `plaintext` under `data_key`, bound to `aad`."""
    nonce = os.urandom(_NONCE)
    return bytes([FORMAT_VERSION]) + nonce + AESGCM(data_key).encrypt(nonce, plaintext.encode(), aad.encode())


def decrypt(data_key: bytes, blob: bytes, aad: str) -> str:
    """The plaintext of `blob`. Raises DecryptionError on any failure (never returns the ciphertext)."""
    blob = bytes(blob)
    if len(blob) < 1 + _NONCE + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionError("ciphertext has an unknown format")
    try:
        return AESGCM(data_key).decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], aad.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not authenticate for this record, field and key") from exc
