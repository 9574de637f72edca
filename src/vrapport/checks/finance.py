"""Cross-checks of the finance template (okonomi)."""

from __future__ import annotations

from collections.abc import Iterator

from vrapport.checks import CheckContext, check
from vrapport.findings import WARNING, Finding
from vrapport.period import month_label
from vrapport.reader import MONTH


@check("actuals-after-period")
def actuals_after_period(ctx: CheckContext) -> Iterator[Finding]:
    """Actual figures for months after the period are probably typed in the wrong column."""
    data = ctx.sub.sheets.get("result")
    if data is None:
        return
    later = data.frame[(data.frame[MONTH] > ctx.period.month) & data.frame["actual"].notna()]
    for index, row in later.iterrows():
        yield ctx.at(
            data,
            index,
            "actual",
            WARNING,
            "actual-after-period",
            f"Faktisk for {month_label(int(row[MONTH])).lower()} er fylt ut, men "
            f"rapporten gjelder {ctx.period.label}. Tallet blir ikke brukt.",
        )
