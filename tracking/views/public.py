"""Public pages that read more than one floor: a congress's candidate lists beside its results,
and each published candidate with what the vote decided on it."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ballots.models import Round, RoundStatus
from ballots.presenters import ResultRow, result_rows
from ballots.rules.terms import Kind
from ballots.selectors import closed_items_of
from projects.access import is_public
from projects.forms import PublicFilterForm
from projects.http import HtmxHttpRequest
from projects.models import Body, Candidate, SourceKind
from projects.selectors import public_candidates, published_years
from tracking.services.annual import public_report_years


def congress_page(request: HtmxHttpRequest, body: str) -> HttpResponse:
    """A congress's published candidates (filtered by htmx) and its closed rounds' results."""
    the_body = get_object_or_404(Body, slug=body)
    years = published_years(the_body)
    form = PublicFilterForm(request.GET or None, years=years, stations=the_body.stations.all())
    year = years[0] if years else 0
    category, station = "", None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        category = form.cleaned_data["category"]
        station = form.cleaned_data["station"] or None
    rows = public_candidates(the_body, year=year, category=category, station_id=station)
    template = "projects/_public_rows.html" if request.htmx else "projects/public_list.html"
    closed = (
        Round.objects.filter(session__body=the_body, status=RoundStatus.CLOSED)
        .select_related("session")
        .order_by("-closed_at")[:20]
    )
    return render(
        request,
        template,
        {
            "body": the_body,
            "form": form,
            "year": year,
            "candidates": rows,
            "years": years,
            "closed_rounds": closed,
            "report_years": [] if request.htmx else public_report_years(the_body),
        },
    )


@dataclass(frozen=True)
class VoteOnCandidate:
    """The candidate's item in one closed round, as the round's own result page states it."""

    round: Round
    row: ResultRow
    rank: int | None  # selection rounds rank the items that passed; evaluations rank nothing
    note: str  # what the verdict alone leaves open, e.g. that a passed item was not selected


def votes_on(candidate: Candidate) -> list[VoteOnCandidate]:
    """Every closed round with an item for this candidate, oldest first. Open rounds show nothing:
    their counts do not exist until the close."""
    votes = []
    for item in closed_items_of(candidate):
        round_ = item.round
        row = next((r for r in result_rows(round_) if r.code == item.code), None)
        if row is None:  # a tally without the item: the bundle's checks say what is wrong
            continue
        selection = round_.kind == Kind.SELECTION
        # "Passed" in a selection round: more than half the seats, but ranked beyond the places.
        note = (
            _("Not selected: ranked below the places to fill")
            if selection and row.tone == "pass"
            else ""
        )
        votes.append(VoteOnCandidate(round_, row, row.rank if selection else None, note))
    return votes


def candidate_page(request: HttpRequest, body: str, pk: int) -> HttpResponse:
    """A published candidate: its facts, who raised it (residents unnamed), and, once a round on
    it has closed, that round's result for it with the way to the round's board."""
    candidate = get_object_or_404(Candidate.objects.select_related("station", "body"), pk=pk)
    if candidate.body.slug != body or not is_public(candidate):
        raise Http404
    sources = candidate.sources.select_related("station")
    # Residents are not named in public; representatives and departments are.
    shown = [(s, s.kind != SourceKind.RESIDENT) for s in sources]
    return render(
        request,
        "projects/public_detail.html",
        {
            "body": candidate.body,
            "candidate": candidate,
            "sources": shown,
            "votes": votes_on(candidate),
        },
    )
