"""The live ranking (动态排序) of a year's tracked projects, and a project's rank among them.

Public, reviewed data only (tracking.services.assess). A page listening on
`ws/projects/<body>/<year>/` hears a bare "changed" notice and asks again: the ranking for its
rows (this URL under htmx), a project's page for its live parts (tracking/static/tracking/live.js).
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from projects.http import HtmxHttpRequest
from projects.models import Body
from tracking.models import TrackedProject
from tracking.rules.colours import round1
from tracking.rules.ranking import Entry, Order, position, ranked
from tracking.services.assess import assess, reasons_in_words, with_facts


@dataclass(frozen=True)
class RankRow:
    rank: int
    project: TrackedProject
    progress: float
    expected: float
    ahead: Decimal  # points ahead of the schedule progress; negative: behind
    colour: str | None
    reasons: list[str]

    @property
    def points(self) -> Decimal:
        return abs(self.ahead)


def order_words() -> list[tuple[str, str]]:
    return [
        (Order.SCHEDULE.value, _("Against schedule")),
        (Order.PROGRESS.value, _("Progress")),
        (Order.COLOUR.value, _("Warning colour")),
        (Order.COMPLETION.value, _("Planned completion")),
    ]


def year_projects(body_id: int, year: int) -> QuerySet[TrackedProject]:
    """The congress-year's ranked projects: top-level only (a sub-item counts in its parent)."""
    return with_facts(
        TrackedProject.objects.filter(body_id=body_id, year=year, parent__isnull=True)
    )


def rank_rows(
    projects: QuerySet[TrackedProject], today: datetime.date, order: Order
) -> list[RankRow]:
    """Each project assessed once, in a fixed number of queries, then put in order."""
    rows: dict[str, RankRow] = {}
    entries = []
    for project in projects:
        assessment = assess(project, today)
        colour = assessment.colour.value if assessment.colour is not None else None
        entry = Entry(
            project.code,
            round1(assessment.progress),
            round1(assessment.expected),
            colour,
            project.completion,
        )
        entries.append(entry)
        rows[project.code] = RankRow(
            0,
            project,
            entry.progress,
            entry.expected,
            entry.ahead,
            colour,
            reasons_in_words(project, assessment),
        )
    return [replace(rows[e.code], rank=n) for n, e in enumerate(ranked(entries, order), start=1)]


def rank_of(project: TrackedProject, today: datetime.date) -> tuple[int, int] | None:
    """The project's place by schedule among its congress-year's projects: (rank, how many)."""
    entries = []
    for other in year_projects(project.body_id, project.year):
        assessment = assess(other, today)
        entries.append(
            Entry(
                other.code,
                round1(assessment.progress),
                round1(assessment.expected),
                None,  # the schedule order reads no colour
                other.completion,
            )
        )
    return position(entries, project.code)


def tracking_bodies() -> QuerySet[Body]:
    """The congresses with a project to rank, by name."""
    ranked_here = TrackedProject.objects.filter(body=OuterRef("pk"), parent__isnull=True)
    return Body.objects.filter(Exists(ranked_here)).order_by("name")


def ranking_url(body: Body, year: int, order: Order = Order.SCHEDULE) -> str:
    query: dict[str, str | int] = {"body": body.slug, "year": year}
    if order != Order.SCHEDULE:
        query["order"] = order.value
    return f"{reverse('ranking')}?{urlencode(query)}"


def live_socket(body: Body, year: int) -> str:
    return f"/ws/projects/{body.slug}/{year}/"  # config/websocket_urls.py


def _chosen(request: HtmxHttpRequest) -> tuple[Body | None, int | None, Order]:
    """The congress, year and order asked for; unknown ones are 404, missing ones defaulted:
    the first congress (by name) with tracked projects, and its latest year."""
    order = Order.SCHEDULE
    if request.GET.get("order") in {o.value for o in Order}:
        order = Order(request.GET["order"])
    slug = request.GET.get("body", "")
    if slug:
        body: Body | None = get_object_or_404(Body, slug=slug)
    else:
        body = tracking_bodies().first()
    year: int | None = None
    asked = request.GET.get("year", "")
    if asked:
        if not asked.isdigit() or len(asked) > 4:
            raise Http404
        year = int(asked)
    elif body is not None:
        year = (
            TrackedProject.objects.filter(body=body, parent__isnull=True)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
    return body, year, order


def ranking(request: HtmxHttpRequest) -> HttpResponse:
    """A year's projects ranked; under htmx only the rows, which the live socket refetches."""
    body, year, order = _chosen(request)
    today = timezone.localdate()
    rows = rank_rows(year_projects(body.pk, year), today, order) if body and year else []
    context = {
        "body": body,
        "year": year,
        "order": order.value,
        "rows": rows,
        "today": today,
        "fragment_url": ranking_url(body, year, order) if body and year else "",
    }
    if request.htmx:
        return render(request, "tracking/_ranking_rows.html", context)
    bodies = tracking_bodies()
    years = (
        list(
            TrackedProject.objects.filter(body=body, parent__isnull=True)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        if body
        else []
    )
    orders = [
        (value, words, ranking_url(body, year, Order(value)) if body and year else "")
        for value, words in order_words()
    ]
    return render(
        request,
        "tracking/ranking.html",
        {
            **context,
            "bodies": bodies,
            "years": years,
            "orders": orders,
            "socket": live_socket(body, year) if body and year else "",
        },
    )
