"""The year's report as a PDF: what tracking.services.annual gathered, with the satisfaction of
each project as stacked bars, one line per project, and each unit's trend as a line chart beside
the units' ranking. A preview (the year's evaluation still open) says so on every page."""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from projects.pdf.fonts import chinese_font
from tracking.pdf.common import GRID, WIDTH, Styles, build, made_words
from tracking.rules.annual import Counts, rate_axis
from tracking.services.annual import AnnualReport, ProjectRow, grade_words

# The page's colours for satisfied, basically satisfied, dissatisfied, abstained or unmarked.
SHARES = ("#2e8b57", "#9ccc65", "#c0564b", "#c8ced6")
# The units' lines, on the page and on paper: distinct, and apart for the common colour
# blindnesses (Tableau 10).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
WARN = colors.HexColor("#fbe9e7")


def _share_words() -> list[str]:
    return [_("Satisfied"), _("Basically satisfied"), _("Dissatisfied"), _("Abstained or unmarked")]


def _rate(counts: Counts | None) -> str:
    if counts is None or counts.percent is None:
        return "—"
    return f"{counts.percent}%"


def _shares(counts: Counts | None) -> tuple[float, float, float, float]:
    if counts is None or not counts.valid:
        return 0.0, 0.0, 0.0, 0.0
    s, b, d = (
        counts.share(counts.satisfied),
        counts.share(counts.basically_satisfied),
        counts.share(counts.dissatisfied),
    )
    return float(s), float(b), float(d), float(max(Decimal(0), 100 - s - b - d))


def _short(text: str, size: int = 12) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _satisfaction_bars(report: AnnualReport, font: str) -> Drawing:
    """Each evaluated project's ballots as shares of 100%, highest rate on top."""
    rows = sorted(
        (p for p in report.projects if p.evaluated),
        key=lambda p: (p.satisfaction.percent if p.satisfaction else 0, p.code),
    )  # drawn bottom-up, so the highest ends on top
    height = max(30, 8 * len(rows) + 22) * mm
    drawing = Drawing(WIDTH, height)
    drawing.add(
        String(
            0,
            height - 5 * mm,
            _("Satisfaction of each project: shares of the valid ballots"),
            fontName=font,
            fontSize=10,
        )
    )
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 14 * mm
    chart.width, chart.height = WIDTH - 110 * mm, height - 24 * mm
    shares = [_shares(p.satisfaction) for p in rows] or [(0.0, 0.0, 0.0, 0.0)]
    chart.data = [tuple(s[n] for s in shares) for n in range(4)]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [
        f"{_short(p.title)}  {_rate(p.satisfaction)}" for p in rows
    ] or [_("not evaluated yet")]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.bars.strokeColor = None
    for index, hex_ in enumerate(SHARES):
        chart.bars[index].fillColor = colors.HexColor(hex_)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 44 * mm, height - 12 * mm
    legend.columnMaximum = len(SHARES)
    legend.fontName = font
    legend.fontSize = 8.5
    legend.dx = legend.dy = 7
    legend.deltay = 11
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(h), w) for h, w in zip(SHARES, _share_words(), strict=True)
    ]
    drawing.add(legend)
    return drawing


def _trend_lines(report: AnnualReport, font: str) -> Drawing:
    """Each unit's rate year by year; a year without a rate breaks its line."""
    drawing = Drawing(150 * mm, 88 * mm)
    drawing.add(
        String(
            0,
            83 * mm,
            _("Satisfaction by implementing unit, year by year"),
            fontName=font,
            fontSize=10,
        )
    )
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 10 * mm, 92 * mm, 66 * mm
    data: list[list[tuple[float, float]]] = []
    styles: list[tuple[str, bool]] = []
    series = [
        (t.unit, list(t.points), PALETTE[i % len(PALETTE)], False)
        for i, t in enumerate(report.trends)
    ]
    series.append((_("All projects"), report.overall_trend, "#1d2733", True))
    for _unit, points, hex_, dashed in series:
        run: list[tuple[float, float]] = []
        for year, counts in [*points, (0, None)]:
            if counts is not None and counts.percent is not None:
                run.append((float(year), float(counts.percent)))
            elif run:
                data.append(run)
                styles.append((hex_, dashed))
                run = []
    if not data:
        data, styles = [[(float(report.year), 0.0)]], [("#ffffff", False)]
    plot.data = data
    for index, (hex_, dashed) in enumerate(styles):
        plot.lines[index].strokeColor = colors.HexColor(hex_)
        plot.lines[index].strokeWidth = 2.2 if dashed else 1.6
        plot.lines[index].symbol = makeMarker("FilledCircle", size=6)
        plot.lines[index].symbol.fillColor = colors.HexColor(hex_)
        if dashed:
            plot.lines[index].strokeDashArray = (4, 2)
    low, high, step = rate_axis(Decimal(str(y)) for run in data for _x, y in run)
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = low, high, step
    plot.yValueAxis.labelTextFormat = "%d%%"
    first, last = report.years[0], report.years[-1]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first - 0.5, last + 0.5
    plot.xValueAxis.valueSteps = [float(y) for y in report.years]
    plot.xValueAxis.labelTextFormat = "%d"
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 8
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = 112 * mm, 76 * mm
    legend.columnMaximum = len(series)
    legend.fontName = font
    legend.fontSize = 8
    legend.dx, legend.dy = 8, 3
    legend.deltay = 10
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(hex_), _short(name, 10)) for name, _p, hex_, _d in series
    ]
    drawing.add(legend)
    return drawing


