"""Forms of supervision: the congress's warning policy, closing and editing a task, the group."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput
from projects.models import Representative
from projects.validation import PlainTextForm
from tracking.models import PolicyKind, SupervisionPolicy, TrackedProject
from tracking.rules import colours
from tracking.services.supervision import MAX_WARN_DAYS, OUTCOME_LENGTH


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("warning policy"), choices=PolicyKind.choices, widget=forms.RadioSelect
    )
    warn_days = forms.IntegerField(
        label=_("warning days (N)"),
        required=False,
        min_value=1,
        max_value=MAX_WARN_DAYS,
        help_text=_(
            "By deadlines: yellow when a milestone or the completion is due within N days."
        ),
    )
    yellow = forms.DecimalField(
        label=_("yellow from (points behind)"),
        required=False,
        help_text=_("By progress: one decimal at most, above 0."),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
    )
    red = forms.DecimalField(
        label=_("red beyond (points behind)"),
        required=False,
        help_text=_("By progress: at least the yellow threshold, at most 100."),
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
    )

    @classmethod
    def initial_for(cls, stored: SupervisionPolicy | None) -> dict[str, Any]:
        """The form as the congress's policy stands (the defaults when none is set)."""
        if stored is None:
            return {
                "kind": PolicyKind.DEADLINE,
                "warn_days": colours.WARN_DAYS,
                "yellow": Decimal(str(colours.YELLOW)),
                "red": Decimal(str(colours.RED)),
            }
        return {
            "kind": stored.policy_kind or PolicyKind.DEADLINE,
            "warn_days": stored.warn_days,
            "yellow": stored.yellow.normalize(),
            "red": stored.red.normalize(),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        missing = data.get("warn_days") is None and "warn_days" not in self.errors
        if kind == PolicyKind.DEADLINE and missing:
            self.add_error("warn_days", _("Give the warning window in days (1 to 365)."))
        if kind == PolicyKind.PROGRESS:
            yellow, red = data.get("yellow"), data.get("red")
            for name, value in (("yellow", yellow), ("red", red)):
                if value is None and name not in self.errors:
                    self.add_error(name, _("Give this threshold in points behind schedule."))
            if yellow is not None and yellow <= 0:
                self.add_error("yellow", _("Yellow must start above 0 points behind."))
            elif yellow is not None and red is not None and red < yellow:
                self.add_error("red", _("Red cannot start before yellow: make it at least yellow."))
        return data

    def policy(self) -> colours.Policy:
        data = self.cleaned_data
        if data["kind"] == PolicyKind.PROGRESS:
            return colours.ProgressPolicy(yellow=data["yellow"], red=data["red"])
        return colours.DeadlinePolicy(warn_days=data["warn_days"])


class TaskCloseForm(PlainTextForm, forms.Form):
    outcome = forms.CharField(
        label=_("outcome"),
        max_length=OUTCOME_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What came of it: the report heard and its conclusions, the visit made…"),
    )


class TaskEditForm(PlainTextForm, forms.Form):
    owner = forms.CharField(label=_("owner"), max_length=120)
    due = forms.DateField(label=_("due"), widget=DateInput)


class RepresentativeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Representative) -> str:
        station = f" · {obj.station.name}" if obj.station else ""
        return f"{obj.name}（{obj.code}）{station}"


class GroupAddForm(forms.Form):
    representative = RepresentativeChoice(
        label=_("representative"), queryset=Representative.objects.none()
    )
    leads = forms.BooleanField(label=_("group leader"), required=False)

    def __init__(self, *args: Any, project: TrackedProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["representative"]
        assert isinstance(field, RepresentativeChoice)
        roster: QuerySet[Representative] = (
            Representative.objects.filter(body_id=project.body_id, active=True)
            .exclude(supervised__project=project)
            .select_related("station")
            .order_by("code")
        )
        field.queryset = roster
