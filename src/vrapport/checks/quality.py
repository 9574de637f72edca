"""Cross-checks of the quality template (kvalitet): open deviation reports in DocMap,
counted on the first day of each month.

The report shows the counts in a window of thirteen first-of-month dates, a year back from
the first day of the month after the period: 1.4.2023–1.4.2024 for March 2024. The count
on the first day after the period closes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from vrapport.checks import CheckContext, check
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.numbers import format_number, is_number
from vrapport.period import EARLIEST_DATE, day_label, too_early
from vrapport.sheetkeys import DATE, OPEN, OPEN_DEVIATIONS, SPLIT, count_window


@check("deviation-counts", reads={OPEN_DEVIATIONS: (DATE, OPEN, *SPLIT)})
def deviation_counts(ctx: CheckContext) -> Iterator[Finding]:
    """Counting dates are first days of months, each at most once, not after the window;
    the optional split does not exceed the count; the count closing the period is there."""
    data = ctx.sub.sheets.get(OPEN_DEVIATIONS)
    if data is None:
        return
    first, last = count_window(ctx.period)
    column = data.spec.column(DATE)
    seen: dict[dt.date, str] = {}

    def finding(index: object, key: str, severity: str, code: str, message: str) -> Finding:
        return ctx.at(data, index, key, severity, code, message)  # type: ignore[arg-type]

    frame = data.frame
    # Row by row from the columns (the values iterrows gives, without a Series per row).
    rows = zip(frame.index, frame[DATE], frame[OPEN], *(frame[key] for key in SPLIT), strict=True)
    for index, day, total, *split in rows:
        if isinstance(day, dt.date):
            cell = data.cell(index, DATE)
            if day.day != 1:
                yield finding(
                    index,
                    DATE,
                    ERROR,
                    "count-not-first-of-month",
                    f"Telledatoen {day:%d.%m.%Y} er ikke den 1. i måneden. Avvikene telles "
                    "den 1. i hver måned.",
                )
            elif day in seen:
                yield finding(
                    index,
                    DATE,
                    ERROR,
                    "duplicate-count-date",
                    f"Telledatoen {day:%d.%m.%Y} står to ganger (også i {seen[day]}).",
                )
            elif day < EARLIEST_DATE:
                yield finding(index, DATE, ERROR, "date-too-early", too_early(column.label, day))
            elif day > last:
                yield finding(
                    index,
                    DATE,
                    WARNING,
                    "count-after-period",
                    f"Telledatoen {day:%d.%m.%Y} er etter {day_label(last)}, siste telling "
                    f"for rapporten {ctx.period.as_of}. Raden blir ikke brukt.",
                )
            seen.setdefault(day, cell)
        parts = [value for value in split if is_number(value)]
        if is_number(total) and parts and sum(parts) > total:
            labels = " og ".join(data.spec.column(key).label.lower() for key in SPLIT)
            yield finding(
                index,
                OPEN,
                ERROR,
                "split-exceeds-total",
                f"Fordelingen ({labels}) er til sammen {format_number(sum(parts))}, mer enn "
                f"antall åpne avvik ({format_number(total)}).",
            )
    if data.frame.empty or last not in seen:
        yield Finding(
            ctx.sub.display,
            data.name,
            "",
            WARNING,
            "missing-closing-count",
            f"Mangler tellingen pr. {day_label(last)}, som avslutter {ctx.period.label}. "
            f"Rapporten viser tellingene fra {day_label(first)} som er ført opp.",
            column.label,
        )
