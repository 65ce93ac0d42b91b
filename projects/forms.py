"""Forms: input shape and wording of errors. Business rules stay in services."""

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from projects.models import Candidate, CandidateSource, Category, Criterion, Station, Status
from projects.validation import MAX_TEXT_CHARS, PlainTextForm

# What may be attached, told apart by the first bytes and not by the name alone.
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
}


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO whatever the language's date format, or the
    browser drops it and a form shown again (or one with a default) comes up empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%d")


def within_size(upload: UploadedFile, limit: int) -> UploadedFile:
    """The upload, if no larger than the limit: checked before anything reads it into memory."""
    if (upload.size or 0) > limit:
        raise forms.ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
        )
    return upload


class CandidateForm(PlainTextForm, forms.ModelForm[Candidate]):
    class Meta:
        model = Candidate
        fields = [
            "name",
            "category",
            "year",
            "station",
            "background",
            "content",
            "implementing_unit",
            "investment_wan",
            "funding_source",
            "feasibility",
            "planned_completion",
            "address",
            "latitude",
            "longitude",
        ]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "feasibility": forms.Textarea(attrs={"rows": 3}),
            "planned_completion": DateInput(format="%Y-%m-%d"),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "data-map-lat": ""}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "data-map-lng": ""}),
        }

    def __init__(self, *args: Any, stations: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations  # type: ignore[attr-defined]
        self.fields["station"].empty_label = None  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["station"]  # a filed candidate stays with its station
        for name in ("background", "content", "feasibility"):
            # No longer than an imported cell may be, so every candidate exports whole and
            # imports again (Excel cuts a cell at 32,767 characters).
            field = self.fields[name]
            assert isinstance(field, forms.CharField)
            field.max_length = MAX_TEXT_CHARS
            field.validators.append(MaxLengthValidator(MAX_TEXT_CHARS))
            field.widget.attrs["maxlength"] = str(MAX_TEXT_CHARS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(
                _("Give both latitude and longitude, or neither (click the map to set both).")
            )
        return data


class SourceForm(PlainTextForm, forms.ModelForm[CandidateSource]):
    class Meta:
        model = CandidateSource
        fields = ["kind", "name", "raised_on", "note"]
        widgets = {"raised_on": DateInput(format="%Y-%m-%d")}


class MoveForm(PlainTextForm, forms.Form):
    target = forms.ChoiceField(label=_("decision"), choices=Status.choices)
    criterion = forms.ChoiceField(
        label=_("screening criterion"),
        choices=[("", "—"), *Criterion.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class MergeForm(PlainTextForm, forms.Form):
    into = forms.ModelChoiceField(label=_("merge into"), queryset=Candidate.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=2000)

    def __init__(self, *args: Any, choices: QuerySet[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = choices  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))

    def clean_file(self) -> UploadedFile:
        upload = within_size(self.cleaned_data["file"], settings.ATTACHMENT_MAX_BYTES)
        suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
        kind = ATTACHMENT_TYPES.get(suffix)
        if kind is None:
            raise forms.ValidationError(_("Only JPEG, PNG and PDF files can be attached."))
        head = upload.read(16)
        upload.seek(0)
        content_type, magics = kind
        if not any(head.startswith(magic) for magic in magics):
            raise forms.ValidationError(
                _("The file's content is not a %(kind)s file, whatever its name says."),
                params={"kind": suffix.upper()},
            )
        upload.content_type = content_type
        return upload


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limits as they are set, said before anyone uploads a file they would refuse.
        self.fields["file"].help_text = _("At most %(size)s and %(rows)d data rows per file.") % {
            "size": filesizeformat(settings.IMPORT_MAX_BYTES),
            "rows": settings.IMPORT_MAX_ROWS,
        }

    def clean_file(self) -> UploadedFile:
        return within_size(self.cleaned_data["file"], settings.IMPORT_MAX_BYTES)


class PublicFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)
    category = forms.ChoiceField(
        label=_("category"), choices=[("", _("All")), *Category.choices], required=False
    )
    station = forms.TypedChoiceField(label=_("station"), coerce=int, required=False)

    def __init__(
        self, *args: Any, years: list[int], stations: QuerySet[Station], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["station"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((s.pk, s.name) for s in stations),
        ]


class LogFilterForm(forms.Form):
    """The action log narrowed to one kind of action and a span of days (北京时间)."""

    action = forms.ChoiceField(label=_("action"), required=False)
    since = forms.DateField(
        label=_("since (date)"), required=False, widget=DateInput(attrs={"class": "short"})
    )
    until = forms.DateField(
        label=_("until (date)"), required=False, widget=DateInput(attrs={"class": "short"})
    )

    def __init__(
        self, *args: Any, actions: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("All")), *(actions or [])]
