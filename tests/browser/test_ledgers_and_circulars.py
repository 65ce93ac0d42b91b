"""A project's ledgers and the circulars page on a phone (390×844): no sideways scroll, closing an
entry through its confirmation page, downloading a circular; screenshots 60, 61 and 64."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import Screens
from tests.conftest import Cast
from tracking.models import Ledger, LedgerEntry, TrackedProject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def _entry(project: TrackedProject, ledger: str, text: str, **fields: object) -> None:
    LedgerEntry.objects.create(project=project, ledger=ledger, text=text, **fields)


def test_the_ledgers_fit_a_phone_and_an_entry_closes_with_its_outcome(
    screens: Screens, cast: Cast
) -> None:
    project = TrackedProject.objects.create(
        code="T-1",
        body=cast.body,
        year=2026,
        title="溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）",
        unit="镇水务站",
    )
    today = timezone.localdate()
    _entry(
        project,
        Ledger.PROBLEM,
        "施工围挡占用人行道，老人出行不便，群众反映强烈",
        owner="镇城建办",
        due=today - DAY,
    )
    _entry(project, Ledger.RESPONSIBILITY, "镇水务站负责管网施工质量", owner="镇水务站")
    _entry(
        project,
        Ledger.RECTIFICATION,
        "恢复溪口村一组路面",
        due=today + 10 * DAY,
        outcome="已按原标准恢复路面，监督小组现场查看确认",
        closed_at=timezone.now(),
    )
    page = screens.person(width=390, height=844)
    screens.sign_in(page, "congress")
    page.goto(screens.base + reverse("ledgers", kwargs={"body": "hill", "code": "T-1"}))
    expect(page.locator(".entry-overdue")).to_have_count(1)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screens.shot(page, "60-ledgers-phone")
    assert scroll_width <= 390, scroll_width
    page.click(".entry-overdue a.button")
    page.fill("#id_outcome", "围挡已后移，人行道恢复通行")
    screens.shot(page, "61-ledger-close-phone")
    page.click("form.narrow button.primary")
    expect(page.locator(".entry-overdue")).to_have_count(0)
    expect(page.locator(".entry-closed")).to_have_count(2)
    assert LedgerEntry.objects.filter(closed_at__isnull=False).count() == 2


def test_the_circulars_page_fits_a_phone_and_downloads_a_half_year(
    screens: Screens, cast: Cast
) -> None:
    page = screens.person(width=390, height=844)
    screens.sign_in(page, "auditor")
    page.goto(screens.base + reverse("circulars", kwargs={"body": cast.body.slug}))
    expect(page.locator(".circular-forms form")).to_have_count(2)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screens.shot(page, "64-circulars-phone")
    assert scroll_width <= 390, scroll_width
    with page.expect_download() as download:
        page.click(".circular-forms form:nth-child(2) button")
    assert download.value.suggested_filename.startswith("circular-hill-")
