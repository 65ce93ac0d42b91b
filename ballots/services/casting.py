"""Casting a ballot: exactly once per card, in the transaction that uses the card up."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from ballots import credentials as card_codes
from ballots import live, sealing
from ballots.ballot_box import box_key, open_record, seal_record
from ballots.models import BallotReply, Credential, Round, RoundStatus, SealedBallot, Secrecy
from ballots.rules.canonical import canonical_json, sha256_hex
from ballots.rules.records import make_ballot
from ballots.rules.tally import yes_marks
from ballots.rules.terms import options_for
from ballots.selectors import ALREADY_VOTED, card_check
from projects.errors import Refused


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replayed: bool  # the same request seen before: its first answer, nothing stored now


def _invalid(detail: str) -> Refused:
    return Refused("invalid_ballot", detail)


def _check_choices(round_: Round, items: set[str], choices: Any) -> dict[str, str]:
    if not isinstance(choices, dict):
        raise _invalid(_("“choices” must be an object."))
    options = options_for(round_.kind)
    for item, option in choices.items():
        if item not in items:
            raise _invalid(_("Unknown item “%(id)s”.") % {"id": item})
        if not isinstance(option, str) or option not in options:
            raise _invalid(_("“%(option)s” is not an option of this round.") % {"option": option})
    return dict(choices)


def ballot_cast(*, round_code: str, code: str, choices: Any, key: str | None) -> CastResult:
    """Store one ballot for one card, exactly once, in the transaction that uses up the card."""
    round_ = Round.objects.select_related("session").filter(code=round_code).first()
    if round_ is None:
        raise Refused("unknown_round", _("There is no such round."))
    check = card_check(code=code, round_=round_)
    card = check.card
    if card is None:
        assert check.refusal is not None
        raise check.refusal
    if key is not None and not 0 < len(key) <= 64:
        raise _invalid(_("Idempotency-Key must be 1 to 64 characters."))
    items = set(round_.items.values_list("code", flat=True))  # once a cast: checked and sized
    marks = _check_choices(round_, items, choices)
    marks_hash = sha256_hex(canonical_json(marks))
    reply_at = card_codes.reply_key(round_.code, code, key) if key else None
    if reply_at:
        seen = _replay(round_, reply_at, marks_hash)
        if seen:
            return seen
    if check.refusal is not None:
        raise check.refusal
    limit = round_.max_yes_per_ballot
    if limit is not None and yes_marks(marks) > limit:
        raise Refused("too_many_yes", _("At most %(n)d items may be marked “for”.") % {"n": limit})
    named = round_.secrecy == Secrecy.NAMED
    record = make_ballot(marks, voter=card.voter.code if named and card.voter else None)
    # Only ciphertext is written while the round is open: the card row and these rows share a
    # transaction id, so nothing in them may say which ballot or receipt it was (secrecy.md).
    ballot_box = ballot_box_of(round_)
    size = sealing.ballot_size(round_.kind, sorted(items))
    sealed = seal_record(round_, ballot_box, record.board_object(), size)
    with transaction.atomic():
        if not _hold_open(round_):
            raise Refused("round_not_open", _("Voting in this round is not open."))
        if not Credential.objects.filter(pk=card.pk, used=False, revoked=False).update(used=True):
            used = True
        else:
            used = False
            SealedBallot.objects.create(id=secrets.token_hex(16), round=round_, box=sealed)
            if reply_at:
                answer = {"choices_hash": marks_hash, "receipt": record.receipt}
                BallotReply.objects.create(
                    key_hash=reply_at,
                    round=round_,
                    box=seal_record(round_, ballot_box, answer, sealing.REPLY_SIZE),
                )
            transaction.on_commit(lambda: live.round_changed(round_.code))
    if used:
        # A retry racing its own first attempt finds the answer the first one stored.
        seen = _replay(round_, reply_at, marks_hash) if reply_at else None
        if seen:
            return seen
        raise Refused("already_voted", str(ALREADY_VOTED))
    return CastResult(record.receipt, replayed=False)


def _replay(round_: Round, reply_at: str, marks_hash: str) -> CastResult | None:
    """The first answer to this card and key, while the round's box is still open."""
    reply = BallotReply.objects.filter(key_hash=reply_at, round=round_).first()
    if reply is None:
        return None
    try:
        answer = open_record(round_, box_key(Round.objects.get(pk=round_.pk)), reply.box)
    except LookupError:
        return None  # closed meanwhile: the answers went with the box
    if answer["choices_hash"] != marks_hash:
        raise Refused("already_voted", str(ALREADY_VOTED))
    return CastResult(str(answer["receipt"]), replayed=True)


def ballot_box_of(round_: Round) -> bytes:
    try:
        return box_key(round_)
    except LookupError:
        raise Refused("round_not_open", _("Voting in this round is not open.")) from None


def _hold_open(round_: Round) -> bool:
    """Share-lock the round row: casts run side by side, a close waits for them to finish."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM ballots_round WHERE id = %s AND status = %s FOR SHARE",
                [round_.pk, RoundStatus.OPEN],
            )
            return cursor.fetchone() is not None
    # SQLite runs one write transaction at a time, so a plain read is enough there.
    return Round.objects.filter(pk=round_.pk, status=RoundStatus.OPEN).exists()
