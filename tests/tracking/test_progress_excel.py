"""progress_from_workbook: the export's sheets, with new progress filled in, read into the same
updates as a progress file; rows that repeat what is stored are left out; problems by sheet, row
and column."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from projects.excel import ImportRefused
from tests.conftest import Cast
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdateState
from tracking.plan_excel import (
    MILESTONE_COLUMNS,
    PROJECT_COLUMNS,
    SheetProblem,
    label,
    projects_workbook,
)
from tracking.progress_excel import progress_from_workbook
from tracking.progress_file import check_progress


@pytest.fixture
def projects(cast: Cast) -> list[TrackedProject]:
    """Two planned projects; the first has a reviewed 20% of 2027-04-01."""
    first = TrackedProject.objects.create(
        code="P-1",
        body=cast.body,
        year=2027,
        title="管网改造",
        start=datetime.date(2027, 3, 1),
        completion=datetime.date(2027, 11, 30),
    )
    second = TrackedProject.objects.create(
        code="P-2",
        body=cast.body,
        year=2027,
        title="停车场",
        start=datetime.date(2027, 3, 1),
        completion=datetime.date(2027, 12, 31),
    )
    for project in (first, second):
        Milestone.objects.create(
            project=project, code="M1", title="设计", planned=datetime.date(2027, 4, 30), weight=1
        )
        Milestone.objects.create(
            project=project, code="M2", title="完工", planned=datetime.date(2027, 9, 30), weight=2
        )
    ProgressUpdate.objects.create(
        project=first, on=datetime.date(2027, 4, 1), progress=20, state=UpdateState.APPROVED
    )
    return [first, second]


def edited(changes: dict[tuple[str, str], Any], done: dict[tuple[str, str], Any]) -> bytes:
    """The current export with some cells changed: (project id, column key) → value on the
    projects sheet, (project id, milestone id) → done date on the milestones sheet."""
    book = load_workbook(io.BytesIO(projects_workbook(TrackedProject.objects.order_by("code"))))
    sheet, milestones = book.worksheets
    keys = [c.key for c in PROJECT_COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        for (code, key), value in changes.items():
            if row[0].value == code:
                row[keys.index(key)].value = value
    done_column = [c.key for c in MILESTONE_COLUMNS].index("done")
    for row in milestones.iter_rows(min_row=2):
        value = done.get((str(row[0].value), str(row[1].value)))
        if value is not None:
            row[done_column].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_unchanged_export_has_no_new_progress(projects: list[TrackedProject]) -> None:
    with pytest.raises(ImportRefused) as refused:
        progress_from_workbook(edited({}, {}))
    assert "没有新的进度" in refused.value.problems[0].message


def test_new_progress_reads_as_the_progress_file_does(projects: list[TrackedProject]) -> None:
    content = edited(
        {
            ("P-1", "progress"): 45,
            ("P-1", "progress_on"): datetime.date(2027, 5, 10),
            ("P-1", "note"): "设计已完成",
            ("P-2", "progress"): "100%",
            ("P-2", "progress_on"): "2027年6月30日",
            ("P-2", "status"): "已完成",
        },
        {("P-1", "M1"): datetime.date(2027, 4, 29), ("P-2", "M2"): "2027/6/20"},
    )
    from_sheet = progress_from_workbook(content)
    from_file = check_progress(
        {
            "updates": [
                {
                    "project": "P-1",
                    "on": "2027-05-10",
                    "progress": 45,
                    "note": "设计已完成",
                    "milestones_done": [{"id": "M1", "done": "2027-04-29"}],
                },
                {
                    "project": "P-2",
                    "on": "2027-06-30",
                    "progress": 100,
                    "status": "completed",
                    "milestones_done": [{"id": "M2", "done": "2027-06-20"}],
                },
            ]
        }
    )
    assert from_sheet == from_file


def test_a_row_repeating_the_latest_reviewed_progress_is_left_out(
    projects: list[TrackedProject],
) -> None:
    content = edited(
        {("P-2", "progress"): 10, ("P-2", "progress_on"): datetime.date(2027, 4, 2)}, {}
    )
    specs = progress_from_workbook(content)  # P-1's exported 20% of 2027-04-01 is not new
    assert [(s.project, s.progress) for s in specs] == [("P-2", Decimal(10))]


def test_problems_are_given_by_sheet_row_and_column(projects: list[TrackedProject]) -> None:
    content = edited(
        {
            ("P-1", "progress"): 120,
            ("P-1", "progress_on"): datetime.date(2027, 5, 10),
            ("P-2", "progress"): 30,
            ("P-2", "progress_on"): datetime.date(2027, 5, 1),
        },
        {("P-2", "M1"): datetime.date(2027, 5, 20)},  # after the update's date
    )
    with pytest.raises(ImportRefused) as refused:
        progress_from_workbook(content)
    found = {
        (p.sheet, p.line, p.column) for p in refused.value.problems if isinstance(p, SheetProblem)
    }
    progress = label(next(c for c in PROJECT_COLUMNS if c.key == "progress"))
    done = label(next(c for c in MILESTONE_COLUMNS if c.key == "done"))
    assert ("实施项目", 2, progress) in found  # P-1 is on row 2
    assert ("时间节点", 4, done) in found  # P-2's M1: rows 2–3 are P-1's milestones


def test_new_done_dates_need_a_progress_figure(projects: list[TrackedProject]) -> None:
    content = edited({}, {("P-2", "M1"): datetime.date(2027, 4, 20)})
    with pytest.raises(ImportRefused) as refused:
        progress_from_workbook(content)
    [problem] = refused.value.problems
    assert problem.line == 3 and "进度" in str(problem.column)


def test_a_workbook_without_the_progress_columns_is_refused(
    projects: list[TrackedProject],
) -> None:
    book = load_workbook(io.BytesIO(projects_workbook(TrackedProject.objects.all())))
    sheet = book.worksheets[0]
    sheet.delete_cols([c.key for c in PROJECT_COLUMNS].index("progress_on") + 1)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRefused) as refused:
        progress_from_workbook(out.getvalue())
    assert "进度日期" in refused.value.problems[0].message
