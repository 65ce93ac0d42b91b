"""Excel import and export of candidates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from projects.access import access_for, require
from projects.excel import ImportProblem, ImportRefused, export_candidates, import_candidates
from projects.forms import ImportForm
from projects.http import AuthenticatedHttpRequest
from projects.models import Body
from projects.selectors import work_candidates

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def candidates_export(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.has_work_area)
    try:
        year = int(request.GET.get("year", "")) or None
    except ValueError:
        year = None
    rows = work_candidates(access, year=year).prefetch_related("sources")
    blank = request.GET.get("template") == "1"  # just the header row, to fill in and import
    response = HttpResponse(export_candidates([] if blank else list(rows)), content_type=XLSX)
    name = f"candidates-{access.body.slug}-{year or 'all'}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def candidates_import(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff or access.is_station_staff)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []  # every one, of every row: nothing was imported
    if request.method == "POST" and form.is_valid():
        try:
            created = import_candidates(
                access=access,
                actor=request.user,
                content=form.cleaned_data["file"].read(),
            )
        except ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, _("%(n)d candidates imported as drafts.") % {"n": created})
            return redirect("candidate_index", body=body)
    status = 400 if problems or form.errors else 200
    return render(
        request,
        "projects/import.html",
        {"access": access, "body": access.body, "form": form, "problems": problems},
        status=status,
    )
