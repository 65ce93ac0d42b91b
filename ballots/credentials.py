"""Voting card codes: easy to type, hard to guess, stored only as a hash."""

import hashlib
import secrets

# No I, O, 0 or 1: nothing a representative could misread on a printed card.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 15  # 75 bits


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, LENGTH, 5))


def normalize(code: str) -> str:
    """What a person typed or a scanner read, reduced to the code itself."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode("ascii", "ignore")).hexdigest()


def reply_key(round_code: str, code: str, idempotency_key: str) -> str:
    """Where a cast's first answer is kept: computable only by whoever holds the card."""
    material = "\x1f".join([round_code, normalize(code), idempotency_key])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
