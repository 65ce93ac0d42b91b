"""A project's three ledgers in the work area: congress staff keep them; readers follow them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, ask_first, confirmed
from projects.models import Body
from tracking.ledger_forms import CloseForm, EntryForm
from tracking.models import GroupMember, Ledger, LedgerEntry, TrackedProject
from tracking.services.ledgers import (
    is_overdue,
    ledger_entry_add,
    ledger_entry_close,
    ledger_entry_reopen,
)
from tracking.services.updates import may_report


@dataclass(frozen=True)
class LedgerView:
    ledger: str
    label: str
    entries: list[LedgerEntry]
    open: int
    overdue: set[int]  # pks of open entries past their due day


def _may_read(user: User, access: Access, project: TrackedProject) -> bool:
    """Staff, auditors and stations; the project's own unit; its supervision group."""
    return (
        access.has_work_area
        or may_report(user, project)
        or GroupMember.objects.filter(project=project, representative__user=user).exists()
    )


def _project(
    request: AuthenticatedHttpRequest, body: str, code: str
) -> tuple[Access, TrackedProject]:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    project = get_object_or_404(TrackedProject, body=access.body, code=code)
    require(_may_read(request.user, access, project))
    return access, project


def _entry(access: Access, project: TrackedProject, pk: int) -> LedgerEntry:
    require(access.is_congress_staff)
    return get_object_or_404(LedgerEntry, pk=pk, project=project)


def _back(project: TrackedProject, entry: LedgerEntry | None = None) -> str:
    url = reverse("ledgers", kwargs={"body": project.body.slug, "code": project.code})
    return f"{url}#entry-{entry.pk}" if entry else url


def _ledgers(project: TrackedProject) -> list[LedgerView]:
    today = timezone.localdate()
    entries = list(project.ledger_entries.all())
    views = []
    for ledger in Ledger:
        mine = [e for e in entries if e.ledger == ledger]
        # Open entries first, soonest due first; then the closed, the latest closing first.
        opened = sorted(
            (e for e in mine if e.closed_at is None),
            key=lambda e: (e.due is None, e.due or today, e.created_at),
        )
        closed = sorted(
            (e for e in mine if e.closed_at is not None),
            key=lambda e: e.closed_at or e.created_at,
            reverse=True,
        )
        views.append(
            LedgerView(
                ledger=ledger.value,
                label=str(ledger.label),
                entries=opened + closed,
                open=len(opened),
                overdue={e.pk for e in opened if is_overdue(e, today)},
            )
        )
    return views


def _page(
    request: AuthenticatedHttpRequest,
    access: Access,
    project: TrackedProject,
    **context: object,
) -> HttpResponse:
    page: dict[str, object] = {
        "access": access,
        "body": access.body,
        "project": project,
        "may_see_list": access.has_work_area or may_report(request.user, project),
        **context,
    }
    form = context.get("form") or context.get("close_form")
    status = 400 if form is not None and getattr(form, "errors", None) else 200
    return render(request, "tracking/ledgers.html", page, status=status)


@login_required
def ledgers(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """The three ledgers; congress staff add an entry with the form under them."""
    access, project = _project(request, body, code)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        initial={"ledger": request.GET.get("ledger", Ledger.PROBLEM)},
    )
    if request.method == "POST":
        require(access.is_congress_staff)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = ledger_entry_add(
                    project=project,
                    actor=request.user,
                    ledger=data["ledger"],
                    text=data["text"],
                    owner=data["owner"],
                    due=data["due"],
                )
            except Refused as refused:
                form.add_error(None, refused.detail)
            else:
                messages.success(
                    request,
                    _("Added to the %(ledger)s.") % {"ledger": entry.get_ledger_display()},
                )
                return redirect(_back(project, entry))
    return _page(
        request,
        access,
        project,
        ledgers=_ledgers(project),
        form=form if access.is_congress_staff else None,
    )


@login_required
def ledger_close(request: AuthenticatedHttpRequest, body: str, code: str, pk: int) -> HttpResponse:
    """Asks for the outcome and says what closing does; only the confirmed form closes."""
    access, project = _project(request, body, code)
    entry = _entry(access, project, pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not confirmed(request):
            return ask_first(request)
        if form.is_valid():
            try:
                ledger_entry_close(
                    entry=entry, actor=request.user, outcome=form.cleaned_data["outcome"]
                )
            except Refused as refused:
                form.add_error(
                    "outcome" if refused.code == "outcome_required" else None, refused.detail
                )
            else:
                messages.success(request, _("The entry is closed with its outcome."))
                return redirect(_back(project, entry))
    return _page(
        request,
        access,
        project,
        closing=entry,
        overdue=is_overdue(entry, timezone.localdate()),
        close_form=form,
    )


@login_required
@require_POST
def ledger_reopen(request: AuthenticatedHttpRequest, body: str, code: str, pk: int) -> HttpResponse:
    """Undoes a closing made by mistake; the log keeps the outcome it had."""
    access, project = _project(request, body, code)
    entry = _entry(access, project, pk)
    try:
        ledger_entry_reopen(entry=entry, actor=request.user)
    except Refused as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(
            request, _("The entry is open again; the outcome it had stays in the action log.")
        )
    return redirect(_back(project, entry))
