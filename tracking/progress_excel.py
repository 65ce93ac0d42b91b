"""Progress from the staff's Excel workbook: the export's two sheets (tracking.plan_excel), read
into the progress file's records and checked by its rules (tracking.progress_file.parse_progress),
so that a sheet imports into the same reviewed updates as a progress file.

The workbook is a snapshot of where each project stands, so a row says something new only where
it differs from what is stored. On the projects sheet, a row with a progress figure is an update as
of its progress date, with its status (if the sheet's differs from the project's) and its note; a
row that repeats the project's latest reviewed progress (same day, same figure, no new status,
milestone or note) is left out, so an exported workbook, edited in a few rows, imports only those.
On the milestones sheet, a done date the project does not yet have reaches its project's update.
Every problem is given back as a sheet, a row and a column; nothing is read from the database
beyond what the rules need.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from projects.excel import ImportProblem, ImportRefused
from projects.spreadsheets import UnreadableWorkbook
from tracking.models import ProgressUpdate, ProjectStatus, TrackedProject
from tracking.plan_excel import (
    MILESTONE_COLUMNS,
    MILESTONES_SHEET,
    PROJECT_COLUMNS,
    PROJECTS_SHEET,
    SheetProblem,
    _cell,
    _cell_text,
    _date_text,
    _in_every_language,
    _label_of,
    _pick,
    _read_sheets,
    _rows,
    label,
)
from tracking.plan_file import FileRefused, Path, as_decimal, ids_in, known_projects
from tracking.progress_file import UpdateSpec, parse_progress
from tracking.services.assess import reviewed

PROJECT_REQUIRED = ("id", "progress", "progress_on")
MILESTONE_REQUIRED = ("project", "id")
# A progress-file key → the projects sheet's column, and a milestones_done key → the other sheet's.
UPDATE_COLUMN = {
    "project": "id",
    "on": "progress_on",
    "progress": "progress",
    "status": "status",
    "note": "note",
}
DONE_COLUMN = {"id": "id", "done": "done"}


@dataclass
class _Where:
    """Where each update, and each of its milestones done, came from."""

    projects_title: str
    milestones_title: str
    update_lines: list[int] = field(default_factory=list)
    done_lines: list[list[int]] = field(default_factory=list)


def progress_from_workbook(content: bytes) -> list[UpdateSpec]:
    """The workbook's new progress as checked updates; ImportRefused (its problems
    SheetProblems) listing every problem, by sheet, row and column, if anything is wrong."""
    try:
        sheets = _read_sheets(content)
    except UnreadableWorkbook as refused:
        raise ImportRefused([SheetProblem(None, None, str(refused))]) from None
    projects_sheet, milestones_sheet = _pick(sheets)
    if projects_sheet is None:
        message = _("The workbook has no sheet “%(sheet)s”.") % {"sheet": label(PROJECTS_SHEET)}
        raise ImportRefused([SheetProblem(None, None, message)])
    problems: list[ImportProblem] = []
    project_rows = _rows(projects_sheet, PROJECT_COLUMNS, PROJECT_REQUIRED, problems)
    milestone_rows: list[tuple[int, dict[str, Any]]] = []
    milestones_title = label(MILESTONES_SHEET)
    if milestones_sheet is not None:
        milestones_title = milestones_sheet[0]
        milestone_rows = _rows(milestones_sheet, MILESTONE_COLUMNS, MILESTONE_REQUIRED, problems)
    if problems:
        raise ImportRefused(problems)
    where = _Where(projects_sheet[0], milestones_title)
    data = _progress_data(project_rows, milestone_rows, problems, where)
    if not problems and not data["updates"]:
        message = _(
            "No row has new progress: fill in a project's progress (%) and its date, then "
            "import again."
        )
        problems.append(SheetProblem(None, None, message, where.projects_title))
    if problems:
        raise ImportRefused(problems)
    try:
        return parse_progress(data, known_projects(ids_in(data, "updates", "project")))
    except FileRefused as refused:
        raise ImportRefused([_placed(p.path, p.message, where) for p in refused.found]) from None


def _current(codes: set[str]) -> dict[str, TrackedProject]:
    """The projects named, with their milestones and reviewed progress, read once."""
    projects = TrackedProject.objects.filter(code__in=codes).prefetch_related(
        "milestones",
        Prefetch("updates", queryset=reviewed(ProgressUpdate.objects.all()), to_attr="latest"),
    )
    return {p.code: p for p in projects}


def _progress_data(
    project_rows: list[tuple[int, dict[str, Any]]],
    milestone_rows: list[tuple[int, dict[str, Any]]],
    problems: list[ImportProblem],
    where: _Where,
) -> dict[str, Any]:
    """The rows as a progress file's data, keeping only what differs from what is stored."""
    codes = {str(_cell(raw, "id")) for _line, raw in project_rows if _cell(raw, "id")}
    codes |= {str(_cell(raw, "project")) for _line, raw in milestone_rows if _cell(raw, "project")}
    current = _current(codes)
    done_of: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for line, raw in milestone_rows:
        owner, done = _cell(raw, "project"), _day(raw.get("done"))
        if owner is None or done is None:
            continue  # no done date: nothing to report for this milestone
        project = current.get(str(owner))
        stored = {m.code: m.done for m in project.milestones.all()} if project is not None else {}
        code = _cell(raw, "id")
        known = stored.get(str(code)) if code is not None else None
        if known is not None and known.isoformat() == done:
            continue  # already recorded as done on that day
        done_of.setdefault(str(owner), []).append((line, {"id": code, "done": done}))
    updates: list[dict[str, Any]] = []
    progress_label = _label_of(PROJECT_COLUMNS, "progress")
    for line, raw in project_rows:
        code = _cell(raw, "id")
        new_done = done_of.pop(str(code), []) if code is not None else []
        project = current.get(str(code)) if code is not None else None
        status = _status(raw.get("status"), project)
        note = _cell_text(raw.get("note"))
        progress = _number(raw.get("progress"))
        if progress is None:
            if status or note or new_done:
                message = _("Give the progress (%) and its date with this row's changes.")
                problems.append(SheetProblem(line, progress_label, message, where.projects_title))
            continue
        on = _day(raw.get("progress_on"))
        if project is not None and not (status or note or new_done):
            latest: list[ProgressUpdate] = getattr(project, "latest", [])
            last = latest[-1] if latest else None
            if (
                last is not None
                and last.on.isoformat() == on
                and last.progress == as_decimal(progress)
            ):
                continue  # where the project already stands
        update: dict[str, Any] = {"project": code, "on": on, "progress": progress}
        if status:
            update["status"] = status
        if note:
            update["note"] = note
        if new_done:
            update["milestones_done"] = [done for _line, done in new_done]
        updates.append(update)
        where.update_lines.append(line)
        where.done_lines.append([done_line for done_line, _done in new_done])
    project_label = _label_of(MILESTONE_COLUMNS, "project")
    for owner, rows in done_of.items():
        for line, _done in rows:
            message = _("No project row has the id %(id)s.") % {"id": owner}
            problems.append(SheetProblem(line, project_label, message, where.milestones_title))
    return {"updates": updates}


