"""Reads for rounds: the live counts, the ballot items with their candidates' facts."""

from django.db.models import QuerySet

from ballots.models import Item, Round


def round_state(round_: Round) -> dict[str, object]:
    """What hall screens and GET /api/v1/rounds/<id> show; a few cheap counts."""
    voters = round_.session.voters
    return {
        "id": round_.code,
        "status": round_.status,
        "seats": voters.count(),
        "present": (
            round_.present_at_close
            if round_.present_at_close is not None
            else voters.filter(present=True).count()
        ),
        "ballots_cast": round_.ballots.count(),
    }


def ballot_items(round_: Round) -> QuerySet[Item]:
    return round_.items.select_related("candidate", "candidate__station").order_by("number")
