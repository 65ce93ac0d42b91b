"""Candidate livelihood projects, where they came from, and every step they took."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models.bodies import Body, Station
from projects.rules.lifecycle import Stage


class Status(models.TextChoices):
    DRAFT = Stage.DRAFT.value, _("Draft")
    SUBMITTED = Stage.SUBMITTED.value, _("Submitted")
    SCREENED = Stage.SCREENED.value, _("Screened")
    CANDIDATE = Stage.CANDIDATE.value, _("Candidate")
    REJECTED = Stage.REJECTED.value, _("Rejected")
    MERGED = Stage.MERGED.value, _("Merged")
    RESERVE = Stage.RESERVE.value, _("Reserve pool")
    SELECTED = Stage.SELECTED.value, _("Selected")


class Category(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment and training")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health care")
    SOCIAL_SECURITY = "social_security", _("Social security")
    ENVIRONMENT = "environment", _("Environment")
    HOUSING = "housing", _("Housing")
    TRANSPORT = "transport", _("Transport")
    CULTURE = "culture", _("Culture")
    ELDERLY = "elderly", _("Elderly care")
    SAFETY = "safety", _("Public safety")
    URBAN = "urban", _("Urban management")
    RELIEF = "relief", _("Poverty relief")
    RURAL = "rural", _("Rural development")


class Criterion(models.TextChoices):
    """Screening criteria (初审依据), recorded with every screening decision."""

    WISHES = "wishes", _("Residents' wishes")
    NECESSITY = "necessity", _("Necessity")
    FEASIBILITY = "feasibility", _("Feasibility")
    FISCAL = "fiscal", _("Fiscal capacity")
    LAND = "land", _("Land")
    ENVIRONMENT = "environment", _("Environmental impact")
    SAFETY = "safety", _("Safety")
    BURDEN = "burden", _("Adds burdens on residents or firms")
    DEBT = "debt", _("Creates debt risk")
    MANDATED = "mandated", _("Already mandated from above")
    DUPLICATE = "duplicate", _("Duplicate of another proposal")


class SourceKind(models.TextChoices):
    RESIDENT = "resident", _("Residents")  # 群众建议
    REPRESENTATIVE = "representative", _("Representative")  # 代表建议
    DEPARTMENT = "department", _("Department")  # 部门提出


class Candidate(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("congress")
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("liaison station"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("project name"), max_length=120)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    background = models.TextField(_("background"), blank=True)
    content = models.TextField(_("content"))
    implementing_unit = models.CharField(_("implementing unit"), max_length=120, blank=True)
    investment_wan = models.DecimalField(
        _("investment (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_source = models.CharField(_("funding source"), max_length=120, blank=True)
    feasibility = models.TextField(_("feasibility notes"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    list_position = models.PositiveIntegerField(_("position on the list"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")
        ordering = ["body", "year", "list_position", "id"]
        indexes = [models.Index(fields=["body", "year", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="candidate_point_complete",
                violation_error_message=_(
                    "Latitude and longitude go together: fill in both, or leave both empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="candidate_merged_iff_target",
            ),
            models.CheckConstraint(
                condition=Q(investment_wan__isnull=True) | Q(investment_wan__gte=0),
                name="candidate_investment_not_negative",
                violation_error_message=_("The investment cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_points(self) -> list[dict[str, object]]:
        """What the map script draws (json_script), as plain numbers."""
        if self.latitude is None or self.longitude is None:
            return []
        return [{"lat": float(self.latitude), "lng": float(self.longitude), "label": self.name}]


class CandidateSource(models.Model):
    """Who raised a project, when and where (来源); merging keeps every one of them."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("raised by"), max_length=16, choices=SourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    raised_on = models.DateField(_("raised on"))
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("liaison station"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    merged_from = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"


class Transition(models.Model):
    """One recorded step in a candidate's life: who moved it, when, and why. Never edited."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    # None: the product itself acted (a vote's result moving candidates to selected or not).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(auto_now_add=True)
    criterion = models.CharField(max_length=16, choices=Criterion.choices, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never reuses the uploader's file name, which may hold any characters.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    candidate = instance.candidate
    return f"attachments/{candidate.body_id}/{candidate.pk}/{instance.token}.{suffix}"


class Attachment(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CandidateList(models.Model):
    """A body's candidate list for one year; once published (公示) it is public and frozen."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="candidate_lists")
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("candidate list")
        verbose_name_plural = _("candidate lists")
        ordering = ["body", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="candidate_list_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
