"""Excel files for import tests: good ones, and the broken and hostile ones people (or attackers)
upload. Built in memory; the hostile ones are made by rewriting a good file's zip archive."""

import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook

# What the import pages say for each kind of broken file that `broken_files` builds.
PROTECTED = "This workbook is password-protected or in the old .xls format."
DAMAGED = "The file cannot be read as a workbook; it may be damaged, incomplete or not a"
NOT_XLSX = "This is not an Excel workbook (.xlsx)."
BROKEN_FILE_MESSAGES = {
    "plain text": NOT_XLSX,
    "old .xls or password-protected": PROTECTED,
    "truncated": DAMAGED,
    "damaged": DAMAGED,
    "sheetless": "The workbook has no worksheet.",
    "zip with an encrypted part": PROTECTED,
    "zip of something else": NOT_XLSX,
    "another Office file": DAMAGED,
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and every password-protected .xlsx


def workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(
    content: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """The archive again, with some parts replaced or added, all deflated."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = (replace or {}).get(info.filename, old.read(info))
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def sheet_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def sheetless(content: bytes) -> bytes:
    """The workbook with its list of sheets emptied: opens as a workbook with no worksheet."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        listing = archive.read("xl/workbook.xml")
    return rezip(
        content,
        replace={"xl/workbook.xml": re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", listing)},
    )


def damaged(content: bytes) -> bytes:
    """The zip's directory intact but the sheet's compressed data scrambled."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    broken = bytearray(content)
    broken[start + 8 : start + 24] = bytes(16)
    return bytes(broken)


def encrypted(content: bytes) -> bytes:
    """Every part flagged "password needed" (bit 0), as a zip tool that encrypts would write."""
    patched = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        entry = archive.start_dir  # where the central directory begins
        for info in archive.infolist():
            patched[info.header_offset + 6] |= 0x1
            patched[entry + 8] |= 0x1
            entry += 46 + len(info.filename.encode()) + len(info.extra) + len(info.comment)
    return bytes(patched)


def broken_files(good: bytes) -> dict[str, bytes]:
    """Each kind of file that is not a readable workbook, by name."""
    return {
        "plain text": b"not a workbook at all",
        "old .xls or password-protected": OLE_MAGIC + bytes(4096),
        "truncated": good[: len(good) // 2],
        "damaged": damaged(good),
        "sheetless": sheetless(good),
        "zip with an encrypted part": encrypted(good),
        "zip of something else": _other_zip(),
        "another Office file": _word_document(),
    }


def _other_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _word_document() -> bytes:
    """The parts of a .docx that matter here: an Office package, but with no workbook in it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()
