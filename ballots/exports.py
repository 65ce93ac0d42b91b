"""A closed round's result as an Excel sheet."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ballots.models import Round
from ballots.presenters import figures, outcome_words, result_header, result_rows
from projects.spreadsheets import workbook_bytes


def results_xlsx(round_: Round) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = round_.code[:31]
    sheet.append([round_.session.body.name, round_.session.title, round_.code])
    for label, value in figures(round_):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(result_header(round_))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in result_rows(round_):
        sheet.append(
            [row.number, row.title, *(count for _label, count in row.counts), row.rank, row.verdict]
        )
    sheet.append([])
    sheet.append([_("Outcome"), outcome_words(round_)])
    sheet.column_dimensions["B"].width = 36
    return workbook_bytes(book)  # item titles are proposals' names: none may act as a formula
