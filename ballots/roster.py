"""A session roster from Excel: two columns, code and name; all rows good or none taken."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ballots.models import Voter
from ballots.session_file import CODE
from projects.spreadsheets import UnreadableWorkbook, read_first_sheet
from projects.validation import single_line_text

HEADERS = {"代表编号": "code", "编号": "code", "code": "code", "姓名": "name", "name": "name"}


class RosterRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_roster(content: bytes) -> list[tuple[str, str]]:
    try:
        sheet = read_first_sheet(content)
    except UnreadableWorkbook as refused:
        raise RosterRefused([str(refused)]) from None
    header = [HEADERS.get(str(h or "").strip().lower()) for h in sheet.header]
    if "code" not in header or "name" not in header:
        raise RosterRefused([_("The first row must name the columns 代表编号 and 姓名.")])
    at_code, at_name = header.index("code"), header.index("name")
    problems: list[str] = []
    voters: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line, values in sheet.rows:
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
        elif problem := _name_problem(name):
            problems.append(_("Row %(line)d: %(message)s") % {"line": line, "message": problem})
        seen.add(code)
        voters.append((code, name))
    if not voters and not problems:
        problems.append(_("The sheet has no representatives."))
    if problems:
        raise RosterRefused(problems)
    return voters


def _name_problem(name: str) -> str | None:
    field = Voter._meta.get_field("name")
    assert isinstance(field, models.CharField) and field.max_length
    if len(name) > field.max_length:
        # Else only the database would refuse it, as an error page (or, on SQLite, never).
        return _("the name is longer than %(n)d characters.") % {"n": field.max_length}
    try:
        single_line_text(name)
    except ValidationError as error:
        return "; ".join(error.messages)
    return None
