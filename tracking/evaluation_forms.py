"""Forms of the evaluation (满意度测评): building a round, closing a project, an explanation."""

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ballots.models import Session
from ballots.session_file import CODE
from projects.validation import PlainTextForm
from tracking.services.evaluation import EXPLANATION_MAX, Choice

VERIFICATION_MAX = 1000


class SessionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.title} · {formats.date_format(obj.date, 'DATE_FORMAT')}"


class EvaluationBuildForm(PlainTextForm, forms.Form):
    session = SessionChoice(label=_("session"), queryset=Session.objects.none(), empty_label=None)
    year = forms.IntegerField(widget=forms.HiddenInput)
    projects = forms.MultipleChoiceField(
        label=_("projects to evaluate"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one project to evaluate.")},
    )
    code = forms.RegexField(
        label=_("round code"),
        regex=CODE,
        required=False,
        help_text=_("Letters, digits, - and _; left empty, one is made up."),
    )

    def __init__(
        self, *args: Any, sessions: list[Session], choices: list[Choice], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by(
            "-date", "code"
        )
        projects = self.fields["projects"]
        assert isinstance(projects, forms.MultipleChoiceField)
        projects.choices = [(c.project.code, c.project.title) for c in choices]


class ProjectCloseForm(PlainTextForm, forms.Form):
    verification = forms.CharField(
        label=_("how the rectification was verified"),
        max_length=VERIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who checked what, and when: the site visit, the acceptance, the report…"),
    )


class ExplanationForm(PlainTextForm, forms.Form):
    explanation = forms.CharField(
        label=_("explanation and completion measures"),
        max_length=EXPLANATION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why the project is unfinished or being rectified, and what will be done by when. "
            "It is public on the project's page; leave it empty to take it down."
        ),
    )
