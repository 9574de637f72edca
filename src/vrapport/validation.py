"""Validate submissions: meta and period, pandera schemas derived from the spec, and the
named cross-checks. The only place that maps pandera's failure cases back to Excel cells."""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import NoneType
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from vrapport.cellscan import FORMULA_WITHOUT_VALUE, NOT_FINITE
from vrapport.checks import CheckContext, checks_for, load_checks
from vrapport.coerce import coerce_sheet, other_digits_in, percent_in_number
from vrapport.files import PREVIOUS_PREFIX, collect_files, reading
from vrapport.findings import ERROR, TEMPLATE_SOURCE, WARNING, Finding
from vrapport.labels import norm, quoted
from vrapport.layout import META_SHEET
from vrapport.numbers import format_plain, is_number
from vrapport.period import Period, PeriodError, month_label
from vrapport.reader import MONTH, SheetData, SpecialCell, Submission, read_submission
from vrapport.spec import ColumnSpec, SheetSpec, Specs, split_choices
from vrapport.wording import listing

REQUIRED_PREFIX = "required::"


def _geopandas_absent() -> None:
    """pandera asks for geopandas (`from geopandas.array import GeometryDtype`) each time it
    looks at a column's data type, to see whether it is a geometry: about 120 times in the
    example build. Where geopandas is not installed, each of those imports searches every
    folder of sys.path again (about 50 µs each). A None in sys.modules makes the import fail
    at once, as it would anyway. Only when geopandas cannot be found: where it is installed,
    nothing changes."""
    if "geopandas" not in sys.modules and importlib.util.find_spec("geopandas") is None:
        sys.modules["geopandas"] = None  # type: ignore[assignment]


_geopandas_absent()


# Checks are vectorised (pandera's element_wise=False) and see blanks themselves
# (ignore_na=False): a blank passes every value check, as pandera's ignore_na would have it,
# so pandera neither tests a column for blanks nor drops them once per check. A blank is what
# pandas calls NA (None, NaN, NaT, pd.NA): `pd.isna`, the test ignore_na makes. Each check
# first looks at the types in its column once (one set of a 100 000-row register's types is
# a C loop); a check whose column holds only types that always pass says so with one bool,
# and pandera makes no failure table. Where values must be looked at, only the values of the
# types in question are, and a value of a type the shortcut does not know is judged by the
# element-wise predicate, exactly as before. The failures are those of the element-wise
# predicate on the non-blank values, at the same index, so pandera's failure table, and every
# finding made from it, is the same.
ColumnCheck = Callable[[pd.Series], "bool | pd.Series"]
Kinds = Callable[[np.ndarray], set[type]]  # the types among a column's values
# Numbers converted to float compare exactly with a limit below this (an int beyond it is
# compared as a Python int).
_EXACT = 2**53


def _outcome(series: pd.Series, failing: list[int]) -> bool | pd.Series:
    """True when nothing fails, else the pass mask with the positions `failing` (those of
    them that are blank pass) set False."""
    if not failing:
        return True
    values = series.to_numpy(dtype=object)
    failing = [i for i, blank in zip(failing, pd.isna(values[failing]), strict=True) if not blank]
    if not failing:
        return True
    passed = np.ones(len(values), dtype=bool)
    passed[failing] = False
    return pd.Series(passed, index=series.index)


def _types(values: np.ndarray) -> set[type]:
    return set(map(type, values))


class _TypesOnce:
    """The types in each column of one frame, found once for all the column's checks while
    pandera validates that frame (it hands each check the column anew, as a view of the same
    values). A column is known by where its values lie; the values are held, so no other
    array can come to lie there. For one validation of a frame that does not change."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[np.ndarray, set[type]]] = {}

    def __call__(self, values: np.ndarray) -> set[type]:
        where = values.__array_interface__["data"][0]
        held = self._found.get(where)
        if held is not None and (held[0].shape, held[0].strides) == (
            values.shape,
            values.strides,
        ):
            return held[1]
        kinds = _types(values)
        self._found[where] = (values, kinds)
        return kinds


def _by_type(accepts: Callable[[type], bool], kinds: Kinds) -> ColumnCheck:
    """A check whose element-wise predicate depends on the value's type alone."""

    def check(series: pd.Series) -> bool | pd.Series:
        values = series.to_numpy(dtype=object)
        refused = {k for k in kinds(values) if k is not NoneType and not accepts(k)}
        if not refused:
            return True
        return _outcome(series, [i for i, k in enumerate(map(type, values)) if k in refused])

    return check


