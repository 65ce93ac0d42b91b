"""满意度测评 in the hall: a representative grades last year's projects on a tablet (1024×768),
each card showing the project's completion facts, warning colours and public rating; staff build
the round on a phone. Screenshots to look at."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ballots.services.rounds import round_close
from tests.browser.conftest import Screens
from tests.conftest import Cast
from tests.voting import make_session, open_with_cards
from tracking.models import (
    ColourChange,
    Milestone,
    ProgressUpdate,
    Rating,
    TrackedProject,
    UpdateState,
)
from tracking.services.evaluation import evaluation_round_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）",
    "镇中心小学食堂扩建",
    "青山路路灯更换与夜间照明提升",
    "老年活动中心适老化改造",
]


TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
DONE, PLANNED = TODAY - 20 * DAY, TODAY - 32 * DAY
YEAR = PLANNED.year  # the projects' year, evaluated at the next session


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def completed(project: TrackedProject, planned: datetime.date, done: datetime.date) -> None:
    """Done on `done`, its plan's last milestone planned for `planned`; `completion` became the
    day it was done, as a reviewed `completed` update makes it."""
    Milestone.objects.create(project=project, code="M1", title="验收", planned=planned, weight=1)
    ProgressUpdate.objects.create(
        project=project,
        on=done,
        progress=Decimal(100),
        milestones_done=[{"id": "M1", "done": done.isoformat()}],
        status="completed",
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )
    project.status = "completed"
    project.completion = project.completed_on = done
    project.save()


def last_years_projects(cast: Cast) -> list[TrackedProject]:
    made = [
        TrackedProject.objects.create(
            code=f"QS-2026-P{n}",
            body=cast.body,
            year=YEAR,
            title=title,
            unit="青山镇水务站" if n == 1 else "青山镇社会事务办",
            start=TODAY - 240 * DAY,
            completion=TODAY + 30 * DAY,
        )
        for n, title in enumerate(TITLES, start=1)
    ]
    first, second, unfinished, fourth = made
    completed(first, PLANNED, DONE)  # 12 days late
    completed(second, TODAY - 40 * DAY, TODAY - 45 * DAY)  # 5 days early
    completed(fourth, TODAY - 60 * DAY, TODAY - 60 * DAY)  # on time
    ProgressUpdate.objects.create(
        project=unfinished,
        on=TODAY - 10 * DAY,
        progress=Decimal("72.5"),
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )
    steps = ((150, "", "green"), (120, "green", "yellow"), (90, "yellow", "green"))
    for days, before, after in steps:
        ColourChange.objects.create(
            project=first, on=TODAY - days * DAY, from_colour=before, to_colour=after
        )
    for n, stars in enumerate([5, 4, 4, 3, 5, 4]):
        Rating.objects.create(project=first, period=str(YEAR), rater=f"r{n}", stars=stars)
    unfinished.explanation = "受汛期影响，路灯基础施工顺延，2027年3月底前全部完工。"
    unfinished.save()
    return made


def test_a_representative_grades_each_project_seeing_its_facts_on_a_tablet(
    browser: Browser, asgi_server: str, cast: Cast
) -> None:
    projects = last_years_projects(cast)
    round_ = evaluation_round_build(
        session=make_session(cast.body, seats=3, code="QS-2027"),
        year=YEAR,
        projects=projects,
        code="QS-2027-E",
        actor=cast.congress,
    )
    cards = open_with_cards(round_)
    screens = Screens(browser, asgi_server)
    page = screens.person(width=1024, height=768)
    page.goto(f"{asgi_server}/vote/")
    page.fill("#id_code", cards[0].code)
    page.click("#card-form button[type=submit]")

    items = page.locator(".item-card")
    expect(items).to_have_count(4)
    first = items.first.locator(".evaluation-facts")
    expect(first.locator("dl")).to_be_visible()  # open: the facts are what is graded
    expect(first).to_contain_text("已完成")
    expect(first).to_contain_text(chinese(DONE))
    expect(first).to_contain_text(chinese(PLANNED))
    expect(first).to_contain_text("100%")
    expect(first).to_contain_text("延期 12 天")
    expect(first).to_contain_text("★ 4.2")
    expect(first).to_contain_text("6 人评价")
    expect(first.locator(".colour-steps li")).to_have_count(3)
    third = items.nth(2).locator(".evaluation-facts")
    expect(third).to_contain_text("尚未完成")
    expect(third).to_contain_text("2027年3月底前全部完工")
    expect(items.nth(1).locator(".evaluation-facts")).to_contain_text("暂无评价")
    expect(items.nth(1).locator(".evaluation-facts")).to_contain_text("提前 5 天")
    expect(items.nth(3).locator(".evaluation-facts")).to_contain_text("按期完成")
    options = items.first.locator("[data-choice]")
    expect(options).to_have_text(["满意", "基本满意", "不满意", "弃权"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    screens.shot(page, "60-evaluation-tablet-cards")

    for n, option in enumerate(["satisfied", "basically_satisfied", "dissatisfied", "abstain"]):
        items.nth(n).locator(f"[data-choice={option}]").click()
    page.click("[data-action=review]")
    expect(page.locator(".review-list li")).to_have_count(4)
    screens.shot(page, "61-evaluation-tablet-review")
    page.click("[data-action=submit]")
    expect(page.locator("[data-receipt]")).to_have_text(re.compile(r"^[0-9a-f]{16}$"))

    round_close(round_=round_)
    graded = {p.code: (p.evaluation, p.status) for p in TrackedProject.objects.order_by("code")}
    # One of three seats voted: a single "satisfied" is not more than half, nothing else counts.
    assert graded["QS-2026-P1"] == ("dissatisfied", "rectifying")
    public = screens.person(width=390, height=844)
    public.goto(f"{asgi_server}/projects/QS-2026-P3/")
    expect(public.locator(".project-evaluation")).to_contain_text("不满意")
    expect(public.locator(".project-explanation")).to_contain_text("2027年3月底前全部完工")
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    screens.shot(public, "62-evaluation-project-page-phone")


def test_staff_build_the_round_on_a_phone(screens: Screens, cast: Cast) -> None:
    last_years_projects(cast)
    make_session(cast.body, seats=3, code="QS-2027")
    page = screens.person(width=390, height=844)
    screens.sign_in(page, "congress")
    page.goto(f"{screens.base}/work/{cast.body.slug}/evaluation/new/")
    expect(page.locator(".evaluation-choice input:checked")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screens.shot(page, "63-evaluation-build-phone")
    page.locator(".evaluation-choice", has_text="路灯").locator("input").uncheck()
    page.click(".evaluation-build button[type=submit]")
    expect(page.locator(".evaluation-items li")).to_have_count(3)
    screens.shot(page, "64-evaluation-build-confirm-phone")
    page.click("form.narrow button[type=submit]")
    expect(page.locator("h1")).to_contain_text(f"QS-2027-E{YEAR}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 销号 of a completed project: how it was verified, asked first, then closed.
    page.goto(f"{screens.base}/work/{cast.body.slug}/implementation/QS-2026-P2/close/")
    page.fill("#id_verification", "镇人大主席团组织现场验收，食堂已投入使用。")
    screens.shot(page, "65-evaluation-close-phone")
    page.click("form.narrow button[type=submit]")
    expect(page.locator("h1")).to_contain_text("销号")
    page.click("form.narrow button[type=submit]")
    expect(page.locator(".evaluation-projects")).not_to_contain_text("镇中心小学食堂扩建")
    assert TrackedProject.objects.get(code="QS-2026-P2").status == "closed"

    projector = screens.person(width=1920, height=1080)
    screens.sign_in(projector, "congress")
    projector.goto(f"{screens.base}/work/{cast.body.slug}/evaluation/new/")
    screens.shot(projector, "66-evaluation-build-1080p")
    assert projector.evaluate("document.documentElement.scrollWidth") <= 1920
