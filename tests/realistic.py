"""Realistic submissions for the plausibility checks, varied and tampered with in memory.

The example submissions are read once (as `check` reads them); a draw copies their sheets,
varies every number a little (as another month or another organisation would), optionally
tampers with one cell (×1000, ÷1000, the sign flipped) and runs the same validation as
`check`. Used by tests/test_plausibility.py and benchmarks/catch_rate.py.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from vrapport.findings import Finding
from vrapport.period import Period
from vrapport.reader import SheetData, Submission, read_submission
from vrapport.spec import Specs, load_specs
from vrapport.validation import validate_submission

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
PERIOD = Period(2024, 3)
# The codes of the controller's plausibility checks (a false alarm is one of these).
PLAUSIBILITY_CODES = frozenset({"wrong-scale", "outlier", "month-copied", "unexpected-sign"})
TAMPERING = ("×1000", "÷1000", "sign")


@dataclass(frozen=True)
class Cell:
    """One number of an example submission: template, sheet key, frame index, column."""

    template: str
    sheet: str
    index: int
    column: str
    value: float


@cache
def specs() -> Specs:
    return load_specs(ROOT / "schemas")


@cache
def originals() -> dict[str, Submission]:
    """The example submissions as read (before validation types their values)."""
    subs = [read_submission(p, specs()) for p in sorted(EXAMPLES.glob("*.xlsx"))]
    return {s.template_id: s for s in subs}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@cache
def cells() -> tuple[Cell, ...]:
    """Every non-zero number the examples hold (the population tampering draws from)."""
    found = []
    for template, sub in originals().items():
        for key, data in sub.sheets.items():
            for column in data.spec.columns:
                if not column.numeric or column.key not in data.frame:
                    continue
                for index, value in data.frame[column.key].items():
                    if _is_number(value) and value != 0:
                        found.append(Cell(template, key, int(index), column.key, float(value)))
    return tuple(found)


def sign_is_known(cell: Cell) -> bool:
    """Whether a flipped sign can be told from the data at all: the column may not be
    negative, or the line's sign is fixed (the finance catalogue) or its history has one
    sign. A liquidity movement, the opening balance and the credit limit share one column
    whose values have both signs; there a flipped sign is a legitimate value."""
    data = originals()[cell.template].sheets[cell.sheet]
    spec = data.spec.column(cell.column)
    if spec.min is not None and spec.min >= 0:
        return True
    if data.spec.kind == "grid":
        row = data.frame.at[cell.index, "_row"]
        values = data.frame.loc[data.frame["_row"] == row, data.spec.columns[0].key]
    else:
        values = data.frame[cell.column]
    numbers = [v for v in values if _is_number(v) and v != 0]
    return all(v > 0 for v in numbers) or all(v < 0 for v in numbers)


def _vary(sub: Submission, rng: np.random.Generator, spread: float) -> None:
    """Every number times (1 + ε), ε ~ N(0, spread), integers kept integer, in place."""
    for data in sub.sheets.values():
        for column in data.spec.columns:
            if not column.numeric or column.key not in data.frame or spread == 0:
                continue
            values = data.frame[column.key]
            factors = 1 + rng.normal(0, spread, len(values))
            varied = [
                (round(v * f) if column.type == "integer" else round(v * f, 1))
                if _is_number(v)
                else v
                for v, f in zip(values, factors, strict=True)
            ]
            data.frame[column.key] = pd.Series(varied, index=values.index, dtype=object)


def draw(
    template: str,
    seed: int,
    spread: float = 0.05,
    cell: Cell | None = None,
    tampering: str | None = None,
) -> list[Finding]:
    """The findings of one realistic variant of an example submission, one cell tampered
    with (or none)."""
    original = originals()[template]
    sub = copy.copy(original)
    sub.findings = list(original.findings)
    sub.sheets = {k: _copy_sheet(d) for k, d in original.sheets.items()}
    _vary(sub, np.random.default_rng(seed), spread)
    if cell is not None and tampering is not None:
        frame = sub.sheets[cell.sheet].frame
        value = frame.at[cell.index, cell.column]
        if tampering == "×1000":
            new = value * 1000
        elif tampering == "÷1000":
            new = value / 1000
        else:
            new = -value
        frame.at[cell.index, cell.column] = new
    validate_submission(sub, specs(), PERIOD)
    return sub.findings


def _copy_sheet(data: SheetData) -> SheetData:
    clone = copy.copy(data)
    clone.frame = data.frame.copy()
    return clone


def caught(findings: list[Finding], template: str, cell: Cell) -> bool:
    """Whether a finding points at the tampered cell."""
    data = originals()[template].sheets[cell.sheet]
    where = (data.name, data.cell(cell.index, cell.column))
    return any((f.sheet, f.cell) == where for f in findings)


def false_alarms(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code in PLAUSIBILITY_CODES]


@cache
def _references() -> dict[tuple[str, str, int, str], bool]:
    from vrapport.checks.plausibility import Settings, compared

    settings = Settings.of(specs().report)
    known = {}
    for template, sub in originals().items():
        for key, data in sub.sheets.items():
            cells = compared(data, settings, template)
            for row in cells.itertuples():
                usable = [r for r in (row.history, row.pair, row.last_year) if r > 0]
                known[(template, key, int(row.index), str(row.column))] = bool(usable)
    return known


def has_reference(cell: Cell) -> bool:
    """Whether the cell has anything to be compared with: another non-zero month of its
    series, its pair (budget, last year) or last year's same month. A fixed row outside any
    series (the opening balance, the credit limit) or a count whose other months are all
    zero has none; a slip there is out of reach without last period's submission."""
    return _references().get((cell.template, cell.sheet, cell.index, cell.column), False)
