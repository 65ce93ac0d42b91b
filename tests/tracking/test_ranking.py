"""The public live ranking (动态排序) at /ranking/ and the rank on a project's page."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Body, Level
from tests.conftest import Cast, client_for
from tracking.models import Milestone, PolicyKind, ProgressUpdate, TrackedProject, UpdateState

DAY = datetime.timedelta(days=1)


def tracked(
    body: Body,
    code: str,
    progress: int | None,
    *,
    year: int = 2027,
    completion_in: int = 50,
    **fields: Any,
) -> TrackedProject:
    """Planned 50 days ago; by default done in 50 days, so today's schedule progress is 50%.
    Coloured by progress against schedule: yellow from 10 points behind, red beyond 30."""
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code=code,
        body=body,
        year=year,
        title=fields.pop("title", f"项目{code}"),
        unit=fields.pop("unit", f"单位{code}"),
        start=today - 50 * DAY,
        completion=today + completion_in * DAY,
        policy_kind=PolicyKind.PROGRESS,
        **fields,
    )
    if progress is not None:
        ProgressUpdate.objects.create(
            project=project,
            on=today - DAY,
            progress=Decimal(progress),
            state=UpdateState.APPROVED,
            reviewed_at=timezone.now(),
        )
    return project


def ranking(query: str = "", **headers: str) -> str:
    response = client_for(None).get(f"{reverse('ranking')}{query}", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def order_of(html: str) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', html)


@pytest.fixture
def year(cast: Cast) -> list[TrackedProject]:
    """Four 2027 projects against a schedule progress of 50%: A 70% (+20, green), B 35% (−15,
    yellow), C 10% (−40, red, urgent); D's is 5% (done in 950 days), so at 55% it is +50."""
    return [
        tracked(cast.body, "A", 70),
        tracked(cast.body, "B", 35),
        tracked(cast.body, "C", 10, urgent=True),
        tracked(cast.body, "D", 55, completion_in=950),
    ]


def test_it_ranks_the_years_projects_most_ahead_of_schedule_first(
    year: list[TrackedProject],
) -> None:
    html = ranking("?body=hill&year=2027")
    assert order_of(html) == ["D", "A", "B", "C"]


def test_each_row_shows_title_unit_bar_points_colour_reasons_and_status(
    year: list[TrackedProject],
) -> None:
    html = ranking("?body=hill&year=2027")
    assert f'href="{reverse("project_page", kwargs={"code": "C"})}"' in html
    assert "项目C" in html and "单位C" in html
    assert 'width="10.0"' in html  # the bar, against the schedule mark at 50
    assert 'x1="50.0"' in html
    assert "领先 20.0 个百分点" in html  # A
    assert "落后 40.0 个百分点" in html  # C
    assert "colour-red" in html and "colour-yellow" in html and "colour-green" in html
    assert "落后序时进度 40.0 个百分点。" in html  # C's reason in words
    assert "绿色通道" in html  # C's urgent mark
    assert "实施中" in html


def test_progress_order_puts_the_highest_progress_first(year: list[TrackedProject]) -> None:
    assert order_of(ranking("?body=hill&year=2027&order=progress")) == ["A", "D", "B", "C"]


def test_colour_order_puts_red_first_then_yellow_then_green(cast: Cast) -> None:
    tracked(cast.body, "GREEN", 60)
    tracked(cast.body, "RED", 10)  # 40 behind
    tracked(cast.body, "YELLOW", 35)  # 15 behind
    tracked(cast.body, "PAUSED", 0, status="paused")  # no colour
    tracked(cast.body, "YELLOW2", 25)  # 25 behind: more behind than YELLOW
    html = ranking("?body=hill&year=2027&order=colour")
    assert order_of(html) == ["RED", "YELLOW2", "YELLOW", "GREEN", "PAUSED"]


def test_completion_order_puts_the_soonest_planned_completion_first(cast: Cast) -> None:
    tracked(cast.body, "LATER", 90, completion_in=200)
    tracked(cast.body, "SOON", 0, completion_in=10)
    tracked(cast.body, "MID", 50)
    html = ranking("?body=hill&year=2027&order=completion")
    assert order_of(html) == ["SOON", "MID", "LATER"]


def test_an_unknown_order_ranks_by_schedule(year: list[TrackedProject]) -> None:
    assert order_of(ranking("?body=hill&year=2027&order=nonsense")) == ["D", "A", "B", "C"]


