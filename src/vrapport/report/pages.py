"""Page breaks for a report sheet printed A4 landscape, one page wide.

The writer knows each block's rows and each row's height; from the sheet's width it knows
how far fit-to-width scales the page down, hence how many points of rows fit on a page. A
block (a heading kept with what follows it, a table, a chart) that would cross the bottom of
a page starts on the next one, unless it is taller than a page anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_ROW = 15.0  # points
PRINTABLE_WIDTH = (11.69 - 1.0) * 72  # A4 landscape less 0.5 in margins, in points
# Points of unscaled rows a page holds at scale 1. Calibrated against LibreOffice's PDF
# export, which the board pack uses: where it broke the example chapters without help,
# rows × scale fell between 724 and 742; a little less leaves room for rounding.
PRINTABLE_HEIGHT = 715.0


@dataclass(frozen=True)
class Extent:
    """A block's rows [first, end) and whether it must stay with the next block."""

    first: int
    end: int
    keep_with_next: bool = False


def column_points(width_chars: float) -> float:
    """An Excel column width (characters of the default font) in points."""
    return (int(width_chars * 7 + 5)) * 0.75


def page_height(sheet_width_points: float, repeated_rows_height: float) -> float:
    """Points of rows one page holds once fit-to-width has scaled the sheet down."""
    scale = min(1.0, PRINTABLE_WIDTH / max(sheet_width_points, 1.0))
    return PRINTABLE_HEIGHT / scale - repeated_rows_height


def page_breaks(extents: Sequence[Extent], heights: Mapping[int, float], page: float) -> list[int]:
    """Rows before which a new page starts."""

    def height(first: int, end: int) -> float:
        return sum(heights.get(r, DEFAULT_ROW) for r in range(first, end))

    groups: list[tuple[int, int]] = []
    start: int | None = None
    for extent in extents:
        if start is None:
            start = extent.first
        if not extent.keep_with_next:
            groups.append((start, extent.end))
            start = None
    if start is not None:
        groups.append((start, extents[-1].end))
    breaks: list[int] = []
    used = 0.0
    for first, end in groups:
        size = height(first, end)
        if used > 0 and used + size > page and size <= page:
            breaks.append(first)
            used = 0.0
        used += size
        while used > page:
            used -= page
    return breaks
