"""Cross-checks of chapter 3's templates: user support (brukerstotte), new services
(nye_tjenester) and operations (drift).

The generic checks (`month-rows-in-order`, `record-dates-in-range`, `record-ids-unique`) apply to
every sheet of the submission that lists them in its spec, so another template can reuse them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from vrapport.checks import CheckContext, check, each_row
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.numbers import format_number
from vrapport.period import EARLIEST_DATE, too_early
from vrapport.reader import LABEL, MONTH, SheetData
from vrapport.sheetkeys import OPERATIONS_SHEET, SERVICE_DESK_SHEET, report_window


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _month_name(ctx: CheckContext, month: int) -> str:
    """'februar 2024' for month 2, 'september 2023' for month -3 (period year 2024)."""
    return ctx.period.month_at(month).label


def _sheets_listing(ctx: CheckContext, name: str) -> Iterator[SheetData]:
    for data in ctx.sub.sheets.values():
        if name in data.spec.checks:
            yield data


def _finding(
    ctx: CheckContext, data: SheetData, index: Any, column: str, severity: str, code: str, text: str
) -> Finding:
    return ctx.at(data, index, column, severity, code, text)  # type: ignore[arg-type]


@check(
    "service-desk-counts",
    reads={SERVICE_DESK_SHEET: ("contacts", "phone", "answered_60s", "first_line")},
)
def service_desk_counts(ctx: CheckContext) -> Iterator[Finding]:
    """Answered within 60 s ≤ phone contacts ≤ all contacts; resolved in first line ≤ all."""
    data = ctx.sub.sheets.get(SERVICE_DESK_SHEET)
    if data is None:
        return
    rules = (
        ("answered_60s", "phone", "answered-exceeds-phone"),
        ("phone", "contacts", "phone-exceeds-contacts"),
        ("first_line", "contacts", "resolved-exceeds-contacts"),
    )
    for index, row in each_row(data.frame):
        for part, whole, code in rules:
            low, high = _number(row[part]), _number(row[whole])
            if low is None or high is None or low <= high:
                continue
            part_label = data.spec.column(part).label
            whole_label = data.spec.column(whole).label
            yield _finding(
                ctx,
                data,
                index,
                part,
                ERROR,
                code,
                f"{part_label} ({format_number(low)}) er flere enn {whole_label.lower()} "
                f"({format_number(high)}) for {str(row[LABEL]).lower()}.",
            )


def _window_complete(ctx: CheckContext, sheet_key: str, setting: str) -> Iterator[Finding]:
    """Every value of the months the report shows (the window ending with the period)."""
    data = ctx.sub.sheets.get(sheet_key)
    if data is None:
        return
    months = report_window(ctx.period, ctx.specs.report, setting)
    shown = f"{_month_name(ctx, months[0])}–{_month_name(ctx, months[-1])}"
    for index, row in each_row(data.frame):
        if row[MONTH] not in months:
            continue
        for column in data.spec.columns:
            if row[column.key] is None:
                yield _finding(
                    ctx,
                    data,
                    index,
                    column.key,
                    ERROR,
                    "required",
                    f"Mangler verdi: {column.label} for {str(row[LABEL]).lower()}. "
                    f"Rapporten viser {shown}.",
                )


@check("service-desk-window", reads={SERVICE_DESK_SHEET: ()})
def service_desk_window(ctx: CheckContext) -> Iterator[Finding]:
    yield from _window_complete(ctx, SERVICE_DESK_SHEET, "service_desk_months")


@check("operations-window", reads={OPERATIONS_SHEET: ()})
def operations_window(ctx: CheckContext) -> Iterator[Finding]:
    yield from _window_complete(ctx, OPERATIONS_SHEET, "operations_months")


def _sheet_row(cell: str) -> int:
    return int(re.sub(r"\D", "", cell))


@check("month-rows-in-order")
def month_rows_in_order(ctx: CheckContext) -> Iterator[Finding]:
    """Month rows stand in calendar order on the sheet (figures after the period: checks/
    months.py)."""
    for data in _sheets_listing(ctx, "month-rows-in-order"):
        frame = data.frame[data.frame[MONTH].notna()]
        first = data.spec.columns[0].key
        previous: tuple[int, str] | None = None
        for index, row in each_row(frame.sort_values(MONTH)):
            at = _sheet_row(data.cell(index, first))
            if previous is not None and at < previous[0]:
                yield _finding(
                    ctx,
                    data,
                    index,
                    first,
                    WARNING,
                    "months-out-of-order",
                    f"Raden «{row[LABEL]}» står foran «{previous[1]}». Tallene leses etter "
                    "radnavnet, men kontroller at hvert tall står på riktig måned.",
                )
            previous = (at, str(row[LABEL]))


@check("record-dates-in-range")
def record_dates_in_range(ctx: CheckContext) -> Iterator[Finding]:
    """Dates in a register lie in the period's year or the year before, up to the period's end.
    A date after the period is an error; one before the year before is left out of the count,
    with a warning, unless it is before EARLIEST_DATE: then it is a typing error (1.3.1900 for
    1.3.2024), an error, and the report is not made with the row left out."""
    first, last = ctx.period.history_start, ctx.period.end_date
    for data in _sheets_listing(ctx, "record-dates-in-range"):
        for column in (c for c in data.spec.columns if c.type == "date"):
            series = data.frame[column.key]
            # A register has few distinct dates: those outside the range are found among
            # them, and only their rows are visited (in row order).
            outside = {v for v in set(series) if isinstance(v, dt.date) and (v > last or v < first)}
            if not outside:
                continue
            for index, value in series.items():
                if not isinstance(value, dt.date) or value not in outside:
                    continue
                shown = f"{value.day}.{value.month}.{value.year}"
                if value > last:
                    yield _finding(
                        ctx,
                        data,
                        index,
                        column.key,
                        ERROR,
                        "date-after-period",
                        f"{column.label} {shown} er etter rapportperioden "
                        f"(til og med {ctx.period.end_short}).",
                    )
                elif value < EARLIEST_DATE:
                    message = too_early(column.label, value)
                    yield _finding(ctx, data, index, column.key, ERROR, "date-too-early", message)
                elif value < first:
                    yield _finding(
                        ctx,
                        data,
                        index,
                        column.key,
                        WARNING,
                        "date-before-range",
                        f"{column.label} {shown} er før {first.year}. Raden telles ikke "
                        f"(rapporten bruker {first.year} og {ctx.period.year}).",
                    )


@check("record-ids-unique", columns=("id",))
def record_ids_unique(ctx: CheckContext) -> Iterator[Finding]:
    """The `id` column of a register names each record once (case and spaces ignored)."""
    for data in _sheets_listing(ctx, "record-ids-unique"):
        if _distinct_ids(data.frame["id"].tolist()):
            continue
        seen: dict[str, Any] = {}  # normalised id -> frame index of its first row
        for index, value in data.frame["id"].items():
            if not isinstance(value, str) or not value.strip():
                continue
            key = " ".join(value.split()).casefold()
            if key in seen:
                yield _finding(
                    ctx,
                    data,
                    index,
                    "id",
                    ERROR,
                    "duplicate-id",
                    f"{data.spec.column('id').label} «{value}» står to ganger "
                    f"(også i {data.cell(seen[key], 'id')}).",
                )
            else:
                seen[key] = index


def _distinct_ids(values: list[Any]) -> bool:
    """No two ids of `values` are the same, case and spaces ignored, as record_ids_unique
    compares them (a text that is only spaces is no id): one pass in C over the texts, then
    a set. When some are the same, record_ids_unique's loop says which."""
    texts = [v for v in values if isinstance(v, str)]
    keys = list(map(str.casefold, map(" ".join, map(str.split, texts))))
    filled = len(keys) - keys.count("")
    return len(set(keys)) - ("" in keys) == filled
