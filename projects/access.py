"""Who may see and do what within one body: every view asks here, nowhere else."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from projects.models import Body, Candidate, CandidateList, Membership, Role, Status
from projects.rules.lifecycle import Actor

# A published list's candidates stay on it whatever the vote made of them.
ON_PUBLISHED_LIST = frozenset({Status.CANDIDATE, Status.SELECTED, Status.RESERVE})


@dataclass(frozen=True)
class Access:
    body: Body
    roles: frozenset[str]
    station_ids: frozenset[int]

    @property
    def is_congress_staff(self) -> bool:
        return Role.CONGRESS_STAFF in self.roles

    @property
    def is_station_staff(self) -> bool:
        return Role.STATION_STAFF in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles

    @property
    def can_read_all(self) -> bool:
        """Congress staff run everything; auditors read everything and change nothing."""
        return self.is_congress_staff or self.is_auditor

    @property
    def has_work_area(self) -> bool:
        return self.can_read_all or self.is_station_staff

    def actor_for(self, candidate: Candidate) -> Actor | None:
        if self.is_congress_staff:
            return Actor.CONGRESS
        if candidate.station_id in self.station_ids:
            return Actor.STATION
        return None

    def can_see(self, candidate: Candidate) -> bool:
        return self.can_read_all or candidate.station_id in self.station_ids

    def can_file_at(self, station_id: int) -> bool:
        return self.is_congress_staff or station_id in self.station_ids


def access_for(user: User | AnonymousUser, body: Body) -> Access:
    if not user.is_authenticated:
        return Access(body, frozenset(), frozenset())
    rows = list(Membership.objects.filter(user=user, body=body).values_list("role", "station_id"))
    return Access(
        body=body,
        roles=frozenset(role for role, _ in rows),
        station_ids=frozenset(sid for role, sid in rows if role == Role.STATION_STAFF and sid),
    )


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def is_public(candidate: Candidate) -> bool:
    """The public sees a candidate once it stands on a published list, and after the vote too
    (selected, or back in the reserve pool: it keeps its place on that year's list)."""
    return (
        candidate.list_position is not None
        and candidate.status in ON_PUBLISHED_LIST
        and CandidateList.objects.filter(
            body_id=candidate.body_id, year=candidate.year, published_at__isnull=False
        ).exists()
    )
