"""Chapter 5, HR/HMS: sick leave from workdays, and working-time breaches (AML).

A sick-leave rate is lost workdays / agreed workdays. A rate over several months (year to
date, a quarter) sums the lost and the agreed workdays of those months first; percentages
are never averaged. Short-term = self-certified + medically certified ≤ 16 days; long-term
= medically certified > 16 days; medically certified = both medically certified parts.
Rates are fractions, shown with percent formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from vrapport.consolidate.base import (
    COUNT_FACT,
    SHARE_FACT,
    Judged,
    Reads,
    SectionInput,
    count_columns,
    drafted,
    number_columns,
    section,
)
from vrapport.numbers import format_number, round_half_away, shown_share
from vrapport.period import MONTHS_NB, MONTHS_SHORT_NB, Period
from vrapport.reader import LABEL, MONTH, ROW_KEY
from vrapport.report.model import (
    COUNT,
    Block,
    Chart,
    HeaderCell,
    Row,
    Section,
    Series,
    Table,
    Text,
)
from vrapport.sheetkeys import AGREED, PARTS, PRIOR, SICK_LEAVE

ROLE = "hr"
BREACHES = "breaches"
TARGETS = ("sick_leave_total", "sick_leave_short_term", "sick_leave_long_term")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    parts: tuple[str, ...]
    target: str | None = None  # key in report.yaml's targets


MEASURES = {
    m.key: m
    for m in (
        Measure("total", "Samlet", PARTS, "sick_leave_total"),
        Measure(
            "short_term",
            "Korttid (≤ 16 dager)",
            ("self_certified", "medically_short"),
            "sick_leave_short_term",
        ),
        Measure("long_term", "Langtid (> 16 dager)", ("medically_long",), "sick_leave_long_term"),
        Measure("self_certified", "Egenmeldt", ("self_certified",)),
        Measure("medically_certified", "Legemeldt", ("medically_short", "medically_long")),
    )
}


READS = Reads(
    columns={
        SICK_LEAVE: number_columns(
            *(key + suffix for suffix in ("", PRIOR) for key in (AGREED, *PARTS))
        ),
        BREACHES: count_columns("count"),
        "comments": ("text",),
    },
    months=(SICK_LEAVE,),
    topics=("hms", "sick_leave", "certified", "short_term", "long_term", "breaches"),
    # A target on the sheet is judged as the chapter computes its rate: lost / agreed.
    rates={SICK_LEAVE: {m.target: (m.parts, (AGREED,)) for m in MEASURES.values() if m.target}},
    # Sick leave is over its target when it is above it («ikke skal overstige»).
    limits={SICK_LEAVE: {m.target: "max" for m in MEASURES.values() if m.target}},
)
FACTS = {
    "sick_leave_month": SHARE_FACT,
    "sick_leave_ytd": SHARE_FACT,
    "sick_leave_prior_ytd": SHARE_FACT,
    "sick_leave_target": SHARE_FACT,
    "working_time_breaches_month": COUNT_FACT,
    "working_time_breaches_previous_month": COUNT_FACT,
    "working_time_breaches_ytd": COUNT_FACT,
}

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd
# Norwegian: a space before the percent sign, and a minus sign (U+2212) as in the header
RATE = "0.0 %"
GAP = '+0.0 %;"\u2212"0.0 %;0.0 %'
TARGET_COLORS = ("#C00000", "#ED7D31")
MONTHS = range(1, 13)
# cite(months, columns) -> "hr.xlsx › Sykefravær › B5:E7" (or None): the cells behind a figure
Cite = Callable[[list[int], list[str]], str | None]


def _no_source(*_args: object) -> None:
    return None


def _exact(value: float) -> Decimal:
    """A typed figure as the decimal it was typed (45,3, not the binary 45,29999…)."""
    return Decimal(repr(float(value)))


def _exact_sum(values: Iterable[float]) -> float:
    """Workdays added as the decimals they were typed: in binary floating point 45,3 + 353,6
    + 16,1 is 415,00000000000006, and 415 of 8 300 workdays (5 %) came out above 5 %."""
    return float(sum((_exact(v) for v in values), Decimal(0)))


@dataclass(frozen=True)
class Workdays:
    """Agreed and lost workdays of one month, or summed over several."""

    agreed: float = 0.0
    self_certified: float = 0.0
    medically_short: float = 0.0
    medically_long: float = 0.0

    def __add__(self, other: Workdays) -> Workdays:
        return Workdays(
            *(_exact_sum((getattr(self, f.name), getattr(other, f.name))) for f in fields(self))
        )

    def lost(self, measure: str) -> float:
        return _exact_sum(getattr(self, part) for part in MEASURES[measure].parts)

    def rate(self, measure: str) -> float | None:
        """Lost / agreed, divided as decimals: the float nearest the true rate, so a rate on
        its target is the target."""
        if self.agreed <= 0:
            return None
        return float(_exact(self.lost(measure)) / _exact(self.agreed))


def pooled(months: Iterable[Workdays]) -> Workdays:
    """The workdays of several months added up (numerators and denominators alike)."""
    return sum(months, Workdays())


@dataclass(frozen=True)
class SickLeave:
    """Workdays per month: `year` for months 1..P of the period's year, `prior` for the
    year before."""

    year: dict[int, Workdays]
    prior: dict[int, Workdays]

    def rate(self, measure: str, months: Iterable[int], prior: bool = False) -> float | None:
        source = self.prior if prior else self.year
        return pooled(source[m] for m in months if m in source).rate(measure)

    def monthly(self, measure: str, prior: bool = False) -> tuple[float | None, ...]:
        return tuple(self.rate(measure, [m], prior) for m in MONTHS)

    def source(
        self, cite: Cite, measure: str, months: Iterable[int], prior: bool = False
    ) -> str | None:
        """The cells a rate is computed from: agreed and lost workdays of those months."""
        used = [m for m in months if m in (self.prior if prior else self.year)]
        if not used:
            return None
        suffix = PRIOR if prior else ""
        return cite(used, [AGREED + suffix, *(p + suffix for p in MEASURES[measure].parts)])


def _workdays(numbers: dict[str, list[Any]], row: int, suffix: str) -> Workdays | None:
    """The workdays of one row from the sheet's columns as numbers (NaN where not one)."""
    agreed = numbers[AGREED + suffix][row]
    if pd.isna(agreed):
        return None
    parts = (numbers[p + suffix][row] for p in PARTS)
    return Workdays(float(agreed), *(0.0 if pd.isna(v) else float(v) for v in parts))


