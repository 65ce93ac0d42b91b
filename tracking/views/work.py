"""Each signed-in role's home in a congress: what it can do now, with the way there.

It reads every floor (candidates, sessions, and later implementation), so it lives on the top one.
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ballots.models import Round, RoundStatus
from projects.access import Access, access_for, require
from projects.http import AuthenticatedHttpRequest
from projects.models import Body, Membership, Role, Status
from projects.selectors import published_years, work_candidates
from tracking.models import ProgressUpdate, TrackedProject, UpdateState
from tracking.services.supervision import ProjectRow, supervised_rows


@dataclass
class Section:
    """One role's part of the page: what it is for, figures, and links to act."""

    role: str | Promise
    about: str
    facts: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    later: str = ""  # work this role will have once a part of the product exists
    supervised: list[ProjectRow] = field(default_factory=list)  # a representative's groups


def _url(name: str, access: Access, **kwargs: object) -> str:
    return reverse(name, kwargs={"body": access.body.slug, **kwargs})


def _open_rounds(access: Access) -> list[Round]:
    return list(
        Round.objects.filter(session__body=access.body, status=RoundStatus.OPEN).select_related(
            "session"
        )
    )


def _staff(access: Access) -> Section:
    counts = dict(work_candidates(access).values_list("status").annotate(n=Count("pk")).order_by())
    years = published_years(access.body)
    section = Section(
        role=_("Congress staff"),
        about=_(
            "You screen the proposals, publish the candidate list, run the session's votes and "
            "manage this congress's accounts."
        ),
        facts=[
            (_("Awaiting screening"), counts.get(Status.SUBMITTED, 0)),
            (_("Screened, not yet on a list"), counts.get(Status.SCREENED, 0)),
            (_("Rounds voting now"), len(_open_rounds(access))),
        ],
        links=[
            (
                _("Proposals awaiting screening"),
                _url("candidate_index", access) + "?status=submitted",
            ),
            (_("Sessions and voting"), _url("session_index", access)),
            (_("Implementation"), _url("implementation_index", access)),
            (_("Accounts and roles"), _url("account_index", access)),
            (_("Staff action log"), _url("action_log", access)),
        ],
    )
    pending = ProgressUpdate.objects.filter(
        project__body=access.body, state=UpdateState.PENDING
    ).count()
    section.facts.append((_("Progress updates awaiting review"), pending))
    if years:
        section.links.insert(
            1,
            (
                _("Candidate list %(year)d") % {"year": years[0]},
                _url("list_manage", access, year=years[0]),
            ),
        )
    return section


def _station(access: Access) -> Section:
    counts = dict(work_candidates(access).values_list("status").annotate(n=Count("pk")).order_by())
    names = "、".join(
        access.body.stations.filter(pk__in=access.station_ids).values_list("name", flat=True)
    )
    return Section(
        role=_("Station staff · %(stations)s") % {"stations": names},
        about=_(
            "You file the projects that residents and representatives raise at your station, "
            "and follow them through screening."
        ),
        facts=[
            (_("Drafts"), counts.get(Status.DRAFT, 0)),
            (_("Submitted, awaiting screening"), counts.get(Status.SUBMITTED, 0)),
            (_("On the candidate list"), counts.get(Status.CANDIDATE, 0)),
        ],
        links=[
            (_("File a candidate"), _url("candidate_new", access)),
            (_("My station's candidates"), _url("candidate_index", access)),
            (_("Import from Excel"), _url("candidates_import", access)),
        ],
    )


def _auditor(access: Access) -> Section:
    closed = Round.objects.filter(session__body=access.body, status=RoundStatus.CLOSED).count()
    return Section(
        role=_("Auditor"),
        about=_(
            "You read everything and change nothing: each closed round's signed audit bundle can "
            "be downloaded from its page and verified on your own computer."
        ),
        facts=[(_("Closed rounds"), closed)],
        links=[
            (_("Sessions and voting"), _url("session_index", access)),
            (_("All candidates"), _url("candidate_index", access)),
            (_("Accounts and roles"), _url("account_index", access)),
            (_("Staff action log"), _url("action_log", access)),
        ],
    )


def _representative(access: Access, user_id: int) -> Section:
    section = Section(
        role=_("Representative"),
        about=_(
            "You vote at the session, on a tablet in the hall, with the voting card you receive "
            "at check-in: you do not sign in to vote. After the vote you can check your receipt "
            "on each round's public bulletin board."
        ),
        links=[(_("Published candidates and results"), _url("public_list", access))],
        later=_(
            "Supervising the selected projects and evaluating them at the next session will be "
            "here once implementation tracking is in service. There is nothing to do here yet."
        ),
    )
    for round_ in _open_rounds(access):
        section.links.append(
            (
                _("Hall screen: %(session)s, round %(code)s")
                % {"session": round_.session.title, "code": round_.code},
                reverse("hall", kwargs={"code": round_.code}),
            )
        )
    section.supervised = supervised_rows(user_id=user_id, body=access.body, on=timezone.localdate())
    if section.supervised:  # "nothing to do here yet" no longer holds for a group member
        section.later = ""
    return section


def _unit(access: Access, units: list[str]) -> Section:
    mine = TrackedProject.objects.filter(body=access.body, unit__in=units)  # sub-items too
    returned = ProgressUpdate.objects.filter(project__in=mine, state=UpdateState.RETURNED).count()
    return Section(
        role=_("Implementing unit · %(units)s") % {"units": "、".join(units)},
        about=_(
            "You carry out the livelihood projects the representatives select, and report their "
            "progress: staff review each report before it is public."
        ),
        facts=[
            (_("Your projects"), mine.count()),
            (_("Reports sent back to you"), returned),
        ],
        links=[(_("Report progress"), _url("implementation_index", access))],
    )


def sections_for(access: Access, user_id: int) -> list[Section]:
    sections: list[Section] = []
    if access.is_congress_staff:
        sections.append(_staff(access))
    if access.is_station_staff:
        sections.append(_station(access))
    if access.is_auditor:
        sections.append(_auditor(access))
    if Role.REPRESENTATIVE in access.roles:
        sections.append(_representative(access, user_id))
    if Role.IMPLEMENTING_UNIT in access.roles:
        units = list(
            Membership.objects.filter(
                user_id=user_id, body=access.body, role=Role.IMPLEMENTING_UNIT
            ).values_list("unit_name", flat=True)
        )
        sections.append(_unit(access, units))
    return sections


@login_required
def work_home(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(bool(access.roles))
    return render(
        request,
        "tracking/work_home.html",
        {"access": access, "body": access.body, "sections": sections_for(access, request.user.pk)},
    )
