"""Chapter 3, Tjenester/produksjon: user support, new services and operations.

User support and operations are monthly tables over a rolling window ending with the period
(its length is configuration; it may reach back into the year before). Month rows carry a
month index counted from the period's year: 1–12 this year, 0 to -11 December to January of
the year before. Shares are ratios of counts, computed unrounded; the report's number format
rounds them for display. New services are counted from the register of delivered orders
(by delivery date) and the hours per month.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from vrapport.consolidate.base import (
    COUNT_FACT,
    NUMBER_FACT,
    SERIES_FACT,
    SHARE_FACT,
    Judged,
    Reads,
    SectionInput,
    count_columns,
    date_columns,
    drafted,
    number_columns,
    section,
)
from vrapport.numbers import format_number, round_half_away, shown_share
from vrapport.period import MONTHS_SHORT_NB, Period
from vrapport.reader import MONTH
from vrapport.report.model import (
    COUNT,
    PERCENT,
    Block,
    Chart,
    HeaderCell,
    Row,
    Section,
    Series,
    Table,
    Text,
)
from vrapport.sheetkeys import OPERATIONS_SHEET, SERVICE_DESK_SHEET, report_window

# The roles of the chapter's templates, in the order report.yaml lists them.
SUPPORT, NEW_SERVICES, OPERATIONS = "support", "new_services", "operations"
INTRO, ASSESSMENT = "intro", "assessment"
TOPICS = (INTRO, ASSESSMENT)
COMMENTS = ("text",)
TARGET = "service_desk_answered_60s"
READS = {
    SUPPORT: Reads(
        columns={
            SERVICE_DESK_SHEET: count_columns("contacts", "phone", "answered_60s", "first_line"),
            "comments": COMMENTS,
        },
        months=(SERVICE_DESK_SHEET,),
        topics=TOPICS,
        rates={SERVICE_DESK_SHEET: {TARGET: (("answered_60s",), ("phone",))}},  # answered_share
        limits={SERVICE_DESK_SHEET: {TARGET: "min"}},  # months under the target are red
    ),
    NEW_SERVICES: Reads(
        columns={
            "orders": (*date_columns("delivered"), "category"),
            "hours": number_columns("order_hours", "new_hospital_hours"),
            "comments": COMMENTS,
        },
        months=("hours",),
        year_before=("hours",),  # hours_prior_ytd and the total of last year
        topics=TOPICS,
        choices_from={"orders": {"category": "order_categories"}},
    ),
    OPERATIONS: Reads(
        columns={
            OPERATIONS_SHEET: count_columns("incidents", "changes"),
            "preparedness": (*date_columns("date"), "level"),
            "comments": COMMENTS,
        },
        months=(OPERATIONS_SHEET,),
        topics=TOPICS,
        choices_from={"preparedness": {"level": "preparedness_levels"}},
    ),
}
FACTS = {
    "service_desk_answered_60s_month": SHARE_FACT,
    "service_desk_answered_60s_previous_month": SHARE_FACT,
    "service_desk_contacts_month": COUNT_FACT,
    "delivered_orders_ytd": COUNT_FACT,
    "delivered_orders_prior_ytd": COUNT_FACT,
    "hours_ytd": NUMBER_FACT,
    "hours_prior_ytd": NUMBER_FACT,
    "incidents_month": COUNT_FACT,
    "incidents_previous_month": COUNT_FACT,
    "preparedness_events_month": COUNT_FACT,
    "preparedness_events_ytd": COUNT_FACT,
    "service_desk_answered_60s": SERIES_FACT,
    "service_desk_below_target": SERIES_FACT,
    "preparedness_events": SERIES_FACT,
    "incidents": SERIES_FACT,
    "delivered_orders": SERIES_FACT,
    "order_hours": SERIES_FACT,
    "new_hospital_hours": SERIES_FACT,
}
BELOW_TARGET = "red"
TARGET_COLOR = "#C00000"
NUMBER_WORDS = (
    "ingen",
    "en",
    "to",
    "tre",
    "fire",
    "fem",
    "seks",
    "sju",
    "åtte",
    "ni",
    "ti",
    "elleve",
    "tolv",
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd

# cite(rows of a sheet's frame, columns) -> "brukerstotte.xlsx › Henvendelser › B12:C12" or None
Cite = Callable[["pd.Series", list[str]], str | None]
# row key -> per value, the source cells it was computed from
Sources = Mapping[str, tuple[str | None, ...]]


# --- months and windows ---------------------------------------------------------------------


def month_header(period: Period, months: list[int]) -> tuple[tuple[HeaderCell, ...], ...]:
    """Two header rows: the years (spanning their months), then the short month names."""
    calendar = [period.month_at(m) for m in months]
    years = tuple(
        HeaderCell(str(year), len(list(group)))
        for year, group in groupby(calendar, key=lambda p: p.year)
    )
    names = tuple(HeaderCell(MONTHS_SHORT_NB[p.month - 1]) for p in calendar)
    return ((HeaderCell(""), *years), (HeaderCell(""), *names))


def _years(period: Period, months: list[int]) -> str:
    years = sorted({period.month_at(m).year for m in months})
    return "/".join(str(y) for y in years)


def _by_month(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[int, dict[str, float | None]]:
    """Month index -> {column: number or None} for the month rows of a table sheet."""
    out: dict[int, dict[str, float | None]] = {}
    rows = frame[frame[MONTH].notna()]
    # Each column converted once (not a Series per row): the same number per value.
    numbers = [pd.to_numeric(rows[c], errors="coerce").tolist() for c in columns]
    for month, *values in zip(rows[MONTH].tolist(), *numbers, strict=True):
        out[int(month)] = {
            c: (None if pd.isna(v) else float(v)) for c, v in zip(columns, values, strict=True)
        }
    return out


def month_sources(
    frame: pd.DataFrame, months: list[int], columns: list[str], cite: Cite
) -> tuple[str | None, ...]:
    """Per month, the cells of `columns` on that month's row."""
    return tuple(cite(frame[MONTH] == m, columns) for m in months)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def join_months(periods: list[Period]) -> str:
    """'februar og mars 2024'; 'desember 2023 og januar 2024' across a New Year."""
    if len({p.year for p in periods}) == 1:
        return f"{_join([p.month_name for p in periods])} {periods[0].year}"
    return _join([p.label for p in periods])


