"""Figures of earlier months that changed since the previous report.

A submission repeats the months before the period (pre-filled by `templates --from`). When a
department changes one of them, the board's year-to-date figures change too; the controller
should know. Compared within one year, month by month, cell by cell; each change is a
warning at the cell, with the old and the new value.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from vrapport.findings import WARNING, Finding
from vrapport.period import Period, PeriodError, month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY, SheetData, Submission
from vrapport.validation import shown_value


def _same(old: object, new: object) -> bool:
    if isinstance(old, int | float) and isinstance(new, int | float):
        return abs(float(old) - float(new)) < 0.005
    return old == new


def _changes(file: str, now: SheetData, before: SheetData, up_to: int) -> Iterator[Finding]:
    keys = [ROW_KEY, MONTH]
    old = before.frame.assign(_old_index=before.frame.index)
    new = now.frame.assign(_new_index=now.frame.index)
    months = pd.to_numeric(new[MONTH], errors="coerce")
    new = new[(months >= 1) & (months <= up_to)]
    joined = new.merge(old, on=keys, suffixes=("", "_before"))
    for _, row in joined.iterrows():
        for column in now.spec.columns:
            value, previous = row.get(column.key), row.get(f"{column.key}_before")
            if value is None or previous is None or pd.isna(value) or pd.isna(previous):
                continue
            if _same(previous, value):
                continue
            month = month_label(int(row[MONTH])).lower()
            label = str(row[LABEL])
            where = label if label.lower() == month else f"{label}, {month}"
            yield Finding(
                file,
                now.name,
                now.cell(row["_new_index"], column.key),
                WARNING,
                "changed-since-previous",
                f"{column.label} for {where} er endret siden forrige rapport: "
                f"{shown_value(previous)} → {shown_value(value)}.",
                column.label,
            )


def history_changes(current: list[Submission], earlier: list[Submission]) -> list[Finding]:
    """Warnings for every figure of a month the previous report already had that differs
    now (same template, same year)."""
    found: list[Finding] = []
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
            found += _changes(sub.display, data, old.sheets[key], old_period.month)
    return found
