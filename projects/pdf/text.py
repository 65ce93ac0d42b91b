"""Text that fits: lines broken to a width and the largest size at which a text fits its lines."""

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most width: broken at a space where there is one (an address stays whole),
    else between characters (Chinese has no spaces)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and stringWidth(line + ch, font, size) > width:
            cut = line.rfind(" ")
            if cut > 0 and not ch.isspace():
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line.rstrip())
                line = ""
            if ch.isspace():
                continue
        line += ch
    if line.strip():
        lines.append(line)
    return lines


def fit(
    text: str, font: str, sizes: Sequence[float], width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size at which the text fits in max_lines; at the smallest, the last line ends
    with an ellipsis (only a title of several dozen characters gets there)."""
    for size in sizes:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return size, lines
    size = sizes[-1]
    lines = wrap(text, font, size, width)[:max_lines]
    last = lines[-1]
    while last and stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    return size, [*lines[:-1], last + "…"]
