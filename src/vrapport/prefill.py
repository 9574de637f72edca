"""Pre-fill a period's templates from last period's submissions.

`vrapport templates PERIOD --from DIR`: a column of a records sheet whose spec names
`prefill_from` takes, row by row, the value of that column in the previous period's
submission of the same template. The project office's template, for instance, gets last
month's projects (name, program and phase, still editable) and their status in the locked
"Forrige …" columns, which the report compares with to draw trend arrows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.fill import FillData
from vrapport.findings import ERROR, Finding
from vrapport.period import Period
from vrapport.reader import MONTH, ROW_KEY, SheetData, Submission
from vrapport.spec import SheetSpec, Specs, TemplateSpec
from vrapport.validation import check_duplicates, check_previous

PrefillRows = dict[str, list[dict[str, Any]]]


@dataclass
class Previous:
    """Last period's submissions by template id, and what checking them found."""

    submissions: dict[str, Submission] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Every file read, by its name in findings: its template id ("" when not recognised).
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def load_previous(paths: Iterable[Path], specs: Specs, period: Period) -> Previous:
    """Read and check the submissions in `paths`, each against the period stamped in it,
    which must be earlier than `period`."""
    submissions = check_previous(paths, specs, period)
    previous = Previous()
    for sub in submissions:
        previous.findings += sub.findings
        previous.templates[sub.display] = sub.template_id if sub.template is not None else ""
        if sub.template is not None:
            previous.submissions.setdefault(sub.template_id, sub)
    previous.findings += check_duplicates(submissions)
    return previous


def prefill_columns(spec: TemplateSpec) -> dict[str, dict[str, str]]:
    """Per records sheet, column key -> the previous period's column it is filled from
    (each a column of a records sheet: checked when the specs load)."""
    found: dict[str, dict[str, str]] = {}
    for sheet in spec.sheets:
        sources = {c.key: c.prefill_from for c in sheet.columns if c.prefill_from}
        if sources:
            found[sheet.key] = sources
    return found


def _plain(value: Any) -> Any:
    """None for a missing value (NaN in a frame), else the value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def _usable(record: dict[str, Any], sheet: SheetSpec, period: Period) -> bool:
    """A record the period's report can use: none of its dates before 1 January of the year
    before the period (older records would only be warned about and not counted)."""
    start = period.history_start
    for column in sheet.columns:
        value = record.get(column.key)
        if column.type == "date" and isinstance(value, dt.date) and value < start:
            return False
    return True


def prefill_rows(spec: TemplateSpec, previous: Submission, period: Period) -> PrefillRows:
    """The rows to pre-fill in `spec`'s template for `period` from `previous` (a checked
    submission of the same template), in the order they stood there: the records the
    period's report can use (at New Year, last year's and this year's, not older ones)."""
    rows: PrefillRows = {}
    for sheet_key, sources in prefill_columns(spec).items():
        data = previous.sheets.get(sheet_key)
        if data is None:
            continue
        sheet = spec.sheet(sheet_key)
        rows[sheet_key] = [
            {key: _plain(record.get(source)) for key, source in sources.items()}
            for record in data.frame.to_dict("records")
            if _usable(record, sheet, period)
        ]
    return rows


def carried_values(spec: TemplateSpec, previous: Submission, period: Period) -> FillData:
    """Values of table and grid sheets carried over from `previous` (a checked submission of
    the same template for an earlier period): the months before `period` (history, matched
    by calendar month, so a rolling window reaches back over New Year), and, within the same
    year, the columns and rows marked `carry` (budgets, last year's figures, the opening
    balance). What the department must enter for the period itself is left empty."""
    stamped = previous.meta.get("period", "")
    if not stamped:
        return {}
    before = Period.parse(stamped)
    same_year = before.year == period.year
    now = period.ordinal
    carried: dict[str, dict[str, dict[Any, Any]]] = {}
    for sheet in spec.sheets:
        data = previous.sheets.get(sheet.key)
        if data is None or sheet.kind not in ("table", "grid"):
            continue
        rows = {period.month_at(r.month).ordinal: r.key for r in sheet.rows if r.month is not None}
        fixed = {r.key for r in sheet.rows if r.carry}
        cells: dict[str, dict[Any, Any]] = {}
        for record in data.frame.to_dict("records"):
            month = _plain(record.get(MONTH))
            for column in sheet.columns:
                value = _plain(record.get(column.key))
                if value is None:
                    continue
                if sheet.kind == "grid":
                    if same_year and (month < period.month or column.carry):
                        cells.setdefault(record[ROW_KEY], {})[(column.key, month)] = value
                elif month is None:
                    if same_year and (column.carry or record[ROW_KEY] in fixed):
                        cells.setdefault(record[ROW_KEY], {})[column.key] = value
                else:
                    absolute = before.month_at(int(month)).ordinal
                    key = rows.get(absolute)
                    if key is not None and (absolute < now or (same_year and column.carry)):
                        cells.setdefault(key, {})[column.key] = value
            if sheet.kind == "table" and before.year == period.year - 1 and month is not None:
                # This year's figures of the old year are last year's figures of the new one.
                key = rows.get(period.month_at(int(month)).ordinal)
                for column in sheet.columns:
                    value = _plain(record.get(column.from_last_year or ""))
                    if key is not None and value is not None and 1 <= int(month) <= 12:
                        cells.setdefault(key, {})[column.key] = value
        if sheet.kind == "table" and before.year == period.year - 1 and before.month == 12:
            _year_end_rows(sheet, data, cells)
        if cells:
            carried[sheet.key] = cells
    return carried


def _year_end_rows(sheet: SheetSpec, data: SheetData, cells: dict[str, dict[Any, Any]]) -> None:
    """Rows that a new year takes from the closed year: the sum of the named rows of the
    December submission (opening balance = last year's opening balance + its movements)."""
    frame = data.frame.set_index(ROW_KEY)
    for row in sheet.rows:
        if not row.from_last_year:
            continue
        for column in sheet.columns:
            values = [
                _plain(frame.at[k, column.key]) for k in row.from_last_year if k in frame.index
            ]
            numbers = [v for v in values if isinstance(v, int | float)]
            if numbers and len(numbers) == len(row.from_last_year):
                cells.setdefault(row.key, {})[column.key] = sum(numbers)
