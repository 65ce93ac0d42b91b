"""The staff action log's hash chain: each entry commits to the one before (stdlib only)."""

from collections.abc import Mapping, Sequence
from typing import Any

from ballots.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "subject", "detail")


def entry_hash(entry: Mapping[str, Any], previous: str) -> str:
    return sha256_hex(canonical_json({**{k: entry[k] for k in FIELDS}, "prev": previous}))


def chain_problems(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every break in the chain: a missing, added, reordered or edited entry shows up here."""
    problems = []
    previous_hash, previous_seq = GENESIS, 0
    for entry in entries:
        seq = entry["seq"]
        if seq != previous_seq + 1:
            problems.append(f"entry {seq}: follows entry {previous_seq} (a gap or a reordering)")
        if entry["prev"] != previous_hash:
            problems.append(f"entry {seq}: does not point to the entry before it")
        if entry["hash"] != entry_hash(entry, entry["prev"]):
            problems.append(f"entry {seq}: its content does not match its hash")
        previous_hash, previous_seq = entry["hash"], seq
    return problems
