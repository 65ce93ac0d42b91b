"""Excel import and export of candidates: one column table, used both ways.

An import is all or nothing: every row is checked first, and any bad row stops the whole file.
Reading and writing the file itself, safely, is projects.spreadsheets' part.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from projects.access import Access
from projects.action_log import action_record
from projects.models import Candidate, Category, CollectionAction, SourceKind, Station
from projects.services import candidate_create
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


@dataclass
class RowError:
    line: int | None  # None: about the whole file
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Row %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any, label: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value).replace("/", "-"))
    except ValueError:
        raise ValueError(
            _("%(column)s must be a date such as 2027-06-30.") % {"column": label}
        ) from None


def _decimal(value: Any, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("%(column)s must be a number.") % {"column": label}) from None


def _check_text(raw: dict[str, Any]) -> None:
    """The text rules of the form, for each cell: length, and no control characters."""
    for column in COLUMNS:
        text = _text(raw.get(column.key))
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(
                _("%(column)s is longer than %(n)d characters.")
                % {"column": column.label, "n": MAX_TEXT_CHARS}
            )
        try:
            (multi_line_text if column.multi_line else single_line_text)(text)
        except ValidationError as error:
            raise ValueError(
                _("%(column)s: %(message)s")
                % {"column": column.label, "message": "; ".join(error.messages)}
            ) from None


def _parse_row(
    raw: dict[str, Any],
    stations: dict[str, Station],
    categories: dict[str, str],
    kinds: dict[str, str],
) -> tuple[dict[str, Any], Station, dict[str, Any]]:
    _check_text(raw)
    label = {c.key: str(c.label) for c in COLUMNS}
    missing = [label[k] for k in REQUIRED if _text(raw.get(k)) == ""]
    if missing:
        raise ValueError(_("missing %(columns)s.") % {"columns": "、".join(missing)})
    station = stations.get(_text(raw["station"]))
    if station is None:
        raise ValueError(
            _("no liaison station named “%(name)s” in this congress.")
            % {"name": _text(raw["station"])}
        )
    category = categories.get(_text(raw["category"]).lower())
    if category is None:
        raise ValueError(_("unknown category “%(value)s”.") % {"value": _text(raw["category"])})
    kind = kinds.get(_text(raw["source_kind"]).lower())
    if kind is None:
        raise ValueError(
            _("unknown proposer type “%(value)s”.") % {"value": _text(raw["source_kind"])}
        )
    try:
        year = int(_text(raw["year"]))
    except ValueError:
        raise ValueError(
            _("%(column)s must be a year such as 2027.") % {"column": label["year"]}
        ) from None
    data = {
        "name": _text(raw.get("name")),
        "category": category,
        "year": year,
        "background": _text(raw.get("background")),
        "content": _text(raw.get("content")),
        "implementing_unit": _text(raw.get("implementing_unit")),
        "investment_wan": _decimal(raw.get("investment_wan"), label["investment_wan"]),
        "funding_source": _text(raw.get("funding_source")),
        "feasibility": _text(raw.get("feasibility")),
        "planned_completion": _date(raw.get("planned_completion"), label["planned_completion"]),
        "address": _text(raw.get("address")),
        "latitude": _decimal(raw.get("latitude"), label["latitude"]),
        "longitude": _decimal(raw.get("longitude"), label["longitude"]),
    }
    source = {
        "kind": kind,
        "name": _text(raw.get("source_name")),
        "raised_on": _date(raw.get("raised_on"), label["raised_on"]) or datetime.date.today(),
    }
    return data, station, source


def _read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        sheet = read_first_sheet(content)
    except UnreadableWorkbook as refused:
        raise ImportRefused([RowError(None, str(refused))]) from None
    known = _header_keys()
    keys = [known.get(_text(h).lower()) for h in sheet.header]
    absent = [str(c.label) for c in COLUMNS if c.key in REQUIRED and c.key not in keys]
    if absent:
        raise ImportRefused(
            [
                RowError(
                    1,
                    _("the header lacks the columns %(columns)s.") % {"columns": "、".join(absent)},
                )
            ]
        )
    if not sheet.rows:
        raise ImportRefused([RowError(None, _("The sheet has no data rows."))])
    return [
        (line, {k: v for k, v in zip(keys, values, strict=False) if k})
        for line, values in sheet.rows
    ]


def import_candidates(*, access: Access, actor: User, content: bytes) -> int:
    """Create every row as a draft, or none of them; raise ImportRefused listing each bad row."""
    rows = _read_rows(content)
    stations = {s.name: s for s in access.body.stations.all()}
    categories = _choice_lookup(Category)
    kinds = _choice_lookup(SourceKind)
    errors: list[RowError] = []
    created_ids: list[int] = []
    with transaction.atomic():
        for line, raw in rows:
            try:
                data, station, source = _parse_row(raw, stations, categories, kinds)
                if not access.can_file_at(station.pk):
                    raise ValueError(
                        _("you may only file candidates for your own station (%(name)s).")
                        % {"name": station.name}
                    )
                with transaction.atomic():
                    candidate = candidate_create(
                        actor=actor, station=station, data=data, source=source, log=False
                    )
                created_ids.append(candidate.pk)
            except ValueError as error:
                errors.append(RowError(line, str(error)))
            except ValidationError as error:
                errors.append(RowError(line, _describe(error)))
        if errors:
            transaction.set_rollback(True)
            raise ImportRefused(errors)
        action_record(
            body=access.body,
            actor=actor,
            action=CollectionAction.CANDIDATES_IMPORTED,
            subject="excel",
            detail={"candidates": [f"candidate-{pk}" for pk in created_ids]},
        )
    return len(created_ids)


def _describe(error: ValidationError) -> str:
    labels = {c.key: str(c.label) for c in COLUMNS}
    if hasattr(error, "error_dict"):
        parts = [
            f"{labels.get(field, field)}: {'; '.join(str(m) for e in errs for m in e.messages)}"
            for field, errs in error.error_dict.items()
        ]
        return "; ".join(parts)
    return "; ".join(error.messages)
