"""Named cross-checks. A spec refers to them by name (`checks: [actuals-after-period]`);
each is one function that yields findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vrapport.findings import WARNING, Finding
from vrapport.period import Period, month_label
from vrapport.reader import MONTH, Submission
from vrapport.spec import Specs


@dataclass(frozen=True)
class CheckContext:
    sub: Submission
    period: Period
    specs: Specs


Check = Callable[[CheckContext], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


@check("actuals-after-period")
def actuals_after_period(ctx: CheckContext) -> Iterator[Finding]:
    """Actual figures for months after the period are probably typed in the wrong column."""
    data = ctx.sub.sheets.get("result")
    if data is None:
        return
    later = data.frame[(data.frame[MONTH] > ctx.period.month) & data.frame["actual"].notna()]
    for index, row in later.iterrows():
        yield Finding(
            ctx.sub.display,
            data.name,
            data.cell(index, "actual"),
            WARNING,
            "actual-after-period",
            f"Faktisk for {month_label(int(row[MONTH])).lower()} er fylt ut, men "
            f"rapporten gjelder {ctx.period.label}. Tallet blir ikke brukt.",
            data.spec.column("actual").label,
        )
