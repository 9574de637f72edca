"""The cell scan (in the pre-flight's pass) finds a cell where python-calamine reads its value:
with or without the optional `r` attribute on cells and rows, outside a row; a cell or row
twice or out of order is refused. A formula, an error or a hidden row is never missed because
its place was written differently from the examples'."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from tests import corpus
from tests.conftest import EXAMPLES, PERIOD, with_other_examples
from vrapport.preflight import col_letters, inspect
from vrapport.spec import Specs
from vrapport.validation import check_files

RESULTAT = corpus.sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
F6 = b'<c r="F6" s="12" t="n"><v>34185330</v></c>'


def _sheet_data(data: str):  # type: ignore[no-untyped-def]
    """An edit that replaces Resultat's cells by `data` (and drops what refers to them)."""

    def edit(sheet: bytes) -> bytes:
        sheet = re.sub(
            rb"<sheetData>.*</sheetData>",
            b"<sheetData>" + data.encode() + b"</sheetData>",
            sheet,
            flags=re.S,
        )
        sheet = re.sub(rb"<mergeCells.*?</mergeCells>", b"", sheet, flags=re.S)
        return re.sub(rb"<dimension[^>]*/>", b"", sheet)

    return edit


def _places(path: Path) -> dict[str, float]:
    """Cell -> value, as python-calamine reads Resultat."""
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Resultat")
    rows = grid.to_python(skip_empty_area=False)
    return {
        f"{col_letters(c + 1)}{r + 1}": v
        for r, row in enumerate(rows)
        for c, v in enumerate(row)
        if v != ""
    }


# A sheet as a list of elements: ("row", r or None, [cell r or None, ...]) or ("cell", r).
_ref = st.tuples(st.sampled_from("ABCDEF"), st.integers(1, 9)).map(lambda t: f"{t[0]}{t[1]}")
_cells = st.lists(st.one_of(st.none(), _ref), max_size=4)
_rows = st.lists(
    st.one_of(
        st.tuples(st.just("row"), st.one_of(st.none(), st.integers(1, 9)), _cells),
        st.tuples(st.just("cell"), st.one_of(st.none(), _ref), st.just([])),
    ),
    min_size=1,
    max_size=6,
)


def _formula_cells(layout: list) -> str:  # type: ignore[type-arg]
    """Every cell a formula whose stored result is its number in the file (1, 2, ...)."""
    out, n = [], 0

    def cell(ref: str | None) -> str:
        nonlocal n
        n += 1
        r = f' r="{ref}"' if ref else ""
        return f"<c{r}><f>{n}*1</f><v>{n}</v></c>"

    for kind, ref, cells in layout:
        if kind == "cell":
            out.append(cell(ref))
        else:
            r = f' r="{ref}"' if ref else ""
            out.append(f"<row{r}>" + "".join(cell(c) for c in cells) + "</row>")
    return "".join(out)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(layout=_rows)
def test_every_value_the_reader_reads_is_at_a_place_the_scan_saw(tmp_path: Path, layout) -> None:  # type: ignore[no-untyped-def]
    path = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "celler.xlsx",
        {RESULTAT: _sheet_data(_formula_cells(layout))},
    )
    findings, book = inspect(path, "celler.xlsx")
    written = sum(1 if kind == "cell" else len(cells) for kind, _, cells in layout)
    if findings:  # a cell or row twice or out of order: refused, never read
        assert [f.code for f in findings] == ["corrupt-file"], findings
        assert "to ganger eller i feil rekkefølge" in findings[0].message
        return
    assert len(_places(path)) == written, "two cells at one place are refused"
    formulas = book.sheets["Resultat"].formulas
    for cell, value in _places(path).items():
        # the formula whose stored result the reader shows is the one the scan keeps there
        assert formulas.get(cell) == f"={int(value)}*1", (cell, value, formulas)


def test_placement_without_r_follows_the_reader(tmp_path: Path) -> None:
    """The rules the property above checks, by example (what python-calamine does)."""
    cases = {
        '<row r="6"><c r="B6"><v>1</v></c><c><v>2</v></c></row>': {"B6": 1, "C6": 2},
        '<row r="5"><c><v>1</v></c></row><row><c><v>2</v></c></row>': {"A5": 1, "A6": 2},
        '<row r="6"><c r="B6"><v>1</v></c></row><c><v>7</v></c>': {"B6": 1, "A7": 7},
        '<row r="6"><c r="B9"><v>1</v></c><c r="C9"><v>2</v></c></row>': {"B9": 1, "C9": 2},
    }
    for data, expected in cases.items():
        target = corpus.rewrite(
            EXAMPLES / "okonomi.xlsx", tmp_path / "celler.xlsx", {RESULTAT: _sheet_data(data)}
        )
        assert _places(target) == expected, data
        findings, book = inspect(target, "celler.xlsx")
        assert findings == [] and set(book.sheets["Resultat"].formulas) == set(), data


