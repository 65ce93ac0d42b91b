"""Changes of plan (调整 / 暂缓 / 终止, and resuming): a congress decision, asked first, its status
change made, its notice public on the project's page; a stopped project is no longer edited."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tracking.models import PlanChange, ProjectStatus, TrackedProject, TrackingAction

DECISION = {
    "meeting": "镇人大主席团第5次会议",
    "reason": "上级资金推迟下达",
    "notice": "经镇人大主席团第5次会议决定，本项目暂缓实施，待资金到位后恢复。",
}


@pytest.fixture
def project(cast: Cast) -> TrackedProject:
    return TrackedProject.objects.create(
        code="QS-2027-1",
        body=cast.body,
        year=2027,
        title="溪口村饮用水管网改造",
        plan_set_at=timezone.now(),
    )


def change_url(project: TrackedProject) -> str:
    return reverse("plan_change", kwargs={"body": "hill", "code": project.code})


def decide(cast: Cast, project: TrackedProject, kind: str, *, confirm: bool = True) -> Any:
    data = {**DECISION, "kind": kind, "decided_on": timezone.localdate().isoformat()}
    if confirm:
        data["confirm"] = "yes"
    return client_for(cast.congress).post(change_url(project), data)


def test_a_pause_is_asked_first_showing_the_status_it_leads_to(
    cast: Cast, project: TrackedProject
) -> None:
    asked = decide(cast, project, "pause", confirm=False)
    html = asked.content.decode()
    assert "实施中 → 暂缓" in html and DECISION["notice"] in html
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING and not PlanChange.objects.exists()


def test_a_confirmed_pause_is_recorded_logged_and_public(
    cast: Cast, project: TrackedProject
) -> None:
    response = decide(cast, project, "pause")
    assert response["Location"] == reverse("implementation_index", kwargs={"body": "hill"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAUSED
    change = PlanChange.objects.get()
    assert (change.kind, change.meeting, change.actor) == (
        "pause",
        DECISION["meeting"],
        cast.congress,
    )
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and entry.action == TrackingAction.PLAN_CHANGED
    assert entry.detail["status"] == ["implementing", "paused"]
    page = client_for(None).get(reverse("project_page", kwargs={"code": project.code}))
    html = page.content.decode()
    assert "公告" in html and DECISION["notice"] in html and DECISION["meeting"] in html
    assert DECISION["reason"] not in html  # the public reads the notice, staff the reason


def test_a_stopped_project_is_read_only_until_a_decision_resumes_it(
    cast: Cast, project: TrackedProject
) -> None:
    decide(cast, project, "stop")
    project.refresh_from_db()
    assert project.status == ProjectStatus.STOPPED
    edit = reverse("plan_edit", kwargs={"body": "hill", "code": project.code})
    assert 'value="save"' not in client_for(cast.congress).get(edit).content.decode()
    form = client_for(cast.congress).get(change_url(project)).content.decode()
    assert 'value="resume"' in form and 'value="pause"' not in form and 'value="adjust"' not in form
    decide(cast, project, "resume")
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING
    assert 'value="save"' in client_for(cast.congress).get(edit).content.decode()
    assert list(PlanChange.objects.values_list("kind", flat=True)) == ["stop", "resume"]


def test_an_adjustment_keeps_the_status_and_goes_on_to_the_plan_editor(
    cast: Cast, project: TrackedProject
) -> None:
    asked = decide(cast, project, "adjust", confirm=False).content.decode()
    assert "不变" in asked
    response = decide(cast, project, "adjust")
    assert response["Location"] == reverse(
        "plan_edit", kwargs={"body": "hill", "code": project.code}
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING


def test_a_decision_dated_ahead_is_refused_and_nothing_is_stored(
    cast: Cast, project: TrackedProject
) -> None:
    ahead = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client_for(cast.congress).post(
        change_url(project), {**DECISION, "kind": "pause", "decided_on": ahead, "confirm": "yes"}
    )
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING and not PlanChange.objects.exists()


def test_a_completed_project_takes_no_change_of_plan(cast: Cast, project: TrackedProject) -> None:
    project.status = ProjectStatus.COMPLETED
    project.save()
    assert 'name="kind"' not in client_for(cast.congress).get(change_url(project)).content.decode()
    decide(cast, project, "pause")
    assert not PlanChange.objects.exists()


def test_only_congress_staff_decide(cast: Cast, project: TrackedProject) -> None:
    for user in (cast.auditor, cast.east_staff, cast.unit, cast.stranger_staff):
        data = {**DECISION, "kind": "pause", "decided_on": "2026-11-01", "confirm": "yes"}
        assert client_for(user).post(change_url(project), data).status_code == 403
    assert not PlanChange.objects.exists()


def test_the_action_log_words_a_change_of_plan(cast: Cast, project: TrackedProject) -> None:
    decide(cast, project, "pause")
    html = client_for(cast.auditor).get(reverse("action_log", kwargs={"body": "hill"}))
    text = html.content.decode()
    assert "状态（前、后）：实施中、暂缓" in text
    assert "决定会议：" + DECISION["meeting"] in text
    assert "implementing" not in text and "paused" not in text
