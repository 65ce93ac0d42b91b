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
from ballots.services.cards import Card
from projects.pdf.fonts import chinese_font
from projects.pdf.text import fit, wrap

COLUMNS, ROWS = 2, 4


TITLE_SIZES = (11, 10, 9, 8)  # the session title: the largest size that fits in two lines
TEXT_SIZE = 9  # the round, the card's number, the voter
HINT_SIZE = 9  # the address to type the code at: readable at arm's length
MARGIN = 4 * mm
QR_SIZE = 34 * mm


def _lines(canvas: Canvas, x: float, top: float, font: str, size: float, lines: list[str]) -> float:
    """Draws lines downward from top; returns where the next text may start."""
    leading = size * 1.25
    for line in lines:
        top -= leading
        canvas.setFont(font, size)
        canvas.drawString(x, top + size * 0.2, line)
    return top


def cards_pdf(round_: Round, cards: list[Card], vote_url: str) -> bytes:
    font = chinese_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"{round_.session.title} {round_.code}")
    width, height = A4
    card_w, card_h = (width - 20 * mm) / COLUMNS, (height - 20 * mm) / ROWS
    inner_w = card_w - 2 * MARGIN
    title_size, title_lines = fit(round_.session.title, font, TITLE_SIZES, inner_w, 2)
    side_w = inner_w - QR_SIZE - 4 * mm
    hint = _("Scan, or type the code at %(url)s") % {"url": vote_url}
    hint_lines = wrap(hint, font, HINT_SIZE, inner_w)
    for index, card in enumerate(cards):
        if index and index % (COLUMNS * ROWS) == 0:
            canvas.showPage()
        slot = index % (COLUMNS * ROWS)
        x = 10 * mm + (slot % COLUMNS) * card_w
        y = height - 10 * mm - (slot // COLUMNS + 1) * card_h
        canvas.setDash(2, 2)
        canvas.rect(x, y, card_w, card_h)  # cut line
        canvas.setDash()
        # Across the top: the session's full title, on two lines if need be.
        top = _lines(canvas, x + MARGIN, y + card_h - 3 * mm, font, title_size, title_lines)
        top -= 2 * mm
        qr = io.BytesIO()
        # The code rides in the URL fragment, which browsers never send to the server.
        segno.make(f"{vote_url}#{card.code}", error="m").save(qr, kind="png", scale=6, border=2)
        qr.seek(0)
        canvas.drawImage(ImageReader(qr), x + MARGIN, top - QR_SIZE, QR_SIZE, QR_SIZE)
        # Beside the QR code: the round (its code whole), the card's number, the voter.
        side = [
            _("Voting card · round %(code)s") % {"code": round_.code},
            _("Card no. %(n)d") % {"n": card.serial},
            _("Representative: %(name)s") % {"name": card.voter_name}
            if card.voter_name
            else _("Secret ballot: this card names nobody"),
        ]
        side_top = top - 1 * mm
        for text in side:
            size, lines = fit(text, font, (TEXT_SIZE, 8, 7), side_w, 3)
            side_top = _lines(canvas, x + MARGIN + QR_SIZE + 4 * mm, side_top, font, size, lines)
            side_top -= 1.5 * mm
        # At the bottom: the code to type, and where to type it.
        hint_top = y + 2 * mm + len(hint_lines) * HINT_SIZE * 1.25
        _lines(canvas, x + MARGIN, hint_top, font, HINT_SIZE, hint_lines)
        code_size = 15.0
        while stringWidth(card.code, "Courier-Bold", code_size) > inner_w:
            code_size -= 0.5
        canvas.setFont("Courier-Bold", code_size)
        canvas.drawString(x + MARGIN, hint_top + 2 * mm, card.code)
    canvas.save()
    return out.getvalue()
