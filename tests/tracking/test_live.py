"""The live channel of a congress-year's projects: a bare "changed" notice after each committed
change of public tracked data, never before the commit, never for what stays private.

The first tests listen in this process (channels' communicator, on whichever layer the settings
name: in memory, or Redis on CI's second pass). The last ones listen on the real server: there the
change is made over HTTP, so the server itself sends the notice on either layer; and a command run
in this process reaches the server only through a shared layer (Redis), as cron's imports do.
"""

import asyncio
import http.client
import json
import urllib.parse
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import websockets
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from config.websocket_urls import websocket_urlpatterns
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import ProgressUpdate, ProjectStatus, TrackedProject, UpdateState
from tracking.services.updates import update_review

pytestmark = pytest.mark.django_db(transaction=True)

APP = URLRouter(websocket_urlpatterns)
CHANGED = {"changed": True}


def project(cast: Cast, code: str = "A", year: int = 2027) -> TrackedProject:
    today = timezone.localdate()
    return TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=year,
        title=f"项目{code}",
        unit="镇水务站",
        start=today - timedelta(days=50),
        completion=today + timedelta(days=50),
    )


def pending(made: TrackedProject, progress: int = 60) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        project=made, on=timezone.localdate(), progress=Decimal(progress), author=None
    )


def closing(change: Callable[[], object]) -> Callable[[], None]:
    """The change, then its thread's database connection closed (the test database is dropped
    at the end, which PostgreSQL refuses while a connection is open)."""

    def run() -> None:
        try:
            change()
        finally:
            connections.close_all()

    return run


def heard(paths: list[str], change: Callable[[], object], wait: float = 1.0) -> list[list[Any]]:
    """What each listener on `paths` receives while `change` runs (in a worker thread, as a
    request's view would), until `wait` seconds pass without a message."""

    async def run() -> list[list[Any]]:
        listeners = [WebsocketCommunicator(APP, path) for path in paths]
        for listener in listeners:
            connected, _ = await listener.connect()
            assert connected
        await sync_to_async(closing(change))()
        got: list[list[Any]] = []
        for listener in listeners:
            messages = []
            while not await listener.receive_nothing(timeout=wait):
                messages.append(await listener.receive_json_from())
            got.append(messages)
            await listener.disconnect()
        return got

    return asyncio.run(run())


def test_an_approved_update_tells_its_congress_years_listeners_only(cast: Cast) -> None:
    update = pending(project(cast))
    project(cast, "OLD", year=2026)
    same, other_year = heard(
        ["/ws/projects/hill/2027/", "/ws/projects/hill/2026/"],
        lambda: update_review(update=update, reviewer=cast.congress, approve=True),
    )
    assert same == [CHANGED]
    assert other_year == []


def test_a_returned_update_tells_nobody(cast: Cast) -> None:
    update = pending(project(cast))
    [messages] = heard(
        ["/ws/projects/hill/2027/"],
        lambda: update_review(
            update=update, reviewer=cast.congress, approve=False, reason="照片不清楚"
        ),
    )
    assert messages == []


def test_a_change_that_rolls_back_tells_nobody(cast: Cast) -> None:
    update = pending(project(cast))

    def approve_then_fail() -> None:
        with transaction.atomic():
            update_review(update=update, reviewer=cast.congress, approve=True)
            transaction.set_rollback(True)

    [messages] = heard(["/ws/projects/hill/2027/"], approve_then_fail)
    assert messages == []
    assert ProgressUpdate.objects.get().state == UpdateState.PENDING


def test_a_progress_file_tells_each_congress_year_once(cast: Cast, tmp_path: Path) -> None:
    project(cast, "A")
    project(cast, "B")
    today = timezone.localdate().isoformat()
    file = tmp_path / "progress.json"
    file.write_text(
        json.dumps(
            {
                "updates": [
                    {"project": "A", "on": today, "progress": 30},
                    {"project": "B", "on": today, "progress": 40, "status": "paused"},
                ]
            }
        )
    )
    [messages] = heard(["/ws/projects/hill/2027/"], lambda: call_command("import_progress", file))
    assert messages == [CHANGED]
    assert TrackedProject.objects.get(code="B").status == ProjectStatus.PAUSED


