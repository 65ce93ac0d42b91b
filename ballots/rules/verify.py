"""Verify a minsheng-audit/1 bundle with the standard library and `cryptography`: no Django, no DB.

    python -m ballots.verify ROUND.zip [--key HEX] [--round ID] [--receipts FILE] [--log FILE]
    minsheng-verify ROUND.zip …      (installed on its own: pip install ./ballots/rules)

Prints every check of audit-format.md with PASS, FAIL or SKIP and the reason, then one verdict line:
    VERIFIED                          exit 0: every check passed, signed by the key given (--key)
    NOT VERIFIED                      exit 1: a check failed (or the input is not a bundle at all)
    SIGNATURE VALID, SIGNER UNVERIFIED: compare the key fingerprint … with the one announced in the
    hall for round …                  exit 3: every check passed, but no --key was given, so anyone
                                      could have made and signed this bundle with a key of their own
Exit 2 is argparse's: the command line itself is wrong. Whatever the files hold, the answer is
a FAIL line, never a traceback.
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
from .log_chain import anchor_of, anchor_problems, chain_problems, closing_problems, parse_log
from .tally import RoundRules, tally
from .terms import OPTIONS, Kind, Secrecy

NAMES = {"manifest.json", "ballots.jsonl", "tally.json", "signature.json"}
HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
HEX32 = re.compile(r"\A[0-9a-f]{32}\Z")
HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")
LONGEST_REASON = 400  # a reason quotes the bundle; a huge value is not echoed whole

# Exit codes of the command line (documented in docs/auditing.md).
EXIT_VERIFIED, EXIT_FAILED, EXIT_SIGNER_UNVERIFIED = 0, 1, 3


class Failed(Exception):
    """A check failed; the message says where and why."""


@dataclass
class Bundle:
    raw: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    ballots: list[dict[str, Any]] = field(default_factory=list)
    tally: dict[str, Any] = field(default_factory=dict)
    signature: dict[str, Any] = field(default_factory=dict)
    signer: str = ""  # public_key, once check 6 has verified the signature under it


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
        return printable(f"[{mark}] {self.number} {self.name}: {self.reason}")


def printable(text: str) -> str:
    """One line as shown: control and formatting characters quoted from a bundle are escaped, so
    that no value can start a line of its own (a forged "VERIFIED") or reorder what is shown."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def fingerprint(public_key: str) -> str:
    """The key as read aloud in the hall and printed on the result: groups of 4 hex digits."""
    return " ".join(public_key[i : i + 4] for i in range(0, len(public_key), 4))


@dataclass(frozen=True)
class Verdict:
    """The checks' outcomes and what they add up to, with the line and exit code that say it."""

    outcomes: list[Outcome]
    key_pinned: bool  # --key was given, so check 6 compared the signer with the published key
    public_key: str = ""  # the key the bundle is signed with, once its signature verified
    round_id: str = ""

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def verified(self) -> bool:
        return self.passed and self.key_pinned

    @property
    def exit_code(self) -> int:
        if not self.passed:
            return EXIT_FAILED
        return EXIT_VERIFIED if self.key_pinned else EXIT_SIGNER_UNVERIFIED

    def line(self) -> str:
        if not self.passed:
            return "NOT VERIFIED"
        if self.key_pinned:
            return "VERIFIED"
        return printable(
            f"SIGNATURE VALID, SIGNER UNVERIFIED: compare the key fingerprint "
            f"{fingerprint(self.public_key)} with the one announced in the hall for round "
            f"{_clip(self.round_id, 80)}"
        )


def _clip(text: str, limit: int = LONGEST_REASON) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        # ValueError: bad UTF-8, bad JSON, or a number too long to convert; RecursionError: nested
        # deeper than the parser goes. Either way the file is not what the contract says.
        raise Failed(f"{name} does not parse: {_clip(str(error), 160)}") from None


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
def check_signature(bundle: Bundle, key: str | None, round_id: str | None = None) -> str:
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
    if round_id is not None and signed["round"] != round_id:
        raise Failed(
            f"the bundle is of round {signed['round']!r}, not of the round given (--round "
            f"{round_id!r})"
        )
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
    if key is not None and "".join(key.split()).lower() != public:
        raise Failed("the public key is not the one given out of band (--key)")
    bundle.signer = public
    pinned = " for the round given" if round_id is not None else ""
    if key is None:
        return f"hashes match; signature verifies{pinned}; the signer is not checked (no --key)"
    return f"hashes match; signature verifies under the published key{pinned}"


# 7 ---------------------------------------------------------------------------------------------
def check_receipts(bundle: Bundle, receipts: list[str] | Path) -> str:
    if isinstance(receipts, Path):
        receipts = _receipts(receipts)
    board = {ballot["receipt"] for ballot in bundle.ballots}
    missing = [r for r in receipts if r not in board]
    if missing:
        raise Failed(f"not on the board: {', '.join(missing)}")
    return f"all {len(receipts)} receipts are on the board"


