"""Per-round Ed25519 keys, sealed at rest under a key-encryption key (KEK) from the environment.

The private key exists in the clear only while a round signs itself at close; then it is destroyed.
"""

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"minsheng round signing key v1"


@dataclass(frozen=True)
class SealedKey:
    public_key: str  # 32 raw bytes as 64 hex digits
    salt: bytes
    sealed: bytes  # AES-GCM nonce (12 bytes) + ciphertext of the raw private key


def _kek(secret: str, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(
        secret.encode("utf-8")
    )


def new_sealed_key(secret: str, round_id: str) -> SealedKey:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = nonce + AESGCM(_kek(secret, salt)).encrypt(nonce, raw, round_id.encode())
    return SealedKey(public_hex(private), salt, sealed)


def unseal(secret: str, round_id: str, key: SealedKey) -> Ed25519PrivateKey:
    nonce, ciphertext = key.sealed[:12], key.sealed[12:]
    raw = AESGCM(_kek(secret, key.salt)).decrypt(nonce, ciphertext, round_id.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_hex(private: Ed25519PrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )


def fingerprint(public_key: str) -> str:
    """The public key grouped for reading aloud in the hall: 16 groups of 4 hex digits."""
    return " ".join(public_key[i : i + 4] for i in range(0, len(public_key), 4))
