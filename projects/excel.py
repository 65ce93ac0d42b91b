"""Excel import and export of candidates: one column table, used both ways.

An import is all or nothing: every row is checked first, and any bad row stops the whole file.
Reading and writing the file itself, safely, is projects.spreadsheets' part.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.constraints import BaseConstraint
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from projects.access import Access
from projects.action_log import action_record
from projects.models import (
    Candidate,
    CandidateSource,
    Category,
    CollectionAction,
    SourceKind,
    Station,
)
from projects.services import CANDIDATE_FIELDS, candidate_create
from projects.spreadsheets import UnreadableWorkbook, read_first_sheet, workbook_bytes
from projects.validation import MAX_TEXT_CHARS, multi_line_text, single_line_text


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    width: int = 16
    multi_line: bool = False  # a long text, where line breaks belong (a text area in the form)


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Project name"), 28),
    Column("category", gettext_lazy("Category")),
    Column("year", gettext_lazy("Year"), 8),
    Column("station", gettext_lazy("Liaison station"), 20),
    Column("background", gettext_lazy("Background"), 40, multi_line=True),
    Column("content", gettext_lazy("Content"), 40, multi_line=True),
    Column("implementing_unit", gettext_lazy("Implementing unit"), 20),
    Column("investment_wan", gettext_lazy("Investment (10,000 yuan)"), 14),
    Column("funding_source", gettext_lazy("Funding source"), 18),
    Column("feasibility", gettext_lazy("Feasibility notes"), 30, multi_line=True),
    Column("planned_completion", gettext_lazy("Planned completion"), 14),
    Column("address", gettext_lazy("Address"), 28),
    Column("latitude", gettext_lazy("Latitude"), 12),
    Column("longitude", gettext_lazy("Longitude"), 12),
    Column("source_kind", gettext_lazy("Raised by"), 10),
    Column("source_name", gettext_lazy("Proposer"), 16),
    Column("raised_on", gettext_lazy("Raised on"), 12),
)
REQUIRED = ("name", "category", "year", "station", "content", "source_kind", "source_name")


def _labels_in(language: str) -> dict[str, str]:
    with translation.override(language):
        return {str(c.label).strip().lower(): c.key for c in COLUMNS}


def _header_keys() -> dict[str, str]:
    """Headers are accepted in any of the site's languages, whichever the exporter used."""
    keys: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        keys.update(_labels_in(code))
    return keys