def test_equal_figures_are_settled_by_progress_then_by_code(cast: Cast) -> None:
    tracked(cast.body, "Z", 60)  # +10
    tracked(cast.body, "Y", 60)  # +10, same progress: by code
    tracked(cast.body, "X", 40, completion_in=150)  # schedule 25%: +15
    tracked(cast.body, "W", 35, completion_in=950)  # schedule 5%: +30
    assert order_of(ranking("?body=hill&year=2027")) == ["W", "X", "Y", "Z"]


def test_only_reviewed_progress_counts(cast: Cast) -> None:
    project = tracked(cast.body, "A", 20)
    tracked(cast.body, "B", 40)
    for state in (UpdateState.PENDING, UpdateState.RETURNED):
        ProgressUpdate.objects.create(
            project=project, on=timezone.localdate(), progress=Decimal(95), state=state
        )
    html = ranking("?body=hill&year=2027")
    assert order_of(html) == ["B", "A"]
    assert 'width="95' not in html


def test_sub_items_other_years_and_other_congresses_are_not_ranked(cast: Cast) -> None:
    parent = tracked(cast.body, "P", 50)
    tracked(cast.body, "P-1", 90, parent=parent)
    tracked(cast.body, "OLD", 90, year=2026)
    river = Body.objects.get(slug="river")
    tracked(river, "RIVER", 90)
    assert order_of(ranking("?body=hill&year=2027")) == ["P"]
    assert order_of(ranking("?body=hill&year=2026")) == ["OLD"]
    assert order_of(ranking("?body=river&year=2027")) == ["RIVER"]


def test_without_a_choice_it_shows_the_first_congress_with_projects_and_its_latest_year(
    cast: Cast,
) -> None:
    Body.objects.create(slug="aaa", name="阿岭镇人民代表大会", level=Level.TOWNSHIP)  # none
    tracked(cast.body, "OLD", 10, year=2026)
    tracked(cast.body, "NEW", 10, year=2027)
    html = ranking()
    assert order_of(html) == ["NEW"]
    assert "青山镇人民代表大会" in html
    assert "阿岭镇人民代表大会" not in html  # not offered: it tracks nothing
    assert order_of(ranking("?body=hill")) == ["NEW"]


def test_with_nothing_tracked_it_says_so(cast: Cast) -> None:
    html = ranking()
    assert "尚无跟踪的项目" in html
    assert order_of(html) == []


def test_an_unknown_congress_or_a_malformed_year_is_404(cast: Cast) -> None:
    client = client_for(None)
    assert client.get(reverse("ranking") + "?body=nowhere").status_code == 404
    assert client.get(reverse("ranking") + "?body=hill&year=20x7").status_code == 404


def test_under_htmx_it_answers_with_the_rows_alone(year: list[TrackedProject]) -> None:
    html = ranking("?body=hill&year=2027&order=progress", HX_Request="true")
    assert html.lstrip().startswith('<div id="ranking-rows"')
    assert "<html" not in html
    assert order_of(html) == ["A", "D", "B", "C"]


def test_the_page_listens_on_its_congress_years_socket(year: list[TrackedProject]) -> None:
    html = ranking("?body=hill&year=2027&order=colour")
    assert 'data-live-socket="/ws/projects/hill/2027/"' in html
    assert 'data-live-fragment="/ranking/?body=hill&amp;year=2027&amp;order=colour"' in html
    assert "/static/tracking/live.js" in html


def test_the_query_count_does_not_grow_with_the_projects(cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ranking("?body=hill&year=2027")
        return len(captured)

    for n in range(3):
        project = tracked(cast.body, f"S{n}", 10 * n)
        Milestone.objects.create(
            project=project, code="M1", title="节点", planned=timezone.localdate(), weight=1
        )
    few = queries()
    for n in range(3, 12):
        project = tracked(cast.body, f"S{n}", 5 * n)
        Milestone.objects.create(
            project=project, code="M1", title="节点", planned=timezone.localdate(), weight=1
        )
    assert queries() == few


def test_the_project_page_shows_its_rank_by_schedule(year: list[TrackedProject]) -> None:
    response = client_for(None).get(reverse("project_page", kwargs={"code": "B"}))
    html = response.content.decode()
    assert "第 3 名 / 共 4 个" in html  # after D (+50) and A (+20)
    assert 'href="/ranking/?body=hill&amp;year=2027"' in html
    assert 'data-live-socket="/ws/projects/hill/2027/"' in html
    assert 'data-live-fragment="/projects/B/"' in html  # refetched in full, its live parts swapped
    for part in ("project-live", "project-milestones", "project-updates"):
        assert f'id="{part}"' in html and f"#{part}" in html


def test_every_page_links_to_the_ranking(cast: Cast) -> None:
    html = client_for(None).get(reverse("home")).content.decode()
    assert f'href="{reverse("ranking")}"' in html and "动态排序" in html
