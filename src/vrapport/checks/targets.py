"""Key figures that miss their target (report.yaml `targets`) need an explanation, as material
variances do: the figures are declared on their sheet (`targets:` in the template spec)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_cell_to_rowcol

from vrapport.checks import CheckContext, check
from vrapport.explained import explained
from vrapport.findings import Finding, row_ref
from vrapport.numbers import NBSP, format_number
from vrapport.reader import ROW_KEY

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd


def _percent(share: float) -> str:
    return f"{format_number(share * 100, 1)}{NBSP}%"


@check("explained-targets")
def explained_targets(ctx: CheckContext) -> Iterator[Finding]:
    """A key figure of the period's month that misses its target (above it for `limit: max`,
    below it for `limit: min`) and that no comment paragraph names (the comment sheet's
    column of several choices) is a finding at the month's row, with the value and the target
    (severity: report.yaml narrative.explanation_severity)."""
    named, notes, column, choices = explained(ctx.sub)
    severity = ctx.specs.report.model.narrative.explanation_severity
    month = f"m{ctx.period.month:02d}"
    for data in ctx.sub.sheets.values():
        rows = data.frame.index[data.frame[ROW_KEY] == month]
        if not data.spec.targets or len(rows) != 1:
            continue
        for target in data.spec.targets:
            if target.label in named or target.label not in choices:
                continue
            values = [
                pd.to_numeric(data.frame.at[rows[0], c], errors="coerce")
                for c in (*target.share, *target.of)
            ]
            if any(pd.isna(v) for v in values):
                continue
            part, whole = sum(values[: len(target.share)]), sum(values[len(target.share) :])
            if not whole:
                continue
            share, goal = float(part / whole), ctx.specs.report.targets[target.key]
            missed = share > goal if target.limit == "max" else share < goal
            # As the report shows it: a share that rounds to the target does not miss it.
            if not missed or _percent(share) == _percent(goal):
                continue
            row, _ = xl_cell_to_rowcol(data.cell(rows[0], target.share[0]))
            side = "over" if target.limit == "max" else "under"
            yield Finding(
                ctx.sub.display,
                data.name,
                row_ref(row + 1),
                severity,
                "unexplained-target",
                f"{target.label} {_percent(share)} er {side} målet {_percent(goal)}; forklar "
                f"det i {notes} (velg «{target.label}» i kolonnen «{column}»).",
            )
