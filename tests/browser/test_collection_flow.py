"""A station files a candidate on the map; congress staff publish it; the public reads it."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Candidate, Status
from tests.browser.conftest import Screens
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_candidate_goes_from_a_station_to_the_public_list(screens: Screens, cast: Cast) -> None:
    # The station files a draft, placing it on the map with a click.
    station = screens.person()
    screens.sign_in(station, "east")
    station.goto(f"{screens.base}/work/{cast.body.slug}/candidates/new/")
    expect(station.locator("h1")).to_have_text("提交项目建议")
    station.fill("#id_c-name", "梅林小学午休改造")
    station.select_option("#id_c-category", "education")
    station.fill("#id_c-year", "2027")
    station.fill("#id_c-content", "为12个班级配置午休课桌椅。")
    station.fill("#id_c-investment_wan", "1295")
    station.fill("#id_c-address", "青山镇梅林街5号")
    station.locator("[data-map-picker]").click(position={"x": 200, "y": 120})
    expect(station.locator("#id_c-latitude")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    expect(station.locator("#id_c-longitude")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    station.select_option("#id_s-kind", "resident")
    station.fill("#id_s-name", "梅林社区居民")
    station.fill("#id_s-raised_on", "2026-09-12")
    screens.shot(station, "01-station-files-candidate")
    station.click("text=保存草稿")
    expect(station.locator(".messages")).to_contain_text("草稿已保存")
    expect(station.locator(".leaflet-marker-icon")).to_have_count(1)

    # It submits the draft for screening.
    station.check("input[name=target][value=submitted]")
    station.click("text=记录决定")
    expect(station.locator("h1 .status")).to_have_text("已提交")
    screens.shot(station, "02-station-submitted")
    candidate = Candidate.objects.get(name="梅林小学午休改造")
    assert candidate.latitude is not None and candidate.status == Status.SUBMITTED

    # Congress staff screen it, put it on the list and publish the list.
    staff = screens.person()
    screens.sign_in(staff, "congress")
    staff.goto(f"{screens.base}/work/{cast.body.slug}/candidates/{candidate.pk}/")
    staff.check("input[name=target][value=screened]")
    staff.select_option("#id_criterion", "necessity")
    staff.fill("#id_reason", "群众呼声高，资金有保障")
    staff.click("text=记录决定")
    expect(staff.locator("h1 .status")).to_have_text("初审通过")
    staff.check("input[name=target][value=candidate]")
    staff.click("text=记录决定")
    expect(staff.locator("h1 .status")).to_have_text("候选")
    staff.goto(f"{screens.base}/work/{cast.body.slug}/lists/2027/")
    expect(staff.locator("#list-rows")).to_contain_text("梅林小学午休改造")
    screens.shot(staff, "03-staff-list-before-publishing")
    staff.click("text=公示候选项目清单")
    expect(staff.locator("h1")).to_contain_text("公示 2027 年度候选项目清单")  # it asks first
    screens.shot(staff, "03b-staff-confirm-publishing")
    staff.click("form.narrow button.primary")
    expect(staff.locator(".messages")).to_contain_text("候选项目清单已公示")

    # The public sees it in Chinese, then in English once switched.
    public = screens.person(width=390, height=844)  # a phone
    public.goto(f"{screens.base}/b/{cast.body.slug}/candidates/")
    expect(public.locator("h2")).to_have_text("2027 年度民生实事候选项目")
    expect(public.locator(".candidates")).to_contain_text("梅林小学午休改造")
    expect(public.locator(".candidates")).to_contain_text("1,295.00 万元")
    screens.shot(public, "04-public-list-zh")
    public.click("button[lang=en]")
    expect(public.locator("h2")).to_have_text("Candidate livelihood projects for 2027")
    expect(public.locator(".candidates")).to_contain_text("1,295.00 × 10,000 yuan")
    screens.shot(public, "05-public-list-en")
    public.click("text=梅林小学午休改造")
    expect(public.locator("h1")).to_have_text("梅林小学午休改造")
    expect(public.locator(".leaflet-marker-icon")).to_have_count(1)
    screens.shot(public, "06-public-candidate-en")


def test_the_public_list_filters_without_reloading(
    screens: Screens, cast: Cast, published: Candidate
) -> None:
    page = screens.person()
    page.goto(f"{screens.base}/b/{cast.body.slug}/candidates/")
    expect(page.locator(".candidates li")).to_have_count(1)
    page.select_option("#id_category", "education")
    expect(page.locator(".candidates")).to_contain_text("没有符合筛选条件的项目")
    assert "category=education" in page.url
    screens.shot(page, "07-public-filtered")
