"""Congress staff run their own congress's accounts and roles: only there, logged, asked first."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from projects.models import ActionEntry, CollectionAction, Membership, Representative, Role
from projects.roles import membership_grant
from tests.conftest import Cast, client_for

PASSWORD = r"\b[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}\b"


def _url(cast: Cast, name: str, **kwargs: object) -> str:
    return reverse(name, kwargs={"body": cast.body.slug, **kwargs})


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "could not sign in"
    return client


def test_staff_create_a_station_account_whose_password_is_shown_once(cast: Cast) -> None:
    response = client_for(cast.congress).post(
        _url(cast, "account_new"),
        {
            "username": "zhaoli",
            "full_name": "赵丽",
            "role": Role.STATION_STAFF,
            "station": cast.east.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = re.search(PASSWORD, page)
    assert password and "zhaoli" in page
    new = User.objects.get(username="zhaoli")
    assert Membership.objects.filter(user=new, role=Role.STATION_STAFF, station=cast.east).exists()
    # The person signs in with it and reaches their station's work.
    client = _sign_in("zhaoli", password.group())
    home = client.get(_url(cast, "work_home")).content.decode()
    assert "东区联络站" in home
    assert client.get(_url(cast, "candidate_index")).status_code == 200
    entry = ActionEntry.objects.filter(action=CollectionAction.ACCOUNT_CREATED).get()
    assert entry.actor == "congress" and entry.detail["station"] == "东区联络站"
    assert password.group() not in str(entry.detail)


def test_station_staff_without_a_station_are_refused_beside_the_field(cast: Cast) -> None:
    response = client_for(cast.congress).post(
        _url(cast, "account_new"),
        {"username": "zhaoli", "full_name": "赵丽", "role": Role.STATION_STAFF},
    )
    assert response.status_code == 400
    assert "联络站" in response.content.decode()
    assert not User.objects.filter(username="zhaoli").exists()


def test_a_taken_user_name_is_refused_and_nothing_changes(cast: Cast) -> None:
    response = client_for(cast.congress, "en").post(
        _url(cast, "account_new"),
        {"username": "EAST", "full_name": "x", "role": Role.AUDITOR},
    )
    assert response.status_code == 400 and "is taken" in response.content.decode()
    assert not Membership.objects.filter(role=Role.AUDITOR, user__username="EAST").exists()


def test_a_representative_account_is_linked_to_the_roster_once(cast: Cast) -> None:
    seat = Representative.objects.create(body=cast.body, code="D01", name="钱代表")
    data = {"full_name": "钱代表", "role": Role.REPRESENTATIVE, "representative": seat.pk}
    client_for(cast.congress).post(_url(cast, "account_new"), {**data, "username": "qian"})
    seat.refresh_from_db()
    assert seat.user is not None and seat.user.username == "qian"
    again = client_for(cast.congress).post(_url(cast, "account_new"), {**data, "username": "q2"})
    assert again.status_code == 400  # no longer offered: it has an account
    assert not User.objects.filter(username="q2").exists()


def test_staff_never_see_or_touch_another_congresss_people(cast: Cast) -> None:
    client = client_for(cast.congress)
    stranger = cast.stranger_staff  # congress staff of 河口镇 only
    assert client.get(_url(cast, "account_detail", user_id=stranger.pk)).status_code == 404
    assert client.post(_url(cast, "password_reset", user_id=stranger.pk), {"confirm": "yes"})
    stranger.refresh_from_db()
    assert stranger.check_password("pw-for-tests-only")
    listing = client.get(_url(cast, "account_index")).content.decode()
    assert "stranger" not in listing and "east" in listing
    theirs = Membership.objects.get(user=stranger)
    response = client.post(_url(cast, "role_revoke", pk=theirs.pk), {"confirm": "yes"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_taking_a_role_away_is_asked_first_then_takes_effect(cast: Cast) -> None:
    client = client_for(cast.congress, "en")
    role = Membership.objects.get(user=cast.west_staff)
    url = _url(cast, "role_revoke", pk=role.pk)
    asked = client.get(url).content.decode()
    assert "Take the role" in asked and "西区联络站" in asked
    client.post(url, {})  # a bare POST does nothing
    assert Membership.objects.filter(pk=role.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not Membership.objects.filter(pk=role.pk).exists()
    assert client_for(cast.west_staff).get(_url(cast, "candidate_index")).status_code == 403
    assert ActionEntry.objects.filter(action=CollectionAction.ROLE_REVOKED).count() == 1


def test_the_last_congress_staff_role_cannot_be_taken_away(cast: Cast) -> None:
    client = client_for(cast.congress)
    mine = Membership.objects.get(user=cast.congress, role=Role.CONGRESS_STAFF)
    response = client.post(_url(cast, "role_revoke", pk=mine.pk), {"confirm": "yes"}, follow=True)
    assert "最后" in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_granting_a_role_is_logged_and_a_unit_needs_its_name(cast: Cast) -> None:
    client = client_for(cast.congress)
    url = _url(cast, "account_detail", user_id=cast.auditor.pk)
    refused = client.post(url, {"role": Role.IMPLEMENTING_UNIT})
    assert refused.status_code == 400
    assert not Membership.objects.filter(user=cast.auditor, role=Role.IMPLEMENTING_UNIT).exists()
    client.post(url, {"role": Role.IMPLEMENTING_UNIT, "unit": "县住建局"})
    assert Membership.objects.filter(
        user=cast.auditor, role=Role.IMPLEMENTING_UNIT, unit_name="县住建局"
    ).exists()
    entry = ActionEntry.objects.get(action=CollectionAction.ROLE_GRANTED)
    assert entry.detail["unit"] == "县住建局"


def test_a_password_reset_gives_a_new_one_and_lifts_a_lockout(cast: Cast) -> None:
    wrong = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        wrong.post(reverse("login"), {"username": "east", "password": "wrong"})
    locked = Client().post(reverse("login"), {"username": "east", "password": "pw-for-tests-only"})
    assert locked.status_code != 302  # locked out, even with the right password
    client = client_for(cast.congress)
    url = _url(cast, "password_reset", user_id=cast.east_staff.pk)
    assert "confirm" in client.get(url).content.decode()
    response = client.post(url, {"confirm": "yes"})
    assert response["Cache-Control"] == "no-store"
    password = re.search(PASSWORD, response.content.decode())
    assert password
    _sign_in("east", password.group())
    cast.east_staff.refresh_from_db()
    assert not cast.east_staff.check_password("pw-for-tests-only")


def test_someone_working_for_another_congress_too_keeps_their_password(cast: Cast) -> None:
    membership_grant(
        user=cast.east_staff, body=cast.stranger_staff.memberships.get().body, role=Role.AUDITOR
    )
    client = client_for(cast.congress)
    url = _url(cast, "password_reset", user_id=cast.east_staff.pk)
    assert 'name="confirm"' not in client.get(url).content.decode()
    client.post(url, {"confirm": "yes"})
    cast.east_staff.refresh_from_db()
    assert cast.east_staff.check_password("pw-for-tests-only")


@pytest.mark.parametrize(
    ("role", "says"),
    [
        ("unit", "实施"),
        ("representative", "平板"),
        ("auditor", "审计"),
        ("east_staff", "东区联络站"),
        ("congress", "待审"),
    ],
)
def test_every_role_has_a_home_that_says_what_it_can_do(cast: Cast, role: str, says: str) -> None:
    user = cast.by_role()[role]
    home = client_for(user).get(reverse("home")).content.decode()
    assert _url(cast, "work_home") in home  # 我的工作 leads there, not to a 403
    page = client_for(user).get(_url(cast, "work_home"))
    assert page.status_code == 200
    assert says in page.content.decode()