def count_words(count: int) -> str:
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else format_number(count)


def _percent(share: float) -> str:
    return f"{format_number(round_half_away(share * 100))}\u00a0%"


# --- user support ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportMonth:
    """One month of user support, as counts."""

    month: int
    contacts: float | None
    phone: float | None
    answered_60s: float | None
    first_line: float | None

    @staticmethod
    def _ratio(part: float | None, whole: float | None) -> float | None:
        return None if part is None or not whole else part / whole

    @property
    def phone_share(self) -> float | None:
        return self._ratio(self.phone, self.contacts)

    @property
    def answered_share(self) -> float | None:
        """Calls answered within 60 seconds, of all phone contacts."""
        return self._ratio(self.answered_60s, self.phone)

    @property
    def first_line_share(self) -> float | None:
        return self._ratio(self.first_line, self.contacts)


def service_desk(frame: pd.DataFrame, months: list[int]) -> list[SupportMonth]:
    values = _by_month(frame, ("contacts", "phone", "answered_60s", "first_line"))
    empty: dict[str, float | None] = {}
    return [
        SupportMonth(
            m,
            values.get(m, empty).get("contacts"),
            values.get(m, empty).get("phone"),
            values.get(m, empty).get("answered_60s"),
            values.get(m, empty).get("first_line"),
        )
        for m in months
    ]


def under(share: float | None, target: float) -> bool:
    """Whether `share` misses the target, judged as the front page's key figure and the check
    explained-targets judge it, to a tenth of a percent: 69,96 % was marked red under a target
    of 70 % here while the front page showed it green at 70,0 %."""
    return share is not None and shown_share(share) < target


def below_target(months: list[SupportMonth], target: float) -> list[SupportMonth]:
    return [m for m in months if under(m.answered_share, target)]


