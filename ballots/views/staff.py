"""Congress staff run sessions: roster and check-in, rounds, cards, opening, closing, results."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ballots.forms import RevokeForm, RoundForm, SessionFileForm, SessionForm
from ballots.models import Round, Session
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
from ballots.services.sessions import session_create, session_import, voters_check_in
from ballots.session_file import CODE, SessionFileError, load_session_file, parse_session_file
from ballots.signing import fingerprint
from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, flash_errors, form_problems
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
    voter = request.POST.get("voter")
    try:
        if not request.POST.get("all") and not CODE.fullmatch(voter or ""):
            # Not a code at all (a newline, a NUL…): no roster has it, and no query is made.
            raise Refused("not_on_roster", _("This is not a code on this session's roster."))
        voters_check_in(
            session=session,
            codes=None if request.POST.get("all") else [voter or ""],
            actor=request.user,
        )
    except ValidationError as error:
        _report(request, error)
        if request.htmx:
            # htmx swaps no 4xx answer: it reloads the page, which shows the flashed message.
            refusal = HttpResponse(
                " ".join(error.messages), status=400, content_type="text/plain; charset=utf-8"
            )
            refusal.headers["HX-Refresh"] = "true"
            return refusal
    if request.htmx and voter and not request.POST.get("all"):
        context = _session_context(access, session)
        context["voter"] = session.voters.get(code=voter)
        return render(request, "ballots/_checkin_row.html", context)
    return redirect("session_detail", body=body, code=code)


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


@login_required
@require_POST
def round_act(request: AuthenticatedHttpRequest, body: str, code: str, action: str) -> HttpResponse:
    """Open, close, create the follow-up round, or publish the result (action from the URL)."""
    access = _access(request, body, manage=True)
    round_ = _round(access, code)
    try:
        if action == "open":
            round_open(round_=round_, actor=request.user)
            messages.success(request, _("Voting is open."))
        elif action == "close":
            round_close(round_=round_, actor=request.user)
            messages.success(request, _("Voting is closed and counted."))
        elif action == "follow-up":
            follow = round_follow_up(round_=round_, actor=request.user)
            messages.success(request, _("Round %(code)s created.") % {"code": follow.code})
            return redirect("round_detail", body=body, code=follow.code)
        elif action == "publish":
            round_publish(round_=round_, actor=request.user)
            messages.success(request, _("The result is published."))
    except ValidationError as error:
        _report(request, error)
    return redirect("round_detail", body=body, code=code)


@login_required
@require_POST
def round_cards(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """Issue the missing cards and hand back their printable PDF: the only time codes are seen."""
    access = _access(request, body, manage=True)
    round_ = _round(access, code)
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
