"""The ratings settings form: the floor in stars, the least number of ratings, phone ratings."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracking.models import SupervisionPolicy
from tracking.rules import ratings as rules


class VoiceSettingsForm(forms.Form):
    rating_floor = forms.DecimalField(
        label=_("low rating: average below"),
        help_text=_("In stars, 1 to 5, one decimal at most."),
        min_value=Decimal(1),
        max_value=Decimal(5),
        max_digits=3,
        decimal_places=1,
    )
    rating_min_count = forms.IntegerField(
        label=_("low rating: with at least this many ratings"),
        help_text=_("So that two unhappy ratings alone do not raise a task."),
        min_value=1,
        max_value=10_000,
    )
    phone_ratings = forms.BooleanField(
        label=_("residents rate with a phone number and a one-time code (needs an SMS backend)"),
        required=False,
    )

    @classmethod
    def initial_for(cls, stored: SupervisionPolicy | None) -> dict[str, Any]:
        if stored is None:
            return {
                "rating_floor": Decimal(str(rules.FLOOR)),
                "rating_min_count": rules.MIN_COUNT,
                "phone_ratings": False,
            }
        return {
            "rating_floor": stored.rating_floor.normalize(),
            "rating_min_count": stored.rating_min_count,
            "phone_ratings": stored.phone_ratings,
        }
