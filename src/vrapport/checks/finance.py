"""Cross-checks of the finance template (okonomi)."""

from __future__ import annotations

from collections.abc import Iterator

from vrapport.checks import CheckContext, check
from vrapport.findings import WARNING, Finding
from vrapport.numbers import format_plain
from vrapport.period import month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY


@check("finance-signs")
def finance_signs(ctx: CheckContext) -> Iterator[Finding]:
    """Income and costs are entered as positive amounts (a line marked `sign: negative` in the
    catalogue, such as capitalised payroll, as negative); the other sign is probably a typing
    error, but can be a real correction, so it is a warning."""
    data = ctx.sub.sheets.get("result")
    if data is None:
        return
    expected = {
        line["key"]: -1 if line.get("sign") == "negative" else 1
        for line in ctx.specs.report.catalogue("finance_lines")
        if line["kind"] in ("income", "cost")
    }
    for index, row in data.frame.iterrows():
        sign = expected.get(row[ROW_KEY])
        if sign is None:
            continue
        for key in ("actual", "budget"):
            value = row[key]
            if isinstance(value, int | float) and not isinstance(value, bool) and value * sign < 0:
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
