"""Headers in another order than the template's: columns are found by their labels, so a label
typed over (or swapped above) figures that stayed where they were would move those figures to
another month or measure without a word. Months out of calendar order, and measures or
columns out of the spec's order, are an error at the header cell; inserted columns are not."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.conftest import PERIOD, set_cells, with_other_examples
from vrapport.spec import Specs
from vrapport.validation import check_files


def _findings(path: Path, specs: Specs):
    (sub,) = check_files([path], specs, PERIOD)
    return sub.findings


def _order(path: Path, specs: Specs):
    return [f for f in _findings(path, specs) if f.code == "header-order"]


@pytest.mark.parametrize(
    ("edits", "cell", "opening", "hint"),
    [
        (  # two months swapped
            {"B4": "Februar", "D4": "Januar"},
            "B4",
            "Månedene står ikke i kalenderrekkefølge: «Februar» i B4 står foran «Januar» i D4. "
            "Malen har månedene fra januar til desember",
            "kontroller at tallene står under riktig måned",
        ),
        (  # two measures swapped under one month
            {"F5": "Budsjett", "G5": "Faktisk"},
            "F5",
            "Under «Mars» står «Budsjett» i F5 foran «Faktisk» i G5; malen har «Faktisk» foran "
            "«Budsjett».",
            "kontroller at tallene står under riktig overskrift",
        ),
    ],
)
def test_swapped_headers_are_an_error_at_the_first_naming_the_templates_order(
    specs: Specs, example_copy, edits, cell, opening, hint
):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", edits)
    (finding,) = _order(path, specs)
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", cell, "error")
    assert finding.message.startswith(opening)
    assert hint in finding.message


# What a swap of two labels is called: its code, what stands out of order, and the word for
# «before» (columns: to the left of, rows: above).
SWAPPED = {
    "columns": ("header-order", "Kolonnene", "foran"),
    "rows": ("row-order", "Radene", "over"),
}


@pytest.mark.parametrize(
    ("kind", "name", "sheet", "edits", "cell", "left", "right"),
    [
        # a table sheet (month rows): two count columns swapped
        (
            "columns",
            "hr.xlsx",
            "Sykefravær",
            {"C4": "Legemeldt korttid i år", "D4": "Egenmeldt i år"},
            "C4",
            "Legemeldt korttid i år",
            "Egenmeldt i år",
        ),
        # a register: two status columns swapped
        (
            "columns",
            "prosjekt.xlsx",
            "Prosjekter",
            {"E4": "Kostnad", "F4": "Fremdrift"},
            "E4",
            "Kostnad",
            "Fremdrift",
        ),
        # the income lines of the P&L: SLA's figures would be read as project income
        (
            "rows",
            "okonomi.xlsx",
            "Resultat",
            {"A6": "Prosjekt/oppdrag/annet", "A7": "SLA (tjenesteavtaler)"},
            "A6",
            "Prosjekt/oppdrag/annet",
            "SLA (tjenesteavtaler)",
        ),
        # two breach types of a grid whose rows come from a catalogue
        (
            "rows",
            "hr.xlsx",
            "AML-brudd",
            {"A7": "AML timer pr. 4 uker", "A8": "AML timer pr. uke"},
            "A7",
            "AML timer pr. 4 uker",
            "AML timer pr. uke",
        ),
        # two chapters' leads: a chapter would open with another's
        (
            "rows",
            "ledelse.xlsx",
            "Ingress",
            {"A6": "5. HR/HMS", "A8": "3. Tjenester/produksjon"},
            "A6",
            "5. HR/HMS",
            "4. Status for prosjektporteføljen",
        ),
    ],
)
def test_swapped_column_or_row_labels_are_an_error_at_the_first(
    specs: Specs, example_copy, kind, name, sheet, edits, cell, left, right
):
    code, what, before = SWAPPED[kind]
    path = set_cells(example_copy(name), sheet, edits)
    (finding,) = [f for f in _findings(path, specs) if f.code == code]
    assert (finding.sheet, finding.cell, finding.severity) == (sheet, cell, "error")
    assert finding.message.startswith(
        f"{what} står i en annen rekkefølge enn i malen: «{left}» i {cell} står {before} "
        f"«{right}» i "
    )
    assert f"malen har «{right}» {before} «{left}»" in finding.message
    place = "på riktig rad" if kind == "rows" else "under riktig overskrift"
    assert f"kontroller at tallene står {place}" in finding.message


@pytest.mark.parametrize(
    ("name", "sheet", "column"),
    [
        ("okonomi.xlsx", "Resultat", 2),  # before the months
        ("okonomi.xlsx", "Resultat", 4),  # between January's budget and February's actual
        ("okonomi.xlsx", "Resultat", 3),  # between January's actual and budget
        ("hr.xlsx", "Sykefravær", 3),
        ("prosjekt.xlsx", "Prosjekter", 5),
    ],
)
def test_inserted_columns_are_no_header_order_finding(
    specs: Specs, example_copy, name, sheet, column
):
    path = example_copy(name)
    workbook = openpyxl.load_workbook(path)
    ws = workbook[sheet]
    ws.protection.sheet = False
    ws.insert_cols(column)
    workbook.save(path)
    findings = _findings(path, specs)
    assert [f for f in findings if f.code == "header-order"] == []
    assert [str(f) for f in findings if f.severity == "error"] == []


def test_swapped_month_rows_of_a_table_are_an_error_at_the_first(specs: Specs, example_copy):
    # Sykefravær: the labels of January (A5) and February (A6) typed over each other; the
    # figures stayed, so January's would be read as February's.
    path = set_cells(example_copy("hr.xlsx"), "Sykefravær", {"A5": "Februar", "A6": "Januar"})
    (finding,) = _order(path, specs)
    assert (finding.sheet, finding.cell, finding.severity) == ("Sykefravær", "A5", "error")
    assert finding.message == (
        "Månedene står ikke i kalenderrekkefølge: «Februar» i A5 står over «Januar» i A6. "
        "Malen har månedene fra januar til desember, ovenfra og ned. Er månedsnavnene byttet "
        "om, står tallene i feil måned: sett månedsnavnene tilbake slik malen har dem, og "
        "kontroller at tallene står på riktig måned."
    )


def test_month_rows_in_order_with_rows_inserted_between_them_are_fine(specs: Specs, example_copy):
    path = example_copy("hr.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Sykefravær"].insert_rows(6, 2)  # two empty rows between January and February
    workbook.save(path)
    assert _order(path, specs) == []


# --- row labels: the lines of a table or grid ----------------------------------------------


def _row_order(path: Path, specs: Specs):
    return [f for f in _findings(path, specs) if f.code == "row-order"]


def test_swapped_row_labels_block_the_build(specs: Specs, example_copy, tmp_path):
    from vrapport.pipeline import build

    path = example_copy("okonomi.xlsx")
    set_cells(path, "Resultat", {"A6": "Prosjekt/oppdrag/annet", "A7": "SLA (tjenesteavtaler)"})
    out = tmp_path / "rapport.xlsx"
    outcome = build([with_other_examples(path.parent)], PERIOD, out, specs)
    assert outcome.blocked and not out.exists()
    assert [(f.sheet, f.cell) for f in outcome.findings if f.code == "row-order"] == [
        ("Resultat", "A6")
    ]


def test_rows_inserted_between_the_lines_are_no_row_order_finding(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Resultat"]
    ws.protection.sheet = False
    ws.insert_rows(7)  # an empty row between SLA and project income
    ws.insert_rows(10)
    ws["A10"] = "Egen merknad"  # a line the template does not have: a warning, not read
    workbook.save(path)
    findings = _findings(path, specs)
    assert _row_order(path, specs) == []
    assert [(f.code, f.cell) for f in findings] == [("unknown-row", "A10")]


def test_a_line_added_with_figures_is_an_error_naming_its_cells(
    specs: Specs, example_copy, tmp_path
):
    """«Diverse» added under the costs with 250 000 for March: no total would count it, and
    the report would show a result 250 000 too good, with a warning nobody reads."""
    from vrapport.pipeline import build

    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"A18": "Diverse", "F18": 250000})
    (finding,) = _findings(path, specs)
    assert (finding.code, finding.cell, finding.severity) == ("unknown-row-values", "A18", "error")
    assert finding.message == (
        "Raden «Diverse» finnes ikke i malen, men har en verdi i F18; den kommer ikke med i "
        "rapporten. Før verdien på malens rader og tøm eller slett raden."
    )
    set_cells(path, "Resultat", {"B18": 1, "D18": 2})
    (finding,) = _findings(path, specs)
    assert "har verdier i 3 celler fra B18 til F18; de kommer ikke med" in finding.message
    out = tmp_path / "rapport.xlsx"
    outcome = build([with_other_examples(path.parent)], PERIOD, out, specs)
    assert outcome.blocked and not out.exists()


def test_a_line_added_without_values_stays_a_warning(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"A18": "Merknad:", "B18": " "})
    (finding,) = _findings(path, specs)
    assert (finding.code, finding.cell, finding.severity) == ("unknown-row", "A18", "warning")
