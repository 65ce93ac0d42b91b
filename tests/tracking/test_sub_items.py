"""A parent's progress rolls up from its sub-items (子项) by share, wherever the public reads it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Role
from projects.roles import membership_grant
from tests.conftest import Cast, client_for
from tracking.models import ProgressUpdate, ProjectStatus, TrackedProject, UpdateState

DAY = datetime.timedelta(days=1)


def _project(cast: Cast, code: str, **fields: object) -> TrackedProject:
    today = timezone.localdate()
    return TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=today.year,
        title=code,
        start=today - 50 * DAY,
        completion=today + 50 * DAY,
        **fields,
    )


def _update(project: TrackedProject, progress: int, state: str = UpdateState.APPROVED) -> None:
    ProgressUpdate.objects.create(
        project=project,
        on=timezone.localdate() - DAY,
        progress=Decimal(progress),
        state=state,
        reviewed_at=timezone.now(),
    )


@pytest.fixture
def parent(cast: Cast) -> TrackedProject:
    """A water main in three lots: 3 : 1 shares, plus a third lot that was stopped."""
    parent = _project(cast, "WATER")
    _update(parent, 90)  # the parent's own figure: counts the same work twice, so ignored
    first = _project(cast, "WATER-1", parent=parent, share=Decimal(3), unit="镇水务站")
    second = _project(cast, "WATER-2", parent=parent, share=Decimal(1), unit="镇城建办")
    stopped = _project(
        cast, "WATER-3", parent=parent, share=Decimal(4), status=ProjectStatus.STOPPED
    )
    _update(first, 40)
    _update(second, 20)
    _update(second, 100, state=UpdateState.PENDING)  # not reviewed: not public, not counted
    _update(stopped, 0)
    return parent


def test_the_api_gives_the_parent_the_share_weighted_progress_of_its_live_sub_items(
    parent: TrackedProject,
) -> None:
    url = reverse("api_project", kwargs={"code": parent.code})
    properties = Client().get(url).json()["properties"]
    assert properties["progress"] == 35.0  # (3 × 40 + 1 × 20) ÷ 4
    listed = Client().get(reverse("api_projects")).json()["features"]
    assert [f["properties"]["progress"] for f in listed] == [35.0]  # sub-items are parts


def test_the_parents_page_shows_the_rolled_up_progress_and_each_sub_item(
    parent: TrackedProject,
) -> None:
    html = Client().get(reverse("project_page", kwargs={"code": parent.code})).content.decode()
    assert re.search(r'class="fill colour-\w+" width="35(\.0)?"', html)
    assert "WATER-1" in html and "镇城建办" in html


def test_a_unit_reports_on_its_own_sub_item(parent: TrackedProject, cast: Cast) -> None:
    membership_grant(
        user=cast.outsider, body=cast.body, role=Role.IMPLEMENTING_UNIT, unit="镇城建办"
    )
    page = client_for(cast.outsider).get(
        reverse("implementation_index", kwargs={"body": cast.body.slug})
    )
    html = page.content.decode()
    assert "WATER-2" in html and "WATER-1" not in html
    report = reverse("project_report", kwargs={"body": cast.body.slug, "code": "WATER-2"})
    assert report in html
