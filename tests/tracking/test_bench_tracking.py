"""manage.py bench_tracking on tiny sizes: it prints its figures and leaves the database alone."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from projects.models import Body
from tracking.models import Milestone, ProgressUpdate, TrackedProject

pytestmark = pytest.mark.django_db

FIGURES = re.compile(r": \d+\.\d req/s, p50 [\d,]+ ms, p99 [\d,]+ ms, errors 0$")
QUERIES = re.compile(
    r"^    queries/request \d+ at 10 projects, \d+ at 20 projects: constant; "
    r"one request alone [\d,]+ ms at 10 projects, [\d,]+ ms at 20 projects$"
)


def _rows() -> list[int]:
    return [m.objects.count() for m in (Body, User, TrackedProject, Milestone, ProgressUpdate)]


def _scratch_remains(out: str) -> bool:
    where = re.search(r"^Throwaway database: (SQLite|PostgreSQL) (\S+)", out, re.MULTILINE)
    assert where is not None, out
    if where[1] == "SQLite":
        return Path(where[2]).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [where[2]])
        return cursor.fetchone() is not None


def test_a_tiny_run_prints_each_pages_figures_and_leaves_the_real_database_untouched() -> None:
    before = _rows()
    out = StringIO()

    call_command(
        "bench_tracking", "--projects", "20", "--seconds", "1", "--clients", "2", stdout=out
    )

    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("world: 20 projects (+4 sub-items), 212 milestones") for line in lines
    )
    for label in (
        "GET /api/v1/projects?body=bench&year=",
        "GET /api/v1/projects/<id>: ",
        "GET /projects/<id>/: ",
    ):
        at = next(n for n, line in enumerate(lines) if line.startswith(label))
        assert FIGURES.search(lines[at]), lines[at]
        assert QUERIES.match(lines[at + 1]), lines[at + 1]
    for label in ("GET /map/", "GET /ranking/"):  # pages that may not exist yet are skipped
        line = next(line for line in lines if line.startswith(label))
        assert FIGURES.search(line) or "skipped, the URL name" in line, line
    assert _rows() == before
    assert not _scratch_remains(out.getvalue())


def test_the_world_step_refuses_a_database_the_bench_did_not_make() -> None:
    with pytest.raises(CommandError, match="throwaway database"):
        call_command("bench_tracking", "--world", "--projects", "1", stdout=StringIO())
    assert TrackedProject.objects.count() == 0
