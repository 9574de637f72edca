"""The report model: sections of generic blocks (text, table, chart, key figures).

Consolidation builds these objects; the writer renders any of them. A new report section
needs new consolidation code only, never new writer code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from vrapport.period import Period

TextStyle = Literal["heading1", "heading2", "heading3", "body", "caption", "drafted", "note"]
RowStyle = Literal["normal", "bold", "total"]
Status = Literal["green", "yellow", "red"]  # a traffic light
THOUSANDS = "#,##0"
VARIANCE = "#,##0;[Red]-#,##0"  # negative (unfavourable) variances in red
PERCENT = "0 %"  # Norwegian: a space before the percent sign
COUNT = "#,##0"


@dataclass(frozen=True)
class Text:
    text: str
    style: TextStyle = "body"
    # The name of a sheet to link to (a table of contents entry).
    link: str | None = None
    # The start of `text` that names what a paragraph explains («Linjeleie og Annet»),
    # printed bold; the text itself holds it, so every reader of the text sees it.
    lead: str = ""


@dataclass(frozen=True)
class HeaderCell:
    text: str
    span: int = 1


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    values: tuple[Any, ...]
    style: RowStyle = "normal"
    number_format: str | None = None
    # Optional per-cell fill colours (traffic lights, targets missed), same length as values.
    fills: tuple[str | None, ...] | None = None
    # Optional lineage: per value, the source cells it was computed from
    # ("okonomi.xlsx › Resultat › B6:B8"), shown on the Kilder sheet.
    sources: tuple[str | None, ...] | None = None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[Row, ...]
    number_format: str = THOUSANDS
    column_formats: tuple[str | None, ...] | None = None
    caption: str = ""
    label_header: str = ""
    # Widths (characters) of the label column and the value columns, for tables of text
    # (e.g. risks); None keeps the sheet's default widths. Text values wrap.
    column_widths: tuple[float, ...] | None = None
    # For tables of text sharing a sheet with narrower tables: how many sheet columns each
    # value column spans (merged cells), e.g. (4, 4) for two wide text columns. Text values
    # wrap. None: one sheet column each. Charts assume one sheet column per value.
    column_spans: tuple[int, ...] | None = None

    # Computed once per table (they look at every row); a table is immutable.
    @cached_property
    def width(self) -> int:
        """Number of value columns."""
        return max((len(r.values) for r in self.rows), default=0)

    @cached_property
    def spans(self) -> tuple[int, ...]:
        """Sheet columns per value column."""
        given = self.column_spans or ()
        return tuple(given[c] if c < len(given) else 1 for c in range(self.width))

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def row_index(self, key: str) -> int:
        for index, row in enumerate(self.rows):
            if row.key == key:
                return index
        raise KeyError(key)

    def format_for(self, row: Row, column: int) -> str:
        if row.number_format:
            return row.number_format
        if self.column_formats and column < len(self.column_formats):
            return self.column_formats[column] or self.number_format
        return self.number_format


@dataclass(frozen=True)
class Series:
    """A chart series: one row of a table, over the chart's category columns."""

    row: str
    name: str = ""
    kind: Literal["column", "line"] | None = None
    color: str | None = None
    dash: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    table: str
    series: tuple[Series, ...]
    kind: Literal["column", "line"] = "column"
    first_column: int = 0
    last_column: int | None = None
    y_title: str = ""
    number_format: str = COUNT


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: float | None
    number_format: str = COUNT
    status: Status | None = None
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    title: str
    items: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Contents:
    """The table of contents: under `title`, a line linking to each section of the report
    being written that has a `contents` entry. It is drawn from the sections written, so a
    workbook without some sections (the board pack) lists only what it holds."""

    title: str = "Innhold"


Block = Text | Table | Chart | KeyFigures | Contents


@dataclass(frozen=True)
class Section:
    key: str
    sheet: str
    title: str
    blocks: tuple[Block, ...]
    facts: dict[str, Any] = field(default_factory=dict)
    # Its line in the table of contents ("2. Økonomi"); empty: not listed (the front page).
    contents: str = ""
    # Part of the board pack (the PDF); False for audit material that stays in the workbook.
    board: bool = True
    # Why a fact is None, for the front page to say instead of a figure («Mangler tellingen
    # pr. 1. april»): fact name -> note.
    fact_notes: dict[str, str] = field(default_factory=dict)

    def table(self, key: str) -> Table:
        for block in self.blocks:
            if isinstance(block, Table) and block.key == key:
                return block
        raise KeyError(key)


@dataclass(frozen=True)
class Report:
    title: str
    organisation: str
    period: Period
    sections: tuple[Section, ...]

    @property
    def heading(self) -> str:
        """'Virksomhetsrapport pr. 31. mars 2024'"""
        return f"{self.title} {self.period.as_of}"

    def board_pack(self) -> Report:
        """The report as the board reads it: its board sections only (no Kilder); the
        contents, drawn from the sections written, list just those."""
        return replace(self, sections=tuple(s for s in self.sections if s.board))
