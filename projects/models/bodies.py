"""Congresses (人大), their liaison stations, and who holds which role in which body."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City")  # 设区的市
    COUNTY = "county", _("County")  # 县/区
    TOWNSHIP = "township", _("Township")  # 乡镇


class Body(models.Model):
    """One people's congress; every station, role, session and project belongs to exactly one."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    # A round opens only with at least this share of the roster present: two thirds unless set.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0)
                & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="body_quorum_is_a_fraction",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def quorum(self, seats: int) -> int:
        """The fewest present representatives that make a quorum of these seats."""
        return -(-seats * self.quorum_numerator // self.quorum_denominator)


class Station(models.Model):
    """A representative liaison station (代表联络站), where residents raise projects."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="stations")
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="station_name_unique_in_body")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CONGRESS_STAFF = "congress_staff", _("Congress staff")
    STATION_STAFF = "station_staff", _("Station staff")
    REPRESENTATIVE = "representative", _("Representative")
    IMPLEMENTING_UNIT = "implementing_unit", _("Implementing unit")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """A user's role in one body; station staff are bound to one station of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    unit_name = models.CharField(_("unit"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body", "role", "station"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(role="station_staff", station__isnull=False)
                | (~Q(role="station_staff") & Q(station__isnull=True)),
                name="membership_station_iff_station_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.body}"


class Representative(models.Model):
    """A seated representative (人大代表) of a body; the roster of a session is drawn from these."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="representatives")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=60)
    station = models.ForeignKey(
        Station, on_delete=models.SET_NULL, null=True, blank=True, related_name="representatives"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representative",
    )
    active = models.BooleanField(_("seated"), default=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["body", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="representative_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
