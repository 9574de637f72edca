"""Figures that are well formed but implausible, as a controller would spot them.

Every number of a table, grid or register is read as part of a *series*: the same measure of
the same line over the months (a grid's row × measure, a month table's column, a register's
column). Each value is compared with the series' other months, with its pair in the same row
(a budget and its actual, this year and last year, as `plausibility.pairs` in report.yaml
names them; an annual budget, named in `plausibility.annual`, is compared with a figure for
the year to date as the period's share of the year) and with last year's same month (a
table's «i fjor» rows). Flagged at the cell:

- a value that looks typed at the wrong scale: about 1000 times (a percent: 100 times) larger
  or smaller than every reference it has, with the likely factor in the message;
- a value far outside the series' history: beyond median ± k·MAD (k and a floor for the
  spread in report.yaml), with the expected range;
- a whole month identical to the month before (copied), at the month's first cell.
- a month's 0 where its pair is not 0 and every other month of its series has a number
  (a figure left out).

A value at the wrong scale is an error (`plausibility.scale_severity`): it must not become a
figure in the report. Outliers, copied months and left-out zeros are warnings
(`plausibility.severity`). A cell that already has an error (a type, a bound, an
unexpected sign), or whose value is not used (a month after the period), is left alone:
one message per cell. Vectorised with numpy, so a register of 100 000 rows costs a few
sorts; plain arrays rather than pandas frames, since a sheet of the examples holds tens of
numbers and pandas' cost per call would be most of the check's time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from vrapport.checks import CheckContext, check
from vrapport.findings import ERROR, WARNING, Finding, Severity
from vrapport.numbers import format_plain
from vrapport.period import month_label
from vrapport.reader import LABEL, MONTH, ROW_KEY, SheetData
from vrapport.spec import ReportConfig, SheetSpec
from vrapport.wording import listing

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
else:
    from vrapport.lazy import np, pd

SCALE_CODE = "wrong-scale"
OUTLIER_CODE = "outlier"
COPY_CODE = "month-copied"
ZERO_CODE = "zero-figure"
UNUSED_CODE = "value-after-period"  # (checks.months)
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Settings:
    """`plausibility:` in report.yaml (see reportfile.PlausibilitySettings)."""

    severity: Severity = WARNING  # outliers and copied months
    # A value at the wrong scale is no figure for the report: an error unless the
    # controller says otherwise (none in 720 untouched submissions, benchmarks/catch_rate.py).
    scale_severity: Severity = ERROR
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
    # template id -> sheet key -> the columns of those pairs that hold an amount for the whole
    # year (an annual budget), compared with a figure for the year to date pro rata.
    annual: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: ReportConfig) -> Settings:
        raw = report.model.plausibility
        return cls(
            severity=raw.severity,
            scale_severity=raw.scale_severity,
            outlier_k=raw.outlier_k,
            floor_percent=raw.floor_percent,
            outlier_min_values=raw.outlier_min_values,
            scale_tolerance=raw.scale_tolerance,
            pairs=raw.pairs,
            annual=raw.annual,
        )

    def pairs_of(self, template_id: str, sheet_key: str, month: int) -> dict[str, Pair]:
        """Column -> the column it is compared with in the same row, and the factor that
        makes the other's value comparable in the period's `month`: an annual budget is
        compared with an actual for the year to date as `month`/12 of it, and the reverse."""
        declared = self.pairs.get(template_id, {}).get(sheet_key, {})
        annual = set(self.annual.get(template_id, {}).get(sheet_key, ()))

        def factor(column: str, other: str) -> float:
            if (other in annual) == (column in annual):
                return 1.0
            return month / 12 if other in annual else 12 / month

        both = {c: Pair(o, factor(c, o)) for c, o in declared.items()}
        both.update({o: Pair(c, factor(o, c)) for c, o in declared.items()})
        return both


class Pair(NamedTuple):
    """The column a value is compared with in its row, and the factor applied to it."""

    column: str
    factor: float


def _numbers(column: pd.Series) -> np.ndarray:
    """The numeric values of a column as floats; anything else (text, blanks, booleans,
    special cells, other number types) and non-finite numbers as NaN."""
    values = column.to_numpy()
    if values.dtype in (np.float64, np.int64):
        numbers = values.astype(float)
    elif values.dtype == object:
        kinds = (int, float, np.int64, np.float64)
        numbers = np.fromiter(
            (float(v) if type(v) in kinds else math.nan for v in values), float, len(values)
        )
    else:
        numbers = np.full(len(values), math.nan)
    numbers[~np.isfinite(numbers)] = math.nan
    return numbers


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


@dataclass
class _Cells:
    """The numbers of one sheet as parallel arrays, one element per number (see
    series_cells); plain numpy, as a sheet of the examples has tens of numbers and pandas'
    per-call cost would dominate."""

    index: list[Any]  # the frame's row labels
    column: list[str]
    series: np.ndarray  # int: one code per series, the position of its name in `names`
    names: list[str]  # a grid's "row key|column", else the column
    month: np.ndarray  # float, NaN when the row is no month
    value: np.ndarray
    timeline: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.column)

    def take(self, mask: np.ndarray) -> _Cells:
        chosen = np.flatnonzero(mask)
        return _Cells(
            [self.index[i] for i in chosen],
            [self.column[i] for i in chosen],
            self.series[chosen],
            self.names,
            self.month[chosen],
            self.value[chosen],
            self.timeline[chosen],
        )


def _series_cells(data: SheetData) -> _Cells:
    spec, frame = data.spec, data.frame
    numeric = [c.key for c in spec.columns if c.numeric and c.key in frame.columns]
    empty = np.array([], dtype=float)
    if not numeric or frame.empty:
        return _Cells([], [], np.array([], dtype=int), [], empty, empty, np.array([], dtype=bool))
    rows = len(frame)
    if MONTH in frame:
        months = pd.to_numeric(frame[MONTH], errors="coerce").to_numpy(dtype=float)
    else:
        months = np.full(rows, math.nan)
    has_months = bool(MONTH in frame and not np.isnan(months).all())
    keep = np.ones(rows, dtype=bool)
    if spec.kind == "table" and has_months:
        same = _same_measure_rows(spec)
        keep = ~np.isnan(months) | np.fromiter((k in same for k in frame[ROW_KEY]), bool, rows)
    labels = frame.index.tolist()
    row_keys = frame[ROW_KEY].astype(str).tolist() if spec.kind == "grid" else []
    codes: dict[str, int] = {}
    index: list[Any] = []
    column: list[str] = []
    series: list[int] = []
    month_parts, value_parts = [], []
    for key in numeric:
        values = _numbers(frame[key])
        chosen = np.flatnonzero(keep & ~np.isnan(values))
        index += [labels[i] for i in chosen]
        column += [key] * len(chosen)
        if spec.kind == "grid":
            series += [codes.setdefault(f"{row_keys[i]}|{key}", len(codes)) for i in chosen]
        else:
            series += [codes.setdefault(key, len(codes))] * len(chosen)
        month_parts.append(months[chosen])
        value_parts.append(values[chosen])
    timeline = spec.kind != "table" or has_months
    return _Cells(
        index,
        column,
        np.array(series, dtype=int),
        list(codes),
        np.concatenate(month_parts),
        np.concatenate(value_parts),
        np.full(len(column), timeline, dtype=bool),
    )


def series_cells(data: SheetData) -> pd.DataFrame:
    """One row per number of the sheet: index (the frame's), column, series, month (NaN when
    the row is no month), value. A series is what is compared with itself: a grid's row and
    measure, a month table's column, a register's column. A table without month rows (one row
    per category) makes one series of each column across its categories, for the scale only
    (`timeline` False: categories are no history an outlier could be judged against)."""
    return _frame(_series_cells(data))


def _frame(cells: _Cells, **extra: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "index": cells.index,
            "column": cells.column,
            "series": [cells.names[s] for s in cells.series.tolist()],
            "month": cells.month,
            "value": cells.value,
            "timeline": cells.timeline,
            **extra,
        }
    )


def loo_median(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each element, the median of the *other* elements of its group and how many there
    are (NaN where there are none). Vectorised: one sort, then index arithmetic."""
    low, high, counts = loo_middle(values, groups)
    return (low + high) / 2, counts


def loo_middle(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each element, the two middle values of the *other* elements of its group (the
    same value twice when there is an odd number of others; both NaN when there are none),
    and how many others there are."""
    n = len(values)
    if n == 0:
        return np.array([]), np.array([]), np.array([], dtype=int)
    order = np.lexsort((values, groups))
    sorted_values, sorted_groups = values[order], groups[order]
    starts_mask = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    starts = np.flatnonzero(starts_mask)
    sizes = np.diff(np.r_[starts, n])
    group_id = np.cumsum(starts_mask) - 1
    start, size = starts[group_id], sizes[group_id]
    rank = np.arange(n) - start
    others = size - 1
    # The middle of the others: positions (m-1)//2 and m//2 of the group without this
    # element; position j of that list is rank j of the group when j < rank, else j + 1.
    lo, hi = (others - 1) // 2, others // 2
    lo = np.where(lo >= rank, lo + 1, lo)
    hi = np.where(hi >= rank, hi + 1, hi)
    valid = others > 0
    lo_values = np.where(valid, sorted_values[np.clip(start + lo, 0, n - 1)], np.nan)
    hi_values = np.where(valid, sorted_values[np.clip(start + hi, 0, n - 1)], np.nan)
    low, high, counts = np.empty(n), np.empty(n), np.empty(n, dtype=int)
    low[order], high[order], counts[order] = lo_values, hi_values, others
    return low, high, counts


def _group_medians(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each element, the median of its group (groups: codes 0…G-1, each present), as
    pandas' groupby median computes it: the middle value, or the mean of the two middle."""
    order = np.lexsort((values, groups))
    ordered = values[order]
    sizes = np.bincount(groups)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    medians = (ordered[starts + (sizes - 1) // 2] + ordered[starts + sizes // 2]) / 2
    return np.asarray(medians[groups])


def _dense(codes: np.ndarray) -> np.ndarray:
    """`codes` renumbered 0…G-1 (their order kept)."""
    return np.unique(codes, return_inverse=True)[1].reshape(-1)


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


@dataclass
class _References:
    """The magnitudes each value is compared with: `history` (median of the series' other
    non-zero values, of `others` values; `middle`, the two values it is the mean of), `pair`
    (the paired column in the same row), `last_year` (the same series twelve months before or
    after); NaN where there is none."""

    middle: tuple[np.ndarray, np.ndarray]
    others: np.ndarray
    pair: np.ndarray
    last_year: np.ndarray

    @property
    def history(self) -> np.ndarray:
        return (self.middle[0] + self.middle[1]) / 2


def _references(cells: _Cells, pairs: dict[str, Pair]) -> _References:
    size = np.abs(cells.value)
    nonzero = size > 0
    low, high = np.full(len(cells), np.nan), np.full(len(cells), np.nan)
    counts = np.zeros(len(cells), dtype=int)
    if nonzero.any():
        low[nonzero], high[nonzero], counts[nonzero] = loo_middle(
            size[nonzero], cells.series[nonzero]
        )
    pair = np.full(len(cells), np.nan)
    if pairs:
        by_cell = dict(zip(zip(cells.index, cells.column, strict=True), size, strict=True))
        pair = np.fromiter(
            (
                by_cell.get((i, pairs[c].column), math.nan) * pairs[c].factor
                if c in pairs
                else math.nan
                for i, c in zip(cells.index, cells.column, strict=True)
            ),
            float,
            len(cells),
        )
    last_year = np.full(len(cells), np.nan)
    if not np.isnan(cells.month).all():
        before = np.abs(_at_month(cells, cells.value, -12))
        after = np.abs(_at_month(cells, cells.value, 12))
        growth = _growth(cells.series, size, before)
        later_growth = _at_month(cells, growth, 12)  # the growth of the pair a cell begins
        last_year = np.where(
            np.isnan(before),
            after / np.where(np.isnan(later_growth), 1.0, later_growth),
            before * growth,
        )
    return _References((low, high), counts, pair, last_year)


def _growth(series: np.ndarray, size: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Per cell, how much its series grew in a year: the median ratio of the series' *other*
    months to the same months a year before (1 where there is no other such pair). A service
    that grew tenfold (hours for the new hospitals) compares a month with last year's times
    ten; leaving the cell's own pair out keeps a slip from excusing itself."""
    growth = np.ones(len(size))
    paired = np.isfinite(before) & (before > 0) & (size > 0)
    if paired.any():
        with np.errstate(divide="ignore"):
            logs = np.log(size[paired] / before[paired])
        medians, _ = loo_median(logs, series[paired])
        growth[paired] = np.where(np.isnan(medians), 1.0, np.exp(medians))
    return growth


def _at_month(cells: _Cells, values: np.ndarray, step: int) -> np.ndarray:
    """`values` of the same series `step` months later (NaN where there is none; where a
    series has a month twice, the first)."""
    month = cells.month.tolist()
    series = cells.series.tolist()
    first: dict[tuple[int, float], float] = {}
    for key, value in zip(zip(series, month, strict=True), values.tolist(), strict=True):
        if key[1] == key[1]:  # not NaN
            first.setdefault(key, value)
    return np.fromiter(
        (first.get((s, m + step), math.nan) for s, m in zip(series, month, strict=True)),
        float,
        len(month),
    )


@dataclass
class _Outliers:
    """The rows of `cells` beyond their series' range, with the range and how it was
    judged (by size for a series of one sign, negated for a negative one)."""

    rows: np.ndarray  # positions in cells
    low: np.ndarray
    high: np.ndarray
    one_sign: np.ndarray
    negative: np.ndarray


def _outliers(cells: _Cells, settings: Settings) -> _Outliers:
    """Values beyond median ± k·spread of their series, with the range. Series of one sign
    are judged by size (a wrong sign is the sign check's business); series of both signs (a
    liquidity movement) by value."""
    groups = _dense(cells.series)
    value = cells.value
    lowest = np.full(groups.max() + 1, np.inf)
    highest = np.full(groups.max() + 1, -np.inf)
    np.minimum.at(lowest, groups, value)
    np.maximum.at(highest, groups, value)
    one_sign = ((lowest >= 0) | (highest <= 0))[groups]
    negative = one_sign & (lowest < 0)[groups]  # the sum of a one-signed series is < 0
    basis = np.where(one_sign, np.abs(value), value)
    median = _group_medians(basis, groups)
    mad = _group_medians(np.abs(basis - median), groups)
    spread = np.maximum(MAD_TO_SIGMA * mad, settings.floor_percent / 100 * np.abs(median))
    count = np.bincount(groups)[groups]
    k = settings.outlier_k
    low, high = median - k * spread, median + k * spread
    # A size is judged low as it is judged high, by ratio: at most median / ratio, where
    # ratio = high / median (3 at the floor of the defaults). Below zero, which a size never
    # is, the additive band caught nothing: 62 typed for 2 500 calls went into the report.
    # Also below median − k · 1.4826 · MAD, so that 1 of a small count (median 4) is not
    # flagged, and never 0 (a left-out zero is its own check).
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(median > 0, high / median, np.inf)
        low = np.where(one_sign, np.where(median > 0, median / ratio, 0.0), low)
    low_size = one_sign & (basis > 0) & (basis < low) & (basis < median - k * MAD_TO_SIGMA * mad)
    flagged = (count >= settings.outlier_min_values) & (spread > 0) & (k > 0)
    flagged &= np.where(one_sign, low_size, basis < low) | (basis > high)
    # Only a lone value: a level that another value of the series shares is no outlier (a
    # new service ramping up; a liquidity movement that is large in several months, which
    # makes the median and MAD of the other months no measure of it). Each value is compared
    # with the nearest values of its series below and above it; a low size by ratio.
    for other in _nearest_others(groups, basis):
        with np.errstate(invalid="ignore", divide="ignore"):
            reach = k * np.maximum(spread, settings.floor_percent / 100 * np.abs(other))
            apart = np.abs(basis - other) > reach
            apart_by_ratio = (other > basis * ratio) | (other * ratio < basis)
            flagged &= np.isnan(other) | np.where(low_size, apart_by_ratio, apart)
    rows = np.flatnonzero(flagged)
    return _Outliers(rows, low[rows], high[rows], one_sign[rows], negative[rows])


def _nearest_others(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the next smaller (or equal) and the next larger (or equal) value of its
    group, NaN where there is none. One sort."""
    order = np.lexsort((values, groups))
    ranked, ranked_groups = values[order], groups[order]
    same = ranked_groups[1:] == ranked_groups[:-1]
    below, above = np.full(len(values), np.nan), np.full(len(values), np.nan)
    below[order[1:]] = np.where(same, ranked[:-1], np.nan)
    above[order[:-1]] = np.where(same, ranked[1:], np.nan)
    return below, above


def compared(data: SheetData, settings: Settings, template_id: str, month: int) -> pd.DataFrame:
    """`series_cells` with the references each value is compared with (NaN: none) in a
    period of `month`."""
    cells = _series_cells(data)
    refs = _references(cells, settings.pairs_of(template_id, data.spec.key, month))
    return _frame(
        cells, history=refs.history, others=refs.others, pair=refs.pair, last_year=refs.last_year
    )


Flag = tuple[Any, str, str, str]  # (row index, column key, code, message)


def implausible(
    data: SheetData, settings: Settings, template_id: str, month: int
) -> Iterator[Flag]:
    """(row index, column, code, message) for every implausible number of the sheet in a
    period of `month`."""
    cells = _series_cells(data)
    if not len(cells):
        return
    pairs = settings.pairs_of(template_id, data.spec.key, month)
    refs = _references(cells, pairs)
    percent_columns = {c.key for c in data.spec.columns if c.type == "percent"}
    percent = np.fromiter((c in percent_columns for c in cells.column), bool, len(cells))
    value = cells.value
    # The series' other values by their two middle values, not their mean: of 9, 20 and
    # 23 000, 9 is compared with 20 and 23 000, not with 11 510 (which it is not 1000 times
    # smaller than; the mean of a slip and a true value is no reference).
    references = [*refs.middle, refs.pair, refs.last_year]
    tolerance = settings.scale_tolerance
    factors = np.where(
        percent,
        scale_factor(value, references, 100.0, tolerance / 2),
        scale_factor(value, references, 1000.0, tolerance),
    )
    whole = {c.key for c in data.spec.columns if c.type == "integer"}
    scaled = np.zeros(len(cells), dtype=bool)
    for i in np.flatnonzero(factors).tolist():
        index, column, shown = cells.index[i], cells.column[i], float(value[i])
        factor = float(factors[i])
        reference = _nearest_reference(shown, [float(r[i]) for r in references], factor)
        if column in whole and not _whole_slip(shown, reference, factor):
            continue
        scaled[i] = True
        message = _scale_message(data, index, column, shown, reference, factor)
        yield index, column, SCALE_CODE, message
    yield from _forgotten_zeros(data, cells, refs, pairs, month)
    yield from _far_in_short_series(data, cells, refs, scaled, settings)
    rest = cells.take(~scaled & cells.timeline)
    if not len(rest):
        return
    found = _outliers(rest, settings)
    for at, low, high, one_sign, negative in zip(
        found.rows.tolist(),
        found.low.tolist(),
        found.high.tolist(),
        found.one_sign.tolist(),
        found.negative.tolist(),
        strict=True,
    ):
        index, column, shown = rest.index[at], rest.column[at], float(rest.value[at])
        if one_sign and negative:
            low, high = -high, -low
        yield (
            index,
            column,
            OUTLIER_CODE,
            f"{_where(data, index, column)} er {_shown(shown, column, data)}, "
            f"langt utenfor det som er vanlig for denne serien (forventet mellom "
            f"{_shown(low, column, data)} og {_shown(high, column, data)}). "
            "Kontroller tallet.",
        )


# A value of a series too short for the outlier test (fewer than outlier_min_values: HR's
# this-year columns in March have three) is an outlier when it is this many times smaller
# or larger than every one of at least two references (its series' other values, its pair,
# last year's month): 0,9 typed for 84,2 days (the share, 0,9 %, for the days).
SHORT_SERIES_RATIO = 10.0


def _far_in_short_series(
    data: SheetData, cells: _Cells, refs: _References, scaled: np.ndarray, settings: Settings
) -> Iterator[Flag]:
    timeline = cells.timeline & ~scaled
    if not timeline.any() or settings.outlier_k <= 0:
        return
    counts = np.bincount(cells.series[timeline], minlength=len(cells.names))[cells.series]
    value = cells.value
    stack = np.vstack([*refs.middle, refs.pair, refs.last_year])
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = (stack > 0) & np.isfinite(stack)
        smaller = np.where(valid, stack / value, np.inf).min(axis=0)
        larger = np.where(valid, value / stack, np.inf).min(axis=0)
        far = (smaller >= SHORT_SERIES_RATIO) | (larger >= SHORT_SERIES_RATIO)
    # (the two middle values are one value when the series has two others or fewer)
    distinct = valid[2:].sum(axis=0) + np.minimum(valid[:2].sum(axis=0), 1)
    flagged = timeline & (counts < settings.outlier_min_values) & (value > 0) & far
    flagged &= distinct >= 2
    for i in np.flatnonzero(flagged).tolist():
        index, column, shown = cells.index[i], cells.column[i], float(value[i])
        others = sorted({float(r) for r in stack[:, i][valid[:, i]]})
        compared = listing([_shown(r, column, data) for r in others], "tall")
        how = "mindre" if smaller[i] >= SHORT_SERIES_RATIO else "større"
        yield (
            index,
            column,
            OUTLIER_CODE,
            f"{_where(data, index, column)} er {_shown(shown, column, data)}, over ti ganger "
            f"{how} enn tallene det sammenlignes med ({compared}). Kontroller tallet.",
        )


def _forgotten_zeros(
    data: SheetData, cells: _Cells, refs: _References, pairs: dict[str, Pair], month: int
) -> Iterator[Flag]:
    """A month's 0 where its pair is not 0 (a budget, last year's figure) and every other
    month of its series has a number that is not 0: a figure left out (the SLA income of a
    month at 0 against a budget of 34 mill. kr), which no scale or outlier test can see (a
    0 is no power of ten off anything, and within any range that reaches down to 0). Only
    months up to the period's, of a series with another month; a category
    without months (an investment not begun against its annual budget) is no such case."""
    zero = cells.timeline & (cells.value == 0) & (refs.pair > 0)
    with np.errstate(invalid="ignore"):
        zero &= cells.month <= month
    if not zero.any():
        return
    series = cells.series
    zeros = np.bincount(series, weights=cells.value == 0, minlength=len(cells.names))
    numbers = np.bincount(series, minlength=len(cells.names))
    for i in np.flatnonzero(zero).tolist():
        code = int(series[i])
        if zeros[code] != 1 or numbers[code] < 2:
            continue
        index, column = cells.index[i], cells.column[i]
        pair = pairs[column]
        others = np.abs(cells.value[(series == code) & (cells.value != 0)])
        typical = float(np.median(others))
        paired = float(refs.pair[i]) / pair.factor
        yield (
            index,
            column,
            ZERO_CODE,
            f"{_where(data, index, column)} er 0, mens "
            f"{data.spec.column(pair.column).label.lower()} er {_shown(paired, column, data)} "
            f"og de andre månedene har tall (typisk {_shown(typical, column, data)}). "
            "Er tallet glemt?",
        )


def _nearest_reference(value: float, references: list[float], factor: float) -> float:
    """The reference that `value` is most nearly `factor` times (the one the message shows
    as typical)."""
    usable = [r for r in references if r > 0]
    centre = math.log10(abs(factor)) * (1 if factor > 0 else -1)
    return min(usable, key=lambda r: abs(math.log10(abs(value) / r) - centre))


def _whole_slip(value: float, reference: float, factor: float) -> bool:
    """Whether a count (a whole number, at least 1 where it is not 0) can be `factor` times
    off: typed 1000 times too high it is at least 1000; typed 1000 times too low, what it
    should have been (at least 1000) is within half a power of ten of its reference. Counts
    of 0, 1 and 150 in three months are no slip."""
    if factor > 0:
        return abs(value) >= factor
    return reference >= -factor / math.sqrt(10)


def _observed_factor(value: float, reference: float) -> int:
    """The power of ten `value` is off from `reference` by, as the message names it: a slip
    of two zeros (48 300 for 483) says 100, not 1000."""
    return int(10 ** math.floor(abs(math.log10(abs(value) / reference)) + 0.5))


def _scale_message(
    data: SheetData, index: Any, column: str, value: float, reference: float, factor: float
) -> str:
    higher = factor > 0
    size = 100 if abs(factor) == 100 else _observed_factor(value, reference)
    if abs(factor) == 100:
        question = (
            "Er prosenten ført som tall (62 i stedet for 62 %)?"
            if higher
            else "Er prosenten delt på 100 én gang for mye?"
        )
    elif higher or size != 1000:
        question = "Er tallet ført i feil skala?"
    else:
        question = "Er tallet ført i tusener (som i 1\u00a0000 kr) i stedet for i hele tall?"
    f = format_plain(size)
    return (
        f"{_where(data, index, column)} er {_shown(value, column, data)}, "
        f"omtrent {f} ganger {'høyere' if higher else 'lavere'} enn sammenlignbare tall "
        f"(typisk {_shown(reference, column, data)}). {question} Sannsynlig faktor: "
        f"{f if higher else '1/' + f} ({'del' if higher else 'gang'} med {f})."
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
    months = pd.to_numeric(frame[MONTH], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        chosen = np.flatnonzero((months >= 1) & (months <= period_month))
    if not len(chosen):
        return
    values = [_numbers(frame[key])[chosen].tolist() for key in columns]
    labels = frame.index.tolist()
    row_keys = frame[ROW_KEY].tolist() if spec.kind == "grid" else [None] * len(frame)
    # month -> (column, row key) -> the first number entered there (a grid's row key; a
    # month table has one row per month, no key).
    entered: dict[float, dict[tuple[str, Any], float]] = {}
    first_cell: dict[float, Any] = {}
    for position, row in enumerate(chosen.tolist()):
        month = months[row].item()
        numbers = entered.setdefault(month, {})
        first_cell.setdefault(month, labels[row])
        for key, column in zip(columns, values, strict=True):
            number = column[position]
            if number == number:  # not NaN
                numbers.setdefault((key, row_keys[row]), number)
    for month in sorted(entered):
        if month - 1 not in entered:
            continue
        now, before = entered[month], entered[month - 1]
        if len(now) < 2 or sum(v != 0 for v in now.values()) < 2:
            continue
        if all(k in before and before[k] == v for k, v in now.items()):
            yield (
                first_cell[month],
                columns[0],
                COPY_CODE,
                f"Alle tallene for {month_label(int(month)).lower()} er like tallene for "
                f"{month_label(int(month) - 1).lower()} ({len(now)} celler). Er "
                "måneden kopiert fra måneden før?",
            )


@check("plausibility", last=True)
def plausibility(ctx: CheckContext) -> Iterator[Finding]:
    """Wrong scale, outliers, copied months and left-out zeros in every sheet of a
    submission."""
    settings = Settings.of(ctx.specs.report)
    # A cell already refused needs no more said, nor one whose value is not used (a month
    # after the period); one whose value is used with a warning (typed as text, a formula's
    # result, a restatement) is judged like any other.
    taken = {
        (f.sheet, f.cell) for f in ctx.sub.findings if f.severity == ERROR or f.code == UNUSED_CODE
    }
    for data in ctx.sub.sheets.values():
        # ±1e308 (refused by its column's range already) overflows to ±inf, which compares
        # as it should; no numpy warning is printed for it, nor raised where warnings are.
        with np.errstate(over="ignore", invalid="ignore"):
            found = [
                *implausible(data, settings, ctx.sub.template_id, ctx.period.month),
                *copied_months(data, ctx.period.month),
            ]
        for index, column, code, message in found:
            cell = data.cell(index, column)
            if (data.name, cell) in taken:
                continue
            taken.add((data.name, cell))
            severity = settings.scale_severity if code == SCALE_CODE else settings.severity
            yield ctx.at(data, index, column, severity, code, message)
