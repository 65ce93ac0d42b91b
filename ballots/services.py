"""Every write to sessions, rounds, credentials and ballots."""

import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import audit, live, signing
from ballots import credentials as card_codes
from ballots.action_log import action_record
from ballots.canonical import canonical_json, sha256_hex
from ballots.models import (
    Action,
    Ballot,
    BallotReply,
    Bundle,
    Credential,
    Item,
    Kind,
    Round,
    RoundStatus,
    Secrecy,
    Session,
    Voter,
)
from ballots.records import make_ballot, options_for
from ballots.session_file import SessionSpec
from ballots.tally import RoundRules, places_left, tally
from projects.models import Body, Candidate, Level
from projects.selectors import listed_candidates, published_years


def rules_of(round_: Round) -> RoundRules:
    return RoundRules(
        round_id=round_.code,
        kind=round_.kind,
        seats=round_.session.voters.count(),
        to_select=round_.to_select,
        max_yes_per_ballot=round_.max_yes_per_ballot,
        items=list(round_.items.values_list("code", "number")),
    )


# -- sessions and rosters ---------------------------------------------------------------------


def session_create(
    *,
    body: Body,
    code: str,
    title: str,
    date: Any,
    rules_text: str = "",
    voters: list[tuple[str, str]] | None = None,
    actor: User | None = None,
) -> Session:
    """A session with its roster: the given voters, or else the body's seated representatives."""
    with transaction.atomic():
        session = Session(body=body, code=code, title=title, date=date, rules_text=rules_text)
        session.full_clean()
        session.save()
        if voters is None:
            Voter.objects.bulk_create(
                Voter(session=session, code=r.code, name=r.name, representative=r)
                for r in body.representatives.filter(active=True)
            )
        else:
            Voter.objects.bulk_create(
                Voter(session=session, code=code, name=name) for code, name in voters
            )
        action_record(
            body=body,
            actor=actor,
            action=Action.SESSION_CREATED,
            subject=session.code,
            detail={"title": title, "voters": session.voters.count()},
        )
    return session


def session_import(spec: SessionSpec, *, actor: User | None = None) -> Session:
    """Create what a session file describes; refuse whole if any id is already taken."""
    taken = []
    if Session.objects.filter(code=spec.id).exists():
        taken.append(_("session %(id)s") % {"id": spec.id})
    for code in Round.objects.filter(code__in=[r.id for r in spec.rounds]).values_list(
        "code", flat=True
    ):
        taken.append(_("round %(id)s") % {"id": code})
    if taken:
        raise ValidationError(_("Already exists: %(ids)s.") % {"ids": ", ".join(taken)})
    with transaction.atomic():
        body = _body_named(spec.body)
        session = session_create(
            body=body,
            code=spec.id,
            title=spec.title,
            date=spec.date,
            voters=spec.voters,
            actor=actor,
        )
        for r in spec.rounds:
            round_create(
                session=session,
                code=r.id,
                kind=r.kind,
                secrecy=r.secrecy,
                to_select=r.to_select,
                max_yes=r.max_yes_per_ballot,
                items=[(i.id, i.number, i.title, None) for i in r.items],
                actor=actor,
            )
        action_record(
            body=body,
            actor=actor,
            action=Action.SESSION_IMPORTED,
            subject=session.code,
            detail={"rounds": [r.id for r in spec.rounds]},
        )
    return session


def _body_named(name: str) -> Body:
    """The body a session file names, by code or name; a new township body if there is none."""
    found = Body.objects.filter(slug=name).first() or Body.objects.filter(name=name).first()
    if found:
        return found
    slug = f"body-{secrets.token_hex(4)}"
    return Body.objects.create(slug=slug, name=name, level=Level.TOWNSHIP)


