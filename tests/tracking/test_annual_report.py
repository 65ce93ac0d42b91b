"""The year's report: public once the year's evaluation has closed (a marked preview for staff
before, a 404 for everyone else), with each project's outcome, spending, completion against plan,
colours, rating, grade and satisfaction, the year's rate, and each unit's trend and rank; its PDF
says the same in Chinese with charts."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ballots.models import Round
from ballots.services.rounds import round_close
from tests.conftest import Cast, client_for
from tests.tracking.annual_world import (
    D,
    Years,
    evaluation,
    grades_reach_projects,
    project,
    spent,
    three_years,
    votes,
)
from tracking.models import Rating
from tracking.rules.annual import Timeliness
from tracking.services.annual import annual_data

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def years(cast: Cast) -> Years:
    return three_years(cast.body)


def _page(user: object, year: int = 2024) -> str:
    response = client_for(user).get(reverse("annual_report", kwargs={"body": "hill", "year": year}))  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_before_the_evaluation_closes_staff_see_a_preview_and_the_public_a_404(
    cast: Cast,
) -> None:
    world = three_years(cast.body, close_2024=False)
    for name in ("annual_report", "annual_report_pdf"):
        url = reverse(name, kwargs={"body": "hill", "year": 2024})
        for user in (None, cast.outsider, cast.representative, cast.unit, cast.stranger_staff):
            assert client_for(user).get(url).status_code == 404, (name, user)
        for user in (cast.congress, cast.auditor, cast.east_staff):
            assert client_for(user).get(url).status_code == 200, (name, user)
    html = _page(cast.congress)
    assert "供工作人员预览" in html and "尚未公开" in html
    assert "尚未测评" in html  # no tally yet: no rate
    assert "预览" in _text(client_for(cast.auditor).get("/b/hill/report/2024.pdf").content)

    grades_reach_projects(round_close(round_=world.rounds[2024]))
    html = _page(None)
    assert "供工作人员预览" not in html and "74.0%" in html


def test_a_year_without_projects_has_no_report(cast: Cast, years: Years) -> None:
    for user in (None, cast.congress):
        response = client_for(user).get(
            reverse("annual_report", kwargs={"body": "hill", "year": 2021})
        )
        assert response.status_code == 404
    other = client_for(None).get(reverse("annual_report", kwargs={"body": "river", "year": 2024}))
    assert other.status_code == 404


def test_the_years_satisfaction_counts_abstentions_and_unmarked_items_as_valid_ballots(
    cast: Cast, years: Years
) -> None:
    report = annual_data(body=cast.body, year=2024)
    assert report.public
    # 37 satisfied or basically satisfied of 50 valid ballots, abstain and unmarked included.
    assert (report.overall.content, report.overall.valid) == (37, 50)
    assert report.overall.percent == Decimal("74.0")
    assert report.grade_counts == {"satisfied": 2, "basically_satisfied": 2, "dissatisfied": 1}
    rows = {p.code: p for p in report.projects}
    assert list(rows) == ["P-CARE", "P-ROAD", "P-SCHOOL", "P-SEWER", "P-WATER"]  # no sub-items
    water, sewer, school = rows["P-WATER"], rows["P-SEWER"], rows["P-SCHOOL"]
    assert water.satisfaction and water.satisfaction.percent == Decimal("90.0")
    assert sewer.satisfaction and sewer.satisfaction.percent == Decimal("70.0")
    assert (water.grade, sewer.grade, school.grade) == (
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    )
    # A project evaluated through its sub-items: their ballots pooled, their grades listed.
    road = rows["P-ROAD"]
    assert road.satisfaction and road.satisfaction.percent == Decimal("85.0") and not road.grade
    assert [(g.title, g.grade) for g in road.sub_grades] == [
        ("村道硬化", "satisfied"),
        ("路灯安装", "basically_satisfied"),
    ]
    assert rows["P-CARE"].satisfaction is None and not rows["P-CARE"].evaluated


def test_each_project_shows_its_outcome_spending_completion_colours_and_rating(
    cast: Cast, years: Years
) -> None:
    rows = {p.code: p for p in annual_data(body=cast.body, year=2024).projects}
    water = rows["P-WATER"]
    assert water.status == "completed"
    # The latest reviewed spending; the unreviewed 999 does not count.
    assert (water.spending.spent, water.spending.budget) == (Decimal("288"), Decimal("320"))
    assert water.spending.share == Decimal("90.0") and water.spent_on == D(2024, 10, 21)
    assert (water.completion.timeliness, water.completion.days) == (Timeliness.EARLY, 10)
    assert water.colours.days == {"red": 0, "yellow": 15, "green": 61 + 158}
    assert (water.rating_average, water.rating_count) == (Decimal("4.3"), 3)
    assert (rows["P-SEWER"].completion.timeliness, rows["P-SEWER"].completion.days) == (
        Timeliness.LATE,
        40,
    )
    school = rows["P-SCHOOL"]
    overdue = (timezone.localdate() - D(2024, 12, 31)).days
    assert (school.completion.timeliness, school.completion.days) == (Timeliness.OVERDUE, overdue)
    assert school.status == "rectifying"  # dissatisfied: 整改
    assert rows["P-CARE"].completion.timeliness == Timeliness.STOPPED
    assert rows["P-ROAD"].completion.timeliness == Timeliness.UNDATED  # completed, day unknown
    # A parent whose sub-items report spending adds theirs up.
    assert rows["P-ROAD"].spending.spent == Decimal("90") and rows[
        "P-ROAD"
    ].spending.share == Decimal("75.0")
    assert rows["P-SEWER"].spending.spent is None and rows["P-SEWER"].rating_count == 0


def test_units_are_ranked_by_the_latest_rate_with_their_trend_over_the_years(
    cast: Cast, years: Years
) -> None:
    report = annual_data(body=cast.body, year=2024)
    assert report.years == [2022, 2023, 2024]
    ranking = [
        (r.rank, r.trend.unit, r.counts.percent if r.counts else None) for r in report.ranking
    ]
    assert ranking == [
        (1, "镇交通站", Decimal("90.0")),
        (2, "镇建设办", Decimal("80.0")),
        (2, "镇水务站", Decimal("80.0")),  # 16 of 20: a tie with 镇建设办 as shown
        (4, "镇教办", Decimal("40.0")),
    ]
    water = next(t for t in report.trends if t.unit == "镇水务站")
    assert [(y, c.percent if c else None) for y, c in water.points] == [
        (2022, Decimal("80.0")),
        (2023, Decimal("60.0")),
        (2024, Decimal("80.0")),
    ]
    school = next(r for r in report.ranking if r.trend.unit == "镇教办")
    assert school.trend.at(2022) is None and school.change == Decimal("-60.0")


def test_a_later_re_evaluation_leaves_the_years_figures_alone(cast: Cast, years: Years) -> None:
    again = evaluation(cast.body, 2025, {"P-SCHOOL": votes(9, 1)}, code="RE-2024")
    report = annual_data(body=cast.body, year=2024)
    assert report.public and report.overall.percent == Decimal("74.0")
    assert [r.code for r in report.rounds] == ["E2024"]
    school = next(p for p in report.projects if p.code == "P-SCHOOL")
    assert school.grade == "dissatisfied" and school.later_grade_words == "满意"
    assert isinstance(again, Round)
    # A re-evaluation still to be held does not take the report back from the public.
    evaluation(cast.body, 2026, {"P-SEWER": votes(5)}, code="RE-LATER", close=False)
    assert annual_data(body=cast.body, year=2024).public


def test_the_page_shows_the_figures_and_the_charts(cast: Cast, years: Years) -> None:
    html = _page(None)
    assert "2024年民生实事项目年度报告" in html and "青山镇人民代表大会" in html
    assert "74.0%" in html and "37/50" not in html  # the tile says it in words
    assert "有效票 50 张中 37 张" in html
    assert "提前10天完成" in html and "延期40天完成" in html and "经决定终止" in html
    assert "4.3★" in html and "3 人评价" in html
    assert "288 / 320 万元" in html and "(90.0%)" in html
    assert 'class="sat-bar"' in html and "<polyline" in html  # the charts, as SVG
    assert "镇交通站" in html and "+20.0" in html and "-60.0" in html
    assert 'href="/b/hill/report/2024.pdf"' in html
    assert "<script" not in html.split("<main", 1)[1]  # no chart library, no inline script


def test_the_pdf_says_it_in_chinese_with_charts(cast: Cast, years: Years, tmp_path: Path) -> None:
    response = client_for(None).get(
        reverse("annual_report_pdf", kwargs={"body": "hill", "year": 2024})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="annual-report-hill-2024.pdf"' in response["Content-Disposition"]
    text = _text(response.content)
    flat = re.sub(r"\s+", "", text)
    assert "青山镇人民代表大会" in flat and "2024年民生实事项目年度报告" in flat
    assert "满意率74.0%" in flat and "有效票50张" in flat
    assert "提前10天完成" in flat and "延期40天完成" in flat
    line = next(x for x in text.splitlines() if "P-WATER" in x)
    assert "90.0%" in line and "满意" in line
    assert "各责任单位满意度" in flat and "镇交通站" in flat
    assert "预览" not in flat
    ARTIFACTS.mkdir(exist_ok=True)
    source = tmp_path / "annual.pdf"
    source.write_bytes(response.content)
    for page in (1, 2):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(ARTIFACTS / f"90-annual-report-pdf-{page}"),
            ],
            check=True,
        )
        assert (ARTIFACTS / f"90-annual-report-pdf-{page}.png").stat().st_size > 20_000


def test_gathering_takes_the_same_queries_however_many_projects_and_years(
    cast: Cast, years: Years
) -> None:
    with CaptureQueriesContext(connection) as small:
        annual_data(body=cast.body, year=2024)
    for n in range(6):
        extra = project(cast.body, f"P-MORE-{n}", f"新增项目{n}", f"单位{n}", 2024)
        spent(D(2024, 9, 1), extra, "10")
        Rating.objects.create(project=extra, period="2024", rater="x", stars=3)
    evaluation(cast.body, 2021, {"R-WATER": votes(3)}, code="E-MORE")
    with CaptureQueriesContext(connection) as large:
        annual_data(body=cast.body, year=2024)
    assert len(large) == len(small) <= 12


def test_the_congress_page_and_the_work_nav_lead_to_the_report(cast: Cast, years: Years) -> None:
    public = client_for(None).get(reverse("public_list", kwargs={"body": "hill"})).content.decode()
    assert 'href="/b/hill/report/2024/"' in public and "年度报告" in public
    latest = client_for(None).get(reverse("annual_report_latest", kwargs={"body": "hill"}))
    assert latest.status_code == 302 and latest["Location"] == "/b/hill/report/2024/"
    work = client_for(cast.congress).get(reverse("work_home", kwargs={"body": "hill"}))
    assert 'href="/b/hill/report/"' in work.content.decode()