def _money(value: Decimal | None) -> str:
    """In 10,000 yuan as the page writes it: 90, 120.5 (no trailing zeros)."""
    return "—" if value is None else format(value.normalize(), "f")


def _spending_cell(row: ProjectRow) -> str:
    money = row.spending
    if money.spent is None:
        words = escape(_("no spending reported"))
        if money.budget is not None:
            words += "<br/>" + escape(
                _("budget %(budget)s × 10,000 yuan") % {"budget": _money(money.budget)}
            )
        return words
    budget = _money(money.budget)
    spent = _money(money.spent)
    words = _("%(spent)s of %(budget)s × 10,000 yuan") % {"spent": spent, "budget": budget}
    if money.share is not None:
        words += f" ({money.share}%)"
    if row.spent_on is not None:
        words += "<br/>" + escape(
            _("as of %(day)s") % {"day": formats.date_format(row.spent_on, "DATE_FORMAT")}
        )
    return words


def _grade_cell(row: ProjectRow) -> str:
    parts = [escape(row.grade_words)] if row.grade_words else ([] if row.sub_grades else ["—"])
    parts += [f"{escape(_short(g.title, 8))}：{escape(g.grade_words)}" for g in row.sub_grades]
    if row.later_grade_words:
        parts.append(escape(_("later: %(grade)s") % {"grade": row.later_grade_words}))
    return "<br/>".join(parts)


def _rating_cell(row: ProjectRow) -> str:
    if row.rating_average is None:
        return escape(_("no rating"))
    return escape(
        ngettext("%(avg)s★ (%(n)d rating)", "%(avg)s★ (%(n)d ratings)", row.rating_count)
        % {"avg": row.rating_average, "n": row.rating_count}
    )


def _project_table(report: AnnualReport, s: Styles) -> Table:
    header = [
        _("code"),
        _("project"),
        _("implementing unit"),
        pgettext("annual report column", "outcome"),
        _("spending"),
        _("completion against plan"),
        _("colour history"),
        _("public rating"),
        _("evaluation grade"),
        _("satisfaction rate"),
    ]
    rows: list[list[Flowable]] = [[Paragraph(escape(h), s.cell) for h in header]]
    for row in report.projects:
        planned = formats.date_format(row.planned, "DATE_FORMAT") if row.planned else "—"
        rows.append(
            [
                Paragraph(escape(row.code), s.cell),
                Paragraph(escape(row.title), s.cell),
                Paragraph(escape(row.unit or "—"), s.cell),
                Paragraph(escape(row.status_words), s.cell),
                Paragraph(_spending_cell(row), s.cell),
                Paragraph(
                    escape(row.completion_words)
                    + "<br/>"
                    + escape(_("planned %(day)s") % {"day": planned}),
                    s.cell,
                ),
                Paragraph(escape(row.colour_words), s.cell),
                Paragraph(_rating_cell(row), s.cell),
                Paragraph(_grade_cell(row), s.cell),
                Paragraph(
                    _rate(row.satisfaction)
                    + (
                        f"<br/>{row.satisfaction.content}/{row.satisfaction.valid}"
                        if row.satisfaction
                        else ""
                    ),
                    s.cell,
                ),
            ]
        )
    widths = [18, 44, 26, 17, 30, 33, 37, 20, 22, 0]
    widths[-1] = int(WIDTH / mm) - sum(widths)
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle(GRID))
    return table


