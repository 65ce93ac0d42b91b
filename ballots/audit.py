"""The audit bundle of audit-format.md, built from a round's records and signed at close.

The manifest also anchors the congress's staff action log (the optional field `action_log`): its
head as the closing transaction finds it, before that transaction appends the round's own
round_closed entry. The log page compares the log with every round's anchor (registered below).
"""

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils.translation import gettext as _

from ballots.models import Ballot, Bundle, Round, VotingAction
from ballots.rules.canonical import canonical_json, sha256_hex
from ballots.rules.log_chain import anchor_of
from ballots.rules.records import BallotRecord, board_bytes
from ballots.rules.terms import TallyResult, options_for
from projects.action_log import Anchor, chain_head, register_anchors
from projects.models import Body

FORMAT = "minsheng-audit/1"
NAMES = ("manifest.json", "ballots.jsonl", "tally.json", "signature.json")
# Fixed zip entry times: the same files always make the same archive bytes.
EPOCH = (2000, 1, 1, 0, 0, 0)


def utc_text(moment: datetime | None) -> str:
    assert moment is not None, "a signed round has been opened and closed"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest(round_: Round, *, present: int, credentials_issued: int) -> dict[str, Any]:
    session = round_.session
    entries, head = chain_head(session.body)
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
        "action_log": {"entries": entries, "head": head},
    }


def records(ballots: list[Ballot]) -> list[BallotRecord]:
    return [
        BallotRecord(b.id, b.receipt, dict(b.choices), b.nonce, b.voter_code or None)
        for b in ballots
    ]


def files(round_: Round, ballots: list[Ballot], tally: TallyResult) -> dict[str, bytes]:
    """The three signed files, from the round's records at close."""
    assert round_.present_at_close is not None, "closing counts who is present first"
    issued = round_.credentials.filter(revoked=False).count()
    facts = manifest(round_, present=round_.present_at_close, credentials_issued=issued)
    return content(facts, records(ballots), tally)


def content(
    manifest: dict[str, Any], board: list[BallotRecord], tally: TallyResult
) -> dict[str, bytes]:
    return {
        "manifest.json": canonical_json(manifest),
        "ballots.jsonl": board_bytes(board),
        "tally.json": canonical_json(tally),
    }


def stored_records_problems(round_: Round) -> list[str]:
    """Where a closed round's stored records no longer match its signed bundle."""
    bundle = round_.bundle
    problems = []
    if board_bytes(records(list(round_.ballots.all()))) != bytes(bundle.ballots):
        problems.append("the stored ballots differ from the signed ballots.jsonl")
    if canonical_json(round_.tally) != bytes(bundle.tally):
        problems.append("the stored tally differs from the signed tally.json")
    signed = json.loads(bytes(bundle.manifest))
    signed_round = signed["round"]
    if [(i["id"], i["number"], i["title"]) for i in signed["items"]] != list(
        round_.items.order_by("number").values_list("code", "number", "title")
    ):
        problems.append("the stored items differ from the signed manifest")
    if (signed_round["present"], signed_round["to_select"], signed_round["max_yes_per_ballot"]) != (
        round_.present_at_close,
        round_.to_select,
        round_.max_yes_per_ballot,
    ):
        problems.append("the stored round facts differ from the signed manifest")
    if signed["public_key"] != round_.public_key:
        problems.append("the stored public key differs from the signed manifest")
    return problems


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


def signed_anchors(body: Body) -> list[Anchor]:
    """Each closed round's anchor of the body's log, from its stored signed manifest.

    A manifest that does not parse or carries no anchor (signed before anchors) gives none here:
    `check_round` and the verifier judge the bundle itself.
    """
    anchors = []
    stored = Bundle.objects.filter(round__session__body=body).order_by("round__code")
    for code, data in stored.values_list("round__code", "manifest"):
        try:
            anchor = anchor_of(json.loads(bytes(data)))
        except (ValueError, RecursionError, TypeError):
            continue
        if anchor is not None:
            anchors.append(
                Anchor(
                    where=_("the signed bundle of round %(round)s") % {"round": code},
                    entries=anchor.entries,
                    head=anchor.head,
                    closing=(str(VotingAction.ROUND_CLOSED), code),
                )
            )
    return anchors


register_anchors("ballots", signed_anchors)
