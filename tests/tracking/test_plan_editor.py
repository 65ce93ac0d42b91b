"""The plan editor: a draft that is never public, published after a look at what changes, by the
plan file's rules; readers see the plan without a way to change it; sub-items; a new project."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tracking.models import (
    Milestone,
    ProgressUpdate,
    ProjectStatus,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.plan_file import check_plans
from tracking.services.plans import plans_import

DAY = datetime.timedelta(days=1)


def _day(offset: int) -> str:
    return (timezone.localdate() + offset * DAY).isoformat()


@pytest.fixture
def project(cast: Cast) -> TrackedProject:
    """A published plan around today: M1 done, M2 open in 40 days; the unit of the cast's."""
    made = TrackedProject.objects.create(
        code="QS-2027-1", body=cast.body, year=2027, title="溪口村饮用水管网改造", unit="镇水务站"
    )
    specs = check_plans(
        {
            "projects": [
                {
                    "id": made.code,
                    "leader": "王副镇长",
                    "start": _day(-30),
                    "completion": _day(200),
                    "milestones": [
                        {"id": "M1", "title": "设计完成", "planned": _day(-10), "weight": 1},
                        {"id": "M2", "title": "主体完工", "planned": _day(40), "weight": 2},
                    ],
                }
            ]
        }
    )
    plans_import(specs)
    Milestone.objects.filter(project=made, code="M1").update(done=timezone.localdate() - 12 * DAY)
    made.refresh_from_db()
    return made


def edit_url(project: TrackedProject) -> str:
    return reverse("plan_edit", kwargs={"body": project.body.slug, "code": project.code})


def posted(
    *, milestones: list[dict[str, str]] | None = None, initial: int | None = None, **fields: str
) -> dict[str, str]:
    """The editor's form as a browser sends it."""
    rows = (
        milestones
        if milestones is not None
        else [
            {"code": "M1", "title": "设计完成", "planned": _day(-10), "weight": "1"},
            {"code": "M2", "title": "主体完工", "planned": _day(40), "weight": "2"},
        ]
    )
    data = {
        "unit": "镇水务站",
        "leader": "王副镇长",
        "budget_wan": "",
        "funding_source": "",
        "start": _day(-30),
        "completion": _day(200),
        "lat": "",
        "lng": "",
        "address": "",
        "targets": "",
        "safeguards": "",
        "policy_kind": "",
        "warn_days": "",
        "yellow": "",
        "red": "",
        "m-TOTAL_FORMS": str(len(rows)),
        "m-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "100",
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"m-{index}-{key}"] = value
    return data


def public_page(project: TrackedProject) -> str:
    response = client_for(None).get(reverse("project_page", kwargs={"code": project.code}))
    assert response.status_code == 200
    return response.content.decode()


