"""Render a Report to an .xlsx workbook with xlsxwriter.

One small function per block type. Tables are written with numbers as numbers (already
rounded for display, so every reader sees the printed figure) and number formats; charts
take their ranges from where their table was written, never from typed coordinates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname, xl_range_abs
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from vrapport import __version__
from vrapport.atomic import atomic_path
from vrapport.outputs import KEYWORDS
from vrapport.report.model import (
    Block,
    Chart,
    Contents,
    KeyFigures,
    Report,
    Section,
    Table,
    Text,
)
from vrapport.report.pages import Extent, Kind, column_points, page_breaks, page_height
from vrapport.report.styles import CHART_ROWS, LABEL_WIDTH, SERIES_COLORS, VALUE_WIDTH, Styles
from vrapport.reportfile import page_footer
from vrapport.xlsxbook import new_workbook

TEXT_COLUMNS = 8
CHART_WIDTH = 760  # pixels
CHARS_PER_LINE = int((LABEL_WIDTH + (TEXT_COLUMNS - 1) * VALUE_WIDTH) * 1.15)
# Excel's limits (Excel specifications and limits): characters in a cell, row height in
# points, rows and columns of a sheet. Nothing this writer writes goes beyond them.
MAX_CELL_CHARS = 32_767
MAX_ROW_HEIGHT = 409.0
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
ELLIPSIS = " …"
# Lines of body text one row shows (a longer text continues on the next rows).
# Where text Excel would read as an escaped character begins («_x2014_» is «—»). xlsxwriter
# escapes such text once in a plain string (as «_x005F_x2014_», read back as the text typed)
# but twice in a rich string's run (read back as «_x005F_x2014_»): a run is cut after each
# «_x» that begins one (_runs), so no run holds one to escape and the text is as typed.
_EXCEL_ESCAPE = re.compile(r"(?=_x[0-9a-fA-F]{4}_)")


def _runs(run_format: Format, text: str) -> list[Format | str]:
    """`text` as rich-string fragments in `run_format`: one, or more where it holds an
    `_xHHHH_` (cut after its «_x»: no fragment holds one, none is empty)."""
    cuts = [found.start() + 2 for found in _EXCEL_ESCAPE.finditer(text)]
    parts: list[Format | str] = []
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        parts += [run_format, text[start:end]]
    return parts


LINES_PER_ROW = int((MAX_ROW_HEIGHT - 2) // 15)
# A report whose tables hold at most this many rows is assembled in memory (new_workbook).
# Whole builds, 4 December 2026: the example report (471 rows) 20-40 ms faster in memory,
# ×100 registers (2 645 rows) faster too, ×650 (14 863 rows) 0.7 s slower.
IN_MEMORY_ROWS = 5_000


def fit_cell(text: str) -> str:
    """`text` as one cell can hold it: cut, with a visible mark, beyond Excel's limit. Texts
    vrapport makes long (citations, drafted lists) are split or summarised before they get
    here; this is the writer's guarantee, not the way long texts are handled."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    return text[: MAX_CELL_CHARS - len(ELLIPSIS)] + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """`text` in consecutive pieces of at most `limit` characters, broken after a sentence
    or at a space where there is one."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind(". ", 0, limit - 1) + 1
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return pieces


def _lines(text: str) -> int:
    """Lines a body text takes, wrapped over the text columns."""
    return max(1, sum(math.ceil(max(len(part), 1) / CHARS_PER_LINE) for part in text.split("\n")))


def _row_texts(text: str) -> list[str]:
    """A body text in pieces that one row each shows in full (most texts: one piece)."""
    if _lines(text) <= LINES_PER_ROW:
        return [text]
    pieces: list[str] = []
    current = ""
    for part in text.split("\n"):
        for chunk in split_text(part, (LINES_PER_ROW - 1) * CHARS_PER_LINE):
            candidate = f"{current}\n{chunk}" if current else chunk
            if current and _lines(candidate) > LINES_PER_ROW:
                pieces.append(current)
                current = chunk
            else:
                current = candidate
    pieces.append(current)
    return pieces


class WriteError(RuntimeError):
    """xlsxwriter refused a value (out of range, string too long)."""


@dataclass(frozen=True)
class Placed:
    """Where a table was written: its first data row and first value column."""

    sheet: str
    first_row: int
    first_col: int
    category_row: int
    table: Table


