"""The evaluation (满意度测评) in the work area: congress staff build an evaluation round from the
year's projects and close (销号) rectified ones; a unit writes its explanation and measures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ballots.models import Session
from projects.access import Access, access_for, require
from projects.http import AuthenticatedHttpRequest, confirmed
from projects.models import Body
from tracking.evaluation_forms import EvaluationBuildForm, ExplanationForm, ProjectCloseForm
from tracking.models import TrackedProject
from tracking.services.evaluation import (
    CLOSABLE,
    evaluation_round_build,
    explanation_set,
    free_round_code,
    item_title,
    open_rectifications,
    project_close,
    sessions_open,
    still_open_words,
    year_choices,
)
from tracking.services.supervision import project_years
from tracking.services.updates import may_report


def _staff(request: AuthenticatedHttpRequest, body: str) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff)
    return access


def _project(access: Access, code: str) -> TrackedProject:
    return get_object_or_404(
        TrackedProject.objects.select_related("body", "parent", "evaluated_in"),
        body=access.body,
        code=code,
    )


def _year(raw: str, years: list[int], sessions: list[Session]) -> int | None:
    """The year asked for; else the year before the next session's; else the latest."""
    if raw.isascii() and raw.isdigit() and int(raw) in years:
        return int(raw)
    if sessions and sessions[0].date.year - 1 in years:
        return sessions[0].date.year - 1
    return years[0] if years else None


@login_required
def evaluation_build(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Tick the year's projects, confirm, and the session has an evaluation round naming them."""
    access = _staff(request, body)
    sessions = sessions_open(access.body.pk)
    years = project_years(access.body)
    year = _year(request.POST.get("year") or request.GET.get("year", ""), years, sessions)
    choices = year_choices(access.body.pk, year) if year is not None else []
    form = EvaluationBuildForm(
        request.POST or None,
        sessions=sessions,
        choices=choices,
        initial={
            "year": year,
            "session": sessions[0] if sessions else None,
            "projects": [c.project.code for c in choices if c.ticked],
        },
    )
    if request.method == "POST" and year is not None and form.is_valid():
        data = form.cleaned_data
        session: Session = data["session"]
        ticked = set(data["projects"])
        picked = [c.project for c in choices if c.project.code in ticked]
        code = data["code"] or free_round_code(session, year)
        if confirmed(request):
            try:
                round_ = evaluation_round_build(
                    session=session,
                    year=year,
                    projects=picked,
                    code=code,
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Evaluation round %(round)s is built: issue its cards and open it.")
                    % {"round": round_.code},
                )
                return redirect("round_detail", body=body, code=round_.code)
        else:
            return render(
                request,
                "tracking/evaluation_confirm.html",
                {
                    "access": access,
                    "body": access.body,
                    "session": session,
                    "year": year,
                    "code": code,
                    "items": [item_title(p) for p in picked],
                    "hidden": [
                        ("session", str(session.pk)),
                        ("year", str(year)),
                        ("code", code),
                        *(("projects", p.code) for p in picked),
                    ],
                    "back": f"{request.path}?year={year}",
                },
            )
    closable = (
        TrackedProject.objects.filter(body=access.body, status__in=CLOSABLE)
        .select_related("evaluated_in", "parent")
        .order_by("-status", "-year", "code")  # rectifying first
    )
    return render(
        request,
        "tracking/evaluation_build.html",
        {
            "access": access,
            "body": access.body,
            "form": form,
            "year": year,
            "years": years,
            "choices": choices,
            "sessions": sessions,
            "ticked": set(form["projects"].value() or []),
            "closable": closable,
        },
        status=400 if form.errors else 200,
    )


@login_required
def project_close_view(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """销号: asked first, with how the rectification was verified; the project is then closed."""
    access = _staff(request, body)
    project = _project(access, code)
    back = reverse("evaluation_build", kwargs={"body": body})
    still_open = open_rectifications(project)
    blocked = ""
    if project.status not in CLOSABLE:
        blocked = _("Only a rectifying or completed project is closed; this one is %(status)s.") % {
            "status": project.get_status_display()
        }
    elif still_open:
        blocked = still_open_words(still_open)
    form = ProjectCloseForm(request.POST or None)
    if request.method == "POST" and not blocked and form.is_valid():
        verification = form.cleaned_data["verification"]
        if confirmed(request):
            try:
                project_close(project=project, actor=request.user, verification=verification)
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("The project is closed (销号)."))
                return redirect(back)
        else:
            return render(
                request,
                "projects/confirm.html",
                {
                    "access": access,
                    "body": access.body,
                    "heading": _("Close “%(project)s” (销号)?") % {"project": project.title},
                    "back": request.path,
                    "action": request.path,
                    "lines": [
                        _("Verified: %(how)s") % {"how": verification},
                        _(
                            "The project leaves implementation and supervision for good: its "
                            "status becomes closed on its public page and in the projects API, "
                            "and the step is kept in the staff action log."
                        ),
                    ],
                    "hidden": [("verification", verification)],
                    "button": _("Close the project (销号)"),
                },
            )
    return render(
        request,
        "tracking/evaluation_close.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "form": form,
            "blocked": blocked,
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
def project_explanation(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """The unit (or congress staff) writes why a project is unfinished or rectifying, and how
    it will be completed; public on the project's page."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    project = _project(access, code)
    require(access.is_congress_staff or may_report(request.user, project))
    form = ExplanationForm(request.POST or None, initial={"explanation": project.explanation})
    if request.method == "POST" and form.is_valid():
        try:
            explanation_set(
                project=project, actor=request.user, text=form.cleaned_data["explanation"]
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Saved: the explanation is public on the project's page."))
            return redirect("project_explanation", body=body, code=code)
    return render(
        request,
        "tracking/evaluation_explanation.html",
        {"access": access, "body": access.body, "project": project, "form": form},
        status=400 if form.errors else 200,
    )
