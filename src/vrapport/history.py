"""Figures of earlier months that changed since the previous report.

A submission repeats the months before the period (pre-filled by `templates --from`). When a
department changes one of them, the board's year-to-date figures change too; the controller
should know. Compared within one year, month by month, cell by cell; each change is a
`Restatement`: a warning at the cell with the old and the new value, and a row of the
report's sheet of restatements (report/restatements.py).

A register (a records sheet with a date: delivered orders, the preparedness log, the counts
of open deviations) repeats its records of closed months too. Its records dated in a month
the previous report already showed are compared with that report's, by id where the sheet
has one, else as a multiset of whole rows: each record deleted, added late or changed is a
restatement at its cell (a deleted one at the sheet, named as it was), and each month whose
count (or, on a register of numbers, whose sum) changed is one more, «Leverte oppdrag i
februar: 13 → 12».

The budget of the months the previous report did not close is no figure of a closed month,
but the report showed their sum: the annual budget of each finance line (the sum of its 12
monthly budgets). A line whose annual budget differs from the previous report's of the same
year, through a month that report had not closed (its open month and the rest of the year),
is one more restatement at the line's row, naming the months that changed; a closed month's
budget is compared at its cell as any figure is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol

from vrapport.explained import explained
from vrapport.findings import WARNING, Finding, row_ref
from vrapport.numbers import format_millions, format_number, round_half_away
from vrapport.period import Period, PeriodError, month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY, SheetData, Submission
from vrapport.spec import SheetSpec, Specs
from vrapport.validation import shown_value


@dataclass(frozen=True)
class Restatement:
    """One figure of a closed month that differs from last period's submission."""

    file: str
    template: str  # the template's title (Økonomi)
    sheet: str
    cell: str
    line: str  # the row's label (SLA (tjenesteavtaler), Mars)
    month: int | None  # the figure's calendar month; None for a balance (Saldo 1.1.)
    column: str  # the column's label
    old: Any
    new: Any
    year: int  # the figure's calendar year
    report_year: int  # the year of the report that restates it
    # "cell": a figure in a month column; "count": a register's count (or sum) of a month;
    # "record": a register's record deleted, added or changed (`detail`: its message);
    # "annual": a line's annual budget, the sum of its monthly budgets (`detail`: its message).
    kind: Literal["cell", "count", "record", "annual"] = "cell"
    detail: str = ""
    rows: int = 1  # the register rows a "record" stands for (more past MAX_RECORD_ROWS)

    @property
    def when(self) -> str:
        """The figure's month as the report names it: «januar» in the report's year,
        «oktober 2023» in another, "" for a balance of the closed year; «året» for a figure
        of the whole year (an annual budget, the credit limit)."""
        if self.month is None and self.year == self.report_year and self.kind != "record":
            return "året"
        if self.month is None:
            return ""
        name = month_label(self.month).lower()
        return name if self.year == self.report_year else f"{name} {self.year}"

    @property
    def difference(self) -> float | None:
        if _number(self.old) and _number(self.new):
            return float(self.new) - float(self.old)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "template": self.template,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "month": self.month,
            "year": self.year,
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "difference": self.difference,
            "kind": self.kind,
        }

    def finding(self) -> Finding:
        if self.kind != "cell":
            return Finding(
                self.file,
                self.sheet,
                self.cell,
                WARNING,
                "changed-since-previous",
                self.detail or self._count_message(),
                "" if self.kind == "count" or self.column == RECORD_COLUMN else self.column,
            )
        if self.month is None or self.line.lower() == self.when:
            where = self.line  # Saldo 1.1. (IB); Mars
        elif self.month is not None and self.line.lower() == month_label(self.month).lower():
            where = f"{self.line} {self.year}"  # a row «November» of last year's column
        else:
            where = f"{self.line}, {self.when}"  # SLA (tjenesteavtaler), januar
        return Finding(
            self.file,
            self.sheet,
            self.cell,
            WARNING,
            "changed-since-previous",
            f"{self.column} for {where} er endret siden forrige rapport: "
            f"{shown_value(self.old)} → {shown_value(self.new)}.",
            self.column,
        )

    def _count_message(self) -> str:
        what = f"{self.line} i {self.when}"
        if self.column != COUNT_COLUMN:  # a register's sum (Åpne avvik: Antall åpne avvik)
            what = f"{self.column} i {self.when} ({self.line})"
        return (
            f"{what}: {_shown(self.old)} → {_shown(self.new)} siden forrige rapport; "
            "rapportens tall for måneden bygger på de nye radene."
        )


