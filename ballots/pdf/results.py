"""A closed round's result as a PDF, to sign and post in the hall."""

import io
import json

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ballots.models import Round
from ballots.presenters import figures, outcome_words, result_header, result_rows
from ballots.rules.log_chain import anchor_of
from ballots.selectors import result_notice
from ballots.signing import fingerprint
from projects.pdf.fonts import chinese_font


def _table_rows(round_: Round) -> list[list[str]]:
    rows = [result_header(round_)]
    for row in result_rows(round_):
        rows.append(
            [
                str(row.number),
                row.title,
                *(str(count) for _label, count in row.counts),
                str(row.rank or "—"),
                row.verdict,
            ]
        )
    return rows


def _anchor(manifest: bytes, text: ParagraphStyle, mono: ParagraphStyle) -> list[Paragraph]:
    """The staff action log's head as the signed bundle anchors it (older bundles: nothing)."""
    try:
        anchor = anchor_of(json.loads(manifest))
    except (ValueError, RecursionError, AttributeError, TypeError):
        anchor = None  # check_round and the verifier say what is wrong with the bundle
    if anchor is None:
        return []
    return [
        Paragraph(
            _(
                "Staff action log at the close, as signed in the bundle: %(entries)s entries; "
                "the hash of the last one:"
            )
            % {"entries": anchor.entries},
            text,
        ),
        Paragraph(anchor.head, mono),
    ]


def results_pdf(round_: Round, board_url: str) -> bytes:
    font = chinese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    text = ParagraphStyle("text", fontName=font, fontSize=10, leading=15)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm)
    doc.title = f"{round_.session.title} {round_.code}"
    session = round_.session
    story = [
        Paragraph(session.body.name, title),
        Paragraph(
            _("%(session)s — result of round %(code)s")
            % {"session": session.title, "code": round_.code},
            title,
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            _("Date %(date)s · %(kind)s · %(secrecy)s · places to fill: %(n)s")
            % {
                "date": session.date.isoformat(),
                "kind": round_.get_kind_display(),
                "secrecy": round_.get_secrecy_display(),
                "n": round_.to_select or "—",
            },
            text,
        ),
        Paragraph(" · ".join(f"{label} {value}" for label, value in figures(round_)), text),
        # Public since the close either way; the presidium's notice is its own record.
        Paragraph(result_notice(round_).words, text),
        Spacer(1, 4 * mm),
    ]
    rows = _table_rows(round_)
    table = Table(
        [[Paragraph(value, cell) for value in row] for row in rows],
        colWidths=[10 * mm, 58 * mm, *([16 * mm] * (len(rows[0]) - 4)), 12 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 4 * mm),
        Paragraph(_("Outcome: %(words)s") % {"words": outcome_words(round_)}, text),
    ]
    # What the signatures attest (the key, the bundle, the board) moves with them as one block:
    # no signature line stands alone on a page, away from what it signs.
    attested: list[Flowable] = []
    bundle = getattr(round_, "bundle", None)
    if bundle is not None:
        mono = ParagraphStyle("mono", fontName="Courier", fontSize=9, leading=12)
        qr = io.BytesIO()
        segno.make(board_url, error="m").save(qr, kind="png", scale=4, border=2)
        qr.seek(0)
        attested += [
            Paragraph(_("Round key fingerprint (published; read it aloud to check):"), text),
            Paragraph(fingerprint(round_.public_key), mono),
            Paragraph(
                _("SHA-256 of the audit bundle %(name)s:") % {"name": f"{round_.code}.zip"}, text
            ),
            Paragraph(bundle.archive_sha256, mono),
            *_anchor(bytes(bundle.manifest), text, mono),
            Paragraph(_("The public bulletin board: %(url)s") % {"url": board_url}, text),
            Image(qr, width=28 * mm, height=28 * mm, hAlign="LEFT"),
        ]
    closed = (
        timezone.localtime(round_.closed_at).strftime("%Y-%m-%d %H:%M") if round_.closed_at else ""
    )
    story += [
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                *attested,
                Spacer(1, 10 * mm),
                Paragraph(_("Closed at %(when)s.") % {"when": closed}, text),
                Spacer(1, 8 * mm),
                Paragraph(
                    _(
                        "Chief scrutineer (总监票人): ____________    "
                        "Scrutineers (监票人): ____________  ____________"
                    ),
                    text,
                ),
                Spacer(1, 6 * mm),
                Paragraph(_("Tellers (计票人): ____________  ____________"), text),
            ]
        ),
    ]
    doc.build(story)
    return out.getvalue()
