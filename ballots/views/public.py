"""What the hall and the public see: the tablet ballot, the hall screen, published results."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ballots.credentials import code_hash
from ballots.forms import CardCodeForm
from ballots.models import Credential, Round
from ballots.presenters import option_headers, outcome_words, result_rows
from ballots.reports import figures, results_pdf, results_xlsx
from ballots.selectors import ballot_items, round_state
from projects.access import access_for


def vote(request: HttpRequest) -> HttpResponse:
    """The tablet: a card code in (typed or from the QR's fragment), the round's ballot out."""
    form = CardCodeForm(request.POST or None)
    if request.method != "POST":
        return render(request, "ballots/vote.html", {"form": form})
    problem = ""
    card = None
    if form.is_valid():
        card = (
            Credential.objects.select_related("round__session", "voter")
            .filter(token_hash=code_hash(form.cleaned_data["code"]))
            .first()
        )
    if card is None or card.revoked:
        problem = _("This card code is not valid. Check it, or ask the staff for a new card.")
    elif card.used:
        problem = _("This card has already been used to vote.")
    elif not card.round.is_open:
        problem = _("Voting in this round is not open.")
    elif card.voter is not None and not card.voter.present:
        problem = _("This representative has not checked in.")
    if problem or card is None:
        return render(request, "ballots/_vote_problem.html", {"problem": problem}, status=200)
    round_ = card.round
    return render(
        request,
        "ballots/_ballot.html",
        {
            "round": round_,
            "session": round_.session,
            "items": ballot_items(round_),
            "voter": card.voter if round_.secrecy == "named" else None,
            "evaluation": round_.kind == "evaluation",
        },
    )


def hall(request: HttpRequest, code: str) -> HttpResponse:
    """The hall screen (大屏): counts live while voting, the ranked result once closed."""
    round_ = get_object_or_404(Round.objects.select_related("session__body"), code=code)
    return render(
        request,
        "ballots/hall.html",
        {
            "round": round_,
            "session": round_.session,
            "state": round_state(round_),
            "rows": result_rows(round_, ranked=True) if round_.is_closed else [],
            "headers": option_headers(round_),
            "outcome": outcome_words(round_),
        },
    )


def _readable_result(request: HttpRequest, code: str) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("session__body"), code=code)
    if not round_.is_closed:
        raise Http404
    if (
        round_.results_published_at is None
        and not access_for(request.user, round_.session.body).can_read_all
    ):
        raise Http404  # not announced yet: staff and auditors only
    return round_


def results(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _readable_result(request, code)
    return render(
        request,
        "ballots/results.html",
        {
            "round": round_,
            "session": round_.session,
            "body": round_.session.body,
            "figures": figures(round_),
            "rows": result_rows(round_),
            "headers": option_headers(round_),
            "outcome": outcome_words(round_),
        },
    )


def results_download(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    round_ = _readable_result(request, code)
    if kind == "pdf":
        response = HttpResponse(results_pdf(round_), content_type="application/pdf")
    else:
        response = HttpResponse(
            results_xlsx(round_),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="result-{round_.code}.{kind}"'
    return response
