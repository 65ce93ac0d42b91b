"""manage.py bench_tracking — the public tracking pages under load, on a throwaway database.

The command builds nothing where it runs: it makes a throwaway database (a SQLite file in a
temporary folder, or a new PostgreSQL database on the server DATABASE_URL names), runs the
product's own commands on it in child processes, builds the world (tracking/bench_world.py) and
counts each page's queries at two sizes in one such child (`--world`, which refuses any database
but the one the parent made), then serves it with uvicorn and times concurrent clients, as
`manage.py bench` does. The throwaway database is dropped (or removed) afterwards.
"""

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tracking.bench_world import BODY, code_of, world_build
from tracking.models import ColourChange, Milestone, ProgressUpdate, TrackedProject
from tracking.services.assess import assess, with_facts

MARK = "bench-world: "  # starts the child's one line of results
SCRATCH = "MINSHENG_BENCH_DATABASE"  # the throwaway database's URL, as the parent made it
QUICK = {"projects": 100, "seconds": 2.0}


@dataclass
class Page:
    label: str
    name: str  # the URL name
    paths: list[str]  # requested in turn; the first is the one whose queries are counted
    queries: list[int | None]  # per size; None: the page did not answer 200
    alone_ms: list[float]  # per size: that request's time, with no other load
    status: int = 200


def _sizes(projects: int) -> list[int]:
    """A tenth of the projects (at least ten), then all of them: queries must not grow between."""
    small = max(projects // 10, min(10, projects))
    return [small, projects] if small < projects else [projects]


def _path(name: str, query: str = "", **kwargs: str) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None) + query
    except NoReverseMatch:
        return None  # a page another change has not added yet


def _pages(size: int, year: int) -> list[Page]:
    query = f"?body={BODY}&year={year}"
    codes = [code_of(n) for n in range(size)]  # project 0 first: it has sub-items
    wanted: list[tuple[str, str, list[str | None]]] = [
        (f"GET /api/v1/projects{query}", "api_projects", [_path("api_projects", query)]),
        (
            "GET /api/v1/projects/<id>",
            "api_project",
            [_path("api_project", code=c) for c in codes],
        ),
        (f"GET /map/{query}", "map", [_path("map", query)]),
        ("GET /projects/<id>/", "project_page", [_path("project_page", code=c) for c in codes]),
        (f"GET /ranking/{query}", "ranking", [_path("ranking", query)]),
    ]
    return [
        Page(label, name, [p for p in paths if p is not None], [], [])
        for label, name, paths in wanted
    ]


def _count(client: Client, page: Page) -> None:
    """The queries of one request to the page's first path (after one that warms the caches),
    and its time alone."""
    if not page.paths:
        page.queries.append(None)
        page.alone_ms.append(0.0)
        return
    client.get(page.paths[0])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.paths[0])
    page.status = response.status_code
    page.queries.append(len(queries) if response.status_code == 200 else None)
    times = []
    for _ in range(3):  # the best of three: the least disturbed by whatever else the machine runs
        started = time.perf_counter()
        client.get(page.paths[0])
        times.append((time.perf_counter() - started) * 1000)
    page.alone_ms.append(min(times))


def _world_facts() -> dict[str, Any]:
    today = timezone.localdate()
    colours: dict[str, int] = {}
    for project in with_facts(TrackedProject.objects.filter(parent__isnull=True)):
        colour = assess(project, today).colour
        key = colour.value if colour is not None else "none"
        colours[key] = colours.get(key, 0) + 1
    return {
        "projects": TrackedProject.objects.filter(parent__isnull=True).count(),
        "sub_items": TrackedProject.objects.filter(parent__isnull=False).count(),
        "milestones": Milestone.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "changes": ColourChange.objects.count(),
        "colours": colours,
    }


def _growth(page: Page, sizes: list[int]) -> str:
    """Queries per request at each size, constant or not, and one request's time alone."""
    counts = [c for c in page.queries if c is not None]
    if len(counts) < len(page.queries):
        return f"queries/request not counted: the page answered {page.status}"
    at = [f"{s:,} projects" for s in sizes]
    shown = ", ".join(f"{c} at {where}" for c, where in zip(counts, at, strict=True))
    verdict = ""
    if len(counts) > 1:
        verdict = (
            ": constant" if counts[0] == counts[-1] else f": grows by {counts[-1] - counts[0]}"
        )
    alone = ", ".join(
        f"{ms:,.0f} ms at {where}" for ms, where in zip(page.alone_ms, at, strict=True)
    )
    return f"queries/request {shown}{verdict}; one request alone {alone}"


