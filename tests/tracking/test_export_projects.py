"""export_projects: every project and milestone in the columns the Excel plan import reads, so an
exported workbook imports back into the very same records as the plan file made."""

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from projects.excel import ImportRefused
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import TrackedProject
from tracking.plan_excel import (
    MILESTONE_COLUMNS,
    MILESTONES_SHEET,
    PROJECT_COLUMNS,
    PROJECTS_SHEET,
    SheetProblem,
    label,
    plans_from_workbook,
    projects_workbook,
)
from tracking.plan_file import read_plan_file
from tracking.services.plans import plans_import

PLANS: dict[str, Any] = {
    "projects": [
        {
            "id": "R1-P1",
            "title": "溪口村饮用水管网改造",
            "body": "青山镇人民代表大会",
            "year": 2027,
            "unit": "镇水务站",
            "leader": "王副镇长",
            "budget_wan": 320.5,
            "funding_source": "镇财政",
            "start": "2027-03-01",
            "completion": "2027-11-30",
            "location": {"lat": 29.2961, "lng": 121.4213},
            "urgent": True,
            "policy": {"kind": "deadline", "warn_days": 10},
            "milestones": [
                {"id": "M1", "title": "设计完成", "planned": "2027-04-30", "weight": 1},
                {"id": "M2", "title": "主体完工", "planned": "2027-09-30", "weight": 2.5},
            ],
        },
        {
            "id": "QS-2027-D1",
            "title": "镇区停车场",
            "body": "青山镇人民代表大会",
            "year": 2027,
            "unit": "镇城建办",
            "leader": "李镇长",
            "budget_wan": None,
            "funding_source": "",
            "start": "2027-05-01",
            "completion": "2027-12-31",
            "location": None,
            "urgent": False,
            "policy": {"kind": "progress", "yellow": 5, "red": 20.5},
            "milestones": [
                {"id": "S1", "title": "招标", "planned": "2027-06-15", "weight": 1},
            ],
        },
    ]
}


