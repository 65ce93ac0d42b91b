"""For random rounds: export → verify passes, and any single-byte change to a file fails."""

import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ballots.audit import archive, content, signature
from ballots.rules.records import make_ballot
from ballots.rules.tally import RoundRules, tally
from ballots.rules.terms import options_for
from ballots.rules.verify import verify
from ballots.signing import public_hex

KEY = Ed25519PrivateKey.generate()


@st.composite
def rounds(draw: st.DrawFn) -> dict[str, bytes]:
    kind = draw(st.sampled_from(["selection", "evaluation"]))
    named = draw(st.booleans())
    n_items = draw(st.integers(1, 5))
    seats = draw(st.integers(1, 9))
    present = draw(st.integers(0, seats))
    issued = draw(st.integers(0, present))
    to_select = draw(st.none() | st.integers(1, n_items)) if kind == "selection" else None
    max_yes = draw(st.none() | st.integers(1, n_items)) if kind == "selection" else None
    items = [(f"P{n}", n) for n in range(1, n_items + 1)]
    voters = [f"V{n}" for n in range(seats)]
    options = options_for(kind)
    ballots = []
    for n in range(draw(st.integers(0, issued))):
        marks = draw(
            st.dictionaries(st.sampled_from([i for i, _ in items]), st.sampled_from(options))
        )
        ballots.append(make_ballot(marks, voter=voters[n] if named else None))
    manifest: dict[str, Any] = {
        "format": "minsheng-audit/1",
        "session": {
            "id": "S",
            "title": "青山镇人代会",
            "body": "青山镇人民代表大会",
            "date": "2027-01-15",
        },
        "round": {
            "id": "R",
            "kind": kind,
            "secrecy": "named" if named else "secret",
            "options": list(options),
            "seats": seats,
            "present": present,
            "credentials_issued": issued,
            "to_select": to_select,
            "max_yes_per_ballot": max_yes,
            "opened_at": "2027-01-15T01:00:00Z",
            "closed_at": "2027-01-15T01:30:00Z",
        },
        "items": [{"id": i, "number": n, "title": f"项目{n}"} for i, n in items],
        "voters": [{"id": v, "name": v, "present": k < present} for k, v in enumerate(voters)],
        "public_key": public_hex(KEY),
        "action_log": {"entries": 7, "head": "ab" * 32},  # optional; signed like the rest
    }
    rules = RoundRules("R", kind, seats, to_select, max_yes, items)
    files = content(manifest, ballots, tally(rules, [b.choices for b in ballots]))
    files["signature.json"] = signature("R", files, KEY, public_hex(KEY))
    return files


def _verified(files: dict[str, bytes]) -> bool:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "R.zip"
        path.write_bytes(archive(files))
        return all(o.passed for o in verify(path, public_hex(KEY)))


@settings(max_examples=60, deadline=None)
@given(rounds())
def test_every_exported_round_verifies(files: dict[str, bytes]) -> None:
    assert _verified(files)


@settings(max_examples=150, deadline=None)
@given(
    rounds(),
    st.sampled_from(["manifest.json", "ballots.jsonl", "tally.json", "signature.json"]),
    st.data(),
)
def test_any_single_byte_change_fails(
    files: dict[str, bytes], name: str, data: st.DataObject
) -> None:
    original = files[name]
    assume(original)  # an empty board has no byte to change
    at = data.draw(st.integers(0, len(original) - 1), label="position")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != original[at]), label="new byte")
    altered = {**files, name: original[:at] + bytes([byte]) + original[at + 1 :]}
    assert not _verified(altered)
