"""码上评 and 码上提 on a phone (390×844), as a resident who scanned the site's code: open the
project's page, rate it with stars and a comment, report a problem with a photo, and check the
report's state and answer by its reference number; no sideways scrolling on any page."""

import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens, image_loads
from tests.conftest import Cast
from tracking.models import LedgerEntry, ProblemReport, Rating, ReportState, TrackedProject
from tracking.services.ratings import throttle_reset
from tracking.services.reports import problem_report_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    throttle_reset("127.0.0.1")
    yield
    throttle_reset("127.0.0.1")


def site_photo(path: Path) -> Path:
    """A 2400×1800 JPEG taken sideways, with a camera model in its EXIF."""
    image = Image.new("RGB", (2400, 1800), "#7a9cc6")
    ImageDraw.Draw(image).rectangle((0, 1100, 2400, 1800), fill="#8b7355")
    exif = Image.Exif()
    exif[0x0110] = "TestCam-9000"
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    path.write_bytes(out.getvalue())
    return path


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_resident_rates_reports_a_problem_and_checks_its_answer_on_a_phone(
    screens: Screens, cast: Cast, tmp_path: Path
) -> None:
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code="WATER-2027",
        body=cast.body,
        year=2027,
        title="溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）",
        unit="镇水务站",
        start=today - 90 * DAY,
        completion=today + 120 * DAY,
        plan_set_at=timezone.now(),
    )
    Rating.objects.create(
        project=project,
        period="2027",
        rater="a" * 64,
        stars=5,
        comment="施工队很负责，路面恢复得好。",
    )
    page = screens.person(**PHONE)
    page.goto(f"{screens.base}/projects/{project.code}/")  # what the site sign's QR code opens
    expect(page.locator("h1")).to_have_text(project.title)
    expect(page.locator(".voice-summary")).to_contain_text("1 条评价的平均分")
    fits(page)
    screens.shot(page, "70-voice-project-page-phone")

    page.click(".voice-jump a[href='#voice']")
    page.click("#voice .star-row input[value='2'] + label")  # the second star from the left
    page.fill("#voice textarea[name=comment]", "晚上施工噪音太大，希望注意时间。")
    page.locator("#voice .star-row").screenshot(path=str(tmp_path / "stars.png"))
    screens.shot(page, "71-voice-rating-filled-phone")
    page.click("#voice button[value=rate]")
    expect(page.locator(".messages")).to_contain_text("感谢您的评价")
    expect(page.locator(".voice-summary")).to_contain_text("3.5")
    expect(page.locator(".voice-summary")).to_contain_text("2 条评价的平均分")
    expect(page.locator(".voice-comments")).to_contain_text("晚上施工噪音太大")
    expect(page.locator(".voice-mine")).to_contain_text("★★☆☆☆")
    assert Rating.objects.filter(stars=2).count() == 1
    fits(page)
    screens.shot(page, "72-voice-rated-phone")

    page.click(".voice-jump a[href='#report-problem']")
    page.fill("#report-problem textarea[name=text]", "溪口村二组路口开挖后未回填，夜间没有警示灯。")
    page.set_input_files("#report-problem input[name=photo]", str(site_photo(tmp_path / "a.jpg")))
    page.click("#report-problem button[type=submit]")
    expect(page.locator(".report-reference")).to_be_visible()
    reference = page.locator(".report-reference").inner_text().strip()
    assert re.fullmatch(r"P-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", reference)
    expect(page.locator(".messages")).to_contain_text(reference)
    expect(page.locator(".report-status")).to_contain_text("已受理")
    fits(page)
    screens.shot(page, "73-voice-report-received-phone")
    report = ProblemReport.objects.get(reference=reference)
    with Image.open(report.photo.path) as stored:
        assert stored.size == (1200, 1600) and dict(stored.getexif()) == {}
    assert LedgerEntry.objects.get().text.startswith(f"[{reference}]")

    problem_report_answer(
        report=report,
        actor=cast.congress,
        state=ReportState.ANSWERED,
        answer="已督促施工单位当晚回填路口并设置警示灯，感谢您的监督。",
    )
    page.goto(f"{screens.base}/projects/{project.code}/#report-problem")
    page.fill("#report-problem input[name=reference]", reference.lower().replace("-", " "))
    page.click("#report-problem .voice-lookup button")
    expect(page.locator(".report-answer")).to_contain_text("已督促施工单位当晚回填路口")
    expect(page.locator(".report-status")).to_contain_text("已答复")
    assert page.url.endswith(f"/reports/{reference}/")
    fits(page)
    screens.shot(page, "74-voice-report-answered-phone")

    page.goto(f"{screens.base}/reports/P-2345-6789/")
    expect(page.locator(".errorbox")).to_contain_text("找不到编号为")
    fits(page)
    screens.shot(page, "75-voice-report-unknown-phone")


def test_staff_answer_a_report_and_hide_a_comment_on_a_phone(
    screens: Screens, cast: Cast, tmp_path: Path
) -> None:
    project = TrackedProject.objects.create(
        code="ROAD-2027", body=cast.body, year=2027, title="镇区主干道“白改黑”工程", unit="镇城建办"
    )
    Rating.objects.create(
        project=project, period="2027", rater="b" * 64, stars=1, comment="（一段辱骂施工人员的话）"
    )
    page = screens.person(**PHONE)
    page.goto(f"{screens.base}/projects/{project.code}/")
    page.fill("#report-problem textarea[name=text]", "主干道东段井盖松动，车辆经过声音很大。")
    page.set_input_files("#report-problem input[name=photo]", str(site_photo(tmp_path / "b.jpg")))
    page.click("#report-problem button[type=submit]")
    reference = page.locator(".report-reference").inner_text().strip()

    staff = screens.person(**PHONE)
    screens.sign_in(staff, "congress")
    staff.goto(f"{screens.base}/projects/{project.code}/")
    staff.click(".voice-staff a[href$='/reports/']")
    expect(staff.locator(".voice-item")).to_contain_text(reference)
    loaded = image_loads(staff, ".report-photo")
    assert loaded, "staff see the report's photo"
    fits(staff)
    screens.shot(staff, "76-voice-staff-reports-phone")
    staff.click(".voice-item a.button")
    staff.check("input[name=state][value=in_hand]")
    staff.fill("textarea[name=answer]", "已转镇城建办核查，三日内答复。")
    fits(staff)
    screens.shot(staff, "77-voice-staff-answer-phone")
    staff.click("form.narrow button[type=submit]")
    expect(staff.locator(".messages")).to_contain_text(reference)
    expect(staff.locator(".voice-item")).to_contain_text("办理中")

    staff.goto(f"{screens.base}/work/hill/implementation/{project.code}/ratings/")
    staff.click(".voice-item a.button")
    staff.fill("input[name=reason]", "辱骂他人")
    fits(staff)
    screens.shot(staff, "78-voice-staff-hide-phone")
    staff.click("form.narrow button[type=submit]")
    expect(staff.locator(".voice-hidden")).to_contain_text("留言已隐藏：辱骂他人")
    fits(staff)
    screens.shot(staff, "79-voice-staff-ratings-phone")
    page.goto(f"{screens.base}/projects/{project.code}/")
    expect(page.locator(".voice-summary")).to_contain_text("1 条评价的平均分")
    expect(page.locator("#voice")).not_to_contain_text("辱骂")
