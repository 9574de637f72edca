"""Chapter 2, Økonomi: result vs budget, investments, liquidity and FTE.

Amounts arrive in kroner and are computed unrounded; the tables show thousands rounded
half away from zero. Variances are positive when favourable: income and financial items
actual − budget, costs budget − actual, result lines actual − budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vrapport.consolidate.base import (
    AMOUNT_FACT,
    NUMBER_FACT,
    Reads,
    SectionInput,
    drafted,
    number_columns,
    section,
)
from vrapport.numbers import format_millions, format_number, round_half_away, thousands
from vrapport.period import MONTHS_SHORT_NB, Period
from vrapport.reader import MONTH, ROW_KEY
from vrapport.report.model import (
    COUNT,
    THOUSANDS,
    VARIANCE,
    Block,
    Chart,
    HeaderCell,
    Row,
    RowStyle,
    Section,
    Series,
    Table,
    Text,
)
from vrapport.reportfile import CatalogueItem, FinanceLine, InvestmentCategory

ROLE = "finance"
READS = Reads(
    columns={
        "result": number_columns("actual", "budget"),
        "fte": number_columns("fte"),
        "investments": number_columns("annual_budget", "actual_ytd"),
        "liquidity": number_columns("amount"),
        "comments": ("text",),
    },
    rows={"fte": ("year_start",), "liquidity": ("opening_balance", "credit_limit")},
    months=("fte", "liquidity"),
    # The result table has a line per finance line, the investment table a row per category.
    row_catalogues={"result": "finance_lines", "investments": "investment_categories"},
    topics=("result", "income", "costs", "summary", "investments", "liquidity"),
)

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd
FACTS = {
    "net_result_ytd_variance": AMOUNT_FACT,
    "fte": NUMBER_FACT,
    "fte_change": NUMBER_FACT,
    "unused_credit": AMOUNT_FACT,
}
CAPTION_THOUSANDS = "Tall vises i 1000 kr"
CAPTION_ALL = "Alle beløp i 1000 kr"
SIGN = {"income": 1, "cost": -1, "financial": 1, "result": 1}
# cite(line keys, months, columns) -> "okonomi.xlsx › Resultat › B6:B8" (or None)
Cite = Callable[[tuple[str, ...], list[int], list[str]], str | None]


@dataclass(frozen=True)
class Line:
    """One line of the result table, in kroner, unrounded."""

    key: str
    label: str
    kind: str
    month_actual: float
    month_budget: float
    ytd_actual: float
    ytd_budget: float
    annual_budget: float
    style: RowStyle = "normal"
    members: tuple[str, ...] = ()  # the catalogue lines summed into this one

    @property
    def month_variance(self) -> float:
        return SIGN[self.kind] * (self.month_actual - self.month_budget)

    @property
    def ytd_variance(self) -> float:
        return SIGN[self.kind] * (self.ytd_actual - self.ytd_budget)

    def values(self) -> tuple[float, ...]:
        """Month actual, budget, variance; YTD actual, budget, variance; annual budget."""
        return (
            self.month_actual,
            self.month_budget,
            self.month_variance,
            self.ytd_actual,
            self.ytd_budget,
            self.ytd_variance,
            self.annual_budget,
        )

    def row(self, period: Period, cite: Cite) -> Row:
        """The table row in 1000 kr; `cite(lines, months, columns)` names the source cells."""
        lines = self.members or (self.key,)
        month, ytd, year = [period.month], list(period.ytd_months()), list(range(1, 13))
        where = (
            (month, ["actual"]),
            (month, ["budget"]),
            (month, ["actual", "budget"]),
            (ytd, ["actual"]),
            (ytd, ["budget"]),
            (ytd, ["actual", "budget"]),
            (year, ["budget"]),
        )
        sources = tuple(cite(lines, months, columns) for months, columns in where)
        values = tuple(thousands(v) for v in self.values())
        return Row(self.key, self.label, values, self.style, sources=sources)


def _total(
    key: str, label: str, kind: str, parts: list[tuple[int, Line]], style: RowStyle = "bold"
) -> Line:
    def add(attr: str) -> float:
        return sum(sign * getattr(line, attr) for sign, line in parts)

    return Line(
        key,
        label,
        kind,
        add("month_actual"),
        add("month_budget"),
        add("ytd_actual"),
        add("ytd_budget"),
        add("annual_budget"),
        style,
        tuple(m for _, line in parts for m in (line.members or (line.key,))),
    )


def result_lines(
    frame: pd.DataFrame,
    catalogue: Sequence[FinanceLine],
    period: Period,
    subtotals: dict[str, str],
) -> list[Line]:
    """Every line of the result table in the seed's order, subtotals included."""
    values = frame.assign(
        actual=pd.to_numeric(frame["actual"]), budget=pd.to_numeric(frame["budget"])
    )
    month = values[values[MONTH] == period.month].groupby(ROW_KEY)[["actual", "budget"]].sum()
    ytd = values[values[MONTH] <= period.month].groupby(ROW_KEY)[["actual", "budget"]].sum()
    annual = values.groupby(ROW_KEY)["budget"].sum()
    lines = {
        item.key: Line(
            item.key,
            item.label,
            item.kind,
            float(month.at[item.key, "actual"]),
            float(month.at[item.key, "budget"]),
            float(ytd.at[item.key, "actual"]),
            float(ytd.at[item.key, "budget"]),
            float(annual.at[item.key]),
        )
        for item in catalogue
    }
    of = {
        kind: [line for line in lines.values() if line.kind == kind]
        for kind in ("income", "cost", "financial")
    }
    revenue = _total(
        "operating_revenue",
        subtotals["operating_revenue"],
        "income",
        [(1, line) for line in of["income"]],
    )
    expenses = _total(
        "operating_expenses",
        subtotals["operating_expenses"],
        "cost",
        [(1, line) for line in of["cost"]],
    )
    operating = _total(
        "operating_result", subtotals["operating_result"], "result", [(1, revenue), (-1, expenses)]
    )
    net = _total(
        "net_result",
        subtotals["net_result"],
        "result",
        [(1, operating)] + [(1, line) for line in of["financial"]],
    )
    return [revenue, *of["income"], expenses, *of["cost"], operating, *of["financial"], net]


def _no_source(*_args: object) -> None:
    return None


def result_table(lines: list[Line], period: Period, cite: Cite = _no_source) -> Table:
    month = f"{period.month_name.capitalize()} {period.year}"
    header = (
        (
            HeaderCell(""),
            HeaderCell(month, 3),
            HeaderCell(f"{month}, hittil i år", 3),
            HeaderCell("Budsjett"),
        ),
        (
            HeaderCell(""),
            *(HeaderCell(t) for t in ("Faktisk", "Budsjett", "Avvik") * 2),
            HeaderCell(str(period.year)),
        ),
    )
    return Table(
        "result",
        f"Resultatrapport {period.year}",
        header,
        tuple(line.row(period, cite) for line in lines),
        column_formats=(THOUSANDS, THOUSANDS, VARIANCE) * 2 + (THOUSANDS,),
        caption=CAPTION_THOUSANDS,
    )


def monthly_result(
    frame: pd.DataFrame,
    catalogue: Sequence[FinanceLine],
    period: Period,
    cite: Cite = _no_source,
) -> Table:
    """Net result per month (actual up to the period, budget for the year), in 1000 kr."""
    lines = tuple(item.key for item in catalogue)
    sign = {item.key: (-1 if item.kind == "cost" else 1) for item in catalogue}
    signed = frame.assign(
        s=frame[ROW_KEY].map(sign),
        actual=pd.to_numeric(frame["actual"]),
        budget=pd.to_numeric(frame["budget"]),
    )
    actual = (signed["actual"] * signed["s"]).groupby(signed[MONTH]).sum()
    budget = (signed["budget"] * signed["s"]).groupby(signed[MONTH]).sum()
    months = range(1, 13)
    header = ((HeaderCell("1000 kr"), *(HeaderCell(MONTHS_SHORT_NB[m - 1]) for m in months)),)
    rows = (
        Row(
            "actual",
            "Faktisk",
            tuple(thousands(actual[m]) if m <= period.month else None for m in months),
            sources=tuple(cite(lines, [m], ["actual"]) for m in months),
        ),
        Row(
            "budget",
            "Budsjett",
            tuple(thousands(budget[m]) for m in months),
            sources=tuple(cite(lines, [m], ["budget"]) for m in months),
        ),
    )
    return Table(
        "monthly_result",
        f"Resultat per måned {period.year}",
        header,
        rows,
        caption=CAPTION_THOUSANDS,
    )


# cite_rows(row keys, columns) -> "okonomi.xlsx › Investeringer › B5:C6" (or None)
CiteRows = Callable[[list[str], list[str]], str | None]


def investment_table(
    frame: pd.DataFrame,
    catalogue: Sequence[InvestmentCategory],
    groups: Sequence[CatalogueItem],
    period: Period,
    cite: CiteRows = _no_source,
) -> Table:
    by_key = frame.set_index(ROW_KEY)
    group_labels = {g.key: g.label for g in groups}
    members: dict[str, list[str]] = {}
    for item in catalogue:
        if item.group:
            members.setdefault(item.group, []).append(item.key)

    def row(key: str, label: str, keys: list[str], style: RowStyle) -> Row:
        budget = sum(float(by_key.at[k, "annual_budget"]) for k in keys)
        actual = sum(float(by_key.at[k, "actual_ytd"]) for k in keys)
        sources = (cite(keys, ["annual_budget"]), cite(keys, ["actual_ytd"]))
        return Row(key, label, (thousands(budget), thousands(actual)), style, sources=sources)

    rows: list[Row] = []
    for index, item in enumerate(catalogue):
        group = item.group
        rows.append(row(item.key, item.label, [item.key], "normal" if group else "bold"))
        following = catalogue[index + 1].group if index + 1 < len(catalogue) else None
        if group and following != group:
            rows.append(row(group, group_labels.get(group, group), members[group], "bold"))
    header = (
        (
            HeaderCell(""),
            HeaderCell("Årsbudsjett Vedtatte og finansierte prosjekter"),
            HeaderCell(f"Regnskap per {period.month_name}"),
        ),
    )
    return Table(
        "investments",
        f"Prosjekt- og investeringsbudsjett {period.year}",
        header,
        tuple(rows),
        caption=CAPTION_ALL,
    )


@dataclass(frozen=True)
class Liquidity:
    opening: float
    movements: float
    limit: float

    @property
    def closing(self) -> float:
        return self.opening + self.movements

    @property
    def unused(self) -> float:
        """A drawn credit is negative: unused = limit + closing balance."""
        return self.limit + self.closing


def liquidity(frame: pd.DataFrame, period: Period) -> Liquidity:
    by_key = frame.set_index(ROW_KEY)["amount"]
    # This year's movements (months 1..P): last year's (`months_back`) are in the opening
    # balance already.
    month = pd.to_numeric(frame[MONTH], errors="coerce")
    months = frame[(month >= 1) & (month <= period.month)]
    return Liquidity(
        float(by_key["opening_balance"]),
        float(pd.to_numeric(months["amount"]).sum()),
        float(by_key["credit_limit"]),
    )


def liquidity_table(liq: Liquidity, period: Period, cite: CiteRows = _no_source) -> Table:
    months = [f"m{m:02d}" for m in period.ytd_months()]
    everything = ["opening_balance", *months]
    rows: tuple[tuple[str, str, float, RowStyle, list[str]], ...] = (
        ("opening", f"IB 1.1.{period.year}", liq.opening, "normal", ["opening_balance"]),
        ("movements", "Bevegelser hittil i år", liq.movements, "normal", months),
        ("closing", f"UB per {period.end_short}", liq.closing, "bold", everything),
        ("limit", "Kassekredittramme", liq.limit, "normal", ["credit_limit"]),
        ("unused", "Ubrukt kassekreditt", liq.unused, "bold", [*everything, "credit_limit"]),
    )
    return Table(
        "liquidity",
        "Kassakreditt",
        ((HeaderCell(""), HeaderCell("Beløp")),),
        tuple(
            Row(key, label, (thousands(value),), style, sources=(cite(keys, ["amount"]),))
            for key, label, value, style, keys in rows
        ),
        caption=CAPTION_ALL,
    )


@dataclass(frozen=True)
class Fte:
    year_start: float
    now: float

    @property
    def change(self) -> float:
        return self.now - self.year_start


def fte(frame: pd.DataFrame, period: Period) -> Fte:
    by_key = frame.set_index(ROW_KEY)["fte"]
    return Fte(float(by_key["year_start"]), float(by_key[f"m{period.month:02d}"]))


def fte_table(value: Fte, period: Period, cite: CiteRows = _no_source) -> Table:
    now = f"m{period.month:02d}"
    rows = (
        Row(
            "year_start",
            "Årsverk ved årsskiftet",
            (value.year_start,),
            sources=(cite(["year_start"], ["fte"]),),
        ),
        Row(
            "now",
            f"Årsverk pr. {period.month_name} {period.year}",
            (value.now,),
            "bold",
            sources=(cite([now], ["fte"]),),
        ),
        Row(
            "change",
            "Endring siden årsskiftet",
            (value.change,),
            number_format="+#,##0;-#,##0;0",
            sources=(cite(["year_start", now], ["fte"]),),
        ),
    )
    return Table(
        "fte",
        "Årsverk (FTE)",
        ((HeaderCell(""), HeaderCell("Årsverk")),),
        rows,
        number_format=COUNT,
    )


def _millions(kroner: float) -> str:
    """'66,4 mill. kr' (of the absolute amount); a whole number of millions (a credit limit) as
    '640 mill. kr'. Rounded once from the unrounded kroner (DESIGN.md §7), as the front page
    rounds them, so that the board sees one value for one figure (449 600 kr is 0,4 mill. kr
    here and on the front page, though the table shows 450 thousand)."""
    text = format_millions(abs(kroner))
    return text.replace(",0\u00a0", "\u00a0") if kroner % 1_000_000 == 0 else text


def _shown_zero(kroner: float) -> bool:
    """Whether the amount is shown as 0,0 mill. kr: a sentence then names no direction."""
    return round_half_away(kroner / 1_000_000, 1) == 0


def _variance(kroner: float) -> str:
    """'et positivt budsjettavvik på 1,3 mill. kr'; one shown as 0,0 has no sign to name."""
    if _shown_zero(kroner):
        return f"et budsjettavvik på {_millions(kroner)}"
    return f"et {'positivt' if kroner > 0 else 'negativt'} budsjettavvik på {_millions(kroner)}"


def narrative(
    lines: list[Line],
    liq: Liquidity,
    staff: Fte,
    period: Period,
    materiality: float,
    materiality_share: float = 0.0,
) -> dict[str, list[str]]:
    """Drafted sentences per subsection, modelled on the seed's own."""
    by_key = {line.key: line for line in lines}
    month, net = period.month_name, by_key["net_result"]
    out: dict[str, list[str]] = {"result": [], "income": [], "costs": [], "liquidity": []}
    out["result"].append(
        f"{month.capitalize()}-måned har {_variance(net.month_variance)}, mens resultatet pr. "
        f"{month} viser {_variance(net.ytd_variance)}."
    )
    for part, key, noun in (
        ("income", "operating_revenue", "Inntektene"),
        ("costs", "operating_expenses", "Driftskostnadene"),
    ):
        total = by_key[key]
        diff = total.ytd_actual - total.ytd_budget
        out[part].append(
            f"{noun} pr. {month} er samlet sett på budsjettet."
            if _shown_zero(diff)
            else f"{noun} pr. {month} er samlet sett {_millions(diff)} "
            f"{'høyere' if diff > 0 else 'lavere'} enn budsjettet."
        )
        kind = "income" if part == "income" else "cost"
        for line in lines:
            diff = line.ytd_actual - line.ytd_budget
            share = abs(diff) / abs(line.ytd_budget) if line.ytd_budget else 1.0
            material = abs(diff) >= materiality and share >= materiality_share
            if line.kind == kind and line.style == "normal" and material:
                out[part].append(
                    f"{line.label.lstrip('- ')} ligger pr. {month} {_millions(diff)} "
                    f"{'over' if diff > 0 else 'under'} budsjett."
                )
    # Half away from zero, as the table's number format shows it (+0,5 FTE is +1 there).
    change = round_half_away(staff.change)
    trend = "en økning" if change > 0 else ("en nedgang" if change < 0 else "ingen endring")
    amount = f" på {format_number(abs(change))}" if change else ""
    out["costs"].append(
        f"Antallet årsverk pr. {month} er {format_number(staff.now)}. "
        f"Dette er {trend}{amount} siden årsskiftet."
    )
    drawn = "økt" if liq.movements < 0 else "redusert"
    moved = (
        f"Trekket på kassekreditten er uendret så langt i {period.year}."
        if _shown_zero(liq.movements)
        else f"Trekket på kassekreditten er {drawn} med {_millions(liq.movements)} så langt i "
        f"{period.year}."
    )
    out["liquidity"].append(
        f"{moved} Kassekredittrammen er på {_millions(liq.limit)}. Ubrukt kassekreditt "
        f"er {_millions(liq.unused)} pr. {period.last_day}.{period.month}."
    )
    return out


@section(
    "finance",
    reads={ROLE: READS},
    facts=FACTS,
    settings=("finance",),
    catalogues=("finance_lines", "investment_categories"),
)
def build(inputs: SectionInput) -> Section:
    period, config = inputs.period, inputs.config
    result = inputs.sheet(ROLE, "result")
    catalogue = config.model.catalogues.finance_lines
    assert config.model.finance is not None  # the contract requires it
    subtotals = config.model.finance.subtotals.model_dump()
    lines = result_lines(result, catalogue, period, subtotals)
    liq = liquidity(inputs.sheet(ROLE, "liquidity"), period)
    staff = fte(inputs.sheet(ROLE, "fte"), period)
    materiality = config.model.narrative.materiality_kroner
    materiality_share = config.model.narrative.materiality_percent / 100
    draft = (
        narrative(lines, liq, staff, period, materiality, materiality_share)
        if inputs.narrative
        else {"result": [], "income": [], "costs": [], "liquidity": []}
    )
    chapter = inputs.chapter

    # Each line's rows of a month, the year to date or the year are cited for several
    # columns (actual, budget, both): the rows are found once.
    line_keys, line_months = result[ROW_KEY], result[MONTH]
    masks: dict[tuple[tuple[str, ...], tuple[int, ...]], pd.Series] = {}

    def cite(lines: tuple[str, ...], months: list[int], columns: list[str]) -> str | None:
        rows = masks.get((lines, tuple(months)))
        if rows is None:
            rows = line_keys.isin(lines) & line_months.isin(months)
            masks[(lines, tuple(months))] = rows
        return inputs.cite(ROLE, "result", rows, columns)

    monthly = monthly_result(result, catalogue, period, cite)

    def rows_of(sheet: str) -> CiteRows:
        frame = inputs.sheet(ROLE, sheet)
        return lambda keys, columns: inputs.cite(ROLE, sheet, frame[ROW_KEY].isin(keys), columns)

    blocks: list[Block] = [
        Text(f"{chapter.number}. {chapter.title}", "heading1"),
        Text(f"Resultat {period.month_name}", "heading2"),
        Text(f"Tabellen under viser budsjett og resultat for {period.month_name}."),
        result_table(lines, period, cite),
        *drafted(draft["result"]),
        *inputs.comments(ROLE, "result"),
        monthly,
        Chart(
            "monthly_result_chart",
            f"Resultat per måned {period.year}, faktisk og budsjett (1000 kr)",
            "monthly_result",
            (Series("actual"), Series("budget")),
            number_format="#,##0",
        ),
        Text("Inntekter", "heading2"),
        *drafted(draft["income"]),
        *inputs.comments(ROLE, "income"),
        Text("Kostnader", "heading2"),
        *drafted(draft["costs"]),
        *inputs.comments(ROLE, "costs"),
        fte_table(staff, period, rows_of("fte")),
        Text("Oppsummert", "heading2"),
        *inputs.comments(ROLE, "summary"),
        Text("Prosjekt- og investeringsbudsjett", "heading2"),
        investment_table(
            inputs.sheet(ROLE, "investments"),
            config.model.catalogues.investment_categories,
            config.model.catalogues.investment_groups,
            period,
            rows_of("investments"),
        ),
        *inputs.comments(ROLE, "investments"),
        Text("Likviditet", "heading2"),
        liquidity_table(liq, period, rows_of("liquidity")),
        *drafted(draft["liquidity"]),
        *inputs.comments(ROLE, "liquidity"),
    ]
    facts = {
        "net_result_ytd_variance": next(x for x in lines if x.key == "net_result").ytd_variance,
        "fte": staff.now,
        "fte_change": staff.change,
        "unused_credit": liq.unused,
    }
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks), facts)