def write(tmp_path: Path, data: Any, name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def planned(cast: Cast, tmp_path: Path) -> None:
    """R1-P1 from the vote and a project by decision, planned by the file; M1 done."""
    voted(cast, listed(cast, 2), [{"P1": "yes"}, {"P1": "yes"}], to_select=1)
    call_command("import_plans", str(write(tmp_path, PLANS, "plans.json")), stdout=io.StringIO())
    progress = {
        "updates": [
            {
                "project": "R1-P1",
                "on": "2027-05-10",
                "progress": 40,
                "milestones_done": [{"id": "M1", "done": "2027-04-29"}],
            }
        ]
    }
    call_command(
        "import_progress", str(write(tmp_path, progress, "progress.json")), stdout=io.StringIO()
    )


def records() -> list[tuple[Any, ...]]:
    return [
        (
            p.code,
            p.title,
            p.body_id,
            p.year,
            p.unit,
            p.leader,
            p.budget_wan,
            p.funding_source,
            p.start,
            p.completion,
            p.latitude,
            p.longitude,
            p.urgent,
            p.policy_kind,
            p.warn_days,
            p.yellow,
            p.red,
            p.status,
            p.source_round_id,
            p.updates.count(),
            [(m.code, m.title, m.planned, m.weight, m.done) for m in p.milestones.order_by("code")],
        )
        for p in TrackedProject.objects.order_by("code")
    ]


def exported(tmp_path: Path) -> bytes:
    out = tmp_path / "projects.xlsx"
    printed = io.StringIO()
    call_command("export_projects", "--out", str(out), stdout=printed)
    assert printed.getvalue().strip() == f"Wrote 2 projects and 3 milestones to {out}"
    return out.read_bytes()


def test_the_export_has_every_project_and_milestone(planned: None, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(exported(tmp_path)))
    projects, milestones = book.worksheets
    assert (projects.title, milestones.title) == ("实施项目", "时间节点")
    rows = list(projects.values)
    assert rows[0] == tuple(label(c) for c in PROJECT_COLUMNS)
    by_id = {row[0]: dict(zip([c.key for c in PROJECT_COLUMNS], row, strict=True)) for row in rows}
    first = by_id["R1-P1"]
    assert first["body"] == "青山镇人民代表大会" and first["year"] == 2027
    assert first["start"] == datetime.datetime(2027, 3, 1) and first["budget_wan"] == 320.5
    assert (first["lat"], first["lng"]) == (29.2961, 121.4213) and first["urgent"] == "是"
    assert first["warn_days"] == 10 and first["yellow"] is None
    assert first["status"] == "实施中" and first["progress"] == 40
    second = by_id["QS-2027-D1"]
    assert (second["yellow"], second["red"], second["warn_days"]) == (5, 20.5, None)
    assert second["progress"] is None and second["lat"] is None
    ms = list(milestones.values)
    assert ms[0] == tuple(label(c) for c in MILESTONE_COLUMNS)
    assert sorted((r[0], r[1], r[4], r[5]) for r in ms[1:]) == [
        ("QS-2027-D1", "S1", 1, None),
        ("R1-P1", "M1", 1, datetime.datetime(2027, 4, 29)),
        ("R1-P1", "M2", 2.5, None),
    ]


def test_an_exported_workbook_imports_as_the_plan_file_did(planned: None, tmp_path: Path) -> None:
    before = records()
    from_sheet = plans_from_workbook(exported(tmp_path))
    from_file = read_plan_file(json.dumps(PLANS).encode())
    assert sorted(from_sheet, key=lambda s: s.id) == sorted(from_file, key=lambda s: s.id)
    plans_import(from_sheet, subject="plan_excel")
    assert records() == before  # M1 still done, the update kept


def test_headers_in_either_language_are_read(planned: None, tmp_path: Path) -> None:
    with translation.override("en"):
        content = projects_workbook(TrackedProject.objects.all())
    assert load_workbook(io.BytesIO(content)).worksheets[1].title == "Milestones"
    with translation.override("zh-hans"):
        specs = plans_from_workbook(content)
    from_file = read_plan_file(json.dumps(PLANS).encode())
    assert sorted(specs, key=lambda s: s.id) == sorted(from_file, key=lambda s: s.id)


def _sheet_book(projects: list[list[Any]], milestones: list[list[Any]]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Projects"
    for row in projects:
        first.append(row)
    second = book.create_sheet("Milestones")
    for row in milestones:
        second.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["id", "title", "body", "year", "start", "completion", "urgent", "warning policy"]
MS_HEADER = ["project", "id", "title", "planned", "weight"]


def test_a_hand_made_sheet_makes_a_project_by_decision(cast: Cast) -> None:
    content = _sheet_book(
        [HEADER, ["D9", "文化广场", "hill", 2027, "2027/3/1", "2027年12月31日", "是", "progress"]],
        [MS_HEADER, ["D9", "A", "开工", datetime.date(2027, 4, 1), 1]],
    )
    (spec,) = plans_from_workbook(content)
    assert spec.new and spec.start == datetime.date(2027, 3, 1) and spec.urgent
    assert spec.policy is not None and spec.policy.kind == "progress"
    (project,) = plans_import([spec], subject="plan_excel")
    assert project.body == cast.body and project.milestones.get().code == "A"


def test_problems_are_given_by_sheet_row_and_column(cast: Cast) -> None:
    content = _sheet_book(
        [
            HEADER,
            ["D9", "文化广场", "hill", 2027, "2027-03-01", "2027-12-31", "也许", None],
            ["D10", None, "hill", 2027, "2027-05-01", "2027-04-01", None, "colour"],
        ],
        [
            MS_HEADER,
            ["D9", "A", "开工", "2028-01-01", 1],
            ["D9", "B", "验收", "2027-12-01", 0],
            ["D11", "A", "开工", "2027-06-01", 1],
            [None, "A", "开工", "2027-06-01", 1],
        ],
    )
    with translation.override("en"), pytest.raises(ImportRefused) as raised:
        plans_from_workbook(content)
    found = [
        (p.sheet, p.line, p.column, p.message)
        for p in raised.value.problems
        if isinstance(p, SheetProblem)
    ]
    assert len(found) == len(raised.value.problems)
    lies_outside = "lies outside the plan's start and completion (2027-03-01 to 2027-12-31)"
    assert found == [
        ("Milestones", 4, "Project id", "No project row has the id D11."),
        ("Milestones", 5, "Project id", "Required; this cell is empty."),
        ("Projects", 2, "Urgent (绿色通道)", "must be true or false"),
        ("Milestones", 2, "Planned", lies_outside),
        ("Milestones", 3, "Weight", "must be a number greater than 0 and at most 99999.999"),
        ("Projects", 3, "Title", "is required for a new project"),
        ("Projects", 3, "Planned start", "is after the completion date 2027-04-01"),
        ("Projects", 3, "Warning policy", 'must be "deadline" or "progress"'),
    ]


def test_a_workbook_that_cannot_be_read_is_refused_whole(db: None) -> None:
    with translation.override("en"), pytest.raises(ImportRefused) as raised:
        plans_from_workbook(b"not a workbook")
    (problem,) = raised.value.problems
    assert problem.line is None and "not an Excel workbook" in problem.message


def test_a_sheet_without_its_columns_is_refused(db: None) -> None:
    content = _sheet_book([["id", "title"], ["D9", "x"]], [MS_HEADER])
    with translation.override("en"), pytest.raises(ImportRefused) as raised:
        plans_from_workbook(content)
    (problem,) = raised.value.problems
    assert isinstance(problem, SheetProblem) and problem.sheet == "Projects"
    assert problem.message == (
        "The header row lacks the required columns Planned start, Planned completion."
    )


def test_the_sheets_are_named_in_the_language_of_the_export() -> None:
    with translation.override("zh-hans"):
        assert (label(PROJECTS_SHEET), label(MILESTONES_SHEET)) == ("实施项目", "时间节点")
