"""Lineage: which source cells a report figure was computed from.

A citation reads like a finding's location: `okonomi.xlsx › Resultat › B6:B8, D6`. Cells
are compressed into rectangles (runs along a row, merged over consecutive rows) so a sum
over a block of a grid stays one short line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell


@dataclass(frozen=True)
class SheetSource:
    """Where one sheet of a submission came from: file, sheet name, and the A1 cell of each
    value (a frame aligned with the sheet's tidy frame)."""

    file: str
    sheet: str
    cells: pd.DataFrame

    def cite(self, rows: pd.Series | pd.Index | None, columns: Iterable[str]) -> str | None:
        """The cells of `columns` in `rows`, or None when there are none (a count of zero)."""
        picked = self.cells if rows is None else self.cells.loc[rows]
        addresses = [a for c in columns for a in picked[c].tolist() if isinstance(a, str) and a]
        if not addresses:
            return None
        return f"{self.file} › {self.sheet} › {compress(addresses)}"


def compress(addresses: Iterable[str]) -> str:
    """['B6', 'C6', 'B7', 'C7', 'F6'] -> 'B6:C7, F6' (rows and columns in sheet order)."""
    cells = sorted({xl_cell_to_rowcol(a) for a in addresses})
    by_row: dict[int, list[int]] = {}
    for row, col in cells:
        by_row.setdefault(row, []).append(col)
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for row, cols in by_row.items():
        start = previous = cols[0]
        for col in cols[1:]:
            if col != previous + 1:
                runs.append((row, start, previous))
                start = col
            previous = col
        runs.append((row, start, previous))
    # Merge identical column runs on consecutive rows into rectangles.
    rectangles: list[list[int]] = []  # [first row, last row, first col, last col]
    open_runs: dict[tuple[int, int], list[int]] = {}
    for row, first, last in sorted(runs):
        rect = open_runs.get((first, last))
        if rect is not None and rect[1] == row - 1:
            rect[1] = row
        else:
            rect = [row, row, first, last]
            rectangles.append(rect)
            open_runs[(first, last)] = rect
    parts = []
    for r0, r1, c0, c1 in sorted(rectangles, key=lambda r: (r[2], r[0])):
        top, bottom = xl_rowcol_to_cell(r0, c0), xl_rowcol_to_cell(r1, c1)
        parts.append(top if top == bottom else f"{top}:{bottom}")
    return ", ".join(parts)
