"""Printable voting cards: a QR code to the tablet page and the code to type, eight a page."""

import io

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ballots.models import Round
from ballots.pdf.fonts import chinese_font
from ballots.services.cards import Card

COLUMNS, ROWS = 2, 4


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, shortened with an ellipsis until it fits the width."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def cards_pdf(round_: Round, cards: list[Card], vote_url: str) -> bytes:
    font = chinese_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"{round_.session.title} {round_.code}")
    width, height = A4
    card_w, card_h = (width - 20 * mm) / COLUMNS, (height - 20 * mm) / ROWS
    for index, card in enumerate(cards):
        if index and index % (COLUMNS * ROWS) == 0:
            canvas.showPage()
        slot = index % (COLUMNS * ROWS)
        x = 10 * mm + (slot % COLUMNS) * card_w
        y = height - 10 * mm - (slot // COLUMNS + 1) * card_h
        canvas.setDash(2, 2)
        canvas.rect(x, y, card_w, card_h)  # cut line
        canvas.setDash()
        qr = io.BytesIO()
        # The code rides in the URL fragment, which browsers never send to the server.
        segno.make(f"{vote_url}#{card.code}", error="m").save(qr, kind="png", scale=6, border=2)
        qr.seek(0)
        canvas.drawImage(ImageReader(qr), x + 4 * mm, y + 14 * mm, 40 * mm, 40 * mm)
        text_x, text_w = x + 48 * mm, card_w - 52 * mm
        lines = [
            round_.session.title,
            _("Voting card · round %(code)s") % {"code": round_.code},
            _("Card no. %(n)d") % {"n": card.serial},
            _("Representative: %(name)s") % {"name": card.voter_name}
            if card.voter_name
            else _("Secret ballot: this card names nobody"),
        ]
        canvas.setFont(font, 9)
        for n, line in enumerate(lines, start=1):
            canvas.drawString(text_x, y + card_h - 8 * mm - n * 5 * mm, _fit(line, font, 9, text_w))
        canvas.setFont("Courier-Bold", 15)
        canvas.drawString(x + 4 * mm, y + 8 * mm, card.code)
        canvas.setFont(font, 7)
        hint = _("Scan, or type the code at %(url)s") % {"url": vote_url}
        canvas.drawString(x + 4 * mm, y + 3 * mm, _fit(hint, font, 7, card_w - 8 * mm))
    canvas.save()
    return out.getvalue()
