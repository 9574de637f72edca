"""Templates are derived from the specs: committed blanks match the generator, bytes are
deterministic, and a template carries what a user needs (validation, protection, _meta)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import PERIOD, ROOT
from vrapport.layout import META_SHEET
from vrapport.period import Period
from vrapport.reader import read_submission
from vrapport.spec import Specs, load_specs
from vrapport.templates import template_filename, write_template
from vrapport.validation import validate_submission

TEMPLATE_IDS = sorted(load_specs(ROOT / "schemas").templates)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_committed_blank_template_equals_generator(specs: Specs, tmp_path: Path, template_id: str):
    committed = ROOT / "templates" / "xlsx" / f"{template_id}.xlsx"
    assert committed.is_file(), (
        f"run: vrapport templates --blank --out templates/xlsx --overwrite --only {template_id}"
    )
    fresh = write_template(specs.template(template_id), specs.report, None, tmp_path / "t.xlsx")
    assert _parts(fresh) == _parts(committed), (
        f"templates/xlsx/{template_id}.xlsx is stale: "
        f"vrapport templates --blank --out templates/xlsx --overwrite --only {template_id}"
    )


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_template_bytes_are_deterministic(specs: Specs, tmp_path: Path, template_id: str):
    spec = specs.template(template_id)
    first = write_template(spec, specs.report, PERIOD, tmp_path / "a.xlsx")
    second = write_template(spec, specs.report, PERIOD, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_blank_template_reads_back_without_structural_findings(
    specs: Specs, make_template, template_id: str
):
    sub = read_submission(make_template(template_id), specs)
    structural = [f for f in sub.findings if f.code.startswith(("missing", "unknown", "corrupt"))]
    assert structural == []
    assert sub.template is not None and sub.template.id == template_id
    assert set(sub.sheets) == {s.key for s in sub.template.sheets}


def test_meta_sheet_is_hidden_and_stamped(specs: Specs, make_template):
    path = make_template("okonomi", Period(2024, 3))
    workbook = openpyxl.load_workbook(path)
    meta = workbook[META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {row[0].value: row[1].value for row in meta.iter_rows(min_row=2)}
    assert values["template_id"] == "okonomi"
    assert values["spec_version"] == str(specs.template("okonomi").version)
    assert values["period"] == "2024-03"
    assert values["organisation"] == "Helse Nord IKT"
    assert workbook.sheetnames[0] == "Veiledning"


def test_okonomi_template_layout(make_template):
    workbook = openpyxl.load_workbook(make_template("okonomi"))
    result = workbook["Resultat"]
    assert result.protection.sheet is True
    labels = [result.cell(r, 1).value for r in range(1, 25)]
    assert "SLA (tjenesteavtaler)" in labels and "Finansposter" in labels
    row = labels.index("SLA (tjenesteavtaler)") + 1
    # Row labels are locked; input cells are unlocked and tinted.
    assert result.cell(row, 1).protection.locked is True
    assert result.cell(row, 2).protection.locked is False
    assert result.cell(row, 2).fill.fgColor.rgb.endswith("FFF2CC")
    assert result.freeze_panes == "B6"
    # Data validation covers the input cells, with a Norwegian error message.
    rules = result.data_validations.dataValidation
    assert any(r.type == "decimal" and f"B{row}" in str(r.sqref) for r in rules)
    assert all(r.error and "tall" in r.error.lower() for r in rules if r.type == "decimal")
    comments = workbook["Kommentar"]
    topic = next(r for r in comments.data_validations.dataValidation if r.type == "list")
    assert "Inntekter" in topic.formula1
    assert "T_comments" in comments.tables


def test_template_filename_carries_period(specs: Specs):
    spec = specs.template("okonomi")
    assert template_filename(spec, Period(2024, 3)) == "okonomi_2024-03.xlsx"
    assert template_filename(spec, None) == "okonomi.xlsx"


def test_blank_template_is_refused_until_filled(specs: Specs, make_template):
    sub = read_submission(make_template("okonomi"), specs)
    validate_submission(sub, specs, PERIOD)
    required = [f for f in sub.findings if f.code == "required"]
    # 12 lines × 3 months of actuals + 12 × 12 budgets + FTE + investments + liquidity.
    assert len(required) == 12 * 3 + 12 * 12 + 4 + 8 + 5
    assert all(f.sheet and f.cell for f in required)


def test_meta_cells_are_where_the_layout_says(specs: Specs, tmp_path: Path):
    from vrapport.layout import META_KEYS, meta_cell

    path = write_template(specs.template("okonomi"), specs.report, PERIOD, tmp_path / "o.xlsx")
    sheet = openpyxl.load_workbook(path)[META_SHEET]
    values = {key: sheet[meta_cell(key)].value for key in META_KEYS}
    assert (values["template_id"], values["period"]) == ("okonomi", "2024-03")
    assert values["spec_version"] == str(specs.template("okonomi").version)
    assert meta_cell("period") == "B4"


def test_the_reader_does_not_import_the_template_writer():
    import ast

    for module in ("reader.py", "validation.py"):
        tree = ast.parse((ROOT / "src" / "vrapport" / module).read_text(encoding="utf-8"))
        imported = {
            n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
        } | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "vrapport.templates" not in imported, module


def test_no_meta_cell_is_a_literal_outside_the_layout_module():
    """A finding on _meta names its cell through vrapport.layout.meta_cell, never "B4"."""
    import ast

    for path in sorted((ROOT / "src" / "vrapport").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for first, second in zip(node.args, node.args[1:], strict=False):
                if (
                    getattr(first, "id", "") == "META_SHEET"
                    or getattr(first, "value", "") == "_meta"
                ):
                    assert not isinstance(second, ast.Constant) or not second.value, (
                        f"{path.name}:{node.lineno}: use meta_cell(key)"
                    )


def _rules(path: Path, sheet: str):
    return openpyxl.load_workbook(path)[sheet].data_validations.dataValidation


def _rule_at(path: Path, sheet: str, cell: str):
    return next(r for r in _rules(path, sheet) if cell in r.sqref)


def test_a_label_too_long_for_a_prompt_title_gets_none_and_nothing_is_cut(make_template):
    """Excel's prompt title holds 32 characters: a longer label (it heads the column right
    above the cell) is no title, never a cut one; the help text stands whole."""
    rule = _rule_at(make_template("kvalitet"), "Åpne avvik", "D5")
    assert rule.promptTitle is None
    assert rule.prompt == (
        "Valgfritt. Hvor mange av de åpne avvikene som venter på behandling i helseforetakene."
    )
    assert _rule_at(make_template("kvalitet"), "Åpne avvik", "B5").promptTitle == (
        "Antall åpne avvik"
    )
    for path in (ROOT / "templates" / "xlsx").glob("*.xlsx"):
        for ws in openpyxl.load_workbook(path).worksheets:
            for rule in ws.data_validations.dataValidation:
                texts = (rule.promptTitle, rule.prompt, rule.errorTitle, rule.error)
                assert not any(text and text.endswith("…") for text in texts), path.name


TOPIC = "          - {key: assessment, label: Vurdering}"


def test_a_choice_message_too_long_for_excel_is_the_short_one(schemas_copy, tmp_path: Path):
    """Twelve more phases: the list (224 characters) still fits inline, the error message
    naming them all would not: it says to choose from the list, uncut."""
    phases = "[Konsept, Planlegging, Gjennomføring, Avslutning"
    more = "".join(f", Delfase nr. {i:02d}" for i in range(12))
    specs = load_specs(schemas_copy({"prosjekt.yaml": (phases, phases + more)}))
    path = write_template(specs.template("prosjekt"), specs.report, PERIOD, tmp_path / "p.xlsx")
    rule = next(r for r in _rules(path, "Prosjekter") if r.formula1.startswith('"Konsept,'))
    assert len(rule.formula1) - 2 == 44 + 12 * 15 <= 255
    assert rule.error == "Velg en verdi fra listen."


def test_a_choice_with_a_double_quote_is_listed_in_meta(schemas_copy, tmp_path: Path):
    """The inline list is one quoted text: a choice holding «"» would break the rule, so the
    list goes to _meta and the rule refers to it."""
    edits = {"drift.yaml": (TOPIC, "          - {key: assessment, label: 'Vurdering \"B\"'}")}
    specs = load_specs(schemas_copy(edits))
    path = write_template(specs.template("drift"), specs.report, PERIOD, tmp_path / "drift.xlsx")
    rule = next(r for r in _rules(path, "Kommentar") if r.type == "list")
    assert rule.formula1.startswith(f"'{META_SHEET}'!$")
    meta = openpyxl.load_workbook(path)[META_SHEET]
    column = rule.formula1.split("!$")[1].split("$")[0]
    assert [meta[f"{column}{r}"].value for r in (1, 2)] == ["Innledning", 'Vurdering "B"']


def test_the_guide_numbers_and_links_stand_on_the_first_line_of_their_text(make_template):
    """A wrapped instruction's number (and a sheet's →) sat at the bottom of its row, a line
    below the start of its text."""
    guide = openpyxl.load_workbook(make_template("okonomi"))["Veiledning"]
    markers = [row[0] for row in guide.iter_rows() if row[0].value not in (None, "")]
    assert len(markers) >= 8
    for cell in markers:
        assert cell.alignment.vertical == "top", cell.coordinate
        assert guide.cell(cell.row, 2).alignment.vertical == "top", cell.coordinate


def test_the_guide_links_to_a_sheet_whose_name_has_an_apostrophe(schemas_copy, tmp_path: Path):
    """Excel doubles an apostrophe inside a quoted sheet name; «'Driftens beredskap'er'!A1»
    was a link Excel refuses («Referansen er ikke gyldig»)."""
    folder = schemas_copy({"drift.yaml": ("name: Beredskap", "name: Driftens beredskap'er")})
    specs = load_specs(folder)
    path = write_template(specs.template("drift"), specs.report, PERIOD, tmp_path / "d.xlsx")
    guide = openpyxl.load_workbook(path)["Veiledning"]
    links = [c.hyperlink.location for row in guide.iter_rows() for c in row if c.hyperlink]
    assert "'Driftens beredskap''er'!A1" in links and "'Drift'!A1" in links
