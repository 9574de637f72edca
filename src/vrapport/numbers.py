"""Norwegian number handling: rounding for display, parsing number text, formatting."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeGuard

NBSP = "\u00a0"
_EXACT = Context(prec=400)  # enough digits for any float, so quantize never overflows


def is_number(value: object) -> TypeGuard[float]:
    """A cell value that is a number: an int or float, not a truth value, not NaN."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def round_half_away(value: float, digits: int = 0) -> float:
    """Round half away from zero, as accountants (and Excel's number formats) do."""
    if not math.isfinite(value):
        return float(value)
    quantum = Decimal(1).scaleb(-digits)
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP, context=_EXACT))


def shown_share(share: float) -> float:
    """A share as the report shows it, to a tenth of a percent («5,0 %» for 0,0504): what a
    share is judged by wherever the report shows a verdict beside it (front page, chapters,
    explained-targets), so a figure shown on target is never marked as missing it."""
    return round_half_away(share, 3)


def thousands(kroner: float) -> int:
    """Kroner to whole thousands, rounded half away from zero."""
    return int(round_half_away(kroner / 1000))


# Digits are 0–9 only (re.ASCII): Python's \d and float() also take the digits of other
# scripts («٣٤», «１２３»), which Excel never reads as a number.
_NUMBER_TEXT = re.compile(
    r"^[+\-−]?\d{1,3}([ \u00a0\u202f.]?\d{3})*(,\d+)?$|^[+\-−]?\d+(,\d+)?$", re.ASCII
)
_POINTS = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?|[+-]?\d{1,3}(\.\d{3})+,\d+", re.ASCII)
_THOUSAND_COMMA = re.compile(r"[+-]?\d{1,3},\d{3}", re.ASCII)


def parse_number_text(text: str) -> float | None:
    """Read unambiguous Norwegian number text ("1 234,5", "-12", "12 %") or return None.

    A percent sign divides by 100. Text an English reader would read differently is
    ambiguous and not converted: a lone point ("1.5", "1.234") and a comma before exactly
    three digits ("1,234"). Points as thousands separators in two or more groups
    ("1.234.567") or followed by a decimal comma ("1.234,5") are unambiguous. Only 0–9 are
    digits: text with digits of another script («٣٤») is no number (see `other_digits`).
    """
    raw = text.strip()
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1].strip()
    raw = raw.replace("\u2212", "-")
    if raw.count(".") and not _POINTS.fullmatch(raw):
        return None
    if _THOUSAND_COMMA.fullmatch(raw):
        return None
    if not _NUMBER_TEXT.match(raw):
        return None
    cleaned = re.sub(r"[ \u00a0\u202f.]", "", raw).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def other_digits(text: str) -> str:
    """The digits of other scripts in `text` («٣», «１», «३»), once each in order: Python reads
    them as digits, Excel does not ("" when there are none)."""
    if text.isascii():
        return ""
    return "".join(dict.fromkeys(ch for ch in text if ch.isdecimal() and not ch.isascii()))


def as_ordinary_digits(text: str) -> str:
    """`text` with every digit of another script written as the digit 0–9 it stands for."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def format_number(value: float, decimals: int = 0) -> str:
    """1234567.8 -> '1 234 568' (non-breaking spaces, decimal comma)."""
    rounded = round_half_away(value, decimals)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("-" if rounded < 0 else "") + text


HUGE_SHOWN = 1e15  # from here on a number is shown as Excel's General format shows it: 1E+15


def format_plain(value: float) -> str:
    """7 -> '7', 1234.5 -> '1 234,5': as many decimals as the value has (at most 4); from
    1e15 on as Excel shows it, -1E+308 and 1,5E+20 (not 309 digits in a message)."""
    if abs(value) >= HUGE_SHOWN and math.isfinite(value):
        return f"{value:.6G}".replace(".", ",")
    if float(value).is_integer():
        return format_number(value, 0)
    return format_number(value, 4).rstrip("0").rstrip(",")


def format_millions(kroner: float) -> str:
    """66 350 000 -> '66,4 mill. kr'."""
    return f"{format_number(kroner / 1_000_000, 1)}{NBSP}mill.{NBSP}kr"
