"""Login throttling, CSRF, and the headers that keep pages safe."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast


def _attempt(client: Client, password: str) -> int:
    return client.post(
        reverse("login"), {"username": "east", "password": password}, REMOTE_ADDR="10.0.0.7"
    ).status_code


def test_repeated_wrong_passwords_lock_the_account(cast: Cast) -> None:
    client = Client()
    assert [_attempt(client, "wrong") for _ in range(4)] == [200] * 4
    assert _attempt(client, "wrong") == 429
    locked = client.post(
        reverse("login"),
        {"username": "east", "password": "pw-for-tests-only"},
        REMOTE_ADDR="10.0.0.7",
    )
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()


def test_the_right_password_signs_in(cast: Cast) -> None:
    client = Client()
    assert _attempt(client, "pw-for-tests-only") == 302


def test_a_post_without_a_csrf_token_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.congress)
    response = client.post(
        reverse("list_publish", kwargs={"body": cast.body.slug, "year": 2027}), {}
    )
    assert response.status_code == 403


def test_pages_forbid_inline_scripts_and_framing(cast: Cast) -> None:
    response = Client().get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def _directive(response: Any, name: str) -> list[str]:
    policy: str = response["Content-Security-Policy"]
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy}")


@pytest.mark.django_db
def test_pages_connect_only_to_their_own_site_and_its_websocket(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "vote.example.cn"]
    plain = Client().get(reverse("home"))
    assert _directive(plain, "connect-src") == ["'self'", "ws://testserver", "wss://testserver"]
    secure = Client().get(reverse("home"), secure=True, HTTP_HOST="vote.example.cn")
    assert _directive(secure, "connect-src") == ["'self'", "wss://vote.example.cn"]


@pytest.mark.django_db
def test_an_unlisted_host_gets_no_websocket_origin(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["vote.example.cn"]
    response = Client().get(reverse("home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _directive(response, "connect-src") == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/admin/"])
def test_the_admin_has_the_same_policy(path: str) -> None:
    response = Client().get(path)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert _directive(response, "connect-src")[:2] == ["'self'", "ws://testserver"]
    assert _directive(response, "frame-ancestors") == ["'none'"]


def test_the_admin_has_no_inline_script(admin_client: Client) -> None:
    for path in ["/admin/", "/admin/auth/user/", "/admin/auth/user/add/"]:
        page = admin_client.get(path).content.decode()
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None, path
