"""Builders for tracking tests: a published list voted on, so that its result becomes projects."""

from decimal import Decimal

from ballots.models import Round
from ballots.services.rounds import round_close, round_create
from projects.models import Candidate, Status
from projects.services import candidate_create, candidate_list_publish
from tests.conftest import SOURCE, Cast, advance, candidate_data
from tests.voting import cast_ballot, make_session, open_with_cards


def listed(cast: Cast, count: int, year: int = 2027) -> list[Candidate]:
    """`count` candidates on the published list of the year, each at its own place on the map."""
    made = []
    for n in range(1, count + 1):
        candidate = candidate_create(
            actor=cast.east_staff,
            station=cast.east,
            data=candidate_data(
                name=f"民生项目{n}",
                year=year,
                implementing_unit=f"单位{n}",
                investment_wan=Decimal(100 + n),
                latitude=Decimal("29.29") + Decimal(n) / 100,
            ),
            source=SOURCE,
        )
        made.append(advance(cast, candidate, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE))
    candidate_list_publish(actor=cast.congress, body=cast.body, year=year)
    return made


def voted(
    cast: Cast,
    candidates: list[Candidate],
    ballots: list[dict[str, str]],
    *,
    to_select: int,
    code: str = "R1",
) -> Round:
    """A selection round on the candidates (items P1…), one ballot per seat, closed."""
    round_ = round_create(
        session=make_session(cast.body, seats=len(ballots), code=f"S-{code}"),
        code=code,
        kind="selection",
        secrecy="secret",
        to_select=to_select,
        max_yes=None,
        items=[(f"P{n}", n, c.name, c) for n, c in enumerate(candidates, start=1)],
    )
    for card, choices in zip(open_with_cards(round_), ballots, strict=True):
        cast_ballot(round_.code, card.code, choices)
    return round_close(round_=round_)
