"""Checks of every month-keyed sheet, whatever its template: run for every submission, without
being listed in a spec, so that one rule covers finance's Årsverk and Likviditet as it covers
HR's sheets (and any month-keyed sheet a new spec adds)."""

from __future__ import annotations

from collections.abc import Iterator

from vrapport.checks import CheckContext, check, each_row
from vrapport.findings import WARNING, Finding
from vrapport.period import month_label
from vrapport.reader import LABEL, MONTH


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


@check("values-after-period", always=True)
def values_after_period(ctx: CheckContext) -> Iterator[Finding]:
    """A figure on a month row after the period is not used: say so, at its cell.

    Month rows are those of a table or grid whose spec gives them a month (1–12 in the
    period's year). Columns required all year (`required: always`: budgets, last year's
    figures) are meant to be filled for every month and are left alone.
    """
    for data in ctx.sub.sheets.values():
        if data.spec.kind == "records":
            continue
        columns = [c for c in data.spec.columns if c.required != "always"]
        frame = data.frame
        if not columns or frame.empty:
            continue
        later = frame[[isinstance(m, int) and m > ctx.period.month for m in frame[MONTH]]]
        for index, row in each_row(later):
            month = month_label(int(row[MONTH])).lower()
            label = str(row[LABEL])
            where = month if label.lower() == month else f"{label}, {month}"
            for column in columns:
                if _blank(row[column.key]):
                    continue
                yield ctx.at(
                    data,
                    index,
                    column.key,
                    WARNING,
                    "value-after-period",
                    f"{column.label} er fylt ut for {where}, men rapporten gjelder "
                    f"{ctx.period.label}. Tallet blir ikke brukt.",
                )
