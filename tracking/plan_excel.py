"""Tracked projects in Excel: one pair of column tables, written by the export and read back as
plans by the staff's Excel import, so that a sheet imports into the same records as a plan file.

Two sheets: the projects, one a row, and their milestones (时间节点), one a row, each naming its
project by id. Headers are accepted in any of the site's languages, whichever the exporter used.
The sheets are read into the plan file's data and checked by its rules (tracking.plan_file);
every problem is given back as a sheet, a row and a column. A column the sheet lacks leaves what
the project has (as a key left out of a plan file); an empty cell in a column it has empties it
(as null or "" would), so an exported sheet, edited, says exactly what is wanted. The status,
progress and done-on columns tell the reader where each project stands; a plan import does not
read them; the progress import (tracking.progress_excel) reads them, with the progress date and
note columns, from the same sheets.
"""

import datetime
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.excel import Column, ImportProblem, ImportRefused
from projects.spreadsheets import (
    MAX_COLUMNS,
    SheetLines,
    UnreadableWorkbook,
    _check_archive,
    _damaged,
    _lines,
    workbook_bytes,
)
from tracking.models import (
    Milestone,
    PolicyKind,
    ProgressUpdate,
    TrackedProject,
    UpdateState,
)
from tracking.plan_file import FileRefused, Path, PlanSpec, check_plans

logger = logging.getLogger(__name__)

PROJECTS_SHEET = gettext_lazy("tracked projects")
MILESTONES_SHEET = gettext_lazy("milestones")

PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("id", gettext_lazy("Project id"), 18),
    Column("title", gettext_lazy("title"), 28),
    Column("body", gettext_lazy("congress"), 20),
    Column("year", gettext_lazy("year"), 8),
    Column("unit", gettext_lazy("implementing unit"), 20),
    Column("leader", gettext_lazy("leader in charge"), 12),
    Column("budget_wan", gettext_lazy("budget (10,000 yuan)"), 14),
    Column("funding_source", gettext_lazy("funding source"), 16),
    Column("start", gettext_lazy("planned start"), 12),
    Column("completion", gettext_lazy("planned completion"), 12),
    Column("lat", gettext_lazy("Latitude"), 12),
    Column("lng", gettext_lazy("Longitude"), 12),
    Column("urgent", gettext_lazy("urgent (绿色通道)"), 10),
    Column("policy_kind", gettext_lazy("warning policy"), 24),
    Column("warn_days", gettext_lazy("warning days (N)"), 10),
    Column("yellow", gettext_lazy("yellow from (points behind)"), 10),
    Column("red", gettext_lazy("red beyond (points behind)"), 10),
    Column("status", gettext_lazy("status"), 10),
    Column("progress", gettext_lazy("progress (%)"), 10),
    # Read by the progress import (tracking.progress_excel): the latest reviewed progress's day,
    # and a note to go with a new figure (written empty).
    Column("progress_on", gettext_lazy("progress as of"), 12),
    Column("note", gettext_lazy("progress note"), 24),
)
MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("project", gettext_lazy("Project id"), 18),
    Column("id", gettext_lazy("Milestone id"), 16),
    Column("title", gettext_lazy("title"), 28),
    Column("planned", gettext_lazy("planned"), 12),
    Column("weight", gettext_lazy("weight"), 8),
    Column("done", gettext_lazy("done on"), 12),
)
PROJECT_REQUIRED = ("id", "start", "completion")
MILESTONE_REQUIRED = ("project", "id", "title", "planned", "weight")

TEXT = {"id", "title", "body", "unit", "leader", "funding_source", "project"}
WHOLE = {"year", "warn_days"}
NUMBER = {"budget_wan", "lat", "lng", "yellow", "red", "weight"}
DATES = {"start", "completion", "planned"}
POLICY = {"policy_kind": "kind", "warn_days": "warn_days", "yellow": "yellow", "red": "red"}
YES = {"yes", "y", "true", "1", "是", "√", "✓"}
NO = {"no", "n", "false", "0", "否"}
WRITTEN_DATE = re.compile(r"\A(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\Z")


def label(column: Column | Promise) -> str:
    return capfirst(str(column.label if isinstance(column, Column) else column)) or ""


# --- Out ------------------------------------------------------------------------------------


