"""Key figures that miss their target (report.yaml `targets`) for the month or the year to
date need an explanation, as material variances do: the figures are declared on their sheet
(`targets:` in the template spec)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_cell_to_rowcol

from vrapport.checks import CheckContext, check
from vrapport.explained import explained
from vrapport.findings import Finding, row_ref
from vrapport.numbers import NBSP, format_number
from vrapport.reader import MONTH
from vrapport.spec import TargetSpec

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd


def _percent(share: float) -> str:
    return f"{format_number(share * 100, 1)}{NBSP}%"


def _share(frame: pd.DataFrame, rows: pd.Index, target: TargetSpec) -> float | None:
    """sum(share) / sum(of) over `rows` (counts summed, never shares averaged); None when a
    figure is missing or the denominator is zero."""
    values = frame.loc[rows, [*target.share, *target.of]].apply(pd.to_numeric, errors="coerce")
    if values.isna().to_numpy().any():
        return None
    whole = float(values[list(target.of)].to_numpy().sum())
    if not whole:
        return None
    return float(values[list(target.share)].to_numpy().sum()) / whole


@check("explained-targets")
def explained_targets(ctx: CheckContext) -> Iterator[Finding]:
    """A key figure that misses its target (above it for `limit: max`, below it for
    `limit: min`) for the period's month or, where the spec says `ytd`, for the year to date,
    and that no comment paragraph names (the comment sheet's column of several choices), is
    a finding at the month's row, with the values and the target (severity: report.yaml
    narrative.explanation_severity). A share that rounds to the target, as the report shows
    it, does not miss it."""
    named, notes, column, choices = explained(ctx.sub)
    severity = ctx.specs.report.model.narrative.explanation_severity
    period = ctx.period.month
    for data in ctx.sub.sheets.values():
        if not data.spec.targets or MONTH not in data.frame:
            continue
        months = pd.to_numeric(data.frame[MONTH], errors="coerce")
        this_month = data.frame.index[months == period]
        to_date = data.frame.index[(months >= 1) & (months <= period)]
        if len(this_month) != 1 or len(to_date) != period:
            continue
        for target in data.spec.targets:
            if target.label in named or target.label not in choices:
                continue
            goal = ctx.specs.report.targets[target.key]
            scopes = [(f"i {ctx.period.month_name}", this_month)]
            if target.ytd and period > 1:
                scopes.append(("hittil i år", to_date))
            missed = []
            for name, rows in scopes:
                share = _share(data.frame, rows, target)
                if share is None:
                    continue
                over = share > goal if target.limit == "max" else share < goal
                # As the report shows it: a share that rounds to the target does not miss it.
                if over and _percent(share) != _percent(goal):
                    missed.append(f"{name} {_percent(share)}")
            if not missed:
                continue
            row, _ = xl_cell_to_rowcol(data.cell(this_month[0], target.share[0]))
            side = "over" if target.limit == "max" else "under"
            yield Finding(
                ctx.sub.display,
                data.name,
                row_ref(row + 1),
                severity,
                "unexplained-target",
                f"{target.label} {' og '.join(missed)} er {side} målet {_percent(goal)}; "
                f"forklar det i {notes} (velg «{target.label}» i kolonnen «{column}»).",
            )
