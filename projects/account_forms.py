"""Forms for a congress's accounts and roles: shapes and wording; rules are in projects.accounts."""

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import Body, Representative, Role, Station
from projects.validation import PlainTextForm

# Which field a service refusal is about, so the message stands beside it.
FIELD_OF_REFUSAL = {
    "station_required": "station",
    "station_not_allowed": "station",
    "unit_required": "unit",
    "not_a_representative": "representative",
    "representative_has_account": "representative",
    "username_taken": "username",
    "role_held": "role",
}


class RoleForm(PlainTextForm, forms.Form):
    """One role in this congress: station staff name their station, units their unit."""

    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    station = forms.ModelChoiceField(
        label=_("liaison station"),
        queryset=Station.objects.none(),
        required=False,
        help_text=_("Only for station staff."),
    )
    unit = forms.CharField(
        label=_("implementing unit"),
        max_length=120,
        required=False,
        help_text=_("Only for implementing units, e.g. 县住建局."),
    )
    representative = forms.ModelChoiceField(
        label=_("representative"),
        queryset=Representative.objects.none(),
        required=False,
        help_text=_("For a representative: link the account to their roster entry."),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        station = self.fields["station"]
        representative = self.fields["representative"]
        assert isinstance(station, forms.ModelChoiceField)
        assert isinstance(representative, forms.ModelChoiceField)
        station.queryset = body.stations.all()
        unlinked: QuerySet[Representative] = body.representatives.filter(user__isnull=True)
        representative.queryset = unlinked


class AccountForm(RoleForm):
    """A new person of this congress, with their first role."""

    username = forms.CharField(
        label=_("user name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    full_name = forms.CharField(label=_("full name"), max_length=150)
    email = forms.EmailField(label=_("email"), required=False)

    field_order = ["username", "full_name", "email", "role", "station", "unit", "representative"]
