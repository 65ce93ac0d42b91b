"""Forms for residents' suggestions: filing one, and staff adopting or declining it."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from projects.models import Category
from projects.services_suggestions import MAX_ANSWER, MAX_TEXT
from projects.validation import PlainTextForm


class SuggestionForm(PlainTextForm, forms.Form):
    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": str(MAX_TEXT)}),
        help_text=_("What should be done, where, and for whom. At most 2,000 characters."),
        error_messages={"required": _("Write your suggestion first.")},
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown to the station's staff as who raised it; never on a public page."),
    )
    contact = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("Only the station's staff see it, to ask you about your suggestion."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 -]{4,28}$",
                _("Give a phone number in digits (spaces and dashes allowed), or leave it empty."),
            )
        ],
    )


class AdoptForm(PlainTextForm, forms.Form):
    """What a candidate needs that a resident does not write: a short name and a category."""

    name = forms.CharField(label=_("project name"), max_length=120)
    category = forms.ChoiceField(label=_("category"), choices=[("", "—"), *Category.choices])
    answer = forms.CharField(
        label=_("Answer to the resident (optional)"),
        max_length=MAX_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(PlainTextForm, forms.Form):
    answer = forms.CharField(
        label=_("Answer to the resident"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident reads it under the reference number: say why, plainly."),
        error_messages={"required": _("Write the answer the resident will read.")},
    )
