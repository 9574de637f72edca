"""Realistic submissions for the controller's checks, varied and tampered with in memory.

March 2024 is the example submissions. Other periods are made the way a department gets
them: templates for the period from the source period's submissions (`vrapport templates P
--from DIR`: June and December 2024 from March, January 2025 from December 2024), then every
figure the department enters drawn from the series it belongs to (see `generated`), the
comment paragraphs carried over and tagged with the lines and key figures they explain,
some material ones deliberately left out (`LEFT_UNEXPLAINED`).

A draw copies a period's sheets, varies every number a little (as another month or another
organisation would), optionally tampers with one cell (×1000, ÷1000, the sign flipped) and
runs the same validation as `check`. Used by tests/test_plausibility.py and
benchmarks/catch_rate.py.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import math
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vrapport.findings import Finding
from vrapport.period import Period
from vrapport.reader import MONTH, ROW_KEY, SheetData, Submission, read_submission
from vrapport.spec import ColumnSpec, Specs, load_specs, split_choices
from vrapport.validation import validate_submission

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
PERIOD = Period(2024, 3)
# The periods the checks are tried on: the examples' quarter end; mid-year (six months to
# date, a quarter end); after New Year (one month to date, last year's series as history).
PERIODS = (PERIOD, Period(2024, 6), Period(2025, 1))
# Each generated period and the period whose submissions its templates are made from.
SOURCES = {Period(2024, 6): PERIOD, Period(2024, 12): PERIOD, Period(2025, 1): Period(2024, 12)}
# The codes of the controller's plausibility checks (a false alarm is one of these).
PLAUSIBILITY_CODES = frozenset(
    {"wrong-scale", "outlier", "month-copied", "zero-figure", "unexpected-sign"}
)
UNEXPLAINED_CODES = frozenset({"unexplained-variance", "unexplained-target"})
TAMPERING = ("×1000", "÷1000", "sign", "zero")  # zero: a figure forgotten, left as 0
# A new month differs from what it is drawn from by the row's factor, uniform within ±15 %
# (the same for every figure of the row, so that counts stay within each other: calls
# answered within 60 s of the phone calls, lost workdays of the agreed ones), and each
# figure by its own small jitter.
ROW_SPREAD = 0.15
CELL_SPREAD = 0.01
# The share of a template's material variances and missed targets (at least one) that a
# generated period leaves without a paragraph naming them: those, and only those, are
# unexplained-variance/-target findings.
LEFT_UNEXPLAINED = 0.3


@dataclass(frozen=True)
class Cell:
    """One number of a realistic submission: template, sheet key, frame index, column."""

    template: str
    sheet: str
    index: int
    column: str
    value: float
    period: Period = PERIOD


@cache
def specs() -> Specs:
    return load_specs(ROOT / "schemas")


def folder(period: Period) -> Path:
    """The submissions of `period`: the examples for March 2024, else generated ones."""
    return EXAMPLES if period == PERIOD else generated(period)


@cache
def originals(period: Period = PERIOD) -> dict[str, Submission]:
    """The period's submissions as read (before validation types their values)."""
    subs = [read_submission(p, specs()) for p in sorted(folder(period).glob("*.xlsx"))]
    return {s.template_id: s for s in subs}


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _number(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def _has_month(month: Any) -> bool:
    return month is not None and not (isinstance(month, float) and math.isnan(month))


@cache
def cells(period: Period = PERIOD) -> tuple[Cell, ...]:
    """Every non-zero number the period's submissions hold (what tampering draws from)."""
    found = []
    for template, sub in originals(period).items():
        for key, data in sub.sheets.items():
            for column in data.spec.columns:
                if not column.numeric or column.key not in data.frame:
                    continue
                for index, value in data.frame[column.key].items():
                    if _is_number(value) and value != 0:
                        found.append(
                            Cell(template, key, int(index), column.key, float(value), period)
                        )
    return tuple(found)


def sign_is_known(cell: Cell) -> bool:
    """Whether a flipped sign can be told from the data at all: the column may not be
    negative, or the line's sign is fixed (the finance catalogue) or its history has one
    sign. A liquidity movement, the opening balance and the credit limit share one column
    whose values have both signs; there a flipped sign is a legitimate value."""
    data = originals(cell.period)[cell.template].sheets[cell.sheet]
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


def draw_submission(
    template: str,
    seed: int,
    spread: float = 0.05,
    cell: Cell | None = None,
    tampering: str | None = None,
    period: Period = PERIOD,
) -> Submission:
    """One realistic variant of a period's submission, validated as `check` validates it
    (its findings in `.findings`), one cell tampered with (or none)."""
    period = cell.period if cell is not None else period
    original = originals(period)[template]
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
        elif tampering == "zero":
            new = 0 if isinstance(value, int) else 0.0
        else:
            new = -value
        frame.at[cell.index, cell.column] = new
    validate_submission(sub, specs(), period)
    return sub


def draw(
    template: str,
    seed: int,
    spread: float = 0.05,
    cell: Cell | None = None,
    tampering: str | None = None,
    period: Period = PERIOD,
) -> list[Finding]:
    """The findings of one realistic variant (see `draw_submission`)."""
    return draw_submission(template, seed, spread, cell, tampering, period).findings


def _copy_sheet(data: SheetData) -> SheetData:
    clone = copy.copy(data)
    clone.frame = data.frame.copy()
    return clone


def caught(findings: list[Finding], template: str, cell: Cell) -> bool:
    """Whether a finding points at the tampered cell."""
    data = originals(cell.period)[template].sheets[cell.sheet]
    where = (data.name, data.cell(cell.index, cell.column))
    return any((f.sheet, f.cell) == where for f in findings)


def false_alarms(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code in PLAUSIBILITY_CODES]


@cache
def _references(period: Period) -> dict[tuple[str, str, int, str], bool]:
    from vrapport.checks.plausibility import Settings, compared

    settings = Settings.of(specs().report)
    known = {}
    for template, sub in originals(period).items():
        for key, data in sub.sheets.items():
            rows = compared(data, settings, template, period.month)
            for row in rows.itertuples():
                usable = [r for r in (row.history, row.pair, row.last_year) if r > 0]
                known[(template, key, int(row.index), str(row.column))] = bool(usable)
    return known


def has_reference(cell: Cell) -> bool:
    """Whether the cell has anything to be compared with: another non-zero month of its
    series, its pair (budget, last year) or last year's same month. A fixed row outside any
    series (the opening balance, the credit limit) or a count whose other months are all
    zero has none; a slip there is out of reach without last period's submission."""
    key = (cell.template, cell.sheet, cell.index, cell.column)
    return _references(cell.period).get(key, False)


# What needs an explanation, by the rules README states (an oracle for the checks
# explained-variances and explained-targets, computed from the figures alone).


def material_lines(sub: Submission, period: Period) -> set[str]:
    """The result lines whose variance from budget, for the period's month or the year to
    date, is at least `materiality_kroner` and at least `materiality_percent` of the budget
    (a cost's variance is budget − actual, others' actual − budget)."""
    data = sub.sheets.get("result")
    if data is None:
        return set()
    narrative = specs().report.model.narrative
    frame = data.frame
    found = set()
    for line in specs().report.model.catalogues.finance_lines:
        rows = frame[(frame[ROW_KEY] == line.key) & frame[MONTH].map(_has_month)]
        by_month = {
            int(r[MONTH]): (_number(r["actual"]), _number(r["budget"]))
            for r in rows.to_dict("records")
        }
        figures = [by_month.get(m, (None, None)) for m in range(1, period.month + 1)]
        if any(a is None or b is None for a, b in figures):
            continue
        sign = -1 if line.kind == "cost" else 1
        for months in (figures[-1:], figures):
            actual = sum(a for a, _ in months if a is not None)
            budget = sum(b for _, b in months if b is not None)
            variance = sign * (actual - budget)
            share = abs(variance) / abs(budget) * 100 if budget else 100.0
            if (
                abs(variance) >= narrative.materiality_kroner
                and share >= narrative.materiality_percent
            ):
                found.add(line.label)
    return found


def _shown(share: float) -> float:
    """A share as the report shows it: percent to one decimal, half away from zero."""
    return math.floor(abs(share) * 1000 + 0.5) / 10


def missed_targets(sub: Submission, period: Period) -> set[str]:
    """The key figures that miss their target (report.yaml) for the period's month or, where
    the spec says `ytd`, the year to date (counts summed), as the report shows the shares
    (one that rounds to the target does not miss it)."""
    found = set()
    for data in sub.sheets.values():
        months = pd.to_numeric(data.frame.get(MONTH), errors="coerce")
        for target in data.spec.targets:
            goal = specs().report.targets[target.key]
            scopes = [[period.month]] + ([list(range(1, period.month + 1))] if target.ytd else [])
            for scope in scopes:
                rows = data.frame[months.isin(scope)]
                share = [sum(_number(v) or 0.0 for v in rows[c]) for c in target.share]
                whole = [sum(_number(v) or 0.0 for v in rows[c]) for c in target.of]
                if len(rows) != len(scope) or not sum(whole):
                    continue
                value = sum(share) / sum(whole)
                over = value > goal if target.limit == "max" else value < goal
                if over and _shown(value) != _shown(goal):
                    found.add(target.label)
    return found


def tags(sub: Submission) -> set[str]:
    """The labels the submission's comment paragraphs say they explain."""
    found: set[str] = set()
    for data in sub.sheets.values():
        for column in data.spec.columns:
            if column.type == "choice" and column.multiple and column.key in data.frame:
                for value in data.frame[column.key]:
                    if isinstance(value, str):
                        found.update(split_choices(value))
    return found


def unexplained(findings: list[Finding], sub: Submission) -> set[str]:
    """The lines and key figures that unexplained-variance/-target findings name."""
    labels = {line.label for line in specs().report.model.catalogues.finance_lines}
    labels |= {t.label for data in sub.sheets.values() for t in data.spec.targets}
    named = set()
    for finding in findings:
        if finding.code in UNEXPLAINED_CODES:
            (label,) = [
                label
                for label in labels
                if finding.message.startswith((f"{label}:", f"{label} i ", f"{label} hittil"))
            ]
            named.add(label)
    return named


def due(sub: Submission, period: Period) -> set[str]:
    """What the submission's figures make material or miss: needs a paragraph naming it."""
    return material_lines(sub, period) | missed_targets(sub, period)


# Generating the submissions of another period.


@cache
def _workdir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="vrapport-realistic-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


# period -> template id -> the labels due an explanation that the generator left without one
LEFT_OUT: dict[Period, dict[str, set[str]]] = {}


@cache
def generated(period: Period) -> Path:
    """Submissions for `period`, as a department would fill them: the templates made from the
    source period's submissions (`vrapport templates P --from DIR`, history pre-filled);
    then every cell left to enter drawn from the series it belongs to (`_drawn`): around its
    reference (the budget of an actual, last year's figure of a this-year figure, last
    year's same month) at the level the series keeps against it, else around one of the
    series' other values, times the row's factor; registers continued (a count on the first
    of each month, last year's events of the new months a year later, project statuses
    unchanged); comment paragraphs and the CEO's assessment carried as written, tagged with
    what the figures make material except the labels left out (`LEFT_OUT`)."""
    import vrapport
    from vrapport.fill import fill_template

    source = SOURCES[period]
    blanks, out = _workdir() / "maler" / str(period), _workdir() / str(period)
    out.mkdir(parents=True)
    vrapport.make_templates(period, blanks, previous=[folder(source)], specs=specs())
    previous = originals(source)
    rng = np.random.default_rng(period.ordinal)
    LEFT_OUT[period] = {}
    for path in sorted(blanks.glob("*.xlsx")):
        template = read_submission(path, specs())
        before = previous[template.template_id]
        data: dict[str, Any] = {}
        for key, sheet in template.sheets.items():
            old = before.sheets.get(key)
            if sheet.spec.kind == "records":
                records = _records(sheet, old, period, source, rng)
                if records is not None:
                    data[key] = records
            else:
                figures = _figures(template.template_id, sheet, old, period, source, rng)
                if figures:
                    data[key] = figures
        target = fill_template(path, data, out / f"{template.template_id}.xlsx", specs())
        filled = read_submission(target, specs())
        needed = sorted(due(filled, period))
        count = math.ceil(LEFT_UNEXPLAINED * len(needed))
        chosen = rng.choice(needed, count, replace=False) if count else []
        left = {str(label) for label in chosen}
        LEFT_OUT[period][template.template_id] = left
        paragraphs = _tagged(filled, set(needed) - left, left)
        if paragraphs:
            fill_template(target, paragraphs, target, specs())
    return out


def _tagged(sub: Submission, explained: set[str], left: set[str]) -> dict[str, Any]:
    """The comment paragraphs with their tags: as carried, without the labels left out, and
    what else is due added to the first paragraph that explains something."""
    for key, data in sub.sheets.items():
        column = next((c for c in data.spec.columns if c.type == "choice" and c.multiple), None)
        if column is None or data.frame.empty:
            continue
        records = [_record(r, data) for r in data.frame.to_dict("records")]
        chosen = [
            [t for t in split_choices(r.get(column.key) or "") if t not in left] for r in records
        ]
        missing = sorted(explained - {t for c in chosen for t in c})
        first = next((i for i, c in enumerate(chosen) if c), 0)
        chosen[first] += [m for m in missing if m in column.choices]
        for record, labels in zip(records, chosen, strict=True):
            record[column.key] = "; ".join(labels) or None
        return {key: records}
    return {}


def _record(row: dict[str, Any], data: SheetData) -> dict[str, Any]:
    return {c.key: _plain(row.get(c.key)) for c in data.spec.columns}


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value


def _rounded(value: float, column: ColumnSpec, like: list[float]) -> float:
    if column.min is not None:
        value = max(value, column.min)
    if column.max is not None:
        value = min(value, column.max)
    if column.type == "integer" or all(v.is_integer() for v in like):
        return int(round(value))
    return round(value, 4 if column.type == "percent" else 1)


def _figures(
    template_id: str,
    data: SheetData,
    before: SheetData | None,
    period: Period,
    source: Period,
    rng: np.random.Generator,
) -> dict[str, dict[Any, Any]]:
    """Values for the input cells of a grid or table sheet the department has to enter:
    months up to the period (a carried column such as the budget: the whole year), and
    required rows of their own (an investment's figure for the year to date)."""
    from vrapport.checks.plausibility import Settings

    spec, frame = data.spec, data.frame.copy()
    # Which column is drawn around which (the factors of annual columns aside).
    paired = Settings.of(specs().report).pairs_of(template_id, spec.key, 12)
    pairs = {column: pair.column for column, pair in paired.items()}
    columns = [c for c in spec.columns if c.numeric and not c.locked and c.key in frame]
    columns.sort(key=lambda c: not c.carry)  # budgets first: actuals are drawn around them
    grown = period.month / (source.month if period.year == source.year else 12)
    factors: dict[Any, float] = {}
    out: dict[str, dict[Any, Any]] = {}
    for column in columns:
        for index in frame.index:
            month = frame.at[index, MONTH]
            if _number(frame.at[index, column.key]) is not None:
                continue
            if _has_month(month):
                if not 1 <= int(month) <= (12 if column.carry else period.month):
                    continue
            elif not column.required:
                continue
            value = _drawn(data, frame, index, column, pairs, before, rng, grown)
            if value is None:
                continue
            row_factor = factors.setdefault(index, 1 + rng.uniform(-ROW_SPREAD, ROW_SPREAD))
            factor = row_factor * (1 + rng.normal(0, CELL_SPREAD))
            entered = [v for v in map(_number, frame[column.key]) if v is not None]
            new = _rounded(value * factor, column, entered or [value])
            frame.at[index, column.key] = new
            where = (column.key, int(month)) if spec.kind == "grid" else column.key
            out.setdefault(frame.at[index, ROW_KEY], {})[where] = new
    return out


def _series(data: SheetData, frame: pd.DataFrame, index: Any) -> pd.Series:
    """The rows of the series the row belongs to: a grid's line; a table's month rows (this
    year's and last year's), or its rows of their own."""
    if data.spec.kind == "grid":
        return frame[ROW_KEY] == frame.at[index, ROW_KEY]
    with_month = frame[MONTH].map(_has_month)
    return with_month if _has_month(frame.at[index, MONTH]) else ~with_month


def _drawn(
    data: SheetData,
    frame: pd.DataFrame,
    index: Any,
    column: ColumnSpec,
    pairs: dict[str, str],
    before: SheetData | None,
    rng: np.random.Generator,
    grown: float,
) -> float | None:
    """The value a new cell is drawn around, before the row's factor (see `generated`)."""
    key, month = column.key, frame.at[index, MONTH]
    if column.carry and before is not None:
        old = _same_cell(before, frame, index, key)
        if old is not None:
            return old  # a new year's budget: last year's, as a start
    references: list[tuple[str | None, int]] = []
    if key in pairs and not column.carry:
        references.append((pairs[key], 0))
    if _has_month(month) and data.spec.kind == "table":
        references.append((None, -12))
    series = _series(data, frame, index)
    for other, step in references:
        reference = _reference(frame, index, key, other, step)
        if reference is None:
            continue
        level = None
        if before is not None and not _has_month(month) and other is not None:
            # A row of its own: the level it had last period; a figure for the year to date
            # grows with the months.
            level = _own_level(before, frame.at[index, ROW_KEY], key, other)
            if level is not None and "hittil i år" in column.label.lower():
                level *= grown
        if level is None:
            level = _level(frame, series, key, other, step)
        return reference * (1.0 if level is None else level)
    donors = [
        v
        for i in frame.index[series]
        if i != index
        and (not _has_month(month) or frame.at[i, MONTH] >= 1)
        and (v := _number(frame.at[i, key])) is not None
    ]
    if not donors and before is not None:
        old = before.frame
        if data.spec.kind == "grid" or not _has_month(month):
            mask = old[ROW_KEY] == frame.at[index, ROW_KEY]
        else:
            mask = old[MONTH].map(lambda m: _has_month(m) and m >= 1)
        donors = [v for v in map(_number, old.loc[mask, key]) if v is not None]
    return float(rng.choice(donors)) if donors else None


def _same_cell(before: SheetData, frame: pd.DataFrame, index: Any, key: str) -> float | None:
    old = before.frame
    mask = old[ROW_KEY] == frame.at[index, ROW_KEY]
    if before.spec.kind == "grid":
        mask &= old[MONTH] == frame.at[index, MONTH]
    values = [v for v in map(_number, old.loc[mask, key]) if v is not None]
    return values[0] if len(values) == 1 else None


def _reference(
    frame: pd.DataFrame, index: Any, key: str, other: str | None, step: int
) -> float | None:
    if other is not None:
        return _number(frame.at[index, other])
    month = frame.at[index, MONTH]
    if not _has_month(month):
        return None
    rows = frame.index[frame[MONTH] == month + step]
    return _number(frame.at[rows[0], key]) if len(rows) == 1 else None


def _level(
    frame: pd.DataFrame, series: pd.Series, key: str, other: str | None, step: int
) -> float | None:
    """The median ratio of the series' entered values to their references."""
    ratios = []
    for i in frame.index[series]:
        value, reference = _number(frame.at[i, key]), _reference(frame, i, key, other, step)
        if value is not None and reference:
            ratios.append(value / reference)
    return float(np.median(ratios)) if ratios else None


def _own_level(before: SheetData, row_key: str, key: str, other: str) -> float | None:
    row = before.frame[before.frame[ROW_KEY] == row_key]
    if len(row) != 1:
        return None
    value, reference = _number(row[key].iloc[0]), _number(row[other].iloc[0])
    return value / reference if value is not None and reference else None


def _records(
    data: SheetData,
    before: SheetData | None,
    period: Period,
    source: Period,
    rng: np.random.Generator,
) -> list[dict[str, Any]] | None:
    """The records of a register or text sheet for the new period (None: as pre-filled)."""
    spec = data.spec
    rows = [_record(r, data) for r in data.frame.to_dict("records")]
    if not rows:
        # Paragraphs, the CEO's assessment: carried as written.
        return [_record(r, before) for r in before.frame.to_dict("records")] if before else None
    changed = False
    # A column pre-filled from another (a project's «Forrige status»): unchanged since.
    for column in spec.columns:
        if column.prefill_from and column.prefill_from != column.key:
            for row in rows:
                if row.get(column.prefill_from) is None and row.get(column.key) is not None:
                    row[column.prefill_from] = row[column.key]
                    changed = True
    dates = [c.key for c in spec.columns if c.type == "date"]
    if not dates:
        return rows if changed else None
    date, numeric = dates[0], [c.key for c in spec.columns if c.numeric]
    known = [r[date] for r in rows if isinstance(r.get(date), dt.date)]
    if known and numeric and all(d.day == 1 for d in known):
        # Counts on the first of each month: one a month up to the first after the period.
        close = period.shift(1)
        when = _next_month(max(known))
        while when <= dt.date(close.year, close.month, 1):
            donor = rows[int(rng.integers(len(rows)))]
            factor = 1 + rng.uniform(-ROW_SPREAD, ROW_SPREAD)
            new = {c.key: None for c in spec.columns} | {date: when}
            for key in numeric:
                value = _number(donor.get(key))
                new[key] = None if value is None else int(round(value * factor))
            rows.append(new)
            changed = True
            when = _next_month(when)
    elif known:
        # Events: last year's events of the new months, a year later.
        first = _next_month(dt.date(source.year, source.month, 1))
        end = _next_month(dt.date(period.year, period.month, 1))
        # An identifier (a text column whose values are all different) stays unique.
        ids = [
            c.key
            for c in spec.columns
            if c.type == "text" and len({r.get(c.key) for r in rows}) == len(rows) > 1
        ]
        taken = {(key, r.get(key)) for key in ids for r in rows}
        for row in list(rows):
            when = row.get(date)
            if not isinstance(when, dt.date):
                continue
            try:
                moved = when.replace(year=when.year + 1)
            except ValueError:  # 29 February
                moved = when.replace(year=when.year + 1, day=28)
            if not first <= moved < end:
                continue
            new = dict(row) | {date: moved}
            for key in ids:
                value = str(new[key]).replace(str(when.year), str(moved.year))
                while (key, value) in taken:
                    value += "b"
                taken.add((key, value))
                new[key] = value
            rows.append(new)
            changed = True
    return rows if changed else None


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
