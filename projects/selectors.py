"""Reads of candidates that are more than a one-liner."""

from django.db.models import QuerySet

from projects.access import ON_PUBLISHED_LIST, Access
from projects.models import Body, Candidate, CandidateList, Status


def published_years(body: Body) -> list[int]:
    return list(
        CandidateList.objects.filter(body=body, published_at__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def public_candidates(
    body: Body, *, year: int, category: str = "", station_id: int | None = None
) -> QuerySet[Candidate]:
    """Candidates standing on a published list, in list order."""
    if year not in published_years(body):
        return Candidate.objects.none()
    rows = Candidate.objects.filter(
        body=body, year=year, status__in=ON_PUBLISHED_LIST, list_position__isnull=False
    )
    if category:
        rows = rows.filter(category=category)
    if station_id:
        rows = rows.filter(station_id=station_id)
    return rows.select_related("station").order_by("list_position", "id")


def work_candidates(
    access: Access, *, status: str = "", year: int | None = None
) -> QuerySet[Candidate]:
    """What a staff member's work area lists: all of the body, or their own station's."""
    rows = Candidate.objects.filter(body=access.body)
    if not access.can_read_all:
        rows = rows.filter(station_id__in=access.station_ids)
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.select_related("station").order_by("-year", "list_position", "-updated_at")


def listed_candidates(body: Body, year: int) -> QuerySet[Candidate]:
    return (
        Candidate.objects.filter(body=body, year=year, status=Status.CANDIDATE)
        .select_related("station")
        .order_by("list_position", "id")
    )