SUPPORT_SOURCES = {
    "contacts": ["contacts"],
    "phone_share": ["phone", "contacts"],
    "answered_60s": ["answered_60s", "phone"],
    "first_line": ["first_line", "contacts"],
}


def service_desk_table(
    months: list[SupportMonth], period: Period, target: float, sources: Sources | None = None
) -> Table:
    index = [m.month for m in months]
    sources = sources or {}
    answered = tuple(m.answered_share for m in months)
    fills = tuple(BELOW_TARGET if under(v, target) else None for v in answered)
    rows = (
        Row(
            "contacts",
            "Totalt antall henvendelser",
            tuple(m.contacts for m in months),
            sources=sources.get("contacts"),
        ),
        Row(
            "phone_share",
            "Andel telefonhenvendelser",
            tuple(m.phone_share for m in months),
            number_format=PERCENT,
            sources=sources.get("phone_share"),
        ),
        Row(
            "answered_60s",
            "Andel besvart innen 1. minutt",
            answered,
            number_format=PERCENT,
            fills=fills,
            sources=sources.get("answered_60s"),
        ),
        Row(
            "first_line",
            "Andel henvendelser løst i førstelinje",
            tuple(m.first_line_share for m in months),
            number_format=PERCENT,
            sources=sources.get("first_line"),
        ),
        Row(
            "target",
            f"Målsetting: {_percent(target)} besvart innen 1. minutt",
            tuple(target for _ in months),
            number_format=PERCENT,
        ),
    )
    return Table(
        "service_desk",
        f"Henvendelser til brukerstøtte {_years(period, index)}",
        month_header(period, index),
        rows,
        number_format=COUNT,
        caption="Måneder under målsettingen er markert med rødt.",
    )


def service_desk_chart() -> Chart:
    return Chart(
        "service_desk_chart",
        "Andel telefonhenvendelser besvart innen 1. minutt",
        "service_desk",
        (
            Series("answered_60s"),
            Series("target", kind="line", color=TARGET_COLOR, dash=True),
        ),
        number_format=PERCENT,
    )


def service_desk_narrative(months: list[SupportMonth], period: Period, target: float) -> list[str]:
    sentences = []
    current = months[-1]
    if current.contacts is not None:
        text = (
            f"Totalt antall henvendelser til brukerstøtte i {period.label} var "
            f"{format_number(current.contacts)}"
        )
        if len(months) > 1 and months[-2].contacts is not None:
            before = period.month_at(months[-2].month)
            text += f", mot {format_number(months[-2].contacts)} i {before.month_name}"
        sentences.append(text + ".")
    missed = below_target(months, target)
    share = current.answered_share
    if share is not None:
        reached = "nådde ikke" if under(share, target) else "nådde"
        sentences.append(
            f"I {period.month_name} {reached} brukerstøtte målet: {_percent(share)} av "
            f"telefonhenvendelsene ble besvart innen 60 sekunder (mål {_percent(target)})."
        )
    if missed:
        sentences.append(
            f"Målsettingen om å besvare {_percent(target)} av telefonhenvendelsene innen "
            f"60 sekunder ble ikke nådd i "
            f"{join_months([period.month_at(m.month) for m in missed])}."
        )
    else:
        sentences.append(
            f"Målsettingen om å besvare {_percent(target)} av telefonhenvendelsene innen "
            "60 sekunder ble nådd i alle månedene i tabellen."
        )
    return sentences


# --- new services ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Hittil i år, samme tidsperiode i fjor, totalt i fjor."""

    ytd: float
    prior_ytd: float
    prior_year_total: float

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.ytd + other.ytd,
            self.prior_ytd + other.prior_ytd,
            self.prior_year_total + other.prior_year_total,
        )

    @property
    def values(self) -> tuple[float, float, float]:
        return (self.ytd, self.prior_ytd, self.prior_year_total)


