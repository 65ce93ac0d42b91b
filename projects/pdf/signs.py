"""A4 signs with a QR code (码上监督 at a project's site, 联络站码 on a station's notice board).

Both floors print them: this module draws any sign; tracking and the stations say what is on it.
The code is drawn as vector squares, so it stays sharp on any printer and at any size.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from projects.models import Station
from projects.pdf.fonts import chinese_font
from projects.pdf.qr import qr_code
from projects.pdf.text import fit, wrap

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
TEXT_W = PAGE_W - 2 * MARGIN
BAND_H = 34 * mm  # the coloured band across the top, readable from across the street
RED = colors.HexColor("#b3261e")  # the site's red, so paper and screen agree
GREY = colors.HexColor("#5d6b7a")
# Where the code sits, fixed on every sign so a test (or a scanner jig) knows where to look.
QR_SIZE = 112 * mm  # with its quiet zone; scans from about a metre and a half
QR_X = (PAGE_W - QR_SIZE) / 2
QR_Y = 66 * mm  # its bottom edge
QR_BORDER = 4  # modules of quiet zone, as the standard asks
TITLE_SIZES = (26.0, 22.0, 19.0, 16.0)  # the largest that fits in three lines


@dataclass(frozen=True)
class Sign:
    heading: str  # in the band: 码上监督, 联络站码
    issuer: str  # under it: the congress (and year)
    title: str  # the project's or station's name, large
    facts: list[tuple[str, str]]  # label and value lines under the title
    url: str  # what the code opens; printed under it too, for those who type
    instruction: str  # one line under the code: what scanning lets you do
    steps: list[str]  # a few words each, in boxes under the instruction
    lead: str = ""  # a sentence or two between the facts and the code, when there is room


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_W / 2, y, text)


def _draw_qr(canvas: Canvas, url: str) -> None:
    matrix = qr_code(url).matrix
    modules = len(matrix) + 2 * QR_BORDER
    unit = QR_SIZE / modules
    canvas.setFillColor(colors.white)
    canvas.rect(QR_X, QR_Y, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    top = QR_Y + QR_SIZE - QR_BORDER * unit
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            run = c
            while run < len(row) and row[run]:
                run += 1
            # One rectangle per run of dark modules, a hair wider so no seam shows between them.
            x = QR_X + (QR_BORDER + c) * unit
            canvas.rect(x, top - (r + 1) * unit, (run - c) * unit + 0.05, unit + 0.05, 0, 1)
            c = run


def _draw(canvas: Canvas, sign: Sign, font: str) -> None:
    # The band: what this sign is, and whose.
    canvas.setFillColor(RED)
    canvas.rect(0, PAGE_H - BAND_H, PAGE_W, BAND_H, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    _centred(canvas, sign.heading, font, 30, PAGE_H - 17 * mm)
    size, lines = fit(sign.issuer, font, (13.0, 11.0, 9.0), TEXT_W, 1)
    _centred(canvas, lines[0], font, size, PAGE_H - 28 * mm)
    # The title, then its facts, between the band and the code.
    canvas.setFillColor(colors.black)
    y = PAGE_H - BAND_H - 6 * mm
    size, lines = fit(sign.title, font, TITLE_SIZES, TEXT_W, 3)
    for line in lines:
        y -= size * 1.3
        _centred(canvas, line, font, size, y)
    y -= 4 * mm
    for label, value in sign.facts:
        line_text = _("%(label)s: %(value)s") % {"label": label, "value": value}
        fact_size, fact_lines = fit(line_text, font, (14.0, 12.0, 10.0), TEXT_W, 2)
        for line in fact_lines:
            y -= fact_size * 1.45
            _centred(canvas, line, font, fact_size, y)
    if sign.lead:
        y -= 6 * mm
        canvas.setFillColor(GREY)
        for line in wrap(sign.lead, font, 15, TEXT_W - 20 * mm)[:3]:
            y -= 15 * 1.5
            _centred(canvas, line, font, 15, y)
    _draw_qr(canvas, sign.url)
    # Under the code: what scanning does, the steps in boxes, the address to type.
    canvas.setFillColor(RED)
    size, lines = fit(sign.instruction, font, (18.0, 15.0, 12.0), TEXT_W, 1)
    _centred(canvas, lines[0], font, size, QR_Y - 11 * mm)
    if sign.steps:
        gap = 5 * mm
        box_w = (TEXT_W - gap * (len(sign.steps) - 1)) / len(sign.steps)
        box_h = 13 * mm
        box_y = QR_Y - 30 * mm
        for index, step in enumerate(sign.steps):
            x = MARGIN + index * (box_w + gap)
            canvas.setStrokeColor(RED)
            canvas.setLineWidth(1.2)
            canvas.roundRect(x, box_y, box_w, box_h, 2.5 * mm, stroke=1, fill=0)
            step_size, step_lines = fit(step, font, (13.0, 11.0, 9.0), box_w - 4 * mm, 1)
            canvas.setFillColor(colors.black)
            canvas.setFont(font, step_size)
            canvas.drawCentredString(
                x + box_w / 2, box_y + box_h / 2 - step_size * 0.35, step_lines[0]
            )
    canvas.setFillColor(GREY)
    url_size = 11.0
    while stringWidth(sign.url, "Helvetica", url_size) > TEXT_W and url_size > 6:
        url_size -= 0.5
    _centred(canvas, sign.url, "Helvetica", url_size, 16 * mm)


def signs_pdf(signs: Sequence[Sign], *, title: str) -> bytes:
    """One A4 page per sign, in the order given."""
    font = chinese_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(title)
    for sign in signs:
        _draw(canvas, sign, font)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def sign_for_station(station: Station, url: str) -> Sign:
    """联络站码: for the station's notice board, to file a suggestion for next year's projects."""
    return Sign(
        heading=_("Station code (联络站码)"),
        issuer=station.body.name,
        title=station.name,
        facts=[(_("address"), station.address)] if station.address else [],
        url=url,
        instruction=_("Scan to suggest next year's livelihood projects"),
        lead=_(
            "Residents propose, representatives decide: tell us what your neighbourhood needs "
            "next year. Every suggestion is read and answered."
        ),
        steps=[
            _("Suggest: what is needed"),
            _("Keep: your reference number"),
            _("Check: the answer"),
        ],
    )