def sick_leave(frame: pd.DataFrame, period: Period) -> SickLeave:
    """Workdays per month from the sick-leave sheet (this year up to the period)."""
    year: dict[int, Workdays] = {}
    prior: dict[int, Workdays] = {}
    # Each column converted once (not a Series per row): the same number per value.
    keys = [k + suffix for suffix in ("", PRIOR) for k in (AGREED, *PARTS)]
    numbers = {k: pd.to_numeric(frame[k], errors="coerce").tolist() for k in keys}
    for row, month_value in enumerate(frame[MONTH].tolist()):
        month = int(month_value)
        now, before = _workdays(numbers, row, ""), _workdays(numbers, row, PRIOR)
        if now is not None and month <= period.month:
            year[month] = now
        if before is not None:
            prior[month] = before
    return SickLeave(year, prior)


def percent_text(rate: float, decimals: int = 1) -> str:
    """0.0571 -> '5,7 %'"""
    return f"{format_number(rate * 100, decimals)}\u00a0%"


def target_text(rate: float) -> str:
    """0.05 -> '5 %', 0.025 -> '2,5 %'"""
    return percent_text(rate, 0 if round(rate * 100, 6).is_integer() else 1)


def summary_table(
    data: SickLeave, period: Period, targets: dict[str, float], cite: Cite = _no_source
) -> Table:
    """Rates for the month, the same month last year, year to date, the same period last
    year and the quarter, with the target and the year-to-date gap to it."""
    ytd, quarter, month = period.ytd_months(), period.quarter_months(), [period.month]
    name = period.month_name.capitalize()
    header = (
        (
            HeaderCell(""),
            HeaderCell(f"{name} {period.year}"),
            HeaderCell(f"{name} {period.year - 1}"),
            HeaderCell(f"Hittil i år {period.year}"),
            HeaderCell(f"Samme periode {period.year - 1}"),
            HeaderCell(period.quarter_label),
            HeaderCell("Mål"),
            HeaderCell("Over (+) / under (−) mål hittil i år"),
        ),
    )
    rows = []
    for measure in MEASURES.values():
        target = targets.get(measure.target) if measure.target else None
        ytd_rate = data.rate(measure.key, ytd)
        # As the table shows the two (one decimal of a percent, as _relation compares): 5,04 %
        # shown «5,0 %» against 5,0 % is on target, not a red «+0,0 %».
        gap = (
            shown_share(shown_share(ytd_rate) - shown_share(target))
            if target is not None and ytd_rate is not None
            else None
        )
        values = (
            data.rate(measure.key, month),
            data.rate(measure.key, month, prior=True),
            ytd_rate,
            data.rate(measure.key, ytd, prior=True),
            data.rate(measure.key, quarter),
            target,
            gap,
        )
        fill = None if gap is None else ("red" if gap > 0 else "green")
        ytd_source = data.source(cite, measure.key, ytd)
        sources = (
            data.source(cite, measure.key, month),
            data.source(cite, measure.key, month, prior=True),
            ytd_source,
            data.source(cite, measure.key, ytd, prior=True),
            data.source(cite, measure.key, quarter),
            None,
            ytd_source if gap is not None else None,
        )
        rows.append(
            Row(
                measure.key,
                measure.label,
                values,
                "bold" if measure.key == "total" else "normal",
                fills=(None,) * 6 + (fill,),
                sources=sources,
            )
        )
    return Table(
        "sick_leave_summary",
        f"Sykefravær i prosent av avtalte dagsverk, {period.label}",
        header,
        tuple(rows),
        number_format=RATE,
        column_formats=(RATE,) * 6 + (GAP,),
        caption="Andeler over flere måneder er summen av tapte dagsverk delt på summen av "
        "avtalte dagsverk.",
    )


