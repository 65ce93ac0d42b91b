"""A small fixed cast: a congress with two stations, a user per role, and a stranger body."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from projects.access import Access, access_for
from projects.models import Body, Candidate, Level, Role, Station, Status
from projects.roles import membership_grant
from projects.rules.lifecycle import Actor
from projects.services import candidate_create, candidate_list_publish, candidate_move
from tests.server import asgi_server, redis_prefix  # noqa: F401  (asgi_server: a fixture)

# Connections opened by worker threads must not outlive a request, or the test database
# cannot be dropped at the end (production closes them too: config/settings.py).
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
# Parallel workers share one Redis: each keeps to its own channel groups and cache keys.
layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
if "CONFIG" in layer:
    layer["CONFIG"]["prefix"] = redis_prefix()
    settings.CACHES["default"]["KEY_PREFIX"] = redis_prefix()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright leaves an event loop on the main thread behind it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Fast hashing, Chinese first, and templates rendered without collectstatic: for every test and
# for the worlds some modules build once (module-scoped fixtures run before function ones).
settings.PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # for users signing in to asgi_server
]
settings.LANGUAGE_CODE = "zh-hans"
settings.STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture
def media_root(tmp_path: Path) -> Path:
    """Where uploads go: a fresh folder per test, unless a module shares one with its world."""
    return tmp_path


@pytest.fixture(autouse=True)
def _uploads_stay_in_the_test(settings: object, media_root: Path) -> None:
    settings.MEDIA_ROOT = media_root  # type: ignore[attr-defined]


@dataclass
class Cast:
    body: Body
    east: Station
    west: Station
    congress: User
    east_staff: User
    west_staff: User
    auditor: User
    representative: User
    unit: User
    stranger_staff: User  # congress staff of another body
    outsider: User  # signed in, no role anywhere

    def access(self, user: User) -> Access:
        return access_for(user, self.body)

    def by_role(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "congress": self.congress,
            "east_staff": self.east_staff,
            "west_staff": self.west_staff,
            "auditor": self.auditor,
            "representative": self.representative,
            "unit": self.unit,
            "stranger_staff": self.stranger_staff,
        }


def _user(username: str) -> User:
    return User.objects.create_user(username, password="pw-for-tests-only", first_name=username)


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


def make_cast() -> Cast:
    """The cast, for a fixture of any scope (the database must be open to it)."""
    body = Body.objects.create(slug="hill", name="青山镇人民代表大会", level=Level.TOWNSHIP)
    other = Body.objects.create(slug="river", name="河口镇人民代表大会", level=Level.TOWNSHIP)
    east = Station.objects.create(body=body, name="东区联络站")
    west = Station.objects.create(body=body, name="西区联络站")
    Station.objects.create(body=other, name="河口联络站")
    c = Cast(
        body=body,
        east=east,
        west=west,
        congress=_user("congress"),
        east_staff=_user("east"),
        west_staff=_user("west"),
        auditor=_user("auditor"),
        representative=_user("rep"),
        unit=_user("unit"),
        stranger_staff=_user("stranger"),
        outsider=_user("outsider"),
    )
    membership_grant(user=c.congress, body=body, role=Role.CONGRESS_STAFF)
    membership_grant(user=c.east_staff, body=body, role=Role.STATION_STAFF, station=east)
    membership_grant(user=c.west_staff, body=body, role=Role.STATION_STAFF, station=west)
    membership_grant(user=c.auditor, body=body, role=Role.AUDITOR)
    membership_grant(user=c.representative, body=body, role=Role.REPRESENTATIVE)
    membership_grant(user=c.unit, body=body, role=Role.IMPLEMENTING_UNIT, unit="镇水务站")
    membership_grant(user=c.stranger_staff, body=other, role=Role.CONGRESS_STAFF)
    return c


def candidate_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "year": 2027,
        "name": "溪口村饮用水管网改造",
        "category": "environment",
        "content": "更换老旧供水主管3.2公里。",
        "implementing_unit": "镇水务站",
        "investment_wan": Decimal("320.00"),
        "latitude": Decimal("29.296100"),
        "longitude": Decimal("121.421300"),
        "planned_completion": datetime.date(2027, 12, 31),
    }
    data.update(overrides)
    return data


RESIDENT = "溪口村村民"
SOURCE: dict[str, object] = {
    "kind": "resident",
    "name": RESIDENT,
    "raised_on": datetime.date(2026, 9, 1),
}


@pytest.fixture
def draft(cast: Cast) -> Candidate:
    """A draft filed by the east station."""
    return candidate_create(
        actor=cast.east_staff,
        station=cast.east,
        data=candidate_data(),
        source=SOURCE,
    )


def advance(cast: Cast, candidate: Candidate, *targets: Status) -> Candidate:
    """Walk a candidate along; its own station submits drafts, congress staff do the rest."""
    for target in targets:
        actor, role = cast.congress, Actor.CONGRESS
        if candidate.status == Status.DRAFT and target == Status.SUBMITTED:
            actor = cast.east_staff if candidate.station == cast.east else cast.west_staff
            role = Actor.STATION
        candidate_move(
            role=role,
            actor=actor,
            candidate=candidate,
            target=target,
            reason="理由",
            criterion="necessity",
        )
    return candidate


@pytest.fixture
def published(cast: Cast, draft: Candidate) -> Candidate:
    """The draft, carried onto the 2027 list, which is then published."""
    advance(cast, draft, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
    candidate_list_publish(actor=cast.congress, body=cast.body, year=2027)
    return draft


def client_for(user: User | None, language: str = "") -> Client:
    """A browser session for the user (None: the public), with a language picked if given."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
