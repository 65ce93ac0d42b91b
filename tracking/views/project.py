"""A tracked project's public page: its facts and plan, the colour today and why, progress against
the schedule, the milestones (planned and done), reviewed updates with their photos, its sub-items,
its colour history and the vote that selected it. Only reviewed data: pending or returned updates
never show, and a milestone done after today is still open."""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import access_for
from projects.pdf.qr import public_url, qr_svg
from tracking.models import ProgressUpdate, TrackedProject, UpdateState
from tracking.rules import colours
from tracking.rules.colours import MilestoneState, milestone_state, round1, warning_window
from tracking.services.assess import assess, policy_of, reasons_in_words, window, with_facts
from tracking.services.evaluation import explanation_shown
from tracking.views.ranking import rank_of
from tracking.views.voice import voice_context, with_device_cookie

TONE = {
    MilestoneState.DONE: "ok",
    MilestoneState.OVERDUE: "bad",
    MilestoneState.DUE: "warn",
    MilestoneState.UPCOMING: "",
}


def _state_words(state: MilestoneState) -> str:
    return {
        MilestoneState.DONE: _("Done"),
        MilestoneState.OVERDUE: _("Overdue"),
        MilestoneState.DUE: _("Due soon"),
        MilestoneState.UPCOMING: _("Not yet due"),
    }[state]


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    planned: datetime.date
    done: datetime.date | None  # as known today
    state: str
    words: str
    tone: str


@dataclass(frozen=True)
class SubItemRow:
    project: TrackedProject
    colour: str | None
    progress: float
    expected: float


def project_page(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    project = get_object_or_404(
        with_facts(TrackedProject.objects.select_related("body", "source_round__session")),
        code=code,
        parent__isnull=True,
    )
    assessment = assess(project, today)
    warn_days = warning_window(policy_of(project))
    milestones = []
    for m in project.milestones.all():
        done = m.done if m.done is not None and m.done <= today else None
        state = milestone_state(
            colours.Milestone(m.code, m.title, m.planned, m.weight, m.done), today, warn_days
        )
        milestones.append(
            MilestoneRow(m.title, m.planned, done, state.value, _state_words(state), TONE[state])
        )
    updates = (
        ProgressUpdate.objects.filter(project=project, state=UpdateState.APPROVED)
        .prefetch_related("photos")
        .order_by("-on", "-reviewed_at", "-pk")
    )
    sub_items = []
    for sub in with_facts(project.sub_items.order_by("code")):
        sub_assessment = assess(sub, today)
        sub_items.append(
            SubItemRow(
                sub,
                sub_assessment.colour.value if sub_assessment.colour is not None else None,
                round1(sub_assessment.progress),
                round1(sub_assessment.expected),
            )
        )
    start, completion = window(project)
    history = project.colour_changes.filter(on__lte=today).order_by("-on", "-pk")
    # 码上监督: the same address as the site sign's code, to share or print from here.
    page_url = public_url(request, reverse("project_page", kwargs={"code": project.code}))
    response = render(
        request,
        "tracking/project_page.html",
        {
            "project": project,
            "today": today,
            "colour": assessment.colour.value if assessment.colour is not None else None,
            "reasons": reasons_in_words(project, assessment),
            "progress": round1(assessment.progress),
            "expected": round1(assessment.expected),
            "rank": rank_of(project, today),  # by schedule, in its congress-year
            "start": start,
            "completion": completion,
            "milestones": milestones,
            "updates": updates,
            "sub_items": sub_items,
            "history": history,
            "round": project.source_round,
            # Plan facts only once a plan is published; a draft never shows here.
            "planned": project.plan_set_at is not None,
            "notices": project.plan_changes.order_by("-decided_on", "-pk"),
            # 码上评 / 码上提: the ratings' average and count, recent comments, the two forms.
            **voice_context(request, project),
            "page_url": page_url,
            "qr": qr_svg(page_url, _("QR code of this page")),
            "may_print_sign": access_for(request.user, project.body).is_congress_staff,
            # 满意度测评: the unit's explanation while rectifying or unfinished.
            "explanation_shown": explanation_shown(project),
        },
    )
    return with_device_cookie(request, response)  # the rater of this browser's ratings