def test_a_plan_file_tells_the_congress_year(cast: Cast, tmp_path: Path) -> None:
    project(cast, "A")
    file = tmp_path / "plans.json"
    file.write_text(
        json.dumps(
            {
                "projects": [
                    {"id": "A", "start": "2027-01-01", "completion": "2027-12-31", "milestones": []}
                ]
            }
        )
    )
    [messages] = heard(["/ws/projects/hill/2027/"], lambda: call_command("import_plans", file))
    assert messages == [CHANGED]


def test_a_sweep_that_records_a_colour_tells_the_congress_year(cast: Cast) -> None:
    project(cast, "A")
    [messages] = heard(["/ws/projects/hill/2027/"], lambda: call_command("tracking_sweep"))
    assert messages == [CHANGED]
    [again] = heard(["/ws/projects/hill/2027/"], lambda: call_command("tracking_sweep"))
    assert again == []  # nothing changed, nothing to refetch


def test_a_closing_vote_tells_the_year_of_its_new_projects(cast: Cast) -> None:
    candidates = listed(cast, 1)
    [messages] = heard(
        ["/ws/projects/hill/2027/"], lambda: voted(cast, candidates, [{"P1": "yes"}], to_select=1)
    )
    assert messages == [CHANGED]
    assert TrackedProject.objects.count() == 1


def test_an_unknown_congress_is_refused(cast: Cast) -> None:
    async def connect() -> tuple[bool, int | None]:
        listener = WebsocketCommunicator(APP, "/ws/projects/nowhere/2027/")
        connected, code = await listener.connect()
        await listener.disconnect()
        return connected, code

    assert asyncio.run(connect()) == (False, 4404)


# -- on the real server --


def staff_post(base: str, path: str, user: User, data: dict[str, str]) -> int:
    """A signed-in person's form sent to the running server (session and CSRF as a browser's)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = get_random_string(32)
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname or "", host.port, timeout=30)
    connection.request(
        "POST",
        path,
        body=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}),
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = connection.getresponse().status
    connection.close()
    return status


def listen_on_server(base: str, path: str, change: Callable[[], object]) -> list[Any]:
    async def run() -> list[Any]:
        async with websockets.connect(base.replace("http://", "ws://") + path) as socket:
            await asyncio.get_running_loop().run_in_executor(None, closing(change))
            messages = []
            while True:
                try:
                    messages.append(json.loads(await asyncio.wait_for(socket.recv(), timeout=3)))
                except TimeoutError:
                    return messages

    return asyncio.run(run())


def test_staff_approving_on_the_server_reaches_the_servers_listeners(
    asgi_server: str, cast: Cast
) -> None:
    update = pending(project(cast), progress=60)
    review = reverse("update_review", kwargs={"body": "hill", "pk": update.pk})
    messages = listen_on_server(
        asgi_server,
        "/ws/projects/hill/2027/",
        lambda: staff_post(asgi_server, review, cast.congress, {"decision": "approve"}),
    )
    assert messages == [CHANGED]
    assert ProgressUpdate.objects.get().state == UpdateState.APPROVED


@pytest.mark.skipif(
    "CONFIG" not in settings.CHANNEL_LAYERS["default"],
    reason="only a shared channel layer (Redis) carries a command's notice to the server",
)
def test_a_command_in_another_process_reaches_the_servers_listeners_through_redis(
    asgi_server: str, cast: Cast, tmp_path: Path
) -> None:
    project(cast, "A")
    file = tmp_path / "progress.json"
    file.write_text(
        json.dumps(
            {"updates": [{"project": "A", "on": timezone.localdate().isoformat(), "progress": 5}]}
        )
    )
    messages = listen_on_server(
        asgi_server, "/ws/projects/hill/2027/", lambda: call_command("import_progress", file)
    )
    assert messages == [CHANGED]
