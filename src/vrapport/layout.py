"""The fixed parts of a template workbook that the template writer and the reader share:
the names of the sheets every template has besides its input sheets, and the hidden `_meta`
sheet, its rows and the cell of each value.

`_meta` is a two-column table: a header row (`key`, `value`), then one row per key in
`META_KEYS` order, the key in column A and its value in column B. A finding about a value
in `_meta` names its cell with `meta_cell(key)`; no module writes such a cell by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "Veiledning"
META_HEADER = ("key", "value")
META_KEYS = ("template_id", "spec_version", "period", "organisation", "generator")
KEY_COLUMN, VALUE_COLUMN = 0, 1
FIRST_META_ROW = 1  # 0-based: the row after the header


@dataclass(frozen=True)
class Meta:
    """What the hidden _meta sheet holds."""

    template_id: str
    spec_version: int
    period: str
    organisation: str
    generator: str

    def rows(self) -> list[tuple[str, str]]:
        """(key, value) in sheet order."""
        return [(key, str(getattr(self, key))) for key in META_KEYS]


def meta_row(key: str) -> int:
    """The 0-based sheet row of `key` in _meta."""
    return FIRST_META_ROW + META_KEYS.index(key)


def meta_cell(key: str) -> str:
    """The A1 cell of the value of `key` in _meta ('period' -> 'B4')."""
    return xl_rowcol_to_cell(meta_row(key), VALUE_COLUMN)


@dataclass(frozen=True)
class MetaRead:
    """What a _meta sheet was found to hold: each key's value (as text) and the cell it was
    read from, and the keys given twice with different values (key, first cell, other cell)."""

    values: dict[str, str]
    cells: dict[str, str]
    conflicts: tuple[tuple[str, str, str], ...] = ()
    # the keys whose cell holds a date (Excel turns a period typed as «2024-03» into the
    # date 1.3.2024): their value is the date as dd.mm.åååå, the date itself here
    dates: dict[str, dt.date] = field(default_factory=dict)


def read_meta(grid: list[list[Any]]) -> MetaRead:
    """The keys and values of a _meta sheet's values, keys found by their label in column A,
    so a reordered or extended sheet is still read. A key given twice keeps its first value;
    a second, different value is a conflict (the file's identity is then in doubt)."""
    values: dict[str, str] = {}
    cells: dict[str, str] = {}
    conflicts: list[tuple[str, str, str]] = []
    dates: dict[str, dt.date] = {}
    for index, row in enumerate(grid):
        if len(row) > VALUE_COLUMN and isinstance(row[KEY_COLUMN], str) and row[KEY_COLUMN].strip():
            value = row[VALUE_COLUMN]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            key = row[KEY_COLUMN].strip().casefold()  # «Period» is the key period
            day = value.date() if isinstance(value, dt.datetime) else value
            if isinstance(day, dt.date):
                text = f"{day:%d.%m.%Y}"  # as Norwegian Excel shows a date
            else:
                text = "" if value is None else str(value).strip()
            cell = xl_rowcol_to_cell(index, VALUE_COLUMN)
            if key not in values:
                values[key], cells[key] = text, cell
                if isinstance(day, dt.date):
                    dates[key] = day
            elif text != values[key]:
                conflicts.append((key, cells[key], cell))
    return MetaRead(values, cells, tuple(conflicts), dates)
