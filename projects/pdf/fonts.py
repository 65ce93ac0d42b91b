"""A Chinese font for reportlab, for every floor's PDFs (cards, results, signs, circulars, reports):
WenQuanYi Zen Hei embedded when installed, else the CID font."""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

EMBEDDED = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]


@cache
def chinese_font() -> str:
    """The registered font name; embedding keeps signed reports identical on every machine."""
    for path in EMBEDDED:
        if path.exists():
            pdfmetrics.registerFont(TTFont("MinshengCJK", str(path), subfontIndex=0))
            return "MinshengCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"
