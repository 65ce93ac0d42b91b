"""The projects API of tracking.md: public, read-only, only reviewed data.

Every tracked project (top-level: a sub-item is a part of its parent) as a GeoJSON Feature, with
its colour, progress and schedule progress as of a day `on` (today in the install's time zone unless
asked). Errors are {"error", "detail"} in the request's language, as in the voting API. A request
reads the database in a fixed number of queries however many projects and milestones there are
(`with_facts`), the `round` filter aside, which follows one chain of rounds.
"""

import datetime
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ballots.models import Round
from ballots.session_file import CODE
from projects.models import Category
from tracking.models import ColourChange, TrackedProject
from tracking.rules.colours import Colour, milestone_state, round1, warning_window
from tracking.services.assess import (
    assess,
    facts_of,
    policy_json,
    policy_of,
    reasons_in_words,
    with_facts,
)
from tracking.services.ratings import rating_json, with_ratings

# The one place a refusal's code becomes an HTTP status (tracking.md, interfaces.md).
STATUS_OF_CODE = {
    "bad_request": 400,
    "invalid_date": 400,
    "unknown_project": 404,
    "method_not_allowed": 405,
}

DAY = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
YEAR = re.compile(r"\A\d{4}\Z")
COLOURS = frozenset(c.value for c in Colour)
CATEGORIES = frozenset(Category.values)  # the candidate's category: an optional filter
MAX_CHAIN = 32  # rounds in one chain (a round, its runoffs, its rounds for places left): far above


class BadParameter(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def error(code: str, detail: str) -> JsonResponse:
    return _json({"error": code, "detail": detail}, status=STATUS_OF_CODE[code])


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response.headers["Cache-Control"] = "no-cache"
    return response


View = Callable[..., HttpResponse]


def read_only(view: View) -> View:
    """GET and HEAD only; anything else is a JSON 405 (never a CSRF page: nothing is written)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error(
                "method_not_allowed",
                _("The projects API is read-only: it answers GET and HEAD only."),
            )
            response.headers["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _on(request: HttpRequest) -> datetime.date:
    """The day asked for (`on=YYYY-MM-DD`), else today in the install's time zone."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        if not DAY.fullmatch(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(
            "invalid_date",
            _("“on” must be a date written YYYY-MM-DD, such as 2027-06-30."),
        ) from None


def _filtered(request: HttpRequest) -> tuple[QuerySet[TrackedProject], str]:
    """The projects the parameters name (an empty parameter filters nothing), and the colour."""
    projects = TrackedProject.objects.filter(parent__isnull=True)
    body = request.GET.get("body", "").strip()
    if body:
        projects = projects.filter(Q(body__slug=body) | Q(body__name=body))
    year = request.GET.get("year", "").strip()
    if year:
        if not YEAR.fullmatch(year):
            raise BadParameter("bad_request", _("“year” must be a year such as 2027."))
        projects = projects.filter(year=int(year))
    round_code = request.GET.get("round", "").strip()
    if round_code:
        if not CODE.fullmatch(round_code):
            raise BadParameter(
                "bad_request",
                _("“round” must be a round's id: letters, digits, - and _, at most 64."),
            )
        projects = projects.filter(source_round__in=_chain(round_code))
    category = request.GET.get("category", "").strip()
    if category:
        if category not in CATEGORIES:
            raise BadParameter(
                "bad_request",
                _("“category” must be one of: %(categories)s.")
                % {"categories": ", ".join(Category.values)},
            )
        projects = projects.filter(candidate__category=category)
    colour = request.GET.get("colour", "").strip()
    if colour and colour not in COLOURS:
        raise BadParameter("bad_request", _("“colour” must be red, yellow or green."))
    return projects, colour


