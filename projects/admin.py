"""Django admin for congress staff, each seeing only the bodies they serve."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from projects.models import (
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    Membership,
    Representative,
    Role,
    Station,
    Transition,
)


def _staff_body_ids(request: HttpRequest) -> list[int]:
    return list(
        Membership.objects.filter(
            user_id=request.user.pk or 0, role=Role.CONGRESS_STAFF
        ).values_list("body_id", flat=True)
    )


class BodyScopedAdmin(admin.ModelAdmin[Any]):
    """Non-superusers see and pick only rows of the bodies where they are congress staff."""

    body_path = "body"

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


@admin.register(Body)
class BodyAdmin(BodyScopedAdmin):
    body_path = "pk"
    list_display = ["name", "level", "region", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "region", "slug"]


@admin.register(Station)
class StationAdmin(BodyScopedAdmin):
    list_display = ["name", "body", "address"]
    list_filter = ["body"]
    search_fields = ["name", "address"]


@admin.register(Membership)
class MembershipAdmin(BodyScopedAdmin):
    list_display = ["user", "role", "body", "station", "unit_name"]
    list_filter = ["role", "body"]
    search_fields = ["user__username", "user__first_name", "unit_name"]
    autocomplete_fields = ["user"]


@admin.register(Representative)
class RepresentativeAdmin(BodyScopedAdmin):
    list_display = ["code", "name", "body", "station", "active"]
    list_filter = ["body", "active", "station"]
    search_fields = ["code", "name"]


class SourceInline(admin.TabularInline[CandidateSource, Candidate]):
    model = CandidateSource
    fk_name = "candidate"
    extra = 0
    readonly_fields = ["merged_from"]


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
    list_filter = ["status", "year", "category", "body", "station"]
    search_fields = ["name", "content", "implementing_unit", "address"]
    readonly_fields = ["status", "merged_into", "created_by", "created_at", "updated_at"]
    inlines = [SourceInline, TransitionInline]
    date_hierarchy = "created_at"


@admin.register(CandidateList)
class CandidateListAdmin(BodyScopedAdmin):
    list_display = ["body", "year", "published_at", "published_by"]
    list_filter = ["year", "body"]
    readonly_fields = ["published_at", "published_by"]
