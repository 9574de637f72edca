"""Values on a sheet that vrapport would not read are findings at their cells, never silently
left out: a row with values but no label (among the template's rows an error, below the table
a warning), and a template column whose header stands twice (which one holds the figures is a
guess). Each case once let a wrong figure into the report with no finding."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.conftest import PERIOD, assert_build_blocked_at
from vrapport.findings import Finding
from vrapport.spec import Specs
from vrapport.validation import check_files


def _edited(path: Path, sheet: str, edit) -> Path:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(path)
    edit(workbook[sheet])
    workbook.save(path)
    return path


def _found(path: Path, specs: Specs, code: str) -> list[Finding]:
    (sub,) = check_files([path], specs, PERIOD)
    return [f for f in sub.findings if f.code == code]


def _row_without_label(ws, row: int, cell: str, value: float) -> None:  # type: ignore[no-untyped-def]
    ws.insert_rows(row)
    ws[cell] = value


def test_a_row_of_values_without_a_label_among_the_rows_blocks_the_build(
    specs: Specs, example_copy, tmp_path: Path
) -> None:
    # 5 000 000 for March typed on a new line between «Konsulent» and «Annet»: no total has it.
    path = _edited(
        example_copy("okonomi.xlsx"),
        "Resultat",
        lambda ws: _row_without_label(ws, 16, "F16", 5_000_000),
    )
    (finding,) = _found(path, specs, "unlabelled-row-values")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", "A16", "error")
    assert finding.message == (
        "Rad 16 har en verdi i F16, men ikke noe radnavn i A16; den kommer ikke med i "
        "rapporten. Før verdien på malens rader og tøm eller slett raden."
    )
    assert_build_blocked_at(path, tmp_path, "Resultat › A16")


def test_unlabelled_values_are_named_in_every_kind_of_sheet(specs: Specs, example_copy) -> None:
    okonomi = example_copy("okonomi.xlsx")
    _edited(okonomi, "Likviditet", lambda ws: _row_without_label(ws, 9, "B9", -100_000_000))
    _edited(okonomi, "Investeringer", lambda ws: _row_without_label(ws, 6, "B6", 1.0))
    found = {(f.sheet, f.cell) for f in _found(okonomi, specs, "unlabelled-row-values")}
    assert found == {("Likviditet", "A9"), ("Investeringer", "A6")}
    hr = example_copy("hr.xlsx")

    def two_values(ws) -> None:  # type: ignore[no-untyped-def]
        _row_without_label(ws, 7, "B7", 9000)
        ws["D7"] = 12

    _edited(hr, "Sykefravær", two_values)
    (finding,) = _found(hr, specs, "unlabelled-row-values")
    assert (finding.sheet, finding.cell) == ("Sykefravær", "A7")
    assert finding.message.startswith("Rad 7 har verdier i 2 celler fra B7 til D7, men ikke")


def test_values_below_the_table_without_a_label_are_a_warning(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    grid_end = openpyxl.load_workbook(path)["Likviditet"].max_row
    cell = f"B{grid_end + 3}"
    _edited(path, "Likviditet", lambda ws: ws.__setitem__(cell, 42))
    assert _found(path, specs, "unlabelled-row-values") == []
    (finding,) = _found(path, specs, "unlabelled-row-below")
    assert (finding.cell, finding.severity) == (f"A{grid_end + 3}", "warning")
    assert f"har en verdi i {cell} uten radnavn" in finding.message


def test_a_second_march_block_is_an_error_at_each_measure(specs: Specs, example_copy) -> None:
    """Two columns inserted before March's, headed «Mars» / «Faktisk» «Budsjett», with half the
    figures: the report read them instead of the real ones."""

    def second_march(ws) -> None:  # type: ignore[no-untyped-def]
        ws.insert_cols(6, 2)
        ws["F4"], ws["F5"], ws["G5"] = "Mars", "Faktisk", "Budsjett"
        ws["F6"] = 17_092_665

    path = _edited(example_copy("okonomi.xlsx"), "Resultat", second_march)
    found = [(f.cell, f.severity, f.message[:48]) for f in _found(path, specs, "duplicate-column")]
    assert found == [
        ("H5", "error", "Kolonnen «Faktisk» for mars står to ganger (i F5"),
        ("I5", "error", "Kolonnen «Budsjett» for mars står to ganger (i G"),
    ]


def test_a_table_column_twice_is_an_error(specs: Specs, example_copy) -> None:
    def twice(ws) -> None:  # type: ignore[no-untyped-def]
        ws["D4"] = "Regnskap hittil i år (kr)"
        ws["D5"] = 1

    path = _edited(example_copy("okonomi.xlsx"), "Investeringer", twice)
    (finding,) = _found(path, specs, "duplicate-column")
    assert (finding.sheet, finding.cell, finding.severity) == ("Investeringer", "D4", "error")
    assert finding.message.startswith(
        "Kolonnen «Regnskap hittil i år (kr)» står to ganger (i C4 og D4)"
    )


def _copy_block(ws, source: str, row_offset: int, col_offset: int, scale: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    for line in ws[source]:
        for cell in line:
            value = cell.value
            if isinstance(value, int | float):
                value = value * scale
            ws.cell(cell.row + row_offset, cell.column + col_offset, value)


def test_a_copy_of_the_table_beside_and_above_it_is_an_error(
    specs: Specs, example_copy, tmp_path: Path
) -> None:
    """A copy of Resultat at AA3, one row higher than the real one at A4 and with half its
    figures: the first header in reading order was the copy's, and its figures were
    reported while the real ones were ignored."""
    path = _edited(
        example_copy("okonomi.xlsx"),
        "Resultat",
        lambda ws: _copy_block(ws, "A4:Y17", -1, 26, scale=0.5),
    )
    (finding,) = _found(path, specs, "duplicate-table")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", "A4", "error")
    assert finding.message.startswith(
        "Tabellen med overskriften «Regnskapslinje» står to ganger på arket (i AA3 og A4)"
    )
    assert_build_blocked_at(path, tmp_path, "Resultat › A4")


def test_a_copy_of_a_register_below_it_is_an_error(specs: Specs, example_copy) -> None:
    path = _edited(
        example_copy("nye_tjenester.xlsx"),
        "Leverte oppdrag",
        lambda ws: _copy_block(ws, "A4:E10", 200, 0),
    )
    (finding,) = _found(path, specs, "duplicate-table")
    assert (finding.sheet, finding.cell) == ("Leverte oppdrag", "A204")


def test_a_register_cell_holding_the_header_text_is_no_table(specs: Specs, example_copy) -> None:
    # «Oppdrags-ID» typed as a title: a value of the register, with no header beside it.
    path = _edited(
        example_copy("nye_tjenester.xlsx"),
        "Leverte oppdrag",
        lambda ws: ws.__setitem__("B9", "Oppdrags-ID"),
    )
    assert _found(path, specs, "duplicate-table") == []


def test_the_header_text_alone_above_the_table_is_no_copy(specs: Specs, example_copy) -> None:
    """«Regnskapslinje» typed as a note in A3, over the real header in A4: the first cell
    in reading order heads no table. It once was taken as the table's header (and the
    real one reported as a copy of it)."""
    (before,) = check_files([example_copy("okonomi.xlsx")], specs, PERIOD)
    path = _edited(
        example_copy("okonomi.xlsx"), "Resultat", lambda ws: ws.__setitem__("A3", "Regnskapslinje")
    )
    (after,) = check_files([path], specs, PERIOD)
    assert [(f.sheet, f.cell, f.code) for f in after.findings] == [
        (f.sheet, f.cell, f.code) for f in before.findings
    ]
    table = after.sheet("result")
    assert table.header_row == before.sheet("result").header_row
    assert table.frame.equals(before.sheet("result").frame)
    assert table.cells.equals(before.sheet("result").cells)


def test_values_in_a_column_beside_a_register_are_named(specs: Specs, example_copy) -> None:
    """«Beløp (kr)» added as column F of the order register, and a number typed in H with
    no header: neither is a template column, and both were left out without a word."""

    def beside(ws) -> None:  # type: ignore[no-untyped-def]
        ws["F4"] = "Beløp (kr)"
        for row in range(5, 15):
            ws.cell(row, 6, 1000 * row)
        ws["H9"] = 42

    path = _edited(example_copy("nye_tjenester.xlsx"), "Leverte oppdrag", beside)
    found = [(f.cell, f.severity, f.message) for f in _found(path, specs, "unread-column-values")]
    assert found == [
        (
            "F4",
            "warning",
            "Kolonnen «Beløp (kr)» (F4) er ikke en av malens kolonner, men har verdier i 10 "
            "celler fra F5 til F14; de leses ikke. Hører de til rapporten, før dem i malens "
            "kolonner.",
        ),
        (
            "H4",
            "warning",
            "Kolonne H er ikke en av malens kolonner, men har en verdi i H9; den leses ikke. "
            "Hører den til rapporten, før den i malens kolonner.",
        ),
    ]


def test_a_header_alone_beside_a_register_is_no_finding(specs: Specs, example_copy) -> None:
    path = _edited(
        example_copy("nye_tjenester.xlsx"),
        "Leverte oppdrag",
        lambda ws: ws.__setitem__("F4", "Notater"),
    )
    assert _found(path, specs, "unread-column-values") == []
