"""Explanations for material variances: a result line whose variance for the month or the
year to date is over the materiality needs a Kommentar paragraph naming it."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner
from xlsxwriter.utility import xl_cell_to_rowcol

from tests.conftest import cell_of, set_cells
from vrapport.cli import app

runner = CliRunner()
# The lines whose variance the example's figures make material (500 000 kr and 1 % of the
# budget, for March or for January–March).
MATERIAL = {
    "SLA (tjenesteavtaler)",
    "Prosjekt/oppdrag/annet",
    "Viderefakturering",
    "Personalkostnader",
    "- Aktiverte lønnsutg. Prosjekter",
    "Lisenser, service og support",
    "Linjeleie",
    "Konsulent",
    "Annet",
}


def lines_column(path, label: str = "Forklarer linje") -> str:  # type: ignore[no-untyped-def]
    """The letter of the Kommentar column headed `label`."""
    sheet = openpyxl.load_workbook(path)["Kommentar"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == label:
                return cell.column_letter
    raise AssertionError(f"no column «{label}»")


def untag(path, label: str = "Forklarer linje") -> None:  # type: ignore[no-untyped-def]
    """Empty the Kommentar column headed `label` below its header."""
    column = lines_column(path, label)
    sheet = openpyxl.load_workbook(path)["Kommentar"]
    cells = {f"{column}{r}": None for r in range(1, sheet.max_row + 1) if r > 4}
    set_cells(path, "Kommentar", cells)


def _findings(path) -> list[dict]:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    return json.loads(result.stdout)["findings"]


def test_the_example_explains_every_material_variance(example_copy):
    path = example_copy("okonomi.xlsx")
    assert [f for f in _findings(path) if f["code"] == "unexplained-variance"] == []


def test_every_material_variance_without_explanation_is_named_at_its_row(example_copy):
    path = example_copy("okonomi.xlsx")
    untag(path)
    found = [f for f in _findings(path) if f["code"] == "unexplained-variance"]
    assert {f["message"].split(":")[0] for f in found} == MATERIAL
    sla = next(f for f in found if f["message"].startswith("SLA"))
    row, _ = xl_cell_to_rowcol(cell_of(path, "Resultat", "SLA (tjenesteavtaler)", "Faktisk"))
    assert (sla["sheet"], sla["where"]["ref"], sla["severity"]) == (
        "Resultat",
        f"{row + 1}:{row + 1}",
        "warning",
    )
    assert sla["message"] == (
        "SLA (tjenesteavtaler): avvik i mars \u22121,4\u00a0mill.\u00a0kr og hittil i år "
        "\u22124,6\u00a0mill.\u00a0kr er over vesentlighetsgrensen; forklar det i Kommentar "
        "(velg linjen i kolonnen «Forklarer linje»)."
    )
    # Personnel costs deviate only for the year to date: that is all the message says.
    payroll = next(f for f in found if f["message"].startswith("Personalkostnader"))
    assert "avvik hittil i år +2,9" not in payroll["message"]
    assert "avvik hittil i år 2,9\u00a0mill.\u00a0kr er over" in payroll["message"]


def test_one_paragraph_may_explain_several_lines_in_any_case(example_copy):
    path = example_copy("okonomi.xlsx")
    untag(path)
    column = lines_column(path)
    set_cells(path, "Kommentar", {f"{column}5": "sla (tjenesteavtaler);viderefakturering"})
    found = {
        f["message"].split(":")[0] for f in _findings(path) if f["code"] == "unexplained-variance"
    }
    assert found == MATERIAL - {"SLA (tjenesteavtaler)", "Viderefakturering"}


def test_a_line_not_in_the_list_is_an_error_at_its_cell(example_copy):
    path = example_copy("okonomi.xlsx")
    column = lines_column(path)
    set_cells(path, "Kommentar", {f"{column}5": "SLA (tjenesteavtaler); Inntekter"})
    (bad,) = [f for f in _findings(path) if f["code"] == "not-in-list"]
    assert (bad["sheet"], bad["cell"], bad["severity"]) == ("Kommentar", f"{column}5", "error")


def test_the_template_offers_the_result_lines_as_a_dropdown(make_template):
    path = make_template("okonomi")
    workbook = openpyxl.load_workbook(path)
    column = lines_column(path)
    (rule,) = [
        dv
        for dv in workbook["Kommentar"].data_validations.dataValidation
        if str(dv.sqref).startswith(f"{column}5")
    ]
    assert rule.type == "list" and rule.errorStyle == "information"
    sheet, cells = rule.formula1.split("!")
    first, last = (xl_cell_to_rowcol(c.replace("$", "")) for c in cells.split(":"))
    listed = [
        workbook[sheet.strip("'")].cell(r + 1, first[1] + 1).value
        for r in range(first[0], last[0] + 1)
    ]
    assert listed[0] == "SLA (tjenesteavtaler)" and "Lisenser, service og support" in listed
    assert len(listed) == 12


def test_severity_of_a_missing_explanation_is_configurable(example_copy, tmp_path):
    import shutil

    from tests.conftest import ROOT

    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("explanation_severity: warning", "explanation_severity: error"),
        encoding="utf-8",
    )
    path = example_copy("okonomi.xlsx")
    untag(path)
    result = runner.invoke(
        app, ["check", str(path), "-p", "2024-03", "--json", "--schemas", str(folder)]
    )
    assert result.exit_code == 1
    found = [
        f for f in json.loads(result.stdout)["findings"] if f["code"] == "unexplained-variance"
    ]
    assert found and all(f["severity"] == "error" for f in found)


def _paragraphs(grids, sheet: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [v for row in grids[sheet] for v in row if isinstance(v, str) and len(v) > 80]


def test_the_report_prints_each_explanation_with_the_lines_it_explains(report_grids):
    finance = _paragraphs(report_grids, "2 Økonomi")
    assert any(
        p.startswith(
            "SLA (tjenesteavtaler), Prosjekt/oppdrag/annet og Viderefakturering: Avviket på "
            "inntekter til drift og forvaltning (SLA)"
        )
        for p in finance
    )
    assert any(
        p.startswith("Lisenser, service og support, Konsulent, Linjeleie, Annet og Finansposter: ")
        for p in finance
    )
    # The key figures' explanations likewise; a paragraph that names nothing is as written.
    hr = _paragraphs(report_grids, "5 HR-HMS")
    assert any(p.startswith("Sykefravær totalt: Sykefraværet i de tre første") for p in hr)
    assert any(p.startswith("Egenmeldt fravær ligger fortsatt stabilt") for p in hr)
    services = _paragraphs(report_grids, "3 Tjenester")
    assert any(
        p.startswith("Andel besvart innen 1. minutt: I februar og mars 2024") for p in services
    )


def test_the_lead_of_an_explanation_is_bold_and_its_text_normal(example_report):
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    workbook = openpyxl.load_workbook(example_report, rich_text=True)
    leads = set()
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, CellRichText):
                    continue
                lead, rest = cell.value
                assert isinstance(lead, TextBlock) and isinstance(rest, TextBlock)
                assert lead.font.b and not rest.font.b
                assert lead.font.rFont == rest.font.rFont == "Calibri"
                assert rest.text.startswith(": ") and len(rest.text) > 40
                leads.add((sheet.title, lead.text))
    # The examples' five tagged paragraphs, and nothing else, are led by what they explain.
    assert leads == {
        ("2 Økonomi", "SLA (tjenesteavtaler), Prosjekt/oppdrag/annet og Viderefakturering"),
        ("2 Økonomi", "Personalkostnader og - Aktiverte lønnsutg. Prosjekter"),
        ("2 Økonomi", "Lisenser, service og support, Konsulent, Linjeleie, Annet og Finansposter"),
        ("3 Tjenester", "Andel besvart innen 1. minutt"),
        ("5 HR-HMS", "Sykefravær totalt"),
    }


@pytest.mark.parametrize(
    ("template_id", "label"),
    [("okonomi", "Forklarer linje"), ("hr", "Forklarer"), ("brukerstotte", "Forklarer")],
)
def test_a_template_made_before_the_explanation_column_is_an_older_version(
    make_template, specs, template_id, label
):
    # A template of version 1, from before the Kommentar sheet had the column: today's
    # template with the column deleted, stamped with the version it was made from.
    path = make_template(template_id)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Kommentar"]
    sheet.delete_cols(openpyxl.utils.column_index_from_string(lines_column(path, label)))
    (meta,) = [row for row in workbook["_meta"].iter_rows() if row[0].value == "spec_version"]
    meta[1].value = "1"
    workbook.save(path)
    current = specs.template(template_id).version
    assert current > 1
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    # The version is the one finding: no missing column, no required cell of the old layout.
    assert [(f["code"], f["sheet"], f["cell"]) for f in findings] == [
        ("wrong-version", "_meta", "B3")
    ]
    assert findings[0]["message"] == (
        f"Filen er laget fra versjon 1 av malen «{template_id}», men gjeldende versjon er "
        f"{current}. Hent ny mal, fra innsamlingstjenesten eller fra controller."
    )
