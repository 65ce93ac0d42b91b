"""The year's report in a browser: on a phone (390×844) without sideways scrolling, and on a 1080p
projector with the charts beside the ranking; the congress's page leads to it. Screenshots to
look at: the satisfaction bars, the projects as cards on the phone, the units' lines."""

import pytest
from playwright.sync_api import Page, expect

from ballots.models import Round
from ballots.services.rounds import round_close
from tests.browser.conftest import Screens
from tests.conftest import Cast
from tests.tracking.annual_world import grades_reach_projects, three_years

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, scroll_width


def test_the_report_reads_on_a_phone_from_the_congress_page(screens: Screens, cast: Cast) -> None:
    three_years(cast.body)
    page = screens.person(width=390, height=844)
    page.goto(f"{screens.base}/b/hill/candidates/")
    page.get_by_role("link", name="2024年度报告").click()
    expect(page.locator("h1")).to_have_text("2024年民生实事项目年度报告")
    expect(page.locator(".annual-tile strong").first).to_have_text("74.0%")
    expect(page.locator(".annual-preview")).to_have_count(0)
    expect(page.locator(".sat-bars .sat-row")).to_have_count(5)
    expect(page.locator("#project-P-WATER")).to_contain_text("提前10天完成")
    expect(page.locator(".trend-chart polyline").first).to_be_visible()
    # One dot per unit and year with a rate (1 + 1 + 2 + 3); the all-projects line has none.
    expect(page.locator(".trend-chart circle")).to_have_count(7)
    no_sideways_scroll(page, 390)
    screens.shot(page, "91-annual-report-phone")
    page.get_by_role("button", name="English").click()  # longer words: still no sideways scroll
    expect(page.locator("h1")).to_have_text("Livelihood projects: annual report, 2024")
    no_sideways_scroll(page, 390)
    screens.shot(page, "91b-annual-report-phone-en")


def test_the_report_fills_a_projector_and_staff_see_a_preview_first(
    screens: Screens, cast: Cast
) -> None:
    three_years(cast.body, close_2024=False)
    page = screens.person(width=1920, height=1080)
    screens.sign_in(page, "congress")
    page.goto(f"{screens.base}/b/hill/report/")  # the work nav's link: the latest year
    expect(page.locator(".annual-preview")).to_contain_text("尚未公开")
    screens.shot(page, "92-annual-report-preview-1080p")

    grades_reach_projects(round_close(round_=Round.objects.get(code="E2024")))
    page.reload()
    expect(page.locator(".annual-preview")).to_have_count(0)
    chart = page.locator(".trend-chart").bounding_box()
    table = page.locator(".ranking-table").bounding_box()
    assert chart and table and table["x"] > chart["x"] + chart["width"] - 1  # side by side
    assert page.evaluate("getComputedStyle(document.querySelector('.annual')).fontSize") == "18.4px"
    no_sideways_scroll(page, 1920)
    screens.shot(page, "93-annual-report-1080p")
