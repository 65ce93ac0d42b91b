"""The monthly circular and the half-year summary (每月一通报、半年一总结) for congress staff and
auditors: a page to pick the period, and the PDF itself."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest
from projects.models import Body
from tracking.pdf.circular import circular_pdf
from tracking.services.circular import (
    Period,
    circular_data,
    half_period,
    last_month,
    month_period,
    period_parse,
)

RECENT_MONTHS = 12
RECENT_HALVES = 4


def _access(request: AuthenticatedHttpRequest, body: str) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    return access


def _recent(today: datetime.date) -> tuple[list[Period], list[Period]]:
    """The latest months and halves, this one first (its figures are today's)."""
    months, year, month = [], today.year, today.month
    for _n in range(RECENT_MONTHS):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    halves, year, half = [], today.year, 1 if today.month <= 6 else 2
    for _n in range(RECENT_HALVES):
        halves.append(half_period(year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return months, halves


def _page(
    request: AuthenticatedHttpRequest, access: Access, error: str = "", status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    months, halves = _recent(today)
    return render(
        request,
        "tracking/circulars.html",
        {
            "access": access,
            "body": access.body,
            "months": months,
            "halves": halves,
            "this_month": months[0].param,
            "last_month": last_month(today).param,
            "today": today,
            "error": error,
        },
        status=status,
    )


@login_required
def circulars(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    return _page(request, _access(request, body))


@login_required
def circular(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """?month=YYYY-MM or ?half=YYYY-1|YYYY-2; neither: the last month that is over."""
    access = _access(request, body)
    month, half = request.GET.get("month", ""), request.GET.get("half", "")
    try:
        if month or half:
            period = period_parse(month=month, half=half)
        else:
            period = last_month(timezone.localdate())
    except Refused as refused:
        return _page(request, access, error=refused.detail, status=400)
    pdf = circular_pdf(circular_data(body=access.body, period=period))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"circular-{access.body.slug}-{period.param}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
