"""Voting rounds: create, open, close and sign, follow up a tie or a shortfall, publish."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import audit, live, round_facts, signing
from ballots.ballot_box import box_key, destroy_box_key, give_box_key, open_record
from ballots.models import (
    Ballot,
    BallotReply,
    Bundle,
    Item,
    Round,
    RoundStatus,
    SealedBallot,
    Session,
    VotingAction,
)
from ballots.project_links import problem_words, project_problems
from ballots.rules.canonical import sha256_hex
from ballots.rules.tally import RoundRules, places_left, tally
from ballots.rules.terms import Kind, Outcome
from ballots.signals import round_closed
from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Candidate
from projects.selectors import listed_candidates, published_years

# The round's two keys, made at opening and destroyed at close (signing.py, sealing.py).
KEY_FIELDS = ["public_key", "key_salt", "sealed_key", "box_salt", "sealed_box_key"]


def rules_of(round_: Round) -> RoundRules:
    return RoundRules(
        round_id=round_.code,
        kind=round_.kind,
        seats=round_.session.voters.count(),
        to_select=round_.to_select,
        max_yes_per_ballot=round_.max_yes_per_ballot,
        items=list(round_.items.values_list("code", "number")),
    )


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
    project_codes: Mapping[str, str] | None = None,
) -> Round:
    """`project_codes`: an evaluation item's tracked project id, by item code (optional)."""
    if not items:
        raise Refused("no_items", _("A round needs at least one item."))
    named = project_codes or {}
    projects = {item[0]: named[item[0]] for item in items if named.get(item[0])}
    _check_projects(session=session, code=code, kind=kind, projects=projects)
    if kind == Kind.EVALUATION and (to_select is not None or max_yes is not None):
        raise Refused(
            "evaluation_has_no_limits", _("An evaluation round has no places and no yes limit.")
        )
    if to_select is not None and not 1 <= to_select <= len(items):
        raise Refused(
            "places_out_of_range",
            _("The places to fill must be between 1 and the number of items."),
        )
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
            Item(
                round=round_,
                code=c,
                number=n,
                title=t,
                candidate=cand,
                project_code=projects.get(c, ""),
            )
            for c, n, t, cand in items
        )
        action_record(
            body=session.body,
            actor=actor,
            action=VotingAction.ROUND_CREATED,
            subject=code,
            detail={
                "kind": kind,
                "secrecy": secrecy,
                "to_select": to_select,
                "max_yes_per_ballot": max_yes,
                "items": [item[0] for item in items],
                "follows": follows.code if follows else None,
                **({"projects": projects} if projects else {}),
            },
        )
    return round_


