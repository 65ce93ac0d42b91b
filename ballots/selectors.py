"""Reads for rounds: the live counts, the ballot items, whether a card may vote now, the
presidium's notice of a result, and the closed rounds a candidate was voted on in."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballots.credentials import code_hash
from ballots.hall_state import round_state_now
from ballots.models import Credential, Item, Round, RoundStatus
from projects.errors import Refused
from projects.models import Candidate

BAD_CREDENTIAL = gettext_lazy("This voting card is not valid for this round.")
ALREADY_VOTED = gettext_lazy("This voting card has already been used.")


def round_state(round_: Round) -> dict[str, object]:
    """What hall screens and GET /api/v1/rounds/<id> show; one cheap query (ballots.hall_state)."""
    state = round_state_now(round_.code)
    assert state is not None, round_.code
    state.pop("tally", None)
    return state


def ballot_items(round_: Round) -> QuerySet[Item]:
    return round_.items.select_related("candidate", "candidate__station").order_by("number")


@dataclass(frozen=True)
class CardCheck:
    card: Credential | None  # None: no valid card has this code (for this round)
    refusal: Refused | None  # None: the card may vote now


def card_check(*, code: str, round_: Round | None = None) -> CardCheck:
    """May this card vote in this round now? The tablet page, the API and casting all ask here.

    Refusals, in the order they are told: bad_credential, already_voted,
    round_not_open, not_present. A revoked card is as good as no card.
    """
    cards = Credential.objects.select_related("round__session", "voter").filter(
        token_hash=code_hash(code), revoked=False
    )
    if round_ is not None:
        cards = cards.filter(round=round_)
    card = cards.first()
    if card is None:
        return CardCheck(None, Refused("bad_credential", str(BAD_CREDENTIAL)))
    if card.used:
        return CardCheck(card, Refused("already_voted", str(ALREADY_VOTED)))
    if not card.round.is_open:
        return CardCheck(card, Refused("round_not_open", _("Voting in this round is not open.")))
    if card.voter is not None and not card.voter.present:
        return CardCheck(card, Refused("not_present", _("This representative has not checked in.")))
    return CardCheck(card, None)


BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_time(moment: datetime) -> str:
    """A moment as the congress reads it: date and time in Beijing time, whatever the server's."""
    return formats.date_format(timezone.localtime(moment, BEIJING), "DATETIME_FORMAT")


@dataclass(frozen=True)
class ResultNotice:
    issued: bool  # the presidium's notice (公告) is recorded
    words: str  # what the result page and its PDF say about it


def result_notice(round_: Round) -> ResultNotice:
    """The presidium's notice (公告) of a closed round's result, in words for the public.

    The result is public from the close (docs/voting.md); the notice is a separate record, made
    later, that the presidium announces it as final. Before it, the page says both plainly.
    """
    if round_.results_published_at is not None:
        return ResultNotice(
            True,
            _("Announced (已公告) · %(when)s, Beijing time")
            % {"when": beijing_time(round_.results_published_at)},
        )
    closed = beijing_time(round_.closed_at) if round_.closed_at else "—"
    return ResultNotice(
        False,
        _(
            "This result has been public since voting closed at %(when)s, Beijing time; "
            "the presidium’s notice (公告) has not been issued yet."
        )
        % {"when": closed},
    )


def closed_items_of(candidate: Candidate) -> QuerySet[Item]:
    """The candidate's items in rounds that have closed, oldest round first (a runoff after the
    round it follows). Rounds still open or not yet open are left out: nothing of them is public."""
    return (
        Item.objects.filter(candidate=candidate, round__status=RoundStatus.CLOSED)
        .select_related("round__session")
        .order_by("round__closed_at", "round_id")
    )
