"""The monthly circular and the half-year summary: as of the period's last day, counting only what
was known then; the PDF says it in Chinese with a chart; staff and auditors download it."""

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from projects.models import Body, Level
from tests.conftest import Cast, client_for
from tracking.models import (
    Milestone,
    ProgressUpdate,
    ProjectStatus,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    UpdateState,
)
from tracking.pdf.circular import circular_pdf
from tracking.services.circular import circular_data, half_period, month_period

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
D = datetime.date


def _project(cast: Cast, code: str, title: str, **fields: Any) -> TrackedProject:
    defaults: dict[str, Any] = {
        "body": cast.body,
        "year": 2026,
        "unit": "镇水务站",
        "start": D(2026, 1, 1),
        "completion": D(2026, 12, 31),
    }
    return TrackedProject.objects.create(code=code, title=title, **{**defaults, **fields})


def _milestone(project: TrackedProject, code: str, planned: D, done: D | None = None) -> None:
    Milestone.objects.create(
        project=project, code=code, title=f"节点{code}", planned=planned, weight=1, done=done
    )


def _update(project: TrackedProject, on: D, progress: int) -> None:
    ProgressUpdate.objects.create(
        project=project,
        on=on,
        progress=Decimal(progress),
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )


def _at(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def year(cast: Cast) -> dict[str, TrackedProject]:
    """2026's projects as the congress tracks them, facts dated through the year."""
    red = _project(cast, "P-RED", "溪口村饮用水管网改造")
    _milestone(red, "M1", D(2026, 3, 10), done=D(2026, 4, 5))  # late, done after March
    _milestone(red, "M2", D(2026, 10, 1))
    yellow = _project(cast, "P-YELLOW", "镇中心小学食堂改造", unit="镇教办")
    _milestone(yellow, "M1", D(2026, 4, 10))
    green = _project(cast, "P-GREEN", "老年食堂建设", unit="镇民政办")
    _milestone(green, "M1", D(2026, 9, 1))
    _update(green, D(2026, 3, 15), 30)
    _update(green, D(2026, 4, 20), 60)  # after March: not in March's circular
    done = _project(cast, "P-DONE", "村道路灯安装", status=ProjectStatus.COMPLETED)
    old = _project(
        cast, "P-2025", "上年度污水管网", year=2025, start=D(2025, 3, 1), completion=D(2025, 12, 31)
    )
    _project(cast, "P-2025-DONE", "上年度已完成", year=2025, status=ProjectStatus.COMPLETED)
    _project(cast, "P-SUB", "子项不单列", parent=red)
    other = Body.objects.create(slug="far", name="远山镇人民代表大会", level=Level.TOWNSHIP)
    TrackedProject.objects.create(code="X-1", body=other, year=2026, title="别的人大的项目")
    task = SupervisionTask.objects.create(
        project=red, kind=TaskKind.ON_SITE, due=D(2026, 3, 1), closed_at=_at(D(2026, 5, 1))
    )
    SupervisionTask.objects.filter(pk=task.pk).update(created_at=_at(D(2026, 2, 14)))
    later = SupervisionTask.objects.create(project=red, kind=TaskKind.ON_SITE, due=D(2026, 9, 1))
    SupervisionTask.objects.filter(pk=later.pk).update(created_at=_at(D(2026, 8, 3)))
    return {"red": red, "yellow": yellow, "green": green, "done": done, "old": old}


def _text(pdf: bytes, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _line_of(text: str, code: str) -> str:
    return next(line for line in text.splitlines() if re.search(rf"\b{code}\b", line))


def _look(pdf: bytes, name: str, tmp_path: Path) -> Path:
    """The first page as a PNG in tests/artifacts, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    first_page = ["-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", *first_page, str(source), str(ARTIFACTS / name)],
        check=True,
    )
    return ARTIFACTS / f"{name}.png"


def test_the_monthly_circular_counts_only_what_was_known_at_the_months_end(
    cast: Cast, year: dict[str, TrackedProject], tmp_path: Path
) -> None:
    response = client_for(cast.congress).get(
        reverse("circular", kwargs={"body": cast.body.slug}) + "?month=2026-03"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="circular-hill-2026-03.pdf"' in response["Content-Disposition"]
    text = _text(response.content, "-layout")
    flat = re.sub(r"\s+", "", text)
    assert "青山镇人民代表大会" in flat and "民生实事项目2026年3月通报" in flat
    assert "截至2026年3月31日" in flat
    assert "共5个项目：●红色2·●黄色1·●绿色1·●无颜色1" in flat
    # M1 was done in April: on 31 March it was 21 days late, so red.
    assert "红色" in _line_of(text, "P-RED") and "已逾期21天" in flat
    assert "黄色" in _line_of(text, "P-YELLOW") and "还有10天到期" in flat
    green = _line_of(text, "P-GREEN")
    assert "绿色" in green and "30%" in green  # April's 60% was not known yet
    assert "无颜色" in _line_of(text, "P-DONE")
    assert "红色" in _line_of(text, "P-2025") and "已超过计划完成日期90天" in flat
    for absent in ("P-2025-DONE", "P-SUB", "X-1"):
        assert not re.search(rf"\b{absent}\b", text)
    png = _look(response.content, "62-circular-month", tmp_path)
    assert png.stat().st_size > 20_000  # a page with Chinese text and a chart, not a blank one


def test_the_half_year_summary_adds_each_month_and_what_was_done(
    cast: Cast, year: dict[str, TrackedProject], tmp_path: Path
) -> None:
    circular = circular_data(body=cast.body, period=half_period(2026, 1))
    assert circular.as_of == D(2026, 6, 30) and not circular.running
    red = [m.counts["red"] for m in circular.months]
    yellow = [m.counts["yellow"] for m in circular.months]
    # P-RED: M1 due soon in February, late in March, done on 5 April; P-YELLOW: due soon from
    # late March, late from 11 April; P-2025: late all year.
    assert red == [1, 1, 2, 2, 2, 2] and yellow == [0, 1, 1, 0, 0, 0]
    row = next(r for r in circular.rows if r.code == "P-RED")
    assert [(m.title, m.done) for m in row.milestones_done] == [("节点M1", D(2026, 4, 5))]
    assert (row.tasks_opened, row.tasks_closed) == (1, 1)  # the August task is outside
    pdf = client_for(cast.auditor).get(
        reverse("circular", kwargs={"body": cast.body.slug}) + "?half=2026-1"
    )
    assert pdf.status_code == 200
    flat = re.sub(r"\s+", "", _text(pdf.content))
    assert "民生实事项目2026年上半年总结" in flat and "截至2026年6月30日" in flat
    assert "节点M1（2026年4月5日）" in flat and "本期完成的时间节点与督办任务" in flat
    assert "逐月颜色" in flat and "一月" in flat and "六月" in flat
    png = _look(pdf.content, "63-circular-half", tmp_path)
    assert png.stat().st_size > 20_000


def test_a_period_still_running_is_as_of_today(cast: Cast, year: dict[str, TrackedProject]) -> None:
    today = timezone.localdate()
    circular = circular_data(body=cast.body, period=month_period(today.year, today.month))
    assert circular.as_of == today and circular.running == (today.day != circular.period.last.day)
    flat = re.sub(r"\s+", "", _text(circular_pdf(circular)))
    assert f"截至{today.year}年{today.month}月{today.day}日" in flat


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?month=2026-13", "不是月份"),
        ("?half=2026-3", "不是月份"),
        ("?month=2026-03&half=2026-1", "二者选一"),
        ("?month=2999-01", "尚未开始"),
    ],
)
def test_a_wrong_period_is_explained_on_the_page(cast: Cast, query: str, words: str) -> None:
    url = reverse("circular", kwargs={"body": cast.body.slug}) + query
    response = client_for(cast.congress).get(url)
    assert response.status_code == 400 and words in response.content.decode()


def test_the_circulars_page_offers_months_and_halves(cast: Cast) -> None:
    page = client_for(cast.auditor).get(reverse("circulars", kwargs={"body": cast.body.slug}))
    html = page.content.decode()
    today = timezone.localdate()
    assert page.status_code == 200 and "每月通报" in html and "半年总结" in html
    assert f"?month={today.year}-{today.month:02d}" in html and 'name="half"' in html
    assert "通报与总结" in html  # in the work nav
    refused = client_for(cast.east_staff).get(reverse("circulars", kwargs={"body": "hill"}))
    assert refused.status_code == 403


def test_the_command_writes_the_pdf_for_cron(
    cast: Cast, year: dict[str, TrackedProject], tmp_path: Path
) -> None:
    out = tmp_path / "circular.pdf"
    call_command("circular", "--body", "hill", "--month", "2026-03", "--out", str(out))
    assert "P-YELLOW" in _text(out.read_bytes())
    with pytest.raises(CommandError, match="不是月份"):
        call_command("circular", "--body", "hill", "--month", "March", "--out", str(out))
    with pytest.raises(CommandError, match="nowhere"):
        call_command("circular", "--body", "nowhere", "--half", "2026-1", "--out", str(out))
