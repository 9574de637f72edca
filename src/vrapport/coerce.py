"""Turn raw cell values into typed values where the meaning is certain, and say so.

Numbers typed as Norwegian text ("1 234,5"; "12 %" in a percent column) are converted with a
warning; anything ambiguous is left as it is, for validation to reject with a clear message.
Only 0–9 are digits: a number or a date typed with the digits of another script («٣٤»,
«１２３», which Python's float() reads) is no number to Excel and is not converted either:
validation rejects it naming those digits (`other_digits_in`).
A percent typed where an amount or a count belongs ("12 %" in a kroner cell) is not
converted: validation rejects it, with a message saying why (`percent_in_number`). A free
text (a text column: comments, names, descriptions) loses its control characters and
direction overrides, which the report must not show unannounced, with a warning naming them
(`_clean`); its line breaks stay and a tab becomes a space.

Coercion works a whole column at a time: values that already have the column's type pass
through a cheap type test, only the rest go through the converters below, and the column is
written back once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pandas as pd

from vrapport.findings import WARNING
from vrapport.labels import code_point
from vrapport.numbers import as_ordinary_digits, format_plain, other_digits, parse_number_text
from vrapport.reader import SheetData, Submission
from vrapport.spec import MULTIPLE_SEPARATOR, ColumnSpec, split_choices
from vrapport.wording import listing

# Digits 0–9 only (re.ASCII): «٠١.٠٣.٢٠٢٤» is no date to Excel (see other_digits_in).
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$", re.ASCII)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$", re.ASCII)

Converter = Callable[[Any, ColumnSpec], tuple[Any, str | None]]


def _is_percent_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip().endswith("%")


def percent_in_number(value: Any, column: ColumnSpec) -> bool:
    """A percent ("12 %") typed in a number column that is no percent (an amount, a count):
    not converted, an error at its cell."""
    return (
        column.type != "percent"
        and _is_percent_text(value)
        and (parse_number_text(value) is not None)
    )


def other_digits_in(value: Any, column: ColumnSpec) -> str:
    """The digits of other scripts («٣», «１», «३») in a text typed in a number or date
    column that would read as a number or a date were they the digits 0–9, named for a
    message («٣» (U+0663), «٤» (U+0664)); "" for any other value. Python's float() reads
    them as digits, Excel does not, so the text is not converted: validation rejects it."""
    if not isinstance(value, str) or not (found := other_digits(value)):
        return ""
    plain = as_ordinary_digits(value)
    if column.type == "date":
        readable = bool(_DATE_TEXT.match(plain) or _ISO_DATE.match(plain))
    else:
        readable = parse_number_text(plain) is not None
    if not readable:
        return ""
    return listing([f"«{ch}» (U+{ord(ch):04X})" for ch in found], "tegn")


def _number(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, str):
        if column.type != "percent" and _is_percent_text(value):
            return value, None  # "12 %" is no amount: validation says so at the cell
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
        if column.type != "text":  # a choice: compared with the list, not shown as typed
            return value.strip(), None
        text, note = _clean(value)
        return text.strip(), note
    return value, None


# Characters a free text may not carry into the report: the C0 and C1 control characters
# (a tab and a line break are text; see _clean) and the direction overrides and isolates,
# which reorder what follows them on screen (U+202A–U+202E, U+2066–U+2069). A zero-width
# joiner or a soft hyphen stays: it belongs to an emoji or a word.
_CONTROL_CLASS = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(_CONTROL_CLASS)
# A removed character between two spaces takes one of them along: «a \x07 b» becomes «a b».
_REMOVED = re.compile(f" {_CONTROL_CLASS}+(?= )|{_CONTROL_CLASS}+")
# What _clean changes at all: the above, and a tab or a carriage return (not a line break).
_UNCLEAN = re.compile(f"\t|{_CONTROL_CLASS}")
_KIND = {"Cc": "styretegn"}


def _clean(text: str) -> tuple[str, str | None]:
    """`text` as the report may show it, and a note naming what was removed. A line break
    stays (a Windows \\r\\n or a lone \\r becomes \\n) and a tab becomes a space, without a
    note; a control character or a direction override is removed, with one."""
    if text.isprintable() or not _UNCLEAN.search(text):
        return text, None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    removed = list(dict.fromkeys(_CONTROL.findall(text)))
    if not removed:
        return text, None
    named = [
        f"{_KIND.get(unicodedata.category(ch), 'retningstegn')} {code_point(ch)}" for ch in removed
    ]
    shown = listing(named, "tegn")
    return _REMOVED.sub("", text), (
        f"Teksten har tegn som ikke vises, og de tas ikke med i rapporten: {shown}. "
        "Fjern dem i cellen."
    )


def _clean_column(values: list[Any], kinds: set[type]) -> bool:
    """Might _clean change any text of this column (whose values have the types `kinds`)?
    One test of all the texts joined, instead of one per text: a register's descriptions
    are mostly printable, and what is not (a line break, a no-break space) is searched once."""
    texts = values if kinds == {str} else [v for v in values if type(v) is str]
    joined = "".join(texts)
    return not joined.isprintable() and _UNCLEAN.search(joined) is not None


def _choice(value: Any, column: ColumnSpec) -> tuple[Any, str | None]:
    text, _ = _text(value, column)
    if isinstance(text, str):
        for choice in column.choices:
            if choice.casefold() == text.casefold():
                return choice, None
    return text, None


COERCERS: dict[str, Converter] = {
    "decimal": _number,
    "percent": _number,
    "integer": _integer,
    "date": _date,
    "text": _text,
    "choice": _choice,
}

# Values of exactly these types come out of a column's converter unchanged (a float that is
# a whole number is not final in an integer column: it becomes an int).
_FINAL: dict[str, tuple[type, ...]] = {
    "decimal": (float,),
    "percent": (float,),
    "integer": (int,),
    "date": (dt.date,),
    "text": (),
    "choice": (),
}


def _chosen(text: str, choices: dict[str, str], multiple: bool) -> str | None:
    """A choice typed as text, spelled as the list spells it (each part, when several)."""
    if multiple:
        parts = [choices.get(p.casefold(), p) for p in split_choices(text)]
        return MULTIPLE_SEPARATOR.join(parts) if parts else None
    text = text.strip()
    return choices.get(text.casefold(), text)


def coerce_column(values: list[Any], column: ColumnSpec) -> tuple[list[Any], list[tuple[int, str]]]:
    """The converted values, and (position, note) of each conversion worth a warning:
    exactly what converting each value on its own gives. A column whose values all have one
    type takes a shortcut: unchanged when they are of the column's type, each distinct choice
    spelled once."""
    final = _FINAL[column.type]
    kinds = set(map(type, values))
    if kinds <= {type(None), *final}:
        return values, []
    choices = {c.casefold(): c for c in reversed(column.choices)}
    unclean = column.type == "text" and str in kinds and _clean_column(values, kinds)
    if kinds <= {type(None), str} and not unclean:
        if column.type == "text":
            stripped: list[Any]
            if kinds == {str}:
                stripped = list(map(str.strip, values))
            else:
                stripped = [None if v is None else v.strip() for v in values]
            # Texts typed without stray spaces stay as they are (and are not written back).
            return values if stripped == values else stripped, []
        if column.type == "choice":
            spelled = {
                v: _chosen(v, choices, column.multiple) for v in set(values) if v is not None
            }
            if all(typed == chosen for typed, chosen in spelled.items()):
                return values, []  # every choice spelled as the list spells it
            return [None if v is None else spelled[v] for v in values], []
    if column.type == "integer" and kinds <= {type(None), int, float}:
        # A whole float becomes an int, any other number stays (no note: none is text).
        return [int(v) if type(v) is float and v.is_integer() else v for v in values], []
    convert = COERCERS[column.type]
    out: list[Any] = []
    noted: list[tuple[int, str]] = []
    for position, raw in enumerate(values):
        kind = type(raw)
        if raw is None or kind in final:
            out.append(raw)
        elif kind is str and column.type == "text" and not unclean:
            out.append(raw.strip())
        elif kind is str and column.type == "choice":
            out.append(_chosen(raw, choices, column.multiple))
        else:
            value, note = convert(raw, column)
            out.append(value)
            if note:
                noted.append((position, note))
    return out, noted


def coerce_sheet(sub: Submission, data: SheetData) -> None:
    """Convert `data.frame` column by column; conversions that change a value's type are
    warnings at their cells."""
    frame = data.frame
    for column in data.spec.columns:
        if column.key not in frame.columns:
            continue
        series = frame[column.key]
        raw = series.tolist()
        values, noted = coerce_column(raw, column)
        if values is not raw or series.dtype != object:
            frame[column.key] = pd.Series(values, index=frame.index, dtype=object)
        code = {"date": "date-as-text", "text": "control-characters"}.get(
            column.type, "number-as-text"
        )
        for position, note in noted:
            cell = data.cell(frame.index[position], column.key)
            sub.add(data.name, cell, WARNING, code, note, column.label)
