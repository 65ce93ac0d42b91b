"""Follow-up tasks: congress staff close them with their outcome, asked first, or change them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ActionEntry, Body, Level
from tests.conftest import Cast, client_for
from tracking.models import SupervisionTask, TaskKind, TrackedProject, TrackingAction

DAY = datetime.timedelta(days=1)


@pytest.fixture
def task(cast: Cast) -> SupervisionTask:
    project = TrackedProject.objects.create(
        code="T1", body=cast.body, year=2027, title="溪口村饮用水管网改造"
    )
    return SupervisionTask.objects.create(
        project=project,
        kind=TaskKind.ON_SITE,
        owner="监督小组",
        due=timezone.localdate() + 10 * DAY,
    )


def _url(cast: Cast, task: SupervisionTask, name: str = "task_close") -> str:
    return reverse(name, kwargs={"body": cast.body.slug, "pk": task.pk})


def test_closing_is_asked_first_then_keeps_the_outcome_and_who_closed_it(
    cast: Cast, task: SupervisionTask
) -> None:
    client = client_for(cast.congress)
    asked = client.post(_url(cast, task), {"outcome": "已现场查看，施工正常推进。"})
    assert asked.status_code == 200 and "已现场查看" in asked.content.decode()
    task.refresh_from_db()
    assert task.closed_at is None  # not yet: asked first
    done = client.post(
        _url(cast, task), {"outcome": "已现场查看，施工正常推进。", "confirm": "yes"}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.closed_at is not None and task.outcome == "已现场查看，施工正常推进。"
    entry = ActionEntry.objects.get(action=TrackingAction.TASK_CLOSED)
    assert (entry.actor, entry.subject, entry.detail["task"]) == ("congress", "T1", task.pk)
    page = client.get(_url(cast, task)).content.decode()
    assert "已现场查看" in page and "congress" in page and 'name="outcome"' not in page
    dashboard = client_for(cast.auditor).get(
        reverse("supervision", kwargs={"body": cast.body.slug})
    )
    assert "已现场查看" in dashboard.content.decode()


def test_the_outcome_is_required(cast: Cast, task: SupervisionTask) -> None:
    response = client_for(cast.congress).post(_url(cast, task), {"outcome": "  ", "confirm": "yes"})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.closed_at is None


def test_a_closed_task_stays_closed(cast: Cast, task: SupervisionTask) -> None:
    client = client_for(cast.congress)
    client.post(_url(cast, task), {"outcome": "已听取专题汇报", "confirm": "yes"})
    client.post(_url(cast, task), {"outcome": "再次关闭", "confirm": "yes"})
    task.refresh_from_db()
    assert task.outcome == "已听取专题汇报"
    assert ActionEntry.objects.filter(action=TrackingAction.TASK_CLOSED).count() == 1
    assert client.get(_url(cast, task, "task_edit")).status_code == 404


def test_staff_change_the_owner_and_due_date_and_it_is_logged(
    cast: Cast, task: SupervisionTask
) -> None:
    due = timezone.localdate() + 30 * DAY
    response = client_for(cast.congress).post(
        _url(cast, task, "task_edit"), {"owner": "王代表", "due": due.isoformat()}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.owner, task.due) == ("王代表", due)
    entry = ActionEntry.objects.get(action="task_edited")
    assert entry.detail["owner"] == ["监督小组", "王代表"]
    log = client_for(cast.auditor).get(reverse("action_log", kwargs={"body": cast.body.slug}))
    assert "督办任务" in log.content.decode()  # the entry's label, in words


def test_an_unchanged_task_is_not_logged(cast: Cast, task: SupervisionTask) -> None:
    data = {"owner": task.owner, "due": task.due.isoformat()}
    assert client_for(cast.congress).post(_url(cast, task, "task_edit"), data).status_code == 400
    assert not ActionEntry.objects.filter(action="task_edited").exists()


@pytest.mark.parametrize("who", ["auditor", "east_staff", "representative", "unit"])
def test_only_congress_staff_close_or_change_tasks(
    cast: Cast, task: SupervisionTask, who: str
) -> None:
    client = client_for(cast.by_role()[who])
    assert client.post(_url(cast, task), {"outcome": "x", "confirm": "yes"}).status_code == 403
    data = {"owner": "x", "due": "2030-01-01"}
    assert client.post(_url(cast, task, "task_edit"), data).status_code == 403
    task.refresh_from_db()
    assert task.closed_at is None and task.owner == "监督小组"


def test_another_congresss_task_is_not_found(cast: Cast, task: SupervisionTask) -> None:
    other = Body.objects.get(slug="river")
    theirs = TrackedProject.objects.create(code="X1", body=other, year=2027, title="外地项目")
    foreign = SupervisionTask.objects.create(
        project=theirs, kind=TaskKind.SPECIAL_REPORT, due=timezone.localdate()
    )
    assert client_for(cast.congress).get(_url(cast, foreign)).status_code == 404
    assert other.level == Level.TOWNSHIP
