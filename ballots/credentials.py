"""Voting card codes: easy to type, hard to guess, stored only as a hash."""

import hashlib
import secrets
import unicodedata

# No look-alikes a representative could misread on a printed card or in a font: not 0/O, 1/I,
# S/5, Z/2 nor B/8. Cards printed with an older alphabet keep working: a code is only hashed.
ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
LENGTH = 15  # 26**15: over 70 bits


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, LENGTH, 5))


def _utf8_read_as_latin1(text: str) -> str:
    """A header's UTF-8 bytes (a tablet sending ＡＢＣ) as the server decoded them: Latin-1."""
    if text.isascii() or max(map(ord, text)) > 0xFF:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text


def normalize(code: str) -> str:
    """What a person typed or a scanner read, reduced to the code itself.

    Full-width letters and digits (a Chinese input method) become ASCII (NFKC); spaces, dashes
    and anything else that is no ASCII letter or digit are dropped. An ASCII code reduces as it
    always did, so the hashes of cards already printed keep matching.
    """
    text = unicodedata.normalize("NFKC", _utf8_read_as_latin1(code)).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def normalize_receipt(receipt: str) -> str:
    """A typed receipt: full-width to ASCII, spaces and dashes dropped, lower case."""
    text = unicodedata.normalize("NFKC", receipt)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐‑‒–—―−").lower()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode("ascii", "ignore")).hexdigest()


def reply_key(round_code: str, code: str, idempotency_key: str) -> str:
    """Where a cast's first answer is kept: computable only by whoever holds the card."""
    material = "\x1f".join([round_code, normalize(code), idempotency_key])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
