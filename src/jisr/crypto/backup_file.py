"""The backup file format: encrypted for a recovery key, signed by the instance. Pure (no Django).

Layout (all lengths big-endian)::

    MAGIC | u32 header length | header (canonical JSON) | u64 body length | body | 64-byte Ed25519 signature

- body = XChaCha20-Poly1305(file key, nonce, gzip(payload), AAD = MAGIC | header length | header):
  the header cannot be changed without the body failing to open.
- header["sealed_key"] = the random 32-byte file key sealed (libsodium SealedBox, X25519) to the
  recovery public key; only the holder of the recovery private key can open it.
- signature = Ed25519 over everything before it; the verify key is in the header (`signer`), and
  `open_backup(..., expect_signer=FINGERPRINT)` pins it. A changed byte anywhere is refused.

Nothing is returned from `open_backup` until the signature has been checked and the body decrypted
and decompressed entirely, so a caller writes nothing from a file that does not verify.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

from nacl import bindings
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

MAGIC = b"JISR-BACKUP\x00v1\n"
FORMAT = 1
CIPHER = "xchacha20poly1305-ietf"
PRIVATE_PREFIX = "JISR-RECOVERY-KEY-1:"
PUBLIC_PREFIX = "JISR-RECOVERY-PUBLIC-1:"
SIGNATURE_SIZE = 64
MAX_HEADER = 64 * 1024


class BackupError(Exception):
    """The file is not a Jisr backup, was changed, or is not for this recovery key. Nothing to use."""


@dataclass(frozen=True)
class RecoveryKey:
    private: bytes  # 32-byte X25519 secret

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(bytes(PrivateKey.generate()))

    @property
    def public(self) -> bytes:
        return bytes(PrivateKey(self.private).public_key)

    def dump(self) -> str:
        return (
            "# Jisr backup recovery key (X25519 private key). Keep it OFFLINE, away from the server and the\n"
            "# backups: whoever holds it and a backup can read every survivor record in that backup.\n"
            f"# public key fingerprint: {fingerprint(self.public)}\n"
            f"{PRIVATE_PREFIX}{base64.b64encode(self.private).decode()}\n"
        )

    @classmethod
    def load(cls, text: str) -> RecoveryKey:
        return cls(_parse(text, PRIVATE_PREFIX, "recovery key"))


def dump_public(public: bytes) -> str:
    return f"# Jisr backup recovery public key; fingerprint {fingerprint(public)}\n{PUBLIC_PREFIX}" + (
        base64.b64encode(public).decode() + "\n"
    )


def load_public(text: str) -> bytes:
    return _parse(text, PUBLIC_PREFIX, "recovery public key")


def _parse(text: str, prefix: str, what: str) -> bytes:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(prefix):
            try:
                raw = base64.b64decode(line[len(prefix) :], validate=True)
            except ValueError:
                break
            if len(raw) == 32:
                return raw
            break
    raise BackupError(f"not a Jisr {what} file")


def fingerprint(public: bytes) -> str:
    """Short, readable fingerprint of a public key (to compare by eye or pin)."""
    digest = hashlib.sha256(public).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def seal_backup(payload: bytes, *, recovery_public: bytes, signing_seed: bytes, meta: dict[str, Any]) -> bytes:
    """Encrypt `payload` under a fresh file key sealed to `recovery_public`; sign with `signing_seed`."""
    signing = SigningKey(signing_seed)
    file_key = os.urandom(bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    nonce = os.urandom(bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    verify = bytes(signing.verify_key)
    header = _canonical(
        {
            **meta,
            "format": FORMAT,
            "cipher": CIPHER,
            "compression": "gzip",
            "nonce": base64.b64encode(nonce).decode(),
            "sealed_key": base64.b64encode(SealedBox(PublicKey(recovery_public)).encrypt(file_key)).decode(),
            "recipient": fingerprint(recovery_public),
            "signer": base64.b64encode(verify).decode(),
            "signer_fingerprint": fingerprint(verify),
        }
    )
    aad = MAGIC + struct.pack(">I", len(header)) + header
    body = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(gzip.compress(payload, 6), aad, nonce, file_key)
    signed = aad + struct.pack(">Q", len(body)) + body
    return signed + signing.sign(signed).signature


def _split(blob: bytes) -> tuple[bytes, dict[str, Any], bytes, bytes, bytes]:
    """(aad, header, body, signed part, signature); raises BackupError on a malformed file."""
    if not blob.startswith(MAGIC):
        raise BackupError("not a Jisr backup file")
    pos = len(MAGIC)
    if len(blob) < pos + 4:
        raise BackupError("truncated backup file")
    (hlen,) = struct.unpack(">I", blob[pos : pos + 4])
    if hlen > MAX_HEADER:
        raise BackupError("malformed backup header")
    pos += 4
    header_bytes = blob[pos : pos + hlen]
    pos += hlen
    aad = blob[:pos]
    if len(blob) < pos + 8:
        raise BackupError("truncated backup file")
    (blen,) = struct.unpack(">Q", blob[pos : pos + 8])
    pos += 8
    if len(blob) != pos + blen + SIGNATURE_SIZE:
        raise BackupError("truncated or extended backup file")
    body = blob[pos : pos + blen]
    signed, signature = blob[: pos + blen], blob[pos + blen :]
    try:
        header = json.loads(header_bytes)
    except ValueError as exc:
        raise BackupError("malformed backup header") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("cipher") != CIPHER:
        raise BackupError("unsupported backup format")
    return aad, header, body, signed, signature


def read_header(blob: bytes) -> dict[str, Any]:
    """The header as stored, NOT verified (for display only)."""
    return _split(blob)[1]


def open_backup(
    blob: bytes, *, recovery_private: bytes, expect_signer: str | None = None
) -> tuple[dict[str, Any], bytes]:
    """Verify the signature, open the file key with the recovery key, decrypt and decompress.
    Returns (header, payload). Raises BackupError; never returns partial data."""
    aad, header, body, signed, signature = _split(blob)
    try:
        verify = base64.b64decode(header["signer"], validate=True)
        VerifyKey(verify).verify(signed, signature)
    except (KeyError, ValueError, TypeError, BadSignatureError, CryptoError) as exc:
        raise BackupError("the signature does not verify: the file was changed or damaged") from exc
    if expect_signer is not None and fingerprint(verify) != expect_signer.strip().lower():
        raise BackupError("signed by another key than the one expected")
    recovery = PrivateKey(recovery_private)
    if header.get("recipient") != fingerprint(bytes(recovery.public_key)):
        raise BackupError("this backup was made for another recovery key")
    try:
        file_key = SealedBox(recovery).decrypt(base64.b64decode(header["sealed_key"], validate=True))
        nonce = base64.b64decode(header["nonce"], validate=True)
        compressed = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(body, aad, nonce, file_key)
    except (KeyError, ValueError, TypeError, CryptoError) as exc:
        raise BackupError("the backup does not open with this recovery key") from exc
    try:
        payload = gzip.decompress(compressed)
    except (OSError, EOFError) as exc:  # pragma: no cover - authenticated above, so only a writer's bug
        raise BackupError("the backup's content is damaged") from exc
    return header, payload
