"""The ending odds as a chart in the terminal: one bar per ending, in eighths of a cell.

Bars are on one scale (a full bar is 100%), so they compare across lines and runs. Where
the output cannot carry Unicode, bars are drawn with '#', a whole cell at a time.
"""

from __future__ import annotations

EIGHTHS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588"  # 0/8 .. 8/8 of a cell


def bar(share: float, width: int, unicode: bool = True) -> str:
    """A bar ``share`` (0..1) of ``width`` cells long."""
    share = min(1.0, max(0.0, share))
    if not unicode:
        return "#" * round(share * width)
    eighths = round(share * width * 8)
    full, rest = divmod(eighths, 8)
    return EIGHTHS[8] * full + (EIGHTHS[rest] if rest else "")


def chart(rows: list[tuple[str, float]], width: int = 40, unicode: bool = True) -> list[str]:
    """Lines of "  label  12.5%  ████▌", largest share first, in the order given for ties."""
    if not rows:
        return []
    label_width = max(len(label) for label, _ in rows)
    ordered = sorted(rows, key=lambda row: -row[1])
    return [f"  {label:<{label_width}}  {share * 100:5.1f}%  {bar(share, width, unicode)}".rstrip() for label, share in ordered]


def can_draw_blocks(stream) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")
