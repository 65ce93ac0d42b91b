"""群众提 on a phone (390×844): the station's printed code is scanned, a resident files a
suggestion and keeps its reference, the station's staff turn it into a candidate, and the
resident reads the outcome. Screenshots of each step to look at."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Page, expect

from projects.models import Candidate, Status, Suggestion
from tests.browser.conftest import ARTIFACTS, Screens
from tests.conftest import Cast
from tests.tracking.test_signs import assert_code_opens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def scanned(sign_pdf: bytes, tmp_path: Path, expected: str) -> str:
    """What a phone's camera reads off the printed sign (a QR reader where one is installed;
    else the printed code must be segno's code for the expected address, module for module)."""
    pdf = tmp_path / "station-sign.pdf"
    pdf.write_bytes(sign_pdf)
    prefix = str(pdf.with_suffix(""))
    subprocess.run(["pdftoppm", "-png", "-r", "144", "-singlefile", str(pdf), prefix], check=True)
    png = pdf.with_suffix(".png")
    shutil.copy(png, ARTIFACTS / "60-station-sign.png")
    if shutil.which("zbarimg"):
        read = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
        )
        return read.stdout.strip()
    assert_code_opens(png, expected)
    return expected


def test_a_resident_suggests_from_the_station_code_and_staff_adopt_it(
    screens: Screens, cast: Cast, tmp_path: Path
) -> None:
    cache.clear()
    cast.east.address = "青山镇东区文化礼堂一楼"
    cast.east.save()
    station_path = reverse("station_page", kwargs={"pk": cast.east.pk})

    # The station's staff print the code for their notice board.
    staff = screens.person(**PHONE)
    screens.sign_in(staff, "east")
    sign = staff.request.get(
        screens.base + reverse("station_sign", kwargs={"body": "hill", "pk": cast.east.pk})
    )
    assert sign.ok and sign.headers["content-type"] == "application/pdf"
    url = scanned(sign.body(), tmp_path, screens.base + station_path)
    assert url == screens.base + station_path

    # A resident scans it: the station's page, in Chinese, fits the phone.
    resident = screens.person(**PHONE)
    resident.goto(url)
    expect(resident.locator("h1")).to_have_text("东区联络站")
    expect(resident.locator(".station-address")).to_contain_text("青山镇东区文化礼堂一楼")
    no_sideways_scroll(resident)
    screens.shot(resident, "61-station-page-phone")

    # Sending nothing is refused in words; nothing is stored.
    resident.click("form.suggestion-form button[type=submit]")
    expect(resident.locator(".field.has-error .error")).to_have_text("请先写下您的建议。")
    assert Suggestion.objects.count() == 0

    text = "东区菜市场门口没有公共厕所，老人买菜很不方便，建议就近建一座。"
    resident.fill("#id_text", text)
    resident.fill("#id_name", "王阿姨")
    resident.fill("#id_contact", "13800001234")
    resident.click("form.suggestion-form button[type=submit]")
    expect(resident.locator("h1")).to_have_text("您的建议")
    suggestion = Suggestion.objects.get()
    expect(resident.locator(".reference .ref-code")).to_have_text(suggestion.reference)
    expect(resident.locator(".suggestion-state")).to_have_text("待处理")
    expect(resident.locator(".messages")).to_contain_text(suggestion.reference)
    no_sideways_scroll(resident)
    screens.shot(resident, "62-suggestion-reference-phone")

    # The station's staff find it in their inbox and turn it into a candidate, asked first.
    staff.goto(screens.base + reverse("suggestion_inbox", kwargs={"body": "hill"}))
    card = staff.locator(f".suggestion-card:has-text('{suggestion.reference}')")
    expect(card).to_contain_text("王阿姨")
    no_sideways_scroll(staff)
    screens.shot(staff, "63-suggestion-inbox-phone")
    card.get_by_role("link", name="转为候选项目").click()
    expect(staff.locator("h1")).to_have_text("将这条建议转为候选项目")
    staff.fill("#id_name", "东区菜市场公共厕所")
    staff.select_option("#id_category", "urban")
    no_sideways_scroll(staff)
    screens.shot(staff, "64-suggestion-adopt-phone")
    staff.click("form.narrow button.primary")
    expect(staff.locator("h1")).to_contain_text("东区菜市场公共厕所")
    candidate = Candidate.objects.get()
    assert candidate.status == Status.DRAFT and candidate.station == cast.east
    assert candidate.sources.get().name == "王阿姨"
    expect(staff.locator("main")).to_contain_text("王阿姨")
    screens.shot(staff, "65-candidate-from-suggestion-phone")

    # The resident checks the number again from the station's page.
    resident.goto(url)
    resident.fill("#ref", suggestion.reference.lower())
    resident.click(".lookup-form button")
    expect(resident.locator(".suggestion-state")).to_have_text("已转为候选项目")
    expect(resident.locator(".suggestion-explanation")).to_contain_text(
        f"{candidate.year}年度候选项目"
    )
    no_sideways_scroll(resident)
    screens.shot(resident, "66-suggestion-adopted-phone")
