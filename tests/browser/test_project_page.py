"""The public project page on a phone (390×844): no sideways scroll; a screenshot to look at."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.conftest import Screens, image_loads
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdatePhoto, UpdateState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def site_photo() -> ContentFile[bytes]:
    image = Image.new("RGB", (1200, 800), "#7a9cc6")
    ImageDraw.Draw(image).rectangle((0, 500, 1200, 800), fill="#8b7355")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return ContentFile(out.getvalue())


def a_project(cast: Cast) -> TrackedProject:
    voted(cast, listed(cast, 1), [{"P1": "yes"}], to_select=1)
    project = TrackedProject.objects.get()
    today = timezone.localdate()
    project.title = "溪口村饮用水管网改造工程（含二次供水设施及入户管道更换）"
    project.start, project.completion = today - 90 * DAY, today + 120 * DAY
    project.unit = "青山镇水务站"
    project.leader = "李副镇长"
    project.budget_wan = Decimal("1234.5")
    project.funding_source = "镇级财政及上级补助资金"
    project.address = "青山镇溪口村一组至五组沿线"
    project.plan_set_at = timezone.now()  # a published plan: the page shows its facts
    project.save()
    Milestone.objects.create(
        project=project, code="M1", title="管道铺设", planned=today - 12 * DAY, weight=2
    )
    Milestone.objects.create(
        project=project, code="M2", title="通水验收", planned=today + 100 * DAY, weight=1
    )
    update = ProgressUpdate.objects.create(
        project=project,
        on=today - 5 * DAY,
        progress=Decimal(40),
        note="主管道已铺设1.2公里，入户支管施工中。",
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )
    photo = UpdatePhoto(update=update, caption="溪口村一组施工现场", token="phonephoto")
    photo.image.save("site.jpg", site_photo())
    return project


def test_the_project_page_fits_a_phone(screens: Screens, cast: Cast) -> None:
    project = a_project(cast)
    page = screens.person(width=390, height=844)
    page.goto(f"{screens.base}/projects/{project.code}/")
    expect(page.locator("h1")).to_have_text(project.title)
    expect(page.locator(".state-overdue")).to_have_count(1)
    expect(page.locator(".update-photos img")).to_have_count(1)
    loaded = image_loads(page, ".update-photos img")
    assert loaded, "the reviewed photo loads"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screens.shot(page, "40-project-page-phone")
    assert scroll_width <= 390, scroll_width
