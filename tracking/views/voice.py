"""The public's voice on a project's page: 码上评 (stars and a comment), 码上提 (a problem report
with a photo, and its status by reference number); and the staff's side: the ratings list (hide
an abusive comment) and the reports list (answer a report)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, ask_first, confirmed
from tracking.models import GroupMember, ProblemReport, Rating, TrackedProject
from tracking.rules.ratings import period_of
from tracking.services.ratings import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_AGE,
    LOOKUP,
    device_rater,
    device_token_new,
    hidden_comments,
    phone_code_rater,
    phone_code_send,
    phone_ratings,
    rating_comment_hide,
    rating_submit,
    rating_summary,
    recent_comments,
    throttle_hit,
    too_many,
)
from tracking.services.reports import (
    problem_report_answer,
    problem_report_submit,
    reference_normalised,
)
from tracking.services.updates import may_report
from tracking.voice_forms import (
    AnswerForm,
    HideForm,
    PhoneRatingForm,
    RatingForm,
    ReferenceForm,
    ReportForm,
)

LIST_LENGTH = 500  # ratings or reports on a staff list; more is a sign to filter, not to scroll


# -- the public side -------------------------------------------------------------------------


def _public_project(code: str) -> TrackedProject:
    """Only a project with a public page (not a sub-item) is rated or takes reports."""
    return get_object_or_404(
        TrackedProject.objects.select_related("body"), code=code, parent__isnull=True
    )


def _address(request: HttpRequest) -> str:
    """The client's address (uvicorn's --proxy-headers puts the proxy's X-Forwarded-For here)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _may_follow(user: User | AnonymousUser, project: TrackedProject) -> Access | None:
    """Staff, stations and auditors of the congress, the project's unit and its group follow
    what residents say about it (the same readers as its ledgers)."""
    if not user.is_authenticated:
        return None
    access = access_for(user, project.body)
    if (
        access.has_work_area
        or may_report(user, project)
        or GroupMember.objects.filter(project=project, representative__user=user).exists()
    ):
        return access
    return None


def _rating_form(project: TrackedProject, data: Any = None, **kwargs: Any) -> RatingForm:
    if phone_ratings(project):
        return PhoneRatingForm(data, **kwargs)
    return RatingForm(data)


def _mine(request: HttpRequest, project: TrackedProject, form: RatingForm) -> Rating | None:
    """This browser's own current rating, so the resident sees that a new one replaces it."""
    cookie = request.COOKIES.get(DEVICE_COOKIE)
    if cookie is None or isinstance(form, PhoneRatingForm):
        return None
    try:
        rater = device_rater(cookie)
    except Refused:
        return None
    return Rating.objects.filter(
        project=project, period=period_of(project.year), rater=rater
    ).first()


def voice_context(request: HttpRequest, project: TrackedProject) -> dict[str, Any]:
    """What the project page shows of its ratings and offers for rating and reporting."""
    form = _rating_form(project)
    return {
        "rating": rating_summary(project),
        "comments": recent_comments(project),
        "hidden_comments": hidden_comments(project),
        "my_rating": _mine(request, project, form),
        "rating_form": form,
        "report_form": ReportForm(),
        "reference_form": ReferenceForm(),
        "voice_access": _may_follow(request.user, project),
    }


def _set_device_cookie(response: HttpResponse, token: str = "") -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token or device_token_new(),
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SECURE_COOKIES,
        httponly=True,
        samesite="Lax",
    )