def _choice_lookup(choices: type[Category] | type[SourceKind]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices.choices:
                lookup[str(label).strip().lower()] = value
    lookup.update({value: value for value in choices.values})
    return lookup


def export_candidates(candidates: list[Candidate]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Candidates")
    sheet.append([str(c.label) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for candidate in candidates:
        source = next(iter(candidate.sources.all()), None)  # uses the prefetched sources
        values: dict[str, Any] = {
            "name": candidate.name,
            "category": candidate.get_category_display(),
            "year": candidate.year,
            "station": candidate.station.name,
            "background": candidate.background,
            "content": candidate.content,
            "implementing_unit": candidate.implementing_unit,
            "investment_wan": candidate.investment_wan,
            "funding_source": candidate.funding_source,
            "feasibility": candidate.feasibility,
            "planned_completion": candidate.planned_completion,
            "address": candidate.address,
            "latitude": candidate.latitude,
            "longitude": candidate.longitude,
            "source_kind": source.get_kind_display() if source else "",
            "source_name": source.name if source else "",
            "raised_on": source.raised_on if source else None,
        }
        sheet.append([values[c.key] for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(book)


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import, and where: a cell, a whole row, or the whole file."""

    line: int | None  # as Excel numbers it; None: the whole file
    column: str | None  # the column's label (several, joined); None: the row or file as a whole
    message: str


class ImportRefused(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


# A problem found in a row before its line is known: the keys of the columns it concerns (none:
# the row as a whole) and what is wrong.
CellProblem = tuple[tuple[str, ...], str]

# The model fields a sheet column fills, for naming the column of a model's validation error.
CANDIDATE_FIELD_KEYS = {c.key: c.key for c in COLUMNS if c.key in CANDIDATE_FIELDS}
SOURCE_FIELD_KEYS = {"kind": "source_kind", "name": "source_name", "raised_on": "raised_on"}


@dataclass(frozen=True)
class Lookups:
    """What a row's names are looked up in, read once for the whole file."""

    stations: dict[str, Station]
    categories: dict[str, str]
    kinds: dict[str, str]
    may_file_at: Callable[[int], bool]


@dataclass(frozen=True)
class ParsedRow:
    station: Station
    data: dict[str, Any]
    source: dict[str, Any]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _Cells:
    """One row's cells by column key; each cell is checked on its own and every problem kept."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.problems: list[CellProblem] = []
        self._bad: set[str] = set()

    def refuse(self, key: str, message: str) -> None:
        self.problems.append(((key,), message))
        self._bad.add(key)

    def text(self, key: str) -> str:
        return _text(self.raw.get(key))

    def refused(self, key: str) -> bool:
        return key in self._bad

    def usable(self, key: str) -> bool:
        """Filled in, and not refused already (a cell gets one problem, its first)."""
        return not self.refused(key) and self.text(key) != ""

    def check_text(self, column: Column) -> None:
        """The text rules of the form: length, and no control characters."""
        text = self.text(column.key)
        if len(text) > MAX_TEXT_CHARS:
            self.refuse(column.key, _("Longer than %(n)d characters.") % {"n": MAX_TEXT_CHARS})
            return
        try:
            (multi_line_text if column.multi_line else single_line_text)(text)
        except ValidationError as error:
            self.refuse(column.key, " ".join(error.messages))

    def choice(
        self, key: str, lookup: dict[str, str], choices: type[Category] | type[SourceKind]
    ) -> str | None:
        if not self.usable(key):
            return None
        value = lookup.get(self.text(key).lower())
        if value is None:
            self.refuse(
                key,
                _("Unknown value “%(value)s”; use one of %(choices)s.")
                % {
                    "value": self.text(key),
                    "choices": _joined(str(label) for label in choices.labels),
                },
            )
        return value

    def year(self, key: str) -> int | None:
        if not self.usable(key):
            return None
        value = self.raw[key]
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number cell that Excel stored as 2027.0
        try:
            return int(_text(value))
        except ValueError:
            self.refuse(key, _("Must be a year such as 2027."))
            return None

    def decimal(self, key: str) -> Decimal | None:
        if not self.usable(key):
            return None
        try:
            number = Decimal(self.text(key).replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():  # "NaN" and "Infinity" are Decimals too
            self.refuse(key, _("Must be a number."))
            return None
        return number

    def date(self, key: str) -> datetime.date | None:
        if not self.usable(key):
            return None
        value = self.raw[key]
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(self.text(key).replace("/", "-"))
        except ValueError:
            self.refuse(key, _("Must be a date such as 2027-06-30."))
            return None


def _joined(labels: Iterable[str]) -> str:
    separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
    return separator.join(labels)


def parse_row(raw: dict[str, Any], lookups: Lookups) -> tuple[ParsedRow | None, list[CellProblem]]:
    """The row read into a candidate and its source, or None and every problem of its cells.

    Each cell is checked on its own, so a row with three mistakes shows all three; a cell shows
    its first problem only (a station name with a line break is not looked up as well).
    """
    cells = _Cells(raw)
    for column in COLUMNS:
        cells.check_text(column)
    for key in REQUIRED:
        if cells.text(key) == "" and not cells.refused(key):
            cells.refuse(key, _("Required; this cell is empty."))
    station = None
    if cells.usable("station"):
        station = lookups.stations.get(cells.text("station"))
        if station is None:
            cells.refuse(
                "station",
                _("No liaison station named “%(name)s” in this congress.")
                % {"name": cells.text("station")},
            )
        elif not lookups.may_file_at(station.pk):
            cells.refuse(
                "station",
                _("You may only file candidates for your own station, not for “%(name)s”.")
                % {"name": station.name},
            )
    category = cells.choice("category", lookups.categories, Category)
    kind = cells.choice("source_kind", lookups.kinds, SourceKind)
    year = cells.year("year")
    data = {
        "name": cells.text("name"),
        "category": category,
        "year": year,
        "background": cells.text("background"),
        "content": cells.text("content"),
        "implementing_unit": cells.text("implementing_unit"),
        "investment_wan": cells.decimal("investment_wan"),
        "funding_source": cells.text("funding_source"),
        "feasibility": cells.text("feasibility"),
        "planned_completion": cells.date("planned_completion"),
        "address": cells.text("address"),
        "latitude": cells.decimal("latitude"),
        "longitude": cells.decimal("longitude"),
    }
    raised_on = cells.date("raised_on")
    if cells.problems or station is None:
        return None, sorted(cells.problems, key=_column_order)
    source = {
        "kind": kind,
        "name": cells.text("source_name"),
        "raised_on": raised_on or datetime.date.today(),
    }
    return ParsedRow(station=station, data=data, source=source), []


def check_row(
    raw: dict[str, Any], lookups: Lookups, actor: User
) -> tuple[ParsedRow | None, list[CellProblem]]:
    """parse_row, then, for a row whose cells all parsed, the models' own rules."""
    parsed, problems = parse_row(raw, lookups)
    if parsed is None:
        return None, problems
    candidate = Candidate(
        body=parsed.station.body, station=parsed.station, created_by=actor, **parsed.data
    )
    source = CandidateSource(station=parsed.station, **parsed.source)
    try:  # the foreign keys are set here, not read from the sheet: no queries for them
        candidate.full_clean(exclude=["body", "station", "created_by", "merged_into"])
    except ValidationError as error:
        problems += _model_problems(error, Candidate, CANDIDATE_FIELD_KEYS)
    try:
        source.full_clean(exclude=["candidate", "station", "merged_from"])
    except ValidationError as error:
        problems += _model_problems(error, CandidateSource, SOURCE_FIELD_KEYS)
    return (None if problems else parsed), sorted(problems, key=_column_order)


def _column_order(problem: CellProblem) -> int:
    """Left to right as the sheet has them; a problem of the row as a whole comes last."""
    keys = problem[0]
    return min((index for index, c in enumerate(COLUMNS) if c.key in keys), default=len(COLUMNS))


def _model_problems(
    error: ValidationError, model: type[Model], keys: dict[str, str]
) -> list[CellProblem]:
    """A model's validation error, each message tied to the column of its field."""
    if not hasattr(error, "error_dict"):
        return [((), message) for message in error.messages]
    problems: list[CellProblem] = []
    for field, errors in error.error_dict.items():
        for message in ValidationError(errors).messages:
            if field == NON_FIELD_ERRORS:
                problems.append(_rule_problem(message))
            elif field in keys:
                problems.append(((keys[field],), message))
            else:  # a field no column fills: named as the model names it
                name = getattr(model._meta.get_field(field), "verbose_name", field)
                problems.append(
                    ((), _("%(column)s: %(message)s") % {"column": name, "message": message})
                )
    return problems


def _rule_problem(message: str) -> CellProblem:
    """A rule across several fields (a constraint), tied to the columns it reads.

    A constraint without a message of its own would say only its code name; that never reaches
    the page.
    """
    for constraint in Candidate._meta.constraints:
        if message != constraint.get_violation_error_message():
            continue
        fields = _fields_in(constraint)
        keys = tuple(c.key for c in COLUMNS if c.key in fields)
        if constraint.violation_error_message == constraint.default_violation_error_message:
            message = _("These cells contradict each other; check them together.")
        return keys, message
    return (), message


def _fields_in(constraint: BaseConstraint) -> set[str]:
    fields = set(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    pending = [condition] if isinstance(condition, Q) else []
    while pending:
        for child in pending.pop().children:
            if isinstance(child, Q):
                pending.append(child)
            elif isinstance(child, tuple):  # (lookup, value), such as ("latitude__isnull", True)
                fields.add(str(child[0]).split("__")[0])
    return fields


def _read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        sheet = read_first_sheet(content)
    except UnreadableWorkbook as refused:
        raise ImportRefused([ImportProblem(None, None, str(refused))]) from None
    known = _header_keys()
    keys = [known.get(_text(h).lower()) for h in sheet.header]
    absent = [str(c.label) for c in COLUMNS if c.key in REQUIRED and c.key not in keys]
    if absent:
        message = _(
            "The header row lacks the required columns %(columns)s. Download the empty sheet "
            "below for the right columns."
        ) % {"columns": _joined(absent)}
        raise ImportRefused([ImportProblem(None, None, message)])
    if not sheet.rows:
        raise ImportRefused([ImportProblem(None, None, _("The sheet has no data rows."))])
    return [
        (line, {k: v for k, v in zip(keys, values, strict=False) if k})
        for line, values in sheet.rows
    ]


def import_candidates(*, access: Access, actor: User, content: bytes) -> int:
    """Create every row as a draft, or none of them; raise ImportRefused with every problem.

    Every row is checked first, each cell on its own, and every problem of every row is listed.
    """
    rows = _read_rows(content)
    lookups = Lookups(
        stations={s.name: s for s in access.body.stations.all()},
        categories=_choice_lookup(Category),
        kinds=_choice_lookup(SourceKind),
        may_file_at=access.can_file_at,
    )
    labels = {c.key: str(c.label) for c in COLUMNS}
    problems: list[ImportProblem] = []
    parsed_rows: list[tuple[int, ParsedRow]] = []

    def found(line: int, cell_problems: list[CellProblem]) -> None:
        for keys, message in cell_problems:
            column = _joined(labels[k] for k in keys) if keys else None
            problems.append(ImportProblem(line, column, message))

    for line, raw in rows:
        parsed, cell_problems = check_row(raw, lookups, actor)
        found(line, cell_problems)
        if parsed is not None:
            parsed_rows.append((line, parsed))
    if problems:
        raise ImportRefused(problems)
    created_ids: list[int] = []
    with transaction.atomic():
        for line, parsed in parsed_rows:
            try:
                with transaction.atomic():
                    candidate = candidate_create(
                        actor=actor,
                        station=parsed.station,
                        data=parsed.data,
                        source=parsed.source,
                        log=False,
                    )
            except ValidationError as error:  # checked above already: a rule only the save sees
                found(line, _model_problems(error, Candidate, CANDIDATE_FIELD_KEYS))
            else:
                created_ids.append(candidate.pk)
        if problems:
            transaction.set_rollback(True)
            raise ImportRefused(problems)
        action_record(
            body=access.body,
            actor=actor,
            action=CollectionAction.CANDIDATES_IMPORTED,
            subject="excel",
            detail={"candidates": [f"candidate-{pk}" for pk in created_ids]},
        )
    return len(created_ids)