def _charted(values: tuple[Any, ...], first: int, last: int) -> list[str | None]:
    """The values a chart series shows, for the chart's cache (what a viewer that does not
    read the cells draws, e.g. a mail or phone preview): each number as its cell holds it
    (xlsxwriter writes 16 significant digits), and None (no point, as Excel draws a blank
    cell) for a blank. Left to xlsxwriter, a blank cell that has a format is cached as 0:
    a line through April to December at zero in a March report."""
    shown = values[first : last + 1]
    return [
        f"{value:.16g}" if isinstance(value, int | float) and not isinstance(value, bool) else None
        for value in (*shown, *(None,) * (last + 1 - first - len(shown)))
    ]


def _ok(code: int, what: str) -> None:
    if code < 0:
        raise WriteError(f"kunne ikke skrive {what} (xlsxwriter-kode {code})")


class _SheetWriter:
    def __init__(
        self, workbook: Workbook, styles: Styles, section: Section, report: Report
    ) -> None:
        self.workbook = workbook
        self.styles = styles
        self.section = section
        self.report = report
        self.ws: Worksheet = workbook.add_worksheet(section.sheet)
        self.row = 0
        self.placed: dict[str, Placed] = {}
        self.heights: dict[int, float] = {}
        self.widths: dict[int, float] = {0: LABEL_WIDTH, **dict.fromkeys(range(1, 15), VALUE_WIDTH)}
        self.last_col = 0
        self.extents: list[Extent] = []
        self._setup(report)

    def _set_row(self, row: int, height: float) -> None:
        height = min(height, MAX_ROW_HEIGHT)
        self.heights[row] = height
        self.ws.set_row(row, height)

    def _string(self, row: int, col: int, text: str, fmt: Any, what: str) -> None:
        if row >= MAX_ROWS or col >= MAX_COLS:
            raise WriteError(f"{what} får ikke plass på arket «{self.section.sheet}»")
        _ok(self.ws.write_string(row, col, fit_cell(text), fmt), what)

    def _used(self, last_col: int) -> None:
        self.last_col = max(self.last_col, last_col)

    def page(self) -> float:
        """Points of rows a printed page of this sheet holds (see `pages.page_height`)."""
        width = sum(
            column_points(self.widths.get(c, VALUE_WIDTH)) for c in range(self.last_col + 1)
        )
        return page_height(width, self.heights.get(0, 21.0))

    def finish(self) -> None:
        """Set page breaks so that no heading, table or chart is split needlessly."""
        breaks = page_breaks(self.extents, self.heights, self.page())
        if breaks:
            self.ws.set_h_pagebreaks(breaks)

    def _setup(self, report: Report) -> None:
        ws = self.ws
        ws.set_column(0, 0, LABEL_WIDTH)
        ws.set_column(1, 14, VALUE_WIDTH)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer(page_footer(report.organisation, report.heading))
        ws.hide_gridlines(2)
        ws.repeat_rows(0)

    def write(self, block: Block) -> None:
        first = self.row
        self._write(block)
        self.extents.append(Extent(first, self.row, _kind(block)))

    def _write(self, block: Block) -> None:
        if isinstance(block, Text):
            self._text(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, KeyFigures):
            self._key_figures(block)
        elif isinstance(block, Contents):
            self._contents(block)
        else:  # pragma: no cover - the model is closed
            raise TypeError(type(block))

    def _text(self, block: Text) -> None:
        fmt = self.styles.text(block.style)
        if block.style in ("body", "drafted", "note"):
            for number, piece in enumerate(_row_texts(block.text)):
                self.ws.merge_range(self.row, 0, self.row, TEXT_COLUMNS - 1, "", fmt)
                lead = block.lead if number == 0 else ""
                if lead and piece.startswith(lead) and len(piece) > len(lead):
                    bold, normal = (
                        self.styles.run(block.style, bold=True),
                        self.styles.run(block.style),
                    )
                    parts = [*_runs(bold, lead), *_runs(normal, piece[len(lead) :]), fmt]
                    _ok(self.ws.write_rich_string(self.row, 0, *parts), "tekst")
                else:
                    self._string(self.row, 0, piece, fmt, "tekst")
                self._set_row(self.row, 15 * _lines(piece) + 2)
                self.row += 1
            self._used(TEXT_COLUMNS - 1)
            self.row += 1
            return
        if block.link:
            target = f"internal:{quote_sheetname(block.link)}!A1"
            link_fmt = self.styles.get(font_color="#0563C1", underline=1, font_size=12)
            _ok(self.ws.write_url(self.row, 0, target, link_fmt, fit_cell(block.text)), "lenke")
            self.row += 1
            return
        self._string(self.row, 0, block.text, fmt, "overskrift")
        self.row += 2 if block.style == "heading1" else 1

    def _contents(self, block: Contents) -> None:
        """A linked line per listed section of the report being written, then a blank row."""
        self._text(Text(block.title, "heading2"))
        for section in self.report.sections:
            if section.contents:
                self._text(Text(section.contents, "heading3", link=section.sheet))
        self._text(Text("", "heading3"))

    def _table(self, table: Table) -> None:
        ws, styles = self.ws, self.styles
        if table.title:
            self._string(self.row, 0, table.title, styles.table_title(), "tabelltittel")
            self.row += 1
        spans = table.spans  # once per table: it looks at every row
        widths = table.column_widths or (LABEL_WIDTH,) + tuple(VALUE_WIDTH * s for s in spans)
        numeric = _number_columns(table)
        for level, header in enumerate(table.header):
            self._set_row(self.row, _header_height(header, widths))
            col = 0
            last = level == len(table.header) - 1
            for cell in header:
                fmt = styles.header(
                    first=col == 0, numbers=last and cell.span == 1 and col in numeric
                )
                text = (
                    cell.text
                    if col or level < len(table.header) - 1
                    else (cell.text or table.label_header)
                )
                if cell.span > 1:
                    ws.merge_range(self.row, col, self.row, col + cell.span - 1, "", fmt)
                    self._string(self.row, col, text, fmt, "kolonneoverskrift")
                else:
                    self._string(self.row, col, text, fmt, "kolonneoverskrift")
                col += cell.span
            self.row += 1
        category_row = self.row - 1
        first_row = self.row
        if table.column_widths:
            for c, width in enumerate(table.column_widths):
                ws.set_column(c, c, width)
                self.widths[c] = width
        wrap = bool(table.column_widths or table.column_spans)
        if self.row + len(table.rows) <= MAX_ROWS and sum(spans) < MAX_COLS:
            self._rows_within_limits(table, spans, widths, wrap)
        else:
            self._rows(table, spans, widths, wrap)
        self.placed[table.key] = Placed(self.section.sheet, first_row, 1, category_row, table)
        if table.caption:
            self._string(self.row, 0, table.caption, styles.text("caption"), "tekst")
            self.row += 1
        self.row += 1

    def _rows(
        self, table: Table, spans: tuple[int, ...], widths: tuple[float, ...], wrap: bool
    ) -> None:
        """A table's rows, each cell checked against the sheet's limits as it is written."""
        ws, styles = self.ws, self.styles
        for row in table.rows:
            self._string(self.row, 0, row.label, styles.label(row.style, wrap), "radnavn")
            col = 1
            for c, (value, span) in enumerate(zip(row.values, spans, strict=False)):
                fill = row.fills[c] if row.fills else None
                fmt = styles.value(row.style, table.format_for(row, c), fill, wrap)
                if span > 1:
                    ws.merge_range(self.row, col, self.row, col + span - 1, None, fmt)
                self._value(self.row, col, value, fmt)
                col += span
            if wrap:
                self._set_row(self.row, _wrapped_height(row, widths))
            self._used(col - 1)
            self.row += 1

    def _rows_within_limits(
        self, table: Table, spans: tuple[int, ...], widths: tuple[float, ...], wrap: bool
    ) -> None:
        """The same cells as `_rows`, for a table that fits the sheet (checked once): formats
        looked up once per kind of row, a merged cell written once, common values (text,
        numbers, blanks) handed to xlsxwriter directly. A large register's table has
        thousands of rows; this is the writer's inner loop."""
        ws, styles = self.ws, self.styles
        columns = range(len(spans))
        # (row style, row number format) -> the format of each value column without a fill
        kinds: dict[tuple[str, str | None], list[Any]] = {}
        divisors = [max(width * 1.1, 1) for width in widths]
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for row in table.rows:
            r = self.row
            label = row.label
            fmt = styles.label(row.style, wrap)
            _ok(
                write_string(r, 0, label if len(label) <= MAX_CELL_CHARS else fit_cell(label), fmt),
                "radnavn",
            )
            kind = (row.style, row.number_format)
            formats = kinds.get(kind)
            if formats is None:
                formats = kinds[kind] = [
                    styles.value(row.style, table.format_for(row, c), None, wrap) for c in columns
                ]
            fills = row.fills
            col = 1
            for c, value in enumerate(row.values[: len(spans)]):
                span = spans[c]
                fill = fills[c] if fills else None
                fmt = (
                    formats[c]
                    if fill is None
                    else styles.value(row.style, table.format_for(row, c), fill, wrap)
                )
                kind_of = value.__class__
                if span > 1:
                    self._merged(r, col, span, value, fmt)
                elif value is None:
                    write_blank(r, col, None, fmt)
                elif kind_of is str:
                    text = value if len(value) <= MAX_CELL_CHARS else fit_cell(value)
                    _ok(write_string(r, col, text, fmt), "tekst")
                elif kind_of is int or kind_of is float:
                    _ok(write_number(r, col, value, fmt), "tall")
                else:
                    self._value(r, col, value, fmt)
                col += span
            if wrap:
                lines = 1
                for text, divisor in zip((label, *row.values), divisors, strict=False):
                    if isinstance(text, str):
                        lines = max(lines, math.ceil(len(text) / divisor))
                self._set_row(r, 15 * lines + 3)
            if col - 1 > self.last_col:
                self.last_col = col - 1
            self.row += 1

    def _merged(self, row: int, col: int, span: int, value: Any, fmt: Any) -> None:
        """A value over `span` merged cells. xlsxwriter's merge_range writes the first cell
        itself: a text (not empty, and short enough that xlsxwriter cannot cut it), a number
        or a blank is handed to it, written once; anything else is written over the blank."""
        kind_of = value.__class__
        last = col + span - 1
        if (
            value is None
            or kind_of is int
            or kind_of is float
            or (kind_of is str and 0 < len(value) <= MAX_CELL_CHARS // 2)
        ):
            self.ws.merge_range(row, col, row, last, value, fmt)
            return
        self.ws.merge_range(row, col, row, last, None, fmt)
        self._value(row, col, value, fmt)

    def _columns_within(self, pixels: int) -> int:
        """The last column a drawing `pixels` wide, placed at column A, reaches."""
        col, used = 0, 0
        while True:
            used += int(self.widths.get(col, VALUE_WIDTH) * 7 + 5)
            if used >= pixels:
                return col
            col += 1

    def _value(self, row: int, col: int, value: Any, fmt: Any) -> None:
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            _ok(self.ws.write_boolean(row, col, value, fmt), "verdi")
        elif isinstance(value, int | float):
            _ok(self.ws.write_number(row, col, value, fmt), "tall")
        else:
            self._string(row, col, str(value), fmt, "tekst")

    def _chart(self, block: Chart) -> None:
        placed = self.placed.get(block.table)
        if placed is None:
            raise WriteError(
                f"figuren «{block.title}» viser til tabellen «{block.table}», "
                "som ikke er skrevet før den"
            )
        table = placed.table
        last = block.last_column if block.last_column is not None else table.width - 1
        c0, c1 = placed.first_col + block.first_column, placed.first_col + last
        sheet = quote_sheetname(placed.sheet)
        chart = self.workbook.add_chart({"type": block.kind})
        categories = f"={sheet}!{xl_range_abs(placed.category_row, c0, placed.category_row, c1)}"
        secondary = []
        for number, series in enumerate(block.series):
            r = placed.first_row + table.row_index(series.row)
            row = table.row(series.row)
            color = series.color or SERIES_COLORS[number % len(SERIES_COLORS)]
            spec: dict[str, Any] = {
                "name": series.name or row.label,
                "categories": categories,
                "values": f"={sheet}!{xl_range_abs(r, c0, r, c1)}",
                "values_data": _charted(row.values, block.first_column, last),
            }
            kind = series.kind or block.kind
            if kind == "line":
                spec["line"] = {
                    "color": color,
                    "width": 2.25,
                    "dash_type": "dash" if series.dash else "solid",
                }
                spec["marker"] = {"type": "none"} if series.dash else {"type": "circle", "size": 5}
            else:
                spec["fill"] = {"color": color}
                spec["border"] = {"none": True}
            if kind != block.kind:
                secondary.append((kind, spec))
            else:
                chart.add_series(spec)
        if secondary:
            extra = self.workbook.add_chart({"type": secondary[0][0]})
            for _kind, spec in secondary:
                extra.add_series(spec)
            chart.combine(extra)
        chart.set_title({"name": block.title, "name_font": {"size": 12}})
        chart.set_y_axis(
            {
                "num_format": block.number_format,
                "name": block.y_title,
                "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
            }
        )
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": CHART_WIDTH, "height": 320})
        chart.set_x_axis({"label_position": "low"})
        self.ws.insert_chart(self.row, 0, chart, {"x_offset": 5, "y_offset": 5})
        self._used(self._columns_within(CHART_WIDTH))
        self.row += CHART_ROWS

    def _key_figures(self, block: KeyFigures) -> None:
        styles = self.styles
        self._string(self.row, 0, block.title, styles.table_title(), "tittel")
        self.row += 1
        for item in block.items:
            self._string(self.row, 0, item.label, styles.label("normal"), "radnavn")
            self._value(
                self.row, 1, item.value, styles.value("bold", item.number_format, item.status)
            )
            if item.note:
                self._string(self.row, 2, item.note, styles.text("caption"), "tekst")
            self._used(2)
            self.row += 1
        self.row += 1


def _kind(block: Block) -> Kind:
    """What the page breaks need to know of a block (see `pages.page_breaks`)."""
    if isinstance(block, Text):
        return "heading" if block.style.startswith("heading") and not block.link else "text"
    if isinstance(block, Table):
        return "table"
    if isinstance(block, Chart):
        return "chart"
    return "other"


def _number_columns(table: Table) -> set[int]:
    """The sheet columns (1 for the first value) whose every value is a number, when each
    value takes one column; a header over one stands at the right, over its figures."""
    if table.column_spans or not table.rows:
        return set()
    numeric = set()
    for i in range(table.width):
        values = [r.values[i] for r in table.rows if i < len(r.values) and r.values[i] is not None]
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            numeric.add(i + 1)
    return numeric


def _header_height(header: tuple[Any, ...], widths: tuple[float, ...]) -> float:
    """Row height (points) that shows each header text in full, wrapped over its span."""
    lines, col = 1, 0
    for cell in header:
        span_width = sum(widths[col : col + cell.span]) or VALUE_WIDTH
        # Wrapping breaks at words, so a line holds fewer characters than the width.
        lines = max(lines, math.ceil(len(cell.text) / max(span_width * 0.85, 1)))
        col += cell.span
    return 15 * lines + 3


def _wrapped_height(row: Any, widths: tuple[float, ...]) -> float:
    """Row height (points) that shows every wrapped text cell of `row` in full."""
    cells = [row.label, *row.values]
    lines = 1
    for text, width in zip(cells, widths, strict=False):
        if isinstance(text, str):
            lines = max(lines, math.ceil(len(text) / max(width * 1.1, 1)))
    return 15 * lines + 3


def write_report(report: Report, path: Path) -> Path:
    """Write `report` to `path` atomically; the same report gives the same bytes."""
    with atomic_path(path) as tmp:
        workbook = new_workbook(tmp, in_memory=_table_rows(report) <= IN_MEMORY_ROWS)
        period = report.period
        workbook.set_properties(
            {
                "title": report.heading,
                "subject": report.title,
                "author": report.organisation,
                "company": report.organisation,
                "comments": f"Laget av vrapport {__version__}",
                "keywords": KEYWORDS,  # carried into the PDF: how a board pack is recognised
                "created": dt.datetime(period.year, period.month, period.last_day),
            }
        )
        for _ in laid_out(workbook, report):
            pass
        workbook.close()
    return path


def _table_rows(report: Report) -> int:
    return sum(
        len(block.rows)
        for section in report.sections
        for block in section.blocks
        if isinstance(block, Table)
    )


def laid_out(workbook: Workbook, report: Report) -> Iterator[tuple[Section, _SheetWriter]]:
    """Each section of `report` written as a sheet of `workbook`, with its page breaks set,
    one after the other (the tests look at how each was laid out)."""
    styles = Styles(workbook)
    for section in report.sections:
        writer = _SheetWriter(workbook, styles, section, report)
        for block in section.blocks:
            writer.write(block)
        writer.finish()
        yield section, writer
