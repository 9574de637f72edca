"""Write a department's Excel template from its spec (xlsxwriter).

Layout of every data sheet: title in row 1, help text in row 2, the header from row 4
(a grid has two header rows: months, then measures), data below. The first column holds
the row labels (locked, grey); input cells are unlocked and tinted, with Excel data
validation and a Norwegian input message. The reader does not rely on these coordinates:
it finds sheets, headers and rows by their labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from vrapport import __version__
from vrapport.atomic import atomic_path
from vrapport.layout import (
    FIRST_META_ROW,
    INSTRUCTIONS_SHEET,
    KEY_COLUMN,
    META_HEADER,
    META_SHEET,
    VALUE_COLUMN,
    Meta,
    meta_row,
)
from vrapport.numbers import format_plain
from vrapport.numfmt import DEFAULT_FORMATS
from vrapport.period import Period, month_label, with_period
from vrapport.reportfile import (
    ERROR_MESSAGE_MAX,
    LIST_MAX,
    PROMPT_TITLE_MAX,
    excel_length,
)
from vrapport.spec import ColumnSpec, ReportConfig, SheetSpec, TemplateSpec
from vrapport.xlsxbook import new_workbook

TITLE_ROW = 0
HELP_ROW = 1
HEADER_ROW = 3
LABEL_WIDTH = 46
INSTRUCTIONS_WIDTH = 100
FIXED_DATE = dt.datetime(2000, 1, 1)
INPUT_TINT = "#FFF2CC"
KEY_TINT = "#E7E6E6"
HEADER_TINT = "#D9E1F2"


def template_filename(spec: TemplateSpec, period: Period | None) -> str:
    return f"{spec.id}.xlsx" if period is None else f"{spec.id}_{period}.xlsx"


class _Formats:
    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[Any, ...], Any] = {}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.help = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.header = workbook.add_format(
            {
                "bold": True,
                "bg_color": HEADER_TINT,
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.key = workbook.add_format({"bg_color": KEY_TINT, "border": 1})
        self.text = workbook.add_format({"text_wrap": True, "valign": "top"})
        # An instruction's number and a sheet's link, on the first line of its (wrapped) text.
        self.marker = workbook.add_format({"valign": "top"})
        self.link = workbook.add_format({"valign": "top", "font_color": "blue", "underline": 1})
        self.bold = workbook.add_format({"bold": True})
        self.meta = workbook.add_format({})

    def input(self, column: ColumnSpec) -> Any:
        number_format = column.number_format or DEFAULT_FORMATS.get(column.type)
        key = ("input", number_format, column.type == "text")
        if key not in self._cache:
            props: dict[str, Any] = {"bg_color": INPUT_TINT, "border": 1, "locked": False}
            if number_format:
                props["num_format"] = number_format
            if column.type == "text":
                props.update(text_wrap=True, valign="top")
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def locked(self, column: ColumnSpec) -> Any:
        """A cell vrapport fills (e.g. last period's status): grey and locked."""
        number_format = column.number_format or DEFAULT_FORMATS.get(column.type)
        key = ("locked", number_format)
        if key not in self._cache:
            props: dict[str, Any] = {"bg_color": KEY_TINT, "border": 1, "locked": True}
            if number_format:
                props["num_format"] = number_format
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def cell(self, column: ColumnSpec) -> Any:
        return self.locked(column) if column.locked else self.input(column)


def _prompt(title: str, message: str) -> dict[str, str]:
    """A cell's input message (a spec's help text, within Excel's limit: refused at load if
    not) under the title `title` (a label, shown whole: a label longer than Excel allows in a
    title gets none, it stands right by the cell anyway)."""
    prompt = {"input_message": message}
    if excel_length(title) <= PROMPT_TITLE_MAX:
        prompt["input_title"] = title
    return prompt


def _range_text(column: ColumnSpec) -> str:
    """' mellom 1 og 5', ' på minst 0', ' på høyst 100 000' or ''."""
    if column.min is not None and column.max is not None:
        return f" mellom {format_plain(column.min)} og {format_plain(column.max)}"
    if column.min is not None:
        return f" på minst {format_plain(column.min)}"
    if column.max is not None:
        return f" på høyst {format_plain(column.max)}"
    return ""


def _validation(column: ColumnSpec, source: str | None = None) -> dict[str, Any]:
    """Excel data validation for one column, with Norwegian messages. `source`: a range
    holding a choice column's list (see `choice_lists`), when the list cannot be inline."""
    low, high = column.bounds if column.numeric else (0.0, 0.0)
    if column.type in ("decimal", "percent"):
        rule: dict[str, Any] = {
            "validate": "decimal",
            "criteria": "between",
            "minimum": low,
            "maximum": high,
        }
        error = f"Skriv et tall{_range_text(column)}."
    elif column.type == "integer":
        rule = {
            "validate": "integer",
            "criteria": "between",
            "minimum": int(low),
            "maximum": int(high),
        }
        error = f"Skriv et heltall{_range_text(column)}."
    elif column.type == "date":
        rule = {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31),
        }
        error = "Skriv en dato, f.eks. 31.03.2024."
    elif column.type == "choice" and source is not None:
        rule = {"validate": "list", "source": source}
        error = "Velg en verdi fra listen."
        if column.multiple:
            error = "Velg fra listen. Flere valg skilles med «; » (f.eks. «A; B»)."
    elif column.type == "choice":
        rule = {"validate": "list", "source": list(column.choices)}
        error = "Velg en verdi fra listen: " + ", ".join(column.choices)
        if excel_length(error) > ERROR_MESSAGE_MAX:  # the dropdown shows them all anyway
            error = "Velg en verdi fra listen."
    else:
        rule = {"validate": "length", "criteria": "<=", "value": column.max_length or 32767}
        error = f"Teksten kan være høyst {column.max_length or 32767} tegn."
    rule.update(
        _prompt(column.label, column.help or column.label),
        error_title="Ugyldig verdi",
        error_message=error,
        # Several choices in one cell are not in the list: Excel lets them through.
        error_type="information" if column.multiple else "stop",
    )
    return rule


