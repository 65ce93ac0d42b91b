"""Congress staff run sessions: roster and check-in, rounds, cards, opening, closing, results."""

import secrets
from datetime import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ballots.forms import RevokeForm, RoundForm, SessionFileForm, SessionForm
from ballots.models import Credential, Round, Secrecy, Session
from ballots.pdf.cards import cards_pdf
from ballots.presenters import option_headers, outcome_words, result_rows
from ballots.roster import RosterRefused, read_roster
from ballots.rules.terms import Outcome
from ballots.selectors import round_state
from ballots.services.cards import credential_revoke, credentials_issue
from ballots.services.rounds import (
    round_close,
    round_create_from_list,
    round_follow_up,
    round_open,
    round_publish,
)
from ballots.services.sessions import (
    session_create,
    session_import,
    voter_check_in_undo,
    voters_check_in,
)
from ballots.session_file import CODE, SessionFileError, load_session_file, parse_session_file
from ballots.signing import fingerprint
from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import (
    AuthenticatedHttpRequest,
    HtmxHttpRequest,
    acknowledged,
    ask_first,
    confirmed,
    flash_errors,
    form_problems,
)
from projects.models import Body
from projects.selectors import published_years


def _access(request: HttpRequest, body: str, *, manage: bool) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff if manage else access.can_read_all)
    return access


def _session(access: Access, code: str) -> Session:
    return get_object_or_404(Session, body=access.body, code=code)


def _round(access: Access, code: str) -> Round:
    return get_object_or_404(
        Round.objects.select_related("session"), session__body=access.body, code=code
    )


def _report(
    request: HttpRequest, error: ValidationError | SessionFileError | RosterRefused
) -> None:
    flash_errors(request, error.problems if hasattr(error, "problems") else error.messages)


def _free_code(stem: str) -> str:
    code = stem[:58]
    while Session.objects.filter(code=code).exists() or Round.objects.filter(code=code).exists():
        code = f"{stem[:51]}-{secrets.token_hex(3)}"
    return code


def _confirm_page(request: HttpRequest, access: Access, **context: object) -> HttpResponse:
    defaults: dict[str, object] = {
        "access": access,
        "body": access.body,
        "facts": [],
        "lines": [],
        "warning": "",
        "blocked": "",
        "acknowledge": 0,
        "acknowledge_label": "",
        "hidden": [],
        "action": request.path,
    }
    page = {**defaults, **context}
    page["lines"] = [line for line in cast(list[str], page["lines"]) if line]
    return render(request, "projects/confirm.html", page)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@login_required
def session_index(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _access(request, body, manage=False)
    form = SessionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and access.is_congress_staff and form.is_valid():
        try:
            roster = form.cleaned_data["roster"]
            voters = read_roster(roster.read()) if roster else None
            session = session_create(
                body=access.body,
                code=_free_code(f"{access.body.slug}-{form.cleaned_data['date']:%Y%m%d}"),
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                rules_text=form.cleaned_data["rules_text"],
                voters=voters,
                actor=request.user,
            )
        except (ValidationError, RosterRefused) as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _("Session created with %(n)d representatives on the roster.")
                % {"n": session.voters.count()},
            )
            return redirect("session_detail", body=body, code=session.code)
    return render(
        request,
        "ballots/session_index.html",
        {
            "access": access,
            "body": access.body,
            "sessions": access.body.sessions.all(),
            "form": form,
            "file_form": SessionFileForm(),
        },
    )


