"""The staff action log, for auditors and staff: read it, check its chain, download it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from projects.access import access_for, require
from projects.action_log import action_label, log_problems
from projects.http import AuthenticatedHttpRequest
from projects.models import ActionEntry, Body
from projects.rules.chain import entry_bytes


@login_required
def action_log(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    entries = ActionEntry.objects.filter(body=access.body).order_by("-seq")[:500]
    return render(
        request,
        "projects/action_log.html",
        {
            "access": access,
            "body": access.body,
            "entries": [(entry, action_label(entry.action)) for entry in entries],
            "problems": log_problems(access.body),
        },
    )


@login_required
def action_log_download(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """One canonical JSON line per entry: what an auditor rehashes to check the chain."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    entries = ActionEntry.objects.filter(body=access.body).order_by("seq")
    lines = b"".join(entry_bytes(e.as_chain_entry()) + b"\n" for e in entries)
    response = HttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="actions-{body}.jsonl"'
    return response
