"""A unit's progress report with a site photo, through the UI: private until staff approve it, then
public on the project's page (resized, turned upright, its EXIF and GPS gone); and that page's
milestone timeline on a phone, planned against actual dates, without sideways scrolling."""

import datetime
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Screens, image_loads
from tests.conftest import Cast
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdatePhoto, UpdateState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
PHONE = {"width": 390, "height": 844}
CAMERA = "TestCam-9000"  # the EXIF camera model the photo must not keep


def site_photo_with_exif(path: Path) -> Path:
    """A 2400×1800 JPEG taken sideways (EXIF orientation 6) with a camera model and a GPS fix."""
    image = Image.new("RGB", (2400, 1800), "#7a9cc6")
    ImageDraw.Draw(image).rectangle((0, 1100, 2400, 1800), fill="#8b7355")
    exif = Image.Exif()
    exif[0x0110] = CAMERA  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (29.0, 17.0, 46.0)
    gps[3], gps[4] = "E", (121.0, 25.0, 17.0)
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


@pytest.fixture
def water(cast: Cast) -> TrackedProject:
    """The unit's published project: one milestone done, one overdue, two due soon, one later."""
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code="WATER",
        body=cast.body,
        year=2027,
        title="溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）",
        unit="镇水务站",
        leader="李副镇长",
        start=today - 90 * DAY,
        completion=today + 120 * DAY,
        plan_set_at=timezone.now(),
    )
    for code, title, planned, done in [
        ("M1", "完成设计与招标", today - 60 * DAY, today - 61 * DAY),
        ("M2", "主管道铺设", today - 12 * DAY, None),
        ("M3", "水质检测", today + 5 * DAY, None),
        ("M4", "入户支管安装", today + 10 * DAY, None),
        ("M5", "通水验收", today + 100 * DAY, None),
    ]:
        Milestone.objects.create(
            project=project, code=code, title=title, planned=planned, weight=1, done=done
        )
    ProgressUpdate.objects.create(
        project=project,
        on=today - 20 * DAY,
        progress=Decimal(30),
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )
    return project


@pytest.fixture
def server_media() -> Iterator[None]:
    """The server (another process) stores uploads in its own media folder: tidy them after."""
    yield
    root = Path(os.environ.get("MEDIA_ROOT", str(Path(settings.BASE_DIR) / "var" / "media")))
    for photo in UpdatePhoto.objects.all():
        (root / photo.image.name).unlink(missing_ok=True)


def test_a_photo_report_is_public_only_once_approved_and_without_its_exif(
    browser: Browser,
    asgi_server: str,
    cast: Cast,
    water: TrackedProject,
    tmp_path: Path,
    server_media: None,
) -> None:
    for user in (cast.unit, cast.congress):
        user.password = make_password("pw-for-tests-only", hasher="pbkdf2_sha256")
        user.save()
    screens = Screens(browser, asgi_server)
    page_url = f"{asgi_server}/projects/{water.code}/"
    photo = site_photo_with_exif(tmp_path / "site.jpg")

    unit = screens.person()
    screens.sign_in(unit, "unit")
    unit.goto(f"{asgi_server}/work/hill/implementation/{water.code}/report/")
    # Typed: in Chinese the initial date is written 2026/11/23, which a date input drops.
    unit.fill("#id_on", timezone.localdate().isoformat())
    unit.fill("#id_progress", "55")
    unit.check("input[name=milestones][value=M3]")
    unit.fill("#id_note", "水质检测已完成，检测报告合格。")
    unit.set_input_files("#id_photos", str(photo))
    screens.shot(unit, "60-unit-report-with-photo")
    unit.click("form.narrow button.primary")
    expect(unit.locator(".messages")).to_contain_text("经工作人员审核后公开")
    [stored] = UpdatePhoto.objects.filter(update__state=UpdateState.PENDING)
    photo_url = f"{asgi_server}/progress-photos/{stored.token}"

    # Not reviewed yet: the public page shows neither the note nor the photo, nor serves it.
    public = screens.person(**PHONE)
    public.goto(page_url)
    expect(public.locator(".project-page h1")).to_have_text(water.title)
    expect(public.locator("#project-updates")).not_to_contain_text("水质检测已完成")
    expect(public.locator(".update-photos img")).to_have_count(0)
    assert public.request.get(photo_url).status == 404
    expect(public.locator(".progress-words")).to_contain_text("进度 30%")

    staff = screens.person()
    screens.sign_in(staff, "congress")
    staff.goto(f"{asgi_server}/work/hill/implementation/")
    staff.click(f"text={water.title} · 55%")
    expect(staff.locator(".photos img")).to_have_count(1)  # staff see it before deciding
    staff.check("input[name=decision][value=approve]")
    staff.click("form.narrow button.primary")
    expect(staff.locator(".messages")).to_contain_text("审核意见已记录")

    # Approved: the open page takes in the update live; the photo loads, upright and smaller.
    expect(public.locator("#project-updates .update").first).to_contain_text("水质检测已完成")
    expect(public.locator(".update-photos img")).to_have_count(1)
    assert image_loads(public, ".update-photos img")
    served = public.request.get(photo_url)
    assert served.status == 200 and served.headers["content-type"] == "image/jpeg"
    body = served.body()
    with Image.open(io.BytesIO(body)) as seen:
        assert seen.format == "JPEG"
        assert seen.size == (1200, 1600)  # turned upright, then at most 1600 px a side
        assert not seen.getexif() and "exif" not in seen.info
    assert CAMERA.encode() not in body
    screens.shot(public, "61-project-page-photo-public")


def test_the_timeline_shows_planned_and_actual_dates_on_a_phone(
    screens: Screens, cast: Cast, water: TrackedProject
) -> None:
    today = timezone.localdate()
    Milestone.objects.filter(project=water, code="M3").update(done=today - DAY)  # early
    page = screens.person(**PHONE)
    page.goto(f"{screens.base}/projects/{water.code}/")
    timeline = page.locator("#project-milestones .timeline li")
    expect(timeline).to_have_count(5)
    expect(page.locator(".timeline .state-done")).to_have_count(2)
    expect(page.locator(".timeline .state-overdue")).to_have_count(1)
    expect(page.locator(".timeline .state-due")).to_have_count(1)
    expect(page.locator(".timeline .state-upcoming")).to_have_count(1)

    def day(d: datetime.date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    early = timeline.nth(2)  # M3, planned in 5 days, done yesterday: both dates shown
    expect(early).to_contain_text("水质检测")
    expect(early).to_contain_text(f"计划日期 {day(today + 5 * DAY)}")
    expect(early).to_contain_text(f"完成日期 {day(today - DAY)}")
    late = timeline.nth(1)  # M2, 12 days overdue: no actual date yet
    expect(late.locator(".state-overdue")).to_be_visible()
    expect(late).not_to_contain_text("完成日期")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for n in range(5):
        box = timeline.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    timeline.first.scroll_into_view_if_needed()
    screens.shot(page, "62-project-timeline-phone")
