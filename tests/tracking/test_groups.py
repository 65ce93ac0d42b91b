"""Supervision groups (监督小组): staff add the congress's representatives, one leader; members
read their group and see their projects on 我的工作."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.errors import Refused
from projects.models import ActionEntry, Body, Representative
from tests.conftest import Cast, client_for
from tracking.models import (
    GroupMember,
    Milestone,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    TrackingAction,
)
from tracking.services.supervision import group_member_add
from tracking.services.sweep import sweep

DAY = datetime.timedelta(days=1)


@pytest.fixture
def project(cast: Cast) -> TrackedProject:
    """Yellow today: its milestone falls due in 5 days."""
    today = timezone.localdate()
    made = TrackedProject.objects.create(
        code="G1",
        body=cast.body,
        year=2027,
        title="溪口村饮用水管网改造",
        start=today - 30 * DAY,
        completion=today + 100 * DAY,
    )
    Milestone.objects.create(
        project=made, code="M1", title="管道铺设", planned=today + 5 * DAY, weight=1
    )
    return made


@pytest.fixture
def roster(cast: Cast) -> list[Representative]:
    """Three seated representatives; the cast's representative user is the first."""
    return [
        Representative.objects.create(
            body=cast.body, code="D01", name="李明", station=cast.east, user=cast.representative
        ),
        Representative.objects.create(body=cast.body, code="D02", name="王芳"),
        Representative.objects.create(body=cast.body, code="D03", name="张强"),
    ]


def _url(cast: Cast, project: TrackedProject) -> str:
    return reverse("project_group", kwargs={"body": cast.body.slug, "code": project.code})


def _add(cast: Cast, project: TrackedProject, rep: Representative, leads: bool = False) -> int:
    data = {"action": "add", "representative": str(rep.pk)}
    if leads:
        data["leads"] = "on"
    return int(client_for(cast.congress).post(_url(cast, project), data).status_code)


def _leaders(project: TrackedProject) -> list[str]:
    return list(
        project.group_members.filter(leads=True).values_list("representative__name", flat=True)
    )


def test_staff_build_a_group_with_one_leader(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    assert _add(cast, project, roster[0], leads=True) == 302
    assert _add(cast, project, roster[1]) == 302
    assert _leaders(project) == ["李明"]
    assert _add(cast, project, roster[2], leads=True) == 302
    assert _leaders(project) == ["张强"]  # the one leader changes
    second = GroupMember.objects.get(representative=roster[1])
    client_for(cast.congress).post(_url(cast, project), {"action": "lead", "member": second.pk})
    assert _leaders(project) == ["王芳"]
    entries = ActionEntry.objects.filter(action=TrackingAction.GROUP_CHANGED)
    assert entries.count() == 4 and {e.subject for e in entries} == {"G1"}
    page = client_for(cast.auditor).get(_url(cast, project)).content.decode()
    assert "李明" in page and "张强" in page and 'name="action"' not in page  # read only


def test_a_representative_is_added_once(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    _add(cast, project, roster[0])
    assert _add(cast, project, roster[0]) == 400
    assert project.group_members.count() == 1


def test_another_congresss_representative_cannot_join(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    stranger = Representative.objects.create(
        body=Body.objects.get(slug="river"), code="D01", name="外地代表"
    )
    assert _add(cast, project, stranger) == 400
    with pytest.raises(Refused) as refused:
        group_member_add(project=project, actor=cast.congress, representative=stranger)
    assert refused.value.code == "not_in_roster"
    assert not project.group_members.exists()


def test_removing_a_member_is_asked_first_and_logged(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    _add(cast, project, roster[1], leads=True)
    member = project.group_members.get()
    client = client_for(cast.congress)
    asked = client.post(_url(cast, project), {"action": "remove", "member": member.pk})
    assert asked.status_code == 200 and "王芳" in asked.content.decode()
    assert project.group_members.exists()
    done = client.post(
        _url(cast, project), {"action": "remove", "member": member.pk, "confirm": "yes"}
    )
    assert done.status_code == 302 and not project.group_members.exists()
    last = ActionEntry.objects.filter(action=TrackingAction.GROUP_CHANGED).order_by("-seq")[0]
    assert last.detail["change"] == "removed" and last.detail["leader"] is True


def test_members_read_their_group_and_see_their_projects_on_my_work(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    client = client_for(cast.representative)
    assert client.get(_url(cast, project)).status_code == 403  # not in the group yet
    _add(cast, project, roster[0])
    SupervisionTask.objects.create(
        project=project, kind=TaskKind.ON_SITE, owner="李明", due=timezone.localdate()
    )
    page = client.get(_url(cast, project))
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    home = client.get(reverse("work_home", kwargs={"body": cast.body.slug})).content.decode()
    assert "溪口村饮用水管网改造" in home and "colour-yellow" in home
    assert "1 项待办督办任务" in home
    ledgers = reverse("ledgers", kwargs={"body": cast.body.slug, "code": project.code})
    assert ledgers in home and client.get(ledgers).status_code == 200
    assert client.post(_url(cast, project), {"action": "add"}).status_code == 403


def test_the_sweep_gives_a_new_yellow_to_the_groups_leader(
    cast: Cast, project: TrackedProject, roster: list[Representative]
) -> None:
    _add(cast, project, roster[0], leads=True)
    _add(cast, project, roster[1])
    sweep(timezone.localdate())
    task = SupervisionTask.objects.get(project=project)
    assert task.kind == TaskKind.ON_SITE and task.owner == "李明"
    assert cast.representative.notifications.count() == 1


@pytest.mark.parametrize("who", ["unit", "stranger_staff", "outsider"])
def test_people_without_a_work_area_or_a_seat_in_the_group_are_refused(
    cast: Cast, project: TrackedProject, who: str
) -> None:
    assert client_for(cast.by_role()[who]).get(_url(cast, project)).status_code == 403
