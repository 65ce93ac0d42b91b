"""A closed round's tally as rows people read: words for outcomes, bars scaled to the seats."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ballots.models import Round
from ballots.records import options_for

OPTION_LABELS: dict[str, str | Promise] = {
    "yes": _("For"),
    "no": _("Against"),
    "abstain": _("Abstain"),
    "unmarked": _("Unmarked"),
    "satisfied": _("Satisfied"),
    "basically_satisfied": _("Basically satisfied"),
    "dissatisfied": _("Dissatisfied"),
}
# One character a cell, for the bulletin board's grid of ballots.
SHORT_OPTIONS: dict[str, str | Promise] = {
    "yes": _("F"),
    "no": _("A"),
    "abstain": _("Ab"),
    "unmarked": "·",
    "satisfied": _("S"),
    "basically_satisfied": _("BS"),
    "dissatisfied": _("D"),
}
OUTCOMES: dict[str, str | Promise] = {
    "final": _("Final"),
    "runoff_required": _("A runoff is needed among the tied items"),
    "shortfall": _("Fewer items passed than places; the presidium decides on another round"),
}


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


def _verdict(kind: str, row: dict[str, object], tied: bool) -> tuple[str, str]:
    if kind == "evaluation":
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
    tally = round_.tally or {}
    items = {i.code: i for i in round_.items.all()}
    seats = max(1, round_.session.voters.count())
    lead_option = "yes" if round_.kind == "selection" else "satisfied"
    ties = set(tally.get("ties", []))
    rows = []
    for row in tally.get("results", []):
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
                    for o in (*options_for(round_.kind), "unmarked")
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
    return [str(OPTION_LABELS[o]) for o in (*options_for(round_.kind), "unmarked")]
