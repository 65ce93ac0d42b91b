"""Verify a minsheng-audit/1 bundle with the standard library and `cryptography`: no Django, no DB.

    python -m ballots.verify ROUND.zip [--key HEX] [--receipts FILE]
    minsheng-verify ROUND.zip …      (installed on its own: pip install ./ballots/rules)

Prints every check of audit-format.md with PASS or FAIL and the reason; exits 0 only if all pass.
"""

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import canonical_json, sha256_hex
from .tally import RoundRules, tally
from .terms import OPTIONS, Kind, Secrecy

NAMES = {"manifest.json", "ballots.jsonl", "tally.json", "signature.json"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX128 = re.compile(r"^[0-9a-f]{128}$")


class Failed(Exception):
    """A check failed; the message says where and why."""


@dataclass
class Bundle:
    raw: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    ballots: list[dict[str, Any]] = field(default_factory=list)
    tally: dict[str, Any] = field(default_factory=dict)
    signature: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    number: int
    name: str
    passed: bool
    reason: str

    @property
    def skipped(self) -> bool:
        return self.reason.startswith("skipped:")

    def line(self) -> str:
        mark = "PASS" if self.passed else "SKIP" if self.skipped else "FAIL"
        return f"[{mark}] {self.number} {self.name}: {self.reason}"


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Failed(f"{name} does not parse: {error}") from None


# 1 ---------------------------------------------------------------------------------------------
def check_files(bundle: Bundle, archive: Path) -> str:
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = zipped.namelist()
            if sorted(names) != sorted(NAMES) or len(names) != len(set(names)):
                raise Failed(f"the zip must hold exactly {sorted(NAMES)}, it holds {names}")
            bundle.raw = {name: zipped.read(name) for name in NAMES}
    except (zipfile.BadZipFile, OSError) as error:
        raise Failed(f"not a readable zip: {error}") from None
    bundle.manifest = _json(bundle.raw["manifest.json"], "manifest.json")
    bundle.tally = _json(bundle.raw["tally.json"], "tally.json")
    bundle.signature = _json(bundle.raw["signature.json"], "signature.json")
    for name in ("manifest", "tally", "signature"):
        if not isinstance(getattr(bundle, name), dict):
            raise Failed(f"{name}.json is not an object")
    if bundle.manifest.get("format") != "minsheng-audit/1":
        raise Failed(f"format is {bundle.manifest.get('format')!r}, not 'minsheng-audit/1'")
    round_ = bundle.manifest.get("round")
    if not isinstance(round_, dict) or round_.get("kind") not in set(Kind):
        raise Failed("manifest round.kind is not selection or evaluation")
    if round_.get("options") != list(OPTIONS[Kind(round_["kind"])]):
        raise Failed(f"options {round_.get('options')} are not those of a {round_['kind']} round")
    return "four files, each parses; format and options are right"


# 2 ---------------------------------------------------------------------------------------------
def check_board(bundle: Bundle) -> str:
    data = bundle.raw["ballots.jsonl"]
    if data and not data.endswith(b"\n"):
        raise Failed("the last line does not end in a newline")
    previous = ""
    for number, line in enumerate(data.split(b"\n")[:-1] if data else [], start=1):
        record = _json(line, f"ballots.jsonl line {number}")
        if not isinstance(record, dict):
            raise Failed(f"line {number} is not an object")
        if canonical_json(record) != line:
            raise Failed(f"line {number} is not canonical JSON")
        body = {k: v for k, v in record.items() if k not in ("id", "receipt")}
        identifier = sha256_hex(canonical_json(body))
        if record.get("id") != identifier:
            raise Failed(f"line {number}: id does not match its content (expected {identifier})")
        if record.get("receipt") != identifier[:16]:
            raise Failed(f"line {number}: receipt is not the first 16 hex digits of the id")
        if not isinstance(record.get("nonce"), str) or not HEX32.match(record["nonce"]):
            raise Failed(f"line {number}: nonce is not 32 hex digits")
        if identifier <= previous:
            raise Failed(f"line {number}: not sorted by id, or a repeated id")
        previous = identifier
        bundle.ballots.append(record)
    return f"{len(bundle.ballots)} ballots; canonical, sorted, ids and receipts recompute"


# 3 ---------------------------------------------------------------------------------------------
def check_choices(bundle: Bundle) -> str:
    round_ = bundle.manifest["round"]
    items = {item["id"] for item in bundle.manifest.get("items", [])}
    options = set(round_["options"])
    roster = {v["id"]: v for v in bundle.manifest.get("voters", [])}
    named = round_.get("secrecy") == Secrecy.NAMED
    if round_.get("secrecy") not in set(Secrecy):
        raise Failed("round.secrecy is neither secret nor named")
    seen: set[str] = set()
    for number, ballot in enumerate(bundle.ballots, start=1):
        choices = ballot.get("choices")
        if not isinstance(choices, dict):
            raise Failed(f"ballot {number}: choices is not an object")
        for item, option in choices.items():
            if item not in items:
                raise Failed(f"ballot {number}: item {item!r} is not on the manifest")
            if option not in options:
                raise Failed(f"ballot {number}: {option!r} is not an option of this round")
        if named:
            voter = ballot.get("voter")
            if voter not in roster:
                raise Failed(f"ballot {number}: voter {voter!r} is not on the roster")
            if not roster[voter].get("present"):
                raise Failed(f"ballot {number}: voter {voter} is not marked present")
            if voter in seen:
                raise Failed(f"ballot {number}: voter {voter} votes twice")
            seen.add(str(voter))
        elif "voter" in ballot:
            raise Failed(f"ballot {number}: a secret ballot carries a voter")
    return "every choice names an item and an option" + (
        "; one ballot per named voter" if named else "; no voter on a secret ballot"
    )


# 4 ---------------------------------------------------------------------------------------------
def check_counts(bundle: Bundle) -> str:
    round_ = bundle.manifest["round"]
    cast = bundle.tally.get("ballots_cast")
    issued, present, seats = (
        round_.get("credentials_issued"),
        round_.get("present"),
        round_.get("seats"),
    )
    if cast != len(bundle.ballots):
        raise Failed(f"ballots_cast is {cast} but the board has {len(bundle.ballots)} lines")
    if not all(isinstance(n, int) for n in (issued, present, seats)):
        raise Failed("credentials_issued, present and seats must be whole numbers")
    if not cast <= issued <= present <= seats:
        raise Failed(
            f"cast {cast} ≤ issued {issued} ≤ present {present} ≤ seats {seats} does not hold"
        )
    marked = sum(1 for v in bundle.manifest.get("voters", []) if v.get("present") is True)
    if marked != present:
        raise Failed(f"present is {present} but {marked} roster entries are marked present")
    return f"cast {cast} ≤ issued {issued} ≤ present {present} ≤ seats {seats}"


# 5 ---------------------------------------------------------------------------------------------
def check_tally(bundle: Bundle) -> str:
    round_ = bundle.manifest["round"]
    rules = RoundRules(
        round_id=round_["id"],
        kind=round_["kind"],
        seats=round_["seats"],
        to_select=round_.get("to_select"),
        max_yes_per_ballot=round_.get("max_yes_per_ballot"),
        items=[(item["id"], item["number"]) for item in bundle.manifest["items"]],
    )
    expected = tally(rules, [ballot["choices"] for ballot in bundle.ballots])
    if expected != bundle.tally:
        differing = sorted(
            k for k in set(expected) | set(bundle.tally) if expected.get(k) != bundle.tally.get(k)
        )
        raise Failed(f"recounting gives a different tally in {differing}")
    return f"recount agrees: outcome {expected['outcome']}"


# 6 ---------------------------------------------------------------------------------------------
def check_signature(bundle: Bundle, key: str | None) -> str:
    sig = bundle.signature
    signed = sig.get("signed")
    if sig.get("algorithm") != "Ed25519" or not isinstance(signed, dict):
        raise Failed("signature.json is not an Ed25519 signature over a 'signed' object")
    for name, file in (
        ("manifest", "manifest.json"),
        ("ballots", "ballots.jsonl"),
        ("tally", "tally.json"),
    ):
        if signed.get(name) != sha256_hex(bundle.raw[file]):
            raise Failed(f"the hash of {file} does not match signed.{name}")
    if signed.get("round") != bundle.manifest["round"]["id"]:
        raise Failed("signed.round is not the manifest's round id")
    public = sig.get("public_key")
    if public != bundle.manifest.get("public_key"):
        raise Failed("the signature's public key is not the manifest's")
    if not isinstance(public, str) or not HEX64.match(public):
        raise Failed("public_key is not 64 hex digits")
    if not HEX128.match(str(sig.get("signature", ""))):
        raise Failed("signature is not 128 lowercase hex digits")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            bytes.fromhex(str(sig.get("signature", ""))), canonical_json(signed)
        )
    except (InvalidSignature, ValueError):
        raise Failed("the signature does not verify under the public key") from None
    if key is not None and key.replace(" ", "").lower() != public:
        raise Failed("the public key is not the one given out of band (--key)")
    return "hashes match; signature verifies" + (" under the published key" if key else "")