def _check_projects(*, session: Session, code: str, kind: str, projects: dict[str, str]) -> None:
    """Only an evaluation round's items name tracked projects, each once, each of this congress."""
    if not projects:
        return
    if kind != Kind.EVALUATION:
        raise Refused(
            "projects_on_selection",
            _("Round %(round)s: only an evaluation round's items name tracked projects.")
            % {"round": code},
        )
    if len(set(projects.values())) < len(projects):
        raise Refused(
            "project_repeated",
            _("Round %(round)s: each tracked project is named by one item only.") % {"round": code},
        )
    problems = project_problems(session.body_id, set(projects.values()))
    refusals = [
        problem_words(round_code=code, item_code=item, project=project, problem=problems[project])
        for item, project in sorted(projects.items())
        if project in problems
    ]
    if refusals:
        raise Refused("unknown_project", " ".join(refusals))


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
        raise Refused(
            "list_not_published",
            _("The candidate list of %(year)d is not published.") % {"year": year},
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
            raise Refused("not_draft", _("Only a round that has not been opened can be opened."))
        seats = round_.session.voters.count()
        present = round_.session.voters.filter(present=True).count()
        needed = round_.session.body.quorum(seats)
        if present < needed:
            raise Refused(
                "no_quorum",
                _(
                    "No quorum: %(present)d of %(seats)d representatives are present; "
                    "at least %(needed)d must be."
                )
                % {"present": present, "seats": seats, "needed": needed},
            )
        round_.status = RoundStatus.OPEN
        round_.opened_at = timezone.now().replace(microsecond=0)
        _give_key(round_)
        give_box_key(round_)
        round_.save(update_fields=["status", "opened_at", *KEY_FIELDS])
        action_record(
            body=round_.session.body,
            actor=actor,
            action=VotingAction.ROUND_OPENED,
            subject=round_.code,
            detail={"present": present, "seats": seats, "public_key": round_.public_key},
        )
        transaction.on_commit(lambda: round_facts.forget(round_.code))
        transaction.on_commit(lambda: live.round_changed(round_.code, at_once=True))
    return round_


def round_close(*, round_: Round, actor: User | None = None) -> Round:
    """Stop voting, count under the published rules and store the tally."""
    with transaction.atomic():
        # Waits for casts in flight (they hold the round FOR SHARE) and keeps new ones out.
        round_ = Round.objects.select_for_update().select_related("session").get(pk=round_.pk)
        if round_.status != RoundStatus.OPEN:
            raise Refused("not_open", _("Only an open round can be closed."))
        ballots = _open_the_box(round_)
        result = tally(rules_of(round_), [b.choices for b in ballots])
        round_.tally = result
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now().replace(microsecond=0)
        round_.present_at_close = round_.session.voters.filter(present=True).count()
        _sign(round_, ballots)
        round_.save(update_fields=["tally", "status", "closed_at", "present_at_close", *KEY_FIELDS])
        action_record(
            body=round_.session.body,
            actor=actor,
            action=VotingAction.ROUND_CLOSED,
            subject=round_.code,
            detail={
                "ballots_cast": result["ballots_cast"],
                "outcome": result["outcome"],
                "bundle_sha256": round_.bundle.archive_sha256,
            },
        )
        round_closed.send(sender=Round, round_=round_)
        transaction.on_commit(lambda: round_facts.forget(round_.code))
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


def _open_the_box(round_: Round) -> list[Ballot]:
    """Open the sealed ballots, write them as plaintext in id order, destroy the box and its key.

    All in the closing transaction: every plaintext ballot row gets that one transaction's id and
    a place that follows a hash, not arrival; the sealed rows, the stored retry answers and the
    key go (a retry after the close is answered already_voted). See docs/secrecy.md.
    """
    sealed = list(SealedBallot.objects.filter(round=round_))
    ballots = []
    if sealed:
        key = box_key(round_)
        for row in sealed:
            record = open_record(round_.code, key, row.box)
            ballots.append(
                Ballot(
                    id=record["id"],
                    round=round_,
                    receipt=record["receipt"],
                    nonce=record["nonce"],
                    choices=record["choices"],
                    voter_code=record.get("voter", ""),
                )
            )
    ballots.sort(key=lambda ballot: ballot.id)
    SealedBallot.objects.filter(round=round_).delete()
    BallotReply.objects.filter(round=round_).delete()
    Ballot.objects.bulk_create(ballots)
    destroy_box_key(round_)
    return ballots


def round_follow_up(*, round_: Round, actor: User | None = None) -> Round:
    """The next round a result calls for: a runoff among tied items, or a vote on places left."""
    if not round_.is_closed or round_.tally is None:
        raise Refused("not_closed", _("The round is not closed."))
    outcome = round_.tally["outcome"]
    if outcome == Outcome.RUNOFF_REQUIRED:
        codes = set(round_.tally["ties"])
    elif outcome == Outcome.SHORTFALL:
        codes = {r["item"] for r in round_.tally["results"] if not r["passed"]}
    else:
        raise Refused("result_final", _("This result is final; no further round is needed."))
    places = places_left(rules_of(round_), round_.tally)
    items = list(round_.items.filter(code__in=codes).order_by("number"))
    if round_.followers.exists():
        raise Refused("follow_up_exists", _("A further round for this result already exists."))
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
            raise Refused("not_closed", _("The round is not closed."))
        if round_.results_published_at is None:
            round_.results_published_at = timezone.now()
            round_.save(update_fields=["results_published_at"])
            action_record(
                body=round_.session.body,
                actor=actor,
                action=VotingAction.RESULT_PUBLISHED,
                subject=round_.code,
                detail={},
            )
    return round_
