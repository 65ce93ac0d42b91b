"""Public pages that read more than one floor: a congress's candidate lists beside its results."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from ballots.models import Round, RoundStatus
from projects.forms import PublicFilterForm
from projects.http import HtmxHttpRequest
from projects.models import Body
from projects.selectors import public_candidates, published_years


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
        },
    )
