"""The public project page: facts, colour and why, progress against the schedule, milestones,
reviewed updates only (with their photos), sub-items and the vote that selected the project."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.conftest import Cast, client_for
from tests.tracking.world import listed, voted
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdatePhoto, UpdateState

DAY = datetime.timedelta(days=1)


def jpeg() -> ContentFile[bytes]:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(out, "JPEG")
    return ContentFile(out.getvalue())


def update(
    project: TrackedProject, on: datetime.date, progress: int, note: str, state: str
) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        project=project,
        on=on,
        progress=Decimal(progress),
        note=note,
        state=state,
        reviewed_at=timezone.now() if state == UpdateState.APPROVED else None,
    )


@pytest.fixture
def project(cast: Cast) -> TrackedProject:
    """From a vote; planned around today, one milestone overdue, one done, one due soon."""
    voted(cast, listed(cast, 1), [{"P1": "yes"}], to_select=1)
    made = TrackedProject.objects.get()
    today = timezone.localdate()
    made.start, made.completion = today - 100 * DAY, today + 100 * DAY
    made.leader = "李副镇长"
    made.budget_wan = Decimal("1234.5")
    made.address = "溪口村"
    made.plan_set_at = timezone.now()  # a published plan: the page shows its facts
    made.save()
    Milestone.objects.create(
        project=made,
        code="M1",
        title="完成设计",
        planned=today - 60 * DAY,
        weight=1,
        done=today - 61 * DAY,
    )
    Milestone.objects.create(
        project=made, code="M2", title="管道铺设", planned=today - 10 * DAY, weight=1
    )
    Milestone.objects.create(
        project=made, code="M3", title="水质检测", planned=today + 5 * DAY, weight=1
    )
    approved = update(made, today - 20 * DAY, 40, "已铺设管道四百米", UpdateState.APPROVED)
    photo = UpdatePhoto(update=approved, caption="施工现场", token="approvedphoto")
    photo.image.save("site.jpg", jpeg())
    pending = update(made, today - 2 * DAY, 90, "尚未审核的进度说明", UpdateState.PENDING)
    UpdatePhoto(update=pending, token="pendingphoto").image.save("p.jpg", jpeg())
    update(made, today - 3 * DAY, 80, "已退回的进度说明", UpdateState.RETURNED)
    return made


def page(code: str) -> str:
    response = client_for(None).get(reverse("project_page", kwargs={"code": code}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_facts_colour_reasons_and_progress(project: TrackedProject) -> None:
    html = page(project.code)
    assert project.title in html and "青山镇人民代表大会" in html
    assert "李副镇长" in html and "溪口村" in html and "1,234.5" in html
    assert "colour-red" in html and "红色" in html  # a milestone is overdue
    assert "管道铺设" in html and "10" in html  # the reason names the late milestone
    assert 'width="40.0"' in html  # the bar: reviewed progress only (the pending 90 not)
    assert "40%" in html


def test_only_reviewed_updates_and_their_photos_show(project: TrackedProject) -> None:
    html = page(project.code)
    assert "已铺设管道四百米" in html
    assert reverse("progress_photo", kwargs={"token": "approvedphoto"}) in html
    assert "施工现场" in html
    assert "尚未审核的进度说明" not in html and "已退回的进度说明" not in html
    assert "pendingphoto" not in html


def test_milestone_states_are_shown(project: TrackedProject) -> None:
    html = page(project.code)
    assert html.count("state-done") == 1
    assert html.count("state-overdue") == 1
    assert html.count("state-due") == 1


def test_a_project_from_a_vote_links_to_its_board_and_results(project: TrackedProject) -> None:
    html = page(project.code)
    round_ = project.source_round
    assert round_ is not None
    assert reverse("board", kwargs={"code": round_.code}) in html
    assert reverse("results", kwargs={"code": round_.code}) in html
    assert round_.session.title in html
    assert reverse("api_project", kwargs={"code": project.code}) in html


def test_sub_items_show_with_their_progress(project: TrackedProject) -> None:
    sub = TrackedProject.objects.create(
        code=f"{project.code}-A",
        body=project.body,
        year=project.year,
        title="一标段",
        parent=project,
        start=project.start,
        completion=project.completion,
    )
    update(sub, timezone.localdate() - DAY, 25, "", UpdateState.APPROVED)
    html = page(project.code)
    assert "一标段" in html and "25%" in html
    sub_url = reverse("project_page", kwargs={"code": sub.code})
    assert client_for(None).get(sub_url).status_code == 404  # a part of its parent's page


def test_an_unknown_code_is_404(cast: Cast) -> None:
    url = reverse("project_page", kwargs={"code": "NO-SUCH"})
    assert client_for(None).get(url).status_code == 404