def projects_workbook(projects: Iterable[TrackedProject]) -> bytes:
    """Every given project on the first sheet, their milestones on the second."""
    rows = _with_facts(projects)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    _start_sheet(sheet, PROJECTS_SHEET, PROJECT_COLUMNS)
    milestones = book.create_sheet()
    _start_sheet(milestones, MILESTONES_SHEET, MILESTONE_COLUMNS)
    for project in rows:
        _append(sheet, PROJECT_COLUMNS, _project_values(project))
        for milestone in project.milestones.all():
            _append(
                milestones,
                MILESTONE_COLUMNS,
                {
                    "project": project.code,
                    "id": milestone.code,
                    "title": milestone.title,
                    "planned": milestone.planned,
                    "weight": milestone.weight,
                    "done": milestone.done,
                },
            )
    return workbook_bytes(book)


def _with_facts(projects: Iterable[TrackedProject]) -> list[TrackedProject]:
    codes = [p.code for p in projects]
    order = {code: index for index, code in enumerate(codes)}
    found = (
        TrackedProject.objects.filter(code__in=codes)
        .select_related("body")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("planned", "code")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.filter(state=UpdateState.APPROVED).order_by(
                    "on", "reviewed_at", "pk"
                ),
                to_attr="reviewed_updates",
            ),
        )
    )
    return sorted(found, key=lambda p: order[p.code])