@pytest.mark.parametrize(
    ("data", "place", "cell"),
    [
        # B9 then C6: the reader reads both, Excel would repair
        ('<row r="6"><c r="B9"><v>1</v></c><c><v>2</v></c></row>', "C6", "C6"),
        ('<row r="6"><c r="D6"><v>1</v></c><c r="B6"><v>2</v></c></row>', "B6", "B6"),
        # a cell twice: the reader keeps the last, Excel the first or neither
        ('<row r="6"><c r="F6"><v>1</v></c><c r="F6"><v>99</v></c></row>', "F6", "F6"),
        # a row twice, or rows out of order
        (
            '<row r="6"><c r="F6"><v>1</v></c></row><row r="6"><c r="G6"><v>2</v></c></row>',
            "rad 6",
            "",
        ),
        ('<row r="7"><c><v>1</v></c></row><row r="6"><c><v>2</v></c></row>', "rad 6", ""),
        (
            '<row r="30"><c r="F30"><v>1</v></c></row><row r="31"><c r="F6"><v>9</v></c></row>',
            "F6",
            "F6",
        ),
    ],
)
def test_a_cell_or_row_twice_or_out_of_order_is_refused(tmp_path: Path, data, place, cell):
    """As the reviewer's second F6 (or a second row 6 at the end) made the report show it."""
    target = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx", tmp_path / "celler.xlsx", {RESULTAT: _sheet_data(data)}
    )
    [finding], _ = inspect(target, "celler.xlsx")
    assert (finding.code, finding.sheet, finding.ref) == ("corrupt-file", "Resultat", cell)
    assert f"Arket «Resultat» har {place} to ganger eller i feil rekkefølge" in finding.message


# --- the red team's cases: a stale formula, a hidden row, written without `r` ---------------


def _okonomi(tmp_path: Path, edits: dict[str, corpus.Edit]) -> Path:
    folder = tmp_path / "innsendt"
    folder.mkdir(exist_ok=True)
    return corpus.rewrite(EXAMPLES / "okonomi.xlsx", folder / "okonomi.xlsx", edits)


def _replace(old: bytes, new: bytes):  # type: ignore[no-untyped-def]
    def edit(data: bytes) -> bytes:
        assert data.count(old) == 1, old
        return data.replace(old, new)

    return edit


def _codes(sub, code: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.sheet, f.ref, f.severity) for f in sub.findings if f.code == code]


def test_a_stale_formula_in_a_cell_without_r_blocks_the_build(specs: Specs, tmp_path: Path):
    from vrapport.pipeline import build

    stale = b'<c s="12"><f>G6-1000000</f><v>99185330</v></c>'
    path = _okonomi(tmp_path, {RESULTAT: _replace(F6, stale)})
    with_other_examples(path.parent)
    (sub,) = check_files([path], specs, PERIOD)
    assert _codes(sub, "formula-not-computed") == [("Resultat", "F6", "error")]
    out = tmp_path / "rapport.xlsx"
    outcome = build([path.parent], PERIOD, out, specs)
    assert outcome.blocked and not out.exists()


def test_a_formula_without_r_saved_by_excel_is_a_warning_at_its_cell(specs, tmp_path):
    # G6 is 35 593 169: the stored result is what the formula gives
    edits = {RESULTAT: _replace(F6, b'<c s="12"><f>G6-1000000</f><v>34593169</v></c>')}
    path = _okonomi(tmp_path, edits | corpus.saved_by("Microsoft Excel", False))
    (sub,) = check_files([path], specs, PERIOD)
    assert _codes(sub, "formula-in-input") == [("Resultat", "F6", "warning")]


def test_a_formula_in_a_lowercase_reference_is_found(specs: Specs, tmp_path: Path) -> None:
    edits = {RESULTAT: _replace(F6, b'<c r="f6" s="12"><f>G6-1000000</f><v>99185330</v></c>')}
    (sub,) = check_files([_okonomi(tmp_path, edits)], specs, PERIOD)
    assert _codes(sub, "formula-not-computed") == [("Resultat", "F6", "error")]


