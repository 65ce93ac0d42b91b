"""Forms of the three ledgers: shapes and wording; the rules are tracking.services.ledgers'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput
from projects.validation import PlainTextForm
from tracking.models import Ledger


class EntryForm(PlainTextForm, forms.Form):
    ledger = forms.ChoiceField(label=_("ledger"), choices=Ledger.choices)
    text = forms.CharField(
        label=_("entry"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.CharField(
        label=_("owner"),
        required=False,
        max_length=120,
        help_text=_("The unit or person who must act on it."),
    )
    due = forms.DateField(label=_("due"), required=False, widget=DateInput)


class CloseForm(PlainTextForm, forms.Form):
    outcome = forms.CharField(
        label=_("outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done and what came of it; everyone who reads the ledger sees it."),
    )
