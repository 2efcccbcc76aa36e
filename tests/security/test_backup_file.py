"""The backup file format (pure): any changed byte, a wrong recovery key or an unexpected signer is
refused; the file holds no plaintext of its payload."""

from __future__ import annotations

import os

import pytest
from nacl.signing import SigningKey

from jisr.crypto import backup_file as bf

SEED = os.urandom(32)
PAYLOAD = ("فاطمة بن علي / Fatima Benali " * 50).encode()


@pytest.fixture(scope="module")
def recovery() -> bf.RecoveryKey:
    return bf.RecoveryKey.generate()


@pytest.fixture(scope="module")
def blob(recovery: bf.RecoveryKey) -> bytes:
    return bf.seal_backup(PAYLOAD, recovery_public=recovery.public, signing_seed=SEED, meta={"vendor": "sqlite"})


def test_roundtrip_and_no_plaintext(recovery: bf.RecoveryKey, blob: bytes) -> None:
    header, payload = bf.open_backup(blob, recovery_private=recovery.private)
    assert payload == PAYLOAD
    assert header["vendor"] == "sqlite" and header["recipient"] == bf.fingerprint(recovery.public)
    assert "فاطمة".encode() not in blob and b"Fatima" not in blob
    signer = bf.fingerprint(bytes(SigningKey(SEED).verify_key))
    assert bf.open_backup(blob, recovery_private=recovery.private, expect_signer=signer)[1] == PAYLOAD


def test_every_changed_byte_is_refused(recovery: bf.RecoveryKey, blob: bytes) -> None:
    step = max(1, len(blob) // 400)
    positions = sorted({*range(0, len(blob), step), *range(0, 200), *range(len(blob) - 80, len(blob))})
    for i in positions:
        changed = bytearray(blob)
        changed[i] ^= 0x40
        with pytest.raises(bf.BackupError):
            bf.open_backup(bytes(changed), recovery_private=recovery.private)


def test_truncated_extended_and_foreign_files_are_refused(recovery: bf.RecoveryKey, blob: bytes) -> None:
    for bad in (blob[:-1], blob + b"\0", blob[:10], b"", b"PK\3\4" + blob[4:]):
        with pytest.raises(bf.BackupError):
            bf.open_backup(bad, recovery_private=recovery.private)


def test_wrong_recovery_key_and_unexpected_signer(recovery: bf.RecoveryKey, blob: bytes) -> None:
    with pytest.raises(bf.BackupError, match="another recovery key"):
        bf.open_backup(blob, recovery_private=bf.RecoveryKey.generate().private)
    with pytest.raises(bf.BackupError, match="signed by another key"):
        bf.open_backup(blob, recovery_private=recovery.private, expect_signer=bf.fingerprint(b"x" * 32))


def test_resigned_by_an_attacker_needs_the_pinned_signer(recovery: bf.RecoveryKey) -> None:
    """Anyone holding the recovery PUBLIC key can make a valid-looking backup; pinning the signer
    (`jisr restore --signer`) is what tells it apart."""
    forged = bf.seal_backup(b"{}", recovery_public=recovery.public, signing_seed=os.urandom(32), meta={})
    assert bf.open_backup(forged, recovery_private=recovery.private)[1] == b"{}"
    with pytest.raises(bf.BackupError):
        bf.open_backup(forged, recovery_private=recovery.private,
                       expect_signer=bf.fingerprint(bytes(SigningKey(SEED).verify_key)))


def test_key_files_roundtrip(recovery: bf.RecoveryKey) -> None:
    assert bf.RecoveryKey.load(recovery.dump()) == recovery
    assert bf.load_public(bf.dump_public(recovery.public)) == recovery.public
    with pytest.raises(bf.BackupError):
        bf.RecoveryKey.load(bf.dump_public(recovery.public))
