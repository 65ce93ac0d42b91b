"""The staff action log, for auditors and staff: read it, check its chain and anchors, download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from projects.access import access_for, require
from projects.action_log import action_choices, log_anchors, log_lines, log_problems
from projects.forms import LogFilterForm
from projects.http import AuthenticatedHttpRequest
from projects.log_rows import log_rows, utc_bound
from projects.models import ActionEntry, Body

PAGE = 200


@login_required
def action_log(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    entries = ActionEntry.objects.filter(body=access.body).order_by("-seq")
    form = LogFilterForm(request.GET or None, actions=action_choices())
    if form.is_valid():
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["since"]:
            entries = entries.filter(at__gte=utc_bound(form.cleaned_data["since"], end=False))
        if form.cleaned_data["until"]:
            entries = entries.filter(at__lte=utc_bound(form.cleaned_data["until"], end=True))
    return render(
        request,
        "projects/action_log.html",
        {
            "access": access,
            "body": access.body,
            "rows": log_rows(entries[:PAGE]),
            "form": form,
            "page": PAGE,
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
