"""Accounts and roles of one congress, managed by its own congress staff, and the first-run setup.

Staff of a congress act within it only: they grant and revoke roles in their congress, and reset the
password only of people who hold roles nowhere else (a password is the person's in every congress).
Each step is one entry in the congress's action log; passwords are never logged or stored in clear.
"""

import secrets
from dataclasses import dataclass

from axes.utils import reset as unlock_sign_in
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Body, CollectionAction, Level, Membership, Representative, Role, Station
from projects.roles import membership_grant

# Letters and digits no one confuses read aloud or off paper (no 0/O, 1/l/I, 5/S).
PASSWORD_ALPHABET = "ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz34679"


def initial_password() -> str:
    """Three groups of four, about 67 bits: handed over on paper, changed by its owner."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


@dataclass(frozen=True)
class NewAccount:
    user: User
    password: str  # shown once to whoever created it, never stored in clear


def managed_only_here(user: User, body: Body) -> bool:
    """Staff of this congress may reset this person's password: they hold roles here alone."""
    if user.is_superuser:
        return False
    bodies = set(Membership.objects.filter(user=user).values_list("body_id", flat=True))
    return bodies <= {body.pk}


def _role_facts(membership: Membership) -> dict[str, str]:
    facts = {"role": membership.role}
    if membership.station_id:
        facts["station"] = membership.station.name if membership.station else ""
    if membership.unit_name:
        facts["unit"] = membership.unit_name
    return facts


def _check_role(
    *,
    body: Body,
    role: Role,
    station: Station | None,
    unit: str,
    representative: Representative | None,
    user: User,
) -> None:
    if role == Role.STATION_STAFF and (station is None or station.body_id != body.pk):
        raise Refused(
            "station_required", _("Station staff need a liaison station of this congress.")
        )
    if role != Role.STATION_STAFF and station is not None:
        raise Refused("station_not_allowed", _("Only station staff are bound to a station."))
    if role == Role.IMPLEMENTING_UNIT and not unit.strip():
        raise Refused("unit_required", _("Name the implementing unit this account works for."))
    if representative is not None:
        if role != Role.REPRESENTATIVE or representative.body_id != body.pk:
            raise Refused("not_a_representative", _("Choose a representative of this congress."))
        if representative.user_id is not None and representative.user_id != user.pk:
            raise Refused(
                "representative_has_account",
                _("%(name)s already has an account.") % {"name": representative.name},
            )


def _grant(
    *,
    body: Body,
    user: User,
    role: Role,
    station: Station | None,
    unit: str,
    representative: Representative | None,
) -> Membership:
    _check_role(
        body=body, role=role, station=station, unit=unit, representative=representative, user=user
    )
    held = Membership.objects.filter(user=user, body=body, role=role, station=station)
    if held.exists():
        raise Refused("role_held", _("%(user)s already holds this role.") % {"user": user})
    membership = membership_grant(
        user=user, body=body, role=role, station=station, unit=unit.strip()
    )
    if representative is not None:
        representative.user = user
        representative.save(update_fields=["user"])
    return membership


