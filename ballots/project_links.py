"""An evaluation item's tracked project, seen from the voting floor, which may not import tracking.

An evaluation round's item may name a tracked project by its id (`Item.project_code`). Tracking,
a floor above, registers two functions here at start-up (TrackingConfig.ready): one that says which
ids are no project of a congress, so a round never names a project that is not there, and one that
renders each project's facts for the representative's ballot card. Without them no id is accepted
and no card shows more than its title.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from enum import StrEnum

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ballots.models import Item


class ProjectProblem(StrEnum):
    UNKNOWN = "unknown_project"  # no tracked project has this id
    OTHER_CONGRESS = "other_congress"  # it is another congress's project


# (body id, project ids) -> the ids that cannot be named, each with why.
ProjectChecker = Callable[[int, Collection[str]], Mapping[str, ProjectProblem]]
# project ids -> each known project's facts as HTML for its ballot card.
DetailsSource = Callable[[Collection[str]], Mapping[str, SafeString]]

_checkers: list[ProjectChecker] = []
_details: list[DetailsSource] = []


def register_project_checker(checker: ProjectChecker) -> None:
    if checker not in _checkers:
        _checkers.append(checker)


def register_details_source(source: DetailsSource) -> None:
    if source not in _details:
        _details.append(source)


def project_problems(body_id: int, codes: Collection[str]) -> dict[str, ProjectProblem]:
    """The ids among `codes` that name no project of the congress; with no checker, all of them."""
    if not codes:
        return {}
    if not _checkers:
        return dict.fromkeys(codes, ProjectProblem.UNKNOWN)
    problems: dict[str, ProjectProblem] = {}
    for checker in _checkers:
        problems.update(checker(body_id, codes))
    return problems


def problem_words(*, round_code: str, item_code: str, project: str, problem: str) -> str:
    """One refusal, naming the round and the item as the file and the screen name them."""
    if problem == ProjectProblem.OTHER_CONGRESS:
        return _(
            "Round %(round)s, item %(item)s: the tracked project %(project)s belongs to another "
            "congress."
        ) % {"round": round_code, "item": item_code, "project": project}
    return _("Round %(round)s, item %(item)s: no tracked project has the id %(project)s.") % {
        "round": round_code,
        "item": item_code,
        "project": project,
    }


def with_project_details(items: Iterable[Item]) -> list[Item]:
    """The items, each naming a project given `project_details` (its card's facts as HTML)."""
    listed = list(items)
    codes = {item.project_code for item in listed if item.project_code}
    found: dict[str, SafeString] = {}
    if codes:
        for source in _details:
            found.update(source(codes))
    for item in listed:
        # An attribute for the template only: ballots' models know nothing of the project.
        setattr(item, "project_details", found.get(item.project_code, SafeString()))  # noqa: B010
    return listed
