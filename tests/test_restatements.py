"""Restatements shown to the board: a closed month changed since last period's submission is
listed on its own report sheet (template, line, month, old, new, difference), counted on the
front page, and reported by `check --previous` at its cell."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil

from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD, ROOT, cell_of, find_label, read_grids
from vrapport.cli import app
from vrapport.period import Period
from vrapport.pipeline import build

runner = CliRunner()
SLA_JANUARY_BEFORE = 33_500_000.0


def _example_data(template: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        f"example_{template}", ROOT / "examples" / "data" / f"{template}.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return copy.deepcopy(module.DATA)


def _previous_folder(tmp_path, make_filled, line="sla", before=SLA_JANUARY_BEFORE):  # type: ignore[no-untyped-def]
    """Last period (February): the example finance figures, but January's actual of `line`
    (SLA) as it was reported then; March not yet there."""
    data = _example_data("okonomi")
    for cells in data["result"].values():
        cells.pop(("actual", 3), None)
    data["result"][line][("actual", 1)] = before
    for row in ("m03",):
        data["fte"].pop(row, None)
        data["liquidity"].pop(row, None)
    folder = tmp_path / "forrige"
    folder.mkdir()
    make_filled("okonomi", data, period=Period(2024, 2), name="okonomi_feb.xlsx")
    shutil.move(tmp_path / "okonomi_feb.xlsx", folder / "okonomi.xlsx")
    shutil.copy(ROOT / "examples" / "2024-02" / "prosjekt.xlsx", folder)
    return folder


def _sla_january_now() -> float:
    data = _example_data("okonomi")
    return float(data["result"]["sla"][("actual", 1)])


def test_restated_month_is_listed_in_the_report_and_counted_on_the_front_page(
    tmp_path, make_filled, specs
):
    previous = _previous_folder(tmp_path, make_filled)
    out = tmp_path / "rapport.xlsx"
    outcome = build([EXAMPLES], PERIOD, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    grids = read_grids(out)
    assert "Endringer" in grids
    now = _sla_january_now()
    rows = [r for r in grids["Endringer"] if r and r[0] == "Økonomi"]
    assert len(rows) == 1
    cells = [v for v in rows[0] if v not in ("", None)]
    assert cells[:8] == [
        "Økonomi",
        "Resultat",
        "SLA (tjenesteavtaler)",
        "januar",
        "Faktisk",
        SLA_JANUARY_BEFORE,
        now,
        now - SLA_JANUARY_BEFORE,
    ]
    assert cells[8] == cell_of(
        EXAMPLES / "okonomi.xlsx", "Resultat", "SLA (tjenesteavtaler)", "Faktisk"
    )
    (line,) = find_label(grids, r"^endringer i lukkede måneder: 1 tall endret", "Forside")
    assert line[0] == "Forside"
    # The chapters and the sources still follow in order, the new sheet before Kilder.
    names = list(grids)
    assert names.index("Endringer") == names.index("Kilder") - 1
    # Endringer is no chapter: the summary still counts the six («Skrev … (6 av 6 kapitler)»).
    assert outcome.chapters == len(specs.report.chapters) == 6


def test_the_reference_report_has_no_restatement_sheet(report_grids):
    assert "Endringer" not in report_grids
    assert not find_label(report_grids, r"^endringer i lukkede måneder", "Forside")


def test_check_previous_reports_the_restatement_at_its_cell(tmp_path, make_filled):
    previous = _previous_folder(tmp_path, make_filled)
    path = EXAMPLES / "okonomi.xlsx"
    result = runner.invoke(
        app,
        ["check", str(path), "--period", "2024-03", "--previous", str(previous), "--json"],
    )
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    changed = [f for f in payload["findings"] if f["code"] == "changed-since-previous"]
    cell = cell_of(path, "Resultat", "SLA (tjenesteavtaler)", "Faktisk")
    assert [(f["sheet"], f["cell"]) for f in changed] == [("Resultat", cell)]
    assert "33\u00a0500\u00a0000" in changed[0]["message"]
    (item,) = payload["restatements"]
    assert (item["line"], item["month"], item["old"], item["new"]) == (
        "SLA (tjenesteavtaler)",
        1,
        SLA_JANUARY_BEFORE,
        _sla_january_now(),
    )


def test_check_previous_marks_the_restatement_in_the_feedback_copy(tmp_path, make_filled):
    import openpyxl

    previous = _previous_folder(tmp_path, make_filled)
    path = EXAMPLES / "okonomi.xlsx"
    out = tmp_path / "retur"
    result = runner.invoke(
        app,
        ["check", str(path), "-p", "2024-03", "--previous", str(previous), "--feedback", str(out)],
    )
    assert result.exit_code == 0
    cell = cell_of(path, "Resultat", "SLA (tjenesteavtaler)", "Faktisk")
    comment = openpyxl.load_workbook(out / "okonomi_tilbakemelding.xlsx")["Resultat"][cell].comment
    assert comment is not None and "endret siden forrige rapport" in comment.text


def test_a_material_restatement_needs_an_explanation(tmp_path, make_filled, specs):
    """Depreciation is named by no paragraph; January's changed by 1,2 mill. kr."""
    now = float(_example_data("okonomi")["result"]["depreciation"][("actual", 1)])
    previous = _previous_folder(tmp_path, make_filled, "depreciation", now - 1_200_000)
    outcome = build([EXAMPLES], PERIOD, tmp_path / "r.xlsx", specs, previous=[previous])
    (finding,) = [f for f in outcome.findings if f.code == "unexplained-restatement"]
    assert finding.severity == "warning"
    cell = cell_of(EXAMPLES / "okonomi.xlsx", "Resultat", "Avskrivninger", "Faktisk")
    assert (finding.sheet, finding.ref) == ("Resultat", f"{cell[1:]}:{cell[1:]}")
    assert finding.message == (
        "Avskrivninger: faktisk for januar er endret med 1,2\u00a0mill.\u00a0kr siden forrige "
        "rapport, over vesentlighetsgrensen; forklar endringen i Kommentar (velg linjen i "
        "kolonnen «Forklarer linje»)."
    )


def test_a_restatement_of_a_line_a_paragraph_names_is_explained(tmp_path, make_filled, specs):
    previous = _previous_folder(tmp_path, make_filled)  # SLA: named by the Inntekter paragraph
    outcome = build([EXAMPLES], PERIOD, tmp_path / "r.xlsx", specs, previous=[previous])
    assert [f for f in outcome.findings if f.code == "unexplained-restatement"] == []