def _start_sheet(sheet: Worksheet, title: Promise, columns: tuple[Column, ...]) -> None:
    sheet.title = label(title)[:31]
    sheet.append([label(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _append(sheet: Worksheet, columns: tuple[Column, ...], values: dict[str, Any]) -> None:
    sheet.append([values.get(c.key) for c in columns])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "yyyy-mm-dd"


def _project_values(project: TrackedProject) -> dict[str, Any]:
    updates: list[ProgressUpdate] = getattr(project, "reviewed_updates", [])
    kind = project.policy_kind
    return {
        "id": project.code,
        "title": project.title,
        "body": project.body.name,
        "year": project.year,
        "unit": project.unit,
        "leader": project.leader,
        "budget_wan": project.budget_wan,
        "funding_source": project.funding_source,
        "start": project.start,
        "completion": project.completion,
        "lat": project.latitude,
        "lng": project.longitude,
        "urgent": _("yes") if project.urgent else _("no"),
        "policy_kind": project.get_policy_kind_display() if kind else None,
        "warn_days": project.warn_days if kind == PolicyKind.DEADLINE else None,
        "yellow": project.yellow if kind == PolicyKind.PROGRESS else None,
        "red": project.red if kind == PolicyKind.PROGRESS else None,
        "status": project.get_status_display(),
        "progress": updates[-1].progress if updates else None,
        "progress_on": updates[-1].on if updates else None,
    }


# --- In -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetProblem(ImportProblem):
    """An import problem, with the sheet it is on (the sheet's name, as the workbook has it)."""

    sheet: str = ""


@dataclass
class _Sheets:
    """Where each project and milestone of the data came from, to place the problems."""

    projects_title: str
    milestones_title: str
    project_lines: list[int]
    milestone_lines: list[list[int]]


def plans_from_workbook(content: bytes) -> list[PlanSpec]:
    """The workbook's projects and milestones as checked plans; ImportRefused (its problems
    SheetProblems) listing every problem, by sheet, row and column, if anything is wrong."""
    try:
        sheets = _read_sheets(content)
    except UnreadableWorkbook as refused:
        raise ImportRefused([SheetProblem(None, None, str(refused))]) from None
    projects_sheet, milestones_sheet = _pick(sheets)
    problems: list[ImportProblem] = []
    for sheet, wanted in ((projects_sheet, PROJECTS_SHEET), (milestones_sheet, MILESTONES_SHEET)):
        if sheet is None:
            message = _("The workbook has no sheet “%(sheet)s”.") % {"sheet": label(wanted)}
            problems.append(SheetProblem(None, None, message))
    if projects_sheet is None or milestones_sheet is None:
        raise ImportRefused(problems)
    project_rows = _rows(projects_sheet, PROJECT_COLUMNS, PROJECT_REQUIRED, problems)
    milestone_rows = _rows(milestones_sheet, MILESTONE_COLUMNS, MILESTONE_REQUIRED, problems)
    if not problems and not project_rows:
        problems.append(
            SheetProblem(None, None, _("The sheet has no data rows."), projects_sheet[0])
        )
    if problems:
        raise ImportRefused(problems)
    data, where = _plan_data(
        project_rows, milestone_rows, problems, projects_sheet, milestones_sheet
    )
    try:
        specs = check_plans(data)
    except FileRefused as refused:
        problems += [_placed(p.path, p.message, where) for p in refused.found]
    if problems:
        raise ImportRefused(problems)
    return specs


def _read_sheets(content: bytes) -> list[tuple[str, SheetLines]]:
    """Every worksheet's title, header and non-blank lines, with projects.spreadsheets' guards."""
    _check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        logger.info("Refused an upload openpyxl cannot open", exc_info=True)
        raise UnreadableWorkbook(_damaged()) from None
    try:
        return [
            (sheet.title, _lines(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)))
            for sheet in book.worksheets
        ]
    except UnreadableWorkbook:
        raise
    except Exception:
        logger.info("Refused an upload whose sheet cannot be read", exc_info=True)
        raise UnreadableWorkbook(_damaged()) from None
    finally:
        book.close()


def _in_every_language(text: Promise | str) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(text).strip().lower())
    return names


def _pick(
    sheets: list[tuple[str, SheetLines]],
) -> tuple[tuple[str, SheetLines] | None, tuple[str, SheetLines] | None]:
    """The projects and milestones sheets: by their titles in any language, else in order."""
    named: list[tuple[str, SheetLines] | None] = []
    for title in (PROJECTS_SHEET, MILESTONES_SHEET):
        names = _in_every_language(title)
        named.append(next((s for s in sheets if s[0].strip().lower() in names), None))
    rest = [s for s in sheets if all(s is not n for n in named)]
    projects = named[0] or (rest.pop(0) if rest else None)
    milestones = named[1] or (rest.pop(0) if rest else None)
    return projects, milestones


def _rows(
    sheet: tuple[str, SheetLines],
    columns: tuple[Column, ...],
    required: tuple[str, ...],
    problems: list[ImportProblem],
) -> list[tuple[int, dict[str, Any]]]:
    title, lines = sheet
    known: dict[str, str] = {}
    for column in columns:
        known.update({name: column.key for name in _in_every_language(column.label)})
        known[column.key] = column.key  # a script's sheet may use the plan file's own names
    keys = [known.get(_cell_text(h).lower()) for h in lines.header]
    absent = [label(c) for c in columns if c.key in required and c.key not in keys]
    if absent:
        message = _("The header row lacks the required columns %(columns)s.") % {
            "columns": _joined(absent)
        }
        problems.append(SheetProblem(1, None, message, title))
        return []
    return [
        (line, {k: values[i] if i < len(values) else None for i, k in enumerate(keys) if k})
        for line, values in lines.rows
    ]


def _joined(labels: Iterable[str]) -> str:
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    return separator.join(labels)


def _plan_data(
    project_rows: list[tuple[int, dict[str, Any]]],
    milestone_rows: list[tuple[int, dict[str, Any]]],
    problems: list[ImportProblem],
    projects_sheet: tuple[str, SheetLines],
    milestones_sheet: tuple[str, SheetLines],
) -> tuple[dict[str, Any], _Sheets]:
    """The rows as a plan file's data, and where each of its parts came from."""
    where = _Sheets(projects_sheet[0], milestones_sheet[0], [], [])
    projects: list[dict[str, Any]] = []
    by_id: dict[str, int] = {}
    for line, raw in project_rows:
        project = _project(raw)
        project["milestones"] = []
        if isinstance(project.get("id"), str):
            by_id.setdefault(project["id"], len(projects))
        projects.append(project)
        where.project_lines.append(line)
        where.milestone_lines.append([])
    project_label = label(MILESTONE_COLUMNS[0])
    for line, raw in milestone_rows:
        owner = _cell(raw, "project")
        index = by_id.get(owner) if isinstance(owner, str) else None
        if index is None:
            message = (
                _("Required; this cell is empty.")
                if owner is None
                else _("No project row has the id %(id)s.") % {"id": owner}
            )
            problems.append(SheetProblem(line, project_label, message, milestones_sheet[0]))
            continue
        milestone = {key: _cell(raw, key) for key in ("id", "title", "planned", "weight")}
        projects[index]["milestones"].append(milestone)
        where.milestone_lines[index].append(line)
    return {"projects": projects}, where


def _project(raw: dict[str, Any]) -> dict[str, Any]:
    """A project row as a plan file's project. A column the sheet lacks leaves the project's own
    value (its key left out); an empty cell in a column it has empties that value."""
    project: dict[str, Any] = {}
    for key in ("id", "title", "body", "year"):
        value = _cell(raw, key)
        if value is not None:
            project[key] = value
    for key in ("unit", "leader", "funding_source"):
        if key in raw:
            project[key] = _cell(raw, key) or ""
    if "budget_wan" in raw:
        project["budget_wan"] = _cell(raw, "budget_wan")
    for key in ("start", "completion", "urgent"):
        project[key] = _cell(raw, key)
    if "lat" in raw or "lng" in raw:
        point = {key: _cell(raw, key) for key in ("lat", "lng")}
        given = {k: v for k, v in point.items() if v is not None}
        project["location"] = given or None
    policy = {name: _cell(raw, key) for key, name in POLICY.items()}
    if any(value is not None for value in policy.values()):
        project["policy"] = {k: v for k, v in policy.items() if v is not None}
    return project


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id or year Excel stored as a number: 2027.0
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _cell(raw: dict[str, Any], key: str) -> Any:
    """A cell as the plan file would give it; what cannot be read stays text, for the plan
    file's rules to refuse with their own words."""
    value = raw.get(key)
    text = _cell_text(value)
    if text == "":
        return None
    if key in WHOLE:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value) if float(value).is_integer() else value
        return int(text) if text.isdecimal() else text
    if key in NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return text
        return number if number.is_finite() else text
    if key in DATES:
        return _date_text(text)
    if key == "urgent":
        if isinstance(value, bool):
            return value
        lowered = text.lower()
        return True if lowered in _yes() else False if lowered in _no() else text
    if key == "policy_kind":
        return _policy_kinds().get(text.lower(), text)
    return text