@dataclass(frozen=True)
class NewServices:
    orders: dict[str, Figures]  # category label -> delivered orders
    order_hours: Figures
    new_hospital_hours: Figures

    @property
    def total_orders(self) -> Figures:
        total = Figures(0, 0, 0)
        for figures in self.orders.values():
            total = total + figures
        return total

    @property
    def total_hours(self) -> Figures:
        return self.order_hours + self.new_hospital_hours


def month_indexes(dates: pd.Series, period: Period) -> np.ndarray:
    """The month index (see Period.index_of) of each date, NaN where it is not a date: each
    distinct date looked at once (a register has many rows per day), for every span and
    month asked of them."""
    codes, distinct = pd.factorize(dates.to_numpy(dtype=object))  # -1: empty (None, NaN, NaT)
    index_of = period.index_of
    per_date = np.fromiter(
        (index_of(d.year, d.month) if hasattr(d, "year") else np.nan for d in distinct),
        dtype=float,
        count=len(distinct),
    )
    out = np.full(len(codes), np.nan)
    present = codes >= 0
    out[present] = per_date[codes[present]]
    return out


def order_spans(frame: pd.DataFrame, period: Period) -> tuple[pd.Series, ...]:
    """Which orders were delivered hittil i år, samme tidsperiode i fjor, and in fjor: by
    the delivery's month index, within the months of `hour_spans` (1 to the period's month,
    the same months a year before, -11 to 0)."""
    months = month_indexes(frame["delivered"], period)
    return tuple(
        pd.Series((months >= span.start) & (months < span.stop), index=frame.index)
        for span in hour_spans(period)
    )


def delivered_orders(
    frame: pd.DataFrame,
    period: Period,
    categories: list[str],
    spans: tuple[pd.Series, ...] | None = None,
) -> dict[str, Figures]:
    """Delivered orders per category, counted by delivery date (`spans`: order_spans's,
    when the caller has them)."""
    spans = order_spans(frame, period) if spans is None else spans
    found: dict[str, Figures] = {}
    for c in categories:
        chosen = frame["category"] == c  # once per category, for its three spans
        found[c] = Figures(*(int((span & chosen).sum()) for span in spans))
    return found


def hour_spans(period: Period) -> tuple[range, range, range]:
    """Month indexes of hittil i år, samme tidsperiode i fjor and the whole of last year."""
    return (
        range(1, period.month + 1),
        range(1 - 12, period.month + 1 - 12),
        range(-11, 1),
    )


def hours(frame: pd.DataFrame, period: Period, column: str) -> Figures:
    values = _by_month(frame, (column,))

    def total(months: range) -> float:
        return sum(values.get(m, {}).get(column) or 0.0 for m in months)

    return Figures(*(total(months) for months in hour_spans(period)))


def new_services_sources(
    orders: pd.DataFrame,
    hours_frame: pd.DataFrame,
    period: Period,
    categories: list[str],
    cite_orders: Cite,
    cite_hours: Cite,
    spans: tuple[pd.Series, ...] | None = None,
) -> dict[str, tuple[str | None, ...]]:
    """The source cells of every key figure: the orders counted, the months of hours summed."""
    spans = order_spans(orders, period) if spans is None else spans
    listed = orders["category"].isin(categories)
    out: dict[str, tuple[str | None, ...]] = {
        "orders": tuple(cite_orders(span & listed, ["category", "delivered"]) for span in spans)
    }
    for i, category in enumerate(categories):
        chosen = orders["category"] == category
        out[f"orders_{i}"] = tuple(
            cite_orders(span & chosen, ["category", "delivered"]) for span in spans
        )
    months = [hours_frame[MONTH].isin(list(m)) for m in hour_spans(period)]
    for key in ("order_hours", "new_hospital_hours"):
        out[key] = tuple(cite_hours(mask, [key]) for mask in months)
    out["hours"] = tuple(cite_hours(mask, ["order_hours", "new_hospital_hours"]) for mask in months)
    return out


def new_services(
    orders: pd.DataFrame,
    hours_frame: pd.DataFrame,
    period: Period,
    categories: list[str],
    spans: tuple[pd.Series, ...] | None = None,
) -> NewServices:
    return NewServices(
        delivered_orders(orders, period, categories, spans),
        hours(hours_frame, period, "order_hours"),
        hours(hours_frame, period, "new_hospital_hours"),
    )