def _by_value(predicate: Callable[[Any], bool], kinds: Kinds) -> ColumnCheck:
    """A check whose predicate is judged once per distinct value (of each type: equal
    values of different types, 1, 1.0 and True, are told apart)."""

    def check(series: pd.Series) -> bool | pd.Series:
        values = series.to_numpy(dtype=object)
        keys: list[Any]
        if kinds(values) <= {str, NoneType}:
            keys = values.tolist()
            judged = {k: k is None or predicate(k) for k in set(keys)}
        else:
            keys = list(zip(map(type, values), values, strict=True))
            judged = {k: k[0] is NoneType or predicate(k[1]) for k in set(keys)}
        refused = {k for k, passed in judged.items() if not passed}
        if not refused:
            return True
        return _outcome(series, [i for i, k in enumerate(keys) if k in refused])

    return check


def _numeric_type(kind: type) -> bool:
    return issubclass(kind, int | float) and not issubclass(kind, bool)


def _bound(limit: float, below: bool, kinds: Kinds) -> ColumnCheck:
    """below-minimum (`below`) or above-maximum: `not is_number(v) or v >= limit` (`<=`)."""

    def passes(value: Any) -> bool:
        if not is_number(value):
            return True
        return bool(value >= limit) if below else bool(value <= limit)

    def check(series: pd.Series) -> bool | pd.Series:
        values = series.to_numpy(dtype=object)
        present = kinds(values)
        if not any(map(_numeric_type, present)):
            return True
        if present <= {float, int, NoneType} and abs(limit) < _EXACT:
            # A float compares exactly with the limit; so does an int below 2**53, and a
            # larger one lies on the same side of the limit as its float. None is NaN here,
            # which is outside no limit.
            try:
                numbers = np.array(values, dtype=float)
            except OverflowError:  # an int beyond any float
                pass
            else:
                outside = numbers < limit if below else numbers > limit
                return _outcome(series, np.flatnonzero(outside).tolist())
        return _outcome(series, [i for i, v in enumerate(values) if not passes(v)])

    return check


def _too_long(length: int, kinds: Kinds) -> ColumnCheck:
    """too-long: `not isinstance(v, str) or len(v) <= length`."""

    def check(series: pd.Series) -> bool | pd.Series:
        values = series.to_numpy(dtype=object)
        present = kinds(values)
        if not any(issubclass(k, str) for k in present):
            return True
        # filter(None, ...) leaves the texts that are not empty: nothing else is in the column.
        if present <= {str, NoneType} and max(map(len, filter(None, values)), default=0) <= length:
            return True
        return _outcome(
            series,
            [i for i, v in enumerate(values) if isinstance(v, str) and not len(v) <= length],
        )

    return check


def _vectorised(function: ColumnCheck, name: str) -> pa.Check:
    return pa.Check(function, element_wise=False, ignore_na=False, name=name)


def _type_check(column: ColumnSpec, kinds: Kinds) -> pa.Check:
    if column.type == "integer":
        return _vectorised(
            _by_type(lambda k: issubclass(k, int) and not issubclass(k, bool), kinds),
            "not-an-integer",
        )
    if column.numeric:
        # A float NaN is blank, so every float passes.
        return _vectorised(_by_type(_numeric_type, kinds), "not-a-number")
    if column.type == "date":
        return _vectorised(_by_type(lambda k: issubclass(k, dt.date), kinds), "not-a-date")
    if column.type == "choice" and column.multiple:
        choices = set(column.choices)
        return _vectorised(
            _by_value(
                lambda v: isinstance(v, str) and all(p in choices for p in split_choices(v)),
                kinds,
            ),
            "not-in-list",
        )
    if column.type == "choice":
        allowed = set(column.choices)
        return _vectorised(_by_value(lambda v: v in allowed, kinds), "not-in-list")
    return _vectorised(_by_type(lambda k: issubclass(k, str), kinds), "not-text")


def _checks(column: ColumnSpec, kinds: Kinds = _types) -> list[pa.Check]:
    checks = [_type_check(column, kinds)]
    if column.numeric:
        low, high = column.bounds
        checks.append(_vectorised(_bound(low, True, kinds), "below-minimum"))
        checks.append(_vectorised(_bound(high, False, kinds), "above-maximum"))
    if column.max_length is not None:
        checks.append(_vectorised(_too_long(column.max_length, kinds), "too-long"))
    return checks


