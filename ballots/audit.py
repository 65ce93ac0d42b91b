"""The audit bundle of audit-format.md, built from a round's records and signed at close."""

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.canonical import canonical_json, sha256_hex
from ballots.models import Ballot, Round
from ballots.records import BallotRecord, board_bytes, options_for

FORMAT = "minsheng-audit/1"
NAMES = ("manifest.json", "ballots.jsonl", "tally.json", "signature.json")
# Fixed zip entry times: the same files always make the same archive bytes.
EPOCH = (2000, 1, 1, 0, 0, 0)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest(round_: Round, *, present: int, credentials_issued: int) -> dict[str, Any]:
    session = round_.session
    return {
        "format": FORMAT,
        "session": {
            "id": session.code,
            "title": session.title,
            "body": session.body.name,
            "date": session.date.isoformat(),
        },
        "round": {
            "id": round_.code,
            "kind": round_.kind,
            "secrecy": round_.secrecy,
            "options": list(options_for(round_.kind)),
            "seats": session.voters.count(),
            "present": present,
            "credentials_issued": credentials_issued,
            "to_select": round_.to_select,
            "max_yes_per_ballot": round_.max_yes_per_ballot,
            "opened_at": utc_text(round_.opened_at),
            "closed_at": utc_text(round_.closed_at),
        },
        "items": [
            {"id": item.code, "number": item.number, "title": item.title}
            for item in round_.items.order_by("number")
        ],
        "voters": [
            {"id": v.code, "name": v.name, "present": v.present}
            for v in session.voters.order_by("code")
        ],
        "public_key": round_.public_key,
    }


def records(ballots: list[Ballot]) -> list[BallotRecord]:
    return [
        BallotRecord(b.id, b.receipt, dict(b.choices), b.nonce, b.voter_code or None)
        for b in ballots
    ]


def files(round_: Round, ballots: list[Ballot], tally: dict[str, Any]) -> dict[str, bytes]:
    """The three signed files, from the round's records at close."""
    present = round_.session.voters.filter(present=True).count()
    issued = round_.credentials.filter(revoked=False).count()
    return {
        "manifest.json": canonical_json(
            manifest(round_, present=present, credentials_issued=issued)
        ),
        "ballots.jsonl": board_bytes(records(ballots)),
        "tally.json": canonical_json(tally),
    }


def signature(
    round_id: str, content: dict[str, bytes], key: Ed25519PrivateKey, public: str
) -> bytes:
    signed = {
        "round": round_id,
        "manifest": sha256_hex(content["manifest.json"]),
        "ballots": sha256_hex(content["ballots.jsonl"]),
        "tally": sha256_hex(content["tally.json"]),
    }
    return canonical_json(
        {
            "algorithm": "Ed25519",
            "public_key": public,
            "signed": signed,
            "signature": key.sign(canonical_json(signed)).hex(),
        }
    )


def archive(content: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in NAMES:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, content[name])
    return out.getvalue()
