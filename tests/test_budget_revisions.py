"""A revised budget for the months the previous report had not closed changes the annual
budget the board saw («Budsjett · 2024» in «Resultatrapport 2024»): each such line is a
`changed-since-previous` warning at its row, a row on Endringer and a figure counted on the
front page; a closed month's budget stays a restatement at its cell, not reported twice."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner
from xlsxwriter.utility import xl_cell_to_rowcol

from tests.conftest import EXAMPLES, PERIOD, ROOT, cell_of, find_label, read_grids
from tests.test_restatements import _example_data
from vrapport.cli import app
from vrapport.period import Period
from vrapport.pipeline import build

runner = CliRunner()
LICENSES = "Lisenser, service og support"
# The example's annual budget of the line (examples/data/okonomi.py), and as the previous
# report had it: April–October 100 000 kr lower each.
LICENSES_ANNUAL = 274_529_956.0
LICENSES_ANNUAL_BEFORE = 273_829_956.0


FEBRUARY = Period(2024, 2)


def _previous(tmp_path, make_filled, budgets=(), period=FEBRUARY, edit=None):  # type: ignore[no-untyped-def]
    """Last period's folder: the example finance figures up to `period`, with `budgets`
    ((line, month, change in kroner)) applied to its budget, and `edit` to its data."""
    data = _example_data("okonomi")
    if edit:
        edit(data)
    for cells in data["result"].values():
        for month in range(period.month + 1, 13):
            cells.pop(("actual", month), None)
    for line, month, change in budgets:
        data["result"][line][("budget", month)] += change
    for row in ("m03",):
        data["fte"].pop(row, None)
        data["liquidity"].pop(row, None)
    folder = tmp_path / "forrige"
    folder.mkdir()
    make_filled("okonomi", data, period=period, name="okonomi_forrige.xlsx")
    shutil.move(tmp_path / "okonomi_forrige.xlsx", folder / "okonomi.xlsx")
    shutil.copy(ROOT / "examples" / "2024-02" / "prosjekt.xlsx", folder)
    return folder


def _row_of(line: str) -> str:
    """The row of a line on the example's Resultat sheet, as a whole-row reference."""
    row, _ = xl_cell_to_rowcol(cell_of(EXAMPLES / "okonomi.xlsx", "Resultat", line, "Budsjett"))
    return f"{row + 1}:{row + 1}"


def _licenses_row() -> str:
    return _row_of(LICENSES)