def test_an_error_value_without_r_is_an_error_at_its_cell(specs: Specs, tmp_path: Path) -> None:
    edits = {RESULTAT: _replace(F6, b'<c s="12" t="e"><v>#DIV/0!</v></c>')}
    (sub,) = check_files([_okonomi(tmp_path, edits)], specs, PERIOD)
    assert [(f.ref, f.severity) for f in sub.findings if f.ref == "F6"] == [("F6", "error")]
    assert "#DIV/0!" in next(f.message for f in sub.findings if f.ref == "F6")


def _hidden_row_6(specs: Specs, tmp_path: Path, row: bytes) -> list:  # type: ignore[type-arg]
    path = _okonomi(tmp_path, {RESULTAT: _replace(b'<row r="6">', row)})
    (sub,) = check_files([path], specs, PERIOD)
    return _codes(sub, "hidden-row")


def test_a_hidden_row_without_r_is_found(specs: Specs, tmp_path: Path) -> None:
    assert _hidden_row_6(specs, tmp_path, b'<row hidden="1">') == [("Resultat", "6:6", "warning")]


def test_a_row_of_zero_height_is_hidden(specs: Specs, tmp_path: Path) -> None:
    row = b'<row r="6" ht="0" customHeight="1">'
    assert _hidden_row_6(specs, tmp_path, row) == [("Resultat", "6:6", "warning")]


def test_a_column_of_zero_width_is_hidden(specs: Specs, tmp_path: Path) -> None:
    old = b'<col width="14.7109375" customWidth="1" min="2" max="25" />'
    new = (
        b'<col width="14.7109375" customWidth="1" min="2" max="5" />'
        b'<col width="0" customWidth="1" min="6" max="6" />'
        b'<col width="14.7109375" customWidth="1" min="7" max="25" />'
    )
    (sub,) = check_files([_okonomi(tmp_path, {RESULTAT: _replace(old, new)})], specs, PERIOD)
    assert [(s, severity) for s, _, severity in _codes(sub, "hidden-column")] == [
        ("Resultat", "warning")
    ]
    assert "Kolonne F er skjult" in next(
        f.message for f in sub.findings if f.code == "hidden-column"
    )


def test_a_cell_inside_a_cell_is_refused(tmp_path: Path) -> None:
    nested = b'<c r="F6"><f>G6-1</f><c r="G6"><v>5</v></c><v>9</v></c>'
    path = _okonomi(tmp_path, {RESULTAT: _replace(F6, nested)})
    findings, _ = inspect(path, "okonomi.xlsx")
    assert [(f.code, f.sheet) for f in findings] == [("corrupt-file", "Resultat")]
    assert "inne i en annen celle" in findings[0].message


def test_a_sheet_outside_the_worksheets_folder_is_checked_too(tmp_path: Path) -> None:
    """The pre-flight checks each sheet where the workbook's relationships put it."""
    source = EXAMPLES / "okonomi.xlsx"
    member = corpus.sheet_member(source, "Resultat")
    far = b'<row r="900000"><c r="B900000"><v>1</v></c></row></sheetData>'
    with zipfile.ZipFile(source) as archive:
        sheet = archive.read(member).replace(b"</sheetData>", far)
        rels = archive.read("xl/_rels/workbook.xml.rels")
        types = archive.read("[Content_Types].xml")
    moved = "xl/data/resultat.xml"
    edits: dict[str, corpus.Edit] = {
        member: None,
        moved: sheet,
        "xl/_rels/workbook.xml.rels": rels.replace(member.encode(), moved.encode()),
        "[Content_Types].xml": types.replace(member.encode(), moved.encode()),
    }
    assert member.encode() in rels and member.encode() in types
    path = corpus.rewrite(source, tmp_path / "flyttet.xlsx", edits)
    findings, _ = inspect(path, "flyttet.xlsx")
    assert [(f.code, f.sheet) for f in findings] == [("sheet-too-large", "Resultat")]


def test_an_inline_text_in_a_cell_not_of_that_type_is_refused(tmp_path: Path) -> None:
    """The reviewer's F6: t="n" with an <is> child. Excel reads no value there, python-calamine
    read 99 999 999 (a warning only, the figure in the report)."""
    cell = b'<c r="F6" s="12" t="n"><is><t>99999999</t></is></c>'
    target = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        {RESULTAT: lambda d: d.replace(F6, cell)},
    )
    [finding], _ = inspect(target, "okonomi.xlsx")
    assert (finding.code, finding.sheet, finding.ref) == ("corrupt-file", "Resultat", "F6")
    assert "innebygd tekst" in finding.message
    # The same text in a cell of the inline type is read (a number as text: a warning later).
    fine = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "fine.xlsx",
        {RESULTAT: lambda d: d.replace(F6, cell.replace(b't="n"', b't="inlineStr"'))},
    )
    assert inspect(fine, "fine.xlsx")[0] == []
