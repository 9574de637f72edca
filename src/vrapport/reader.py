"""Read a submission into tidy DataFrames, remembering the source cell of every value.

Sheets, header rows and rows are found by their labels, not by fixed coordinates, so users
may insert rows and columns or move a table. A grid (rows × months × measures) is melted
into one row per (row key, month). Values are kept as read (raw); typing and checking is
validation's job.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise, repeat
from operator import is_
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell

from vrapport.cellscan import (
    FILL_TYPE,
    NO_VALUE,
    SHARED_FOLLOWER,
    TINY_TYPE,
    WHITE_TYPE,
    SheetScan,
    linked_name,
)
from vrapport.findings import ERROR, TEMPLATE_SOURCE, WARNING, Finding, Severity, row_ref
from vrapport.formulas import Evaluator, close
from vrapport.isolation import Workbook, read_workbooks
from vrapport.labels import norm, norm_each, quoted, skeleton
from vrapport.layout import INSTRUCTIONS_SHEET, META_SHEET, meta_cell, read_meta
from vrapport.numbers import format_number, format_plain, is_number, parse_number_text
from vrapport.numfmt import DEFAULT_FORMATS, Shown, as_written, shown
from vrapport.period import MONTHS_NB
from vrapport.preflight import marked_colours, marked_format, rule_unseen
from vrapport.spec import SheetSpec, Specs, TemplateSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd

ROW_KEY = "_row"
REPORT_SHEETS = {"Forside", "Kilder"}  # sheets every report from vrapport has
MONTH = "_month"
LABEL = "_label"

Grid = list[list[Any]]
T = TypeVar("T")


@dataclass
class SheetData:
    """One sheet as a tidy frame plus the A1 cell of every value in it."""

    spec: SheetSpec
    name: str
    frame: pd.DataFrame
    cells: pd.DataFrame
    header_row: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    _cell_maps: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def cell(self, index: Any, column: str) -> str:
        """The A1 cell of the value in row `index`, column `column` (constant time)."""
        by_index = self._cell_maps.get(column)
        if by_index is None:
            by_index = self._cell_maps[column] = dict(
                zip(self.cells.index, self.cells[column], strict=True)
            )
        return str(by_index[index])


@dataclass
class Submission:
    path: Path
    display: str
    sha256: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    # The cell each _meta key was read from (a reordered _meta has them elsewhere).
    meta_cells: dict[str, str] = field(default_factory=dict)
    # The _meta keys whose cell holds a date, and that date (layout.MetaRead.dates).
    meta_dates: dict[str, dt.date] = field(default_factory=dict)
    template: TemplateSpec | None = None
    sheets: dict[str, SheetData] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def template_id(self) -> str:
        return self.template.id if self.template else self.meta.get("template_id", "")

    def sheet(self, key: str) -> SheetData:
        return self.sheets[key]

    def meta_ref(self, key: str) -> str:
        """The cell of `key`'s value in _meta: where it was read, else where a template has it."""
        return self.meta_cells.get(key) or meta_cell(key)

    def add(
        self,
        sheet: str,
        ref: str,
        severity: Severity,
        code: str,
        message: str,
        column: str = "",
        key: str = "",
    ) -> None:
        """A finding on this file (`ref`: a cell, range, row or "", see vrapport.findings)."""
        self.findings.append(
            Finding(self.display, sheet, ref, severity, code, message, column, key)
        )

    def make(self, code: str, sheet: str = "", ref: str = "", **params: Any) -> None:
        """A finding on this file with its message rendered from the code's template
        (`Finding.make`: `severity`, `column` and `key` may be given among `params`)."""
        self.findings.append(Finding.make(code, self.display, sheet, ref, **params))


def _value(raw: Any) -> Any:
    if isinstance(raw, str) and not raw.strip():
        return None
    return raw


def _column_values(rows: Grid, c: int) -> list[Any]:
    """Column `c` of `rows` as `_value` gives each cell (None past a short row)."""
    return [
        None if c >= len(line) or (isinstance(raw := line[c], str) and not raw.strip()) else raw
        for line in rows
    ]


def _present(values: list[Any]) -> list[bool]:
    return [v is not None for v in values]


def _has_blank(values: list[Any]) -> bool:
    return any(map(is_, values, repeat(None)))


def _find_labels(grid: Grid, label: str) -> list[tuple[int, int]]:
    """Every cell whose text is `label` (as labels compare), in row-major order."""
    wanted = norm(label)
    # Each distinct text is normalised once, and only rows holding a match are searched.
    texts = {v for v in set(chain.from_iterable(grid)) if isinstance(v, str)}
    hits = {text for text, normed in norm_each(texts) if normed == wanted}
    if not hits:
        return []
    return [
        (r, c)
        for r, row in enumerate(grid)
        if not hits.isdisjoint(row)
        for c, value in enumerate(row)
        if value in hits
    ]


def _header_like(grid: Grid, sheet: SheetSpec, r: int, c: int) -> int:
    """How surely the row-header cell (r, c) heads a table: 2 when another of the sheet's
    header labels (a column, a measure, a month of a grid) stands to its right on its row,
    1 on the row next to it (a header of two rows), 0 when none does. A cell of a register
    that happens to hold the header's text heads nothing."""
    labels = {norm(column.label) for column in sheet.columns}

    def labelled(line: list[Any]) -> bool:
        return any(
            isinstance(value, str)
            and (norm(value) in labels or (sheet.kind == "grid" and _month_number(value)))
            for value in line[c + 1 :]
        )

    if labelled(grid[r]):
        return 2
    return int(any(labelled(grid[n]) for n in (r - 1, r + 1) if 0 <= n < len(grid)))


