"""Figures of earlier months that changed since the previous report.

A submission repeats the months before the period (pre-filled by `templates --from`). When a
department changes one of them, the board's year-to-date figures change too; the controller
should know. Compared within one year, month by month, cell by cell; each change is a
`Restatement`: a warning at the cell with the old and the new value, and a row of the
report's sheet of restatements (report/restatements.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol

from vrapport.explained import explained
from vrapport.findings import WARNING, Finding, row_ref
from vrapport.numbers import format_millions, thousands
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

    @property
    def when(self) -> str:
        """The figure's month as the report names it: «januar» in the report's year,
        «oktober 2023» in another, "" for a balance of the closed year."""
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
        }

    def finding(self) -> Finding:
        if not self.when or self.line.lower() == self.when:
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
    key, value); blank cells left out."""
    grid = data.spec.kind == "grid"
    fixed = _last_year_rows(data.spec)
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
            if data.spec.kind not in ("table", "grid") or key not in old.sheets:
                continue
            found += _changes(sub, data, old.sheets[key], now_period, old_period)
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
        if change is None or sub is None:
            continue
        share = abs(change) / abs(float(item.old)) * 100 if item.old else 100.0
        if abs(change) < settings.materiality_kroner or share < settings.materiality_percent:
            continue
        named, sheet, column, choices = explained(sub)
        if not sheet or item.line not in choices or item.line in named:
            continue
        row, _ = xl_cell_to_rowcol(item.cell)
        amount = format_millions(thousands(change) * 1000).replace("-", "\u2212")
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