def _month_header(title: str) -> tuple[tuple[HeaderCell, ...], ...]:
    return ((HeaderCell(title), *(HeaderCell(MONTHS_SHORT_NB[m - 1]) for m in MONTHS)),)


def _target_row(key: str, label: str, rate: float) -> Row:
    return Row(key, f"{label} ({target_text(rate)})", (rate,) * len(MONTHS))


def monthly_table(
    key: str,
    title: str,
    data: SickLeave,
    period: Period,
    measures: tuple[str, ...],
    targets: tuple[tuple[str, float], ...],
    cite: Cite = _no_source,
) -> Table:
    """Monthly rates of `measures`, this year then last year, and a row per target."""
    rows = [
        Row(
            f"{measure}_{year}",
            f"{MEASURES[measure].label} {year}".replace("Samlet ", "Sykefravær "),
            data.monthly(measure, prior),
            "bold" if not prior else "normal",
            sources=tuple(data.source(cite, measure, [m], prior) for m in MONTHS),
        )
        for prior, year in ((False, period.year), (True, period.year - 1))
        for measure in measures
    ]
    rows += [_target_row(f"target_{m}", f"Mål {MEASURES[m].label.lower()}", t) for m, t in targets]
    return Table(key, title, _month_header("Måned"), tuple(rows), number_format=RATE)


def sick_leave_chart(
    key: str, title: str, table: Table, measures: tuple[str, ...], period: Period
) -> Chart:
    """This year's rates as columns, last year's as lines, targets as dashed lines."""
    series = [Series(f"{m}_{period.year}") for m in measures]
    series += [Series(f"{m}_{period.year - 1}", kind="line") for m in measures]
    targets = [row.key for row in table.rows if row.key.startswith("target_")]
    series += [
        Series(row, kind="line", dash=True, color=TARGET_COLORS[i % len(TARGET_COLORS)])
        for i, row in enumerate(targets)
    ]
    return Chart(key, title, table.key, tuple(series), number_format=RATE)


