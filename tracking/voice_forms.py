"""Forms of the public's voice (码上评 / 码上提) and of the staff who answer it: shapes and wording;
the rules are tracking.services.ratings' and tracking.services.reports'."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from projects.forms import within_size
from projects.validation import PlainTextForm
from tracking.models import ReportState
from tracking.rules.ratings import COMMENT_MAX, STARS
from tracking.services.ratings import CODE_DIGITS, REASON_MAX
from tracking.services.reports import ANSWER_MAX, ANSWER_STATES, TEXT_MAX

MOBILE = re.compile(r"\A1[3-9]\d{9}\Z")  # a mainland mobile number, 11 digits


class RatingForm(PlainTextForm, forms.Form):
    stars = forms.TypedChoiceField(
        label=_("stars"),
        choices=[(n, str(n)) for n in reversed(STARS)],  # five first: the CSS lays them out 1..5
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    comment = forms.CharField(
        label=_("comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text=_("At most 500 characters. It is shown on this page without your name."),
    )


class PhoneRatingForm(RatingForm):
    """Where the congress has residents prove a phone number: the number, then its code."""

    phone = forms.CharField(
        label=_("mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only to send the code; it is not stored and not shown."),
    )
    code = forms.CharField(
        label=_("code from the text message"),
        required=False,
        max_length=CODE_DIGITS,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )

    def __init__(self, *args: Any, needs_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code

    def clean_phone(self) -> str:
        number = re.sub(r"[\s\-()]", "", self.cleaned_data["phone"])
        number = re.sub(r"\A(\+?86)(?=1\d{10}\Z)", "", number)
        if not MOBILE.fullmatch(number):
            raise forms.ValidationError(
                _("Enter an 11-digit mainland mobile number, such as 13812345678."),
                code="bad_phone",
            )
        return number

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code", "")).strip()
        if self.needs_code and not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
            raise forms.ValidationError(
                _("Enter the 6-digit code from the text message."), code="bad_code"
            )
        return code


class PhotoField(forms.FileField):
    """One photo, checked for size here and for content (Pillow) by the service."""

    def clean(self, data: Any, initial: Any = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        return within_size(upload, settings.ATTACHMENT_MAX_BYTES) if upload else None


class ReportForm(PlainTextForm, forms.Form):
    text = forms.CharField(
        label=_("what is the problem?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        error_messages={"required": _("Describe the problem: the text is required.")},
        help_text=_("At most 2,000 characters. Say where, and what you saw."),
    )
    photo = PhotoField(
        label=_("photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP; location data is removed."),
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("reference number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "P-7K3M-9XQ2", "autocapitalize": "characters"}
        ),
    )


class HideForm(PlainTextForm, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=REASON_MAX,
        help_text=_("Kept in the staff action log; the public page says the comment was hidden."),
    )


class AnswerForm(PlainTextForm, forms.Form):
    state = forms.ChoiceField(
        label=_("what becomes of the report"),
        choices=[(s.value, s.label) for s in ANSWER_STATES],
        widget=forms.RadioSelect,
        initial=ReportState.ANSWERED,
    )
    answer = forms.CharField(
        label=_("answer to the resident"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
