"""The plan editor as congress staff use it: on a phone (no sideways scroll) and a projector, a
draft saved with a problem marked beside its field, fixed, published after the confirmation page;
then the public page shows the plan and the notice of a pause."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens
from tests.conftest import Cast
from tracking.models import Milestone, TrackedProject
from tracking.plan_excel import PROJECT_COLUMNS, projects_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


def a_project(cast: Cast) -> TrackedProject:
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code="QS-2027-1",
        body=cast.body,
        year=2027,
        title="溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）",
        unit="青山镇水务站",
        start=today - 60 * DAY,
        completion=today + 200 * DAY,
        plan_set_at=timezone.now(),
    )
    Milestone.objects.create(
        project=project,
        code="M1",
        title="完成施工图设计",
        planned=today - 30 * DAY,
        weight=1,
        done=today - 32 * DAY,
    )
    Milestone.objects.create(
        project=project, code="M2", title="主管道铺设", planned=today + 60 * DAY, weight=2
    )
    return project


def no_sideways_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, scroll_width


def test_staff_edit_and_publish_a_plan_on_a_phone(screens: Screens, cast: Cast) -> None:
    project = a_project(cast)
    page = screens.person(width=390, height=844)
    screens.sign_in(page, "congress")
    page.goto(f"{screens.base}/work/hill/implementation/{project.code}/plan/")
    expect(page.locator("h1")).to_contain_text("实施方案")
    no_sideways_scroll(page, 390)
    screens.shot(page, "60-plan-editor-phone")
    page.fill("#id_leader", "李副镇长")
    page.fill("#id_targets", "改造主管道3.2公里，惠及溪口村五个村民组。")
    page.fill("#id_m-2-title", "通水验收")
    page.fill("#id_m-2-planned", (timezone.localdate() + 300 * DAY).isoformat())  # too late
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("草稿已保存")
    expect(page.locator(".milestone-row.has-error")).to_have_count(1)
    expect(page.locator(".milestone-row.has-error")).to_contain_text("不在计划开工和完成日期之间")
    no_sideways_scroll(page, 390)
    screens.shot(page, "61-plan-draft-problem-phone")
    page.fill("#id_m-2-planned", (timezone.localdate() + 190 * DAY).isoformat())
    page.click("button[value=publish]")
    expect(page.locator("h1")).to_contain_text("发布")
    expect(page.locator(".plan-diff")).to_contain_text("李副镇长")
    no_sideways_scroll(page, 390)
    screens.shot(page, "62-plan-publish-confirm-phone")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text("实施方案已发布")
    page.goto(f"{screens.base}/projects/{project.code}/")
    expect(page.locator(".facts")).to_contain_text("李副镇长")
    expect(page.locator(".timeline")).to_contain_text("通水验收")


def test_a_pause_is_decided_and_its_notice_is_public(screens: Screens, cast: Cast) -> None:
    project = a_project(cast)
    page = screens.person(width=1920, height=1080)
    screens.sign_in(page, "congress")
    page.goto(f"{screens.base}/work/hill/implementation/{project.code}/change/")
    page.check("input[name=kind][value=pause]")
    page.fill("#id_meeting", "镇人大主席团第5次会议")
    page.fill("#id_decided_on", timezone.localdate().isoformat())
    page.fill("#id_reason", "上级补助资金推迟下达。")
    page.fill("#id_notice", "经镇人大主席团第5次会议决定，本项目暂缓实施，资金到位后恢复。")
    page.click("form button.primary")
    expect(page.locator(".facts")).to_contain_text("暂缓")
    screens.shot(page, "63-plan-change-confirm-projector")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text("决定已记录")
    page.goto(f"{screens.base}/work/hill/implementation/{project.code}/plan/")
    screens.shot(page, "64-plan-editor-projector")
    phone = screens.person(width=390, height=844)
    phone.goto(f"{screens.base}/projects/{project.code}/")
    expect(phone.locator(".plan-notices")).to_contain_text("镇人大主席团第5次会议")
    no_sideways_scroll(phone, 390)
    screens.shot(phone, "65-project-notice-phone")


def test_an_excel_upload_with_problems_lists_them_on_a_phone(
    screens: Screens, cast: Cast, tmp_path: Path
) -> None:
    project = a_project(cast)
    book = load_workbook(io.BytesIO(projects_workbook([project])))
    sheet = book.worksheets[0]
    keys = [c.key for c in PROJECT_COLUMNS]
    sheet.cell(row=2, column=keys.index("start") + 1).value = "2029-01-01"  # after completion
    sheet.cell(row=2, column=keys.index("urgent") + 1).value = "也许"
    path = tmp_path / "projects.xlsx"
    book.save(path)
    page = screens.person(width=390, height=844)
    screens.sign_in(page, "congress")
    page.goto(f"{screens.base}/work/hill/implementation/")
    for target in ("implementation/new/", "import-plans/", "import-progress/", "projects.xlsx"):
        expect(page.locator(f'.plan-actions a[href$="{target}"]')).to_have_count(1)
    no_sideways_scroll(page, 390)
    screens.shot(page, "66-implementation-plan-links-phone")
    page.goto(f"{screens.base}/work/hill/implementation/import-plans/")
    page.set_input_files("#id_file", str(path))
    page.click("form button.primary")
    # the start, the urgent cell, and both milestones now before the start
    expect(page.locator(".import-errors tbody tr")).to_have_count(4)
    expect(page.locator(".import-errors")).to_contain_text("晚于完成日期")
    expect(page.locator(".import-errors")).to_contain_text("时间节点")
    no_sideways_scroll(page, 390)
    screens.shot(page, "67-plan-import-problems-phone")
