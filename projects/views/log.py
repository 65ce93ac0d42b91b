"""The staff action log, for auditors and staff: read it, check its chain and anchors, download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from projects.access import access_for, require
from projects.action_log import action_label, log_anchors, log_lines, log_problems
from projects.http import AuthenticatedHttpRequest
from projects.models import ActionEntry, Body


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
            "anchored": len(log_anchors(access.body)),
        },
    )


@login_required
def action_log_download(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """One canonical JSON line per entry: what an auditor rehashes to check the chain, and checks
    against a bundle's anchor (`python -m ballots.verify R1.zip --key … --log actions-….jsonl`)."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    response = HttpResponse(
        log_lines(access.body), content_type="application/x-ndjson; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="actions-{body}.jsonl"'
    return response
