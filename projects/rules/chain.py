"""The staff action log's hash chain: each entry commits to the one before. Standard library only.

Entries are hashed as canonical JSON in the audit format's sense (keys sorted, no white space,
UTF-8 as itself); the ground floor encodes it here because it may not import the vote's rules.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "subject", "detail")


def entry_bytes(entry: Mapping[str, Any]) -> bytes:
    """One entry as canonical JSON, as hashed and as an auditor downloads it."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: Mapping[str, Any], previous: str) -> str:
    hashed = {**{k: entry[k] for k in FIELDS}, "prev": previous}
    return hashlib.sha256(entry_bytes(hashed)).hexdigest()


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
