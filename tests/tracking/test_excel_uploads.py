"""Excel uploads in the work area: the congress's workbook out, plans and progress in; problems
as a table (sheet, row, column, problem) with nothing stored; else asked first, then applied."""

import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import ActionEntry, Body
from tests.conftest import Cast, client_for
from tracking.models import (
    Milestone,
    ProgressUpdate,
    ProjectStatus,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.plan_excel import MILESTONE_COLUMNS, PROJECT_COLUMNS

KEYS = [c.key for c in PROJECT_COLUMNS]


@pytest.fixture
def projects(cast: Cast) -> list[TrackedProject]:
    """A planned project of this congress, one of another, none stopped yet."""
    mine = TrackedProject.objects.create(
        code="QS-1",
        body=cast.body,
        year=2027,
        title="管网改造",
        unit="镇水务站",
        start=datetime.date(2027, 3, 1),
        completion=datetime.date(2027, 11, 30),
        plan_set_at=timezone.now(),
    )
    Milestone.objects.create(
        project=mine, code="M1", title="设计", planned=datetime.date(2027, 4, 30), weight=1
    )
    other = TrackedProject.objects.create(
        code="HK-1",
        body=Body.objects.get(slug="river"),
        year=2027,
        title="河口项目",
        start=datetime.date(2027, 3, 1),
        completion=datetime.date(2027, 11, 30),
    )
    return [mine, other]


def exported(client: Client) -> bytes:
    response = client.get(reverse("projects_export", kwargs={"body": "hill"}))
    assert response.status_code == 200
    return response.content


def edit(content: bytes, changes: dict[str, Any], done: Any = None, extra: Any = None) -> Any:
    """The workbook with cells of the project QS-1 changed (and an extra project row)."""
    book = load_workbook(io.BytesIO(content))
    sheet, milestones = book.worksheets
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "QS-1":
            for key, value in changes.items():
                row[KEYS.index(key)].value = value
    if extra:
        sheet.append([extra.get(key) for key in KEYS])
    if done is not None:
        milestones.cell(
            row=2, column=[c.key for c in MILESTONE_COLUMNS].index("done") + 1
        ).value = done
    out = io.BytesIO()
    book.save(out)
    out.name = "projects.xlsx"
    out.seek(0)
    return out


def payload(html: str) -> str:
    found = re.search(r'name="payload" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_workbook_has_only_this_congresss_projects(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    book = load_workbook(io.BytesIO(exported(client_for(cast.auditor))))
    ids = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert ids == ["QS-1"]
    assert (
        client_for(cast.unit).get(reverse("projects_export", kwargs={"body": "hill"})).status_code
        == 403
    )


def test_plans_from_the_workbook_are_shown_then_published(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    url = reverse("plans_import_upload", kwargs={"body": "hill"})
    upload = edit(
        exported(staff),
        {"leader": "李镇长", "completion": datetime.date(2027, 12, 31)},
        extra={
            "id": "QS-2",
            "title": "文化广场",
            "body": "hill",
            "year": 2027,
            "start": datetime.date(2027, 5, 1),
            "completion": datetime.date(2027, 10, 1),
        },
    )
    asked = staff.post(url, {"file": upload})
    html = asked.content.decode()
    assert asked.status_code == 200 and "李镇长" in html and "文化广场" in html
    assert "新增项目" in html and "替换" in html
    assert TrackedProject.objects.get(code="QS-1").leader == ""  # nothing stored yet
    done = staff.post(url, {"confirm": "yes", "payload": payload(html)})
    assert done["Location"] == reverse("implementation_index", kwargs={"body": "hill"})
    assert TrackedProject.objects.get(code="QS-1").leader == "李镇长"
    made = TrackedProject.objects.get(code="QS-2")
    assert made.body == cast.body and made.plan_set_at is not None
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and (entry.action, entry.subject) == (
        TrackingAction.PLANS_IMPORTED,
        "plan_excel",
    )


def test_problems_are_listed_by_sheet_row_and_column_and_nothing_is_stored(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    upload = edit(exported(staff), {"start": datetime.date(2028, 1, 1), "leader": "别人"})
    response = staff.post(reverse("plans_import_upload", kwargs={"body": "hill"}), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "工作表" in html and "实施项目" in html and "晚于完成日期" in html
    assert '<td class="import-line">2</td>' in html
    assert TrackedProject.objects.get(code="QS-1").leader == ""


def test_another_congresss_project_is_refused_with_a_clear_message(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    upload = edit(
        exported(staff),
        {},
        extra={
            "id": "HK-1",
            "start": datetime.date(2027, 3, 1),
            "completion": datetime.date(2027, 12, 1),
        },
    )
    response = staff.post(reverse("plans_import_upload", kwargs={"body": "hill"}), {"file": upload})
    assert response.status_code == 400
    assert "项目 HK-1 属于河口镇人民代表大会" in response.content.decode()
    assert TrackedProject.objects.get(code="HK-1").completion == datetime.date(2027, 11, 30)


def test_a_tampered_confirmation_stores_nothing(cast: Cast, projects: list[TrackedProject]) -> None:
    staff = client_for(cast.congress)
    url = reverse("plans_import_upload", kwargs={"body": "hill"})
    html = staff.post(url, {"file": edit(exported(staff), {"leader": "李镇长"})}).content.decode()
    forged = payload(html)[:-3] + "abc"
    staff.post(url, {"confirm": "yes", "payload": forged})
    other = client_for(cast.stranger_staff)
    assert other.post(url, {"confirm": "yes", "payload": payload(html)}).status_code == 403
    assert TrackedProject.objects.get(code="QS-1").leader == ""


def test_progress_from_the_workbook_is_shown_then_stored_as_reviewed(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    url = reverse("progress_import_upload", kwargs={"body": "hill"})
    upload = edit(
        exported(staff),
        {"progress": 35, "progress_on": datetime.date(2027, 5, 2), "note": "设计完成"},
        done=datetime.date(2027, 4, 28),
    )
    asked = staff.post(url, {"file": upload})
    html = asked.content.decode()
    assert asked.status_code == 200 and "35%" in html and "设计" in html
    assert not ProgressUpdate.objects.exists()
    staff.post(url, {"confirm": "yes", "payload": payload(html)})
    update = ProgressUpdate.objects.get()
    assert update.state == UpdateState.APPROVED and update.progress == 35
    assert Milestone.objects.get(code="M1").done == datetime.date(2027, 4, 28)
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None and entry.subject == "progress_excel"


def test_a_pause_in_the_progress_sheet_is_refused_for_a_decision(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    upload = edit(
        exported(staff),
        {"progress": 35, "progress_on": datetime.date(2027, 5, 2), "status": "暂缓"},
    )
    response = staff.post(
        reverse("progress_import_upload", kwargs={"body": "hill"}), {"file": upload}
    )
    assert response.status_code == 400 and "须经人大决定" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_stopped_project_takes_no_plan_from_the_workbook(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    staff = client_for(cast.congress)
    content = exported(staff)
    TrackedProject.objects.filter(code="QS-1").update(status=ProjectStatus.STOPPED)
    response = staff.post(
        reverse("plans_import_upload", kwargs={"body": "hill"}),
        {"file": edit(content, {"leader": "李镇长"})},
    )
    assert response.status_code == 400 and "已依决定终止" in response.content.decode()