@transaction.atomic
def account_create(
    *,
    body: Body,
    actor: User | None,
    username: str,
    full_name: str,
    role: Role,
    station: Station | None = None,
    unit: str = "",
    representative: Representative | None = None,
    email: str = "",
) -> NewAccount:
    """A new person with one role in this congress and a one-time password to hand over."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(
            "username_taken",
            _("The user name “%(name)s” is taken; choose another.") % {"name": username},
        )
    password = initial_password()
    user = User(username=username, first_name=full_name.strip(), email=email.strip())
    validate_password(password, user)
    user.set_password(password)
    user.save()
    membership = _grant(
        body=body,
        user=user,
        role=role,
        station=station,
        unit=unit,
        representative=representative,
    )
    action_record(
        body=body,
        actor=actor,
        action=CollectionAction.ACCOUNT_CREATED,
        subject=f"user-{user.pk}",
        detail={"username": user.username, "name": user.first_name, **_role_facts(membership)},
    )
    return NewAccount(user, password)


@transaction.atomic
def role_grant(
    *,
    body: Body,
    actor: User,
    user: User,
    role: Role,
    station: Station | None = None,
    unit: str = "",
    representative: Representative | None = None,
) -> Membership:
    membership = _grant(
        body=body,
        user=user,
        role=role,
        station=station,
        unit=unit,
        representative=representative,
    )
    action_record(
        body=body,
        actor=actor,
        action=CollectionAction.ROLE_GRANTED,
        subject=f"user-{user.pk}",
        detail={"username": user.username, **_role_facts(membership)},
    )
    return membership


@transaction.atomic
def role_revoke(*, body: Body, actor: User, membership: Membership) -> None:
    """Take one role away; a congress never loses its last congress staff this way."""
    if membership.body_id != body.pk:
        raise Refused("not_here", _("This role belongs to another congress."))
    if membership.role == Role.CONGRESS_STAFF:
        others = Membership.objects.filter(body=body, role=Role.CONGRESS_STAFF).exclude(
            pk=membership.pk
        )
        if not others.exists():
            raise Refused(
                "last_staff",
                _(
                    "This is the congress’s last staff account; grant the role to someone else "
                    "before taking it away here."
                ),
            )
    user = membership.user
    facts = _role_facts(membership)
    membership.delete()
    if membership.role == Role.REPRESENTATIVE:
        Representative.objects.filter(body=body, user=user).update(user=None)
    remaining = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if membership.role not in remaining:
        user.groups.remove(*Group.objects.filter(name=membership.role))
    if Role.CONGRESS_STAFF not in remaining and user.is_staff and not user.is_superuser:
        user.is_staff = False  # the admin is only for congress staff
        user.save(update_fields=["is_staff"])
    action_record(
        body=body,
        actor=actor,
        action=CollectionAction.ROLE_REVOKED,
        subject=f"user-{user.pk}",
        detail={"username": user.username, **facts},
    )


@transaction.atomic
def password_reset(*, body: Body, actor: User, user: User) -> str:
    """A new one-time password; the person's sign-in lockout, if any, is lifted with it."""
    if not managed_only_here(user, body):
        raise Refused(
            "managed_elsewhere",
            _(
                "%(user)s also works for another congress; only a site administrator may reset "
                "this password."
            )
            % {"user": user},
        )
    password = initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    unlock_sign_in(username=user.username)
    action_record(
        body=body,
        actor=actor,
        action=CollectionAction.PASSWORD_RESET,
        subject=f"user-{user.pk}",
        detail={"username": user.username},
    )
    return password


@transaction.atomic
def congress_setup(
    *,
    slug: str,
    name: str,
    level: Level,
    region: str,
    stations: list[str],
    username: str,
    full_name: str,
    email: str = "",
) -> tuple[Body, NewAccount]:
    """The first run: a congress, its liaison stations and its first congress staff account."""
    if Body.objects.filter(slug=slug).exists():
        raise Refused(
            "congress_exists", _("A congress with the code “%(slug)s” exists.") % {"slug": slug}
        )
    body = Body(slug=slug, name=name.strip(), level=level, region=region.strip())
    body.full_clean()
    body.save()
    names = list(dict.fromkeys(s.strip() for s in stations if s.strip()))
    for station_name in names:
        station = Station(body=body, name=station_name)
        station.full_clean()
        station.save()
    action_record(
        body=body,
        actor=None,
        action=CollectionAction.CONGRESS_SET_UP,
        subject=f"body-{body.pk}",
        detail={"name": body.name, "level": body.level, "stations": names},
    )
    account = account_create(
        body=body,
        actor=None,
        username=username,
        full_name=full_name,
        role=Role.CONGRESS_STAFF,
        email=email,
    )
    return body, account