def with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Hands a browser without a valid device token a new one (its ratings' rater)."""
    cookie = request.COOKIES.get(DEVICE_COOKIE)
    try:
        valid = cookie is not None and bool(device_rater(cookie))
    except Refused:
        valid = False
    if not valid:
        _set_device_cookie(response)
    return response


def _rate_page(
    request: HttpRequest,
    project: TrackedProject,
    form: RatingForm,
    *,
    status: int,
    error: str = "",
    code_sent: bool = False,
) -> HttpResponse:
    return render(
        request,
        "tracking/voice_rate.html",
        {"project": project, "form": form, "error": error, "code_sent": code_sent},
        status=status,
    )


@require_POST
def project_rate(request: HttpRequest, code: str) -> HttpResponse:
    """Stores a rating, replacing the rater's earlier one; by phone code where the congress asks."""
    project = _public_project(code)
    sending_code = request.POST.get("action") == "code"
    form = _rating_form(project, request.POST, needs_code=not sending_code)
    wait = throttle_hit(_address(request))
    if wait is not None:
        return _rate_page(request, project, form, status=429, error=too_many(wait))
    fresh = ""
    rater = ""
    if not isinstance(form, PhoneRatingForm):
        cookie = request.COOKIES.get(DEVICE_COOKIE)
        if cookie is None:  # no token yet (cookies just cleared): this rating's device is new
            fresh = device_token_new()
            cookie = fresh
        try:
            rater = device_rater(cookie)
        except Refused as refused:
            response = _rate_page(request, project, form, status=400, error=refused.detail)
            _set_device_cookie(response)
            return response
    if not form.is_valid():
        return _rate_page(request, project, form, status=400)
    data = form.cleaned_data
    try:
        if isinstance(form, PhoneRatingForm):
            if sending_code:
                phone_code_send(number=data["phone"])
                form = PhoneRatingForm(initial={**data, "code": ""}, needs_code=True)
                return _rate_page(request, project, form, status=200, code_sent=True)
            rater = phone_code_rater(number=data["phone"], code=data["code"])
        rated = rating_submit(
            project=project, rater=rater, stars=data["stars"], comment=data["comment"]
        )
    except Refused as refused:
        form.add_error("code" if refused.code in ("bad_code",) else None, refused.detail)
        return _rate_page(request, project, form, status=400)
    if rated.replaced:
        messages.success(request, _("Thank you. Your new rating replaces your earlier one."))
    else:
        messages.success(request, _("Thank you for your rating."))
    response = redirect(reverse("project_page", kwargs={"code": project.code}) + "#voice")
    if fresh:
        _set_device_cookie(response, fresh)
    return response


@require_POST
def problem_report_new(request: HttpRequest, code: str) -> HttpResponse:
    """Stores a report and its problems-ledger entry; the resident is shown its reference."""
    project = _public_project(code)
    form = ReportForm(request.POST, request.FILES)
    wait = throttle_hit(_address(request))
    if wait is not None:
        return _report_page(request, project, ReportForm(), status=429, error=too_many(wait))
    if form.is_valid():
        try:
            report = problem_report_submit(
                project=project, text=form.cleaned_data["text"], photo=form.cleaned_data["photo"]
            )
        except Refused as refused:
            form.add_error(None, refused.detail)
        except ValidationError as error:  # a file Pillow cannot read as a photo
            form.add_error("photo", error)
        else:
            messages.success(
                request,
                _(
                    "Your report is received. Its reference number is %(reference)s: write it "
                    "down to check its state and the answer here later."
                )
                % {"reference": report.reference},
            )
            return redirect("report_status", reference=report.reference)
    return _report_page(request, project, form, status=400)


def _report_page(
    request: HttpRequest, project: TrackedProject, form: ReportForm, *, status: int, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "tracking/voice_report.html",
        {"project": project, "form": form, "error": error},
        status=status,
    )


@require_GET
def report_lookup(request: HttpRequest) -> HttpResponse:
    """The reference typed on a project's page or here, to its status page."""
    form = ReferenceForm(request.GET or None)
    if form.is_valid():
        typed = form.cleaned_data["reference"]
        return redirect("report_status", reference=reference_normalised(typed) or typed.strip())
    return render(request, "tracking/report_status.html", {"reference_form": form})


@require_GET
def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    """A report's state and answer, for whoever holds its reference; nothing for a wrong one."""
    wait = throttle_hit(_address(request), LOOKUP)
    if wait is not None:
        return render(
            request,
            "tracking/report_status.html",
            {"error": too_many(wait), "reference_form": ReferenceForm()},
            status=429,
        )
    normalised = reference_normalised(reference)
    if normalised is not None and normalised != reference:
        return redirect("report_status", reference=normalised)
    report = (
        ProblemReport.objects.select_related("project").filter(reference=normalised).first()
        if normalised is not None
        else None
    )
    if report is None:
        return render(
            request,
            "tracking/report_status.html",
            {"missing": reference[:20], "reference_form": ReferenceForm()},
            status=404,
        )
    return render(
        request,
        "tracking/report_status.html",
        {"report": report, "reference_form": ReferenceForm()},
    )


# -- the staff's side ------------------------------------------------------------------------


def _work_project(
    request: AuthenticatedHttpRequest, body: str, code: str
) -> tuple[Access, TrackedProject]:
    project = get_object_or_404(
        TrackedProject.objects.select_related("body"), body__slug=body, code=code
    )
    access = _may_follow(request.user, project)
    require(access is not None)
    assert access is not None
    return access, project


@login_required
def project_ratings(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """The project's current ratings, latest first; congress staff hide an abusive comment."""
    access, project = _work_project(request, body, code)
    ratings = (
        Rating.objects.filter(project=project, period=period_of(project.year))
        .select_related("hidden_by")
        .order_by("-updated_at", "-pk")
    )
    return render(
        request,
        "tracking/voice_ratings.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "rating": rating_summary(project),
            "ratings": ratings[:LIST_LENGTH],
            "period": period_of(project.year),
        },
    )


@login_required
def rating_hide(request: AuthenticatedHttpRequest, body: str, code: str, pk: int) -> HttpResponse:
    """Asks for the reason and says what hiding does; only the confirmed form hides."""
    access, project = _work_project(request, body, code)
    require(access.is_congress_staff)
    rating = get_object_or_404(Rating, pk=pk, project=project)
    form = HideForm(request.POST if request.method == "POST" else None)
    back = reverse("project_ratings", kwargs={"body": body, "code": code})
    if request.method == "POST":
        if not confirmed(request):
            return ask_first(request)
        if form.is_valid():
            try:
                rating_comment_hide(
                    rating=rating, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except Refused as refused:
                form.add_error(None, refused.detail)
            else:
                messages.success(
                    request, _("The comment is hidden from the public page; its stars still count.")
                )
                return redirect(f"{back}#rating-{rating.pk}")
    return render(
        request,
        "tracking/voice_hide.html",
        {"access": access, "body": access.body, "project": project, "r": rating, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def project_reports(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """Residents' reports on the project, the newest first, each with its ledger entry."""
    access, project = _work_project(request, body, code)
    reports = project.problem_reports.select_related("entry", "answered_by").order_by(
        "-created_at", "-pk"
    )
    return render(
        request,
        "tracking/voice_reports.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "reports": reports[:LIST_LENGTH],
        },
    )


@login_required
def report_answer(request: AuthenticatedHttpRequest, body: str, code: str, pk: int) -> HttpResponse:
    """The answer the resident reads under the reference; only the confirmed form stores it."""
    access, project = _work_project(request, body, code)
    require(access.is_congress_staff)
    report = get_object_or_404(
        ProblemReport.objects.select_related("entry"), pk=pk, project=project
    )
    initial = {"answer": report.answer, "state": report.state} if report.answered_at else None
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("project_reports", kwargs={"body": body, "code": code})
    if request.method == "POST":
        if not confirmed(request):
            return ask_first(request)
        if form.is_valid():
            try:
                problem_report_answer(
                    report=report,
                    actor=request.user,
                    state=form.cleaned_data["state"],
                    answer=form.cleaned_data["answer"],
                )
            except Refused as refused:
                form.add_error(None, refused.detail)
            else:
                messages.success(
                    request,
                    _("The answer is stored; the resident reads it under %(reference)s.")
                    % {"reference": report.reference},
                )
                return redirect(f"{back}#report-{report.pk}")
    return render(
        request,
        "tracking/voice_answer.html",
        {"access": access, "body": access.body, "project": project, "report": report, "form": form},
        status=400 if form.errors else 200,
    )


def report_photo(request: HttpRequest, token: str) -> FileResponse:
    """A report's photo: for those who follow the project's reports, never the public."""
    report = get_object_or_404(
        ProblemReport.objects.select_related("project__body").exclude(photo=""), photo_token=token
    )
    if _may_follow(request.user, report.project) is None:
        raise Http404
    response = FileResponse(report.photo.open("rb"), content_type="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
