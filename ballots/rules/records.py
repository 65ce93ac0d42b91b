"""Ballot records as they stand on the bulletin board (audit-format.md, `ballots.jsonl`)."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from .canonical import canonical_json, sha256_hex


@dataclass(frozen=True)
class BallotRecord:
    id: str
    receipt: str
    choices: dict[str, str]
    nonce: str
    voter: str | None  # named rounds only

    def body(self) -> dict[str, object]:
        """The object the id hashes: the record without its id and receipt."""
        body: dict[str, object] = {"choices": self.choices, "nonce": self.nonce}
        if self.voter is not None:
            body["voter"] = self.voter
        return body

    def board_object(self) -> dict[str, object]:
        """The record as one line of ballots.jsonl holds it."""
        return {**self.body(), "id": self.id, "receipt": self.receipt}

    def line(self) -> bytes:
        return canonical_json(self.board_object()) + b"\n"


def ballot_id(body: dict[str, object]) -> str:
    return sha256_hex(canonical_json(body))


def make_ballot(
    choices: Mapping[str, str], voter: str | None = None, nonce: str = ""
) -> BallotRecord:
    """A new ballot with a fresh 16-byte nonce, so equal choices never give equal ids."""
    nonce = nonce or secrets.token_hex(16)
    marks = dict(choices)
    body: dict[str, object] = {"choices": marks, "nonce": nonce}
    if voter is not None:
        body["voter"] = voter
    identifier = ballot_id(body)
    return BallotRecord(identifier, identifier[:16], marks, nonce, voter)


def board_bytes(records: list[BallotRecord]) -> bytes:
    """The bulletin board: one canonical line per ballot, sorted by id (not casting order)."""
    return b"".join(r.line() for r in sorted(records, key=lambda r: r.id))
