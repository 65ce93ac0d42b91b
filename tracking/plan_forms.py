"""Forms of the plan editor, sub-items, new projects and changes of plan: shapes and wording.

The plan's rules (dates in order, milestones within the plan, weights, policy thresholds) are the
plan file's (tracking.plan_file), checked when a draft is saved or published; these forms only
read what was typed into a plan-file record and put the rules' problems back beside the fields.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput
from projects.validation import MAX_TEXT_CHARS, PlainTextForm
from tracking.models import PlanChangeKind, PolicyKind
from tracking.plan_file import CODE, Problem
from tracking.services.plan_editor import number

MAX_MILESTONES = 100  # a plan's 时间节点: a dozen is usual
ISO_DATE = DateInput(format="%Y-%m-%d")  # a date input shows only ISO dates, whatever the locale


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class PlanForm(PlainTextForm, forms.Form):
    unit = forms.CharField(label=_("implementing unit"), max_length=120, required=False)
    leader = forms.CharField(label=_("leader in charge"), max_length=60, required=False)
    budget_wan = forms.DecimalField(label=_("budget (10,000 yuan)"), required=False)
    funding_source = forms.CharField(label=_("funding source"), max_length=120, required=False)
    start = forms.DateField(label=_("planned start"), required=False, widget=ISO_DATE)
    completion = forms.DateField(label=_("planned completion"), required=False, widget=ISO_DATE)
    lat = forms.DecimalField(label=_("Latitude"), required=False)
    lng = forms.DecimalField(label=_("Longitude"), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    targets = forms.CharField(
        label=_("targets"),
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safeguards = forms.CharField(
        label=_("safeguards"),
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(label=_("urgent (绿色通道)"), required=False)
    policy_kind = forms.ChoiceField(
        label=_("warning policy"),
        required=False,
        choices=[("", _("The congress's policy")), *PolicyKind.choices],
    )
    warn_days = forms.IntegerField(
        label=_("warning days (N)"),
        required=False,
        help_text=_("By deadlines: a milestone due within N days is yellow (15 if empty)."),
    )
    yellow = forms.DecimalField(
        label=_("yellow from (points behind)"), required=False, help_text=_("10 if empty.")
    )
    red = forms.DecimalField(
        label=_("red beyond (points behind)"), required=False, help_text=_("30 if empty.")
    )

    def record(self) -> dict[str, Any]:
        """The cleaned fields as the plan-file record's keys (and the prose the project keeps)."""
        data = self.cleaned_data
        lat, lng = data.get("lat"), data.get("lng")
        location = None
        if lat is not None or lng is not None:
            location = {"lat": number(lat), "lng": number(lng)}
        policy: dict[str, Any] | None = None
        kind = data.get("policy_kind") or ""
        if kind == PolicyKind.DEADLINE:
            policy = {"kind": "deadline"}
            if data.get("warn_days") is not None:
                policy["warn_days"] = data["warn_days"]
        elif kind == PolicyKind.PROGRESS:
            policy = {"kind": "progress"}
            for key in ("yellow", "red"):
                if data.get(key) is not None:
                    policy[key] = number(data[key])
        return {
            "unit": data.get("unit", ""),
            "leader": data.get("leader", ""),
            "budget_wan": number(data.get("budget_wan")),
            "funding_source": data.get("funding_source", ""),
            "start": _iso(data.get("start")),
            "completion": _iso(data.get("completion")),
            "location": location,
            "urgent": bool(data.get("urgent")),
            "policy": policy,
            "address": data.get("address", ""),
            "targets": data.get("targets", ""),
            "safeguards": data.get("safeguards", ""),
        }


def plan_initial(record: dict[str, Any]) -> dict[str, Any]:
    """A record (a draft, or the published plan) as the form's initial values."""
    location = record.get("location") or {}
    policy = record.get("policy") or {}
    return {
        "unit": record.get("unit") or "",
        "leader": record.get("leader") or "",
        "budget_wan": record.get("budget_wan"),
        "funding_source": record.get("funding_source") or "",
        "start": _date(record.get("start")),
        "completion": _date(record.get("completion")),
        "lat": location.get("lat") if isinstance(location, dict) else None,
        "lng": location.get("lng") if isinstance(location, dict) else None,
        "address": record.get("address") or "",
        "targets": record.get("targets") or "",
        "safeguards": record.get("safeguards") or "",
        "urgent": bool(record.get("urgent")),
        "policy_kind": policy.get("kind", "") if isinstance(policy, dict) else "",
        "warn_days": policy.get("warn_days") if isinstance(policy, dict) else None,
        "yellow": policy.get("yellow") if isinstance(policy, dict) else None,
        "red": policy.get("red") if isinstance(policy, dict) else None,
    }


class MilestoneForm(PlainTextForm, forms.Form):
    code = forms.CharField(label=_("Milestone id"), max_length=64, required=False)
    title = forms.CharField(label=_("title"), max_length=200)
    planned = forms.DateField(label=_("planned"), widget=ISO_DATE)
    weight = forms.DecimalField(label=_("weight"), initial=1)

    done: datetime.date | None = None  # the day it was reached, shown; progress sets it, not this