COUNT_COLUMN = "Antall"  # the column of a register's count on Endringer
RECORD_COLUMN = "Rad"  # ... and of a record deleted or added


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(old: object, new: object) -> bool:
    if _number(old) and _number(new):
        return abs(float(old) - float(new)) < 0.005  # type: ignore[arg-type]
    return old == new


# A figure's identity across two submissions: (row, measure, calendar year, calendar month).
# Month rows of a table are one row per calendar month (""), so December of last year is the
# same figure in a window's row «Desember i fjor» of January and in row «Desember» of the
# December submission, and a column «… i fjor» (`from_last_year`) holds its measure's figure
# of the year before. A fixed row that is a figure of the closed year (its `from_last_year`
# names month rows: the opening balance, FTE at the turn of the year) has no month.
Figure = tuple[str, str, int, int | None]


def _last_year_rows(sheet: SheetSpec) -> dict[str, tuple[str, ...]]:
    """The fixed rows that hold a figure of the year before the submission's year, with the
    rows of that year's submission they add up to."""
    months = {r.key for r in sheet.rows if r.month is not None}
    return {
        r.key: r.from_last_year
        for r in sheet.rows
        if r.month is None and r.from_last_year and any(k in months for k in r.from_last_year)
    }


def _cells(data: SheetData, period: Period) -> Iterator[tuple[Figure, Any, str, Any]]:
    """Every value of a table or grid sheet with its figure: (figure, frame index, column
    key, value); blank cells left out. A fixed row's value that holds for the whole year (a
    carried row or column: the credit limit, an investment's annual budget) is a figure of
    the submission's year without a month, so compared within one year only."""
    grid = data.spec.kind == "grid"
    fixed = _last_year_rows(data.spec)
    carried = {r.key for r in data.spec.rows if r.month is None and r.carry}
    frame = data.frame
    months = pd.to_numeric(frame[MONTH], errors="coerce").tolist()
    keys = frame[ROW_KEY].tolist()
    for position, index in enumerate(frame.index):
        month, key = months[position], keys[position]
        for column in data.spec.columns:
            value = frame.at[index, column.key] if column.key in frame.columns else None
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if month != month:  # a fixed row
                if key in fixed:
                    yield (str(key), column.key, period.year - 1, None), index, column.key, value
                elif key in carried or column.carry:
                    yield (str(key), column.key, period.year, None), index, column.key, value
                continue
            if grid:
                figure = (str(key), column.key, period.year, int(month))
            else:
                when = period.month_at(int(month))
                year, measure = when.year, column.key
                if column.from_last_year:
                    year, measure = year - 1, column.from_last_year
                figure = ("", measure, year, when.month)
            yield figure, index, column.key, value


def _closed(data: SheetData, period: Period) -> dict[Figure, Any]:
    """The figures of the previous submission (for `period`) its report already showed: the
    months up to its period, last year's fixed rows, and, from a December submission, the
    rows it gives the next year (last year's opening balance + its movements)."""
    closed = {
        figure: value
        for figure, _, _, value in _cells(data, period)
        if figure[3] is None or Period(figure[2], figure[3]).ordinal <= period.ordinal
    }
    if period.month == 12:
        frame = data.frame.set_index(ROW_KEY)
        for row, sources in _last_year_rows(data.spec).items():
            for column in data.spec.columns:
                values = [frame.at[k, column.key] for k in sources if k in frame.index]
                if len(values) == len(sources) and all(_number(v) for v in values):
                    closed[(row, column.key, period.year, None)] = sum(values)
    return closed


