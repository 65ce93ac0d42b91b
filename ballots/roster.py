"""A session roster from Excel: two columns, code and name; all rows good or none taken."""

import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ballots.session_file import CODE

HEADERS = {"代表编号": "code", "编号": "code", "code": "code", "姓名": "name", "name": "name"}


class RosterRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_roster(content: bytes) -> list[tuple[str, str]]:
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise RosterRefused([_("This is not an Excel workbook (.xlsx).")]) from None
    rows = sheet.iter_rows(values_only=True)
    header = [HEADERS.get(str(h or "").strip().lower()) for h in next(rows, ())]
    if "code" not in header or "name" not in header:
        raise RosterRefused([_("The first row must name the columns 代表编号 and 姓名.")])
    at_code, at_name = header.index("code"), header.index("name")
    problems: list[str] = []
    voters: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line, values in enumerate(rows, start=2):
        if not any(values):
            continue
        code = str(values[at_code] or "").strip()
        name = str(values[at_name] or "").strip()
        if not CODE.match(code):
            problems.append(
                _("Row %(line)d: the code must be letters, digits, - or _.") % {"line": line}
            )
        elif code in seen:
            problems.append(
                _("Row %(line)d: the code %(code)s repeats.") % {"line": line, "code": code}
            )
        if not name:
            problems.append(_("Row %(line)d: the name is missing.") % {"line": line})
        seen.add(code)
        voters.append((code, name))
    if not voters and not problems:
        problems.append(_("The sheet has no representatives."))
    if problems:
        raise RosterRefused(problems)
    return voters
