"""The sheet and column keys, and the report windows, that the checks (vrapport.checks) and
the chapters (vrapport.consolidate) share, so that neither imports the other. The keys are
the specs' (schemas/*.yaml); the sections that read them declare so, and the contract checks
them when the specs load."""

from __future__ import annotations

import datetime as dt

from vrapport.period import Period
from vrapport.spec import ReportConfig

# HR/HMS (hr): the sick-leave sheet holds, per month row, the agreed workdays and the lost
# workdays in three parts, for the report's year (plain keys) and the year before (PRIOR).
SICK_LEAVE = "sick_leave"
AGREED = "agreed"
PARTS = ("self_certified", "medically_short", "medically_long")
PRIOR = "_prior"

# Quality (kvalitet): open deviation reports, counted on the first day of each month.
OPEN_DEVIATIONS = "open_deviations"
DATE = "date"
OPEN = "open"
SPLIT = ("awaiting_internal", "awaiting_trusts")

# Services (brukerstotte, drift): the monthly tables shown over a rolling window.
SERVICE_DESK_SHEET = "contacts"
OPERATIONS_SHEET = "operations"


def count_window(period: Period) -> tuple[dt.date, dt.date]:
    """First and last counting date of open deviations the report shows for `period` (both
    included): a year back from the first day after the period, 1.4.2023–1.4.2024 for March
    2024."""
    return period.shift(-11).first_day, period.shift(1).first_day


def window_setting(config: ReportConfig, name: str) -> int:
    """A window length from report.yaml's `services:` block (months, 1–24, typed there)."""
    return int(getattr(config.model.services, name))


def report_window(period: Period, config: ReportConfig, name: str) -> list[int]:
    """The month indexes of the window `name` (report.yaml's services block) ending with the
    period, oldest first."""
    return period.window_indexes(window_setting(config, name))
