"""A closed round's tally as rows people read: words for outcomes, bars scaled to the seats."""

import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballots.models import Round
from ballots.rules.terms import (
    LEAD,
    UNMARKED,
    ItemResult,
    Kind,
    Option,
    Outcome,
    TallyResult,
    options_for,
)

OPTION_LABELS: dict[str, str | Promise] = {
    Option.YES: _("For"),
    Option.NO: _("Against"),
    Option.ABSTAIN: _("Abstain"),
    UNMARKED: _("Unmarked"),
    Option.SATISFIED: _("Satisfied"),
    Option.BASICALLY_SATISFIED: _("Basically satisfied"),
    Option.DISSATISFIED: _("Dissatisfied"),
}
# One character a cell, for the bulletin board's grid of ballots.
SHORT_OPTIONS: dict[str, str | Promise] = {
    Option.YES: _("F"),
    Option.NO: _("A"),
    Option.ABSTAIN: _("Ab"),
    UNMARKED: "·",
    Option.SATISFIED: _("S"),
    Option.BASICALLY_SATISFIED: _("BS"),
    Option.DISSATISFIED: _("D"),
}
OUTCOMES: dict[str, str | Promise] = {
    Outcome.FINAL: _("Final"),
    Outcome.RUNOFF_REQUIRED: _("A runoff is needed among the tied items"),
    Outcome.SHORTFALL: _("Fewer items passed than places; the presidium decides on another round"),
}


# The colour of each choice button on the tablet: for/satisfied green, against/dissatisfied red.
TONES: dict[str, str] = {
    Option.YES: "ok",
    Option.NO: "bad",
    Option.SATISFIED: "ok",
    Option.BASICALLY_SATISFIED: "pass",
    Option.DISSATISFIED: "bad",
    Option.ABSTAIN: "",
}


CODE_LENGTH = 15  # three groups of five letters and digits, as printed on the card


def code_shape_problem(typed: str) -> str:
    """What is wrong with a typed card code's shape, in words for the tablet; "" if its shape is
    right (then only the card check can tell whether such a card exists)."""
    signs = [c for c in unicodedata.normalize("NFKC", typed) if c.isascii() and c.isalnum()]
    if len(signs) == CODE_LENGTH:
        return ""
    return gettext(
        "The code you typed has %(typed)d letters and digits; a card code has %(needed)d "
        "(three groups of five). Check it against your card."
    ) % {"typed": len(signs), "needed": CODE_LENGTH}


def ballot_choices(round_: Round) -> list[tuple[str, str, str]]:
    """The tablet's buttons for each item: (option, label, tone), in the round's option order."""
    return [(str(o), str(OPTION_LABELS[o]), TONES[o]) for o in options_for(round_.kind)]


@dataclass(frozen=True)
class ResultRow:
    number: int
    code: str
    title: str
    counts: list[tuple[str, int]]  # (label, count) in the round's option order, then unmarked
    lead: int  # "yes" or "satisfied" count: what the bar shows
    bar_percent: int  # of all seats
    verdict: str  # 入选 / 通过 / 未通过 / 需再次票决 / 满意 …
    tone: str  # css class
    rank: int | None


def _verdict(kind: str, row: ItemResult, tied: bool) -> tuple[str, str]:
    if kind == Kind.EVALUATION:
        grade = str(row["grade"])
        return str(OPTION_LABELS[grade]), "ok" if row["passed"] else "bad"
    if row["selected"]:
        return str(_("Selected")), "ok"
    if tied:
        return str(_("Runoff needed")), "warn"
    if row["passed"]:
        return str(_("Passed")), "pass"
    return str(_("Not passed")), "bad"


def result_rows(round_: Round, *, ranked: bool = False) -> list[ResultRow]:
    """Rows in ballot order, or ranked by the lead count (the hall screen's order)."""
    tally: TallyResult | None = round_.tally
    if tally is None:
        return []
    items = {i.code: i for i in round_.items.all()}
    seats = max(1, round_.session.voters.count())
    lead_option = LEAD[Kind(round_.kind)]
    ties = set(tally["ties"])
    rows = []
    for row in tally["results"]:
        item = items[row["item"]]
        counts = row["counts"]
        verdict, tone = _verdict(round_.kind, row, row["item"] in ties)
        rows.append(
            ResultRow(
                number=item.number,
                code=item.code,
                title=item.title,
                counts=[
                    (str(OPTION_LABELS[o]), counts[o])
                    for o in (*options_for(round_.kind), UNMARKED)
                ],
                lead=counts[lead_option],
                bar_percent=round(100 * counts[lead_option] / seats),
                verdict=verdict,
                tone=tone,
                rank=row["rank"],
            )
        )
    if ranked:
        rows.sort(key=lambda r: (-r.lead, r.number))
    return rows


def outcome_words(round_: Round) -> str:
    return str(OUTCOMES.get((round_.tally or {}).get("outcome", ""), ""))


def option_headers(round_: Round) -> list[str]:
    return [str(OPTION_LABELS[o]) for o in (*options_for(round_.kind), UNMARKED)]


def figures(round_: Round) -> list[tuple[str, int]]:
    """应到 / 实到 / 发出 / 收回 / 有效 / 无效, as the report and the board state them."""
    tally = round_.tally or {}
    return [
        (gettext("Seats (应到)"), round_.session.voters.count()),
        (gettext("Present (实到)"), round_.present_at_close or 0),
        (gettext("Cards issued (发出)"), round_.credentials.filter(revoked=False).count()),
        (gettext("Ballots cast (收回)"), tally.get("ballots_cast", 0)),
        (gettext("Valid"), tally.get("ballots_valid", 0)),
        (gettext("Invalid"), tally.get("ballots_invalid", 0)),
    ]


def result_header(round_: Round) -> list[str]:
    """The columns of a result table: number, item, every option and unmarked, rank, result."""
    return [
        gettext("No."),
        gettext("Item"),
        *option_headers(round_),
        gettext("Rank"),
        gettext("Result"),
    ]
