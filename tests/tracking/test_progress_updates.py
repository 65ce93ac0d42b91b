"""A unit reports progress on its own projects only; staff review; the public sees only reviewed."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import Cast, client_for
from tests.tracking.world import listed, voted
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdateState
from tracking.services.assess import assess

UNIT = "镇水务站"  # the cast's implementing unit


@pytest.fixture
def projects(cast: Cast) -> list[TrackedProject]:
    """Two projects from a vote; the unit of the cast implements the first."""
    voted(cast, listed(cast, 2), [{"P1": "yes", "P2": "yes"}], to_select=2)
    made = list(TrackedProject.objects.order_by("code"))
    made[0].unit = UNIT
    made[0].save()
    Milestone.objects.create(
        project=made[0], code="M1", title="管道铺设", planned=datetime.date(2027, 6, 1), weight=1
    )
    return made


def _photo_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (3000, 2000), "steelblue")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif.get_ifd(0x8825)[1] = "N"  # a GPS block: where the photo was taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def _report(cast: Cast, project: TrackedProject, **extra: object) -> object:
    url = reverse("project_report", kwargs={"body": cast.body.slug, "code": project.code})
    data = {
        "on": "2026-11-01",
        "progress": "40",
        "milestones": ["M1"],
        "note": "已完成40%",
        **extra,
    }
    return client_for(cast.unit).post(url, data)


def test_a_unit_reports_and_nothing_is_public_until_staff_approve(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    project = projects[0]
    response = _report(cast, project, photos=[_photo_with_gps()])
    assert response.status_code == 302  # type: ignore[attr-defined]
    update = ProgressUpdate.objects.get()
    assert update.state == UpdateState.PENDING
    day = datetime.date(2026, 11, 2)
    assert assess(project, day).progress == 0  # not counted yet
    photo_url = reverse("progress_photo", kwargs={"token": update.photos.get().token})
    assert client_for(None).get(photo_url).status_code == 404
    review = reverse("update_review", kwargs={"body": cast.body.slug, "pk": update.pk})
    client_for(cast.congress).post(review, {"decision": "approve"})
    update.refresh_from_db()
    assert update.state == UpdateState.APPROVED
    project.refresh_from_db()
    assert assess(project, day).progress == 40
    assert project.milestones.get().done == datetime.date(2026, 11, 1)
    served = client_for(None).get(photo_url)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))  # type: ignore[attr-defined]
    assert max(image.size) == 1600 and not image.getexif()  # resized, no metadata left


def test_the_report_form_comes_with_today_filled_in_whatever_the_language(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    url = reverse("project_report", kwargs={"body": cast.body.slug, "code": projects[0].code})
    today = timezone.localdate().isoformat()
    for language in ("zh-hans", "en"):  # a date picker drops a value in 2026/11/23 form
        html = client_for(cast.unit).get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'type="date" name="on" value="{today}"' in html


def test_a_unit_cannot_report_on_another_units_project(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    assert _report(cast, projects[1]).status_code == 403  # type: ignore[attr-defined]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("progress", "101"), ("progress", "-1"), ("on", "2999-01-01"), ("milestones", ["M9"])],
)
def test_bad_reports_are_refused_and_store_nothing(
    cast: Cast, projects: list[TrackedProject], field: str, value: object
) -> None:
    response = _report(cast, projects[0], **{field: value})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not ProgressUpdate.objects.exists()


def test_a_file_that_is_no_photo_is_refused(cast: Cast, projects: list[TrackedProject]) -> None:
    fake = SimpleUploadedFile("site.jpg", b"\xff\xd8\xff not really a jpeg", "image/jpeg")
    response = _report(cast, projects[0], photos=[fake])
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "照片" in response.content.decode()  # type: ignore[attr-defined]
    assert not ProgressUpdate.objects.exists()


def test_sending_back_needs_a_reason_and_the_unit_sees_it(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    _report(cast, projects[0])
    update = ProgressUpdate.objects.get()
    review = reverse("update_review", kwargs={"body": cast.body.slug, "pk": update.pk})
    refused = client_for(cast.congress).post(review, {"decision": "return", "reason": ""})
    assert refused.status_code == 400
    client_for(cast.congress).post(review, {"decision": "return", "reason": "照片不清晰"})
    update.refresh_from_db()
    assert update.state == UpdateState.RETURNED
    page = client_for(cast.unit).get(
        reverse("implementation_index", kwargs={"body": cast.body.slug})
    )
    assert "照片不清晰" in page.content.decode()


def test_units_see_only_their_projects_and_stations_read_all(
    cast: Cast, projects: list[TrackedProject]
) -> None:
    url = reverse("implementation_index", kwargs={"body": cast.body.slug})
    mine = client_for(cast.unit).get(url).content.decode()
    assert projects[0].title in mine and projects[1].title not in mine
    station = client_for(cast.east_staff).get(url).content.decode()
    assert projects[0].title in station and projects[1].title in station
    assert "上报进展" not in station  # reads, does not report
    assert client_for(cast.outsider).get(url).status_code == 403