# cite_cells(frame index, columns) -> "hr.xlsx › AML-brudd › B6:B11" (or None)
CiteCells = Callable[["pd.Index", list[str]], str | None]


def breach_table(frame: pd.DataFrame, period: Period, cite: CiteCells = _no_source) -> Table:
    """Breaches per type (rows in the template's order) and month up to the period, with a
    Total row. A month without breaches is shown empty, as in the seed."""
    months = list(period.ytd_months())

    def source(keys: list[str], month: int) -> str | None:
        return cite(frame.index[frame[ROW_KEY].isin(keys) & (frame[MONTH] == month)], ["count"])

    counts = frame.assign(count=pd.to_numeric(frame["count"], errors="coerce").fillna(0))
    counts = counts[counts[MONTH].isin(months)]
    table = counts.pivot_table(index=ROW_KEY, columns=MONTH, values="count", aggfunc="sum")
    labels = dict(zip(frame[ROW_KEY], frame[LABEL], strict=False))
    keys = list(dict.fromkeys(frame[ROW_KEY]))
    rows = [
        Row(
            key,
            labels[key],
            tuple(int(table.at[key, m]) or None for m in months),
            sources=tuple(source([key], m) for m in months),
        )
        for key in keys
    ]
    total = tuple(int(table[m].sum()) for m in months)
    rows.append(
        Row("total", "Total", total, "total", sources=tuple(source(keys, m) for m in months))
    )
    header = (
        (
            HeaderCell("Bruddtype"),
            *(HeaderCell(f"Antall brudd {MONTHS_SHORT_NB[m - 1]} {period.year}") for m in months),
        ),
    )
    return Table(
        "working_time_breaches",
        f"AML-brudd {period.year}",
        header,
        tuple(rows),
        number_format=COUNT,
    )


