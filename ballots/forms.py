from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ballots.credentials import normalize
from ballots.models import Secrecy
from ballots.session_file import CODE
from projects.forms import within_size
from projects.validation import PlainTextForm


class SessionForm(PlainTextForm, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    rules_text = forms.CharField(
        label=_("voting rules (票决办法)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    roster = forms.FileField(
        label=_("roster (.xlsx: 代表编号, 姓名)"),
        required=False,
        help_text=_("Leave empty to seat every representative of this congress."),
    )

    def clean_roster(self) -> UploadedFile | None:
        roster: UploadedFile | None = self.cleaned_data["roster"]
        return roster and within_size(roster, settings.IMPORT_MAX_BYTES)


class SessionFileForm(forms.Form):
    file = forms.FileField(label=_("session file (.json)"))


class RoundForm(PlainTextForm, forms.Form):
    year = forms.TypedChoiceField(label=_("candidate list of"), coerce=int)
    secrecy = forms.ChoiceField(label=_("voting"), choices=Secrecy.choices, initial=Secrecy.SECRET)
    to_select = forms.IntegerField(
        label=_("places to fill"), min_value=1, max_value=999, required=False
    )
    max_yes = forms.IntegerField(
        label=_("most “for” marks per ballot"), min_value=1, max_value=999, required=False
    )
    code = forms.RegexField(
        label=_("round code"),
        regex=CODE,
        required=False,
        help_text=_("Letters, digits, - and _; left empty, one is made up."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    serial = forms.IntegerField(label=_("card number"), min_value=1)


class CardCodeForm(PlainTextForm, forms.Form):
    code = forms.CharField(label=_("card code"), max_length=40)

    def clean_code(self) -> str:
        """Full-width, spaced or dashed as typed: reduced to the code itself."""
        return normalize(self.cleaned_data["code"])
