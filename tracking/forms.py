"""Forms of implementation tracking: shapes and wording; the rules are tracking.services'."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput, within_size
from projects.validation import PlainTextForm, multi_line_text
from tracking.models import TrackedProject


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; each checked for size here, for content by the service."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [
            within_size(super(PhotosField, self).clean(u, initial), settings.ATTACHMENT_MAX_BYTES)
            for u in uploads
        ]


class UpdateForm(PlainTextForm, forms.Form):
    on = forms.DateField(label=_("as of"), widget=DateInput, initial=timezone.localdate)
    progress = forms.DecimalField(
        label=_("progress (%)"), min_value=0, max_value=100, decimal_places=2
    )
    milestones = forms.MultipleChoiceField(
        label=_("milestones reached"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    spent_wan = forms.DecimalField(
        label=_("spent to date (10,000 yuan)"), required=False, min_value=0, decimal_places=2
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[multi_line_text],
    )
    photos = PhotosField(
        label=_("photos"),
        required=False,
        widget=PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Up to 6 photos of the site (JPEG, PNG or WebP); location data is removed."),
    )

    def __init__(self, *args: Any, project: TrackedProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["milestones"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (m.code, f"{m.title}（{m.planned:%Y-%m-%d}）")
            for m in project.milestones.filter(done__isnull=True)
        ]


class ReviewForm(PlainTextForm, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve and publish")), ("return", _("Send back"))],
        widget=forms.RadioSelect,
        label=_("decision"),
    )
    reason = forms.CharField(
        label=_("reason (when sent back)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