# 7 ---------------------------------------------------------------------------------------------
def check_receipts(bundle: Bundle, receipts: list[str]) -> str:
    board = {ballot["receipt"] for ballot in bundle.ballots}
    missing = [r for r in receipts if r not in board]
    if missing:
        raise Failed(f"not on the board: {', '.join(missing)}")
    return f"all {len(receipts)} receipts are on the board"


def verify(
    archive: Path, key: str | None = None, receipts: list[str] | None = None
) -> list[Outcome]:
    """Run the checks in order; one whose prerequisite failed is skipped, not guessed at."""
    bundle = Bundle()
    checks: list[tuple[int, str, set[int], Callable[[], str]]] = [
        (1, "files", set(), lambda: check_files(bundle, archive)),
        (2, "board", {1}, lambda: check_board(bundle)),
        (3, "choices", {1, 2}, lambda: check_choices(bundle)),
        (4, "counts", {1, 2}, lambda: check_counts(bundle)),
        (5, "tally", {1, 2, 3}, lambda: check_tally(bundle)),
        (6, "signature", {1}, lambda: check_signature(bundle, key)),
    ]
    if receipts is not None:
        checks.append((7, "receipts", {1, 2}, lambda: check_receipts(bundle, receipts)))
    outcomes: list[Outcome] = []
    failed: set[int] = set()
    for number, name, needs, run in checks:
        if needs & failed:
            outcomes.append(
                Outcome(number, name, False, "skipped: an earlier check it needs failed")
            )
            failed.add(number)
            continue
        try:
            outcomes.append(Outcome(number, name, True, run()))
        except Failed as failure:
            outcomes.append(Outcome(number, name, False, str(failure)))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            outcomes.append(Outcome(number, name, False, f"malformed bundle: {error!r}"))
        if not outcomes[-1].passed:
            failed.add(number)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ballots.verify", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("zip", type=Path)
    parser.add_argument("--key", help="the round's public key as published (64 hex digits)")
    parser.add_argument("--receipts", type=Path, help="a file of receipts, one a line")
    args = parser.parse_args(argv)
    receipts = None
    if args.receipts:
        receipts = [line.strip() for line in args.receipts.read_text().splitlines() if line.strip()]
    outcomes = verify(args.zip, args.key, receipts)
    for outcome in outcomes:
        print(outcome.line())
    good = all(o.passed for o in outcomes)
    print("VERIFIED" if good else "NOT VERIFIED")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
