"""The staff's supervision dashboard: the year's colours, late milestones, tasks and reviews."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Cast, client_for
from tracking.models import (
    Milestone,
    Notification,
    ProgressUpdate,
    ProjectStatus,
    SupervisionTask,
    TaskKind,
    TrackedProject,
)
from tracking.services.supervision import task_close

DAY = datetime.timedelta(days=1)


def a_project(
    cast: Cast,
    code: str,
    *,
    milestone_in: int | None = None,
    year: int = 2027,
    status: str = ProjectStatus.IMPLEMENTING,
    unit: str = "镇水务站",
) -> TrackedProject:
    """A project with one milestone `milestone_in` days from today (negative: overdue)."""
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=year,
        title=f"项目{code}",
        unit=unit,
        status=status,
        start=today - 60 * DAY,
        completion=today + 200 * DAY,
    )
    if milestone_in is not None:
        Milestone.objects.create(
            project=project,
            code="M1",
            title=f"节点{code}",
            planned=today + milestone_in * DAY,
            weight=1,
        )
    return project


def _url(cast: Cast, **query: str) -> str:
    base = reverse("supervision", kwargs={"body": cast.body.slug})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def year_of_projects(cast: Cast) -> dict[str, TrackedProject]:
    return {
        "red": a_project(cast, "R1", milestone_in=-10),
        "yellow": a_project(cast, "Y1", milestone_in=5),
        "green": a_project(cast, "G1", milestone_in=100),
        "green2": a_project(cast, "G2", milestone_in=120),
        "paused": a_project(cast, "P1", milestone_in=-3, status=ProjectStatus.PAUSED),
        "older": a_project(cast, "OLD", milestone_in=-40, year=2026),
    }


def test_it_counts_the_latest_years_projects_by_colour(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    response = client_for(cast.congress).get(_url(cast))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.year == 2027
    assert board.counts == {"red": 1, "yellow": 1, "green": 2, "none": 1}
    assert "项目OLD" not in response.content.decode()


def test_each_count_links_to_its_projects_with_their_reasons(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    page = client_for(cast.congress).get(_url(cast)).content.decode()
    assert "?year=2027&amp;colour=red#projects" in page
    red = client_for(cast.congress).get(_url(cast, year="2027", colour="red")).content.decode()
    assert "项目R1" in red and "项目G1" not in red
    assert "节点R1" in red and "逾期" in red  # the reason, in words
    older = client_for(cast.congress).get(_url(cast, year="2026", colour="red")).content.decode()
    assert "项目OLD" in older and "项目R1" not in older


def test_overdue_milestones_show_their_date_days_and_unit(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    response = client_for(cast.congress).get(_url(cast))
    overdue = response.context["board"].overdue
    assert [(o.milestone.title, o.days) for o in overdue] == [("节点R1", 10)]  # not the paused one
    page = response.content.decode()
    assert "10 天" in page and "镇水务站" in page


def test_open_tasks_show_an_overdue_mark_and_only_congress_staff_get_the_close_form(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    today = timezone.localdate()
    late = SupervisionTask.objects.create(
        project=year_of_projects["red"],
        kind=TaskKind.SPECIAL_REPORT,
        owner="常委会",
        due=today - DAY,
    )
    SupervisionTask.objects.create(
        project=year_of_projects["yellow"], kind=TaskKind.ON_SITE, owner="李代表", due=today + DAY
    )
    close = reverse("task_close", kwargs={"body": cast.body.slug, "pk": late.pk})
    staff = client_for(cast.congress).get(_url(cast)).content.decode()
    assert staff.count('class="task-overdue"') == 1
    assert close in staff and "常委会" in staff and "李代表" in staff
    for reader in (cast.auditor, cast.east_staff):
        page = client_for(reader).get(_url(cast)).content.decode()
        assert "常委会" in page and close not in page and 'name="outcome"' not in page


def test_pending_updates_link_to_their_review_for_congress_staff(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    update = ProgressUpdate.objects.create(
        project=year_of_projects["green"], on=timezone.localdate(), progress=30
    )
    review = reverse("update_review", kwargs={"body": cast.body.slug, "pk": update.pk})
    assert review in client_for(cast.congress).get(_url(cast)).content.decode()
    auditor = client_for(cast.auditor).get(_url(cast)).content.decode()
    assert "项目G1" in auditor and review not in auditor


def test_it_shows_the_readers_unread_notifications(
    cast: Cast, year_of_projects: dict[str, TrackedProject]
) -> None:
    Notification.objects.create(user=cast.congress, text="“项目R1”变为红色")
    Notification.objects.create(user=cast.auditor, text="别人的通知")
    response = client_for(cast.congress).get(_url(cast))
    assert response.context["unread_notifications"]() == 1


def test_a_congress_without_projects_says_so(cast: Cast) -> None:
    response = client_for(cast.congress).get(_url(cast))
    assert response.status_code == 200 and response.context["board"].year is None


@pytest.mark.parametrize("who", ["unit", "representative", "stranger_staff", "outsider"])
def test_people_without_a_work_area_here_are_refused(cast: Cast, who: str) -> None:
    assert client_for(cast.by_role()[who]).get(_url(cast)).status_code == 403


def _queries(cast: Cast) -> int:
    client = client_for(cast.congress)
    client.get(_url(cast))  # the session and the language settle on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(cast, colour="red")).status_code == 200
    return len(queries)


def _fill(cast: Cast, first: int, last: int) -> None:
    """Projects, each with a late milestone, an open task, a closed one and an update to review."""
    today = timezone.localdate()
    for n in range(first, last):
        project = a_project(cast, f"A{n}", milestone_in=-n - 1)
        SupervisionTask.objects.create(project=project, kind=TaskKind.ON_SITE, due=today)
        done = SupervisionTask.objects.create(project=project, kind=TaskKind.ON_SITE, due=today)
        task_close(task=done, actor=cast.congress, outcome="已现场督办")
        ProgressUpdate.objects.create(project=project, on=today, progress=10)


def test_it_reads_in_a_fixed_number_of_queries(cast: Cast) -> None:
    _fill(cast, 0, 1)
    few = _queries(cast)
    _fill(cast, 1, 9)
    assert _queries(cast) == few
