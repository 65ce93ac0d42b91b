"""The demo township's session: 60 on the roster, 58 checked in, a 14 → 10 round open for voting."""

import datetime
from pathlib import Path

from ballots.models import Session
from ballots.pdf.cards import cards_pdf
from ballots.rules.terms import Secrecy
from ballots.services.cards import credentials_issue
from ballots.services.rounds import round_create_from_list, round_open
from ballots.services.sessions import session_create, voters_check_in
from projects.models import Body

SESSION = "qingshan-2027"
ROUND = "qingshan-2027-r1"


def open_demo_round(*, pdf_path: Path, vote_url: str) -> list[str]:
    """Create and open the demo round once; return its card codes (empty when it already exists).

    The cards go to pdf_path with QR codes to vote_url: the address the server really answers on.
    """
    body = Body.objects.get(slug="qingshan")
    if Session.objects.filter(code=SESSION).exists():
        return []
    session = session_create(
        body=body,
        code=SESSION,
        title="青山镇第十八届人民代表大会第三次会议",
        date=datetime.date(2027, 1, 15),
        rules_text=(
            "本次会议对 14 个候选项目逐项票决，应选 10 个；"
            "每张选票最多对 10 个项目投赞成票。"
            "项目获得全体代表过半数赞成票为通过，按赞成票多少确定入选项目。"
        ),
    )
    codes = list(session.voters.order_by("code").values_list("code", flat=True))
    voters_check_in(session=session, codes=codes[:-2])  # two representatives are away
    round_ = round_create_from_list(
        session=session, code=ROUND, year=2027, secrecy=Secrecy.SECRET, to_select=10, max_yes=10
    )
    cards = credentials_issue(round_=round_)
    round_open(round_=round_)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.write_bytes(cards_pdf(round_, cards, vote_url))
    return [card.code for card in cards]
