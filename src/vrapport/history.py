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
from vrapport.spec import Specs
from vrapport.validation import shown_value


@dataclass(frozen=True)
class Restatement:
    """One figure of a closed month that differs from last period's submission."""

    file: str
    template: str  # the template's title (Økonomi)
    sheet: str
    cell: str
    line: str  # the row's label (SLA (tjenesteavtaler), Mars)
    month: int
    column: str  # the column's label
    old: Any
    new: Any

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
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "difference": self.difference,
        }

    def finding(self) -> Finding:
        month = month_label(self.month).lower()
        where = self.line if self.line.lower() == month else f"{self.line}, {month}"
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


def _changes(
    sub: Submission, now: SheetData, before: SheetData, up_to: int
) -> Iterator[Restatement]:
    keys = [ROW_KEY, MONTH]
    old = before.frame.assign(_old_index=before.frame.index)
    new = now.frame.assign(_new_index=now.frame.index)
    months = pd.to_numeric(new[MONTH], errors="coerce")
    new = new[(months >= 1) & (months <= up_to)]
    joined = new.merge(old, on=keys, suffixes=("", "_before"))
    title = sub.template.title if sub.template else sub.template_id
    for _, row in joined.iterrows():
        for column in now.spec.columns:
            value, previous = row.get(column.key), row.get(f"{column.key}_before")
            if value is None or previous is None or pd.isna(value) or pd.isna(previous):
                continue
            if _same(previous, value):
                continue
            yield Restatement(
                sub.display,
                title,
                now.name,
                now.cell(row["_new_index"], column.key),
                str(row[LABEL]),
                int(row[MONTH]),
                column.label,
                previous,
                value,
            )


def restatements(current: list[Submission], earlier: list[Submission]) -> list[Restatement]:
    """Every figure of a month the previous report already had that differs now (same
    template, same year), in the order of the submissions, sheets and rows."""
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
        if now_period.year != old_period.year:
            continue
        for key, data in sub.sheets.items():
            if data.spec.kind not in ("table", "grid") or key not in old.sheets:
                continue
            found += _changes(sub, data, old.sheets[key], old_period.month)
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
                f"{item.line}: {item.column.lower()} for {month_label(item.month).lower()} er "
                f"endret med {amount} siden forrige rapport, over vesentlighetsgrensen; forklar "
                f"endringen i {sheet} (velg linjen i kolonnen «{column}»).",
            )
        )
    return found
