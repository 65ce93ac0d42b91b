"""What the hall and the public see: the tablet ballot, the hall screen, published results."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from ballots.api import RECEIPT
from ballots.credentials import normalize_receipt
from ballots.exports import results_xlsx
from ballots.forms import CardCodeForm
from ballots.models import Round
from ballots.pdf.results import results_pdf
from ballots.presenters import (
    OPTION_LABELS,
    SHORT_OPTIONS,
    ballot_choices,
    code_shape_problem,
    figures,
    option_headers,
    outcome_words,
    result_rows,
)
from ballots.project_links import with_project_details
from ballots.rules.terms import Kind, Secrecy
from ballots.selectors import ballot_items, card_check, result_notice, round_state
from ballots.signing import fingerprint
from projects.http import NotYetPublic

# A person at a tablet is told what to do next, not only what went wrong.
TABLET_WORDS = {
    "bad_credential": gettext_lazy(
        "This card code is not valid. Check it, or ask the staff for a new card."
    ),
    "already_voted": gettext_lazy("This card has already been used to vote."),
}


def vote(request: HttpRequest) -> HttpResponse:
    """The tablet: a card code in (typed or from the QR's fragment), the round's ballot out."""
    form = CardCodeForm(request.POST or None)
    if request.method != "POST":
        return render(request, "ballots/vote.html", {"form": form})
    card = None
    if form.is_valid():
        check = card_check(code=form.cleaned_data["code"])
        card = check.card
        problem = (
            str(TABLET_WORDS.get(check.refusal.code, check.refusal.detail)) if check.refusal else ""
        )
    else:
        problem = str(TABLET_WORDS["bad_credential"])
    if problem or card is None:
        # The typed code stays in the box, with what was wrong with it: one letter is easier to
        # fix than fifteen to type again.
        typed = str(request.POST.get("code", ""))[:40]
        if check_shape := code_shape_problem(typed):
            problem = check_shape
        return render(
            request, "ballots/_vote_problem.html", {"problem": problem, "code": typed}, status=200
        )
    round_ = card.round
    return render(
        request,
        "ballots/_ballot.html",
        {
            "round": round_,
            "session": round_.session,
            # An evaluation item naming a tracked project shows its facts (project_links).
            "items": with_project_details(ballot_items(round_)),
            "voter": card.voter if round_.secrecy == Secrecy.NAMED else None,
            "evaluation": round_.kind == Kind.EVALUATION,
            "choices": ballot_choices(round_),
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
            "fingerprint": fingerprint(round_.public_key) if round_.public_key else "",
            "headers": option_headers(round_),
            "outcome": outcome_words(round_),
            "evaluation": round_.kind == Kind.EVALUATION,
        },
    )


def _readable_result(request: HttpRequest, code: str) -> Round:
    """A closed round's result is public at once: it is announced in the hall as it closes."""
    round_ = get_object_or_404(Round.objects.select_related("session__body"), code=code)
    if not round_.is_closed:
        raise NotYetPublic(
            gettext(
                "The result of round %(code)s will be here as soon as its voting closes "
                "(now: %(status)s). Please come back then."
            )
            % {"code": round_.code, "status": round_.get_status_display()}
        )
    return round_


BOARD_PAGE = 50


def board(request: HttpRequest, code: str) -> HttpResponse:
    """The public bulletin board (公示) of a closed round: figures, tally, key, and every ballot."""
    round_ = _readable_result(request, code)
    items = list(round_.items.order_by("number"))
    page = Paginator(round_.ballots.order_by("id"), BOARD_PAGE).get_page(request.GET.get("page"))
    rows = [
        (b.receipt, [SHORT_OPTIONS[b.choices.get(i.code, "unmarked")] for i in items]) for b in page
    ]
    wanted = normalize_receipt(request.GET.get("receipt", ""))
    found = None
    if wanted:
        # Only something shaped like a receipt reaches the database (PostgreSQL refuses NUL).
        ballot = (
            round_.ballots.filter(receipt=wanted).first() if RECEIPT.fullmatch(wanted) else None
        )
        found = (
            [
                (i.number, i.title, OPTION_LABELS[ballot.choices.get(i.code, "unmarked")])
                for i in items
            ]
            if ballot
            else []
        )
    return render(
        request,
        "ballots/board.html",
        {
            **_result_context(round_),
            "fingerprint": fingerprint(round_.public_key),
            "bundle_sha256": round_.bundle.archive_sha256,
            "items": items,
            "page": page,
            "board_rows": rows,
            "wanted": wanted,
            "found": found,
        },
    )


def _result_context(round_: Round) -> dict[str, object]:
    return {
        "round": round_,
        "session": round_.session,
        "body": round_.session.body,
        "figures": figures(round_),
        "rows": result_rows(round_),
        "headers": option_headers(round_),
        "outcome": outcome_words(round_),
        "notice": result_notice(round_),
    }


def results(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "ballots/results.html", _result_context(_readable_result(request, code)))


def results_download(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    round_ = _readable_result(request, code)
    if kind == "pdf":
        board_url = request.build_absolute_uri(reverse("board", kwargs={"code": round_.code}))
        response = HttpResponse(results_pdf(round_, board_url), content_type="application/pdf")
    else:
        response = HttpResponse(
            results_xlsx(round_),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response.headers["Content-Disposition"] = f'attachment; filename="result-{round_.code}.{kind}"'
    return response