def _receipts(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        raise Failed(f"cannot read {path}: {error}") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


# 8 (an addition to the contract's checks: the staff action log against the bundle's anchor) ---
def check_log(bundle: Bundle, archive: Path, log: Path) -> str:
    try:
        anchor = anchor_of(bundle.manifest)
    except ValueError as error:
        raise Failed(f"the manifest's {error}") from None
    if anchor is None:
        raise Failed("the bundle carries no action_log anchor to check the log against")
    try:
        data, zipped = log.read_bytes(), archive.read_bytes()
    except OSError as error:
        raise Failed(f"cannot read {log}: {error}") from None
    try:
        entries = parse_log(data)
    except ValueError as error:
        raise Failed(f"{log.name}: {error}") from None
    round_id = bundle.manifest["round"]["id"]
    problems = chain_problems(entries) + (
        anchor_problems(entries, anchor)
        or closing_problems(entries, anchor, round_id, sha256_hex(zipped))
    )
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if problems[3:] else ""
        )
        raise Failed(f"{len(entries)} entries, the chain is broken: {shown}")
    return (
        f"{len(entries)} entries, chained; the log reaches the anchor ({anchor.entries} entries, "
        f"head {anchor.head[:16]}…) and then records round_closed of round {round_id}"
    )


def verify(
    archive: Path,
    key: str | None = None,
    receipts: list[str] | Path | None = None,
    *,
    round_id: str | None = None,
    log: Path | None = None,
) -> list[Outcome]:
    """Run the checks in order; one whose prerequisite failed is skipped, not guessed at."""
    return judge(archive, key, receipts, round_id=round_id, log=log).outcomes


def judge(
    archive: Path,
    key: str | None = None,
    receipts: list[str] | Path | None = None,
    *,
    round_id: str | None = None,
    log: Path | None = None,
) -> Verdict:
    """The checks and their verdict. `key` pins the signer (without it the verdict is at best
    SIGNER UNVERIFIED), `round_id` the round; `receipts` and `log` add checks 7 and 8."""
    bundle = Bundle()
    checks: list[tuple[int, str, set[int], Callable[[], str]]] = [
        (1, "files", set(), lambda: check_files(bundle, archive)),
        (2, "board", {1}, lambda: check_board(bundle)),
        (3, "choices", {1, 2}, lambda: check_choices(bundle)),
        (4, "counts", {1, 2}, lambda: check_counts(bundle)),
        (5, "tally", {1, 2, 3}, lambda: check_tally(bundle)),
        (6, "signature", {1}, lambda: check_signature(bundle, key, round_id)),
    ]
    if receipts is not None:
        checks.append((7, "receipts", {1, 2}, lambda: check_receipts(bundle, receipts)))
    if log is not None:
        checks.append((8, "log", {1, 6}, lambda: check_log(bundle, archive, log)))
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
            outcomes.append(Outcome(number, name, True, _clip(run())))
        except Failed as failure:
            outcomes.append(Outcome(number, name, False, _clip(str(failure))))
        except RecursionError:
            outcomes.append(Outcome(number, name, False, "malformed bundle: nested too deeply"))
        except Exception as error:  # whatever else the bundle provokes: a FAIL line, no traceback
            reason = f"malformed bundle: {type(error).__name__}: {error}"
            outcomes.append(Outcome(number, name, False, _clip(reason)))
        if not outcomes[-1].passed:
            failed.add(number)
    round_ = bundle.manifest.get("round") if bundle.signer else None
    shown_round = str(round_.get("id", "")) if isinstance(round_, dict) else ""
    return Verdict(outcomes, key is not None, bundle.signer, shown_round)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ballots.verify", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("zip", type=Path)
    parser.add_argument(
        "--key",
        help="the round's public key as announced in the hall and printed on the result "
        "(64 hex digits, spaces allowed); without it the signer is not verified (exit 3)",
    )
    parser.add_argument("--round", help="the round id the bundle must be of (e.g. R1)")
    parser.add_argument("--receipts", type=Path, help="a file of receipts, one a line")
    parser.add_argument(
        "--log",
        type=Path,
        help="the congress's staff action log as downloaded (JSON lines): must reach the "
        "bundle's anchor",
    )
    args = parser.parse_args(argv)
    verdict = judge(args.zip, args.key, args.receipts, round_id=args.round, log=args.log)
    for outcome in verdict.outcomes:
        _say(outcome.line())
    _say(verdict.line())
    return verdict.exit_code


def _say(line: str) -> None:
    """Print a line whatever it quotes: characters the terminal cannot show are escaped."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(line.encode(encoding, "backslashreplace").decode(encoding, "replace"))


if __name__ == "__main__":
    sys.exit(main())
