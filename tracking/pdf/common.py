"""What tracking's papers share: the page, the colours, the text styles, chart axes, the footer."""

import datetime
import io
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import BarChart
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

NONE = "none"  # no colour (paused, stopped, completed, closed)
# The public project page's colours, so paper and screen agree.
HEX = {"red": "#c0564b", "yellow": "#d9a400", "green": "#2e8b57", NONE: "#8a96a3"}
FILL = {key: colors.HexColor(value) for key, value in HEX.items()}
TINT = {
    "red": colors.HexColor("#f8e1df"),
    "yellow": colors.HexColor("#fff1cc"),
    "green": colors.HexColor("#e3f1e7"),
}
HEADER = colors.HexColor("#eef1f4")
PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
# A table with a grid and a shaded head row, its cells read from the top.
GRID: list[tuple[object, ...]] = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), HEADER),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


class Styles:
    def __init__(self, font: str) -> None:
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
        self.heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18)
        self.text = ParagraphStyle("text", fontName=font, fontSize=10, leading=15)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11.5)
        self.small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)


def mark(colour: str | None, words: dict[str, str]) -> str:
    """A coloured dot and the colour's name: the name carries it on a grey printer too."""
    key = colour or NONE
    return f'<font color="{HEX[key]}">●</font> {escape(words[key])}'


def scale(top: int) -> tuple[int, int]:
    """A value axis of whole projects: its top and step, about five ticks."""
    top = max(1, top)
    step = max(1, math.ceil(top / 5))
    return math.ceil(top / step) * step, step


def axis(chart: BarChart, font: str, top: int) -> None:
    """A bar chart's axes in the Chinese font, counting whole projects from 0."""
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = scale(top)
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.bars.strokeColor = None


def made_words(made_at: datetime.datetime) -> str:
    return _("made %(when)s (Beijing time)") % {
        "when": formats.date_format(made_at, "DATETIME_FORMAT")
    }


def build(story: Sequence[Flowable], *, title: str, footer: str, font: str) -> bytes:
    """The story on landscape A4 pages, each with the footer and its page number."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
    )
    doc.title = title
    page_words = _("page %(page)d")

    def page_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#5d6b7a"))
        canvas.drawString(MARGIN, 8 * mm, f"{footer} · {page_words % {'page': document.page}}")
        canvas.restoreState()

    doc.build(list(story), onFirstPage=page_footer, onLaterPages=page_footer)
    return out.getvalue()
