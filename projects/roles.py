"""Role groups: Django groups carry the admin permissions; Membership carries the body scope."""

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from projects.models import Body, Membership, Role, Station

# Model permissions each role's group holds in the admin (codename prefixes per model).
GROUP_PERMISSIONS: dict[str, list[str]] = {
    Role.CONGRESS_STAFF: [
        f"{action}_{model}"
        for model in ("station", "representative", "candidate", "candidatesource", "candidatelist")
        for action in ("add", "change", "view")
    ]
    + ["view_transition", "view_attachment", "view_membership", "view_body"],
    Role.AUDITOR: [
        f"view_{model}"
        for model in ("station", "representative", "candidate", "candidatesource", "transition")
    ],
    Role.STATION_STAFF: [],
    Role.REPRESENTATIVE: [],
    Role.IMPLEMENTING_UNIT: [],
}


def ensure_role_groups(**_kwargs: Any) -> None:
    for role, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=Role(role).value)
        perms = Permission.objects.filter(
            content_type__app_label="projects", codename__in=codenames
        )
        group.permissions.set(perms)


@transaction.atomic
def membership_grant(
    *, user: User, body: Body, role: Role, station: Station | None = None, unit: str = ""
) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, body=body, role=role, station=station, defaults={"unit_name": unit}
    )
    membership.full_clean()
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if role == Role.CONGRESS_STAFF and not user.is_staff:
        user.is_staff = True  # congress staff use the admin, scoped to their body
        user.save(update_fields=["is_staff"])
    return membership