def new_services_table(
    figures: NewServices, labels: dict[str, str], sources: Sources | None = None
) -> Table:
    sources = sources or {}
    header = (
        (
            HeaderCell(""),
            HeaderCell("Hittil i år"),
            HeaderCell("Samme tidsperiode i fjor"),
            HeaderCell("Totaler i fjor"),
        ),
    )
    rows = (
        Row(
            "orders",
            "Leverte oppdrag",
            figures.total_orders.values,
            "bold",
            sources=sources.get("orders"),
        ),
        *(
            Row(
                f"orders_{i}",
                labels.get(category, category),
                counts.values,
                sources=sources.get(f"orders_{i}"),
            )
            for i, (category, counts) in enumerate(figures.orders.items())
        ),
        Row(
            "order_hours",
            "Timer oppdrag",
            figures.order_hours.values,
            sources=sources.get("order_hours"),
        ),
        Row(
            "new_hospital_hours",
            "Timer nye sykehus",
            figures.new_hospital_hours.values,
            sources=sources.get("new_hospital_hours"),
        ),
        Row(
            "hours",
            "Timepådrag totalt",
            figures.total_hours.values,
            "bold",
            sources=sources.get("hours"),
        ),
    )
    return Table("new_services", "Nøkkeltall Nye tjenester", header, rows, number_format=COUNT)


def new_services_narrative(
    figures: NewServices, period: Period, labels: dict[str, str]
) -> list[str]:
    last_year = period.year - 1
    total = figures.total_orders
    parts = [
        f"{labels.get(category, category).lower()} {format_number(f.ytd)} mot "
        f"{format_number(f.prior_ytd)}"
        for category, f in figures.orders.items()
    ]
    hours_total, hospital = figures.total_hours, figures.new_hospital_hours
    return [
        f"Status {period.as_of}: Antall leverte oppdrag er {format_number(total.ytd)} mot "
        f"{format_number(total.prior_ytd)} på samme tid i {last_year} ({_join(parts)}).",
        f"Timepådrag er {format_number(hours_total.ytd)} mot "
        f"{format_number(hours_total.prior_ytd)} i {last_year}.",
        f"Timepådrag nye sykehus er {format_number(hospital.ytd)} i {period.year}.",
    ]


# --- operations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationsMonth:
    month: int
    incidents: float | None
    changes: float | None
    preparedness: dict[str, int]  # level label -> events

    @property
    def events(self) -> int:
        return sum(self.preparedness.values())


class Events:
    """Which preparedness events of a level started in a month: the log's dates read once,
    each level's rows picked once, for every month and level asked (a table, its sources and
    the year's total ask for each)."""

    def __init__(self, log: pd.DataFrame, period: Period) -> None:
        self._index = log.index
        self._levels = log["level"]
        self._started = month_indexes(log["date"], period)
        self._of_level: dict[str, np.ndarray] = {}

    def __call__(self, month: int, level: str) -> pd.Series:
        of_level = self._of_level.get(level)
        if of_level is None:
            of_level = self._of_level[level] = (self._levels == level).to_numpy(dtype=bool)
        return pd.Series((self._started == month) & of_level, index=self._index)


def operations(
    frame: pd.DataFrame,
    log: pd.DataFrame,
    period: Period,
    months: list[int],
    levels: list[str],
    events: Events | None = None,
) -> list[OperationsMonth]:
    values = _by_month(frame, ("incidents", "changes"))
    events = Events(log, period) if events is None else events
    return [
        OperationsMonth(
            m,
            values.get(m, {}).get("incidents"),
            values.get(m, {}).get("changes"),
            {level: int(events(m, level).sum()) for level in levels},
        )
        for m in months
    ]