def _required_mask(frame: pd.DataFrame, column: ColumnSpec, period: Period) -> pd.Series:
    if column.required == "always":
        return pd.Series(True, index=frame.index)
    if column.required == "to_period":
        months = pd.to_numeric(frame[MONTH], errors="coerce")
        return months.isna() | (months <= period.month)
    return pd.Series(False, index=frame.index)


def pandera_schema(sheet: SheetSpec, period: Period, once: bool = False) -> pa.DataFrameSchema:
    """The pandera schema of one sheet's tidy frame, derived from the spec. `once`: for one
    validation of one frame, each column's types are found once for all its checks."""
    kinds: Kinds = _TypesOnce() if once else _types
    columns = {
        c.key: pa.Column(object, nullable=True, checks=_checks(c, kinds), coerce=False)
        for c in sheet.columns
    }
    wide = [
        pa.Check(_required_check(column, period, kinds), name=REQUIRED_PREFIX + column.key)
        for column in sheet.columns
        if column.required != "never"
    ]
    return pa.DataFrameSchema(columns, checks=wide, strict=False)


# Values of these types are never blank (pd.isna): a column of them is filled in everywhere.
_NEVER_BLANK = frozenset({str, int, bool, dt.date, dt.datetime, dt.time, dt.timedelta, SpecialCell})


def _required_check(
    column: ColumnSpec, period: Period, kinds: Kinds
) -> Callable[[pd.DataFrame], Any]:
    """The rows where `column` is filled in or not required. When that is every row, the
    check says so with one bool, so pandera does not look for rows blank in every column
    (its ignore_na), a test of the whole frame per required column; otherwise pandera gets
    the rows as before. A column holding only types that are never blank is filled in on
    every row (known from its types, without testing each value)."""

    def check(frame: pd.DataFrame) -> bool | pd.Series:
        if kinds(frame[column.key].to_numpy(dtype=object)) <= _NEVER_BLANK:
            return True
        passed = frame[column.key].notna() | ~_required_mask(frame, column, period)
        return True if passed.all() else passed

    return check


def shown_value(value: Any) -> str:
    """A cell value as the user sees it in Norwegian Excel."""
    if isinstance(value, bool):
        return "SANN" if value else "USANN"
    if is_number(value):
        return format_plain(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.timedelta):  # a number in a duration format: Excel's [t]:mm
        minutes = round(value.total_seconds() / 60)
        sign, minutes = ("-", -minutes) if minutes < 0 else ("", minutes)
        return f"{sign}{minutes // 60}:{minutes % 60:02d}"
    return str(value)


def _time_described(value: dt.time) -> str:
    """What a time of day in a date column was in the cell. python-calamine reads a number
    below 1 in a date-formatted cell as its time of day (-1 and 0 as 00:00, -0.5 and 0.5 as
    12:00), so the number itself is lost: what can be said is said, not a misleading
    «00:00:00»."""
    if value == dt.time(0, 0):
        return "et tall som er 0 eller negativt i datoformat (Excel viser ###### eller 00.01.1900)"
    return f"klokkeslettet {value:%H:%M} (eller et tall under 1 i datoformat)"


def _params(code: str, value: Any, column: ColumnSpec, label: str) -> dict[str, Any]:
    """The template fields of a value finding (see vrapport.findings.CODES)."""
    shown = shown_value(value)
    if code == "error-value":
        return {"value": value.text}
    if code == "not-in-list":
        return {"shown": shown, "choices": ", ".join(column.choices)}
    if code == "below-minimum":
        return {"shown": shown, "limit": format_plain(column.bounds[0]), "label": label}
    if code == "above-maximum":
        return {"shown": shown, "limit": format_plain(column.bounds[1]), "label": label}
    if code == "too-long":
        return {"length": len(str(value)), "limit": column.max_length}
    if code == "not-text":
        return {"shown": shown}
    if code == "time-in-date":
        return {"what": _time_described(value), "label": label}
    if code == "other-script-digits":
        date = column.type == "date"
        return {
            "shown": shown,
            "label": label,
            "what": "en dato" if date else "et tall",
            "it": "datoen" if date else "tallet",
            "digits": other_digits_in(value, column),
        }
    if code in ("required", FORMULA_WITHOUT_VALUE, NOT_FINITE):
        return {"label": label} if code == "required" else {}
    return {"shown": shown, "label": label}


def findings_from_failures(
    sub: Submission, data: SheetData, failures: pd.DataFrame
) -> list[Finding]:
    """The adapter from pandera's failure_cases table to findings with their cells. The
    work is per distinct failing cell, and a row's label is looked up once: a sheet filled
    down can fail 100 000 times, and pandera may report a cell once per check."""
    found: list[Finding] = []
    seen: set[tuple[str, str, Any]] = set()
    made: set[Finding] = set()  # two checks can come to one finding (percent-in-number)
    labels: dict[Any, str] = {}
    label_of = _row_labels(data)
    cell_value = _cell_values(data.frame)
    checks, columns, indexes = (failures[c].tolist() for c in ("check", "column", "index"))
    for check_name, failing_column, index in zip(checks, columns, indexes, strict=True):
        check = str(check_name)
        if index is None or (isinstance(index, float) and index != index):
            continue
        if check.startswith(REQUIRED_PREFIX):
            key, code = check[len(REQUIRED_PREFIX) :], "required"
            value: Any = None
        else:
            key, code = str(failing_column), check
        if (code, key, index) in seen:
            continue
        seen.add((code, key, index))
        if code != "required":
            value = cell_value(index, key)
        if isinstance(value, SpecialCell):
            code = (
                value.text if value.text in (FORMULA_WITHOUT_VALUE, NOT_FINITE) else "error-value"
            )
        column = data.spec.column(key)
        if code in ("not-a-number", "not-an-integer") and percent_in_number(value, column):
            code = "percent-in-number"
        elif code in ("not-a-number", "not-an-integer", "not-a-date") and other_digits_in(
            value, column
        ):
            code = "other-script-digits"
        elif code == "not-a-date" and is_number(value):
            code = "number-in-date"  # a date-formatted cell is read as a date: this one is not
        elif code == "not-a-date" and isinstance(value, dt.time):
            code = "time-in-date"
        label = labels.get(index)
        if label is None:
            label = labels[index] = label_of(index)
        finding = Finding.make(
            code,
            sub.display,
            data.name,
            data.cell(index, key),
            column=column.label,
            key=key,
            **_params(code, value, column, label),
        )
        if finding not in made:
            made.add(finding)
            found.append(finding)
    return found


def _cell_values(frame: pd.DataFrame) -> Callable[[Any, str], Any]:
    """A frame's value by row index and column, as `DataFrame.at` gives it (a column's
    array taken once, not the frame's lookup machinery per cell)."""
    arrays: dict[str, Any] = {}

    def value(index: Any, key: str) -> Any:
        array = arrays.get(key)
        if array is None:
            array = arrays[key] = frame[key].array
        return array[frame.index.get_loc(index)]

    return value


def _row_labels(data: SheetData) -> Callable[[Any], str]:
    """How a failing cell's row is named in its message, by the row's index: the row's
    label, lower-cased when it is a month ('for april', as in running text); a grid's row
    with its month. The columns are taken once (as `DataFrame.at` gives their values)."""
    frame = data.frame
    labels, months = frame["_label"].to_numpy(), frame[MONTH].to_numpy()
    grid = data.spec.kind == "grid"

    def label_of(index: Any) -> str:
        at = frame.index.get_loc(index)
        label, month = str(labels[at]), months[at]
        if isinstance(month, int | float) and month == month and 1 <= month <= 12:
            if label == month_label(int(month)):
                label = label.lower()
        if grid:
            label = f"{label}, {month_label(int(month)).lower()}"
        return label

    return label_of


