"""The progress file (docs/tracking-files.md): read with a guard, checked whole, nothing stored.

Staff send it, so each update counts as reviewed once stored (tracking.services.progress). Every
problem is listed with its path ("updates[2].milestones_done[0].id: …").
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from projects.validation import MAX_TEXT_CHARS
from tracking.models import ProjectStatus
from tracking.plan_file import (
    FileRefused,
    KnownProject,
    Path,
    Reader,
    ids_in,
    known_projects,
    load_json,
)

# The statuses an update may set; rectification and closing follow an evaluation, not progress.
STATUSES = (
    ProjectStatus.IMPLEMENTING,
    ProjectStatus.PAUSED,
    ProjectStatus.STOPPED,
    ProjectStatus.COMPLETED,
)


@dataclass(frozen=True)
class DoneSpec:
    id: str
    done: datetime.date


@dataclass(frozen=True)
class UpdateSpec:
    project: str
    on: datetime.date
    progress: Decimal
    milestones_done: tuple[DoneSpec, ...]
    status: str | None  # None: unchanged
    note: str


def read_progress_file(raw: bytes) -> list[UpdateSpec]:
    """The file's bytes checked whole against the rules and the database; FileRefused if not."""
    return check_progress(load_json(raw))


def check_progress(data: Any) -> list[UpdateSpec]:
    return parse_progress(data, known_projects(ids_in(data, "updates", "project")))


def parse_progress(data: Any, known: dict[str, KnownProject]) -> list[UpdateSpec]:
    """Check every update; raise FileRefused listing every problem found."""
    r = Reader()
    top = r.obj(data, ())
    specs: list[UpdateSpec] = []
    for index, raw in enumerate(r.items(top.get("updates"), ("updates",), non_empty=True)):
        path: Path = ("updates", index)
        spec = _update(r, raw, path, known) if r.is_obj(raw, path) else None
        if spec is not None:
            specs.append(spec)
    if r.found:
        raise FileRefused(r.found)
    return specs


def _update(
    r: Reader, obj: dict[str, Any], path: Path, known: dict[str, KnownProject]
) -> UpdateSpec | None:
    before = len(r.found)
    code = r.code(obj.get("project"), (*path, "project"))
    project = known.get(code)
    if code and project is None:
        r.fail((*path, "project"), _("no tracked project has the id %(id)s") % {"id": code})
    on = r.date(obj.get("on"), (*path, "on"))
    progress = r.number(obj.get("progress"), (*path, "progress"), Decimal(0), Decimal(100), 2)
    done = _done(r, obj, path, project, on)
    status = obj.get("status")
    if status is not None and status not in STATUSES:
        r.fail(
            (*path, "status"),
            _('must be "implementing", "paused", "stopped" or "completed"'),
        )
    if (
        status == ProjectStatus.COMPLETED
        and on
        and project
        and project.start
        and on < project.start
    ):
        # Its completion becomes this date, and no project completes before its planned start.
        r.fail(
            (*path, "on"),
            _("a completed update cannot be dated before the project's planned start %(start)s")
            % {"start": project.start.isoformat()},
        )
    note: str | None = ""
    if obj.get("note") is not None:
        note = r.text(obj["note"], (*path, "note"), MAX_TEXT_CHARS, non_empty=False, lines=True)
    if len(r.found) > before or on is None or progress is None or note is None:
        return None
    return UpdateSpec(code, on, progress, done, status, note)


def _done(
    r: Reader,
    obj: dict[str, Any],
    path: Path,
    project: KnownProject | None,
    on: datetime.date | None,
) -> tuple[DoneSpec, ...]:
    if obj.get("milestones_done") is None:
        return ()
    specs: list[DoneSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(r.items(obj["milestones_done"], (*path, "milestones_done"))):
        here: Path = (*path, "milestones_done", index)
        if not r.is_obj(raw, here):
            continue
        entry: dict[str, Any] = raw
        code = r.code(entry.get("id"), (*here, "id"))
        if code in seen:
            r.fail((*here, "id"), _("repeats the milestone id %(id)s") % {"id": code})
        elif code and project is not None and code not in project.milestones:
            r.fail(
                (*here, "id"),
                _("the project %(project)s has no milestone with the id %(id)s")
                % {"project": project.code, "id": code},
            )
        seen.add(code)
        done = r.date(entry.get("done"), (*here, "done"))
        if done and on and done > on:
            r.fail(
                (*here, "done"),
                _("is after the update's date %(on)s: progress reports only what was done by then")
                % {"on": on.isoformat()},
            )
        if code and done:
            specs.append(DoneSpec(code, done))
    return tuple(specs)
