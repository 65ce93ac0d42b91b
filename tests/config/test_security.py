"""Login throttling, CSRF, and the headers that keep pages safe."""

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
