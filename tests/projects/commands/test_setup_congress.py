"""A congress starts without a programmer: one command makes it, its stations, its first staff."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from projects.models import ActionEntry, Body, CollectionAction, Membership, Role

pytestmark = pytest.mark.django_db

ARGS = [
    "--code=xh-county",
    "--name=新华县人民代表大会",
    "--level=county",
    "--region=某省某市新华县",
    "--station=城关联络站、东关联络站",
    "--station=西河联络站",
    "--username=wangfang",
    "--staff-name=王芳",
    "--site-url=https://rd.example.cn/",
]
PASSWORD = r"\b[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}\b"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_congress", *args, stdout=out)
    return out.getvalue()


def test_it_makes_the_congress_its_stations_and_a_staff_account_that_signs_in() -> None:
    output = _run(*ARGS)
    body = Body.objects.get(slug="xh-county")
    assert body.name == "新华县人民代表大会" and body.level == "county"
    assert sorted(body.stations.values_list("name", flat=True)) == [
        "东关联络站",
        "城关联络站",
        "西河联络站",
    ]
    staff = User.objects.get(username="wangfang")
    assert staff.first_name == "王芳" and staff.is_staff and not staff.is_superuser
    assert Membership.objects.filter(user=staff, body=body, role=Role.CONGRESS_STAFF).exists()
    password = re.search(PASSWORD, output)
    assert password, output
    client = Client()
    signed_in = client.post(
        reverse("login"), {"username": "wangfang", "password": password.group()}
    )
    assert signed_in.status_code == 302
    # The printed next step works: the accounts page of the new congress.
    assert "https://rd.example.cn/work/xh-county/accounts/" in output
    assert client.get(reverse("account_index", kwargs={"body": "xh-county"})).status_code == 200


def test_it_logs_the_setup_and_never_the_password() -> None:
    output = _run(*ARGS)
    entries = list(ActionEntry.objects.filter(body__slug="xh-county").order_by("seq"))
    assert [e.action for e in entries] == [
        CollectionAction.CONGRESS_SET_UP,
        CollectionAction.ACCOUNT_CREATED,
    ]
    secret = re.findall(PASSWORD, output)
    assert secret
    assert all(secret[0] not in str(e.detail) for e in entries)


def test_a_second_run_with_the_same_code_changes_nothing() -> None:
    _run(*ARGS)
    with pytest.raises(CommandError, match="xh-county"):
        _run(*ARGS[:-3], "--username=someone", "--staff-name=李四")
    assert Body.objects.count() == 1
    assert not User.objects.filter(username="someone").exists()


def test_a_taken_user_name_leaves_no_half_made_congress() -> None:
    User.objects.create_user("wangfang")
    with pytest.raises(CommandError, match="wangfang"):
        _run(*ARGS)
    assert not Body.objects.filter(slug="xh-county").exists()
    assert not ActionEntry.objects.exists()


def test_a_bad_code_is_refused_in_plain_words() -> None:
    with pytest.raises(CommandError) as refused:
        _run("--code=新华 县", "--name=x", "--username=a", "--staff-name=b")
    assert (
        "slug" in str(refused.value)
        or "code" in str(refused.value).lower()
        or "代码" in str(refused.value)
    )
    assert not Body.objects.exists()
