"""Excel files in and out, made safe in one place for every sheet the product writes or reads.

Out: text that a spreadsheet would take for a formula stays text. In: a file is checked as a zip
archive before openpyxl unpacks anything, then read in read-only mode within fixed bounds, and
every way it can fail becomes one whole-file refusal worded for the person who uploaded it.
"""

import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

logger = logging.getLogger(__name__)

# What a candidate or roster sheet can need, with room to spare: 2,000 rows of long texts unpack
# to about 10 MB, and a workbook saved by Excel or WPS has a few dozen parts.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 500
MAX_COLUMNS = 64  # read per row; a sheet may claim 16,384
MAX_LINES = 20_000  # scanned, blank ones included: a sheet may claim a row far below its data

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx saved with a password

# Signs a spreadsheet takes as the start of a formula (OWASP's list, and the full-width forms a
# Chinese input method types).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, each text cell that starts like a formula kept as text.

    OWASP's remedy for formula injection is a leading apostrophe; in .xlsx that apostrophe is the
    cell's quotePrefix flag, which is how Excel itself stores a typed "'=…": the cell shows and
    re-imports the exact text, and stays text even when someone edits it. The product writes no
    formulas of its own, so every cell is treated alike.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell, Cell):
                    _keep_as_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _keep_as_text(cell: Cell) -> None:
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl made "=…" a formula when the value was set
        cell.quotePrefix = True


class UnreadableWorkbook(Exception):
    """The file as a whole cannot be taken; str() is the reason, in the user's language."""


@dataclass(frozen=True)
class SheetLines:
    header: tuple[Any, ...]
    rows: list[tuple[int, tuple[Any, ...]]]  # (line number as Excel shows it, values), no blanks


def read_first_sheet(content: bytes) -> SheetLines:
    """The first worksheet's header (line 1) and non-blank lines, or UnreadableWorkbook."""
    _check_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        # openpyxl fails on a bad file in many ways (KeyError, zlib, XML, TypeError, ...), and
        # every one is the file's fault: a reason for the person, never an error page.
        logger.info("Refused an upload openpyxl cannot open", exc_info=True)
        raise UnreadableWorkbook(_damaged()) from None
    try:
        if not book.worksheets:
            raise UnreadableWorkbook(_("The workbook has no worksheet."))
        return _lines(book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except UnreadableWorkbook:
        raise
    except Exception:  # a sheet is parsed as it is read: bad XML or data surfaces only here
        logger.info("Refused an upload whose sheet cannot be read", exc_info=True)
        raise UnreadableWorkbook(_damaged()) from None
    finally:
        book.close()


def _check_archive(content: bytes) -> None:
    """Refuse from the zip's directory alone, before anything is unpacked."""
    limit = settings.IMPORT_MAX_BYTES
    if len(content) > limit:
        raise UnreadableWorkbook(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)}
        )
    if content.startswith(OLE_MAGIC):
        raise UnreadableWorkbook(_protected())
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise UnreadableWorkbook(
            _damaged() if content.startswith(ZIP_MAGIC) else _not_a_workbook()
        ) from None
    if len(parts) > MAX_PARTS:
        raise UnreadableWorkbook(
            _(
                "The workbook is made of more than %(n)d parts, far more than such a sheet "
                "needs. Copy its rows into a new workbook and retry."
            )
            % {"n": MAX_PARTS}
        )
    # The sizes are as declared; zipfile never unpacks a part beyond its declared size.
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise UnreadableWorkbook(
            _(
                "The workbook unpacks to more than %(limit)s, far more than such a sheet needs. "
                "Copy its rows into a new workbook and retry."
            )
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    if any(part.flag_bits & 0x1 for part in parts):
        raise UnreadableWorkbook(_protected())
    if not any(part.filename == "[Content_Types].xml" for part in parts):
        raise UnreadableWorkbook(_not_a_workbook())  # every Office file has one; an .ods, none


def _lines(values: Iterator[tuple[Any, ...]]) -> SheetLines:
    header = next(values, ())
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for line, row in enumerate(values, start=2):
        if line > MAX_LINES:
            raise UnreadableWorkbook(
                _("The sheet runs past row %(n)d; delete the unused rows below the data and retry.")
                % {"n": MAX_LINES}
            )
        if all(value is None or str(value).strip() == "" for value in row):
            continue  # blank lines between blocks are common in hand-made sheets
        rows.append((line, tuple(row)))
        if len(rows) > settings.IMPORT_MAX_ROWS:
            raise UnreadableWorkbook(
                _("The sheet has more than %(n)d rows; split it into several files.")
                % {"n": settings.IMPORT_MAX_ROWS}
            )
    return SheetLines(header=header, rows=rows)


def _not_a_workbook() -> str:
    return _("This is not an Excel workbook (.xlsx). Save it as .xlsx and retry.")


def _protected() -> str:
    return _(
        "This workbook is password-protected or in the old .xls format. Remove the password, "
        "save it as .xlsx and retry."
    )


def _damaged() -> str:
    return _(
        "The file cannot be read as a workbook; it may be damaged, incomplete or not a "
        "spreadsheet. Open it in Excel or WPS, save it again as .xlsx and retry."
    )
