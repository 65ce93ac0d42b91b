"""From the vote to tracked projects: a final selection's items become projects, nothing retyped.

A result is final when the last round of its chain (the round, its runoff, the round for places
left) closes with the outcome `final`; the selected items are then those selected in any round
of the chain, each in the round that selected it.
"""

import hashlib
import logging
from typing import Any

from django.db import transaction

from ballots.models import Item, Round, RoundStatus
from ballots.rules.terms import Kind, Outcome
from projects.action_log import action_record
from projects.models import Candidate
from projects.services import candidates_settle_vote
from tracking import live
from tracking.models import ProjectStatus, TrackedProject, TrackingAction

log = logging.getLogger(__name__)


def _chain(round_: Round) -> list[Round]:
    """The round's chain from its first round to this one."""
    chain = [round_]
    while chain[0].follows_id is not None:
        earlier = chain[0].follows
        assert earlier is not None
        chain.insert(0, earlier)
    return chain


def is_final(round_: Round) -> bool:
    return (
        round_.kind == Kind.SELECTION
        and round_.is_closed
        and round_.tally is not None
        and round_.tally["outcome"] == Outcome.FINAL
        and not round_.followers.exists()
    )


def _code_for(first: Round, item: Item) -> str:
    """The project's id: the first round's code and the item's, within the contract's 64."""
    code = f"{first.code}-{item.code}"
    if len(code) <= 64:
        return code
    digest = hashlib.sha256(code.encode()).hexdigest()[:10]
    return f"{code[:53]}-{digest}"


def _facts(item: Item, first: Round) -> dict[str, Any]:
    candidate = item.candidate
    if candidate is None:
        return {"title": item.title, "year": first.session.date.year}
    return {
        "title": candidate.name,
        "year": candidate.year,
        "unit": candidate.implementing_unit,
        "budget_wan": candidate.investment_wan,
        "funding_source": candidate.funding_source,
        "completion": candidate.planned_completion,
        "latitude": candidate.latitude,
        "longitude": candidate.longitude,
        "address": candidate.address,
    }


@transaction.atomic
def projects_from_round(round_: Round) -> list[TrackedProject]:
    """Make the tracked projects of a final result (again: nothing new), settle its candidates."""
    if not is_final(round_):
        return []
    chain = _chain(round_)
    first = chain[0]
    body = first.session.body
    made: list[TrackedProject] = []
    selected: list[Candidate] = []
    for each in chain:
        assert each.tally is not None
        codes = [r["item"] for r in each.tally["results"] if r["selected"]]
        for item in each.items.filter(code__in=codes).select_related("candidate"):
            project, created = TrackedProject.objects.get_or_create(
                source_round=each,
                source_item=item.code,
                defaults={
                    "code": _code_for(first, item),
                    "body": body,
                    "status": ProjectStatus.IMPLEMENTING,
                    "candidate": item.candidate,
                    **_facts(item, first),
                },
            )
            if created:
                made.append(project)
            if item.candidate is not None:
                selected.append(item.candidate)
    chosen = {c.pk for c in selected}
    others = [
        item.candidate
        for item in first.items.select_related("candidate")
        if item.candidate is not None and item.candidate.pk not in chosen
    ]
    candidates_settle_vote(body=body, selected=selected, others=others, round_code=round_.code)
    if made:
        action_record(
            body=body,
            actor=None,
            action=TrackingAction.PROJECTS_FROM_VOTE,
            subject=round_.code,
            detail={"projects": [p.code for p in made]},
        )
        live.after_commit(made)  # the ranking and map of the new year fill in at once
    return made


def on_round_closed(sender: object, round_: Round, **_kwargs: object) -> None:
    """The close must stand whatever happens here; the sweep makes any project missed."""
    try:
        with transaction.atomic():
            projects_from_round(round_)
    except Exception:
        log.exception("tracked projects of round %s not made; tracking_sweep will retry", round_)


def projects_from_all_rounds() -> int:
    """Every final result's projects, for rounds closed before tracking or missed at close."""
    made = 0
    # Only the last rounds of final chains: the sweep runs this each time, over every year.
    finals = Round.objects.filter(
        kind=Kind.SELECTION,
        status=RoundStatus.CLOSED,
        followers__isnull=True,
        tally__outcome=Outcome.FINAL,
    ).select_related("session__body")
    for round_ in finals:
        if not TrackedProject.objects.filter(source_round__in=_chain(round_)).exists():
            made += len(projects_from_round(round_))
    return made
