"""The ballot box: while a round is open, every ballot and every stored retry answer is ciphertext.

Each round gets a random AES-256-GCM key at opening, sealed at rest under `SIGNING_KEK` (HKDF with
a salt of its own, like the round's signing key). A record is padded to one length for the whole
round before it is sealed, so that neither its bytes nor its size say anything of the choices; a
fresh nonce per record makes equal ballots look unrelated. At close the server opens the box,
writes the plaintext ballots in one transaction, and destroys the key.
"""

import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballots.rules.terms import OPTIONS, Kind

INFO = b"minsheng round ballot box v1"
NONCE = 12
REPLY_SIZE = 160  # {"choices_hash": 64 hex, "receipt": 16 hex} with room to spare
_LENGTH = struct.Struct(">I")  # the record's true length, inside the ciphertext


@dataclass(frozen=True)
class SealedBoxKey:
    salt: bytes
    sealed: bytes  # nonce + AES-GCM ciphertext of the 32-byte box key


def _kek(secret: str, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(
        secret.encode("utf-8")
    )


def new_box_key(secret: str, round_id: str) -> SealedBoxKey:
    salt, nonce = os.urandom(16), os.urandom(NONCE)
    sealed = nonce + AESGCM(_kek(secret, salt)).encrypt(nonce, os.urandom(32), round_id.encode())
    return SealedBoxKey(salt, sealed)


def open_box_key(secret: str, round_id: str, key: SealedBoxKey) -> bytes:
    nonce, ciphertext = key.sealed[:NONCE], key.sealed[NONCE:]
    return AESGCM(_kek(secret, key.salt)).decrypt(nonce, ciphertext, round_id.encode())


def ballot_size(kind: str, item_ids: list[str], voter_id_length: int = 64) -> int:
    """One length that every ballot record of the round fits: all items marked, the longest option.

    A record is the board line of audit-format.md: {"choices", "id", "nonce", "receipt", "voter"?}.
    """
    longest = max(len(option) for option in OPTIONS[Kind(kind)])
    choices = sum(
        len(item) * 6 + longest + 6 for item in item_ids
    )  # quoted, \\u-escaped worst case
    fixed = len('{"choices":{},"id":"","nonce":"","receipt":"","voter":""}') + 64 + 32 + 16
    size = choices + fixed + voter_id_length * 6
    return -(-size // 256) * 256  # rounded up: the same for every ballot of the round


def seal(key: bytes, record: bytes, *, size: int, round_id: str) -> bytes:
    """The record padded to `size` and sealed; the round id is bound in as associated data."""
    if len(record) > size:
        raise ValueError(f"a record of {len(record)} bytes does not fit the round's {size}")
    padded = _LENGTH.pack(len(record)) + record + bytes(size - len(record))
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, padded, round_id.encode())


def unseal(key: bytes, box: bytes, *, round_id: str) -> bytes:
    padded = AESGCM(key).decrypt(box[:NONCE], box[NONCE:], round_id.encode())
    (length,) = _LENGTH.unpack_from(padded)
    return padded[_LENGTH.size : _LENGTH.size + length]
