"""Residents' suggestions for next year's projects, filed from a station's QR code (群众提)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.bodies import Station
from projects.models.candidates import Candidate


class SuggestionState(models.TextChoices):
    NEW = "new", _("New")
    ADOPTED = "adopted", _("Became a candidate")
    DECLINED = "declined", _("Declined")


class Suggestion(models.Model):
    """One suggestion in its station's inbox; staff turn it into a candidate with the resident kept
    as its source, or decline it with a reason the resident can read under the reference."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="suggestions")
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    text = models.TextField(_("suggestion"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    contact = models.CharField(_("phone"), max_length=30, blank=True)  # staff only, never public
    state = models.CharField(
        _("state"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.NEW
    )
    answer = models.TextField(_("answer"), blank=True)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference
