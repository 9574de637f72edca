"""The value checks of validation are vectorised: each must fail exactly where its
element-wise predicate (as the checks were first written) fails on a value that is not blank,
so pandera's failure table, and each finding made from it, is the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vrapport.numbers import is_number as _is_number
from vrapport.period import Period
from vrapport.reader import SpecialCell
from vrapport.spec import ColumnSpec, split_choices
from vrapport.validation import _checks, _TypesOnce, pandera_schema

CHOICES = ("Grønn", "Gul", "Rød")
VALUES: list[Any] = [
    None, float("nan"), pd.NaT, pd.NA, Decimal("NaN"), "", "Grønn", "gul", "Gul; Rød",
    "Gul; Blå", "x" * 12, "x" * 13, 0, 1, -1, 12, 2**53 + 1, -(2**53) - 1, 10**400, 0.5, -0.5,
    12.0, 99.5, 100.0, 100.5, float("inf"), float("-inf"), True, False, Decimal("5"),
    dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 12), dt.time(12), dt.timedelta(days=1),
    SpecialCell("#DIV/0!"), SpecialCell("#N/A"),
]  # fmt: skip


def _element_wise(column: ColumnSpec) -> list[pa.Check]:
    """The checks as first written: element-wise, pandera leaving blanks out."""

    def check(predicate: Any, name: str) -> pa.Check:
        return pa.Check(predicate, element_wise=True, ignore_na=True, name=name)

    if column.type == "integer":
        kind = check(lambda v: isinstance(v, int) and not isinstance(v, bool), "not-an-integer")
    elif column.numeric:
        kind = check(_is_number, "not-a-number")
    elif column.type == "date":
        kind = check(lambda v: isinstance(v, dt.date), "not-a-date")
    elif column.type == "choice" and column.multiple:
        kind = check(
            lambda v: isinstance(v, str) and all(p in CHOICES for p in split_choices(v)),
            "not-in-list",
        )
    elif column.type == "choice":
        kind = check(lambda v: v in set(CHOICES), "not-in-list")
    else:
        kind = check(lambda v: isinstance(v, str), "not-text")
    checks = [kind]
    if column.numeric:
        low, high = column.bounds
        checks.append(check(lambda v: not _is_number(v) or v >= low, "below-minimum"))
        checks.append(check(lambda v: not _is_number(v) or v <= high, "above-maximum"))
    if column.max_length is not None:
        length = column.max_length
        checks.append(check(lambda v: not isinstance(v, str) or len(v) <= length, "too-long"))
    return checks


COLUMNS = [
    ColumnSpec("a", "A", "integer", min=0, max=100),
    ColumnSpec("b", "B", "decimal"),
    ColumnSpec("c", "C", "percent", min=-1, max=1),
    ColumnSpec("d", "D", "date"),
    ColumnSpec("e", "E", "text", max_length=12),
    ColumnSpec("f", "F", "choice", choices=CHOICES, max_length=4),
    ColumnSpec("g", "G", "choice", choices=CHOICES, multiple=True),
]


def _failures(checks: list[pa.Check], frame: pd.DataFrame) -> pd.DataFrame | None:
    schema = pa.DataFrameSchema(
        {c: pa.Column(object, nullable=True, checks=checks, coerce=False) for c in frame}
    )
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


def _same(column: ColumnSpec, values: list[Any]) -> None:
    frame = pd.DataFrame({column.key: pd.Series(values, dtype=object)})
    expected = _failures(_element_wise(column), frame)
    # Types found per check, and once per column for all its checks (as _validate_sheet).
    for actual in (
        _failures(_checks(column), frame),
        _failures(_checks(column, _TypesOnce()), frame),
    ):
        if expected is None or actual is None:
            assert actual is expected is None
        else:
            pd.testing.assert_frame_equal(actual, expected)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.type + str(c.multiple))
@pytest.mark.parametrize(
    "values",
    [
        VALUES,
        VALUES[::-1],  # a failing value in the first and in the last row
        [None, None],
        [],
        ["Grønn", None, "Gul"],
        [1.5, None, 2.0, float("nan")],
        [1, 7, None],
        [dt.date(2024, 1, 1), None],
        [" ", "x" * 40],
        [True, 1, 1.0],
        [0, 100, -1, 101, None],  # numbers only: at and beyond the limits
        [0.0, 100.0, -1.0, 1.0, 100.5, -0.5, None, float("nan"), float("inf")],
        [2**53 + 1, -(2**53) - 1, 5],
        [10**400, 1],
    ],
)
def test_a_value_check_fails_where_its_element_wise_predicate_does(column, values):
    _same(column, values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COLUMNS), st.lists(st.sampled_from(VALUES), max_size=40))
def test_any_mix_of_values_fails_as_element_wise(column, values):
    _same(column, values)


def test_a_required_column_fails_the_rows_it_is_blank_in(specs):
    sheet = specs.template("nye_tjenester").sheet("orders")
    period = Period.parse("2024-03")
    keys = [c.key for c in sheet.columns]
    rows = [dict.fromkeys(keys, "x") for _ in range(5)]
    rows[0]["id"] = None
    rows[4]["title"] = float("nan")
    frame = pd.DataFrame(
        [{"_row": str(i), "_month": None, "_label": f"rad {i}"} | r for i, r in enumerate(rows)],
        dtype=object,
    )

    def required(frame: pd.DataFrame) -> list[tuple[str, int]]:
        found = []
        for once in (False, True):  # a schema finding types once is made per validation
            found.append(_required(pandera_schema(sheet, period, once), frame))
        assert found[0] == found[1]
        return found[0]

    def _required(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[str, int]]:
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            cases = cases[cases["check"].str.startswith("required::")]
            return sorted(set(zip(cases["check"], cases["index"], strict=True)))
        return []

    assert required(frame) == [("required::id", 0), ("required::title", 4)]
    frame.loc[0, "id"], frame.loc[4, "title"] = "a", "b"
    assert required(frame) == []


@pytest.mark.parametrize("text", ["x1234", ",1234", "*12", "/5", "0x10", "1234x"])
def test_number_text_takes_only_a_sign_before_the_digits(text: str):
    """«[+-−]» in the pattern was a range from «+» to «−» (U+2212), every character between
    them a sign: «x1234» matched (float() refused it later, so no figure got through)."""
    from vrapport.numbers import _NUMBER_TEXT, parse_number_text

    assert _NUMBER_TEXT.match(text) is None
    assert parse_number_text(text) is None


@pytest.mark.parametrize(("text", "value"), [("+12", 12.0), ("-12", -12.0), ("\u221212", -12.0)])
def test_number_text_takes_each_of_the_three_signs(text: str, value: float):
    from vrapport.numbers import parse_number_text

    assert parse_number_text(text) == value