def _changes(
    sub: Submission, now: SheetData, before: SheetData, period: Period, old_period: Period
) -> Iterator[Restatement]:
    old = _closed(before, old_period)
    title = sub.template.title if sub.template else sub.template_id
    labels = {c.key: c.label for c in now.spec.columns}
    for figure, index, column, value in _cells(now, period):
        if figure not in old or _same(old[figure], value):
            continue
        yield Restatement(
            sub.display,
            title,
            now.name,
            now.cell(index, column),
            str(now.frame.at[index, LABEL]),
            figure[3],
            labels[column],
            old[figure],
            value,
            figure[2],
            period.year,
        )


# --- Annual budgets ----------------------------------------------------------------------

BUDGET = "budget"  # a grid's measure whose 12 months add up to the line's annual budget


def _months_named(months: list[int]) -> str:
    """Calendar months as runs: [4, 5, …, 12] -> «april–desember», [2, 4, 5] -> «februar og
    april–mai»."""
    runs: list[list[int]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    names = [
        month_label(r[0]).lower() + (f"–{month_label(r[-1]).lower()}" if len(r) > 1 else "")
        for r in runs
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def _budget_months(data: SheetData) -> dict[str, dict[int, tuple[Any, Any]]]:
    """Per line of a grid (in the sheet's order): per month its budget and frame index."""
    frame = data.frame
    lines: dict[str, dict[int, tuple[Any, Any]]] = {}
    months = pd.to_numeric(frame[MONTH], errors="coerce").tolist()
    for index, key, month, value in zip(
        frame.index, frame[ROW_KEY].tolist(), months, frame[BUDGET].tolist(), strict=True
    ):
        if month == month:  # a month row, not a fixed one
            lines.setdefault(str(key), {})[int(month)] = (_plain(value), index)
    return lines


def _total(months: dict[int, tuple[Any, Any]], after: int = 0) -> float:
    """The sum of the budgets of the months after `after` (a blank or text counts nothing:
    it is a finding of its own)."""
    return float(sum(v for m, (v, _) in months.items() if m > after and _number(v)))


def _annual_budget_changes(
    sub: Submission, now: SheetData, before: SheetData, period: Period, old_period: Period
) -> Iterator[Restatement]:
    """Each line whose annual budget differs from the previous report's through a month that
    report had not closed; a closed month's budget is already a restatement at its cell, so
    a line whose open months' budgets add up as before is none (not reported twice)."""
    keys = {c.key for c in now.spec.columns}
    if now.spec.kind != "grid" or BUDGET not in keys or old_period.year != period.year:
        return
    if BUDGET not in now.frame.columns or BUDGET not in before.frame.columns:
        return
    title = sub.template.title if sub.template else sub.template_id
    label = now.spec.column(BUDGET).label
    old_lines = _budget_months(before)
    for key, months in _budget_months(now).items():
        was = old_lines.get(key)
        if was is None:
            continue
        old_total, new_total = _total(was), _total(months)
        closed = old_period.month
        if _same(old_total, new_total) or _same(_total(was, closed), _total(months, closed)):
            continue
        changed = sorted(
            m
            for m in set(months) | set(was)
            if not _same(months.get(m, (None, None))[0], was.get(m, (None, None))[0])
        )
        at = next((months[m][1] for m in changed if m in months), next(iter(months.values()))[1])
        row, _ = xl_cell_to_rowcol(now.cell(at, BUDGET))
        line = str(now.frame.at[at, LABEL])
        change = new_total - old_total
        # Rounded once from the kroner (DESIGN §7); a change shown as 0,0 mill. kr in kroner.
        amount = format_millions(change)
        if round_half_away(change / 1_000_000, 1) == 0:
            amount = f"{format_number(change)}\u00a0kr"
        amount = amount.replace("-", "\u2212") if change < 0 else f"+{amount}"
        detail = (
            f"{label} for {line} for {period.year} (hele året) er endret siden forrige "
            f"rapport: {format_number(old_total)} → {format_number(new_total)} kr, {amount} "
            f"(endret i {_months_named(changed)}); rapportens årsbudsjett bygger på de nye tallene."
        )
        yield Restatement(
            sub.display,
            title,
            now.name,
            row_ref(row + 1),
            line,
            None,
            label,
            old_total,
            new_total,
            period.year,
            period.year,
            "annual",
            detail,
        )


# --- Registers ---------------------------------------------------------------------------

ROW_NAME_LENGTH = 60  # characters of a record's values that name it on Endringer
# Records of a register listed one by one (each a row on Endringer and a finding); beyond,
# one row says how many more (a register of 100 000 rows typed in again would drown the
# report), while every month's changed count is still listed.
MAX_RECORD_ROWS = 200


def _date_column(sheet: SheetSpec) -> str | None:
    """The date a register counts its records by (its first date column); None if the sheet
    is no register (a table, a comment sheet)."""
    if sheet.kind != "records":
        return None
    return next((c.key for c in sheet.columns if c.type == "date"), None)


def _plain(value: Any) -> Any:
    """A cell value as two submissions are compared: a blank is None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@dataclass(frozen=True)
class _Records:
    """A register's rows: per row its frame index, its sheet row, its values (in the order
    of the spec's columns) and its date."""

    index: list[Any]
    rows: list[str]
    values: list[tuple[Any, ...]]
    dates: list[dt.date | None]


def _records(data: SheetData, keys: list[str], date_key: str) -> _Records:
    frame = data.frame
    blank = [None] * len(frame)
    columns = [
        [_plain(v) for v in frame[k].tolist()] if k in frame.columns else blank for k in keys
    ]
    values = list(zip(*columns, strict=True))
    at = keys.index(date_key)
    rows = (
        [str(r) for r in frame[ROW_KEY].tolist()] if ROW_KEY in frame.columns else [""] * len(frame)
    )
    return _Records(list(frame.index), rows, values, [_day(v[at]) for v in values])


def _when(year: int, month: int, report_year: int) -> str:
    name = month_label(month).lower()
    return name if year == report_year else f"{name} {year}"


def _kept(value: Any) -> Any:
    """A record's value as a restatement keeps it: a number or text as it is, else as shown."""
    return (
        value if value is None or isinstance(value, str) or _number(value) else shown_value(value)
    )


def _shown(value: Any) -> str:
    return "ingen" if value is None else shown_value(value)


def _described(values: tuple[Any, ...]) -> str:
    """A record as its values read: «12.02.2024, Gul, Strømbrudd i et av datasentrene…»."""
    text = ", ".join(shown_value(v) for v in values if v is not None and v != "")
    if len(text) > ROW_NAME_LENGTH:
        text = text[: ROW_NAME_LENGTH - 1].rstrip() + "…"
    return text


class _Register:
    """One register of this period's submission against the previous period's: the records
    of the months the previous report showed, compared by id or as whole rows."""

    def __init__(
        self,
        sub: Submission,
        old_sub: Submission,
        now: SheetData,
        before: SheetData,
        period: Period,
        old_period: Period,
    ) -> None:
        self.sub, self.old_sub, self.now, self.period = sub, old_sub, now, period
        self.spec = now.spec
        self.keys = [c.key for c in self.spec.columns]
        date_key = _date_column(self.spec)
        assert date_key is not None
        self.date_key = date_key
        self.new = _records(now, self.keys, date_key)
        self.old = _records(before, self.keys, date_key)
        self.start = period.history_start
        # The previous report showed its records up to its period's end; a register counted
        # on the first day after it (open deviations, talt 1. mars for February) showed that
        # day too: whatever the previous file holds up to this period's end was shown.
        shown = [d for d in self.old.dates if d is not None and d <= period.end_date]
        self.cutoff = max([old_period.end_date, *shown])
        self.numeric = [i for i, c in enumerate(self.spec.columns) if c.numeric]
        self.measures = [self.spec.columns[i].label for i in self.numeric] or [COUNT_COLUMN]
        self.title = sub.template.title if sub.template else sub.template_id
        self.before_totals = self._totals(self.old)
        self.now_totals = self._totals(self.new)

    def closed(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.cutoff

    def _totals(self, records: _Records) -> dict[tuple[int, int], list[float | None]]:
        """Per closed month: the count of its records, or on a register of numbers the sum
        of each number column (None where no record has one)."""
        totals: dict[tuple[int, int], list[float | None]] = {}
        for values, day in zip(records.values, records.dates, strict=True):
            if day is None or not self.closed(day):
                continue
            month = totals.setdefault((day.year, day.month), [None] * len(self.measures))
            if not self.numeric:
                month[0] = (month[0] or 0) + 1
                continue
            for m, i in enumerate(self.numeric):
                if _number(values[i]):
                    month[m] = (month[m] or 0) + values[i]
        return totals

    def _figure(self, month: tuple[int, int], m: int) -> tuple[float | None, float | None]:
        blank: float | None = None if self.numeric else 0
        old = self.before_totals.get(month, [blank] * len(self.measures))[m]
        new = self.now_totals.get(month, [blank] * len(self.measures))[m]
        return (blank if old is None else old), (blank if new is None else new)

    def _changed_months(self) -> list[tuple[tuple[int, int], int]]:
        months = sorted(set(self.before_totals) | set(self.now_totals))
        return [
            (month, m)
            for month in months
            for m in range(len(self.measures))
            if not _same(*self._figure(month, m))
        ]

    def _effect(self, *days: dt.date | None) -> str:
        """What the records' months now count, where that changed: «; Beredskap i februar:
        4 → 3»."""
        parts = []
        months = dict.fromkeys((d.year, d.month) for d in days if d is not None and self.closed(d))
        for month in months:
            for m, measure in enumerate(self.measures):
                old, new = self._figure(month, m)
                if not _same(old, new):
                    what = self.now.name if measure == COUNT_COLUMN else measure
                    when = _when(*month, self.period.year)
                    parts.append(f"{what} i {when}: {_shown(old)} → {_shown(new)}")
        return "; " + "; ".join(parts) if parts else ""

    def _restatement(
        self,
        cell: str,
        line: str,
        day: dt.date,
        column: str,
        old: Any,
        new: Any,
        kind: Literal["count", "record"],
        detail: str = "",
    ) -> Restatement:
        return Restatement(
            self.sub.display,
            self.title,
            self.now.name,
            cell,
            line,
            day.month,
            column,
            old,
            new,
            day.year,
            self.period.year,
            kind,
            detail,
        )

    def counts(self) -> Iterator[Restatement]:
        for (year, month), m in self._changed_months():
            old, new = self._figure((year, month), m)
            line = self.now.name
            yield self._restatement(
                "", line, dt.date(year, month, 1), self.measures[m], old, new, "count"
            )

    def _name(self, values: tuple[Any, ...], key_at: int | None) -> str:
        if key_at is not None:
            return f"{self.spec.columns[key_at].label} {values[key_at]}"
        return _described(values)

    def _deleted(self, i: int, key_at: int | None) -> Restatement:
        values, day = self.old.values[i], self.old.dates[i]
        assert day is not None
        where = f"{self.old_sub.display}, {self.now.name}, rad {self.old.rows[i]}"
        named = self._name(values, key_at)
        record = f"«{named}»" if key_at is None else f"{named} ({_described(values)})"
        detail = (
            f"{record} står i forrige rapports fil ({where}), men er ikke lenger med; "
            f"den lå i {_when(day.year, day.month, self.period.year)}, som forrige rapport "
            f"allerede viste{self._effect(day)}."
        )
        return self._restatement("", named, day, RECORD_COLUMN, "med", "slettet", "record", detail)

    def _added(self, j: int, key_at: int | None) -> Restatement:
        values, day = self.new.values[j], self.new.dates[j]
        assert day is not None
        date_label = self.spec.column(self.date_key).label
        detail = (
            f"Raden er ny siden forrige rapport ({self.old_sub.display}), men {date_label.lower()}"
            f" {shown_value(day)} ligger i {_when(day.year, day.month, self.period.year)}, som "
            f"forrige rapport allerede viste{self._effect(day)}."
        )
        cell = self.now.cell(self.new.index[j], self.date_key)
        named = self._name(values, key_at)
        return self._restatement(
            cell, named, day, RECORD_COLUMN, "ikke med", "ny", "record", detail
        )

    def _changed(self, i: int, j: int, c: int, named: str) -> Restatement:
        column = self.spec.columns[c]
        old, new = self.old.values[i][c], self.new.values[j][c]
        old_day, new_day = self.old.dates[i], self.new.dates[j]
        day = old_day if old_day is not None and self.closed(old_day) else new_day
        assert day is not None
        detail = (
            f"{column.label} for {named} er endret siden forrige rapport: "
            f"{_shown(old)} → {_shown(new)}{self._effect(old_day, new_day)}."
        )
        cell = self.now.cell(self.new.index[j], column.key)
        old, new = _kept(old), _kept(new)  # a date as the sheet shows it, also in --json
        return self._restatement(cell, named, day, column.label, old, new, "record", detail)

    def _edited(self, i: int, j: int) -> Iterator[Restatement]:
        """A record without id that is gone and one that is new on the same date, the only
        ones of that date: one record changed, each changed column a restatement."""
        day = self.new.dates[j]
        named = f"{self.spec.column(self.date_key).label} {shown_value(day)}"
        for c, (old, new) in enumerate(zip(self.old.values[i], self.new.values[j], strict=True)):
            if not _same(old, new):
                yield self._changed(i, j, c, named)

    def _key_at(self) -> int | None:
        """The column that names a record (`id`), if every record has a different one in
        both submissions; else records are whole rows."""
        if "id" not in self.keys:
            return None
        at = self.keys.index("id")
        for records in (self.old, self.new):
            ids = [v[at] for v in records.values]
            if None in ids or len(set(ids)) != len(ids):
                return None
        return at

    def records(self) -> Iterator[Restatement]:
        key_at = self._key_at()
        if key_at is not None:
            yield from self._by_id(key_at)
            return
        old_rows = Counter(
            v for v, d in zip(self.old.values, self.old.dates, strict=True) if self.closed(d)
        )
        new_closed = [j for j, d in enumerate(self.new.dates) if self.closed(d)]
        new_rows = Counter(self.new.values[j] for j in new_closed)
        gone, extra = old_rows - new_rows, new_rows - old_rows
        deleted = []
        for i, values in enumerate(self.old.values):
            if gone[values] > 0 and self.closed(self.old.dates[i]):
                gone[values] -= 1
                deleted.append(i)
        added = []
        for j in reversed(new_closed):  # a repeat of an old row: the later one is new
            if extra[self.new.values[j]] > 0:
                extra[self.new.values[j]] -= 1
                added.append(j)
        added.reverse()
        at = self.keys.index(self.date_key)
        gone_on = Counter(self.old.values[i][at] for i in deleted)
        new_on = Counter(self.new.values[j][at] for j in added)
        paired = {d for d, n in gone_on.items() if n == 1 and new_on[d] == 1}
        edited = {self.old.values[i][at]: i for i in deleted if self.old.values[i][at] in paired}
        for i in deleted:
            if self.old.values[i][at] not in paired:
                yield self._deleted(i, None)
        for j in added:
            day = self.new.values[j][at]
            if day in paired:
                yield from self._edited(edited[day], j)
            else:
                yield self._added(j, None)

    def _by_id(self, at: int) -> Iterator[Restatement]:
        new_by = {v[at]: j for j, v in enumerate(self.new.values)}
        old_ids = set()
        for i, values in enumerate(self.old.values):
            old_ids.add(values[at])
            j = new_by.get(values[at])
            if j is None:
                if self.closed(self.old.dates[i]):
                    yield self._deleted(i, at)
                continue
            if not (self.closed(self.old.dates[i]) or self.closed(self.new.dates[j])):
                continue
            for c, (old, new) in enumerate(zip(values, self.new.values[j], strict=True)):
                if not _same(old, new):
                    yield self._changed(i, j, c, self._name(values, at))
        for j, values in enumerate(self.new.values):
            if values[at] not in old_ids and self.closed(self.new.dates[j]):
                yield self._added(j, at)


def _register_changes(
    sub: Submission,
    old_sub: Submission,
    now: SheetData,
    before: SheetData,
    period: Period,
    old_period: Period,
) -> list[Restatement]:
    """A register's months whose count changed, then its records that changed them."""
    register = _Register(sub, old_sub, now, before, period, old_period)
    records = list(itertools.islice(register.records(), MAX_RECORD_ROWS + 1))
    if len(records) > MAX_RECORD_ROWS:  # a register re-entered: its months' counts tell
        rest = sum(1 for _ in register.records()) - MAX_RECORD_ROWS + 1
        first = records[0]
        records[MAX_RECORD_ROWS:] = []
        records[-1] = replace(
            first,
            cell="",
            line=f"{rest} endringer til",
            month=None,
            column=RECORD_COLUMN,
            old=None,
            new=None,
            rows=rest,
            detail=(
                f"{rest} endringer til av rader i {now.name} siden forrige rapport "
                f"({old_sub.display}), i måneder den allerede viste, vises ikke hver for seg; "
                "månedstallene viser virkningen."
            ),
        )
    return [*register.counts(), *records]


def restatements(current: list[Submission], earlier: list[Submission]) -> list[Restatement]:
    """Every figure the previous report already had that differs now (same template), in the
    order of the submissions, sheets and rows: a month up to the previous period, of this
    year or last year, and a balance of the closed year."""
    found: list[Restatement] = []
    before = {s.template_id: s for s in earlier if s.template is not None}
    for sub in current:
        old = before.get(sub.template_id)
        if sub.template is None or old is None:
            continue
        try:
            now_period = Period.parse(sub.meta.get("period", ""))
            old_period = Period.parse(old.meta.get("period", ""))
        except PeriodError:
            continue
        if old_period.ordinal >= now_period.ordinal:
            continue
        for key, data in sub.sheets.items():
            if key not in old.sheets:
                continue
            if data.spec.kind in ("table", "grid"):
                found += _changes(sub, data, old.sheets[key], now_period, old_period)
                found += _annual_budget_changes(sub, data, old.sheets[key], now_period, old_period)
            elif _date_column(data.spec) is not None:
                found += _register_changes(sub, old, data, old.sheets[key], now_period, old_period)
    return found


def history_changes(current: list[Submission], earlier: list[Submission]) -> list[Finding]:
    """A warning at the cell of every restated figure, with the old and the new value."""
    return [r.finding() for r in restatements(current, earlier)]


def unexplained_restatements(
    restated: list[Restatement], current: list[Submission], specs: Specs
) -> list[Finding]:
    """A restatement above the materiality (report.yaml narrative: at least the amount and
    the percent of the old value) of a line the submission's paragraphs can name, but none
    does, is a finding at its row, as an unexplained variance is."""
    settings = specs.report.model.narrative
    by_file = {s.display: s for s in current}
    found: list[Finding] = []
    for item in restated:
        change = item.difference
        sub = by_file.get(item.file)
        if change is None or sub is None or item.kind != "cell":
            continue
        share = abs(change) / abs(float(item.old)) * 100 if item.old else 100.0
        if abs(change) < settings.materiality_kroner or share < settings.materiality_percent:
            continue
        named, sheet, column, choices = explained(sub)
        if not sheet or item.line not in choices or item.line in named:
            continue
        row, _ = xl_cell_to_rowcol(item.cell)
        amount = format_millions(change).replace("-", "\u2212")  # rounded once (DESIGN §7)
        found.append(
            Finding(
                item.file,
                item.sheet,
                row_ref(row + 1),
                settings.explanation_severity,
                "unexplained-restatement",
                f"{item.line}: {item.column.lower()}{' for ' + item.when if item.when else ''} er "
                f"endret med {amount} siden forrige rapport, over vesentlighetsgrensen; forklar "
                f"endringen i {sheet} (velg linjen i kolonnen «{column}»).",
            )
        )
    return found
