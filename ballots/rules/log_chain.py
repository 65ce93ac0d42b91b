"""The staff action log, checked from a downloaded copy against a bundle's anchor. Standard library.

The server keeps one hash chain of staff actions per congress (projects/rules/chain.py writes it)
and an auditor downloads it as JSON lines (`actions-<congress>.jsonl`, one entry a line in `seq`
order). Each entry is `{"seq", "at", "actor", "action", "subject", "detail", "prev", "hash"}`, where
`hash = H(canonical_json(entry without "hash"))`, `prev` is the hash of the entry before (64 zeros
for the first) and `seq` counts 1, 2, 3 … The rule is restated here, in a few lines, because this
package installs alone and may not import the product; tests hold the two to the same hashes.

A chain checks only itself: cutting entries off its end leaves it whole. So every signed bundle
carries an *anchor*, the optional manifest field `action_log: {"entries": n, "head": hex}`: the
number of entries (the last one's seq) and the last entry's hash as the closing transaction found
them, just before it appended the round's own `round_closed` entry. A log that still holds the
round's history holds entry n with that hash and, after it, the `round_closed` entry of the round
naming the bundle's SHA-256.
"""

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "action", "subject", "detail")
ROUND_CLOSED = "round_closed"  # the action the product records when a round closes and signs
HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Anchor:
    entries: int  # the seq of the log's last entry then (0: the log was empty)
    head: str  # that entry's hash (GENESIS when empty)


def entry_hash(entry: Mapping[str, Any], previous: str) -> str:
    """Exactly projects.rules.chain.entry_hash: canonical JSON of the entry's fields and `prev`."""
    hashed = {**{k: entry[k] for k in FIELDS}, "prev": previous}
    data = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def parse_log(data: bytes) -> list[dict[str, Any]]:
    """The downloaded JSON lines as entries; ValueError says which line is wrong."""
    entries = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
        except (ValueError, RecursionError) as error:  # JSON, UTF-8, too long a number, too deep
            raise ValueError(f"line {number} does not parse: {str(error)[:120]}") from None
        if not isinstance(entry, dict) or not all(k in entry for k in (*FIELDS, "prev", "hash")):
            raise ValueError(f"line {number} is not an action log entry")
        if type(entry["seq"]) is not int or not all(
            isinstance(entry[k], str) for k in ("prev", "hash", "action", "subject")
        ):
            raise ValueError(f"line {number}: seq, prev, hash, action or subject has a wrong type")
        entries.append(entry)
    return entries


def chain_problems(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every break in the chain, in the words of projects.rules.chain.chain_problems."""
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


def anchor_of(manifest: Mapping[str, Any]) -> Anchor | None:
    """The manifest's anchor, None if it has none; ValueError if the field is malformed."""
    if "action_log" not in manifest:
        return None
    field = manifest["action_log"]
    if not isinstance(field, dict) or set(field) != {"entries", "head"}:
        raise ValueError('action_log is not {"entries": int, "head": hex}')
    entries, head = field["entries"], field["head"]
    if type(entries) is not int or entries < 0:
        raise ValueError("action_log.entries is not a whole number")
    if not isinstance(head, str) or not HEX64.match(head) or (entries == 0) != (head == GENESIS):
        raise ValueError("action_log.head is not the 64 hex digits of a chain head")
    return Anchor(entries, head)


def anchor_problems(entries: Sequence[Mapping[str, Any]], anchor: Anchor) -> list[str]:
    """Where the log no longer reaches the anchor: its end cut off, or its head rewritten."""
    if anchor.entries == 0:
        return []
    last = max((e["seq"] for e in entries), default=0)
    if last < anchor.entries:
        return [
            f"entries missing after entry {last}: the bundle anchors the log at "
            f"{anchor.entries} entries"
        ]
    anchored = [e for e in entries if e["seq"] == anchor.entries]
    if not anchored:
        return [f"entry {anchor.entries}, where the bundle anchors the log, is missing"]
    if anchored[0]["hash"] != anchor.head:
        return [
            f"head differs: entry {anchor.entries} does not have the hash the bundle anchors "
            f"({anchor.head[:16]}…)"
        ]
    return []


def closing_problems(
    entries: Sequence[Mapping[str, Any]], anchor: Anchor, round_id: str, bundle_sha256: str
) -> list[str]:
    """The round's round_closed entry must follow the anchor and name this very bundle."""
    for entry in entries:
        if (
            entry["seq"] > anchor.entries
            and entry["action"] == ROUND_CLOSED
            and entry["subject"] == round_id
        ):
            detail = entry["detail"]
            named = detail.get("bundle_sha256") if isinstance(detail, dict) else None
            if named != bundle_sha256:
                return [f"entry {entry['seq']} closes round {round_id} with another bundle"]
            return []
    return [f"no {ROUND_CLOSED} entry of round {round_id} after entry {anchor.entries}"]
