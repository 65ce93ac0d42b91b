"""Django admin for congress staff, each seeing only the bodies they serve."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm
from django.http import HttpRequest

from projects.action_log import action_record
from projects.models import (
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    CollectionAction,
    Membership,
    Representative,
    Role,
    Station,
    Transition,
)
from projects.services import is_frozen
from projects.validation import PlainTextForm


class AdminTextForm(PlainTextForm, ModelForm):  # type: ignore[type-arg]
    """The admin's forms refuse control characters too: one stored would break every export."""


# Filters list only what the person may see (their own congresses), never other congresses' names.
OWN = admin.RelatedOnlyFieldListFilter


def _staff_body_ids(request: HttpRequest) -> list[int]:
    return list(
        Membership.objects.filter(
            user_id=request.user.pk or 0, role=Role.CONGRESS_STAFF
        ).values_list("body_id", flat=True)
    )


class BodyScopedAdmin(admin.ModelAdmin[Any]):
    """Non-superusers see and pick only rows of the bodies where they are congress staff."""

    body_path = "body"
    form = AdminTextForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.body_path}__in": _staff_body_ids(request)})

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not request.user.is_superuser:
            ids = _staff_body_ids(request)
            model = db_field.related_model
            if model is Body:
                field.queryset = Body.objects.filter(pk__in=ids)
            elif model is Station:
                field.queryset = Station.objects.filter(body__in=ids)
            elif model is Candidate:
                field.queryset = Candidate.objects.filter(body__in=ids)
        return field

    def _body_of(self, obj: Model) -> Body:
        return obj if isinstance(obj, Body) else getattr(obj, "body")  # noqa: B009

    def _record(self, request: HttpRequest, obj: Model, action: str, fields: list[str]) -> None:
        """Every change made in the admin enters the congress's action log, with who made it."""
        action_record(
            body=self._body_of(obj),
            actor=request.user if request.user.is_authenticated else None,
            action=action,
            subject=f"{obj._meta.model_name}-{obj.pk}",
            detail={"object": str(obj)[:120], "fields": sorted(fields)},
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        changed = list(form.changed_data) if change else ["(new)"]
        self._record(request, obj, CollectionAction.ADMIN_SAVED, changed)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record(request, obj, CollectionAction.ADMIN_DELETED, [])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._record(request, obj, CollectionAction.ADMIN_DELETED, [])
        super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        saved = [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
        touched = [f"{obj._meta.model_name}-{obj.pk}" for obj in saved]
        touched += [f"{obj._meta.model_name}-{obj.pk} (deleted)" for obj in formset.deleted_objects]
        if touched:
            self._record(request, form.instance, CollectionAction.ADMIN_SAVED, touched)


@admin.register(Body)
class BodyAdmin(BodyScopedAdmin):
    body_path = "pk"
    list_display = ["name", "level", "region", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "region", "slug"]


@admin.register(Station)
class StationAdmin(BodyScopedAdmin):
    list_display = ["name", "body", "address"]
    list_filter = [("body", OWN)]
    search_fields = ["name", "address"]


@admin.register(Membership)
class MembershipAdmin(BodyScopedAdmin):
    list_display = ["user", "role", "body", "station", "unit_name"]
    list_filter = ["role", ("body", OWN)]
    search_fields = ["user__username", "user__first_name", "unit_name"]
    autocomplete_fields = ["user"]


@admin.register(Representative)
class RepresentativeAdmin(BodyScopedAdmin):
    list_display = ["code", "name", "body", "station", "active"]
    list_filter = [("body", OWN), "active", ("station", OWN)]
    search_fields = ["code", "name"]


class SourceInline(admin.TabularInline[CandidateSource, Candidate]):
    model = CandidateSource
    fk_name = "candidate"
    form = AdminTextForm
    extra = 0
    readonly_fields = ["merged_from"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and is_frozen(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and is_frozen(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and is_frozen(obj)) and super().has_delete_permission(request, obj)


class TransitionInline(admin.TabularInline[Transition, Candidate]):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "criterion", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history is written by the services only


@admin.register(Candidate)
class CandidateAdmin(BodyScopedAdmin):
    list_display = ["name", "year", "status", "category", "station", "investment_wan", "body"]
    list_filter = ["status", "year", "category", ("body", OWN), ("station", OWN)]
    search_fields = ["name", "content", "implementing_unit", "address"]
    readonly_fields = ["status", "merged_into", "created_by", "created_at", "updated_at"]
    inlines = [SourceInline, TransitionInline]
    date_hierarchy = "created_at"

    # A candidate on a published list (公示) is frozen here as everywhere: it can be read only.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and is_frozen(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and is_frozen(obj)) and super().has_delete_permission(request, obj)


@admin.register(CandidateList)
class CandidateListAdmin(BodyScopedAdmin):
    list_display = ["body", "year", "published_at", "published_by"]
    list_filter = ["year", ("body", OWN)]
    readonly_fields = ["published_at", "published_by"]