def _changed(tmp_path, previous):  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app,
        [
            "check",
            str(EXAMPLES / "okonomi.xlsx"),
            "--period",
            "2024-03",
            "--previous",
            str(previous),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    return [f for f in payload["findings"] if f["code"] == "changed-since-previous"], payload


def test_revised_budget_of_open_months_is_listed_and_counted(tmp_path, make_filled, specs):
    lower = [("licenses", m, -100_000) for m in range(4, 11)]
    previous = _previous(tmp_path, make_filled, lower)
    out = tmp_path / "rapport.xlsx"
    outcome = build([EXAMPLES], PERIOD, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    changed = [f for f in outcome.findings if f.code == "changed-since-previous"]
    assert len(changed) == 1
    (finding,) = changed
    assert (finding.file, finding.sheet, finding.ref, finding.severity) == (
        "okonomi.xlsx",
        "Resultat",
        _licenses_row(),
        "warning",
    )
    message = finding.message.replace("\u00a0", " ")
    assert message.startswith(f"Budsjett for {LICENSES} for 2024 (hele året) er endret")
    assert "273 829 956 → 274 529 956 kr, +0,7 mill. kr (endret i april–oktober)" in message
    grids = read_grids(out)
    rows = [r for r in grids["Endringer"] if r and r[0] == "Økonomi"]
    assert len(rows) == 1
    cells = [v for v in rows[0] if v not in ("", None)]
    assert cells == [
        "Økonomi",
        "Resultat",
        LICENSES,
        "året",
        "Budsjett",
        LICENSES_ANNUAL_BEFORE,
        LICENSES_ANNUAL,
        700_000.0,
        _licenses_row(),
    ]
    assert find_label(grids, r"^endringer i lukkede måneder: 1 tall endret", "Forside")


def test_revised_budget_of_the_report_month_is_a_revision(tmp_path, make_filled):
    previous = _previous(tmp_path, make_filled, [("licenses", 3, 250_000), ("sla", 12, -1)])
    changed, payload = _changed(tmp_path, previous)
    assert [(f["sheet"], f["where"]["ref"]) for f in changed] == [
        ("Resultat", _row_of("SLA (tjenesteavtaler)")),
        ("Resultat", _row_of(LICENSES)),
    ]
    sla = changed[0]["message"].replace("\u00a0", " ")
    # 1 krone would read 0,0 mill. kr: a change that small is told in kroner.
    assert "427 285 991 → 427 285 992 kr, +1 kr (endret i desember)" in sla
    licenses = changed[1]["message"].replace("\u00a0", " ")
    assert "274 779 956 → 274 529 956 kr, −0,3 mill. kr (endret i mars)" in licenses
    kinds = [(r["line"], r["kind"], r["month"], r["difference"]) for r in payload["restatements"]]
    assert kinds == [
        ("SLA (tjenesteavtaler)", "annual", None, 1.0),
        (LICENSES, "annual", None, -250_000.0),
    ]


def test_closed_month_budget_is_reported_once_at_its_cell(tmp_path, make_filled):
    previous = _previous(tmp_path, make_filled, [("licenses", 2, 50_000)])
    changed, _ = _changed(tmp_path, previous)
    assert len(changed) == 1
    assert changed[0]["cell"] != _licenses_row() and ":" not in changed[0]["cell"]
    assert "februar" in changed[0]["message"]


def test_unchanged_budgets_give_no_finding(tmp_path, make_filled):
    previous = _previous(tmp_path, make_filled)
    changed, payload = _changed(tmp_path, previous)
    assert changed == [] and payload["restatements"] == []


@pytest.mark.parametrize("last", [Period(2023, 12), Period(2023, 11)])
def test_next_years_budget_is_no_revision(tmp_path, make_filled, last):
    """January against last year's folder: the new year's budget is new, not revised."""
    data = _example_data("okonomi")
    for cells in data["result"].values():
        for month in range(2, 13):
            cells.pop(("actual", month), None)
    for row in ("m02", "m03"):
        data["fte"].pop(row, None)
        data["liquidity"].pop(row, None)
    january = make_filled("okonomi", data, period=Period(2024, 1), name="okonomi.xlsx")
    before = _example_data("okonomi")
    for cells in before["result"].values():
        cells[("budget", 12)] += 1_000_000
    folder = tmp_path / "forrige"
    folder.mkdir()
    make_filled("okonomi", before, period=last, name="okonomi_forrige.xlsx")
    shutil.move(tmp_path / "okonomi_forrige.xlsx", folder / "okonomi.xlsx")
    result = runner.invoke(
        app,
        ["check", str(january), "--period", "2024-01", "--previous", str(folder), "--json"],
    )
    payload = json.loads(result.stdout)
    assert [r for r in payload["restatements"] if r["kind"] == "annual"] == []
    assert not [
        f
        for f in payload["findings"]
        if f["code"] == "changed-since-previous" and f["sheet"] == "Resultat"
    ]


def test_closed_and_open_months_revised_name_every_changed_month(tmp_path, make_filled):
    """February (closed) is its own restatement at its cell; the annual budget moved by both
    months and names both."""
    previous = _previous(tmp_path, make_filled, [("licenses", 2, 50_000), ("licenses", 5, 10_000)])
    changed, _ = _changed(tmp_path, previous)
    assert [f["where"]["kind"] for f in changed] == ["cell", "row"]
    assert changed[1]["where"]["ref"] == _licenses_row()
    message = changed[1]["message"].replace("\u00a0", " ")
    assert "274 589 956 → 274 529 956 kr, −0,1 mill. kr (endret i februar og mai)" in message


def test_budget_moved_between_open_months_leaves_the_annual_budget(tmp_path, make_filled):
    previous = _previous(tmp_path, make_filled, [("licenses", 5, 10_000), ("licenses", 6, -10_000)])
    changed, _ = _changed(tmp_path, previous)
    assert changed == []


def test_revised_investment_budget_and_credit_limit_are_restatements(tmp_path, make_filled, specs):
    """The investments' annual budget and the credit limit hold for the whole year: a value
    that differs from the previous report's of the same year is a restatement at its cell."""

    def edit(data):  # type: ignore[no-untyped-def]
        data["investments"]["project_capex"]["annual_budget"] = 140_000_000
        data["liquidity"]["credit_limit"]["amount"] = 600_000_000

    previous = _previous(tmp_path, make_filled, edit=edit)
    out = tmp_path / "rapport.xlsx"
    outcome = build([EXAMPLES], PERIOD, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    path = EXAMPLES / "okonomi.xlsx"
    capex = "Prosjektinvesteringer HN IKT (aktiverbare utgifter)"
    changed = [
        (f.sheet, f.ref, f.message.replace("\u00a0", " "))
        for f in outcome.findings
        if f.code == "changed-since-previous"
    ]
    assert changed == [
        (
            "Investeringer",
            cell_of(path, "Investeringer", capex, "Årsbudsjett (kr)"),
            f"Årsbudsjett (kr) for {capex} er endret siden forrige rapport: "
            "140 000 000 → 146 000 000.",
        ),
        (
            "Likviditet",
            cell_of(path, "Likviditet", "Kassekredittramme", "Beløp (kr)"),
            "Beløp (kr) for Kassekredittramme er endret siden forrige rapport: "
            "600 000 000 → 640 000 000.",
        ),
    ]
    grids = read_grids(out)
    rows = [[v for v in r if v not in ("", None)] for r in grids["Endringer"] if r[0] == "Økonomi"]
    assert [r[1:8] for r in rows] == [
        ["Investeringer", capex, "året", "Årsbudsjett (kr)", 140e6, 146e6, 6e6],
        ["Likviditet", "Kassekredittramme", "året", "Beløp (kr)", 600e6, 640e6, 40e6],
    ]
    assert find_label(grids, r"^endringer i lukkede måneder: 2 tall endret", "Forside")
