"""Chapter 6, Avviksmeldinger i DocMap: open deviation reports, counted on the first day of
each month, over the window that closes on the first day after the period.

Only the counts the department reported are shown (the window has at most thirteen dates;
a month without a count is left out, not guessed). The optional split by where the reports
await handling becomes extra rows when it is given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vrapport.consolidate.base import (
    COUNT_FACT,
    Reads,
    SectionInput,
    count_columns,
    date_columns,
    drafted,
    section,
)
from vrapport.numbers import format_number
from vrapport.period import Period, day_label
from vrapport.report.model import COUNT, Block, Chart, HeaderCell, Row, Section, Series, Table, Text
from vrapport.report.styles import LABEL_WIDTH, VALUE_WIDTH
from vrapport.sheetkeys import DATE, OPEN, OPEN_DEVIATIONS, SPLIT, count_window

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd

ROLE = "quality"
DATE_MARGIN = 2  # characters a date header gets beyond a default value column
DATE_LABEL_MIN = 30  # the label column's least width («Herav venter på …» wraps)
READS = Reads(
    columns={
        OPEN_DEVIATIONS: (*date_columns(DATE), *count_columns(OPEN, *SPLIT)),
        "comments": ("text",),
    }
)
FACTS = {
    "open_deviations": COUNT_FACT,
    "open_deviations_previous": COUNT_FACT,
}
# cite(frame index, columns) -> "kvalitet.xlsx › Åpne avvik › B6" (or None)
Cite = Callable[["pd.Index", list[str]], str | None]


def _no_source(*_args: object) -> None:
    return None


@dataclass(frozen=True)
class Count:
    """One count of open deviation reports; `index` is its row in the sheet's frame."""

    date: dt.date
    open: int
    awaiting_internal: int | None = None
    awaiting_trusts: int | None = None
    index: Hashable = None


def _count(value: object) -> int | None:
    # A whole number or a float as the sheet holds them (most counts) need no conversion.
    if type(value) is int and -(2**63) <= value < 2**63:
        return value
    if type(value) is float:
        return None if math.isnan(value) else int(value)
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else int(number)


def counts(frame: pd.DataFrame, period: Period) -> list[Count]:
    """The counts within the period's window, oldest first (one per date)."""
    first, last = count_window(period)
    found: dict[dt.date, Count] = {}
    # Column by column: a column's list holds the Python values iterrows gives its rows.
    splits = [frame[key].tolist() for key in SPLIT]
    rows = zip(frame.index, frame[DATE].tolist(), frame[OPEN].tolist(), *splits, strict=True)
    for index, day, value, *split in rows:
        total = _count(value)
        if not isinstance(day, dt.date) or total is None or not first <= day <= last:
            continue
        internal, trusts = (_count(v) for v in split)
        found.setdefault(day, Count(day, total, internal, trusts, index=index))
    return [found[day] for day in sorted(found)]


def deviation_table(found: list[Count], organisation: str, cite: Cite = _no_source) -> Table:
    """The counts in date order: a Total row, and a row per part of the split when given."""

    def sources(key: str) -> tuple[str | None, ...]:
        return tuple(cite(pd.Index([c.index]), [key]) for c in found)

    rows = [Row("total", "Total", tuple(c.open for c in found), "bold", sources=sources(OPEN))]
    for key, where in zip(SPLIT, (organisation, "helseforetakene"), strict=True):
        values = tuple(getattr(c, key) for c in found)
        if any(v is not None for v in values):
            rows.append(
                Row(key, f"Herav venter på behandling i {where}", values, sources=sources(key))
            )
    header = ((HeaderCell(""), *(HeaderCell(day_label(c.date)) for c in found)),)
    # Dates as headers («1. januar 2024») fill a default column to its edge, and two of them
    # ran together: the columns are wider, and the label column narrower by as much.
    label_width = max(DATE_LABEL_MIN, LABEL_WIDTH - DATE_MARGIN * len(found))
    return Table(
        "open_deviations",
        "Antall åpne avvik i DocMap",
        header,
        tuple(rows),
        number_format=COUNT,
        column_widths=(label_width, *(VALUE_WIDTH + DATE_MARGIN,) * len(found)),
    )


def _month_before(day: dt.date) -> dt.date:
    """The first of the month before `day`'s month (counts are dated the first)."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def narrative(found: list[Count]) -> list[str]:
    if not found:
        return []
    last = found[-1]
    sentence = f"Pr. {day_label(last.date)} er det {format_number(last.open)} åpne avvik"
    changes = []
    # Compared with the count before and with the first count of the window.
    for earlier in dict.fromkeys(found[-2:-1] + found[:1]):
        if earlier.date == last.date:
            continue
        diff = last.open - earlier.open
        word = "flere" if diff > 0 else "færre"
        changes.append(
            f"{format_number(abs(diff))} {word} enn {day_label(earlier.date)}"
            if diff
            else f"like mange som {day_label(earlier.date)}"
        )
    return [sentence + (", " + " og ".join(changes) if changes else "") + "."]


@section("quality", reads={ROLE: READS}, facts=FACTS)
def build(inputs: SectionInput) -> Section:
    period, chapter = inputs.period, inputs.chapter
    found = counts(inputs.sheet(ROLE, OPEN_DEVIATIONS), period)

    def cite(index: pd.Index, columns: list[str]) -> str | None:
        return inputs.cite(ROLE, OPEN_DEVIATIONS, index, columns)

    blocks: list[Block] = [Text(f"{chapter.number}. {chapter.title}", "heading1")]
    blocks += inputs.comments(ROLE)
    if found:
        table = deviation_table(found, inputs.config.organisation, cite)
        blocks += [
            table,
            Chart(
                "open_deviations_chart",
                "Åpne avvik i DocMap, talt den 1. i måneden",
                table.key,
                (Series("total", name="Åpne avvik"),),
                kind="line",
            ),
        ]
        if inputs.narrative:
            blocks += drafted(narrative(found))
    else:
        first, last = count_window(period)
        blocks.append(
            Text(
                f"Ingen tellinger av åpne avvik mellom {day_label(first)} og "
                f"{day_label(last)} er rapportert.",
                "note",
            )
        )
    # The front page shows the count that closes the period (1 April for March), compared
    # with the count a month before it («forrige måned»), not with whichever count precedes
    # it. Without the closing count it shows none: an older count there would look current.
    closing = count_window(period)[1]
    latest = next((c for c in found if c.date == closing), None)
    month_before = next((c for c in found if c.date == _month_before(closing)), None)
    facts = {
        "open_deviations": latest.open if latest else None,
        "open_deviations_previous": month_before.open if latest and month_before else None,
    }
    notes = {}
    if latest is None:
        note = f"Mangler tellingen pr. {day_label(closing)}"
        if found:
            note += f"; siste telling {day_label(found[-1].date)}: {format_number(found[-1].open)}"
        notes["open_deviations"] = note
    return Section(
        chapter.key, chapter.sheet, chapter.title, tuple(blocks), facts, fact_notes=notes
    )