def _date_text(text: str) -> str:
    """A date as YYYY-MM-DD, however the sheet wrote it (2027/6/30, 2027年6月30日)."""
    written = WRITTEN_DATE.fullmatch(text)
    if written:
        try:
            return datetime.date(*(int(part) for part in written.groups())).isoformat()
        except ValueError:
            pass
    return text


def _yes() -> set[str]:
    return YES | _in_every_language(gettext_lazy("yes"))


def _no() -> set[str]:
    return NO | _in_every_language(gettext_lazy("no"))


def _policy_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for value, name in PolicyKind.choices:
        kinds.update({text: value for text in _in_every_language(name)})
        kinds[value] = value
    return kinds


def _placed(path: Path | None, message: str, where: _Sheets) -> SheetProblem:
    """A plan file problem's path as a sheet, a row and a column."""
    if path is None or len(path) < 2 or not isinstance(path[1], int):
        return SheetProblem(None, None, message, where.projects_title)
    index, rest = path[1], path[2:]
    if rest[:1] == ("milestones",) and len(rest) >= 2 and isinstance(rest[1], int):
        line = where.milestone_lines[index][rest[1]]
        column = _label_of(MILESTONE_COLUMNS, str(rest[2])) if len(rest) > 2 else ""
        return SheetProblem(line, column or None, message, where.milestones_title)
    line = where.project_lines[index]
    key = str(rest[0]) if rest else ""
    sub = str(rest[1]) if len(rest) > 1 else ""
    if key == "location":
        keys = [sub] if sub else ["lat", "lng"]
    elif key == "policy":
        keys = [{name: k for k, name in POLICY.items()}.get(sub or "kind", "policy_kind")]
    else:
        keys = [key]
    columns = [_label_of(PROJECT_COLUMNS, k) for k in keys]
    return SheetProblem(
        line, _joined(c for c in columns if c) or None, message, where.projects_title
    )


def _label_of(columns: tuple[Column, ...], key: str) -> str:
    return next((label(c) for c in columns if c.key == key), "")