def _ranking_table(report: AnnualReport, s: Styles) -> Table:
    header = [
        pgettext("annual report column", "rank"),
        _("implementing unit"),
        *[str(y) for y in report.years],
        pgettext("annual report column", "change (points)"),
    ]
    rows: list[list[Flowable]] = [[Paragraph(escape(h), s.cell) for h in header]]
    for ranked in report.ranking:
        change = "—" if ranked.change is None else f"{ranked.change:+}"
        rows.append(
            [
                Paragraph(str(ranked.rank or "—"), s.cell),
                Paragraph(escape(ranked.trend.unit), s.cell),
                *[Paragraph(_rate(c), s.cell) for _y, c in ranked.trend.points],
                Paragraph(change, s.cell),
            ]
        )
    if not report.ranking:
        rows.append(
            [Paragraph(escape(_("No unit has an evaluated project yet.")), s.cell)]
            + [Paragraph("", s.cell)] * (len(header) - 1)
        )
    years = len(report.years)
    table = Table(
        rows,
        colWidths=[14 * mm, 70 * mm, *[22 * mm] * years, 30 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    style = list(GRID)
    if not report.ranking:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    return table


def _summary(report: AnnualReport) -> str:
    overall = report.overall
    parts = [
        ngettext("%(n)d project", "%(n)d projects", len(report.projects))
        % {"n": len(report.projects)}
    ]
    if report.evaluated:
        parts.append(
            _(
                "satisfaction rate %(rate)s%% (%(content)d satisfied or basically satisfied of "
                "%(valid)d valid ballots)"
            )
            % {"rate": overall.percent, "content": overall.content, "valid": overall.valid}
        )
        parts += [f"{grade_words(g)} {n}" for g, n in report.grade_counts.items()]
    else:
        parts.append(_("not evaluated yet"))
    return "　·　".join(escape(p) for p in parts)


def _rounds(report: AnnualReport) -> str:
    if not report.rounds:
        return _("No evaluation round names this year's projects yet.")
    words = []
    for r in report.rounds:
        when = (
            formats.date_format(timezone.localtime(r.closed_at), "DATE_FORMAT")
            if r.closed_at
            else r.status_words
        )
        words.append(f"{r.session} · {r.code}（{when}）")
    return _("Evaluation: %(rounds)s") % {"rounds": "；".join(words)}


def annual_pdf(report: AnnualReport) -> bytes:
    font = chinese_font()
    s = Styles(font)
    as_of = formats.date_format(report.as_of, "DATE_FORMAT")
    story: list[Flowable] = [
        Paragraph(escape(report.body.name), s.title),
        Paragraph(escape(report.title), s.title),
        Spacer(1, 3 * mm),
    ]
    if not report.public:
        banner = Table(
            [[Paragraph(escape(_preview_words()), s.text)]],
            colWidths=[WIDTH],
            style=[
                ("BACKGROUND", (0, 0), (-1, -1), WARN),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#c0564b")),
            ],
        )
        story += [banner, Spacer(1, 2 * mm)]
    story += [
        Paragraph(
            escape(_("Figures as of %(day)s.") % {"day": as_of}) + " " + escape(_rounds(report)),
            s.text,
        ),
        Paragraph(_summary(report), s.text),
        Spacer(1, 2 * mm),
        _satisfaction_bars(report, font),
        Paragraph(escape(_valid_words()), s.small),
        Spacer(1, 3 * mm),
        Paragraph(escape(_("Projects")), s.heading),
        _project_table(report, s),
        Spacer(1, 5 * mm),
        Paragraph(
            escape(
                _("Implementing units, ranked by %(year)d's satisfaction rate")
                % {"year": report.ranking_year}
            ),
            s.heading,
        ),
        _trend_lines(report, font),
        Spacer(1, 2 * mm),
        _ranking_table(report, s),
    ]
    footer = f"{report.body.name} · {report.title} · {made_words(report.made_at)}"
    if not report.public:
        footer = f"{_('PREVIEW')} · {footer}"
    return build(story, title=f"{report.body.name} {report.title}", footer=footer, font=font)


def _preview_words() -> str:
    return _(
        "PREVIEW for staff: this report is not public yet. It becomes public when the year's "
        "evaluation round has closed; until then its figures may change."
    )


def _valid_words() -> str:
    return _(
        "Satisfaction rate = (satisfied + basically satisfied) ÷ valid ballots. Every ballot "
        "cast in an evaluation round is valid; an abstention or an item left unmarked counts "
        "as a valid ballot that is not satisfied."
    )
