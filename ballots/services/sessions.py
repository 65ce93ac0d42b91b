"""Sessions, their rosters and check-in (报到)."""

from datetime import date
from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from ballots import live
from ballots.models import Credential, Round, RoundStatus, Session, Voter, VotingAction
from ballots.services.rounds import round_create
from ballots.session_file import SessionSpec
from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Body


def session_create(
    *,
    body: Body,
    code: str,
    title: str,
    date: date,
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
            action=VotingAction.SESSION_CREATED,
            subject=session.code,
            detail={"title": title, "voters": session.voters.count()},
        )
    return session


def session_import(spec: SessionSpec, *, body: Body, actor: User | None = None) -> Session:
    """Create what a session file describes in `body`; refuse whole if the file names another
    congress or any id is already taken. The caller chooses the body: the web import acts on the
    congress in its URL, the command line on an existing congress the file names."""
    if spec.body not in (body.slug, body.name):
        raise Refused(
            "other_congress",
            _(
                "The file is for “%(named)s”, not for %(here)s: a session file is imported only "
                "into the congress it names. Nothing was imported."
            )
            % {"named": spec.body, "here": body.name},
        )
    taken = []
    if Session.objects.filter(code=spec.id).exists():
        taken.append(_("session %(id)s") % {"id": spec.id})
    for code in Round.objects.filter(code__in=[r.id for r in spec.rounds]).values_list(
        "code", flat=True
    ):
        taken.append(_("round %(id)s") % {"id": code})
    if taken:
        raise Refused("id_taken", _("Already exists: %(ids)s.") % {"ids": ", ".join(taken)})
    with transaction.atomic():
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
                project_codes={i.id: i.project for i in r.items if i.project},
                actor=actor,
            )
        action_record(
            body=body,
            actor=actor,
            action=VotingAction.SESSION_IMPORTED,
            subject=session.code,
            detail={"rounds": [r.id for r in spec.rounds]},
        )
    return session


def body_named(name: str) -> Body | None:
    """The congress a session file names, by its code or its name; never a new one."""
    return Body.objects.filter(slug=name).first() or Body.objects.filter(name=name).first()


def voters_check_in(*, session: Session, codes: list[str] | None, actor: User | None = None) -> int:
    """Mark voters present (报到): these codes, or everyone when None. Returns how many changed."""
    rows = session.voters.all()
    if codes is not None:
        known = set(rows.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise Refused(
                "not_on_roster",
                _("Not on this session's roster: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        rows = rows.filter(code__in=codes)
    with transaction.atomic():
        newly = list(rows.filter(present=False).values_list("code", flat=True))
        changed = rows.filter(present=False).update(present=True)
        if changed:
            action_record(
                body=session.body,
                actor=actor,
                action=VotingAction.CHECKED_IN,
                subject=session.code,
                detail={"voters": sorted(newly)},
            )
    for round_ in session.rounds.filter(status=RoundStatus.OPEN):
        transaction.on_commit(partial(live.round_changed, round_.code))
    return changed


def voter_check_in_undo(*, session: Session, code: str, actor: User | None = None) -> Voter:
    """Undo a mistaken check-in: the voter is absent again. Refused once any round of the session
    has cards issued (a secret round's cards name nobody, so whose card it is cannot be told)."""
    with transaction.atomic():
        # The rounds' rows, as credentials_issue locks them: no card is issued meanwhile.
        list(Round.objects.select_for_update().filter(session=session).values_list("pk"))
        voter = session.voters.select_for_update().filter(code=code).first()
        if voter is None:
            raise Refused(
                "not_on_roster",
                _("Not on this session's roster: %(codes)s.") % {"codes": code},
            )
        if Credential.objects.filter(round__session=session, revoked=False).exists():
            raise Refused(
                "cards_issued",
                _(
                    "Voting cards have been issued for a round of this session: a check-in can "
                    "no longer be undone."
                ),
            )
        if not voter.present:
            raise Refused("not_checked_in", _("%(code)s is not checked in.") % {"code": voter.code})
        voter.present = False
        voter.save(update_fields=["present"])
        action_record(
            body=session.body,
            actor=actor,
            action=VotingAction.CHECK_IN_UNDONE,
            subject=session.code,
            detail={"voters": [voter.code]},  # as check-in records them
        )
    for round_ in session.rounds.filter(status=RoundStatus.OPEN):
        transaction.on_commit(partial(live.round_changed, round_.code))
    return voter