def joined(parts: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b og c'"""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def months_text(months: list[int]) -> str:
    """[1, 2, 3] -> 'januar, februar og mars'"""
    return joined([MONTHS_NB[m - 1] for m in months])


def _relation(value: float, other: float) -> str:
    """'more', 'less' or 'same': `value` against `other` as the report shows them (rates to
    one decimal of a percent), so that a sentence never contradicts its table."""
    shown, against = round_half_away(value * 100, 1), round_half_away(other * 100, 1)
    return "more" if shown > against else ("less" if shown < against else "same")


def _said(
    groups: dict[str, list[int]], words: dict[str, tuple[str, str]], against: str, again: str
) -> str:
    """'over målet på 2,5 % i januar og under målet i februar': months per relation, in the
    order of their first month; the comparison named in full with the first relation and as
    `again` after it."""
    parts: list[str] = []
    for relation, months in sorted(groups.items(), key=lambda item: item[1][0]):
        word, link = words[relation]
        named = (link, against) if not parts else ("", again)
        parts.append(" ".join(filter(None, (word, *named, "i", months_text(months)))))
    return joined(parts)


# relation -> (word, the word linking it to what it is compared with)
TARGET_WORDS = {"more": ("over", ""), "less": ("under", ""), "same": ("på", "")}
LEVEL_WORDS = {"more": ("høyere", "enn"), "less": ("lavere", "enn"), "same": ("like høyt", "som")}


def against_target(rates: dict[int, float | None], target: float) -> str:
    """'over målet på 2,5 % i januar og under målet i februar og mars' (over, under or på)."""
    groups: dict[str, list[int]] = {}
    for month, rate in rates.items():
        if rate is not None:
            groups.setdefault(_relation(rate, target), []).append(month)
    return _said(groups, TARGET_WORDS, f"målet på {target_text(target)}", "målet")


def against_months(now: dict[int, float | None], before: dict[int, float | None], year: int) -> str:
    """'lavere enn samme måned i 2023 i januar og februar og høyere i mars'; months without
    a figure for the year before are said so."""
    groups: dict[str, list[int]] = {}
    missing = []
    for month, rate in now.items():
        earlier = before.get(month)
        if rate is None:
            continue
        if earlier is None:
            missing.append(month)
        else:
            groups.setdefault(_relation(rate, earlier), []).append(month)
    text = _said(groups, LEVEL_WORDS, f"samme måned i {year}", "")
    if missing:
        note = f"ingen tall for {year} å sammenligne med i {months_text(missing)}"
        text = f"{text} ({note})" if text else f"uten sammenligning: {note}"
    return text


def narrative(data: SickLeave, period: Period, targets: dict[str, float]) -> dict[str, list[str]]:
    """Drafted sentences per subsection, from the figures."""
    ytd = list(period.ytd_months())
    out: dict[str, list[str]] = {"total": [], "certified": [], "short": [], "long": []}
    shown = [m for m in ytd if data.rate("total", [m]) is not None]
    if not shown:
        return out
    total_target = targets["sick_leave_total"]
    per_month = [
        f"{percent_text(data.rate('total', [m]) or 0)} i {MONTHS_NB[m - 1]}" for m in shown
    ]
    now, before = data.rate("total", ytd), data.rate("total", ytd, prior=True)
    out["total"].append(
        f"Samlet sykefravær var {joined(per_month)} {period.year} "
        f"(mål: høyst {target_text(total_target)})."
    )
    if now is not None and before is not None:
        out["total"].append(
            f"Hittil i år er sykefraværet {percent_text(now)}, mot {percent_text(before)} i "
            f"samme periode i {period.year - 1}."
        )
    parts = []
    for key, noun in (("self_certified", "Egenmeldt"), ("medically_certified", "legemeldt")):
        now, before = data.rate(key, ytd), data.rate(key, ytd, prior=True)
        if now is not None and before is not None:
            parts.append(
                f"{noun} fravær er {percent_text(now)} hittil i år ({percent_text(before)} i "
                f"samme periode i {period.year - 1})"
            )
    if parts:
        out["certified"].append("; ".join(parts) + ".")
    short_target = targets["sick_leave_short_term"]
    short = {m: data.rate("short_term", [m]) for m in shown}
    out["short"].append(f"Korttidsfraværet var {against_target(short, short_target)}.")
    long_now = {m: data.rate("long_term", [m]) for m in shown}
    long_before = {m: data.rate("long_term", [m], prior=True) for m in shown}
    out["long"].append(
        f"Langtidsfraværet var {against_months(long_now, long_before, period.year - 1)}."
    )
    before = data.rate("long_term", [period.month - 1]) if period.month > 1 else None
    now = data.rate("long_term", [period.month])
    if before is not None and now is not None and _relation(now, before) != "same":
        out["long"].append(
            f"Fra {MONTHS_NB[period.month - 2]} til {period.month_name} "
            f"{'økte' if now > before else 'gikk'} langtidsfraværet "
            f"{'' if now > before else 'ned '}fra {percent_text(before)} til {percent_text(now)}."
        )
    return out


def _targets(inputs: SectionInput) -> dict[str, float]:
    return {key: float(inputs.config.targets[key]) for key in TARGETS}


@section(
    "hr",
    reads={ROLE: READS},
    facts=FACTS,
    targets=TARGETS,
    # The total rate is the sum of the short- and long-term rates (lost workdays over the
    # same agreed workdays), so its target is too.
    target_sums={TARGETS[0]: TARGETS[1:]},
    # Total sick leave is judged against the total target (over it misses it), as the
    # summary table, the charts' target line and the drafted text judge it.
    judged={
        fact: Judged(TARGETS[0], "max")
        for fact in ("sick_leave_month", "sick_leave_ytd", "sick_leave_prior_ytd")
    },
    target_text=target_text,
)
def build(inputs: SectionInput) -> Section:
    period, chapter = inputs.period, inputs.chapter
    targets = _targets(inputs)
    sick = inputs.sheet(ROLE, SICK_LEAVE)
    data = sick_leave(sick, period)

    # The rows of a month (or months) are cited for every measure, this year's and last
    # year's: found once.
    month_rows: dict[tuple[int, ...], pd.Index] = {}

    def cite(months: list[int], columns: list[str]) -> str | None:
        rows = month_rows.get(tuple(months))
        if rows is None:
            rows = month_rows[tuple(months)] = sick.index[sick[MONTH].isin(months)]
        return inputs.cite(ROLE, SICK_LEAVE, rows, columns)

    def cite_breaches(index: pd.Index, columns: list[str]) -> str | None:
        return inputs.cite(ROLE, BREACHES, index, columns)

    draft = (
        narrative(data, period, targets)
        if inputs.narrative
        else {"total": [], "certified": [], "short": [], "long": []}
    )
    figure = chapter.number
    organisation = inputs.config.organisation
    total, short, long_ = (
        targets["sick_leave_total"],
        targets["sick_leave_short_term"],
        targets["sick_leave_long_term"],
    )
    total_table = monthly_table(
        "sick_leave_total",
        "Sykefravær samlet per måned, i prosent av avtalte dagsverk",
        data,
        period,
        ("total",),
        (("total", total),),
        cite,
    )
    certified_table = monthly_table(
        "sick_leave_certified",
        "Egenmeldt og legemeldt fravær per måned, i prosent av avtalte dagsverk",
        data,
        period,
        ("self_certified", "medically_certified"),
        (("total", total),),
        cite,
    )
    duration_table = monthly_table(
        "sick_leave_duration",
        "Korttids- og langtidsfravær per måned, i prosent av avtalte dagsverk",
        data,
        period,
        ("short_term", "long_term"),
        (("short_term", short), ("long_term", long_)),
        cite,
    )
    breaches = breach_table(inputs.sheet(ROLE, BREACHES), period, cite_breaches)
    first_month = MONTHS_NB[0] if period.month > 1 else ""
    span = f"{first_month}–{period.month_name}" if first_month else period.month_name
    blocks: list[Block] = [
        Text(f"{chapter.number}. {chapter.title}", "heading1"),
        *inputs.comments(ROLE, "hms"),
        Text("Sykefravær", "heading2"),
        Text(
            f"{organisation} har et mål om at sykefraværet ikke skal overstige "
            f"{target_text(total)} ({target_text(long_)} for langtidsfravær > 16 dager og "
            f"{target_text(short)} for korttidsfravær ≤ 16 dager)."
        ),
        summary_table(data, period, targets, cite),
        total_table,
        sick_leave_chart(
            "sick_leave_total_chart",
            f"Figur {figure}.1 Sykefravær {organisation} samlet",
            total_table,
            ("total",),
            period,
        ),
        *drafted(draft["total"]),
        *inputs.comments(ROLE, "sick_leave"),
        certified_table,
        sick_leave_chart(
            "sick_leave_certified_chart",
            f"Figur {figure}.2 Egen- og legemeldt fravær",
            certified_table,
            ("self_certified", "medically_certified"),
            period,
        ),
        *drafted(draft["certified"]),
        *inputs.comments(ROLE, "certified"),
        duration_table,
        sick_leave_chart(
            "sick_leave_duration_chart",
            f"Figur {figure}.3 Kort- og langtidsfravær",
            duration_table,
            ("short_term", "long_term"),
            period,
        ),
        Text("Korttidsfravær", "heading3"),
        *drafted(draft["short"]),
        *inputs.comments(ROLE, "short_term"),
        Text("Langtidsfravær", "heading3"),
        *drafted(draft["long"]),
        *inputs.comments(ROLE, "long_term"),
        Text("AML-brudd", "heading2"),
        Text(f"Tabellen nedenfor viser antall AML-brudd i perioden {span} {period.year}."),
        breaches,
        *inputs.comments(ROLE, "breaches"),
    ]
    totals = breaches.row("total").values
    facts = {
        "sick_leave_month": data.rate("total", [period.month]),
        "sick_leave_ytd": data.rate("total", period.ytd_months()),
        "sick_leave_prior_ytd": data.rate("total", period.ytd_months(), prior=True),
        "sick_leave_target": total,
        "working_time_breaches_month": totals[-1],
        "working_time_breaches_previous_month": totals[-2] if len(totals) > 1 else None,
        "working_time_breaches_ytd": sum(totals),
    }
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks), facts)