def _tables(grid: Grid, sheet: SheetSpec, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The cells among `found` (in reading order) that head a table, the first two at most:
    of two in one column on neighbouring rows (the header's text repeated on the second row
    of a two-row header, or a note right above it), the one with labels on its own row."""
    tables: list[tuple[tuple[int, int], int]] = []
    for cell in found:
        score = _header_like(grid, sheet, *cell)
        if not score:
            continue
        if tables and tables[-1][0][1] == cell[1] and cell[0] - tables[-1][0][0] == 1:
            if score > tables[-1][1]:
                tables[-1] = (cell, score)
            continue
        if len(tables) == 2:
            break
        tables.append((cell, score))
    return [cell for cell, _ in tables]


def _find_table(sub: Submission, grid: Grid, sheet: SheetSpec, name: str) -> tuple[int, int] | None:
    """The cell of the sheet's row header, or None. A second table under the same header
    (a copy of the table beside or below it) is an error at the second: which of the two
    holds the figures is a guess, and the first in reading order is not always the real one.
    The header's text on its own (a title or a note near the table) heads no table."""
    found = _find_labels(grid, sheet.row_header)
    if not found:
        return None
    tables = _tables(grid, sheet, found)
    first = tables[0] if tables else found[0]
    if len(tables) == 2:
        one, two = (xl_rowcol_to_cell(*cell) for cell in tables)
        sub.add(
            name,
            two,
            ERROR,
            "duplicate-table",
            f"Tabellen med overskriften {quoted(sheet.row_header)} står to ganger på arket "
            f"(i {one} og {two}); det er ikke sikkert hvilken av dem tallene skal leses "
            "fra. Slett kopien, så bare malens tabell står igjen.",
        )
    return first


def _lookalike(values: Iterable[Any], wanted: Iterable[str], cells: Iterable[str] = ()) -> str:
    """A sentence naming the texts among `values` (in `cells`, when given) that look like one
    of the `wanted` labels but are not (letters of another script that pass for Latin): why a
    label that looks right is not found. "" when there is none."""
    keys = {norm(w) for w in wanted}
    places = [f" i {c}" for c in cells]
    odd = [
        quoted(v) + (places[i] if places else "")
        for i, v in enumerate(values)
        if isinstance(v, str) and skeleton(v) in keys and norm(v) not in keys
    ]
    return f" Ligner, men er ikke lik: {', '.join(dict.fromkeys(odd))}." if odd else ""


def _at(grid: Grid, r: int, c: int) -> Any:
    if r < len(grid) and c < len(grid[r]):
        return _value(grid[r][c])
    return None


def _header_columns(grid: Grid, r: int, start: int) -> tuple[dict[str, int], dict[str, int]]:
    """Normalised header label -> column index, along row r from `start`; and the labels
    found again -> the column of the second."""
    found: dict[str, int] = {}
    again: dict[str, int] = {}
    for c in range(start, len(grid[r]) if r < len(grid) else 0):
        label = norm(grid[r][c])
        if label and label not in found:
            found[label] = c
        elif label and label not in again:
            again[label] = c
    return found, again


def _column_twice(sub: Submission, name: str, r: int, first: int, second: int, what: str) -> None:
    """A template column's header twice: which one holds the figures is a guess, so neither
    is trusted (a second «Faktisk» or a second March block would be read instead of the
    real one, or be left out, without a word)."""
    one, other = xl_rowcol_to_cell(r, first), xl_rowcol_to_cell(r, second)
    sub.add(
        name,
        other,
        ERROR,
        "duplicate-column",
        f"Kolonnen {what} står to ganger (i {one} og {other}); det er ikke sikkert hvilken "
        "av dem tallene skal leses fra. Slett eller gi nytt navn til den som ikke hører til "
        "malen.",
    )


# A header as found on the sheet: its place in the spec's order, the text, the cell.
Placed = tuple[int, Any, str]


def _out_of_order(placed: list[Placed]) -> tuple[Placed, Placed] | None:
    """The first two neighbouring headers (in column order) that stand in the opposite order
    of the template's, or None. Columns the template does not have are not among `placed`,
    so inserted columns change nothing."""
    for left, right in pairwise(placed):
        if left[0] > right[0]:
            return left, right
    return None


def _month_order(sub: Submission, name: str, placed: list[Placed], *, down: bool = False) -> None:
    """An error at the first month header that stands before an earlier month: the months
    of a grid (across, in its header row) and of a table (`down`, as its row labels) are
    always in calendar order, so months out of it are labels typed over (or swapped beside)
    figures that stayed where they were."""
    pair = _out_of_order(placed)
    if pair is None:
        return
    (_, left, left_cell), (_, right, right_cell) = pair
    if down:
        order = (
            f"står over {quoted(right)} i {right_cell}. Malen har månedene fra januar til "
            "desember, ovenfra og ned. Er månedsnavnene byttet om, står tallene i feil måned: "
            "sett månedsnavnene tilbake slik malen har dem, og kontroller at tallene står på "
            "riktig måned."
        )
    else:
        order = (
            f"står foran {quoted(right)} i {right_cell}. Malen har månedene fra januar til "
            "desember, fra venstre mot høyre. Er overskriftene byttet om, står tallene under "
            "feil måned: sett overskriftene tilbake slik malen har dem, og kontroller at "
            "tallene står under riktig måned."
        )
    sub.add(
        name,
        left_cell,
        ERROR,
        "header-order",
        f"Månedene står ikke i kalenderrekkefølge: {quoted(left)} i {left_cell} {order}",
    )


def _column_order(
    sub: Submission, name: str, placed: list[Placed], labels: list[str], under: Any = None
) -> None:
    """An error at the first header that stands before one the template has before it
    (`labels`: the template's labels in its order; `under`: the month heading the headers
    stand under, for a grid). The template's labels are locked, so a swap of labels over
    figures that stayed put is the likely cause: the figures would be read under the wrong
    heading."""
    pair = _out_of_order(placed)
    if pair is None:
        return
    (first, left, left_cell), (second, right, right_cell) = pair
    lead = (
        f"Under {quoted(under)} står "
        if under is not None
        else "Kolonnene står i en annen rekkefølge enn i malen: "
    )
    verb = "" if under is not None else "står "
    sub.add(
        name,
        left_cell,
        ERROR,
        "header-order",
        f"{lead}{quoted(left)} i {left_cell} {verb}foran {quoted(right)} i {right_cell}; malen "
        f"har «{labels[second]}» foran «{labels[first]}». Er overskriftene byttet om, står "
        "tallene under feil overskrift: kontroller at tallene står under riktig overskrift, og "
        "sett kolonnene tilbake i malens rekkefølge.",
    )


def _row_order(sub: Submission, name: str, placed: list[Placed], labels: list[str]) -> None:
    """An error at the first row label that stands above one the template has above it
    (`labels`: the template's row labels in its order). As with headers, the labels are
    locked, so two labels typed over (or swapped beside) figures that stayed put is the likely
    cause: the figures would be read as another line's. Rows the template does not have are
    not among `placed`, so inserted rows change nothing."""
    pair = _out_of_order(placed)
    if pair is None:
        return
    (first, left, left_cell), (second, right, right_cell) = pair
    sub.add(
        name,
        left_cell,
        ERROR,
        "row-order",
        f"Radene står i en annen rekkefølge enn i malen: {quoted(left)} i {left_cell} står "
        f"over {quoted(right)} i {right_cell}; malen har «{labels[second]}» over "
        f"«{labels[first]}». Er radnavnene byttet om, står tallene på feil linje: kontroller "
        "at tallene står på riktig rad, og sett radene tilbake i malens rekkefølge.",
    )


def _month_number(label: Any) -> int | None:
    text = norm(label)
    for number, name in enumerate(MONTHS_NB, start=1):
        if text == name or text.startswith(name + " ") or text == name[:3]:
            return number
    return None


def _label_rows(
    grid: Grid, sub: Submission, sheet: SheetSpec, name: str, first: int, col: int
) -> dict[str, int]:
    """Row key -> grid row, matching the pre-filled labels in column `col` below `first`."""
    wanted = {norm(row.label): row.key for row in sheet.rows}
    found: dict[str, int] = {}
    unknown: dict[str, str] = {}  # cell -> label
    unlabelled: list[int] = []  # rows with values beside an empty label cell
    for r in range(first, len(grid)):
        label = _at(grid, r, col)
        if label is None:
            if _filled(grid[r], r, col):
                unlabelled.append(r)
            continue
        key = wanted.get(norm(label))
        if key is None:
            unknown[xl_rowcol_to_cell(r, col)] = label
            _unknown_row(sub, name, grid[r], r, col, label)
        elif key in found:
            sub.add(
                name,
                xl_rowcol_to_cell(r, col),
                ERROR,
                "duplicate-row",
                f"Raden {quoted(label)} står to ganger (også i rad {found[key] + 1}).",
            )
        else:
            found[key] = r
    # The template's rows found, top to bottom: months in calendar order, the other lines
    # in the template's.
    present = sorted(
        (found[row.key], i, row) for i, row in enumerate(sheet.rows) if row.key in found
    )
    months = [
        (row.month, _at(grid, r, col), xl_rowcol_to_cell(r, col))
        for r, _, row in present
        if row.month is not None
    ]
    lines = [
        (i, _at(grid, r, col), xl_rowcol_to_cell(r, col))
        for r, i, row in present
        if row.month is None
    ]
    _month_order(sub, name, months, down=True)
    _row_order(sub, name, lines, [row.label for row in sheet.rows])
    _unlabelled_rows(sub, name, grid, unlabelled, col, max(found.values(), default=-1))
    for row in sheet.rows:
        if row.key not in found:
            sub.add(
                name,
                "",
                ERROR,
                "missing-row",
                f"Fant ikke raden «{row.label}»."
                + (
                    _lookalike(unknown.values(), [row.label], unknown.keys())
                    or f" Sett inn raden igjen, med «{row.label}» i kolonne {xl_col_to_name(col)}"
                    " som i malen."
                ),
            )
    return found


def _filled(line: list[Any], r: int, col: int) -> list[str]:
    """The cells right of `col` in grid row `r` (`line`) that hold a value."""
    return [
        xl_rowcol_to_cell(r, c) for c in range(col + 1, len(line)) if _value(line[c]) is not None
    ]


def _holding(filled: list[str]) -> tuple[str, str, str]:
    """How a finding names the values in `filled`: where, 'den'/'de', 'verdien'/'verdiene'."""
    if len(filled) == 1:
        return f"en verdi i {filled[0]}", "den", "verdien"
    count = format_number(len(filled))
    return f"verdier i {count} celler fra {filled[0]} til {filled[-1]}", "de", "verdiene"


def _unlabelled_rows(
    sub: Submission, name: str, grid: Grid, rows: list[int], col: int, last: int
) -> None:
    """Rows with values but no label are not read: among the template's rows an error, since
    a line typed in without its label (or whose label was deleted) would be left out of
    every total; below the table a warning (a note or a side calculation, perhaps)."""
    for r in rows:
        filled = _filled(grid[r], r, col)
        where, they, values = _holding(filled)
        cell = xl_rowcol_to_cell(r, col)
        if r < last:
            sub.add(
                name,
                cell,
                ERROR,
                "unlabelled-row-values",
                f"Rad {r + 1} har {where}, men ikke noe radnavn i {cell}; {they} kommer ikke "
                f"med i rapporten. Før {values} på malens rader og tøm eller slett raden.",
            )
        else:
            sub.add(
                name,
                cell,
                WARNING,
                "unlabelled-row-below",
                f"Rad {r + 1}, under tabellen, har {where} uten radnavn i {cell}; {they} "
                "leses ikke. Hører de til rapporten, før dem på malens rader.",
            )


def _unknown_row(sub: Submission, name: str, line: list[Any], r: int, col: int, label: Any) -> None:
    """A row whose label the template does not have is not read: a warning when it is empty
    beside its label (a heading, a note), an error when it holds values, since a line added
    to the template (say «Diverse» among the costs) would leave its figures out of every
    total without a word in the report."""
    filled = _filled(line, r, col)
    cell = xl_rowcol_to_cell(r, col)
    if not filled:
        sub.add(
            name,
            cell,
            WARNING,
            "unknown-row",
            f"Raden {quoted(label)} finnes ikke i malen og blir ikke lest.",
        )
        return
    where, they, values = _holding(filled)
    sub.add(
        name,
        cell,
        ERROR,
        "unknown-row-values",
        f"Raden {quoted(label)} finnes ikke i malen, men har {where}; {they} kommer ikke med i "
        f"rapporten. Før {values} på malens rader og tøm eller slett raden.",
    )


def _frame(
    records: list[dict[str, Any]], cells: list[dict[str, Any]], columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    meta_columns = [ROW_KEY, MONTH, LABEL]
    frame = pd.DataFrame(records, columns=meta_columns + columns, dtype=object)
    cell_frame = pd.DataFrame(cells, columns=columns, dtype=object)
    return frame, cell_frame


def _read_grid(
    grid: Grid, sub: Submission, sheet: SheetSpec, name: str, anchor: tuple[int, int]
) -> SheetData | None:
    anchor_row, key_col = anchor
    # The label cell may be merged over both header rows (then it is on the month row).
    months_here = any(_month_number(v) for v in grid[anchor_row][key_col + 1 :])
    month_row, measure_row = (
        (anchor_row, anchor_row + 1) if months_here else (anchor_row - 1, anchor_row)
    )
    if month_row < 0 or measure_row >= len(grid):
        sub.add(
            name,
            xl_rowcol_to_cell(*anchor),
            ERROR,
            "missing-header",
            "Fant ikke raden med månedsnavn over overskriften.",
        )
        return None
    # Month labels are merged over their measures: carry each to the right.
    positions: dict[tuple[int, str], int] = {}
    twice: dict[tuple[int, str], int] = {}
    current: int | None = None
    wanted = {norm(m.label): m.key for m in sheet.measures}
    months: dict[int, Placed] = {}  # each month's first header, in column order
    for c in range(key_col + 1, len(grid[measure_row])):
        month = _month_number(_at(grid, month_row, c))
        if month is not None:
            current = month
            if month not in months:
                months[month] = (month, grid[month_row][c], xl_rowcol_to_cell(month_row, c))
        if len(sheet.measures) == 1 and month is None:
            current = None
        key = wanted.get(norm(_at(grid, measure_row, c)))
        if current is not None and key is not None:
            if (current, key) not in positions:
                positions[(current, key)] = c
            elif (current, key) not in twice:
                twice[(current, key)] = c
                what = f"{quoted(grid[measure_row][c])} for {MONTHS_NB[current - 1]}"
                _column_twice(sub, name, measure_row, positions[(current, key)], c, what)
    missing = [
        f"{m.label} {MONTHS_NB[mo - 1]}"
        for mo in range(1, 13)
        for m in sheet.measures
        if (mo, m.key) not in positions
    ]
    if missing:
        sub.add(
            name,
            xl_rowcol_to_cell(measure_row, key_col),
            ERROR,
            "missing-column",
            "Fant ikke kolonnene: "
            + ", ".join(missing[:6])
            + (" …" if len(missing) > 6 else "")
            + _lookalike(grid[measure_row], [m.label for m in sheet.measures]),
        )
        return None
    _month_order(sub, name, list(months.values()))
    keys = [m.key for m in sheet.measures]
    labels = [m.label for m in sheet.measures]
    for month, (_, heading, _) in sorted(months.items()):
        columns = sorted((positions[(month, key)], i) for i, key in enumerate(keys))
        placed = [(i, grid[measure_row][c], xl_rowcol_to_cell(measure_row, c)) for c, i in columns]
        _column_order(sub, name, placed, labels, heading)
    rows = _label_rows(grid, sub, sheet, name, measure_row + 1, key_col)
    records, cells = [], []
    for row in sheet.rows:
        if row.key not in rows:
            continue
        r = rows[row.key]
        for month in range(1, 13):
            record: dict[str, Any] = {ROW_KEY: row.key, MONTH: month, LABEL: row.label}
            where: dict[str, Any] = {}
            for key in keys:
                c = positions[(month, key)]
                record[key] = _at(grid, r, c)
                where[key] = xl_rowcol_to_cell(r, c)
            records.append(record)
            cells.append(where)
    frame, cell_frame = _frame(records, cells, keys)
    return SheetData(sheet, name, frame, cell_frame)


def _columns(
    grid: Grid, sub: Submission, sheet: SheetSpec, name: str, header: int, start: int
) -> dict[str, int] | None:
    found, again = _header_columns(grid, header, start)
    positions = {}
    missing = []
    for column in sheet.columns:
        c = found.get(norm(column.label))
        if c is None:
            missing.append(column.label)
        else:
            positions[column.key] = c
            if norm(column.label) in again:
                twice = again[norm(column.label)]
                _column_twice(sub, name, header, c, twice, quoted(grid[header][twice]))
    if missing:
        sub.add(
            name,
            xl_rowcol_to_cell(header, start),
            ERROR,
            "missing-column",
            "Fant ikke kolonnen "
            + ", ".join(f"«{m}»" for m in missing)
            + "."
            + _lookalike(grid[header][start:], [c.label for c in sheet.columns]),
        )
        return None
    index = {column.key: i for i, column in enumerate(sheet.columns)}
    placed = sorted(
        (c, index[key], grid[header][c], xl_rowcol_to_cell(header, c))
        for key, c in positions.items()
    )
    _column_order(
        sub,
        name,
        [(i, text, cell) for _, i, text, cell in placed],
        [c.label for c in sheet.columns],
    )
    return positions


def _read_table(
    grid: Grid, sub: Submission, sheet: SheetSpec, name: str, anchor: tuple[int, int]
) -> SheetData | None:
    header, key_col = anchor
    positions = _columns(grid, sub, sheet, name, header, key_col + 1)
    if positions is None:
        return None
    rows = _label_rows(grid, sub, sheet, name, header + 1, key_col)
    records, cells = [], []
    for row in sheet.rows:
        if row.key not in rows:
            continue
        r = rows[row.key]
        records.append(
            {ROW_KEY: row.key, MONTH: row.month, LABEL: row.label}
            | {k: _at(grid, r, c) for k, c in positions.items()}
        )
        cells.append({k: xl_rowcol_to_cell(r, c) for k, c in positions.items()})
    frame, cell_frame = _frame(records, cells, list(positions))
    return SheetData(sheet, name, frame, cell_frame)


def _read_records(
    grid: Grid, sub: Submission, sheet: SheetSpec, name: str, anchor: tuple[int, int]
) -> SheetData | None:
    header, first_col = anchor
    positions = _columns(grid, sub, sheet, name, header, first_col)
    if positions is None:
        return None
    keys = list(positions)
    where = [positions[k] for k in keys]
    free = [i for i, k in enumerate(keys) if not sheet.column(k).locked]
    # Column by column, one list pass each: registers run to the pre-flight's row limit.
    body = grid[header + 1 :]
    values = [_column_values(body, c) for c in where]
    # A row holding only what vrapport filled in (locked columns, e.g. last period's
    # status of a project the user has removed) is not a record. A free column filled in on
    # every row makes every row a record (found in one pass over it).
    if free and not all(_has_blank(values[i]) for i in free):
        entered = None
    elif free:
        entered = [any(cells) for cells in zip(*(_present(values[i]) for i in free), strict=True)]
    else:
        entered = [False] * len(body)
    if entered is None or all(entered):
        kept = list(range(header + 2, header + 2 + len(body)))
    else:
        chosen = [i for i, keep in enumerate(entered) if keep]
        kept = [header + 2 + i for i in chosen]
        values = [[column[i] for i in chosen] for column in values]
    numbers = list(map(str, kept))  # each row's number, written once for all its cells
    frame = pd.DataFrame(
        {
            ROW_KEY: numbers,
            MONTH: [None] * len(kept),
            LABEL: list(map("rad ".__add__, numbers)),
        }
        | dict(zip(keys, values, strict=True)),
        columns=[ROW_KEY, MONTH, LABEL, *keys],
        dtype=object,
    )
    letters = {k: xl_col_to_name(c) for k, c in positions.items()}
    cell_frame = pd.DataFrame(
        {k: list(map(letter.__add__, numbers)) for k, letter in letters.items()},
        columns=keys,
        dtype=object,
    )
    return SheetData(sheet, name, frame, cell_frame, header, positions)


READERS = {"grid": _read_grid, "table": _read_table, "records": _read_records}


HIDDEN_BY_TEMPLATE = {META_SHEET}  # the only sheet a template hides


def _sheet_lookup(book: Workbook) -> dict[str, list[tuple[str, str]]]:
    """Normalised sheet name -> the workbook's sheets of that name, in workbook order, each as
    (name, visibility: "" for visible, "skjult", "svært skjult")."""
    lookup: dict[str, list[tuple[str, str]]] = {}
    for name in book.sheet_names:
        lookup.setdefault(norm(name), []).append((name, book.visibility.get(name, "")))
    return lookup


def _named(name: str, state: str) -> str:
    return f"{quoted(name)} ({state})" if state else quoted(name)


def _pick_sheet(sub: Submission, wanted: str, candidates: list[tuple[str, str]]) -> str | None:
    """The one sheet to read as the template's sheet `wanted`, or None (with a finding) when
    several sheets answer to its name or the one that does is hidden; never a silent choice."""
    if len(candidates) > 1:
        names = ", ".join(_named(*c) for c in candidates[:-1]) + " og " + _named(*candidates[-1])
        sub.add(
            wanted,
            "",
            ERROR,
            "ambiguous-sheet",
            f"Flere ark svarer til malens ark «{wanted}»: {names}. Ingen av dem er lest. "
            "Slett eller gi nytt navn til arket som ikke hører til malen.",
        )
        return None
    ((name, state),) = candidates
    if state and wanted not in HIDDEN_BY_TEMPLATE:
        sub.add(
            name,
            "",
            ERROR,
            "hidden-sheet",
            f"Arket {_named(name, state)} svarer til malens ark «{wanted}», men er skjult og "
            "blir ikke lest. Vis arket i Excel (høyreklikk på en arkfane og velg Vis), "
            "kontroller det og send filen på nytt.",
        )
        return None
    return name


def read_submission(
    path: Path, specs: Specs, display: str | None = None, book: Workbook | None = None
) -> Submission:
    """Read one file. Problems in the file become findings on the returned Submission; a
    bug in vrapport raises (check_files reports it for this file). `book` is the file as the
    isolated worker read it (read here when not given)."""
    sub = Submission(path=path, display=display or path.name)
    if book is None:
        (book,) = read_workbooks([(path, sub.display)])
    sub.findings += book.findings
    if book.refused:
        return sub
    sub.sha256 = book.sha256
    _read_workbook(sub, book, specs)
    return sub


def _read_workbook(sub: Submission, book: Workbook, specs: Specs) -> None:
    names = book.sheet_names
    lookup = _sheet_lookup(book)
    metas = lookup.get(norm(META_SHEET), [])
    if not metas and REPORT_SHEETS <= set(names):
        sub.add(
            "",
            "",
            WARNING,
            "report-file",
            "Filen er en rapport laget av vrapport, ikke en innsending; den hoppes over.",
        )
        return
    if not metas:
        sub.add(
            "",
            "",
            ERROR,
            "missing-meta",
            "Filen mangler det skjulte arket _meta og er ikke laget fra en vrapport-mal. "
            f"Bruk malen for perioden, {TEMPLATE_SOURCE}.",
        )
        return
    meta_sheet = _pick_sheet(sub, META_SHEET, metas)
    if meta_sheet is None:
        return
    # vrapport writes values into _meta, never formulas: a formula's stored result is what
    # the file claims (its period, its template), whatever the formula says or Excel last
    # computed, so nothing in such a file is read.
    formulas = book.scans.get(meta_sheet, SheetScan()).formulas
    if formulas:
        cell = min(formulas, key=lambda ref: xl_cell_to_rowcol(ref))
        sub.make("formula-in-meta", META_SHEET, cell, formula=formulas[cell][:60])
        return
    read = read_meta(book.grids[meta_sheet])
    sub.meta, sub.meta_cells, sub.meta_dates = read.values, read.cells, read.dates
    for key, first, other in read.conflicts:
        sub.make("conflicting-meta", META_SHEET, other, name=key, first=first)
    if read.conflicts:
        return
    template = specs.templates.get(sub.meta.get("template_id", ""))
    if template is None:
        sub.add(
            META_SHEET,
            sub.meta_ref("template_id"),
            ERROR,
            "unknown-template",
            f"Ukjent mal «{sub.meta.get('template_id', '')}». Kjente maler: "
            + ", ".join(sorted(specs.templates))
            + ".",
        )
        return
    sub.template = template
    actual: dict[str, str | None] = {}
    for sheet in template.sheets:
        candidates = lookup.get(norm(sheet.name), [])
        actual[sheet.key] = _pick_sheet(sub, sheet.name, candidates) if candidates else None
        if not candidates:
            sub.add(
                sheet.name,
                "",
                ERROR,
                "missing-sheet",
                f"Arket «{sheet.name}» mangler. Bruk malen uten å slette eller gi nytt navn "
                "til ark." + _lookalike(names, [sheet.name]),
            )
    for sheet in template.sheets:
        name = actual[sheet.key]
        if name is None:
            continue
        if name in book.charts:
            sub.add(
                sheet.name,
                "",
                ERROR,
                "missing-sheet",
                f"Arket {quoted(name)} er et diagramark, ikke et regneark med malens tabell. "
                "Bruk malen uten å slette eller erstatte ark, og legg diagrammer på et eget ark.",
            )
            continue
        grid = book.grids[name]
        _texts_as_excel_shows(grid, book.scans.get(name, SheetScan()).texts)
        anchor = _find_table(sub, grid, sheet, name)
        if anchor is None:
            sub.add(
                name,
                "",
                ERROR,
                "missing-header",
                f"Fant ikke overskriften «{sheet.row_header}» på arket."
                + _lookalike((v for row in grid for v in row), [sheet.row_header]),
            )
            continue
        data = READERS[sheet.kind](grid, sub, sheet, name, anchor)
        if data is not None:
            scan = book.scans.get(name, SheetScan())
            _mark_special(data, scan.special)
            _formula_inputs(sub, data, scan, book, grid)
            _formula_labels(sub, sheet, name, scan, book, grid, anchor)
            if sheet.kind == "records":
                _unread_columns(sub, data, grid)
            _hidden_inputs(sub, data, scan.hidden_rows)
            _hidden_columns(sub, data, scan.hidden_cols)
            _merged_inputs(sub, data, book.merged.get(name, []))
            _number_formats(sub, data, scan.formats, grid, scan.conditional_formats)
            sub.sheets[sheet.key] = data
    # Every sheet answering to a template sheet's name has been read or reported above.
    wanted = [*(s.name for s in template.sheets), META_SHEET, INSTRUCTIONS_SHEET]
    known = {name for w in wanted for name, _ in lookup.get(norm(w), [])}
    states = {name: state for found in lookup.values() for name, state in found}
    for name in names:
        if name not in known:
            sub.add(
                name,
                "",
                WARNING,
                "extra-sheet",
                f"Arket {_named(name, states[name])} er ikke en del av malen og blir ikke lest.",
            )


def _texts_as_excel_shows(grid: Grid, texts: dict[str, str]) -> None:
    """Put in `grid` each text python-calamine read with an escape left undecoded
    («_x2014_» for «—», see cellscan.excel_text) as Excel shows it: labels are found,
    and comments reach the report, as the department sees them."""
    for cell, text in texts.items():
        r, c = xl_cell_to_rowcol(cell)
        if r < len(grid) and c < len(grid[r]) and isinstance(grid[r][c], str):
            grid[r][c] = text


class SpecialCell:
    """An error value or a formula without a cached value, standing in a value's place."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"SpecialCell({self.text!r})"


def _hidden_inputs(sub: Submission, data: SheetData, hidden: set[int]) -> None:
    """A hidden row with input cells (or one too low to show them): its values are read,
    but nobody sees them in Excel."""
    if not hidden:
        return
    rows = sorted(
        {xl_cell_to_rowcol(c)[0] + 1 for col in data.cells.columns for c in data.cells[col] if c}
        & hidden
    )
    for row in rows:
        sub.add(
            data.name,
            row_ref(row),
            WARNING,
            "hidden-row",
            f"Rad {row} er skjult eller så lav at den ikke vises, men verdiene i den leses. "
            "Vis raden (eller gi den vanlig høyde) og kontroller den.",
        )


def _input_cells(data: SheetData) -> list[str]:
    return [cell for cell, _, _ in _input_cells_by_column(data)]


def _input_cells_by_column(data: SheetData) -> Iterator[tuple[str, str, str]]:
    """(cell, column label, column key) of every input cell."""
    for key in data.cells.columns:
        label = data.spec.column(key).label
        for cell in data.cells[key]:
            if cell:
                yield cell, label, key


def _formula_inputs(
    sub: Submission, data: SheetData, scan: SheetScan, book: Workbook, grid: Grid
) -> None:
    """A formula in an input cell, at its cell. Its stored result is used only when a
    spreadsheet application computed it and, where the formula can be recomputed from the
    sheet's values (vrapport.formulas), it gives that result; a reference to another
    workbook never is. Nothing is recomputed on a sheet without formulas in input cells, nor
    in a workbook that stores results rounded as shown (Excel's precision as displayed)."""
    if not scan.formulas:
        return
    computed = book.computed
    evaluator: Evaluator | None = None
    for cell, label, key in _input_cells_by_column(data):
        formula = scan.formula(cell)
        if formula is None:
            continue
        shown = _shown_formula(formula)
        through = linked_name(formula, book.external_names)
        if scan.external(cell) or through:
            via = f" gjennom navnet {quoted(through)}" if through else ""
            sub.add(
                data.name,
                cell,
                ERROR,
                "external-reference",
                f"Cellen henter verdien fra en annen arbeidsbok{via} ({shown}); den verdien "
                "brukes ikke. Skriv inn tallet i cellen.",
                label,
                key,
            )
        elif not computed:
            sub.add(
                data.name,
                cell,
                ERROR,
                "formula-not-computed",
                f"Cellen har {_formula_named(formula)}, men filen er ikke beregnet og lagret av "
                "Excel (den er laget av et annet program, eller ber om ny beregning når den "
                "åpnes), så den lagrede verdien kan være feil. Åpne filen i Excel, lagre den og "
                "send den på nytt – eller skriv inn verdien.",
                label,
                key,
            )
        else:
            if evaluator is None:
                evaluator = Evaluator(grid, scan.special, formulas=scan)
            stored = _stored_number(_at(grid, *xl_cell_to_rowcol(cell)))
            judged = stored is not None and book.full_precision
            value = evaluator.evaluate(formula, cell) if judged else None
            if stored is not None and value is not None and not close(stored, value):
                was, gives = _distinct(stored, value)
                message = (
                    f"Cellen har formelen {shown}, som med verdiene i arket nå gir {gives}, men "
                    f"den lagrede verdien er {was}. Den lagrede verdien er utdatert eller endret "
                    "i filen og brukes ikke. Åpne filen i Excel, beregn på nytt (Ctrl+Alt+F9), "
                    "lagre og send den på nytt – eller skriv inn riktig verdi i cellen."
                )
                params = (("formula", formula), ("stored", stored), ("computed", value))
                sub.findings.append(
                    Finding(
                        sub.display,
                        data.name,
                        cell,
                        ERROR,
                        "formula-stale",
                        message,
                        column=label,
                        key=key,
                        params=params,
                    )
                )
                continue
            sub.add(
                data.name,
                cell,
                WARNING,
                "formula-in-input",
                f"Cellen har {_formula_named(formula)}; resultatet som ble lagret sist filen ble "
                "beregnet, leses. Skriv inn verdien hvis den ikke skal endre seg.",
                label,
                key,
            )


MAX_UNREAD_COLUMNS = 5  # columns beside a register named, one finding each


def _unread_columns(sub: Submission, data: SheetData, grid: Grid) -> None:
    """Values in a column of a register that is not one of the template's (a column added
    beside the table or between its columns, with or without a header) are not read: a
    warning at the column's header cell naming how many there are, never left out without
    a word."""
    if not data.columns:
        return
    header, read = data.header_row, set(data.columns.values())
    body = grid[header + 1 :]
    width = max(map(len, grid[header:]), default=0)
    named = 0
    for c in range(min(read), width):
        if c in read:
            continue
        rows = [r for r, value in enumerate(_column_values(body, c)) if value is not None]
        if not rows:
            continue
        top = xl_rowcol_to_cell(header, c)
        title = _value(grid[header][c]) if c < len(grid[header]) else None
        what = (
            f"Kolonnen {quoted(title)} ({top})"
            if title is not None
            else f"Kolonne {xl_col_to_name(c)}"
        )
        first, last = (xl_rowcol_to_cell(header + 1 + r, c) for r in (rows[0], rows[-1]))
        if len(rows) == 1:
            where, they, them = f"en verdi i {first}", "den", "den"
        else:
            count = format_number(len(rows))
            where, they, them = f"verdier i {count} celler fra {first} til {last}", "de", "dem"
        sub.add(
            data.name,
            top,
            WARNING,
            "unread-column-values",
            f"{what} er ikke en av malens kolonner, men har "
            f"{where}; {they} leses ikke. Hører {they} til rapporten, før {them} i malens "
            "kolonner.",
        )
        named += 1
        if named == MAX_UNREAD_COLUMNS:
            return


def _formula_labels(
    sub: Submission,
    sheet: SheetSpec,
    name: str,
    scan: SheetScan,
    book: Workbook,
    grid: Grid,
    anchor: tuple[int, int],
) -> None:
    """A header or row label given by a formula, in a file no spreadsheet application
    computed: its stored text decides which figures are which, and may be anything. An
    error at its cell (where Excel computed the file, the text is the formula's)."""
    if not scan.formulas or book.computed:
        return
    top, left = anchor
    header_rows = range(top - 1, top + 2) if sheet.kind == "grid" else range(top, top + 1)
    for cell in scan.formulas:
        r, c = xl_cell_to_rowcol(cell)
        label = (r in header_rows and c >= left) or (
            sheet.kind != "records" and c == left and r > top
        )
        text = _at(grid, r, c) if label else None
        if not isinstance(text, str):
            continue
        formula = scan.formula(cell) or ""
        sub.add(
            name,
            cell,
            ERROR,
            "formula-in-label",
            f"Teksten {quoted(text)} er resultatet av {_formula_named(formula)}, men "
            "filen er ikke beregnet og lagret av Excel, så teksten kan være feil – og den avgjør "
            "hvilke tall som leses hvor. Skriv inn teksten fra malen i cellen, eller åpne "
            "filen i Excel, lagre den og send den på nytt.",
        )


def _shown_formula(formula: str) -> str:
    return quoted(formula if len(formula) <= 60 else formula[:59] + "…")


def _formula_named(formula: str) -> str:
    """'formelen «=D6+505»' as a finding names a cell's formula; a shared formula's
    follower whose group has no first cell with the text (a file Excel did not write) has
    none to show."""
    if formula == SHARED_FOLLOWER:
        return (
            "en delt formel uten tekst (gruppens første celle, der Excel lagrer formelen, mangler)"
        )
    return f"formelen {_shown_formula(formula)}"


def _stored_number(stored: object) -> float | None:
    """A formula's stored result as the number column will read it: a number, or a result
    stored as text that reads as one (`t="str"`, which coercion reads as a number)."""
    if is_number(stored):
        return stored
    return parse_number_text(stored) if isinstance(stored, str) else None


def _distinct(a: float, b: float) -> tuple[str, str]:
    """Two different numbers as findings show numbers, with as many decimals as it takes to
    tell them apart (a formula's result may differ only in the fifth decimal)."""
    first, second = format_plain(a), format_plain(b)
    decimals = 5
    while first == second and decimals <= 15:
        first, second = (format_number(v, decimals).rstrip("0").rstrip(",") for v in (a, b))
        decimals += 1
    return first, second


def _hidden_columns(sub: Submission, data: SheetData, hidden: list[tuple[int, int]]) -> None:
    """A hidden column with input cells (or one too narrow to show them): its values are
    read, but nobody sees them."""
    if not hidden:
        return
    rows_by_col: dict[int, list[int]] = {}
    for cell in _input_cells(data):
        row, col = xl_cell_to_rowcol(cell)
        if any(low <= col + 1 <= high for low, high in hidden):
            rows_by_col.setdefault(col, []).append(row)
    for col, rows in sorted(rows_by_col.items()):
        letter = xl_col_to_name(col)
        first, last = xl_rowcol_to_cell(min(rows), col), xl_rowcol_to_cell(max(rows), col)
        sub.add(
            data.name,
            first if first == last else f"{first}:{last}",
            WARNING,
            "hidden-column",
            f"Kolonne {letter} er skjult eller så smal at den ikke vises, men verdiene i den "
            "leses. Vis kolonnen (eller gi den vanlig bredde) og kontroller den.",
        )


NUMBER_TYPES = ("integer", "decimal", "percent")


def _number_formats(
    sub: Submission,
    data: SheetData,
    formats: dict[str, str],
    grid: Grid,
    conditional: Sequence[tuple[tuple[int, int], tuple[int, int], str]] = (),
) -> None:
    """A number whose cell's format shows it otherwise than the template's does: scaled
    («#,##0,» divides by 1 000, «%» multiplies by 100) or with digits of its own is an error,
    since the department sees and checks another number than the report gets; hidden
    («;;;», a text-only section, type nobody sees) a warning. A 0 not shown is no finding.
    A conditional format's number format and colours count as the cell's (Excel shows them
    while the rule holds; which rules hold is not known, so each over the cell is judged,
    and the first that gives a finding is the cell's)."""
    if not formats and not conditional:
        return
    by_rules = _conditional_codes(data, conditional) if conditional else {}
    for cell, label, key in _input_cells_by_column(data):
        code = formats.get(cell)
        colours = None  # the cell's own colours, when its style is so marked
        if code is not None and (colours := marked_colours(code)) is not None:
            code = marked_format(code) or None  # and its number format, when it has one
        if code is None and cell not in by_rules:
            continue
        column = data.spec.column(key)
        value = _at(grid, *xl_cell_to_rowcol(cell))
        if column.type not in NUMBER_TYPES or not is_number(value):
            continue
        if code is not None and _judge_format(sub, data, cell, label, key, code, value, False):
            continue
        for rule in by_rules.get(cell, ()):
            by_fill = False
            given = marked_colours(rule, rule=True)
            if given is not None:  # the rule's type or fill with the cell's own colours
                unseen = rule_unseen(given, colours)
                if unseen is None:
                    continue
                rule, by_fill = unseen, given.startswith("- ")
            if _judge_format(sub, data, cell, label, key, rule, value, True, by_fill):
                break


def _judge_format(
    sub: Submission,
    data: SheetData,
    cell: str,
    label: str,
    key: str,
    code: str,
    value: float,
    by_rule: bool,
    by_fill: bool = False,
) -> bool:
    """The finding, if any, of the number `value` at `cell` shown with the format `code`
    (WHITE_TYPE, FILL_TYPE, TINY_TYPE, NO_VALUE or a number format's code; `by_rule`: a
    conditional format's, `by_fill` one giving only the fill). True when there is one."""
    column = data.spec.column(key)
    if code in (WHITE_TYPE, FILL_TYPE, TINY_TYPE, NO_VALUE):
        if value == 0:
            return False
        message = _unseen_type(value, code, by_rule, by_fill)
        sub.add(data.name, cell, WARNING, "number-format-hides", message, label, key)
        return True
    expected_code = column.number_format or DEFAULT_FORMATS.get(column.type, "")
    if code == expected_code:
        return False
    named = quoted(as_written(code)) + (" i en betinget formatering" if by_rule else "")
    got = shown(code, value)
    meant = shown(expected_code, value) if expected_code else Shown()
    stored = format_plain(value)
    redo = "Gi cellen malens tallformat igjen (Hjem › Tall) og kontroller tallet."
    if got.hidden and not meant.hidden and value != 0:
        if got.white:
            what = "viser det med hvit skrift"
        elif got.unseen_colour:
            what = "viser det i en farge som ikke ses på cellens fyllfarge"
        else:
            what = f"viser bare teksten {quoted(got.text)}" if got.text else "skjuler det"
        message = (
            f"Tallet {stored} vises ikke i cellen (tallformatet {named} {what}), "
            f"men det leses og kommer i rapporten. {redo}"
        )
        sub.add(data.name, cell, WARNING, "number-format-hides", message, label, key)
    elif got.date and not meant.date:
        message = (
            f"Cellen viser tallet som dato eller klokkeslett (tallformatet {named}), men "
            f"tallet som er lagret og kommer i rapporten, er {stored}. {redo}"
        )
        sub.add(data.name, cell, ERROR, "number-format-alters", message, label, key)
    elif not got.hidden and not got.date and got.factor != meant.factor:
        ratio = got.factor / meant.factor
        how = (
            f"ganget med {format_plain(ratio)}"
            if ratio > 1
            else f"delt på {format_plain(1 / ratio)}"
        )
        seen = format_number(value * got.factor, got.decimals) + ("\u00a0%" if got.percent else "")
        message = (
            f"Cellen viser tallet {how} (tallformatet {named}): {seen} vises, men "
            f"tallet som er lagret og kommer i rapporten, er {stored}. Skriv tallet slik "
            f"det skal stå i rapporten. {redo}"
        )
        sub.add(data.name, cell, ERROR, "number-format-alters", message, label, key)
    elif got.unsigned and not meant.unsigned:
        message = (
            f"Cellen viser tallet uten minustegn (tallformatet {named}): "
            f"{format_number(-value, got.decimals)} vises, men tallet som er lagret og kommer "
            f"i rapporten, er {stored}. {redo}"
        )
        sub.add(data.name, cell, ERROR, "number-format-alters", message, label, key)
    elif got.digits and not meant.digits:
        message = (
            f"Tallformatet {named} viser sifre som ikke er en del av tallet; "
            f"tallet som er lagret og kommer i rapporten, er {stored}. {redo}"
        )
        sub.add(data.name, cell, ERROR, "number-format-alters", message, label, key)
    else:
        return False
    return True


def _unseen_type(value: float, code: str, by_rule: bool, by_fill: bool = False) -> str:
    """The message of a figure written in type nobody sees (`code`: WHITE_TYPE, FILL_TYPE,
    TINY_TYPE),
    or not shown at all (NO_VALUE: a data bar or icon set without it), by the cell's style
    or (`by_rule`) by a conditional format while its rule holds (`by_fill`: one giving the
    fill only, under the cell's own type)."""
    if code == NO_VALUE:
        why = "en betinget formatering viser bare en datastolpe eller et ikon, ikke tallet"
    elif code == TINY_TYPE:
        why = (
            "en betinget formatering gir cellen så liten skrift at tallet ikke kan leses"
            if by_rule
            else "cellen har så liten skrift at tallet ikke kan leses"
        )
    elif by_fill:
        why = (
            "cellen har hvit skrift, og en betinget formatering gir den lys fyllfarge"
            if code == WHITE_TYPE
            else "en betinget formatering gir cellen fyllfarge i samme farge som skriften"
        )
    elif code == WHITE_TYPE:
        why = (
            "en betinget formatering gir cellen hvit skrift"
            if by_rule
            else "cellen har hvit skrift"
        )
    elif by_rule:
        why = "en betinget formatering gir cellen skrift i samme farge som fyllfargen"
    else:
        why = "skriftfargen er den samme som cellens fyllfarge"
    if by_rule:
        fix = "Fjern den betingede formateringen (Hjem › Betinget formatering › Fjern regler)"
    elif code == TINY_TYPE:
        fix = "Gi cellen malens skriftstørrelse (Hjem › Skriftstørrelse)"
    else:
        fix = "Gi cellen vanlig skriftfarge (Hjem › Skriftfarge › Automatisk)"
    return (
        f"Tallet {format_plain(value)} vises ikke i cellen ({why}), men det leses og kommer "
        f"i rapporten. {fix} og kontroller tallet."
    )


def _conditional_codes(
    data: SheetData, rules: Sequence[tuple[tuple[int, int], tuple[int, int], str]]
) -> dict[str, list[str]]:
    """The codes of the conditional formats over each input cell they cover, each once, in
    the sheet's order. Per column the input rows are sorted, and per code the rows it has
    been given to are skipped (pointers to the next row without it), so the work is the
    cells times the codes over them plus the rules, not cells times rules (1 000 rules over
    a register of 20 000 rows took 4,5 s)."""
    columns: dict[int, list[tuple[int, str]]] = {}
    for cell, _label, _key in _input_cells_by_column(data):
        row, col = (n + 1 for n in xl_cell_to_rowcol(cell))  # 1-based, as the rules
        columns.setdefault(col, []).append((row, cell))
    codes: dict[str, list[str]] = {}
    for col, cells in columns.items():
        cells.sort()
        rows = [row for row, _ in cells]
        # per code: the first row at or after i without it
        free: dict[str, list[int]] = {}
        for (r0, c0), (r1, c1), code in rules:
            if not c0 <= col <= c1:
                continue
            after = free.get(code)
            if after is None:
                after = free[code] = list(range(len(rows) + 1))
            end = bisect.bisect_right(rows, r1)
            i = _first_free(after, bisect.bisect_left(rows, r0))
            while i < end:
                codes.setdefault(cells[i][1], []).append(code)
                after[i] = i + 1
                i = _first_free(after, i + 1)
    return codes


def _first_free(after: list[int], i: int) -> int:
    """The first index at or after `i` that `after` points to itself (no format yet),
    shortening the path for the next search."""
    root = i
    while after[root] != root:
        root = after[root]
    while after[i] != root:
        after[i], i = root, after[i]
    return root


def _merged_inputs(sub: Submission, data: SheetData, merged: list[Any]) -> None:
    """Merged cells over input cells hide values from every reader but the first cell's.
    Each range is tested as a range (a 2-D prefix sum of the input cells), never expanded
    cell by cell: one merged range may cover millions of cells."""

    if not merged:
        return
    points = [
        xl_cell_to_rowcol(c) for column in data.cells.columns for c in data.cells[column] if c
    ]
    if not points:
        return
    rows, cols = np.array(points, dtype=np.int64).T
    height, width = int(rows.max()) + 1, int(cols.max()) + 1
    counts = np.zeros((height + 1, width + 1), dtype=np.int32)
    np.add.at(counts, (rows + 1, cols + 1), 1)
    prefix = counts.cumsum(axis=0).cumsum(axis=1)
    for (r0, c0), (r1, c1) in merged:
        top, bottom = max(r0, 0), min(r1, height - 1)
        left, right = max(c0, 0), min(c1, width - 1)
        if top > bottom or left > right:
            continue
        inside = (
            prefix[bottom + 1, right + 1]
            - prefix[top, right + 1]
            - prefix[bottom + 1, left]
            + prefix[top, left]
        )
        if inside:
            first, last = xl_rowcol_to_cell(r0, c0), xl_rowcol_to_cell(r1, c1)
            sub.add(
                data.name,
                f"{first}:{last}",
                ERROR,
                "merged-input-cells",
                f"Cellene {first}:{last} er slått sammen. Opphev sammenslåingen; hver celle "
                "skal ha sin egen verdi.",
            )


def _mark_special(data: SheetData, special: dict[str, str]) -> None:
    if not special:
        return
    for column in data.cells.columns:
        for index, cell in data.cells[column].items():
            if cell in special:
                data.frame.at[index, column] = SpecialCell(special[cell])
