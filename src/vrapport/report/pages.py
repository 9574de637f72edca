"""Page breaks for a report sheet printed A4 landscape, one page wide.

The writer knows each block's rows and each row's height; from the sheet's width it knows
how far fit-to-width scales the page down, hence how many points of rows fit on a page.
Blocks bound together start on one page: a heading with the block after it, a text with the
table right after it (it introduces it: «Tabellen nedenfor viser …»), and the texts between
a heading and the table or chart they lead to, so a heading stays with the table or chart it
heads. A group that would cross the bottom of a page starts on the next one, unless it is
taller than a page; then its looser bonds give way, its headings' last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

DEFAULT_ROW = 15.0  # points
PRINTABLE_WIDTH = (11.69 - 1.0) * 72  # A4 landscape less 0.5 in margins, in points
# Points of unscaled rows a page holds at scale 1. Calibrated against LibreOffice's PDF
# export, which the board pack uses: where it broke the example chapters without help,
# rows × scale fell between 724 and 742; a little less leaves room for rounding.
PRINTABLE_HEIGHT = 715.0


Kind = Literal["heading", "text", "table", "chart", "other"]
# How firmly a block is bound to the next one (see `_bonds`); a group taller than a page
# lets its looser bonds go first.
_FREE, _LEAD_IN, _INTRO, _HEADING = 0, 1, 2, 3


@dataclass(frozen=True)
class Extent:
    """A block's rows [first, end) and its kind."""

    first: int
    end: int
    kind: Kind = "other"


def _bonds(extents: Sequence[Extent]) -> list[int]:
    """How firmly each block is bound to the next: a heading to the block after it; a text
    to a table right after it, which it introduces; and the texts between a heading and
    the table or chart they lead to, to each other and to it. Texts after a table or chart
    (its commentary) are not drawn to a chart after them."""
    bonds = [_FREE] * len(extents)
    for i, block in enumerate(extents[:-1]):
        following = extents[i + 1]
        if block.kind == "heading":
            bonds[i] = _HEADING
        elif block.kind == "text" and following.kind == "table":
            bonds[i] = _INTRO
        if block.kind == "text" and i > 0 and extents[i - 1].kind == "heading":
            end = i
            while end < len(extents) and extents[end].kind == "text":
                end += 1
            if end < len(extents) and extents[end].kind in ("table", "chart"):
                for k in range(i, end):
                    bonds[k] = max(bonds[k], _LEAD_IN)
    return bonds


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

    bonds = _bonds(extents)
    groups: list[tuple[int, int]] = []

    def group(first: int, end: int, bond: int) -> None:
        """Extents [first, end) cut where bound less firmly than `bond`; a piece taller than
        a page is cut again where bound less firmly than the next bond."""
        start = first
        for i in range(first, end):
            if i == end - 1 or bonds[i] < bond:
                rows = (extents[start].first, extents[i].end)
                if bond < _HEADING and height(*rows) > page:
                    group(start, i + 1, bond + 1)
                else:
                    groups.append(rows)
                start = i + 1

    group(0, len(extents), _LEAD_IN)
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
