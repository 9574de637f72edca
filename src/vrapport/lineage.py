"""Lineage: which source cells a report figure was computed from.

A citation reads like a finding's location: `okonomi.xlsx › Resultat › B6:B8, D6`. Cells
are compressed per column into runs of consecutive rows (`B5:B15004`), and runs over the same
rows of neighbouring columns into rectangles, so a sum over a block of a grid or a whole
register column stays one short range. Work is vectorised: the A1 addresses of a sheet are
parsed once, each citation is a few array operations over the rows it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd

SEPARATOR = " › "


@dataclass(frozen=True)
class SheetSource:
    """Where one sheet of a submission came from: file, sheet name, and the A1 cell of each
    value (a frame aligned with the sheet's tidy frame)."""

    file: str
    sheet: str
    cells: pd.DataFrame
    # column -> (0-based sheet row, 0-based sheet column) per frame row, -1 where no cell
    _coords: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _column(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        found = self._coords.get(column)
        if found is None:
            found = self._coords[column] = parse_cells(self.cells[column])
        return found

    def _positions(self, rows: pd.Series | pd.Index | None) -> np.ndarray | slice:
        if rows is None:
            return slice(None)
        index = self.cells.index
        if isinstance(rows, pd.Series) and rows.dtype == bool:
            mask = rows if rows.index.equals(index) else rows.reindex(index, fill_value=False)
            return np.flatnonzero(mask.to_numpy(dtype=bool))
        positions = index.get_indexer(pd.Index(rows))
        if (positions < 0).any():
            raise KeyError(f"rows not in the sheet's frame: {list(pd.Index(rows)[positions < 0])}")
        return positions

    def cite(self, rows: pd.Series | pd.Index | None, columns: Iterable[str]) -> str | None:
        """The cells of `columns` in `rows`, or None when there are none (a count of zero)."""
        picked = self._positions(rows)
        row_parts, col_parts = [], []
        for column in columns:
            sheet_rows, sheet_cols = self._column(column)
            row_parts.append(sheet_rows[picked])
            col_parts.append(sheet_cols[picked])
        if not row_parts:
            return None
        text = compress_coords(np.concatenate(row_parts), np.concatenate(col_parts))
        return f"{self.file}{SEPARATOR}{self.sheet}{SEPARATOR}{text}" if text else None


def parse_cells(addresses: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A1 addresses -> arrays of 0-based rows and columns (-1 where there is no address).
    Vectorised (NumPy string operations): a register column has one address per row."""
    rows = np.full(len(addresses), -1, dtype=np.int64)
    cols = np.full(len(addresses), -1, dtype=np.int64)
    values = addresses.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        valid = values != ""
    else:
        valid = np.fromiter((isinstance(a, str) and a != "" for a in values), bool, len(values))
    if not valid.any():
        return rows, cols
    text = values[valid].astype(str)
    if (np.char.find(text, "$") >= 0).any():
        text = np.char.replace(text, "$", "")
    if not np.char.isupper(text).all():
        text = np.char.upper(text)
    found = _letters_then_digits(text)
    if found is None:  # not plain addresses: the general way (and its errors)
        letters = np.char.rstrip(text, "0123456789")
        digits = np.char.lstrip(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        names, inverse = np.unique(letters, return_inverse=True)
        numbers = np.array([xl_cell_to_rowcol(f"{name}1")[1] for name in names], dtype=np.int64)
        found = digits.astype(np.int64) - 1, numbers[inverse]
    rows[valid], cols[valid] = found
    return rows, cols


def _letters_then_digits(text: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """0-based rows and columns of addresses that are 1-3 letters A-Z then 1-7 digits (a
    NumPy unicode array), read from the characters' codes one position at a time; None if
    any one is not such an address."""
    width = text.dtype.itemsize // 4  # UCS-4: one code per character, NUL-padded
    if width == 0:
        return None
    codes = text.view(np.uint32).reshape(len(text), width)
    rows = np.zeros(len(text), dtype=np.int64)
    cols = np.zeros(len(text), dtype=np.int64)
    letters = np.zeros(len(text), dtype=np.int64)
    digits = np.zeros(len(text), dtype=np.int64)
    for position in range(width):
        code = codes[:, position]
        letter = (code >= ord("A")) & (code <= ord("Z"))
        digit = (code >= ord("0")) & (code <= ord("9"))
        # Letters first, then digits, then only padding.
        fits = (
            (letter & (letters == position))
            | (digit & (letters > 0) & (letters + digits == position))
            | ((code == 0) & (digits > 0))
        )
        if not fits.all():
            return None
        cols = np.where(letter, cols * 26 + code - (ord("A") - 1), cols)
        rows = np.where(digit, rows * 10 + code - ord("0"), rows)
        letters += letter
        digits += digit
    if (letters > 3).any() or (digits < 1).any() or (digits > 7).any():
        return None
    return rows - 1, cols - 1


def compress(addresses: Iterable[str]) -> str:
    """['B6', 'C6', 'B7', 'C7', 'F6'] -> 'B6:C7, F6' (columns, then rows, in sheet order)."""
    rows, cols = parse_cells(pd.Series(list(addresses), dtype=object))
    return compress_coords(rows, cols)


# Up to this many cells, a citation is compressed in plain Python: the NumPy way costs about
# 40 µs in fixed overhead (some 40 array operations), and most citations name a few cells.
FEW_CELLS = 128
_ROW_BITS = 21


def compress_coords(rows: np.ndarray, cols: np.ndarray) -> str:
    """Cells given as 0-based row and column arrays (negative: none) as compressed ranges."""
    if len(rows) <= FEW_CELLS:
        return _compress_few(rows.tolist(), cols.tolist())
    keep = (rows >= 0) & (cols >= 0)
    if not keep.any():
        return ""
    # One int64 key per cell, ordered by column, then row (rows < 2**20 in Excel). A
    # register's column cited over its rows is in that order already: no sort then.
    keys = cols[keep] * (1 << 21) + rows[keep]
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        keys = np.unique(keys)
    c, r = keys >> 21, keys & ((1 << 21) - 1)
    # Runs of consecutive rows within a column.
    starts = np.ones(len(c), dtype=bool)
    starts[1:] = (c[1:] != c[:-1]) | (r[1:] != r[:-1] + 1)
    first = np.flatnonzero(starts)
    last = np.append(first[1:] - 1, len(c) - 1)
    run_col, run_top, run_bottom = c[first], r[first], r[last]
    # Runs over the same rows in neighbouring columns become one rectangle.
    order = np.lexsort((run_col, run_bottom, run_top))
    run_col, run_top, run_bottom = run_col[order], run_top[order], run_bottom[order]
    new = np.ones(len(run_col), dtype=bool)
    new[1:] = (
        (run_top[1:] != run_top[:-1])
        | (run_bottom[1:] != run_bottom[:-1])
        | (run_col[1:] != run_col[:-1] + 1)
    )
    head = np.flatnonzero(new)
    tail = np.append(head[1:] - 1, len(run_col) - 1)
    c0, c1, r0, r1 = run_col[head], run_col[tail], run_top[head], run_bottom[tail]
    # In sheet order (column, then row); a scattered selection has a range per cell, so the
    # texts are made from plain lists, one pass.
    ordered = np.lexsort((r0, c0))
    c0, c1, r0, r1 = c0[ordered], c1[ordered], r0[ordered], r1[ordered]
    names = {n: xl_col_to_name(n) for n in np.unique(np.concatenate([c0, c1])).tolist()}
    single = ((c0 == c1) & (r0 == r1)).tolist()
    return ", ".join(
        [
            f"{names[left]}{top}" if one else f"{names[left]}{top}:{names[right]}{bottom}"
            for left, top, right, bottom, one in zip(
                c0.tolist(), (r0 + 1).tolist(), c1.tolist(), (r1 + 1).tolist(), single, strict=True
            )
        ]
    )


def _compress_few(rows: list[int], cols: list[int]) -> str:
    """compress_coords for a few cells, step by step as it does with arrays: the same keys
    (column, then row), runs of consecutive rows, rectangles of neighbouring runs, sheet
    order; the same text."""
    keys = sorted(
        {c * (1 << _ROW_BITS) + r for r, c in zip(rows, cols, strict=True) if r >= 0 and c >= 0}
    )
    if not keys:
        return ""
    low = (1 << _ROW_BITS) - 1
    runs: list[tuple[int, int, int]] = []  # (top row, bottom row, column)
    column, top = keys[0] >> _ROW_BITS, keys[0] & low
    bottom = top
    for key in keys[1:]:
        c, r = key >> _ROW_BITS, key & low
        if c == column and r == bottom + 1:
            bottom = r
            continue
        runs.append((top, bottom, column))
        column, top, bottom = c, r, r
    runs.append((top, bottom, column))
    runs.sort()  # by top, bottom, column: neighbouring runs over the same rows in a row
    rectangles: list[tuple[int, int, int, int]] = []  # (left, top, right, bottom)
    top, bottom, left = runs[0]
    right = left
    for run_top, run_bottom, c in runs[1:]:
        if run_top == top and run_bottom == bottom and c == right + 1:
            right = c
            continue
        rectangles.append((left, top, right, bottom))
        top, bottom, left, right = run_top, run_bottom, c, c
    rectangles.append((left, top, right, bottom))
    rectangles.sort()  # sheet order: column, then row
    names: dict[int, str] = {}
    parts = []
    for left, top, right, bottom in rectangles:
        first = names[left] if left in names else names.setdefault(left, xl_col_to_name(left))
        if left == right and top == bottom:
            parts.append(f"{first}{top + 1}")
            continue
        last = names[right] if right in names else names.setdefault(right, xl_col_to_name(right))
        parts.append(f"{first}{top + 1}:{last}{bottom + 1}")
    return ", ".join(parts)


def split_citation(citation: str, limit: int) -> list[str]:
    """A citation longer than `limit` characters as several, each naming its file and sheet
    and at most `limit` long: 'f › s › A1:A9, C4' -> ['f › s › A1:A9', 'f › s › C4']."""
    if len(citation) <= limit:
        return [citation]
    head, sep, ranges = citation.rpartition(SEPARATOR)
    prefix = head + sep
    room = max(limit - len(prefix), 1)
    pieces: list[str] = []
    current = ""
    for part in ranges.split(", "):
        candidate = f"{current}, {part}" if current else part
        if current and len(candidate) > room:
            pieces.append(prefix + current)
            current = part
        else:
            current = candidate
    pieces.append(prefix + current)
    return pieces
