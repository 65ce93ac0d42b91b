"""The monthly circular and the half-year summary as a PDF: what tracking.services.circular
gathered, with a chart of the colours, one line per project and, for a half-year, what was done."""

from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from projects.pdf.fonts import chinese_font
from tracking.pdf.common import FILL, GRID, TINT, WIDTH, Styles, axis, build, made_words, mark
from tracking.services.circular import COLOURS, NONE, Circular, PeriodKind, Row, colour_words


def _colour_bars(circular: Circular, words: dict[str, str], font: str) -> Drawing:
    """Projects by colour as of the period's end."""
    drawing = Drawing(115 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 9 * mm, 98 * mm, 42 * mm
    keys = (*COLOURS, NONE)
    chart.data = [tuple(circular.counts[k] for k in keys)]
    chart.categoryAxis.categoryNames = [words[k] for k in keys]
    axis(chart, font, max(circular.counts.values()))
    for index, key in enumerate(keys):
        chart.bars[(0, index)].fillColor = FILL[key]
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(
        String(
            0,
            57 * mm,
            _("Projects by colour, as of %(day)s")
            % {"day": formats.date_format(circular.as_of, "DATE_FORMAT")},
            fontName=font,
            fontSize=10,
        )
    )
    return drawing


def _monthly_bars(circular: Circular, words: dict[str, str], font: str) -> Drawing:
    """Each month's red, yellow and green projects, as of the month's last day."""
    drawing = Drawing(140 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 9 * mm, 100 * mm, 42 * mm
    chart.data = [tuple(m.counts[c] for m in circular.months) for c in COLOURS]
    chart.categoryAxis.categoryNames = [m.label for m in circular.months]
    axis(chart, font, max((max(m.counts.values()) for m in circular.months), default=0))
    for index, key in enumerate(COLOURS):
        chart.bars[index].fillColor = FILL[key]
    chart.groupSpacing = 6
    chart.barSpacing = 1
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 116 * mm, 48 * mm
    legend.fontName = font
    legend.fontSize = 9
    legend.dx = legend.dy = 8
    legend.deltay = 12
    legend.alignment = "right"
    legend.colorNamePairs = [(FILL[c], words[c]) for c in COLOURS]
    drawing.add(legend)
    drawing.add(
        String(
            0,
            57 * mm,
            _("Colours month by month (each as of the month's last day)"),
            fontName=font,
            fontSize=10,
        )
    )
    return drawing


def _project_table(circular: Circular, words: dict[str, str], s: Styles) -> Table:
    header = [
        _("code"),
        _("project"),
        _("implementing unit"),
        _("progress"),
        _("schedule progress"),
        _("colour"),
        _("reasons"),
    ]
    rows: list[list[Flowable]] = [[Paragraph(escape(h), s.cell) for h in header]]
    style = list(GRID)
    for number, row in enumerate(circular.rows, start=1):
        rows.append(_project_cells(row, words, s))
        if row.colour:
            style.append(("BACKGROUND", (5, number), (5, number), TINT[row.colour]))
    if not circular.rows:
        rows.append([Paragraph(escape(_("No project in this period.")), s.cell)] + [""] * 6)
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(
        rows,
        colWidths=[24 * mm, 52 * mm, 34 * mm, 17 * mm, 17 * mm, 22 * mm, WIDTH - 166 * mm],
        repeatRows=1,
    )
    table.setStyle(TableStyle(style))
    return table


def _project_cells(row: Row, words: dict[str, str], s: Styles) -> list[Flowable]:
    colour = mark(row.colour, words)
    if row.colour is None:
        colour += f"<br/>{escape(row.status)}"
    if row.urgent:
        colour += f"<br/>{escape(_('Urgent (绿色通道)'))}"
    return [
        Paragraph(escape(row.code), s.cell),
        Paragraph(escape(row.title), s.cell),
        Paragraph(escape(row.unit or "—"), s.cell),
        Paragraph(f"{row.progress:g}%", s.cell),
        Paragraph(f"{row.expected:g}%", s.cell),
        Paragraph(colour, s.cell),
        Paragraph("<br/>".join(escape(r) for r in row.reasons) or "—", s.cell),
    ]


def _work_table(circular: Circular, s: Styles) -> Table:
    """The half-year's milestones reached and follow-up tasks, project by project."""
    header = [
        _("code"),
        _("project"),
        _("milestones done in the period"),
        _("tasks opened"),
        _("tasks closed"),
    ]
    rows: list[list[Flowable | str]] = [[Paragraph(escape(h), s.cell) for h in header]]
    for row in circular.rows:
        done = "<br/>".join(
            f"{escape(m.title)}（{escape(formats.date_format(m.done, 'DATE_FORMAT'))}）"
            for m in row.milestones_done
        )
        rows.append(
            [
                Paragraph(escape(row.code), s.cell),
                Paragraph(escape(row.title), s.cell),
                Paragraph(done or "—", s.cell),
                Paragraph(str(row.tasks_opened), s.cell),
                Paragraph(str(row.tasks_closed), s.cell),
            ]
        )
    table = Table(
        rows, colWidths=[24 * mm, 60 * mm, WIDTH - 140 * mm, 28 * mm, 28 * mm], repeatRows=1
    )
    table.setStyle(TableStyle(GRID))
    return table


def _summary(circular: Circular, words: dict[str, str]) -> str:
    parts = [f"{mark(key, words)} <b>{circular.counts[key]}</b>" for key in (*COLOURS, NONE)]
    return (
        escape(
            ngettext("%(n)d project:", "%(n)d projects:", circular.total) % {"n": circular.total}
        )
        + " "
        + "　·　".join(parts)
    )


def circular_pdf(circular: Circular) -> bytes:
    font = chinese_font()
    s = Styles(font)
    words = colour_words()
    as_of = formats.date_format(circular.as_of, "DATE_FORMAT")
    facts = _("As of %(day)s; colours count only what was known that day.") % {"day": as_of}
    if circular.running:
        facts += " " + _("The period is not over yet: the figures are today's.")
    half = circular.period.kind == PeriodKind.HALF
    charts: Flowable = _colour_bars(circular, words, font)
    if half:
        charts = Table(
            [[charts, _monthly_bars(circular, words, font)]],
            colWidths=[120 * mm, WIDTH - 120 * mm],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
            hAlign="LEFT",
        )
    story: list[Flowable] = [
        Paragraph(escape(circular.body), s.title),
        Paragraph(escape(circular.title), s.title),
        Spacer(1, 3 * mm),
        Paragraph(escape(facts), s.text),
        Paragraph(_summary(circular, words), s.text),
        Spacer(1, 2 * mm),
        charts,
        Spacer(1, 3 * mm),
        Paragraph(escape(_("Projects")), s.heading),
        _project_table(circular, words, s),
    ]
    if half:
        story += [
            Spacer(1, 5 * mm),
            Paragraph(escape(_("Milestones and follow-up tasks in the period")), s.heading),
            _work_table(circular, s),
        ]
    footer = f"{circular.body} · {circular.title} · {made_words(circular.made_at)}"
    return build(story, title=f"{circular.body} {circular.title}", footer=footer, font=font)
