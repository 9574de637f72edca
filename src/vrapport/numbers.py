"""Norwegian number handling: rounding for display, parsing number text, formatting."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def round_half_away(value: float, digits: int = 0) -> float:
    """Round half away from zero, as accountants (and Excel's number formats) do."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def thousands(kroner: float) -> int:
    """Kroner to whole thousands, rounded half away from zero."""
    return int(round_half_away(kroner / 1000))


_NUMBER_TEXT = re.compile(r"^[+-−]?\d{1,3}([ \u00a0\u202f.]?\d{3})*(,\d+)?$|^[+-−]?\d+(,\d+)?$")


def parse_number_text(text: str) -> float | None:
    """Read unambiguous Norwegian number text ("1 234,5", "-12", "12 %") or return None.

    A percent sign divides by 100. A point is taken as a thousands separator only in
    groups of three ("1.234.567"); "1.5" is ambiguous and is not converted.
    """
    raw = text.strip()
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1].strip()
    raw = raw.replace("\u2212", "-")
    if raw.count(".") and not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", raw):
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


def format_number(value: float, decimals: int = 0) -> str:
    """1234567.8 -> '1 234 568' (non-breaking spaces, decimal comma)."""
    rounded = round_half_away(value, decimals)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("-" if rounded < 0 else "") + text


def format_millions(kroner: float) -> str:
    """66 350 000 -> '66,4 mill. kr'."""
    return f"{format_number(kroner / 1_000_000, 1)}{NBSP}mill.{NBSP}kr"
