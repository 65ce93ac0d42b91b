"""Tracked projects (实施项目): the plan, its milestones, reviewed progress, colour changes, tasks.

The colour is never stored as the truth: it is computed on read by tracking.rules.colours from the
plan and the reviewed progress; `ColourChange` rows only record what the periodic sweep saw.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ballots.models import Round
from projects.models import Body, Candidate, Representative
from tracking.rules.colours import RED, WARN_DAYS, YELLOW, Colour, Status

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class ProjectStatus(models.TextChoices):
    IMPLEMENTING = Status.IMPLEMENTING.value, _("Implementing")
    PAUSED = Status.PAUSED.value, _("Paused")
    STOPPED = Status.STOPPED.value, _("Stopped")
    COMPLETED = Status.COMPLETED.value, _("Completed")
    RECTIFYING = Status.RECTIFYING.value, _("Rectifying")
    CLOSED = Status.CLOSED.value, _("Closed (销号)")


class ColourChoice(models.TextChoices):
    RED = Colour.RED.value, _("Red")
    YELLOW = Colour.YELLOW.value, _("Yellow")
    GREEN = Colour.GREEN.value, _("Green")


class GradeChoice(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")


class PolicyKind(models.TextChoices):
    DEADLINE = "deadline", _("By deadlines (overdue red, due soon yellow)")
    PROGRESS = "progress", _("By progress against schedule (序时进度)")


class PolicyFields(models.Model):
    """A warning policy: the congress's default, or a project's own (kind empty: the default)."""

    policy_kind = models.CharField(
        _("warning policy"), max_length=8, choices=PolicyKind.choices, blank=True
    )
    warn_days = models.PositiveSmallIntegerField(_("warning days (N)"), default=WARN_DAYS)
    yellow = models.DecimalField(
        _("yellow from (points behind)"), max_digits=5, decimal_places=2, default=Decimal(YELLOW)
    )
    red = models.DecimalField(
        _("red beyond (points behind)"), max_digits=5, decimal_places=2, default=Decimal(RED)
    )

    class Meta:
        abstract = True


class SupervisionPolicy(PolicyFields):
    """A congress's warning policy; with none set, the deadline policy with N = 15."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="supervision_policy")
    # A project's average below this, with at least this many ratings, raises a follow-up task.
    rating_floor = models.DecimalField(
        _("low rating: average below"), max_digits=3, decimal_places=2, default=Decimal(3)
    )
    rating_min_count = models.PositiveSmallIntegerField(
        _("low rating: with at least this many ratings"), default=10
    )
    phone_ratings = models.BooleanField(
        _("residents rate with a phone number and a one-time code (needs an SMS backend)"),
        default=False,
    )

    class Meta:
        verbose_name = _("warning policy")
        verbose_name_plural = _("warning policies")

    def __str__(self) -> str:
        return f"{self.body} · {self.policy_kind}"