def operations_sources(
    frame: pd.DataFrame,
    log: pd.DataFrame,
    period: Period,
    months: list[int],
    levels: list[str],
    cite_months: Cite,
    cite_log: Cite,
    events: Events | None = None,
) -> dict[str, tuple[str | None, ...]]:
    out = {
        key: month_sources(frame, months, [key], cite_months) for key in ("incidents", "changes")
    }
    events = Events(log, period) if events is None else events
    for i, level in enumerate(levels):
        out[f"preparedness_{i}"] = tuple(
            cite_log(events(m, level), ["date", "level"]) for m in months
        )
    return out


def operations_table(
    months: list[OperationsMonth], period: Period, levels: list[str], sources: Sources | None = None
) -> Table:
    index = [m.month for m in months]
    sources = sources or {}
    rows = (
        Row(
            "incidents",
            "Antall registrerte feil og hendelser",
            tuple(m.incidents for m in months),
            sources=sources.get("incidents"),
        ),
        # Months without events stay empty, as in the report the board knows.
        *(
            Row(
                f"preparedness_{i}",
                f"Beredskap {level}",
                tuple(m.preparedness[level] or None for m in months),
                sources=sources.get(f"preparedness_{i}"),
            )
            for i, level in enumerate(levels)
        ),
        Row(
            "changes",
            "Antall oppdateringer",
            tuple(m.changes for m in months),
            sources=sources.get("changes"),
        ),
    )
    return Table(
        "operations",
        "Feil og hendelser",
        month_header(period, index),
        rows,
        number_format=COUNT,
        caption="Beredskap: antall beredskapshendelser per nivå, etter startdato.",
    )


def operations_chart(period: Period, months: list[int]) -> Chart:
    return Chart(
        "incidents_chart",
        f"Registrerte feil og hendelser per måned {_years(period, months)}",
        "operations",
        (Series("incidents"),),
    )


def _events(count: int) -> str:
    noun = "beredskapshendelse" if count == 1 else "beredskapshendelser"
    return f"{count_words(count)} {noun}"


def operations_narrative(months: list[OperationsMonth], period: Period) -> list[str]:
    recent = months[-2:]
    named = [(period.month_at(m.month).month_name, m) for m in recent]
    sentences = [
        "Det var " + " og ".join(f"{_events(m.events)} i {name}" for name, m in named) + "."
    ]
    current = months[-1]
    if current.incidents is not None:
        text = (
            f"Antall registrerte feil og hendelser i {period.month_name} var "
            f"{format_number(current.incidents)}"
        )
        if len(months) > 1 and months[-2].incidents is not None:
            text += f", mot {format_number(months[-2].incidents)} i {named[0][0]}"
        sentences.append(text + ".")
    if current.changes is not None:
        sentences.append(
            f"Antall oppdateringer i {period.month_name} var {format_number(current.changes)}."
        )
    return sentences


# --- the chapter ----------------------------------------------------------------------------


def _citer(inputs: SectionInput, role: str, sheet: str) -> Cite:
    """cite(rows, columns) for one sheet; None when no row is picked or sources are unknown."""

    def cite(rows: pd.Series, columns: list[str]) -> str | None:
        return inputs.cite(role, sheet, rows, columns) if rows.any() else None

    return cite