def voters_check_in(*, session: Session, codes: list[str] | None, actor: User | None = None) -> int:
    """Mark voters present (报到): these codes, or everyone when None. Returns how many changed."""
    rows = session.voters.all()
    if codes is not None:
        known = set(rows.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise ValidationError(
                _("Not on this session's roster: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        rows = rows.filter(code__in=codes)
    with transaction.atomic():
        newly = list(rows.filter(present=False).values_list("code", flat=True))
        changed = rows.filter(present=False).update(present=True)
        if changed:
            action_record(
                body=session.body,
                actor=actor,
                action=Action.CHECKED_IN,
                subject=session.code,
                detail={"voters": sorted(newly)},
            )
    for round_ in session.rounds.filter(status=RoundStatus.OPEN):
        transaction.on_commit(partial(live.round_changed, round_.code))
    return changed


# -- rounds ------------------------------------------------------------------------------------


def round_create(
    *,
    session: Session,
    code: str,
    kind: str,
    secrecy: str,
    to_select: int | None,
    max_yes: int | None,
    items: list[tuple[str, int, str, Candidate | None]],
    follows: Round | None = None,
    actor: User | None = None,
) -> Round:
    if not items:
        raise ValidationError(_("A round needs at least one item."))
    if kind == Kind.EVALUATION and (to_select is not None or max_yes is not None):
        raise ValidationError(_("An evaluation round has no places and no yes limit."))
    if to_select is not None and not 1 <= to_select <= len(items):
        raise ValidationError(_("The places to fill must be between 1 and the number of items."))
    with transaction.atomic():
        round_ = Round(
            session=session,
            code=code,
            kind=kind,
            secrecy=secrecy,
            to_select=to_select,
            max_yes_per_ballot=max_yes,
            follows=follows,
        )
        round_.full_clean()
        round_.save()
        Item.objects.bulk_create(
            Item(round=round_, code=c, number=n, title=t, candidate=cand) for c, n, t, cand in items
        )
        action_record(
            body=session.body,
            actor=actor,
            action=Action.ROUND_CREATED,
            subject=code,
            detail={
                "kind": kind,
                "secrecy": secrecy,
                "to_select": to_select,
                "max_yes_per_ballot": max_yes,
                "items": [item[0] for item in items],
                "follows": follows.code if follows else None,
            },
        )
    return round_


def round_create_from_list(
    *,
    session: Session,
    code: str,
    year: int,
    secrecy: str,
    to_select: int | None,
    max_yes: int | None,
    actor: User | None = None,
) -> Round:
    """A selection round on a year's published candidate list, in list order."""
    if year not in published_years(session.body):
        raise ValidationError(
            _("The candidate list of %(year)d is not published.") % {"year": year}
        )
    listed = list(listed_candidates(session.body, year))
    return round_create(
        session=session,
        code=code,
        kind=Kind.SELECTION,
        secrecy=secrecy,
        to_select=to_select,
        max_yes=max_yes,
        items=[(f"C{c.pk}", n, c.name, c) for n, c in enumerate(listed, start=1)],
        actor=actor,
    )


def round_open(*, round_: Round, actor: User | None = None) -> Round:
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("session__body").get(pk=round_.pk)
        if round_.status != RoundStatus.DRAFT:
            raise ValidationError(_("Only a round that has not been opened can be opened."))
        seats = round_.session.voters.count()
        present = round_.session.voters.filter(present=True).count()
        needed = round_.session.body.quorum(seats)
        if present < needed:
            raise ValidationError(
                _(
                    "No quorum: %(present)d of %(seats)d representatives are present; "
                    "at least %(needed)d must be."
                )
                % {"present": present, "seats": seats, "needed": needed}
            )
        round_.status = RoundStatus.OPEN
        round_.opened_at = timezone.now().replace(microsecond=0)
        _give_key(round_)
        round_.save(update_fields=["status", "opened_at", "public_key", "key_salt", "sealed_key"])
        action_record(
            body=round_.session.body,
            actor=actor,
            action=Action.ROUND_OPENED,
            subject=round_.code,
            detail={"present": present, "seats": seats, "public_key": round_.public_key},
        )
        transaction.on_commit(lambda: live.round_changed(round_.code, at_once=True))
    return round_


def round_close(*, round_: Round, actor: User | None = None) -> Round:
    """Stop voting, count under the published rules and store the tally."""
    with transaction.atomic():
        # Waits for casts in flight (they hold the round FOR SHARE) and keeps new ones out.
        round_ = Round.objects.select_for_update().select_related("session").get(pk=round_.pk)
        if round_.status != RoundStatus.OPEN:
            raise ValidationError(_("Only an open round can be closed."))
        ballots = list(round_.ballots.order_by("id"))
        _forget_arrival_order(round_, ballots)
        round_.tally = tally(rules_of(round_), [b.choices for b in ballots])
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now().replace(microsecond=0)
        round_.present_at_close = round_.session.voters.filter(present=True).count()
        _sign(round_, ballots)
        round_.save(
            update_fields=[
                "tally",
                "status",
                "closed_at",
                "present_at_close",
                "public_key",
                "key_salt",
                "sealed_key",
            ]
        )
        action_record(
            body=round_.session.body,
            actor=actor,
            action=Action.ROUND_CLOSED,
            subject=round_.code,
            detail={
                "ballots_cast": round_.tally["ballots_cast"],
                "outcome": round_.tally["outcome"],
                "bundle_sha256": round_.bundle.archive_sha256,
            },
        )
        transaction.on_commit(lambda: live.round_changed(round_.code, at_once=True))
    return round_


def _give_key(round_: Round) -> None:
    sealed = signing.new_sealed_key(settings.SIGNING_KEK, round_.code)
    round_.public_key, round_.key_salt, round_.sealed_key = (
        sealed.public_key,
        sealed.salt,
        sealed.sealed,
    )


def _sign(round_: Round, ballots: list[Ballot]) -> None:
    """Write the bundle's files, sign them with the round's key, store them, destroy the key."""
    if not round_.sealed_key or not round_.key_salt:
        _give_key(round_)  # a round opened before keys existed: sign with a key made now
    assert round_.key_salt is not None and round_.sealed_key is not None
    key = signing.unseal(
        settings.SIGNING_KEK,
        round_.code,
        signing.SealedKey(round_.public_key, bytes(round_.key_salt), bytes(round_.sealed_key)),
    )
    assert round_.tally is not None
    content = audit.files(round_, ballots, round_.tally)
    content["signature.json"] = audit.signature(round_.code, content, key, round_.public_key)
    archive = audit.archive(content)
    Bundle.objects.create(
        round=round_,
        manifest=content["manifest.json"],
        ballots=content["ballots.jsonl"],
        tally=content["tally.json"],
        signature=content["signature.json"],
        archive=archive,
        archive_sha256=sha256_hex(archive),
    )
    round_.key_salt = round_.sealed_key = None  # the private key is gone for good


def _forget_arrival_order(round_: Round, ballots: list[Ballot]) -> None:
    """Rewrite the round's ballots in id order, so no stored row keeps the order they came in.

    Ballot ids are hashes, but SQLite's rowid and PostgreSQL's row placement still follow arrival.
    """
    replies = list(BallotReply.objects.filter(round=round_).order_by("key_hash"))
    BallotReply.objects.filter(round=round_).delete()
    Ballot.objects.filter(round=round_).delete()
    Ballot.objects.bulk_create(ballots)
    BallotReply.objects.bulk_create(replies)


def round_follow_up(*, round_: Round, actor: User | None = None) -> Round:
    """The next round a result calls for: a runoff among tied items, or a vote on places left."""
    if not round_.is_closed or round_.tally is None:
        raise ValidationError(_("The round is not closed."))
    outcome = round_.tally["outcome"]
    if outcome == "runoff_required":
        codes = set(round_.tally["ties"])
    elif outcome == "shortfall":
        codes = {r["item"] for r in round_.tally["results"] if not r["passed"]}
    else:
        raise ValidationError(_("This result is final; no further round is needed."))
    places = places_left(rules_of(round_), round_.tally)
    items = list(round_.items.filter(code__in=codes).order_by("number"))
    if round_.followers.exists():
        raise ValidationError(_("A further round for this result already exists."))
    suffix = 1 + Round.objects.filter(session=round_.session, follows__isnull=False).count()
    code = f"{round_.code[:56]}-R{suffix}"
    return round_create(
        session=round_.session,
        code=code,
        kind=round_.kind,
        secrecy=round_.secrecy,
        to_select=min(places, len(items)),
        max_yes=min(places, len(items)) if round_.max_yes_per_ballot else None,
        items=[(i.code, n, i.title, i.candidate) for n, i in enumerate(items, start=1)],
        follows=round_,
        actor=actor,
    )


def round_publish(*, round_: Round, actor: User | None = None) -> Round:
    """The presidium's notice (公告): the result is announced as final for the record."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("session__body").get(pk=round_.pk)
        if not round_.is_closed:
            raise ValidationError(_("The round is not closed."))
        if round_.results_published_at is None:
            round_.results_published_at = timezone.now()
            round_.save(update_fields=["results_published_at"])
            action_record(
                body=round_.session.body,
                actor=actor,
                action=Action.RESULT_PUBLISHED,
                subject=round_.code,
                detail={},
            )
    return round_


# -- credentials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    serial: int
    code: str
    voter_code: str | None
    voter_name: str | None


def credentials_issue(*, round_: Round, actor: User | None = None) -> list[Card]:
    """Cards for present voters who have none yet. A secret round's cards name nobody, shuffled."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.is_closed:
            raise ValidationError(_("The round is closed."))
        active = round_.credentials.filter(revoked=False)
        present = round_.session.voters.filter(present=True)
        serial = (round_.credentials.aggregate(top=Max("serial"))["top"] or 0) + 1
        cards: list[Card] = []
        rows: list[Credential] = []
        if round_.secrecy == Secrecy.NAMED:
            have = set(active.values_list("voter_id", flat=True))
            for voter in present.exclude(pk__in=have).order_by("code"):
                code = card_codes.new_code()
                cards.append(Card(serial, code, voter.code, voter.name))
                rows.append(_credential(round_, code, serial, voter))
                serial += 1
        else:
            for _index in range(max(0, present.count() - active.count())):
                code = card_codes.new_code()
                cards.append(Card(serial, code, None, None))
                rows.append(_credential(round_, code, serial, None))
                serial += 1
            secrets.SystemRandom().shuffle(cards)  # hand-out order says nothing
        Credential.objects.bulk_create(rows)
        if rows:
            action_record(
                body=round_.session.body,
                actor=actor,
                action=Action.CARDS_ISSUED,
                subject=round_.code,
                detail={"cards": len(rows), "numbers": sorted(c.serial for c in rows)},
            )
    return cards


def _credential(round_: Round, code: str, serial: int, voter: Voter | None) -> Credential:
    return Credential(
        round=round_, token_hash=card_codes.code_hash(code), serial=serial, voter=voter
    )


def credential_revoke(*, round_: Round, serial: int, actor: User | None = None) -> Credential:
    with transaction.atomic():
        card = Credential.objects.select_for_update().filter(round=round_, serial=serial).first()
        if card is None:
            raise ValidationError(_("No card number %(n)d in this round.") % {"n": serial})
        if round_.is_closed:
            raise ValidationError(_("The round is closed."))
        if card.used:
            raise ValidationError(_("Card %(n)d has already been used to vote.") % {"n": serial})
        card.revoked = True
        card.save(update_fields=["revoked"])
        action_record(
            body=round_.session.body,
            actor=actor,
            action=Action.CARD_REVOKED,
            subject=round_.code,
            detail={"number": serial},
        )
    return card


# -- casting -----------------------------------------------------------------------------------


class CastRefused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


@dataclass(frozen=True)
class CastResult:
    status: int  # 201 stored now, 200 the same request seen before
    receipt: str


def _check_choices(round_: Round, choices: Any) -> dict[str, str]:
    if not isinstance(choices, dict):
        raise CastRefused(400, "invalid_ballot", _("“choices” must be an object."))
    items = set(round_.items.values_list("code", flat=True))
    options = options_for(round_.kind)
    for item, option in choices.items():
        if item not in items:
            raise CastRefused(400, "invalid_ballot", _("Unknown item “%(id)s”.") % {"id": item})
        if not isinstance(option, str) or option not in options:
            raise CastRefused(
                400,
                "invalid_ballot",
                _("“%(option)s” is not an option of this round.") % {"option": option},
            )
    return dict(choices)


def ballot_cast(*, round_code: str, code: str, choices: Any, key: str | None) -> CastResult:
    """Store one ballot for one card, exactly once, in the transaction that uses up the card."""
    round_ = Round.objects.filter(code=round_code).first()
    if round_ is None:
        raise CastRefused(404, "unknown_round", _("There is no such round."))
    card = (
        Credential.objects.select_related("voter")
        .filter(round=round_, token_hash=card_codes.code_hash(code), revoked=False)
        .first()
    )
    if card is None:
        raise CastRefused(401, "bad_credential", _("This voting card is not valid for this round."))
    if key is not None and not 0 < len(key) <= 64:
        raise CastRefused(400, "invalid_ballot", _("Idempotency-Key must be 1 to 64 characters."))
    marks = _check_choices(round_, choices)
    marks_hash = sha256_hex(canonical_json(marks))
    reply_at = card_codes.reply_key(round_.code, code, key) if key else None
    if reply_at:
        seen = _replay(reply_at, marks_hash)
        if seen:
            return seen
    if not round_.is_open:
        raise CastRefused(409, "round_not_open", _("Voting in this round is not open."))
    if card.voter is not None and not card.voter.present:
        raise CastRefused(403, "not_present", _("This representative has not checked in."))
    limit = round_.max_yes_per_ballot
    if limit is not None and sum(1 for v in marks.values() if v == "yes") > limit:
        raise CastRefused(
            400,
            "too_many_yes",
            _("At most %(n)d items may be marked “for”.") % {"n": limit},
        )
    named = round_.secrecy == Secrecy.NAMED
    record = make_ballot(marks, voter=card.voter.code if named and card.voter else None)
    with transaction.atomic():
        if not _hold_open(round_):
            raise CastRefused(409, "round_not_open", _("Voting in this round is not open."))
        if not Credential.objects.filter(pk=card.pk, used=False, revoked=False).update(used=True):
            used = True
        else:
            used = False
            Ballot.objects.create(
                id=record.id,
                round=round_,
                receipt=record.receipt,
                nonce=record.nonce,
                choices=marks,
                voter_code=record.voter or "",
            )
            if reply_at:
                BallotReply.objects.create(
                    key_hash=reply_at, round=round_, choices_hash=marks_hash, receipt=record.receipt
                )
            transaction.on_commit(lambda: live.round_changed(round_.code))
    if used:
        # A retry racing its own first attempt finds the answer the first one stored.
        seen = _replay(reply_at, marks_hash) if reply_at else None
        if seen:
            return seen
        raise CastRefused(409, "already_voted", _("This voting card has already been used."))
    return CastResult(201, record.receipt)


def _replay(reply_at: str, marks_hash: str) -> CastResult | None:
    reply = BallotReply.objects.filter(key_hash=reply_at).first()
    if reply is None:
        return None
    if reply.choices_hash != marks_hash:
        raise CastRefused(409, "already_voted", _("This voting card has already been used."))
    return CastResult(200, reply.receipt)


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