def _chain(code: str) -> list[int]:
    """The round's whole chain (its first round, runoffs, rounds for places left): a project
    selected in any of them was selected by the vote that round belongs to."""
    row = Round.objects.filter(code=code).values_list("pk", "follows_id").first()
    if row is None:
        return []
    pk: int = row[0]
    earlier: int | None = row[1]
    seen = {pk}
    while earlier is not None and earlier not in seen and len(seen) < MAX_CHAIN:
        seen.add(earlier)
        earlier = Round.objects.filter(pk=earlier).values_list("follows_id", flat=True).first()
    frontier = set(seen)
    while frontier and len(seen) < MAX_CHAIN:
        frontier = (
            set(Round.objects.filter(follows__in=frontier).values_list("pk", flat=True)) - seen
        )
        seen |= frontier
    return sorted(seen)


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _feature(
    request: HttpRequest, project: TrackedProject, on: datetime.date, *, detail: bool = False
) -> dict[str, Any]:
    assessment = assess(project, on)
    policy = policy_of(project)
    source = (
        {"round": project.source_round.code, "item": project.source_item}
        if project.source_round is not None
        else None
    )
    properties: dict[str, Any] = {
        "id": project.code,
        "title": project.title,
        "body": project.body.name,
        "year": project.year,
        "unit": project.unit,
        "status": project.status,
        "source": source,
        "start": _date(project.start),
        "completion": _date(project.completion),
        "progress": round1(assessment.progress),
        "expected": round1(assessment.expected),
        "colour": assessment.colour.value if assessment.colour is not None else None,
        "reasons": reasons_in_words(project, assessment),
        "urgent": project.urgent,
        "policy": policy_json(policy),
        "rating": rating_json(project),  # the current period's ratings: average and count
        "evaluation": project.evaluation or None,  # the last evaluation round's grade, stored
        # An optional field: the category of the candidate it was voted as; null for a decision.
        "category": project.candidate.category if project.candidate is not None else None,
        "url": request.build_absolute_uri(reverse("project_page", kwargs={"code": project.code})),
    }
    if detail:
        window = warning_window(policy)
        properties["milestones"] = [
            {
                "id": m.id,
                "title": m.title,
                "planned": m.planned.isoformat(),
                "weight": float(m.weight),
                # Only what was known on `on`: a milestone done later is still open then.
                "done": _date(m.done) if m.done is not None and m.done <= on else None,
                "state": milestone_state(m, on, window).value,
            }
            for m in facts_of(project).milestones
        ]
        properties["history"] = [
            {"on": c.on.isoformat(), "from": c.from_colour or None, "to": c.to_colour or None}
            for c in project.colour_changes.all()  # prefetched: those on or before `on`
        ]
    geometry = (
        {"type": "Point", "coordinates": [float(project.longitude), float(project.latitude)]}
        if project.latitude is not None and project.longitude is not None
        else None
    )
    return {"type": "Feature", "geometry": geometry, "properties": properties}


@read_only
def projects(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/projects?body=&year=&round=&colour=&on=YYYY-MM-DD"""
    try:
        on = _on(request)
        chosen, colour = _filtered(request)
    except BadParameter as bad:
        return error(bad.code, bad.detail)
    features = []
    for project in with_ratings(with_facts(chosen)).select_related("candidate"):
        feature = _feature(request, project, on)
        if colour and feature["properties"]["colour"] != colour:
            continue
        features.append(feature)
    return _json({"type": "FeatureCollection", "features": features})


@read_only
def project(request: HttpRequest, code: str) -> JsonResponse:
    """GET /api/v1/projects/<id>?on=YYYY-MM-DD: the Feature with its milestones and history."""
    try:
        on = _on(request)
    except BadParameter as bad:
        return error(bad.code, bad.detail)
    found = None
    if CODE.fullmatch(code):  # not an id at all (a NUL, a newline…): never sent to the database
        history = ColourChange.objects.filter(on__lte=on).order_by("on", "pk")
        found = (
            with_ratings(with_facts(TrackedProject.objects.filter(code=code, parent__isnull=True)))
            .select_related("candidate")
            .prefetch_related(Prefetch("colour_changes", queryset=history))
            .first()
        )
    if found is None:
        return error("unknown_project", _("There is no such project."))
    return _json(_feature(request, found, on, detail=True))