@section(
    "services",
    reads=READS,
    facts=FACTS,
    targets=(TARGET,),
    catalogues=("order_categories", "preparedness_levels"),
    # The share answered within 60 s is judged against its target (under it misses it), as
    # the monthly table marks the months under it.
    judged={
        fact: Judged(TARGET, "min")
        for fact in ("service_desk_answered_60s_month", "service_desk_answered_60s_previous_month")
    },
    target_text=_percent,
)
def build(inputs: SectionInput) -> Section:
    period, config, chapter = inputs.period, inputs.config, inputs.chapter
    target = float(config.targets[TARGET])
    categories = config.model.catalogues.order_categories
    category_labels = [c.label for c in categories]
    report_labels = {c.label: c.report_label or c.label for c in categories}
    levels = [level.label for level in config.model.catalogues.preparedness_levels]

    contacts = inputs.sheet(SUPPORT, SERVICE_DESK_SHEET)
    support_window = report_window(period, config, "service_desk_months")
    support = service_desk(contacts, support_window)
    cite_contacts = _citer(inputs, SUPPORT, SERVICE_DESK_SHEET)
    support_sources = {
        key: month_sources(contacts, support_window, columns, cite_contacts)
        for key, columns in SUPPORT_SOURCES.items()
    }

    orders, hours_frame = inputs.sheet(NEW_SERVICES, "orders"), inputs.sheet(NEW_SERVICES, "hours")
    spans = order_spans(orders, period)
    figures = new_services(orders, hours_frame, period, category_labels, spans)
    figure_sources = new_services_sources(
        orders,
        hours_frame,
        period,
        category_labels,
        _citer(inputs, NEW_SERVICES, "orders"),
        _citer(inputs, NEW_SERVICES, "hours"),
        spans,
    )

    monthly, log = (
        inputs.sheet(OPERATIONS, OPERATIONS_SHEET),
        inputs.sheet(OPERATIONS, "preparedness"),
    )
    ops_window = report_window(period, config, "operations_months")
    events = Events(log, period)
    ops = operations(monthly, log, period, ops_window, levels, events)
    ops_sources = operations_sources(
        monthly,
        log,
        period,
        ops_window,
        levels,
        _citer(inputs, OPERATIONS, OPERATIONS_SHEET),
        _citer(inputs, OPERATIONS, "preparedness"),
        events,
    )

    draft = inputs.narrative
    blocks: list[Block] = [
        Text(f"{chapter.number}. {chapter.title}", "heading1"),
        Text("Brukerstøtte", "heading2"),
        *inputs.comments(SUPPORT, INTRO),
        service_desk_table(support, period, target, support_sources),
        *drafted(service_desk_narrative(support, period, target) if draft else []),
        *inputs.comments(SUPPORT, ASSESSMENT),
        service_desk_chart(),
        Text("Nye tjenester", "heading2"),
        *inputs.comments(NEW_SERVICES, INTRO),
        *drafted(new_services_narrative(figures, period, report_labels) if draft else []),
        new_services_table(figures, report_labels, figure_sources),
        *inputs.comments(NEW_SERVICES, ASSESSMENT),
        Text("Nøkkeltall for drift", "heading2"),
        *inputs.comments(OPERATIONS, INTRO),
        operations_table(ops, period, levels, ops_sources),
        *drafted(operations_narrative(ops, period) if draft else []),
        *inputs.comments(OPERATIONS, ASSESSMENT),
        operations_chart(period, ops_window),
    ]
    current, previous = support[-1], support[-2] if len(support) > 1 else None
    facts = {
        # Scalars, e.g. for the front page's key figures.
        "service_desk_answered_60s_month": current.answered_share,
        "service_desk_answered_60s_previous_month": None
        if previous is None
        else (previous.answered_share),
        "service_desk_contacts_month": current.contacts,
        "delivered_orders_ytd": figures.total_orders.ytd,
        "delivered_orders_prior_ytd": figures.total_orders.prior_ytd,
        "hours_ytd": figures.total_hours.ytd,
        "hours_prior_ytd": figures.total_hours.prior_ytd,
        "incidents_month": ops[-1].incidents,
        "incidents_previous_month": ops[-2].incidents if len(ops) > 1 else None,
        "preparedness_events_month": ops[-1].events,
        "preparedness_events_ytd": sum(
            int(events(m, level).sum()) for m in period.ytd_months() for level in levels
        ),
        # Per month, for the narrative.
        "service_desk_answered_60s": {
            str(period.month_at(m.month)): m.answered_share for m in support
        },
        "service_desk_below_target": [
            str(period.month_at(m.month)) for m in below_target(support, target)
        ],
        "preparedness_events": {str(period.month_at(m.month)): m.events for m in ops},
        "incidents": {str(period.month_at(m.month)): m.incidents for m in ops},
        # (hittil i år, samme tidsperiode i fjor, totalt i fjor)
        "delivered_orders": figures.total_orders.values,
        "order_hours": figures.order_hours.values,
        "new_hospital_hours": figures.new_hospital_hours.values,
    }
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks), facts)