LIST_FIRST_COLUMN = 3  # _meta: lists of choices from column D on (A–B hold the metadata)
ChoiceLists = Mapping[tuple[str, str], tuple[int, tuple[str, ...]]]


def _inline(column: ColumnSpec) -> bool:
    """Whether Excel can hold the choices inline: one choice per cell, none with a comma or
    a double quote (the rule's list is one quoted text, comma-separated), at most LIST_MAX
    in all as Excel counts (xlsxwriter writes no rule at all past it)."""
    choices = column.choices
    return (
        not column.multiple
        and not any("," in c or '"' in c for c in choices)
        and excel_length(",".join(choices)) <= LIST_MAX
    )


def choice_lists(spec: TemplateSpec) -> ChoiceLists:
    """(sheet key, column key) -> (_meta column, choices) for every choice column whose list
    is written to _meta and referenced by range (a choice holding a comma, a long list, or a
    column of several choices per cell)."""
    lists: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {}
    for sheet in spec.sheets:
        for column in sheet.columns:
            if column.type == "choice" and not _inline(column):
                lists[(sheet.key, column.key)] = (LIST_FIRST_COLUMN + len(lists), column.choices)
    return lists


def _list_source(lists: ChoiceLists, key: tuple[str, str]) -> str | None:
    if key not in lists:
        return None
    col, choices = lists[key]
    first = xl_rowcol_to_cell(0, col, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(len(choices) - 1, col, row_abs=True, col_abs=True)
    return f"='{META_SHEET}'!{first}:{last}"


def _row_labels(ws: Worksheet, sheet: SheetSpec, first: int, fmt: _Formats) -> None:
    """The locked row labels from row `first`; a row's help text is its label's input message."""
    for i, row in enumerate(sheet.rows):
        ws.write_string(first + i, 0, row.label, fmt.key)
        if row.help:
            ws.data_validation(
                first + i,
                0,
                first + i,
                0,
                {"validate": "any", **_prompt(row.label, row.help)},
            )


def _heading(ws: Worksheet, sheet: SheetSpec, period: Period | None, fmt: _Formats) -> None:
    title = " ".join(with_period(sheet.title, period).split())
    ws.write_string(TITLE_ROW, 0, title, fmt.title)
    ws.write_string(HELP_ROW, 0, with_period(sheet.help, period), fmt.help)
    _print_setup(ws)


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide, so a filled template prints readably."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _wrapped(ws: Worksheet, row: int, text: str, width: float) -> None:
    """Give a row holding wrapped text the height its lines need."""
    lines = max(1, -(-len(text) // int(width * 1.1)))
    if lines > 1:
        ws.set_row(row, 15 * lines + 2)


def _header_row(ws: Worksheet, cells: list[tuple[str, float]]) -> None:
    """Make the header row tall enough to show every (wrapped) label in full."""
    lines = max(-(-len(label) // max(int(width * 1.1), 1)) for label, width in cells)
    ws.set_row(HEADER_ROW, max(30, 15 * lines + 4))


def _protect(ws: Worksheet) -> None:
    # No password: users can unprotect on purpose, but not by accident.
    ws.protect(
        "",
        {"format_columns": True, "format_rows": True, "insert_rows": True, "insert_columns": True},
    )


def _write_grid(ws: Worksheet, sheet: SheetSpec, fmt: _Formats) -> None:
    measures = sheet.measures
    month_row, measure_row, first = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    ws.merge_range(month_row, 0, measure_row, 0, sheet.row_header, fmt.header)
    for month in range(1, 13):
        col = 1 + (month - 1) * len(measures)
        label = month_label(month)
        if len(measures) > 1:
            ws.merge_range(month_row, col, month_row, col + len(measures) - 1, label, fmt.header)
        else:
            ws.write_string(month_row, col, label, fmt.header)
        for offset, measure in enumerate(measures):
            ws.write_string(measure_row, col + offset, measure.label, fmt.header)
            ws.set_column(col + offset, col + offset, measure.width or 14)
    last_row = first + len(sheet.rows) - 1
    _row_labels(ws, sheet, first, fmt)
    for offset, measure in enumerate(measures):
        for month in range(1, 13):
            col = 1 + (month - 1) * len(measures) + offset
            for r in range(first, last_row + 1):
                ws.write_blank(r, col, None, fmt.input(measure))
            ws.data_validation(first, col, last_row, col, _validation(measure))
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.freeze_panes(first, 1)
    _protect(ws)


def _write_table(ws: Worksheet, sheet: SheetSpec, fmt: _Formats) -> None:
    first = HEADER_ROW + 1
    ws.write_string(HEADER_ROW, 0, sheet.row_header, fmt.header)
    _row_labels(ws, sheet, first, fmt)
    last_row = first + len(sheet.rows) - 1
    for c, column in enumerate(sheet.columns, start=1):
        ws.write_string(HEADER_ROW, c, column.label, fmt.header)
        for r in range(first, last_row + 1):
            ws.write_blank(r, c, None, fmt.input(column))
        ws.data_validation(first, c, last_row, c, _validation(column))
        ws.set_column(c, c, column.width or 20)
    ws.set_column(0, 0, LABEL_WIDTH)
    _header_row(
        ws, [(sheet.row_header, LABEL_WIDTH)] + [(c.label, c.width or 20) for c in sheet.columns]
    )
    ws.freeze_panes(first, 1)
    _protect(ws)


def _write_cell(ws: Worksheet, row: int, col: int, value: Any, cell_format: Any) -> None:
    """A pre-filled value, written with the typed method for its type."""
    if value is None or (isinstance(value, float) and value != value):
        ws.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, cell_format)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, cell_format)
    else:
        ws.write_string(row, col, str(value), cell_format)


def _write_records(
    ws: Worksheet,
    sheet: SheetSpec,
    fmt: _Formats,
    rows: Sequence[Mapping[str, Any]] = (),
    lists: ChoiceLists | None = None,
) -> None:
    """An Excel table with `blank_rows` empty rows after the pre-filled `rows`. A sheet with
    locked columns is protected (without a password), so those cells stay as vrapport wrote
    them."""
    first = HEADER_ROW + 1
    last_row = first + len(rows) + sheet.blank_rows - 1
    last_col = len(sheet.columns) - 1
    ws.add_table(
        HEADER_ROW,
        0,
        last_row,
        last_col,
        {
            "name": f"T_{sheet.key}",
            "style": "Table Style Light 9",
            "autofilter": False,
            "columns": [
                {"header": c.label, "header_format": fmt.header, "format": fmt.cell(c)}
                for c in sheet.columns
            ],
        },
    )
    # On a protected sheet every cell of the table carries its format (input cells unlocked).
    protected = any(column.locked for column in sheet.columns)
    for offset in range(last_row - first + 1):
        record = rows[offset] if offset < len(rows) else {}
        for c, column in enumerate(sheet.columns):
            if protected or column.key in record:
                _write_cell(ws, first + offset, c, record.get(column.key), fmt.cell(column))
    for c, column in enumerate(sheet.columns):
        source = _list_source(lists or {}, (sheet.key, column.key))
        ws.data_validation(first, c, last_row, c, _validation(column, source))
        ws.set_column(c, c, column.width or 20)
    _header_row(ws, [(c.label, c.width or 20) for c in sheet.columns])
    ws.freeze_panes(first, 0)
    if protected:
        _protect(ws)


def _write_instructions(
    ws: Worksheet, spec: TemplateSpec, report: ReportConfig, period: Period | None, fmt: _Formats
) -> None:
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, INSTRUCTIONS_WIDTH)
    _print_setup(ws)
    when = period.as_of if period else "(periode fylles inn av vrapport)"
    ws.write_string(0, 1, f"{spec.title} – innrapportering til virksomhetsrapporten", fmt.title)
    ws.write_string(1, 1, f"{report.organisation}, {when}", fmt.help)
    ws.write_string(3, 1, "Slik fyller du ut malen", fmt.bold)
    row = 4
    for number, text in enumerate(spec.instructions, start=1):
        line = with_period(text, period)
        ws.write_number(row, 0, number, fmt.marker)
        ws.write_string(row, 1, line, fmt.text)
        _wrapped(ws, row, line, INSTRUCTIONS_WIDTH)
        row += 1
    row += 1
    ws.write_string(row, 1, "Arkene i malen", fmt.bold)
    row += 1
    for sheet in spec.sheets:
        # In a reference an apostrophe of the quoted sheet name is doubled.
        quoted = sheet.name.replace("'", "''")
        ws.write_url(row, 0, f"internal:'{quoted}'!A1", fmt.link, string="→")
        line = f"{sheet.name}: {with_period(sheet.help, period)}"
        ws.write_string(row, 1, line, fmt.text)
        _wrapped(ws, row, line, INSTRUCTIONS_WIDTH)
        row += 1
    row += 1
    ws.write_string(row, 1, f"Malversjon {spec.id} v{spec.version}. Laget av vrapport.", fmt.help)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.activate()


def _write_meta(ws: Worksheet, meta: Meta, fmt: _Formats, lists: ChoiceLists) -> None:
    for column, label in ((KEY_COLUMN, META_HEADER[0]), (VALUE_COLUMN, META_HEADER[1])):
        ws.write_string(FIRST_META_ROW - 1, column, label, fmt.bold)
    for key, value in meta.rows():
        ws.write_string(meta_row(key), KEY_COLUMN, key)
        ws.write_string(meta_row(key), VALUE_COLUMN, value)
    for col, choices in lists.values():  # the lists the input sheets' dropdowns refer to
        for row, choice in enumerate(choices):
            ws.write_string(row, col, choice)
    ws.set_column(KEY_COLUMN, VALUE_COLUMN, 24)
    ws.protect()
    ws.hide()


WRITERS = {"grid": _write_grid, "table": _write_table, "records": _write_records}


def write_template(
    spec: TemplateSpec,
    report: ReportConfig,
    period: Period | None,
    path: Path,
    prefill: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Path:
    """Write the template for `spec` (and `period`, or a period-neutral blank) to `path`.

    `prefill` gives, per records sheet, rows written before the blank ones (column key ->
    value), e.g. last period's projects and their status (see vrapport.prefill).
    The bytes depend only on the spec, the report configuration, the period and `prefill`.
    The file is written next to `path` and renamed into place.
    """
    meta = Meta(
        spec.id,
        spec.version,
        "" if period is None else str(period),
        report.organisation,
        f"vrapport {__version__}",
    )
    with atomic_path(path) as tmp:
        workbook = new_workbook(tmp, in_memory=True)
        workbook.set_properties(
            {
                "title": f"{spec.title} – mal",
                "author": "vrapport",
                "company": report.organisation,
                "created": FIXED_DATE,
            }
        )
        workbook.set_custom_property("vrapport_template", f"{spec.id}@{spec.version}")
        fmt = _Formats(workbook)
        lists = choice_lists(spec)
        _write_instructions(workbook.add_worksheet(INSTRUCTIONS_SHEET), spec, report, period, fmt)
        for sheet in spec.sheets:
            ws = workbook.add_worksheet(sheet.name)
            _heading(ws, sheet, period, fmt)
            if sheet.kind == "records":
                _write_records(ws, sheet, fmt, (prefill or {}).get(sheet.key, ()), lists)
            else:
                WRITERS[sheet.kind](ws, sheet, fmt)
        _write_meta(workbook.add_worksheet(META_SHEET), meta, fmt, lists)
        workbook.close()
    return path