def _validate_sheet(sub: Submission, data: SheetData, period: Period) -> None:
    if data.spec.kind == "records" and len(data.frame) < data.spec.min_records:
        first = min(data.columns.values(), default=0)
        sub.add(
            data.name,
            xl_rowcol_to_cell(data.header_row + 1, first),
            ERROR,
            "too-few-rows",
            f"Arket har {len(data.frame)} utfylte rader; minst {data.spec.min_records} "
            "kreves. Er malen fylt ut?",
        )
    coerce_sheet(sub, data)
    schema = pandera_schema(data.spec, period, once=True)
    try:
        schema.validate(data.frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        sub.findings += findings_from_failures(sub, data, exc.failure_cases)


def _check_meta(sub: Submission, period: Period | None, organisation: str) -> Period | None:
    """Check what _meta stamps the file with: the organisation (it must be the report's),
    the template version and the period; return the period to use."""
    template = sub.template
    assert template is not None
    stamped_by = sub.meta.get("organisation", "")
    if norm(stamped_by) != norm(organisation):
        sub.add(
            META_SHEET,
            sub.meta_ref("organisation"),
            ERROR,
            "wrong-organisation",
            (
                f"Filen er laget for {quoted(stamped_by)}, men rapporten gjelder "
                f"«{organisation}». Bruk malen for {organisation}, {TEMPLATE_SOURCE}."
            )
            if stamped_by
            else f"Filen sier ikke hvilken organisasjon den gjelder; rapporten gjelder "
            f"«{organisation}». Bruk malen for {organisation}, {TEMPLATE_SOURCE}.",
        )
    version = sub.meta.get("spec_version", "")
    if version != str(template.version):
        # The file has another version's layout: what the reader missed or found extra in it
        # (a column added since) says nothing the version does not, and its values are not
        # checked against this version's rules. The version is the one finding.
        sub.findings = [f for f in sub.findings if f.category != "structure"]
        sub.make(
            "wrong-version",
            META_SHEET,
            sub.meta_ref("spec_version"),
            version=version or "?",
            template=template.id,
            current=template.version,
        )
        return None
    stamped_text = sub.meta.get("period", "")
    stamped: Period | None = None
    if stamped_text:
        try:
            stamped = Period.parse(stamped_text)
        except PeriodError:
            day = sub.meta_dates.get("period")
            if day is not None:  # «2024-03» typed in the cell: Excel made it a date
                sub.make(
                    "period-as-date",
                    META_SHEET,
                    sub.meta_ref("period"),
                    date=stamped_text,
                    example=f"{day.year:04d}-{day.month:02d}",
                )
            else:
                sub.make("bad-period", META_SHEET, sub.meta_ref("period"), period=stamped_text)
            return None
    if period is not None and stamped is not None and stamped != period:
        sub.make(
            "wrong-period",
            META_SHEET,
            sub.meta_ref("period"),
            stamped=stamped.label,
            period=period.label,
        )
        return None
    if stamped is None:
        if period is None:
            sub.make("no-period", META_SHEET, sub.meta_ref("period"))
            return None
        sub.make("period-not-stamped", META_SHEET, sub.meta_ref("period"), period=period.label)
    return period or stamped


def validate_submission(sub: Submission, specs: Specs, period: Period | None) -> Period | None:
    """Add every finding of `sub` to sub.findings; return the period it was checked against."""
    if sub.template is None:
        return None
    effective = _check_meta(sub, period, specs.report.organisation)
    if effective is None:
        return None
    for data in sub.sheets.values():
        _validate_sheet(sub, data, effective)
    context = CheckContext(sub=sub, period=effective, specs=specs)
    # Each named check runs once, even when several sheets list it.
    for name in checks_for(sub.template):
        sub.findings += list(load_checks()[name](context))
    sort_findings(sub)
    return effective


def sort_findings(sub: Submission) -> None:
    """Findings in reading order: file-level first, then sheet by sheet (template order),
    row by row, left to right. Findings on one cell keep the order they were made in."""
    order = {s.name: i for i, s in enumerate(sub.template.sheets)} if sub.template else {}
    names = {d.name: order.get(d.spec.name, 0) for d in sub.sheets.values()}

    def key(finding: Finding) -> tuple[int, int, int]:
        sheet = -1 if not finding.sheet else names.get(finding.sheet, order.get(finding.sheet, 99))
        cell = finding.cell
        row, col = xl_cell_to_rowcol(cell) if cell else (-1, -1)
        return sheet, row, col

    sub.findings.sort(key=key)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while files are read and checked. A
    register's grid and frames are hundreds of thousands of containers that live until the
    check is done, and the full collections their allocation triggers walk every object in
    the process (two for the x650 volume files, 0.2 s in all) to find nothing: checking makes
    no reference cycles (gc.collect() after check_files frees nothing), so memory is the same.
    Reference counting frees everything as before. Restarted by the caller that paused it (a
    nested or concurrent caller finds it paused and leaves it so)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_files(
    files: Iterable[Path], specs: Specs, period: Period | None, prefix: str = ""
) -> list[Submission]:
    """Read and validate each file; every problem is a finding, nothing raises. Files with
    the same content (SHA-256) are read once, as the first of them, with a warning naming the
    copies (different files of one template stay an error, see check_duplicates). A bug in
    vrapport while checking one file is an `internal-error` finding on that file (never "the
    file is corrupt"), and the other files are still checked. `prefix` goes before each
    file's name in findings (e.g. the folder of last period's files)."""
    from vrapport.isolation import read_workbooks

    submissions = []
    plan = reading(list(files), prefix)  # a copy is read once, as the first of its content
    names, copies = plan.names, plan.copies
    with _collector_paused():
        for (path, display), book in zip(plan.shown, read_workbooks(plan.shown), strict=True):
            sub = Submission(path=path, display=display)
            try:
                sub = read_submission(path, specs, display, book)
                validate_submission(sub, specs, period)
            except Exception as exc:  # noqa: BLE001 - a bug in vrapport, reported for this file
                if os.environ.get("VRAPPORT_DEBUG"):
                    raise
                sub.findings.append(
                    Finding.make(
                        "internal-error", sub.display, error=f"{type(exc).__name__}: {exc}"
                    )
                )
            if path in copies:
                others = [prefix + names[c] for c in copies[path]]
                sub.findings.append(
                    Finding(
                        sub.display,
                        "",
                        "",
                        WARNING,
                        "identical-copies",
                        f"Den samme filen (likt innhold, SHA-256) er også levert som "
                        f"{listing(others, 'filer')}. Den er lest og telles én gang.",
                    )
                )
            submissions.append(sub)
    return submissions


class NotEarlier(Exception):
    """Every file given as the previous period's is for this period or a later one: the
    wrong folder, a request that cannot be carried out (the message says so, in Norwegian),
    not a finding in each file."""


def check_previous(paths: Iterable[Path], specs: Specs, period: Period) -> list[Submission]:
    """The previous period's submissions (for `build --previous` and `templates --from`),
    each checked against the period stamped in it, which must be before `period`; one older
    than the month before is allowed, with a warning."""
    earlier = check_files(collect_files(paths), specs, None, prefix=PREVIOUS_PREFIX)
    dated = {s.meta["period"] for s in earlier if s.template is not None and s.meta.get("period")}
    if dated and all(stamped >= str(period) for stamped in dated):
        found = ", ".join(sorted(dated))
        raise NotEarlier(
            f"filene oppgitt som forrige periodes gjelder {found}, ikke en periode før "
            f"{period}; oppgi mappen med forrige periodes innsendinger"
        )
    last_month = str(period.shift(-1))
    for sub in earlier:
        if sub.template is None:
            continue
        stamped = sub.meta.get("period", "")
        if not stamped or stamped >= str(period):
            sub.add(
                "",
                "",
                ERROR,
                "previous-not-earlier",
                f"Filen skal gjelde en tidligere periode enn {period}, men gjelder "
                f"{stamped or 'ingen periode'}.",
            )
        elif stamped < last_month:
            sub.add(
                "",
                "",
                WARNING,
                "previous-not-last-month",
                f"Filen gjelder {stamped}; forrige rapport var {last_month}. "
                "Utviklingen vises mot denne eldre perioden.",
            )
    return earlier


def check_periods(submissions: list[Submission]) -> list[Finding]:
    """Files checked together should be for one period (when no --period says which)."""
    stamped: dict[str, list[str]] = {}
    for sub in submissions:
        if sub.template is not None and sub.meta.get("period"):
            stamped.setdefault(sub.meta["period"], []).append(sub.display)
    if len(stamped) < 2:
        return []
    parts = "; ".join(f"{p}: {', '.join(names)}" for p, names in sorted(stamped.items()))
    return [
        Finding(
            "",
            "",
            "",
            ERROR,
            "mixed-periods",
            f"Filene gjelder ulike perioder ({parts}). Kontroller én periode om gangen, "
            "eller oppgi perioden med --period.",
        )
    ]


def check_duplicates(submissions: list[Submission]) -> list[Finding]:
    seen: dict[str, Submission] = {}
    found = []
    for sub in submissions:
        if not sub.template_id or sub.template is None:
            continue
        if sub.template_id in seen:
            found.append(
                Finding(
                    sub.display,
                    "",
                    "",
                    ERROR,
                    "duplicate-template",
                    f"To filer er levert fra malen «{sub.template_id}»: "
                    f"{seen[sub.template_id].display} og {sub.display}.",
                )
            )
        else:
            seen[sub.template_id] = sub
    return found
