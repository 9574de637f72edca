"""The reporting period (a calendar month) and its Norwegian labels."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS_NB = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
MONTHS_SHORT_NB = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mai",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)

_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class PeriodError(ValueError):
    """A period text that is not YYYY-MM."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"måned {self.month} finnes ikke (1–12)")
        if not 2000 <= self.year <= 2100:
            raise PeriodError(f"år {self.year} er utenfor 2000–2100")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text)
        if not match:
            raise PeriodError(f"«{text}» er ikke en periode på formen ÅÅÅÅ-MM, f.eks. 2024-03")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def month_name(self) -> str:
        """'mars'"""
        return MONTHS_NB[self.month - 1]

    @property
    def label(self) -> str:
        """'mars 2024'"""
        return f"{self.month_name} {self.year}"

    @property
    def last_day(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def as_of(self) -> str:
        """'pr. 31. mars 2024'"""
        return f"pr. {self.last_day}. {self.month_name} {self.year}"

    @property
    def end_short(self) -> str:
        """'31.3.2024'"""
        return f"{self.last_day}.{self.month}.{self.year}"

    def shift(self, months: int) -> Period:
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def ytd_months(self) -> range:
        """Month numbers 1..P of the period's year."""
        return range(1, self.month + 1)

    def window(self, length: int) -> list[Period]:
        """The `length` months ending with this one, oldest first."""
        return [self.shift(-k) for k in range(length - 1, -1, -1)]


def month_label(month: int, year: int | None = None) -> str:
    """'Januar' or 'Januar 2024'."""
    name = MONTHS_NB[month - 1].capitalize()
    return name if year is None else f"{name} {year}"
