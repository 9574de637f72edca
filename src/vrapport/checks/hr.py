"""Cross-checks of the HR/HMS template (hr): lost workdays within the agreed ones (figures
typed for months after the period are checked for every template, checks/months.py).

The sick-leave sheet holds, per month row, the agreed workdays and the lost workdays split
into three parts, for the report's year (plain keys) and the year before (keys ending in
PRIOR); the keys are shared with the chapter in vrapport.sheetkeys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vrapport.checks import CheckContext, check, each_row
from vrapport.findings import ERROR, Finding
from vrapport.numbers import format_number, is_number
from vrapport.period import month_label
from vrapport.reader import MONTH, SheetData
from vrapport.sheetkeys import AGREED, PARTS, PRIOR, SICK_LEAVE


def _days(value: float) -> str:
    return format_number(value, 1)


def _lost_over_agreed(
    ctx: CheckContext, data: SheetData, index: Any, row: Mapping[str, Any], suffix: str, year: int
) -> Iterator[Finding]:
    agreed = row[AGREED + suffix]
    parts = {key + suffix: row[key + suffix] for key in PARTS if is_number(row[key + suffix])}
    if not is_number(agreed) or not parts or sum(parts.values()) <= agreed:
        return
    month = f"{month_label(int(row[MONTH])).lower()} {year}"
    agreed_column = data.spec.column(AGREED + suffix)
    alone = [key for key, value in parts.items() if value > agreed]
    for key in alone:
        column = data.spec.column(key)
        yield ctx.at(
            data,
            index,
            key,
            ERROR,
            "lost-exceeds-agreed",
            f"{column.label} ({_days(parts[key])} dagsverk) er større enn "
            f"{agreed_column.label.lower()} ({_days(agreed)}) for {month}.",
        )
    if alone:
        return
    cells = " + ".join(data.cell(index, key) for key in parts)
    yield ctx.at(
        data,
        index,
        AGREED + suffix,
        ERROR,
        "lost-exceeds-agreed",
        f"Tapte dagsverk for {month} er til sammen {_days(sum(parts.values()))} ({cells}), "
        f"mer enn {agreed_column.label.lower()} ({_days(agreed)}).",
    )


@check(
    "lost-within-agreed",
    reads={SICK_LEAVE: tuple(k + s for s in ("", PRIOR) for k in (AGREED, *PARTS))},
)
def lost_within_agreed(ctx: CheckContext) -> Iterator[Finding]:
    """Each part of the lost workdays, and their sum, is at most the agreed workdays.

    A part that alone exceeds the agreed workdays is named; otherwise the agreed cell is,
    with the cells of the parts in the message. (Parts ≥ 0 is the spec's `min: 0`.)
    """
    data = ctx.sub.sheets.get(SICK_LEAVE)
    if data is None:
        return
    for index, row in each_row(data.frame):
        if not is_number(row[MONTH]):
            continue
        for suffix, year in (("", ctx.period.year), (PRIOR, ctx.period.year - 1)):
            yield from _lost_over_agreed(ctx, data, index, row, suffix, year)
