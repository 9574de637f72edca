"""Figures that are well formed but implausible, as a controller would spot them.

Every number of a table, grid or register is read as part of a *series*: the same measure of
the same line over the months (a grid's row × measure, a month table's column, a register's
column). Each value is compared with the series' other months, with its pair in the same row
(a budget and its actual, this year and last year, as `plausibility.pairs` in report.yaml
names them) and with last year's same month (a table's «i fjor» rows). Flagged at the cell:

- a value that looks typed at the wrong scale: about 1000 times (a percent: 100 times) larger
  or smaller than every reference it has, with the likely factor in the message;
- a value far outside the series' history: beyond median ± k·MAD (k and a floor for the
  spread in report.yaml), with the expected range;
- a whole month identical to the month before (copied), at the month's first cell.

All warnings by default (`plausibility.severity`). A cell that already has a finding (a type
error, a bound, an unexpected sign) is left alone: one message per cell. Vectorised with
pandas/numpy, so a register of 100 000 rows costs a few sorts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vrapport.checks import CheckContext, check
from vrapport.findings import WARNING, Finding, Severity
from vrapport.numbers import format_plain
from vrapport.period import month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY, SheetData
from vrapport.spec import ReportConfig, SheetSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd

SCALE_CODE = "wrong-scale"
OUTLIER_CODE = "outlier"
COPY_CODE = "month-copied"
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Settings:
    """`plausibility:` in report.yaml (see reportfile.PlausibilitySettings)."""

    severity: Severity = WARNING
    # A value is an outlier beyond median ± k · spread; the spread is 1.4826 · MAD, at least
    # `floor_percent` of the median's size (few months of history have a tiny MAD).
    outlier_k: float = 5.0
    floor_percent: float = 40.0
    # Values (the value itself included) a series needs before outliers are looked for.
    outlier_min_values: int = 4
    # How close to the factor (1000, or 100 for a percent) a ratio must be, in powers of ten:
    # 1 means a ratio between 100 and 10 000 reads as «1000 times».
    scale_tolerance: float = 1.0
    # template id -> sheet key -> {column: paired column}, compared both ways.
    pairs: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: ReportConfig) -> Settings:
        raw = report.model.plausibility
        return cls(
            severity=raw.severity,
            outlier_k=raw.outlier_k,
            floor_percent=raw.floor_percent,
            outlier_min_values=raw.outlier_min_values,
            scale_tolerance=raw.scale_tolerance,
            pairs=raw.pairs,
        )

    def pairs_of(self, template_id: str, sheet_key: str) -> dict[str, str]:
        declared = self.pairs.get(template_id, {}).get(sheet_key, {})
        both = dict(declared)
        both.update({v: k for k, v in declared.items()})
        return both


def _numbers(column: pd.Series) -> pd.Series:
    """The numeric values of a column as floats; anything else (text, blanks, booleans,
    special cells) as NaN."""
    numeric = column.map(type).isin((int, float, np.int64, np.float64))
    values = pd.to_numeric(column.where(numeric), errors="coerce").astype(float)
    return values.where(np.isfinite(values))


def _same_measure_rows(spec: SheetSpec) -> set[str]:
    """Fixed rows of a month table that hold the same measure as its months: those that take
    one month row of last year's submission (FTE at the turn of the year = December's)."""
    return {
        row.key
        for row in spec.rows
        if row.month is None
        and len(row.from_last_year) == 1
        and row.from_last_year[0].startswith("m")
    }


def series_cells(data: SheetData) -> pd.DataFrame:
    """One row per number of the sheet: index (the frame's), column, series, month (NaN when
    the row is no month), value. A series is what is compared with itself: a grid's row and
    measure, a month table's column, a register's column. A table without month rows (one row
    per category) makes one series of each column across its categories, for the scale only
    (`timeline` False: categories are no history an outlier could be judged against)."""
    spec, frame = data.spec, data.frame
    numeric = [c.key for c in spec.columns if c.numeric and c.key in frame.columns]
    if not numeric or frame.empty:
        return pd.DataFrame(columns=["index", "column", "series", "month", "value", "timeline"])
    months = pd.to_numeric(frame[MONTH], errors="coerce") if MONTH in frame else None
    has_months = bool(months is not None and months.notna().any())
    keep = pd.Series(True, index=frame.index)
    if spec.kind == "table" and months is not None and has_months:
        keep = months.notna() | frame[ROW_KEY].isin(_same_measure_rows(spec))
    parts = []
    for key in numeric:
        values = _numbers(frame[key])
        part = pd.DataFrame(
            {
                "index": frame.index,
                "column": key,
                "month": months if months is not None else np.nan,
                "value": values,
            }
        )
        part["series"] = frame[ROW_KEY].astype(str) + "|" + key if spec.kind == "grid" else key
        part["timeline"] = spec.kind != "table" or has_months
        parts.append(part[keep.to_numpy()])
    cells = pd.concat(parts, ignore_index=True)
    return cells[cells["value"].notna()].reset_index(drop=True)


def loo_median(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element, the median of the *other* elements of its group and how many there
    are (NaN where there are none). Vectorised: one sort, then index arithmetic."""
    n = len(values)
    if n == 0:
        return np.array([]), np.array([], dtype=int)
    order = np.lexsort((values, groups))
    sorted_values, sorted_groups = values[order], groups[order]
    starts_mask = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    starts = np.flatnonzero(starts_mask)
    sizes = np.diff(np.r_[starts, n])
    group_id = np.cumsum(starts_mask) - 1
    start, size = starts[group_id], sizes[group_id]
    rank = np.arange(n) - start
    others = size - 1
    # The median of the others: positions (m-1)//2 and m//2 of the group without this
    # element; position j of that list is rank j of the group when j < rank, else j + 1.
    lo, hi = (others - 1) // 2, others // 2
    lo = np.where(lo >= rank, lo + 1, lo)
    hi = np.where(hi >= rank, hi + 1, hi)
    valid = others > 0
    lo_values = sorted_values[np.clip(start + lo, 0, n - 1)]
    hi_values = sorted_values[np.clip(start + hi, 0, n - 1)]
    medians = np.where(valid, (lo_values + hi_values) / 2, np.nan)
    result, counts = np.empty(n), np.empty(n, dtype=int)
    result[order], counts[order] = medians, others
    return result, counts


def scale_factor(
    value: np.ndarray, references: list[np.ndarray], factor: float, tolerance: float
) -> np.ndarray:
    """+factor where |value| is at least factor/10^tolerance times every available reference
    and about `factor` times (within 10^tolerance) one of them; −factor likewise for too
    small; 0 otherwise or when no reference is available. References are magnitudes; NaN or
    0 means not available."""
    with np.errstate(divide="ignore"):
        logs = np.log10(np.abs(value))
    centre = math.log10(factor)
    all_up = np.ones(len(value), dtype=bool)
    all_down = np.ones(len(value), dtype=bool)
    near_up = np.zeros(len(value), dtype=bool)
    near_down = np.zeros(len(value), dtype=bool)
    for reference in references:
        usable = np.isfinite(reference) & (reference > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = logs - np.log10(np.where(usable, reference, 1.0))
        all_up &= ~usable | (ratio >= centre - tolerance)
        all_down &= ~usable | (ratio <= tolerance - centre)
        near_up |= usable & (np.abs(ratio - centre) <= tolerance)
        near_down |= usable & (np.abs(ratio + centre) <= tolerance)
    known = np.isfinite(logs)
    up, down = known & all_up & near_up, known & all_down & near_down
    return np.where(up, factor, np.where(down, -factor, 0.0))


def _where(data: SheetData, row: Any, column: str) -> str:
    label = str(data.frame.at[row, LABEL])
    month = data.frame.at[row, MONTH]
    name = data.spec.column(column).label
    if data.spec.kind == "grid" and month is not None and not pd.isna(month):
        return f"{label}, {name.lower()} for {month_label(int(month)).lower()}"
    if data.spec.kind == "records":
        return f"{name} ({label})"
    if month is not None and not pd.isna(month):
        return f"{name} for {label.lower()}"
    return f"{name}, {label}"


def _shown(value: float, column: str, data: SheetData) -> str:
    if data.spec.column(column).type == "percent":
        return f"{format_plain(round(value * 100, 1))}\u00a0%"
    return format_plain(round(value, 1) if abs(value) < 100 else round(value))


def _references(cells: pd.DataFrame, pairs: dict[str, str]) -> pd.DataFrame:
    """Adds the magnitudes each value is compared with: `history` (median of the series'
    other non-zero values), `pair` (the paired column in the same row), `last_year` (the
    same series twelve months before or after)."""
    size = cells["value"].abs()
    nonzero = size > 0
    history = np.full(len(cells), np.nan)
    counts = np.zeros(len(cells), dtype=int)
    if nonzero.any():
        groups = pd.factorize(cells.loc[nonzero, "series"])[0]
        medians, others = loo_median(size[nonzero].to_numpy(), groups)
        history[nonzero.to_numpy()] = medians
        counts[nonzero.to_numpy()] = others
    cells = cells.assign(history=history, others=counts, pair=np.nan, last_year=np.nan)
    if pairs:
        by_cell = cells.set_index(["index", "column"])["value"]
        paired_keys = list(zip(cells["index"], cells["column"].map(pairs), strict=True))
        cells["pair"] = by_cell.reindex(paired_keys).abs().to_numpy()
    if cells["month"].notna().any():
        before = np.abs(_at_month(cells, "value", -12))
        after = np.abs(_at_month(cells, "value", 12))
        cells["last_year"] = np.where(np.isnan(before), after, before)
    return cells


def _at_month(cells: pd.DataFrame, column: str, step: int) -> np.ndarray:
    """`column` of the same series `step` months later (NaN where there is none)."""
    with_month = cells[cells["month"].notna()]
    lookup = with_month.set_index(["series", "month"])[column]
    lookup = lookup[~lookup.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([cells["series"], cells["month"] + step])
    return lookup.reindex(keys).to_numpy(dtype=float)


def _outliers(cells: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Rows of `cells` beyond median ± k·spread of their series, with the range. Series of
    one sign are judged by size (a wrong sign is the sign check's business); series of both
    signs (a liquidity movement) by value."""
    grouped = cells.groupby("series")["value"]
    one_sign = (grouped.transform("min") >= 0) | (grouped.transform("max") <= 0)
    sign = np.where(grouped.transform("sum") < 0, -1.0, 1.0)
    basis = np.where(one_sign, cells["value"].abs(), cells["value"])
    frame = cells.assign(basis=basis, one_sign=one_sign, sign=sign)
    by = frame.groupby("series")["basis"]
    median = by.transform("median")
    mad = (frame["basis"] - median).abs().groupby(frame["series"]).transform("median")
    spread = np.maximum(MAD_TO_SIGMA * mad, settings.floor_percent / 100 * median.abs())
    count = by.transform("size")
    low, high = median - settings.outlier_k * spread, median + settings.outlier_k * spread
    if settings.outlier_k > 0:
        low = np.where(one_sign, np.maximum(low, 0.0), low)
    flagged = (count >= settings.outlier_min_values) & (spread > 0)
    flagged &= (frame["basis"] < low) | (frame["basis"] > high)
    # Only a lone value: a level that another value of the series shares is no outlier (a
    # new service ramping up; a liquidity movement that is large in several months, which
    # makes the median and MAD of the other months no measure of it). Each value is compared
    # with the nearest values of its series below and above it.
    for other in _nearest_others(frame["series"], frame["basis"]):
        reach = settings.outlier_k * np.maximum(
            spread, settings.floor_percent / 100 * np.abs(other)
        )
        flagged &= np.isnan(other) | (np.abs(frame["basis"] - other) > reach)
    return frame.assign(low=low, high=high)[flagged]


def _nearest_others(series: pd.Series, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the next smaller (or equal) and the next larger (or equal) value of its
    series, NaN where there is none. One sort."""
    groups = pd.factorize(series)[0]
    numbers = values.to_numpy(dtype=float)
    order = np.lexsort((numbers, groups))
    ranked, ranked_groups = numbers[order], groups[order]
    same = ranked_groups[1:] == ranked_groups[:-1]
    below, above = np.full(len(numbers), np.nan), np.full(len(numbers), np.nan)
    below[order[1:]] = np.where(same, ranked[:-1], np.nan)
    above[order[:-1]] = np.where(same, ranked[1:], np.nan)
    return below, above


def compared(data: SheetData, settings: Settings, template_id: str) -> pd.DataFrame:
    """`series_cells` with the references each value is compared with (NaN: none)."""
    cells = series_cells(data)
    if cells.empty:
        return cells.assign(history=[], others=[], pair=[], last_year=[])
    return _references(cells, settings.pairs_of(template_id, data.spec.key))


Flag = tuple[Any, str, str, str]  # (row index, column key, code, message)


def implausible(data: SheetData, settings: Settings, template_id: str) -> Iterator[Flag]:
    """(row index, column, code, message) for every implausible number of the sheet."""
    cells = compared(data, settings, template_id)
    if cells.empty:
        return
    percent = cells["column"].map(lambda k: data.spec.column(k).type == "percent").to_numpy()
    value = cells["value"].to_numpy()
    refs = [cells[k].to_numpy() for k in ("history", "pair", "last_year")]
    tolerance = settings.scale_tolerance
    factor = np.where(
        percent,
        scale_factor(value, refs, 100.0, tolerance / 2),
        scale_factor(value, refs, 1000.0, tolerance),
    )
    scaled = factor != 0
    for row in cells[scaled].assign(factor=factor[scaled]).itertuples():
        reference = next(r for r in (row.history, row.pair, row.last_year) if r > 0)
        f = format_plain(abs(row.factor))
        higher = row.factor > 0
        if abs(row.factor) == 100:
            question = (
                "Er prosenten ført som tall (62 i stedet for 62 %)?"
                if higher
                else "Er prosenten delt på 100 én gang for mye?"
            )
        else:
            question = (
                "Er tallet ført i feil skala?"
                if higher
                else "Er tallet ført i 1\u00a0000 kr i stedet for hele kroner?"
            )
        yield (
            row.index,
            row.column,
            SCALE_CODE,
            f"{_where(data, row.index, row.column)} er {_shown(row.value, row.column, data)}, "
            f"omtrent {f} ganger {'høyere' if higher else 'lavere'} enn sammenlignbare tall "
            f"(typisk {_shown(reference, row.column, data)}). {question} Sannsynlig faktor: "
            f"{f if higher else '1/' + f} ({'del' if higher else 'gang'} med {f}).",
        )
    rest = cells[~scaled & cells["timeline"].to_numpy(dtype=bool)]
    if rest.empty:
        return
    for row in _outliers(rest, settings).itertuples():
        low, high = row.low, row.high
        if row.one_sign and row.sign < 0:
            low, high = -row.high, -row.low
        yield (
            row.index,
            row.column,
            OUTLIER_CODE,
            f"{_where(data, row.index, row.column)} er {_shown(row.value, row.column, data)}, "
            f"langt utenfor det som er vanlig for denne serien (forventet mellom "
            f"{_shown(low, row.column, data)} og {_shown(high, row.column, data)}). "
            "Kontroller tallet.",
        )


def copied_months(data: SheetData, period_month: int) -> Iterator[Flag]:
    """A month (up to the period) whose every entered number equals the month before's:
    (first row index, first column, code, message)."""
    spec, frame = data.spec, data.frame
    if spec.kind not in ("grid", "table") or MONTH not in frame:
        return
    columns = [c.key for c in spec.columns if c.numeric and not c.carry and not c.locked]
    if not columns:
        return
    months = pd.to_numeric(frame[MONTH], errors="coerce")
    rows = frame[(months >= 1) & (months <= period_month)]
    if rows.empty:
        return
    values = rows[columns].apply(_numbers)
    if spec.kind == "grid":
        wide = values.assign(_k=rows[ROW_KEY], _m=months[rows.index]).pivot_table(
            index="_m", columns="_k", values=columns, aggfunc="first", dropna=False
        )
        first_cell = {
            m: rows.index[months[rows.index] == m][0] for m in months[rows.index].unique()
        }
    else:
        wide = values.set_index(months[rows.index])
        first_cell = dict(zip(months[rows.index], rows.index, strict=True))
    wide = wide.sort_index()
    for month in wide.index:
        if month - 1 not in wide.index:
            continue
        now, before = wide.loc[month], wide.loc[month - 1]
        entered = now.notna() & before.notna()
        if now.notna().sum() < 2 or (now[now.notna()] != 0).sum() < 2:
            continue
        if entered.sum() == now.notna().sum() and (now[entered] == before[entered]).all():
            index = first_cell[month]
            yield (
                index,
                columns[0],
                COPY_CODE,
                f"Alle tallene for {month_label(int(month)).lower()} er like tallene for "
                f"{month_label(int(month) - 1).lower()} ({int(entered.sum())} celler). Er "
                "måneden kopiert fra måneden før?",
            )


@check("plausibility", last=True)
def plausibility(ctx: CheckContext) -> Iterator[Finding]:
    """Wrong scale, outliers and copied months in every sheet of the submission."""
    settings = Settings.of(ctx.specs.report)
    taken = {(f.sheet, f.cell) for f in ctx.sub.findings}
    for data in ctx.sub.sheets.values():
        found = [
            *implausible(data, settings, ctx.sub.template_id),
            *copied_months(data, ctx.period.month),
        ]
        for index, column, code, message in found:
            cell = data.cell(index, column)
            if (data.name, cell) in taken:
                continue
            taken.add((data.name, cell))
            yield ctx.at(data, index, column, settings.severity, code, message)