def _day(value: Any) -> str | None:
    """A date cell, or one written 2027-06-30, 2027/6/30 or 2027年6月30日, as YYYY-MM-DD."""
    text = _cell_text(value)
    return _date_text(text) if text else None


def _number(value: Any) -> Any:
    """A number as the progress file would give it; what is not one stays text, for the rules."""
    text = _cell_text(value)
    if text == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        number = Decimal(text.replace(",", "").rstrip("%").strip())
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def _statuses() -> dict[str, str]:
    found: dict[str, str] = {}
    for value, name in ProjectStatus.choices:
        found.update({text: value for text in _in_every_language(name)})
        found[value] = value
    return found


def _status(value: Any, project: TrackedProject | None) -> str | None:
    """The sheet's status if it differs from the project's (None: unchanged or empty)."""
    text = _cell_text(value)
    if not text:
        return None
    status = _statuses().get(text.lower(), text)
    if project is not None and status == project.status:
        return None
    return status


def _placed(path: Path | None, message: str, where: _Where) -> SheetProblem:
    """A progress file problem's path as a sheet, a row and a column."""
    if path is None or len(path) < 2 or not isinstance(path[1], int):
        return SheetProblem(None, None, message, where.projects_title)
    index, rest = path[1], path[2:]
    if rest[:1] == ("milestones_done",) and len(rest) >= 2 and isinstance(rest[1], int):
        line = where.done_lines[index][rest[1]]
        key = DONE_COLUMN.get(str(rest[2]), "") if len(rest) > 2 else ""
        column = _label_of(MILESTONE_COLUMNS, key) or None
        return SheetProblem(line, column, message, where.milestones_title)
    key = UPDATE_COLUMN.get(str(rest[0]), "") if rest else ""
    column = _label_of(PROJECT_COLUMNS, key) or None
    return SheetProblem(where.update_lines[index], column, message, where.projects_title)


def progress_record(spec: UpdateSpec) -> dict[str, Any]:
    """A checked update back as a progress-file record: checking it again gives the same."""
    entry: dict[str, Any] = {
        "project": spec.project,
        "on": spec.on.isoformat(),
        "progress": float(spec.progress),
        "milestones_done": [{"id": d.id, "done": d.done.isoformat()} for d in spec.milestones_done],
        "note": spec.note,
    }
    if spec.status:
        entry["status"] = spec.status
    return entry
