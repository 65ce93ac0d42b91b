"""The year's report (年度报告) of a congress: a public page and its PDF, public once the year's
evaluation has closed; before that congress staff, stations and auditors see a marked preview and
everyone else a 404. The charts are plain SVG drawn from numbers computed here (no script)."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from projects.access import access_for
from projects.models import Body
from tracking.pdf.annual import PALETTE, annual_pdf
from tracking.rules.annual import Counts, UnitTrend, rate_axis
from tracking.services.annual import (
    AnnualReport,
    ProjectRow,
    annual_data,
    public_report_years,
    report_years,
)

DASHES = ("", "4 2", "1 2")  # past ten units the palette repeats with another dash
# The line chart's box, in SVG units: small enough that its text is legible on a phone.
W, H = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 10, 26


@dataclass(frozen=True)
class Segment:
    points: str  # "x,y x,y …" for a polyline


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    stroke: str
    dash: str
    segments: list[Segment]
    dots: list[Dot]


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]
    overall: Line | None


@dataclass(frozen=True)
class Bar:
    """One stacked bar of shares (percent of valid ballots): satisfied, basically, the rest."""

    code: str
    title: str
    counts: Counts | None
    satisfied: Decimal
    basically: Decimal
    dissatisfied: Decimal
    other: Decimal  # abstained or left unmarked

    @property
    def basically_at(self) -> Decimal:
        return self.satisfied

    @property
    def dissatisfied_at(self) -> Decimal:
        return self.satisfied + self.basically

    @property
    def other_at(self) -> Decimal:
        return self.satisfied + self.basically + self.dissatisfied


def bar(code: str, title: str, counts: Counts | None) -> Bar:
    if counts is None or not counts.valid:
        zero = Decimal("0.0")
        return Bar(code, title, None, zero, zero, zero, zero)
    s = counts.share(counts.satisfied)
    b = counts.share(counts.basically_satisfied)
    d = counts.share(counts.dissatisfied)
    # The rest by subtraction, so the four always fill the bar exactly despite rounding.
    return Bar(code, title, counts, s, b, d, max(Decimal(0), Decimal(100) - s - b - d))


def satisfaction_bars(projects: list[ProjectRow]) -> list[Bar]:
    """Evaluated projects by rate, highest first; the others after them, by code."""
    bars = [bar(p.code, p.title, p.satisfaction if p.evaluated else None) for p in projects]
    return sorted(
        bars,
        key=lambda b: (b.counts is None, -(b.counts.percent or 0) if b.counts else 0, b.code),
    )


def stroke_of(index: int) -> tuple[str, str]:
    return PALETTE[index % len(PALETTE)], DASHES[(index // len(PALETTE)) % len(DASHES)]


def line_chart(
    years: list[int], trends: list[UnitTrend], overall: list[tuple[int, Counts | None]]
) -> LineChart:
    values = [
        c.percent for t in trends for _y, c in t.points if c is not None and c.percent is not None
    ] + [c.percent for _y, c in overall if c is not None and c.percent is not None]
    low, high, step = rate_axis(values)
    right, bottom = W - RIGHT, H - BOTTOM
    span = max(1, len(years) - 1)

    def x(index: int) -> float:
        if len(years) == 1:
            return round((LEFT + right) / 2, 1)
        return round(LEFT + (right - LEFT) * index / span, 1)

    def y(rate: Decimal) -> float:
        return round(bottom - (bottom - TOP) * float(rate - low) / (high - low), 1)

    def line(name: str, points: list[tuple[int, Counts | None]], stroke: str, dash: str) -> Line:
        segments: list[list[str]] = [[]]
        dots = []
        for index, (_year, counts) in enumerate(points):
            rate = counts.percent if counts is not None else None
            if rate is None:
                segments.append([])  # a year without a rate breaks the line
                continue
            segments[-1].append(f"{x(index)},{y(rate)}")
            dots.append(Dot(x(index), y(rate), f"{name} {years[index]}: {rate}%"))
        # A lone year is a dot only: a one-point polyline draws nothing.
        runs = [Segment(" ".join(s)) for s in segments if len(s) > 1]
        return Line(name, stroke, dash, runs, dots)

    return LineChart(
        width=W,
        height=H,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        x_ticks=[Tick(x(i), str(year)) for i, year in enumerate(years)],
        y_ticks=[Tick(y(Decimal(v)), f"{v}%") for v in range(low, high + 1, step)],
        lines=[line(t.unit, list(t.points), *stroke_of(i)) for i, t in enumerate(trends)],
        overall=line("", overall, "#1d2733", "5 3") if any(c for _y, c in overall) else None,
    )


def _report(request: HttpRequest, body: str, year: int) -> tuple[AnnualReport, bool]:
    """The report, and whether the person sees it as staff before it is public; 404 when the
    year has no project, or for anyone but staff before the year's evaluation has closed."""
    the_body = get_object_or_404(Body, slug=body)
    report = annual_data(body=the_body, year=year)
    staff = access_for(request.user, the_body).has_work_area
    if not report.projects or not (report.public or staff):
        raise Http404
    return report, staff


def annual_report(request: HttpRequest, body: str, year: int) -> HttpResponse:
    report, staff = _report(request, body, year)
    years = report_years(report.body) if staff else public_report_years(report.body)
    colours = {t.unit: stroke_of(i) for i, t in enumerate(report.trends)}
    return render(
        request,
        "tracking/annual_report.html",
        {
            "body": report.body,
            "report": report,
            "staff": staff,
            "years": years,
            "bars": satisfaction_bars(report.projects),
            "overall": bar("", "", report.overall if report.evaluated else None),
            "chart": line_chart(report.years, report.trends, report.overall_trend),
            "ranking": [(r, *colours[r.trend.unit]) for r in report.ranking],
        },
    )


def annual_report_pdf(request: HttpRequest, body: str, year: int) -> HttpResponse:
    report, _staff = _report(request, body, year)
    response = HttpResponse(annual_pdf(report), content_type="application/pdf")
    name = f"annual-report-{report.body.slug}-{report.year}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def annual_report_latest(request: HttpRequest, body: str) -> HttpResponse:
    """The latest year the person may read: the public's latest public report; staff's latest
    year with projects (perhaps a preview)."""
    the_body = get_object_or_404(Body, slug=body)
    staff = access_for(request.user, the_body).has_work_area
    years = report_years(the_body) if staff else public_report_years(the_body)
    if not years:
        raise Http404
    return redirect("annual_report", body=the_body.slug, year=years[0])
