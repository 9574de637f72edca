"""Turn raw cell values into typed values where the meaning is certain, and say so.

Numbers typed as Norwegian text ("1 234,5", "12 %") are converted with a warning;
anything ambiguous is left as it is, for validation to reject with a clear message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vrapport.findings import WARNING
from vrapport.numbers import format_plain, parse_number_text
from vrapport.reader import SheetData, Submission
from vrapport.spec import ColumnSpec

_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def _number(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, str):
        parsed = parse_number_text(value)
        if parsed is not None:
            shown = format_plain(parsed)
            return (
                parsed,
                f"Tallet «{value}» var skrevet som tekst og er lest som {shown}. "
                "Skriv tall som tall.",
            )
    return value, None


def _integer(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    number, note = _number(value, column)
    if isinstance(number, float) and number.is_integer():
        return int(number), note
    return number, None if not isinstance(number, float) else note


def _date(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        match = _DATE_TEXT.match(value)
        iso = _ISO_DATE.match(value)
        if match or iso:
            if match:
                day, month, year = (int(g) for g in match.groups())
            else:
                year, month, day = (int(g) for g in iso.groups())  # type: ignore[union-attr]
            try:
                return dt.date(year, month, day), (
                    f"Datoen «{value}» var skrevet som tekst og er "
                    "lest som dato. Skriv datoer som datoer."
                )
            except ValueError:
                return value, None
    return value, None


def _text(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value), None
    if isinstance(value, str):
        return value.strip(), None
    return value, None


def _choice(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    text, _ = _text(value, column)
    if isinstance(text, str):
        for choice in column.choices:
            if choice.casefold() == text.casefold():
                return choice, None
    return text, None


COERCERS = {
    "decimal": _number,
    "percent": _number,
    "integer": _integer,
    "date": _date,
    "text": _text,
    "choice": _choice,
}


def coerce_sheet(sub: Submission, data: SheetData) -> None:
    """Convert `data.frame` in place; conversions that change a value's type are warnings."""
    for column in data.spec.columns:
        if column.key not in data.frame.columns:
            continue
        convert = COERCERS[column.type]
        for index, raw in data.frame[column.key].items():
            if raw is None:
                continue
            value, note = convert(raw, column)
            data.frame.at[index, column.key] = value
            if note:
                sub.add(
                    data.name,
                    data.cell(index, column.key),
                    WARNING,
                    "number-as-text" if column.type != "date" else "date-as-text",
                    note,
                    column.label,
                )