class BaseMilestoneFormSet(BaseFormSet[MilestoneForm]):
    def rows(self, taken: Iterable[str] = ()) -> list[tuple[int, dict[str, Any]]]:
        """(form index, milestone record) of each row kept; an empty id gets the next M<n> free
        of the rows' ids and of `taken` (the project's milestones: a removed one's done date
        must not pass to a new row)."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]
        given = {str(form.cleaned_data.get("code") or "").strip() for _i, form in kept}
        given |= set(taken)
        rows: list[tuple[int, dict[str, Any]]] = []
        n = 0
        for index, form in kept:
            data = form.cleaned_data
            code = str(data.get("code") or "").strip()
            if not code:
                n += 1
                while f"M{n}" in given:
                    n += 1
                code = f"M{n}"
                given.add(code)
            rows.append(
                (
                    index,
                    {
                        "id": code,
                        "title": data.get("title"),
                        "planned": _iso(data.get("planned")),
                        "weight": number(data.get("weight")),
                    },
                )
            )
        return rows


MilestoneFormSet = cast(
    type[BaseMilestoneFormSet],
    formset_factory(
        MilestoneForm,
        formset=BaseMilestoneFormSet,
        extra=2,
        can_delete=True,
        max_num=MAX_MILESTONES,
        validate_max=True,
    ),
)


def milestones_initial(record: dict[str, Any]) -> list[dict[str, Any]]:
    rows = record.get("milestones") or []
    return [
        {
            "code": m.get("id") or "",
            "title": m.get("title") or "",
            "planned": _date(m.get("planned")),
            "weight": m.get("weight"),
        }
        for m in rows
        if isinstance(m, dict)
    ]


def _posted(value: Any) -> str | None:
    """A value as a browser would send it; None: a checkbox left unticked (nothing sent)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def bound_data(
    initial: dict[str, Any] | list[dict[str, Any]], *, prefix: str = "", extra: int = 0
) -> dict[str, str]:
    """Initial values as the form (or the formset, with its management form) would post them:
    a stored draft is shown bound, so the plan's problems can stand beside its fields."""
    data: dict[str, str] = {}
    if isinstance(initial, dict):
        for key, value in initial.items():
            posted = _posted(value)
            if posted is not None:
                data[key] = posted
        return data
    blank = {"weight": "1"}  # an empty row as the page shows it: unchanged, so left out
    rows = [*initial, *([blank] * extra)]
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(len(initial))
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = str(MAX_MILESTONES)
    for index, row in enumerate(rows):
        for key, value in row.items():
            posted = _posted(value)
            if posted is not None:
                data[f"{prefix}-{index}-{key}"] = posted
    return data


# Where a plan-file problem belongs in the editor: its key (and the key under it) → the field.
FIELD_OF: dict[str | tuple[str, ...], str] = {
    "unit": "unit",
    "leader": "leader",
    "budget_wan": "budget_wan",
    "funding_source": "funding_source",
    "start": "start",
    "completion": "completion",
    "urgent": "urgent",
    ("location", "lat"): "lat",
    ("location", "lng"): "lng",
    "location": "lat",
    ("policy", "kind"): "policy_kind",
    ("policy", "warn_days"): "warn_days",
    ("policy", "yellow"): "yellow",
    ("policy", "red"): "red",
    "policy": "policy_kind",
}
MILESTONE_FIELD_OF: dict[str | tuple[str, ...], str] = {
    "id": "code",
    "title": "title",
    "planned": "planned",
    "weight": "weight",
}


def place_problems(
    problems: Iterable[Problem],
    form: PlanForm,
    formset: BaseMilestoneFormSet,
    rows: list[tuple[int, dict[str, Any]]],
) -> None:
    """Each of the plan rules' problems beside its field (its milestone's row), or on top."""
    for problem in problems:
        path, message = problem.path, problem.message
        rest = path[2:] if path and len(path) > 2 else ()
        if rest[:1] == ("milestones",):
            if len(rest) > 1 and isinstance(rest[1], int) and rest[1] < len(rows):
                target = formset.forms[rows[rest[1]][0]]
                name = MILESTONE_FIELD_OF.get(str(rest[2])) if len(rest) > 2 else None
                target.add_error(name, message)
            else:
                form.add_error(None, message)
            continue
        name = FIELD_OF.get(tuple(str(part) for part in rest[:2])) if len(rest) > 1 else None
        name = name or (FIELD_OF.get(str(rest[0])) if rest else None)
        form.add_error(name, message)


class SubItemForm(PlainTextForm, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    unit = forms.CharField(label=_("implementing unit"), max_length=120, required=False)
    share = forms.DecimalField(
        label=_("weight in its parent"),
        initial=Decimal(1),
        min_value=Decimal("0.001"),
        max_digits=8,
        decimal_places=3,
        help_text=_("How much this sub-item counts in the parent's progress."),
    )
    code = forms.CharField(
        label=_("code"),
        max_length=64,
        required=False,
        help_text=_("Left empty, the parent's code with a number."),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "").strip()
        if code and not CODE.fullmatch(code):
            raise forms.ValidationError(_("A code is 1–64 letters, digits, '-' or '_'."))
        return code


class ProjectNewForm(PlainTextForm, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.IntegerField(label=_("year"))
    unit = forms.CharField(label=_("implementing unit"), max_length=120, required=False)
    code = forms.CharField(
        label=_("code"),
        max_length=64,
        required=False,
        help_text=_("Left empty, one is given (the congress's code, the year and D1, D2 …)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "").strip()
        if code and not CODE.fullmatch(code):
            raise forms.ValidationError(_("A code is 1–64 letters, digits, '-' or '_'."))
        return code


class PlanChangeForm(PlainTextForm, forms.Form):
    kind = forms.ChoiceField(label=_("change"), widget=forms.RadioSelect)
    meeting = forms.CharField(
        label=_("decided by (meeting)"),
        max_length=200,
        help_text=_("For example: 镇人大主席团第5次会议."),
    )
    decided_on = forms.DateField(label=_("decided on"), widget=ISO_DATE)
    reason = forms.CharField(
        label=_("reason"), max_length=MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    notice = forms.CharField(
        label=_("public notice"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the project's public page, as the notice (公告) of the decision."),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, label) for k, label in PlanChangeKind.choices if k in kinds]
