"""The reporting period (a calendar month) and its Norwegian labels."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

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

# The earliest date a register's record may have (checks.services, record-dates-in-range,
# and the DocMap counts, checks.quality). The preparedness log, the delivered orders and the
# deviation counts are of this century's operations, and the report uses only recent records:
# a date before 2000 (1.3.1900, 1.3.1924) is a typing error, not history, and an error at its
# cell (a count dated 1.3.1924 for 1.3.2024 would otherwise leave March out of the report
# without a word). A preparedness or order date from 2000 up to the year before last is only
# left out of the count, with a warning (date-before-range).
EARLIEST_DATE = dt.date(2000, 1, 1)


def too_early(label: str, day: dt.date) -> str:
    """The message of a register date before EARLIEST_DATE (date-too-early)."""
    earliest = EARLIEST_DATE
    return (
        f"{label} {day.day}.{day.month}.{day.year} er før "
        f"{earliest.day}.{earliest.month}.{earliest.year} og er trolig feilskrevet. "
        "Skriv datoen som dd.mm.åååå."
    )


_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$", re.ASCII)  # digits 0–9 only, as Excel


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

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.year, self.month, self.last_day)

    @property
    def history_start(self) -> dt.date:
        """The first day a register's records count in the period's report: 1 January of the
        year before (the report compares this year with last year)."""
        return dt.date(self.year - 1, 1, 1)

    @property
    def ordinal(self) -> int:
        """A number that orders months across years (consecutive months differ by one)."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        index = self.ordinal + months
        return Period(index // 12, index % 12 + 1)

    def ytd_months(self) -> range:
        """Month numbers 1..P of the period's year."""
        return range(1, self.month + 1)

    def window(self, length: int) -> list[Period]:
        """The `length` months ending with this one, oldest first."""
        return [self.shift(-k) for k in range(length - 1, -1, -1)]

    # Month indexes count months from the period's year: 1–12 are its months, 0 is December
    # of the year before, -11 its January (the rows of a rolling window that reaches back
    # over New Year are numbered so).

    def month_at(self, index: int) -> Period:
        """The calendar month of a month index (see above)."""
        return Period(self.year, 1).shift(index - 1)

    def index_of(self, year: Any, month: Any) -> Any:
        """The month index of a calendar month (the inverse of `month_at`); works on whole
        columns (pandas Series) too."""
        return (year - self.year) * 12 + month

    def window_indexes(self, length: int) -> list[int]:
        """The month indexes of the `length` months ending with this one, oldest first."""
        return list(range(self.month - length + 1, self.month + 1))

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def quarter_months(self) -> range:
        """The months of the period's quarter, up to and including the period."""
        return range(3 * (self.quarter - 1) + 1, self.month + 1)

    @property
    def quarter_label(self) -> str:
        """'1. kvartal 2024', or '2. kvartal 2024 hittil' before the quarter's last month."""
        label = f"{self.quarter}. kvartal {self.year}"
        return label if self.month % 3 == 0 else f"{label} hittil"


def month_label(month: int, year: int | None = None) -> str:
    """'Januar' or 'Januar 2024'."""
    name = MONTHS_NB[month - 1].capitalize()
    return name if year is None else f"{name} {year}"


def day_label(day: dt.date) -> str:
    """'1. april 2024'"""
    return f"{day.day}. {MONTHS_NB[day.month - 1]} {day.year}"


# The words a template text may use, as `{name}`: with a period, and in a period-neutral blank.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
BLANK_WORDS = {
    "year": "",
    "period": "rapportperioden",
    "next_month_first": "den 1. i måneden etter rapportperioden",
    "next_month_first_year_before": "den 1. i samme måned året før",
}


def period_words(period: Period | None) -> dict[str, str]:
    """The values of the placeholders in template texts, e.g. for March 2024: year 2024,
    period 'mars 2024', next_month_first '1. april 2024', next_month_first_year_before
    '1. april 2023'."""
    if period is None:
        return dict(BLANK_WORDS)
    after = period.shift(1)
    return {
        "year": str(period.year),
        "period": period.label,
        "next_month_first": day_label(dt.date(after.year, after.month, 1)),
        "next_month_first_year_before": day_label(dt.date(after.year - 1, after.month, 1)),
    }


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders in `text`."""
    return _PLACEHOLDER.findall(text)


def unmatched_brace(text: str) -> str | None:
    """The first «{» or «}» in `text` that is not part of a `{name}` placeholder («{year»,
    «{ year }»), which would be printed as typed; None if there is none."""
    rest = _PLACEHOLDER.sub("", text)
    found = [c for c in rest if c in "{}"]
    return found[0] if found else None


def with_period(text: str, period: Period | None) -> str:
    """`text` with its placeholders filled in for `period` (see period_words)."""
    words = period_words(period)
    return _PLACEHOLDER.sub(lambda m: words.get(m.group(1), m.group(0)), text)