class Command(BaseCommand):
    help = (
        "Builds tracked projects with milestones, reviewed progress, sub-items and colour history "
        "in a throwaway database (SQLite, or a new PostgreSQL database when DATABASE_URL is "
        "PostgreSQL), serves it with uvicorn and prints, for the projects API, a project's API "
        "record, the map, a project's page and the ranking: requests/s and p50/p99 latency under "
        "concurrent clients, and the queries per request at two sizes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=1000)
        parser.add_argument("--milestones-per-project", type=int, default=10)
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=10.0, help="of load per page")
        parser.add_argument("--servers", type=int, default=2, help="uvicorn processes")
        parser.add_argument(
            "--quick", action="store_true", help="a small run: 100 projects, 2 seconds per page"
        )
        parser.add_argument("--world", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quick"]:
            options.update(QUICK)
        for name in ("projects", "milestones_per_project", "clients", "servers"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        if options["seconds"] <= 0:
            raise CommandError("--seconds must be more than 0")
        if options["world"]:
            self._world(options["projects"], options["milestones_per_project"])
        else:
            self._bench(options)

    def _world(self, projects: int, milestones: int) -> None:
        """In the child: build the world size by size, counting each page's queries at each."""
        url = os.environ.get("DATABASE_URL", "")
        if not url or os.environ.get(SCRATCH) != url:
            raise CommandError("--world builds only on the throwaway database bench_tracking made")
        if TrackedProject.objects.exists():
            raise CommandError("--world needs an empty database")
        today = timezone.localdate()
        sizes = _sizes(projects)
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        pages: list[Page] = []
        built = 0
        for size in sizes:
            world_build(first=built, count=size - built, milestones=milestones, today=today)
            built = size
            fresh = _pages(size, today.year)
            for page, old in zip(fresh, pages or fresh, strict=True):
                page.queries, page.alone_ms = old.queries, old.alone_ms
                _count(client, page)
            pages = fresh
        result = {"sizes": sizes, "facts": _world_facts(), "pages": [asdict(p) for p in pages]}
        self.stdout.write(MARK + json.dumps(result, ensure_ascii=False))

    def _bench(self, options: dict[str, Any]) -> None:
        from ballots.bench.tools import bench_env, manage

        # What else the machine was doing: the figures mean little on a busy one.
        options["busy"] = os.getloadavg()[0]
        with self._scratch() as (url, where), tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            env = bench_env(
                url,
                work / "static",
                REDIS_URL="",  # in-memory channel layer: these pages push nothing
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # the sweep's mail
                **{SCRATCH: url},
            )
            self.stdout.write(f"Throwaway database: {where} (removed afterwards)")
            manage(env, "migrate", "-v0")
            manage(env, "collectstatic", "--noinput", "-v0")
            self.stdout.write(
                f"Building {options['projects']:,} projects × "
                f"{options['milestones_per_project']} milestones, counting queries …"
            )
            out = manage(
                env,
                "bench_tracking",
                "--world",
                "--projects",
                str(options["projects"]),
                "--milestones-per-project",
                str(options["milestones_per_project"]),
            )
            found = next(line for line in out.splitlines() if line.startswith(MARK))
            world = json.loads(found.removeprefix(MARK))
            for line in _plan_lines(world["facts"], options, where):
                self.stdout.write(line)
            pages = [Page(**raw) for raw in world["pages"]]
            self._load(pages, world["sizes"], env, options, work / "servers.log")

    def _load(
        self,
        pages: list[Page],
        sizes: list[int],
        env: dict[str, str],
        options: dict[str, Any],
        log: Path,
    ) -> None:
        """Each page in turn under the clients, on uvicorn serving the throwaway database."""
        from ballots.bench.tools import drive, forever, get, serving

        with log.open("wb") as server_log, serving(options["servers"], env, server_log) as ports:
            for page in pages:
                seen = log.stat().st_size
                if not page.paths:
                    self.stdout.write(
                        f"{page.label}: skipped, the URL name “{page.name}” does not resolve yet"
                    )
                    continue
                drive(get, page.paths[: len(ports)], ports=ports, clients=len(ports))  # warm up
                timed = drive(
                    get,
                    forever(page.paths),
                    ports=ports,
                    clients=options["clients"],
                    seconds=options["seconds"],
                )
                self.stdout.write(
                    f"{page.label}: {timed.rate:.1f} req/s, p50 {timed.p50_ms():,.0f} ms, "
                    f"p99 {timed.p99_ms():,.0f} ms, errors {timed.errors or 0}"
                )
                self.stdout.write(f"    {_growth(page, sizes)}")
                if timed.errors:
                    self.stdout.write(f"    the servers said: {_last_error(log, seen)}")

    @contextmanager
    def _scratch(self) -> Iterator[tuple[str, str]]:
        """A new database of the kind the settings use (never theirs): its URL and where it is."""
        from ballots.bench.tools import postgres_database, sqlite_database

        db = settings.DATABASES["default"]
        engine = str(db["ENGINE"])
        if engine.endswith("sqlite3"):
            with sqlite_database() as url:
                yield url, f"SQLite {url.removeprefix('sqlite:///')}"
        elif engine.endswith("postgresql"):
            user = quote(str(db.get("USER") or "postgres"))
            password = f":{quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
            host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
            server = f"postgresql://{user}{password}@{host}:{port}"
            name = f"minsheng_bench_tracking_{os.getpid()}"
            with postgres_database(server, name) as url:
                yield url, f"PostgreSQL {name} on {host}:{port}"
        else:
            raise CommandError(f"bench_tracking runs on SQLite or PostgreSQL, not {engine}")


def _last_error(log: Path, since: int) -> str:
    """The last line of the last error the servers logged after byte `since` (no access lines)."""
    with log.open("rb") as text:
        text.seek(since)
        lines = [line.strip() for line in text.read().decode(errors="replace").splitlines()]
    return next((line for line in reversed(lines) if line and not line.startswith("INFO:")), "—")


def _plan_lines(facts: dict[str, Any], options: dict[str, Any], where: str) -> list[str]:
    colours = facts["colours"]
    kind = where.split(" ", 1)[0]
    return [
        f"world: {facts['projects']:,} projects (+{facts['sub_items']:,} sub-items), "
        f"{facts['milestones']:,} milestones, {facts['updates']:,} reviewed updates, "
        f"{facts['changes']:,} colour changes; today "
        f"{colours.get('green', 0):,} green, {colours.get('yellow', 0):,} yellow, "
        f"{colours.get('red', 0):,} red, {colours.get('none', 0):,} without a colour",
        f"load: {options['clients']} concurrent clients for {options['seconds']:g} s per page, "
        f"{options['servers']} uvicorn processes, {kind}; {os.cpu_count()} cores, "
        f"load average {options['busy']:.1f} before the run",
    ]