class TrackedProject(PolicyFields):
    """A livelihood project under implementation: made from a selected item, or by a decision."""

    code = models.CharField(_("code"), max_length=64, unique=True)  # the contract's `id`
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="tracked_projects")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProjectStatus.choices,
        default=ProjectStatus.IMPLEMENTING,
    )
    # Where it came from: the round (and item code) that selected it; none for a decision.
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="tracked"
    )
    source_round = models.ForeignKey(
        Round, on_delete=models.PROTECT, null=True, blank=True, related_name="tracked_projects"
    )
    source_item = models.CharField(max_length=64, blank=True)
    # A sub-item (子项) has its own unit, milestones and progress; its parent's rolls up by share.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_items"
    )
    share = models.DecimalField(
        _("weight in its parent"), max_digits=8, decimal_places=3, default=Decimal(1)
    )
    unit = models.CharField(_("implementing unit"), max_length=120, blank=True)
    leader = models.CharField(_("leader in charge"), max_length=60, blank=True)
    budget_wan = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=120, blank=True)
    start = models.DateField(_("planned start"), null=True, blank=True)
    completion = models.DateField(_("planned completion"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    targets = models.TextField(_("targets"), blank=True)
    safeguards = models.TextField(_("safeguards"), blank=True)
    urgent = models.BooleanField(_("urgent (绿色通道)"), default=False)
    plan_set_at = models.DateTimeField(null=True, blank=True)  # None: no plan published yet
    # A plan being edited in the work area, as one plan-file record; public only once published.
    draft_plan = models.JSONField(null=True, blank=True)
    # The last evaluation round's grade (满意度测评) and that round; "" until evaluated.
    evaluation = models.CharField(
        _("evaluation"), max_length=20, choices=GradeChoice.choices, blank=True
    )
    evaluated_in = models.ForeignKey(
        Round, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluated_projects"
    )
    # An unfinished or rectifying project's explanation and completion measures, by its unit.
    explanation = models.TextField(_("explanation and completion measures"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracked project")
        verbose_name_plural = _("tracked projects")
        ordering = ["body", "-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(completion__isnull=True)
                | Q(start__lte=models.F("completion")),
                name="project_start_before_completion",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="project_point_complete",
            ),
            models.UniqueConstraint(
                fields=["source_round", "source_item"],
                condition=Q(source_round__isnull=False),
                name="project_once_per_selected_item",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A 时间节点 of a plan: planned date and weight; `done` records the day it was reached."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="milestones")
    code = models.CharField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    planned = models.DateField(_("planned"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    done = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="milestone_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="milestone_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class UpdateState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Reviewed and public")
    RETURNED = "returned", _("Sent back")


class ProgressUpdate(models.Model):
    """Progress as of a day. Public, and counted in the colour, only once reviewed (approved);
    staff's own entries (the progress file, the Excel import) are reviewed as they are made."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("as of"))
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    status = models.CharField(
        _("new status"), max_length=16, choices=ProjectStatus.choices, blank=True
    )
    milestones_done = models.JSONField(default=list, blank=True)  # [{"id", "done"}] as sent
    note = models.TextField(_("note"), blank=True)
    spent_wan = models.DecimalField(
        _("spent to date (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(max_length=8, choices=UpdateState.choices, default=UpdateState.PENDING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason sent back"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["project", "on", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="update_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.on} {self.progress}%"


class UpdatePhoto(models.Model):
    """A photo of an update: resized, metadata stripped, served only once the update is public."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="progress/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.caption or self.token


class ColourChange(models.Model):
    """One colour change the sweep saw (the first sweep of a project records `from` as null)."""

    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, related_name="colour_changes"
    )
    on = models.DateField()  # the day the sweep assessed
    # "" is no colour (not yet seen, or a status without one): the contract's null.
    from_colour = models.CharField(max_length=8, choices=ColourChoice.choices, blank=True)
    to_colour = models.CharField(max_length=8, choices=ColourChoice.choices, blank=True)
    reasons = models.JSONField(default=list)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.on} {self.from_colour}→{self.to_colour}"


class TrackingAction(models.TextChoices):
    PROJECTS_FROM_VOTE = "projects_from_vote", _("Selected items became tracked projects")
    PLANS_IMPORTED = "plans_imported", _("Implementation plans imported")
    PROGRESS_IMPORTED = "progress_imported", _("Progress imported")
    UPDATE_REVIEWED = "update_reviewed", _("Progress update reviewed")
    COLOURS_SWEPT = "colours_swept", _("Warning colours swept")
    PROJECT_ADDED = "project_added", _("Project added by a congress decision")
    PLAN_EDITED = "plan_edited", _("Implementation plan edited")
    PLAN_CHANGED = "plan_changed", _("Plan changed (adjusted, paused, stopped or resumed)")
    POLICY_SET = "policy_set", _("Warning policy set")
    URGENT_SET = "urgent_set", _("Urgent mark (绿色通道) set or lifted")
    GROUP_CHANGED = "group_changed", _("Supervision group changed")
    TASK_CLOSED = "task_closed", _("Supervision task closed")
    TASK_EDITED = "task_edited", _("Supervision task's owner or due date changed")
    LEDGER_ENTRY_ADDED = "ledger_entry_added", _("Ledger entry added")
    LEDGER_ENTRY_CLOSED = "ledger_entry_closed", _("Ledger entry closed")
    BOUNDARY_UPLOADED = "boundary_uploaded", _("Map boundary uploaded")
    EVALUATION_RECORDED = "evaluation_recorded", _("Evaluation grades reached their projects")
    PROJECT_CLOSED = "project_closed", _("Project closed after verified rectification (销号)")
    RATING_HIDDEN = "rating_hidden", _("A rating's comment hidden")
    REPORT_ANSWERED = "report_answered", _("A problem report answered")
    EVALUATION_ROUND_BUILT = "evaluation_round_built", _("Evaluation round built from projects")


class TaskKind(models.TextChoices):
    SPECIAL_REPORT = "special_report", _("Special report to the standing committee (专题听取汇报)")
    ON_SITE = "on_site", _("On-site supervision (现场督办)")
    LOW_RATING = "low_rating", _("Follow-up of a low public rating")


class SupervisionTask(models.Model):
    """The follow-up a new red or yellow calls for, with an owner, a due date and an outcome."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="tasks")
    change = models.OneToOneField(
        ColourChange, on_delete=models.CASCADE, null=True, blank=True, related_name="task"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=TaskKind.choices)
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    due = models.DateField(_("due"))
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.project}"


class GroupMember(models.Model):
    """A representative in a project's supervision group (监督小组)."""

    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, related_name="group_members"
    )
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="supervised"
    )
    leads = models.BooleanField(_("group leader"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "representative"], name="group_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.project}"


class Notification(models.Model):
    """A message in someone's inbox in the app (also sent by email where they have an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, null=True, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class PlanChangeKind(models.TextChoices):
    ADJUST = "adjust", _("Adjusted (调整)")
    PAUSE = "pause", _("Paused (暂缓)")
    STOP = "stop", _("Stopped (终止)")
    RESUME = "resume", _("Resumed")


class PlanChange(models.Model):
    """A decided change of plan: who decided it, when and why, and the notice the public reads."""

    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, related_name="plan_changes"
    )
    kind = models.CharField(_("change"), max_length=8, choices=PlanChangeKind.choices)
    meeting = models.CharField(_("decided by (meeting)"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))
    notice = models.TextField(_("public notice"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change of plan")
        verbose_name_plural = _("changes of plan")
        ordering = ["project", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.project}"


class Ledger(models.TextChoices):
    PROBLEM = "problem", _("Problems (问题清单)")
    RESPONSIBILITY = "responsibility", _("Responsibilities (责任清单)")
    RECTIFICATION = "rectification", _("Rectifications (整改清单)")


class LedgerEntry(models.Model):
    """One line of a project's three ledgers; open until closed with its outcome."""

    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    ledger = models.CharField(_("ledger"), max_length=16, choices=Ledger.choices)
    text = models.TextField(_("entry"))
    owner = models.CharField(_("owner"), max_length=120, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["project", "ledger", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_ledger_display()} · {self.text[:30]}"


class Boundary(models.Model):
    """The congress's area as GeoJSON, drawn on the offline map when no tile source is set."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="boundary")
    name = models.CharField(_("file name"), max_length=200, blank=True)
    geojson = models.JSONField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("map boundary")
        verbose_name_plural = _("map boundaries")

    def __str__(self) -> str:
        return f"{self.body} · {self.name}"


class Rating(models.Model):
    """A resident's 1–5 stars (码上评): one per person per project per evaluation period; a new one
    from the same person replaces it. `rater` is a keyed hash of the signed device token or the
    verified phone number, never the token or number itself."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="ratings")
    period = models.CharField(_("evaluation period"), max_length=16)
    rater = models.CharField(max_length=64)
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    hidden_reason = models.CharField(_("reason hidden"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["project", "-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period", "rater"], name="rating_once_per_person_and_period"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stars}★"


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_HAND = "in_hand", _("Being handled")
    ANSWERED = "answered", _("Answered")
    DISMISSED = "dismissed", _("Not taken up")


class ProblemReport(models.Model):
    """A resident's problem report (码上提): it enters the project's problems ledger; the resident
    keeps the reference to check its state and the answer later."""

    project = models.ForeignKey(
        TrackedProject, on_delete=models.CASCADE, related_name="problem_reports"
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    text = models.TextField(_("problem"))
    photo = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    photo_token = models.CharField(max_length=32, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    answer = models.TextField(_("answer"), blank=True)
    entry = models.OneToOneField(
        LedgerEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference
