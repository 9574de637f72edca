"""Cross-checks of the finance template (okonomi)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_cell_to_rowcol

from vrapport.checks import CheckContext, check, each_row
from vrapport.findings import ERROR, WARNING, Finding, row_ref
from vrapport.numbers import format_millions, format_plain, is_number
from vrapport.period import month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY
from vrapport.spec import split_choices

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd


def _sign_of_history(frame: pd.DataFrame) -> pd.DataFrame:
    """Per cell of the result grid: the sign every *other* non-zero value of its line has
    (actuals and budgets, all months), or 0 where they disagree or there are fewer than two."""
    long = frame.melt(
        id_vars=[ROW_KEY, MONTH],
        value_vars=["actual", "budget"],
        var_name="key",
        ignore_index=False,
    )
    long["value"] = pd.to_numeric(long["value"].where(long["value"].map(_is_amount)))
    sign = np.sign(long["value"]).fillna(0)
    by_line = long.assign(pos=sign > 0, neg=sign < 0).groupby(ROW_KEY)[["pos", "neg"]]
    totals = by_line.transform("sum")
    pos = totals["pos"] - (sign > 0)
    neg = totals["neg"] - (sign < 0)
    history = np.where((pos >= 2) & (neg == 0), 1, np.where((neg >= 2) & (pos == 0), -1, 0))
    return long.assign(sign=sign, history=history)


def _is_amount(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@check("finance-signs", reads={"result": ("actual", "budget")})
def finance_signs(ctx: CheckContext) -> Iterator[Finding]:
    """Income and costs are entered as positive amounts (a line marked `sign: negative` in the
    catalogue, such as capitalised payroll, as negative); the other sign is probably a typing
    error, but can be a real correction, so it is a warning. A line without a fixed sign
    (financial items) is expected to have the sign of its budget and its history: a value
    whose sign is opposite to the same month's budget (or actual) and to every other value of
    the line is warned about too."""
    data = ctx.sub.sheets.get("result")
    if data is None:
        return
    expected = {
        line.key: -1 if line.sign == "negative" else 1
        for line in ctx.specs.report.model.catalogues.finance_lines
        if line.kind in ("income", "cost")
    }
    for index, row in each_row(data.frame):
        sign = expected.get(row[ROW_KEY])
        if sign is None:
            continue
        for key in ("actual", "budget"):
            value = row[key]
            if _is_amount(value) and value * sign < 0:
                wanted = "negativt" if sign < 0 else "positivt"
                yield ctx.at(
                    data,
                    index,
                    key,
                    WARNING,
                    "unexpected-sign",
                    f"{row[LABEL]} føres normalt som {wanted} beløp, men "
                    f"{data.spec.column(key).label.lower()} for "
                    f"{month_label(int(row[MONTH])).lower()} er {format_plain(value)}.",
                )
    free = data.frame[~data.frame[ROW_KEY].isin(list(expected))]
    if free.empty:
        return
    cells = _sign_of_history(free)
    other = {"actual": "budget", "budget": "actual"}
    for (index, key), cell in cells.set_index("key", append=True).iterrows():
        if cell["sign"] == 0 or cell["history"] != -cell["sign"]:
            continue
        pair = free.at[index, other[str(key)]]
        if _is_amount(pair) and pair != 0 and np.sign(pair) == cell["sign"]:
            continue
        row = free.loc[index]
        wanted = "negativt" if cell["history"] < 0 else "positivt"
        yield ctx.at(
            data,
            index,
            str(key),
            WARNING,
            "unexpected-sign",
            f"{row[LABEL]} er {wanted} i budsjettet og de andre månedene, men "
            f"{data.spec.column(str(key)).label.lower()} for "
            f"{month_label(int(row[MONTH])).lower()} er {format_plain(cell['value'])}. "
            "Er fortegnet riktig?",
        )


def _signed_millions(kroner: float) -> str:
    """−4,6 mill. kr, a true minus: rounded once from the unrounded kroner (DESIGN §7), as the
    chapter's sentences round it (1 249 600 kr is 1,2 mill. kr, though the table shows 1 250
    thousand)."""
    return format_millions(kroner).replace("-", "\u2212")


@check("explained-variances")
def explained_variances(ctx: CheckContext) -> Iterator[Finding]:
    """A result line whose variance from budget for the month or the year to date is
    material (report.yaml narrative: at least `materiality_kroner` and `materiality_percent`
    of the budget) needs a paragraph in Kommentar naming it (column «Forklarer linje»);
    without one, a finding at the line's row in Resultat. Variances as the report shows
    them: favourable positive (income and financial items actual − budget, costs
    budget − actual)."""
    data, notes = ctx.sub.sheets.get("result"), ctx.sub.sheets.get("comments")
    if data is None or notes is None or "lines" not in notes.frame:
        return
    settings = ctx.specs.report.model.narrative
    explained = {
        line
        for value in notes.frame["lines"]
        if isinstance(value, str)
        for line in split_choices(value)
    }
    frame = data.frame
    months = pd.to_numeric(frame[MONTH], errors="coerce")
    actual = pd.to_numeric(frame["actual"].where(frame["actual"].map(_is_amount)))
    budget = pd.to_numeric(frame["budget"].where(frame["budget"].map(_is_amount)))
    period = ctx.period.month
    for line in ctx.specs.report.model.catalogues.finance_lines:
        if line.label in explained:
            continue
        rows = frame[ROW_KEY] == line.key
        this_month, to_date = rows & (months == period), rows & (months <= period)
        if this_month.sum() != 1 or actual[to_date].isna().any() or budget[to_date].isna().any():
            continue
        sign = -1 if line.kind == "cost" else 1
        parts = []
        scopes = [(f"i {ctx.period.month_name}", this_month), ("hittil i år", to_date)]
        # In January the year to date is the month: named once.
        for name, mask in scopes[: 1 if period == 1 else 2]:
            variance = sign * float(actual[mask].sum() - budget[mask].sum())
            base = abs(float(budget[mask].sum()))
            share = abs(variance) / base * 100 if base else 100.0
            if (
                abs(variance) >= settings.materiality_kroner
                and share >= settings.materiality_percent
            ):
                parts.append(f"{name} {_signed_millions(variance)}")
        if not parts:
            continue
        index = frame.index[this_month][0]
        row, _ = xl_cell_to_rowcol(data.cell(index, "actual"))
        yield Finding(
            ctx.sub.display,
            data.name,
            row_ref(row + 1),
            settings.explanation_severity,
            "unexplained-variance",
            f"{line.label}: avvik {' og '.join(parts)} er over vesentlighetsgrensen; "
            f"forklar det i {notes.name} (velg linjen i kolonnen "
            f"«{notes.spec.column('lines').label}»).",
        )


@check("credit-within-limit", reads={"liquidity": ("amount",)})
def credit_within_limit(ctx: CheckContext) -> Iterator[Finding]:
    """The credit line is drawn (a negative balance) at most to its limit, month by month up
    to the period: a balance beyond it would print a negative «Ubrukt kassekreditt», which a
    bank does not allow; it is an amount at the wrong scale (the limit in thousands, the
    opening balance in øre) or a movement with the wrong sign. The limit is positive."""
    data = ctx.sub.sheets.get("liquidity")
    if data is None:
        return
    frame = data.frame
    amounts = dict(zip(frame[ROW_KEY].tolist(), frame["amount"].tolist(), strict=True))
    limit, opening = amounts.get("credit_limit"), amounts.get("opening_balance")
    if not is_number(limit) or not is_number(opening):
        return  # (a missing or unreadable amount has its own finding)
    index = dict(zip(frame[ROW_KEY].tolist(), frame.index, strict=True))
    if limit < 0:
        yield ctx.at(
            data,
            index["credit_limit"],
            "amount",
            ERROR,
            "credit-limit-negative",
            f"Kassekredittrammen er {format_plain(limit)} kr; rammen føres som positivt beløp.",
        )
        return
    # The balance moves from 1.1. with this year's movements (last year's are in it).
    month = pd.to_numeric(frame[MONTH], errors="coerce")
    months = frame[(month >= 1) & (month <= ctx.period.month)]
    balances = [("1.1.", index["opening_balance"], opening)]
    balance = opening
    for row, month, movement in zip(
        months.index, months[MONTH].tolist(), months["amount"].tolist(), strict=True
    ):
        if not is_number(movement):
            break
        balance += movement
        balances.append((f"etter {month_label(int(month)).lower()}", row, balance))
    for when, row, balance in balances:
        if balance < -limit:
            yield ctx.at(
                data,
                row,
                "amount",
                ERROR,
                "credit-beyond-limit",
                f"Saldoen {when} er {format_plain(balance)} kr: mer trukket enn rammen på "
                f"{format_plain(limit)} kr, så ubrukt kassekreditt blir negativ. Er rammen, "
                "IB eller en bevegelse ført i feil skala eller med feil fortegn?",
            )
            return
