"""Figures of earlier months that change between two reports without a word: the months of
last year (a rolling window's «i fjor» rows, HR's columns for last year), the months of the
closed year seen from January, and the balances a year opens with. Each is a figure the
previous report already showed; a change must be a `changed-since-previous` warning at its
cell and a row of the report's sheet *Endringer*, as a changed month of this year is."""

from __future__ import annotations

import copy
import importlib.util
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, PERIOD, ROOT, cell_of, read_grids
from vrapport.period import Period
from vrapport.pipeline import build


def _example_data(template: str) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location(
        f"redteam_{template}", ROOT / "examples" / "data" / f"{template}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return copy.deepcopy(module.DATA)


def _folder(tmp_path: Path, name: str, files: dict[str, Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for target, source in files.items():
        shutil.move(source, folder / target)
    return folder


def _changed(outcome: Any) -> list[tuple[str, str, str]]:
    return [
        (f.file, f.sheet, f.cell) for f in outcome.findings if f.code == "changed-since-previous"
    ]


def _endringer(out: Path) -> list[list[Any]]:
    grids = read_grids(out)
    assert "Endringer" in grids, list(grids)
    return [[v for v in row if v not in ("", None)] for row in grids["Endringer"]]


# --- within the year: February's report against March's ----------------------------------


def test_a_month_of_last_year_in_the_rolling_window_changed_since_february(
    tmp_path, make_filled, specs
):
    """User support's window reaches back into 2023 (rows «… i fjor»). February's report
    showed October 2023 with 10 898 contacts; March's submission says 10 398: the board's
    trend table changes, so the change is reported like one of January's."""
    data = _example_data("brukerstotte")
    data["contacts"].pop("m03")
    data["contacts"]["p08"] = {
        "contacts": 9804,
        "phone": 4650,
        "answered_60s": 3610,
        "first_line": 6921,
    }
    data["contacts"]["p10"]["contacts"] = 10_898
    make_filled("brukerstotte", data, period=Period(2024, 2), name="bs_feb.xlsx")
    previous = _folder(tmp_path, "forrige", {"brukerstotte.xlsx": tmp_path / "bs_feb.xlsx"})
    out = tmp_path / "rapport.xlsx"
    outcome = build([EXAMPLES], PERIOD, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    october = data["contacts"]["p10"]
    path = EXAMPLES / "brukerstotte.xlsx"
    cell = cell_of(path, "Henvendelser", "Oktober i fjor", "Henvendelser totalt")
    assert _changed(outcome) == [("brukerstotte.xlsx", "Henvendelser", cell)]
    (finding,) = [f for f in outcome.findings if f.code == "changed-since-previous"]
    assert "10\u00a0898 → 10\u00a0398" in finding.message
    rows = [r for r in _endringer(out) if r and r[0] == "Brukerstøtte"]
    assert rows == [
        [
            "Brukerstøtte",
            "Henvendelser",
            "Oktober i fjor",
            "oktober 2023",
            "Henvendelser totalt",
            october["contacts"],
            10_398,
            10_398 - october["contacts"],
            cell,
        ]
    ]


def test_last_years_sick_leave_after_februarys_month_changed_since_february(
    tmp_path, make_filled, specs
):
    """HR's columns «i fjor» hold all of 2023, closed months every one: November 2023's
    self-certified days changed between February's report and March's."""
    data = _example_data("hr")
    data["sick_leave"]["m03"] = {
        k: v for k, v in data["sick_leave"]["m03"].items() if k.endswith("_prior")
    }
    data["sick_leave"]["m11"]["self_certified_prior"] = 110.1
    make_filled("hr", data, period=Period(2024, 2), name="hr_feb.xlsx")
    previous = _folder(tmp_path, "forrige", {"hr.xlsx": tmp_path / "hr_feb.xlsx"})
    outcome = build([EXAMPLES], PERIOD, tmp_path / "rapport.xlsx", specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    label = specs.template("hr").sheet("sick_leave").column("self_certified_prior").label
    cell = cell_of(EXAMPLES / "hr.xlsx", "Sykefravær", "November", label)
    assert _changed(outcome) == [("hr.xlsx", "Sykefravær", cell)]


def test_the_opening_balance_changed_since_february(tmp_path, make_filled, specs):
    """«Saldo 1.1. (IB)» is last year's closing balance: every closing balance and the
    unused credit of the report follow from it. Changed since February: reported."""
    data = _example_data("okonomi")
    for cells in data["result"].values():
        cells.pop(("actual", 3), None)
    data["fte"].pop("m03")
    data["liquidity"].pop("m03")
    data["liquidity"]["opening_balance"]["amount"] = -296_489_612
    make_filled("okonomi", data, period=Period(2024, 2), name="ok_feb.xlsx")
    previous = _folder(tmp_path, "forrige", {"okonomi.xlsx": tmp_path / "ok_feb.xlsx"})
    outcome = build([EXAMPLES], PERIOD, tmp_path / "rapport.xlsx", specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    cell = cell_of(EXAMPLES / "okonomi.xlsx", "Likviditet", "Saldo 1.1. (IB)", "Beløp (kr)")
    assert _changed(outcome) == [("okonomi.xlsx", "Likviditet", cell)]


# --- January: the report of December (another year) against January's ---------------------

JANUARY = Period(2025, 1)
DECEMBER = Period(2024, 12)


def _sick_leave_2024(month: int) -> tuple[float, ...]:
    """Invented workdays of 2024: the example's January–March, then last year's months."""
    hr = _example_data("hr")["sick_leave"][f"m{month:02d}"]
    keys = ("agreed", "self_certified", "medically_short", "medically_long")
    if month <= 3:
        return tuple(hr[k] for k in keys)
    return tuple(round(hr[f"{k}_prior"] * 1.01, 1) for k in keys)


def test_januarys_last_year_sick_leave_against_decembers_report(tmp_path, make_filled, specs):
    """In January 2025 the columns «i fjor» hold 2024, which December's report showed as
    this year's figures: a month of them typed differently is a restatement."""
    keys = ("agreed", "self_certified", "medically_short", "medically_long")
    december = _example_data("hr")
    for month in range(1, 13):
        december["sick_leave"][f"m{month:02d}"] |= dict(
            zip(keys, _sick_leave_2024(month), strict=True)
        )
    december["breaches"] = {
        key: {("count", m): 1 for m in range(1, 13)} for key in december["breaches"]
    }
    make_filled("hr", december, period=DECEMBER, name="hr_des.xlsx")
    january = _example_data("hr")
    january["sick_leave"] = {
        f"m{month:02d}": {
            f"{k}_prior": v for k, v in zip(keys, _sick_leave_2024(month), strict=True)
        }
        for month in range(1, 13)
    }
    january["sick_leave"]["m01"] |= dict(zip(keys, (10_100.0, 90.2, 170.1, 310.4), strict=True))
    october = _sick_leave_2024(10)
    january["sick_leave"]["m10"]["medically_long_prior"] = october[3] + 40
    january["breaches"] = {key: {("count", 1): 2} for key in january["breaches"]}
    make_filled("hr", january, period=JANUARY, name="hr_jan.xlsx")
    previous = _folder(tmp_path, "forrige", {"hr.xlsx": tmp_path / "hr_des.xlsx"})
    now = _folder(tmp_path, "innsendt", {"hr.xlsx": tmp_path / "hr_jan.xlsx"})
    out = tmp_path / "rapport.xlsx"
    outcome = build([now], JANUARY, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    label = specs.template("hr").sheet("sick_leave").column("medically_long_prior").label
    cell = cell_of(now / "hr.xlsx", "Sykefravær", "Oktober", label)
    assert _changed(outcome) == [("hr.xlsx", "Sykefravær", cell)]
    (row,) = [r for r in _endringer(out) if r and r[0] == "HR/HMS"]
    assert row[2:7] == ["Oktober", "oktober 2024", label, october[3], october[3] + 40]


def _okonomi(period: Period, actual_months: int) -> dict[str, Any]:
    """The example's finance lines with actuals for `actual_months` months (the budget after
    March as actual), budgets for the year."""
    data = _example_data("okonomi")
    for cells in data["result"].values():
        for month in range(1, 13):
            if month > actual_months:
                cells.pop(("actual", month), None)
            elif ("actual", month) not in cells:
                cells[("actual", month)] = cells[("budget", month)]
    return data


def test_januarys_opening_balance_and_fte_against_decembers_closing(tmp_path, make_filled, specs):
    """The year opens with December's closing balance (its opening balance + the year's
    movements) and its FTE: January's «Saldo 1.1. (IB)» and «Ved årsskiftet» typed otherwise
    are restatements of what December's report showed."""
    movements = [
        -31_204_118,
        12_480_335,
        -47_626_418,
        20_000_000,
        -5_000_000,
        8_000_000,
        -12_000_000,
        4_000_000,
        9_000_000,
        -3_000_000,
        6_000_000,
        15_000_000,
    ]
    fte = [473.6, 478.2, 483.0, 484.1, 485.0, 486.2, 480.5, 482.0, 487.3, 488.0, 489.1, 490.4]
    december = _okonomi(DECEMBER, 12)
    december["fte"] = {"year_start": {"fte": 470.0}} | {
        f"m{m:02d}": {"fte": v} for m, v in enumerate(fte, start=1)
    }
    december["liquidity"] = (
        {"opening_balance": {"amount": -306_489_612}}
        | {f"m{m:02d}": {"amount": v} for m, v in enumerate(movements, start=1)}
        | {"credit_limit": {"amount": 640_000_000}}
    )
    make_filled("okonomi", december, period=DECEMBER, name="ok_des.xlsx")
    closing = -306_489_612 + sum(movements)
    january = _okonomi(JANUARY, 1)
    january["fte"] = {"year_start": {"fte": 488.4}, "m01": {"fte": 491.0}}  # not 490,4
    january["liquidity"] = {
        "opening_balance": {"amount": closing + 1_000_000},  # not December's closing
        "m01": {"amount": -30_000_000},
        "credit_limit": {"amount": 640_000_000},
    }
    make_filled("okonomi", january, period=JANUARY, name="ok_jan.xlsx")
    previous = _folder(tmp_path, "forrige", {"okonomi.xlsx": tmp_path / "ok_des.xlsx"})
    now = _folder(tmp_path, "innsendt", {"okonomi.xlsx": tmp_path / "ok_jan.xlsx"})
    out = tmp_path / "rapport.xlsx"
    outcome = build([now], JANUARY, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    path = now / "okonomi.xlsx"
    assert sorted(_changed(outcome)) == sorted(
        [
            (
                "okonomi.xlsx",
                "Årsverk",
                cell_of(path, "Årsverk", "Ved årsskiftet (31.12. i fjor)", "Årsverk"),
            ),
            (
                "okonomi.xlsx",
                "Likviditet",
                cell_of(path, "Likviditet", "Saldo 1.1. (IB)", "Beløp (kr)"),
            ),
        ]
    )
    rows = {r[2]: r for r in _endringer(out) if r and r[0] == "Økonomi"}
    assert rows["Saldo 1.1. (IB)"][3:6] == ["Beløp (kr)", closing, closing + 1_000_000]