def publish(client: Client, project: TrackedProject, data: dict[str, str]) -> Any:
    response = client.post(edit_url(project), {**data, "action": "publish"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_a_saved_draft_is_kept_apart_and_never_public(cast: Cast, project: TrackedProject) -> None:
    staff = client_for(cast.congress)
    response = staff.post(
        edit_url(project), {**posted(leader="新的分管领导", targets="覆盖三个村"), "action": "save"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.draft_plan is not None and project.draft_plan["leader"] == "新的分管领导"
    assert project.leader == "王副镇长" and project.targets == ""
    html = public_page(project)
    assert "王副镇长" in html and "新的分管领导" not in html and "覆盖三个村" not in html
    page = staff.get(edit_url(project)).content.decode()
    assert "新的分管领导" in page and "草稿" in page  # the editor shows the draft as one


def test_publishing_shows_what_changes_then_applies_it(cast: Cast, project: TrackedProject) -> None:
    staff = client_for(cast.congress)
    data = posted(
        leader="李镇长",
        targets="覆盖三个村",
        address="溪口村",
        milestones=[
            {"code": "M1", "title": "设计完成", "planned": _day(-10), "weight": "1"},
            {"code": "", "title": "水质检测", "planned": _day(-2), "weight": "1"},
        ],
    )
    assert publish(staff, project, data)["Location"] == reverse(
        "plan_publish", kwargs={"body": "hill", "code": project.code}
    )
    ask = staff.get(reverse("plan_publish", kwargs={"body": "hill", "code": project.code}))
    html = ask.content.decode()
    assert "王副镇长" in html and "李镇长" in html  # before → after
    assert "主体完工" in html and "水质检测" in html  # one removed, one added (given M3)
    assert "colour-green" in html and "colour-red" in html  # the new milestone is overdue
    project.refresh_from_db()
    assert project.leader == "王副镇长"  # asked first: nothing changed yet
    staff.post(
        reverse("plan_publish", kwargs={"body": "hill", "code": project.code}), {"confirm": "yes"}
    )
    project.refresh_from_db()
    assert project.leader == "李镇长" and project.targets == "覆盖三个村"
    assert project.address == "溪口村" and project.draft_plan is None
    codes = dict(project.milestones.values_list("code", "done"))
    assert set(codes) == {"M1", "M3"} and codes["M1"] is not None  # M1 stays done
    entries = list(ActionEntry.objects.filter(body=cast.body).order_by("seq"))
    assert [(e.action, e.subject) for e in entries[-2:]] == [
        (TrackingAction.PLANS_IMPORTED, "plan_editor"),
        (TrackingAction.PLAN_EDITED, project.code),
    ]
    assert entries[-1].detail["milestones_added"] == ["M3"]
    assert "李镇长" in public_page(project)


def test_a_draft_breaking_the_plans_rules_is_refused_beside_its_fields(
    cast: Cast, project: TrackedProject
) -> None:
    data = posted(
        start=_day(10),
        completion=_day(5),
        milestones=[{"code": "M1", "title": "设计完成", "planned": _day(-10), "weight": "1"}],
    )
    response = client_for(cast.congress, "zh-hans").post(
        edit_url(project), {**data, "action": "publish"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "晚于完成日期" in html  # the plan file's own words, in Chinese, beside the start
    assert html.index('name="start"') < html.index("晚于完成日期") < html.index('name="completion"')
    outside = html.index("不在计划开工和完成日期之间")  # beside the milestone's planned date
    assert html.index('name="m-0-planned"') < outside < html.index('name="m-0-weight"')
    project.refresh_from_db()
    assert project.draft_plan is None and project.start == timezone.localdate() - 30 * DAY


def test_a_saved_draft_with_problems_shows_them_before_publishing(
    cast: Cast, project: TrackedProject
) -> None:
    staff = client_for(cast.congress)
    staff.post(edit_url(project), {**posted(start=_day(300)), "action": "save"})
    page = staff.get(edit_url(project))
    assert page.status_code == 200
    assert "晚于完成日期" in page.content.decode()
    ask = staff.get(reverse("plan_publish", kwargs={"body": "hill", "code": project.code}))
    assert ask.status_code == 302  # back to the editor: it cannot be published as it is


def test_an_empty_milestone_id_is_given_one(cast: Cast, project: TrackedProject) -> None:
    rows = [
        {"code": "M1", "title": "设计完成", "planned": _day(-10), "weight": "1"},
        {"code": "M2", "title": "主体完工", "planned": _day(40), "weight": "2"},
        {"code": "", "title": "验收", "planned": _day(190), "weight": "1"},
    ]
    client_for(cast.congress).post(
        edit_url(project), {**posted(milestones=rows, initial=2), "action": "save"}
    )
    project.refresh_from_db()
    assert project.draft_plan is not None
    assert [m["id"] for m in project.draft_plan["milestones"]] == ["M1", "M2", "M3"]


def test_a_milestone_is_removed_by_ticking_it(cast: Cast, project: TrackedProject) -> None:
    data = posted()
    data["m-1-DELETE"] = "on"
    client_for(cast.congress).post(edit_url(project), {**data, "action": "save"})
    project.refresh_from_db()
    assert project.draft_plan is not None
    assert [m["id"] for m in project.draft_plan["milestones"]] == ["M1"]


def test_discarding_the_draft_asks_first_and_keeps_the_published_plan(
    cast: Cast, project: TrackedProject
) -> None:
    staff = client_for(cast.congress)
    staff.post(edit_url(project), {**posted(leader="别人"), "action": "save"})
    url = reverse("plan_discard", kwargs={"body": "hill", "code": project.code})
    assert staff.get(url).status_code == 200
    staff.post(url)  # a bare POST does nothing
    project.refresh_from_db()
    assert project.draft_plan is not None
    staff.post(url, {"confirm": "yes"})
    project.refresh_from_db()
    assert project.draft_plan is None and project.leader == "王副镇长"


def test_readers_see_the_plan_but_no_way_to_change_it(cast: Cast, project: TrackedProject) -> None:
    for user in (cast.auditor, cast.east_staff, cast.unit):
        response = client_for(user).get(edit_url(project))
        assert response.status_code == 200
        html = response.content.decode()
        assert "王副镇长" in html and 'value="save"' not in html and "disabled" in html
        assert client_for(user).post(edit_url(project), posted()).status_code == 403
    other = TrackedProject.objects.create(code="X-1", body=cast.body, year=2027, title="别的项目")
    assert client_for(cast.unit).get(edit_url(other)).status_code == 403
    assert client_for(cast.stranger_staff).get(edit_url(project)).status_code == 403


def test_done_dates_show_read_only_beside_their_milestones(
    cast: Cast, project: TrackedProject
) -> None:
    html = client_for(cast.congress, "en").get(edit_url(project)).content.decode()
    done = timezone.localdate() - 12 * DAY
    first, second = html.index('name="m-0-title"'), html.index('name="m-1-title"')
    shown = html[first:second]
    assert "done on" in shown and done.strftime("%Y") in shown
    assert 'name="m-0-done"' not in html  # shown, not sent: progress sets it


def test_a_project_without_a_published_plan_says_it_is_being_drawn_up(cast: Cast) -> None:
    made = TrackedProject.objects.create(
        code="QS-NEW", body=cast.body, year=2027, title="新项目", leader="草拟中的领导"
    )
    html = public_page(made)
    assert "实施方案编制中" in html and "草拟中的领导" not in html


def test_a_stopped_project_is_no_longer_edited(cast: Cast, project: TrackedProject) -> None:
    project.status = ProjectStatus.STOPPED
    project.save()
    staff = client_for(cast.congress)
    html = staff.get(edit_url(project)).content.decode()
    assert 'value="save"' not in html and "终止" in html
    staff.post(edit_url(project), {**posted(leader="别人"), "action": "save"})
    project.refresh_from_db()
    assert project.draft_plan is None and project.leader == "王副镇长"


# --- Sub-items ------------------------------------------------------------------------------


def test_staff_add_a_sub_item_with_its_own_plan_editor(cast: Cast, project: TrackedProject) -> None:
    staff = client_for(cast.congress)
    url = reverse("sub_item_new", kwargs={"body": "hill", "code": project.code})
    response = staff.post(url, {"title": "一标段", "unit": "镇城建办", "share": "2", "code": ""})
    sub = TrackedProject.objects.get(parent=project)
    assert response["Location"] == edit_url(sub)
    assert (sub.code, sub.unit, sub.share, sub.year) == (
        "QS-2027-1-1",
        "镇城建办",
        Decimal(2),
        2027,
    )
    assert "一标段" in staff.get(edit_url(project)).content.decode()
    assert staff.get(edit_url(sub)).status_code == 200
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and entry.action == TrackingAction.PLAN_EDITED
    assert entry.detail["sub_item_added"] == sub.code
    assert "实施方案编制中" in public_page(project)  # the sub-item has no plan yet


def test_a_sub_item_is_removed_after_asking_unless_it_has_reviewed_progress(
    cast: Cast, project: TrackedProject
) -> None:
    staff = client_for(cast.congress)
    sub = TrackedProject.objects.create(
        code="QS-2027-1-A", body=cast.body, year=2027, title="一标段", parent=project
    )
    url = reverse("sub_item_remove", kwargs={"body": "hill", "code": sub.code})
    ProgressUpdate.objects.create(
        project=sub, on=timezone.localdate(), progress=10, state=UpdateState.APPROVED
    )
    asked = staff.get(url).content.decode()
    assert "不能删除" in asked or "cannot be removed" in asked
    staff.post(url, {"confirm": "yes"})
    assert TrackedProject.objects.filter(pk=sub.pk).exists()
    ProgressUpdate.objects.filter(project=sub).update(state=UpdateState.PENDING)
    staff.post(url, {"confirm": "yes"})
    assert not TrackedProject.objects.filter(pk=sub.pk).exists()
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and entry.detail["sub_item_removed"] == "QS-2027-1-A"


# --- A project by a congress decision -------------------------------------------------------


def test_staff_add_a_project_by_decision_and_go_on_to_its_plan(cast: Cast) -> None:
    staff = client_for(cast.congress)
    url = reverse("project_new", kwargs={"body": "hill"})
    response = staff.post(url, {"title": "镇区停车场", "year": "2027", "unit": "镇城建办"})
    made = TrackedProject.objects.get(title="镇区停车场")
    assert made.code == "hill-2027-D1" and made.source_round is None
    assert made.status == ProjectStatus.IMPLEMENTING and made.plan_set_at is None
    assert response["Location"] == edit_url(made)
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and entry.action == TrackingAction.PROJECT_ADDED
    again = staff.post(url, {"title": "另一个", "year": "2027", "code": "hill-2027-D1"})
    assert again.status_code == 400 and "已被" in again.content.decode()
    staff.post(url, {"title": "第二个", "year": "2027"})
    assert TrackedProject.objects.filter(code="hill-2027-D2").exists()