@login_required
@require_POST
def session_file_import(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _access(request, body, manage=True)
    form = SessionFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a session file."))
        return redirect("session_index", body=body)
    try:
        data = load_session_file(form.cleaned_data["file"].read())
        session = session_import(parse_session_file(data), body=access.body, actor=request.user)
    except (SessionFileError, ValidationError) as error:
        _report(request, error)
    else:
        messages.success(request, _("Session imported."))
        return redirect("session_detail", body=session.body.slug, code=session.code)
    return redirect("session_index", body=body)


def _session_context(access: Access, session: Session) -> dict[str, object]:
    voters = session.voters.all()
    seats = len(voters)
    present = sum(1 for v in voters if v.present)
    return {
        "access": access,
        "body": access.body,
        "session": session,
        "voters": voters,
        "seats": seats,
        "present": present,
        "quorum": access.body.quorum(seats),
        # A check-in can be undone until any round of the session has cards issued.
        "undo_allowed": not Credential.objects.filter(
            round__session=session, revoked=False
        ).exists(),
    }


@login_required
def session_detail(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _access(request, body, manage=False)
    session = _session(access, code)
    context = _session_context(access, session)
    context["rounds"] = session.rounds.all()
    context["round_form"] = RoundForm(years=published_years(access.body))
    return render(request, "ballots/session_detail.html", context)


@login_required
@require_POST
def session_checkin(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """Check in one voter (htmx swaps the row and the counts) or, with all=1, everyone."""
    access = _access(request, body, manage=True)
    session = _session(access, code)
    if request.POST.get("all"):
        # Everyone at once is asked first, on its own page.
        return ask_first(
            request, reverse("session_checkin_all", kwargs={"body": body, "code": code})
        )
    voter = request.POST.get("voter") or ""
    try:
        _check_code(voter)
        voters_check_in(session=session, codes=[voter], actor=request.user)
    except ValidationError as error:
        return _refused(request, error, body=body, code=code)
    return _checkin_answer(request, access, session, voter)


def _check_code(voter: str) -> None:
    if not CODE.fullmatch(voter):
        # Not a code at all (a newline, a NUL…): no roster has it, and no query is made.
        raise Refused("not_on_roster", _("This is not a code on this session's roster."))


def _refused(
    request: HtmxHttpRequest, error: ValidationError, *, body: str, code: str
) -> HttpResponse:
    _report(request, error)
    if request.htmx:
        # htmx swaps no 4xx answer: it reloads the page, which shows the flashed message.
        refusal = HttpResponse(
            " ".join(error.messages), status=400, content_type="text/plain; charset=utf-8"
        )
        refusal.headers["HX-Refresh"] = "true"
        return refusal
    return redirect("session_detail", body=body, code=code)


def _checkin_answer(
    request: HtmxHttpRequest, access: Access, session: Session, voter: str
) -> HttpResponse:
    """htmx swaps the row and the counts; a plain form goes back to the session."""
    if request.htmx:
        context = _session_context(access, session)
        context["voter"] = session.voters.get(code=voter)
        return render(request, "ballots/_checkin_row.html", context)
    return redirect("session_detail", body=access.body.slug, code=session.code)


@login_required
@require_http_methods(["GET", "POST"])
def session_checkin_all(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """全部报到: the page says how many will be marked present; only its confirmed form acts."""
    access = _access(request, body, manage=True)
    session = _session(access, code)
    back = reverse("session_detail", kwargs={"body": body, "code": code})
    if request.method == "POST":
        if not confirmed(request):
            return ask_first(request)
        try:
            changed = voters_check_in(session=session, codes=None, actor=request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d representative checked in.", "%(n)d representatives checked in.", changed
                )
                % {"n": changed},
            )
        return redirect(back)
    context = _session_context(access, session)
    seats, present = cast(int, context["seats"]), cast(int, context["present"])
    absent = seats - present
    return _confirm_page(
        request,
        access,
        heading=_("Check in everyone on the roster?"),
        back=back,
        facts=[
            (_("Seats (应到)"), seats),
            (_("Present (实到)"), present),
            (_("Quorum"), context["quorum"]),
        ],
        lines=[
            ngettext(
                "%(n)d representative will be marked present (实到).",
                "%(n)d representatives will be marked present (实到).",
                absent,
            )
            % {"n": absent},
            _(
                "Do this only when the whole roster is in the hall: everyone not yet checked in "
                "is marked present, as if each had checked in at the desk. A check-in can be "
                "undone only until cards are issued for a round of this session."
            ),
        ],
        blocked=_("Everyone on the roster is already checked in.") if absent <= 0 else "",
        button=_("Check in everyone"),
    )


@login_required
@require_POST
def session_checkin_undo(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """Undo a mistaken check-in, until cards are issued for a round of the session (logged)."""
    access = _access(request, body, manage=True)
    session = _session(access, code)
    voter = request.POST.get("voter") or ""
    try:
        _check_code(voter)
        voter_check_in_undo(session=session, code=voter, actor=request.user)
    except ValidationError as error:
        return _refused(request, error, body=body, code=code)
    if not request.htmx:
        messages.success(request, _("The check-in of %(code)s is undone.") % {"code": voter})
    return _checkin_answer(request, access, session, voter)


@login_required
@require_POST
def round_new(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _access(request, body, manage=True)
    session = _session(access, code)
    form = RoundForm(request.POST, years=published_years(access.body))
    if not form.is_valid():
        flash_errors(request, form_problems(form))
        return redirect("session_detail", body=body, code=code)
    data = form.cleaned_data
    try:
        round_ = round_create_from_list(
            session=session,
            code=data["code"] or _free_code(f"{session.code}-{session.rounds.count() + 1}"),
            year=data["year"],
            secrecy=data["secrecy"],
            to_select=data["to_select"],
            max_yes=data["max_yes"],
            actor=request.user,
        )
    except ValidationError as error:
        _report(request, error)
        return redirect("session_detail", body=body, code=code)
    return redirect("round_detail", body=body, code=round_.code)


@login_required
def round_detail(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _access(request, body, manage=False)
    round_ = _round(access, code)
    cards = round_.credentials.all()
    return render(
        request,
        "ballots/round_detail.html",
        {
            "access": access,
            "body": access.body,
            "round": round_,
            "session": round_.session,
            "state": round_state(round_),
            "items": round_.items.select_related("candidate").all(),
            "cards_issued": sum(1 for c in cards if not c.revoked),
            "cards_used": sum(1 for c in cards if c.used),
            "cards_revoked": sum(1 for c in cards if c.revoked),
            "rows": result_rows(round_) if round_.is_closed else [],
            "headers": option_headers(round_),
            "outcome": outcome_words(round_),
            "runoff": (round_.tally or {}).get("outcome") == Outcome.RUNOFF_REQUIRED,
            "follow_up_needed": (round_.tally or {}).get("outcome")
            in (Outcome.RUNOFF_REQUIRED, Outcome.SHORTFALL),
            "next_round": round_.followers.first(),
            "revoke_form": RevokeForm(),
            "fingerprint": fingerprint(round_.public_key) if round_.public_key else "",
        },
    )


def _close_page(request: HttpRequest, access: Access, round_: Round) -> HttpResponse:
    """已投 / 实到 / 应到, and while ballots are missing, how many, plainly."""
    state = round_state(round_)
    ballots, present = cast(int, state["ballots_cast"]), cast(int, state["present"])
    missing = max(0, present - ballots)
    blocked = ""
    if round_.is_closed:
        blocked = _("The round is closed.")
    elif not round_.is_open:
        blocked = _("Voting in this round is not open.")
    return _confirm_page(
        request,
        access,
        heading=_("Close voting in round %(code)s and count?") % {"code": round_.code},
        back=reverse("round_detail", kwargs={"body": access.body.slug, "code": round_.code}),
        facts=[
            (_("Ballots cast (已投)"), ballots),
            (_("Present (实到)"), present),
            (_("Seats (应到)"), state["seats"]),
            (_("Cards issued (发出)"), round_.credentials.filter(revoked=False).count()),
        ],
        lines=[
            _(
                "Closing ends voting in this round for good: no ballot is accepted after it. "
                "The ballots are counted and signed, and the result is public at once on the "
                "hall screen, the result page and the bulletin board."
            ),
            "" if missing else _("Every present representative has voted."),
        ],
        warning=ngettext(
            "%(n)d present representative has not voted yet. If you close now, no more "
            "ballots can be cast in this round.",
            "%(n)d present representatives have not voted yet. If you close now, no more "
            "ballots can be cast in this round.",
            missing,
        )
        % {"n": missing}
        if missing
        else "",
        acknowledge=missing,
        acknowledge_label=ngettext(
            "I know that %(n)d representative has not voted, and I close voting anyway.",
            "I know that %(n)d representatives have not voted, and I close voting anyway.",
            missing,
        )
        % {"n": missing},
        blocked=blocked,
        button=_("Close voting and count"),
    )


def _missing_ballots(round_: Round) -> int:
    state = round_state(round_)
    return max(0, cast(int, state["present"]) - cast(int, state["ballots_cast"]))


def _publish_page(request: HttpRequest, access: Access, round_: Round) -> HttpResponse:
    """The presidium's notice (公告): the result is public since the close; this records it
    as final, with its time."""
    blocked = ""
    if not round_.is_closed:
        blocked = _("The round is not closed.")
    elif round_.results_published_at is not None:
        blocked = _("The notice was issued on %(when)s.") % {
            "when": _when(round_.results_published_at)
        }
    return _confirm_page(
        request,
        access,
        heading=_("Issue the presidium’s notice (公告) for round %(code)s?")
        % {"code": round_.code},
        back=reverse("round_detail", kwargs={"body": access.body.slug, "code": round_.code}),
        facts=[(_("Closed at"), _when(round_.closed_at))] if round_.closed_at else [],
        lines=[
            outcome_words(round_) if round_.is_closed else "",
            _(
                "The result has been public since voting closed: on the hall screen, the result "
                "page and the bulletin board. The notice (公告) records that the presidium "
                "announces this result as final, with the time it is issued. It cannot be "
                "withdrawn."
            ),
        ],
        blocked=blocked,
        button=_("Issue the notice (公告)"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_act(request: AuthenticatedHttpRequest, body: str, code: str, action: str) -> HttpResponse:
    """Open, close, create the follow-up round, or issue the notice (action from the URL).
    Closing and the notice are asked first: a GET shows the page, only its confirmed form acts."""
    access = _access(request, body, manage=True)
    round_ = _round(access, code)
    if request.method == "GET":
        if action == "close":
            return _close_page(request, access, round_)
        if action == "publish":
            return _publish_page(request, access, round_)
        return HttpResponseNotAllowed(["POST"])
    try:
        if action == "open":
            round_open(round_=round_, actor=request.user)
            messages.success(request, _("Voting is open."))
        elif action == "close":
            if not confirmed(request) or not acknowledged(request, _missing_ballots(round_)):
                return ask_first(request)
            round_close(round_=round_, actor=request.user)
            messages.success(request, _("Voting is closed and counted."))
        elif action == "follow-up":
            follow = round_follow_up(round_=round_, actor=request.user)
            messages.success(request, _("Round %(code)s created.") % {"code": follow.code})
            return redirect("round_detail", body=body, code=follow.code)
        elif action == "publish":
            if not confirmed(request):
                return ask_first(request)
            round_publish(round_=round_, actor=request.user)
            messages.success(request, _("The presidium’s notice (公告) of the result is issued."))
    except ValidationError as error:
        _report(request, error)
    return redirect("round_detail", body=body, code=code)


def _cards_to_issue(round_: Round) -> int:
    """How many cards credentials_issue would make now: one per present voter without one."""
    present = round_.session.voters.filter(present=True)
    active = round_.credentials.filter(revoked=False)
    if round_.secrecy == Secrecy.NAMED:
        have = active.filter(voter__isnull=False).values("voter_id")
        return present.exclude(pk__in=have).count()
    return max(0, present.count() - active.count())


@login_required
@require_http_methods(["GET", "POST"])
def round_cards(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """Issue the missing cards and hand back their printable PDF: the only time codes are seen.
    A GET says how many cards for which round; only the confirmed form issues them."""
    access = _access(request, body, manage=True)
    round_ = _round(access, code)
    if request.method == "GET":
        return _cards_page(request, access, round_)
    if not confirmed(request):
        return ask_first(request)
    try:
        cards = credentials_issue(round_=round_, actor=request.user)
    except ValidationError as error:
        _report(request, error)
        return redirect("round_detail", body=body, code=code)
    if not cards:
        messages.info(request, _("Every present representative already has a card."))
        return redirect("round_detail", body=body, code=code)
    pdf = cards_pdf(round_, cards, request.build_absolute_uri("/vote/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="cards-{round_.code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _cards_page(request: HttpRequest, access: Access, round_: Round) -> HttpResponse:
    count = _cards_to_issue(round_)
    blocked = ""
    if round_.is_closed:
        blocked = _("The round is closed.")
    elif not count:
        blocked = _("Every present representative already has a card.")
    return _confirm_page(
        request,
        access,
        heading=ngettext(
            "Issue %(n)d voting card for round %(code)s?",
            "Issue %(n)d voting cards for round %(code)s?",
            count,
        )
        % {"n": count, "code": round_.code},
        back=reverse("round_detail", kwargs={"body": access.body.slug, "code": round_.code}),
        facts=[
            (_("Present (实到)"), round_.session.voters.filter(present=True).count()),
            (_("Cards issued (发出)"), round_.credentials.filter(revoked=False).count()),
            (_("Cards to issue"), count),
        ],
        lines=[
            _("This is a named vote: each card names its representative.")
            if round_.secrecy == Secrecy.NAMED
            else _("This is a secret ballot: the cards name nobody and are shuffled."),
            _(
                "The cards are in the PDF that downloads next, each with its QR code and the "
                "same code to type. The codes are shown only this once: print the PDF, hand the "
                "cards out and keep it safe. A lost card is revoked by its number and a new one "
                "issued."
            ),
        ],
        blocked=blocked,
        button=_("Issue cards for present representatives (PDF)"),
    )


@login_required
@require_POST
def round_revoke(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _access(request, body, manage=True)
    round_ = _round(access, code)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            credential_revoke(round_=round_, serial=form.cleaned_data["serial"], actor=request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _("Card %(n)d is revoked; issue a new one.") % {"n": form.cleaned_data["serial"]},
            )
    return redirect("round_detail", body=body, code=code)
