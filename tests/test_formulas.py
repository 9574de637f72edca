"""A formula in an input cell is recomputed where it can be (vrapport.formulas): a stored
result that is not what the formula gives with the sheet's values is an error at its cell,
never a figure in the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests import corpus
from tests.conftest import EXAMPLES, with_other_examples
from vrapport import formulas
from vrapport.cli import app
from vrapport.formulas import Evaluator
from vrapport.period import Period
from vrapport.spec import Specs

NBSP = "\u00a0"

# A small sheet, 0-based rows as python-calamine reads them ("" is blank):
#      A      B    C     D      E
# 1  "tekst"  1    2     ""     True
# 2  ""       3    ""    -4.5   "5"
# 3  10       20   30    #DIV/0! (special)
GRID: list[list[Any]] = [
    ["tekst", 1.0, 2.0, "", True],
    ["", 3.0, "", -4.5, "5"],
    [10, 20.0, 30.0, "", ""],
]
SPECIAL = {"D3": "#DIV/0!"}


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("=1+2*3", 7),
        ("=(1+2)*3", 9),
        ("=10/4", 2.5),
        ("=2^10", 1024),
        ("=-2^2", 4),  # negation binds tighter than ^ in Excel
        ("=2^3^2", 64),  # ^ is left-associative in Excel
        ("=2^-1", 0.5),
        ("=-B1", -1),
        ("=+B1", 1),
        ("=--B1", 1),
        ("=50%", 0.5),
        ("=B2*10%", 0.3),
        ("=1.5E+3", 1500),
        ("=B1+C1", 3),
        ("=$B$1+$C$1", 3),
        ("=b1+c1", 3),
        ("= B1 + C1 ", 3),
        ("=D1+1", 1),  # blank is 0 in arithmetic
        ("=D2*2", -9),
        ("=A3+B3", 30),
        ("=SUM(B1:C3)", 56),
        ("=SUM(C3:B1)", 56),  # corners in either order
        ("=SUM(B1,C1,100)", 103),
        ("=SUM(B1:C1)*2", 6),
        ("=SUM(D1)", 0),
        ("=MIN(B1:D2)", -4.5),
        ("=MAX(B1:C3)", 30),
        ("=MIN(D1)", 0),  # no numbers: 0, as in Excel
        ("=AVERAGE(B1:C2)", 2),  # the blank C2 is left out
        ("=COUNT(B1:D2)", 4),
        ("=COUNT(D1)", 0),
        ("=ROUND(2.5,0)", 3),  # half away from zero, as Excel
        ("=ROUND(-2.5,0)", -3),
        ("=ROUND(0.285,2)", 0.29),
        ("=ROUND(470*1.005,1)", 472.4),  # 472.35 to Excel's 15 digits, not 472.3499…
        ("=ROUND(-470*1.005,1)", -472.4),
        ("=ROUND(1234.5,-2)", 1200),
        ("=ROUND(B2/7,1.9)", 0.4),  # digits truncated toward zero
        ("=ROUND(D1,0)", 0),
        ("=sum(B1:C1)", 3),
        ("=((((B1))))", 1),
    ],
)
def test_formulas_in_the_subset_give_what_excel_gives(formula: str, value: float) -> None:
    result = Evaluator(GRID, SPECIAL).evaluate(formula, "F9")
    assert result is not None and formulas.close(result, value), (formula, result)


@pytest.mark.parametrize(
    "formula",
    [
        "(delt formel)",  # a shared formula's follower: the leader's text, not its own
        "=A1+1",  # text
        "=E2+1",  # a number typed as text
        "=E1+1",  # a truth value
        "=SUM(A1:B1)",  # text in a range
        "=D3+1",  # an error value (read as blank)
        "=SUM(C3:D3)",
        "=Z99",  # beyond the grid that was read
        "=SUM(A1:Z1)",
        "=Budsjett!B1",  # another sheet
        "='Resultat'!B1",
        "=[1]Ark1!A1",  # another workbook
        "=Rente*2",  # a name
        "=XFE1",  # a name too: beyond Excel's columns
        "=B:B",
        "=B1:C1",  # a range where one value is expected
        "=ROUND(B1:C1,0)",
        "=SUM(B1:C1 B1:B2)",  # intersection
        "=(B1,C1)",  # union
        "=SUM((B1,C1))",
        "=IF(B1>0,1,2)",  # functions outside the set
        "=ABS(B1)",
        "=_xlfn.XLOOKUP(1,B1:B2,C1:C2)",
        "=B1=1",
        "=B1&C1",
        '="12"',
        "=TRUE",
        "=#DIV/0!",
        "={1,2}",
        "=1/0",  # what Excel shows as an error
        "=1/D1",
        "=0^0",
        "=(-8)^(1/3)",
        "=10^400",
        "=1E+400",
        "=AVERAGE(D1)",
        "=ROUND(1)",
        "=SUM()",
        "=SUM(1,)",
        "=inf",  # openpyxl's tokenizer calls these numbers; Excel does not
        "=nan",
        "=1_0",
        "=B1+",
        "=(B1",
        "=B1)",
        "=B1 C1",
        "=F9+1",  # its own cell
        "=SUM(F1:F10)",
        "34185330",  # not a formula
        "",
    ],
)
def test_formulas_outside_the_subset_are_refused(formula: str) -> None:
    assert Evaluator(GRID, SPECIAL).evaluate(formula, "F9") is None


def test_caps_keep_the_work_proportional() -> None:
    grid: list[list[Any]] = [[1.0] * 200 for _ in range(200)]
    sheet = Evaluator(grid, {})
    # length
    long = "=" + "+".join(["1"] * (formulas.MAX_LENGTH // 2 + 1))
    assert len(long) > formulas.MAX_LENGTH and sheet.evaluate(long, "A1") is None
    assert sheet.evaluate("=" + "+".join(["1"] * 400), "GR200") == 400
    # nesting
    deep = formulas.MAX_DEPTH + 1
    assert sheet.evaluate("=" + "(" * deep + "1" + ")" * deep, "A1") is None
    assert sheet.evaluate("=" + "-" * (deep + 1) + "1", "A1") is None
    assert sheet.evaluate("=" + "(" * 10 + "1" + ")" * 10, "A1") == 1
    # the cells one formula's ranges cover (here 40 000 > MAX_CELLS), read or not
    assert sheet.evaluate("=SUM(A1:GR200)", "GS1") is None
    assert sheet.evaluate("=SUM(A1:A1048576)", "GS1") is None
    assert sheet.evaluate("=SUM(A1:CV100)", "GS1") == 10_000
    # and all formulas of a sheet together
    budget = Evaluator(grid, {}, budget=25_000)
    assert [budget.evaluate("=SUM(A1:CV100)", "GS1") for _ in range(3)] == [10_000, 10_000, None]


class _Formulas:
    """The formulas of a sheet, as cellscan.SheetScan gives them."""

    def __init__(self, formulas: dict[str, str]) -> None:
        self.formulas = formulas

    def formula(self, cell: str) -> str | None:
        return self.formulas.get(cell)


def test_a_referenced_formula_is_recomputed_through_a_chain() -> None:
    # A1 =B1*2 (stored 99, gives 2), A2 =A1+1 (stored 100): A2 gives 3, not its stored 100.
    grid: list[list[Any]] = [[99.0, 1.0], [100.0, ""], [7.0, ""]]
    chain = _Formulas({"A1": "=B1*2", "A2": "=A1+1", "A3": "=IF(B1,7,0)"})
    assert Evaluator(grid, {}, formulas=chain).evaluate("=A2", "C1") == 3
    assert Evaluator(grid, {}).evaluate("=A2", "C1") == 100  # without the formulas: stored
    # a formula outside the subset counts with its stored result
    assert Evaluator(grid, {}, formulas=chain).evaluate("=A3*2", "C1") == 14


def test_chains_that_are_circular_or_too_long_use_the_stored_result() -> None:
    grid: list[list[Any]] = [[5.0, 6.0]]
    circular = _Formulas({"A1": "=B1", "B1": "=A1"})
    assert Evaluator(grid, {}, formulas=circular).evaluate("=A1+B1", "C1") == 11
    # 20 000 formulas, each the next one plus 1 (B1 =B2+1, ..., the last a number): no
    # recursion; MAX_CHAIN of them are recomputed, past those the stored result (0).
    rows = 20_000
    tall: list[list[Any]] = [["", 0.0] for _ in range(rows)] + [["", 1.0]]
    chain = _Formulas({f"B{r}": f"=B{r + 1}+1" for r in range(1, rows + 1)})
    value = Evaluator(tall, {}, formulas=chain).evaluate("=B1", "A1")
    assert value == formulas.MAX_CHAIN
    short = _Formulas({f"B{r}": f"=B{r + 1}+1" for r in range(1, 11)})
    assert Evaluator(tall, {}, formulas=short).evaluate("=B1", "A1") == 10


# --- end to end: okonomi.xlsx › Resultat › F6 ------------------------------------------------

RESULTAT = corpus.sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
# In the example, Resultat › D6 (SLA, actual February) is 34 184 825 and F6 (March) 34 185 330.


def _check(
    tmp_path: Path, formula: str, stored: str, calc: str = ""
) -> tuple[int, list[dict[str, Any]]]:
    """`check --json` of the example okonomi.xlsx with F6 the formula and stored result given,
    saved by Excel (so the stored results count as computed), `calc` attributes added to
    the workbook's <calcPr>."""
    edits = {RESULTAT: corpus.formula_at("F6", formula, stored)}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    if calc:
        saved = edits["xl/workbook.xml"]
        assert callable(saved)
        edits["xl/workbook.xml"] = lambda data: saved(data).replace(
            b"<calcPr ", f"<calcPr {calc} ".encode(), 1
        )
    tmp_path.mkdir(exist_ok=True)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    findings = json.loads(result.output)["findings"]
    return result.exit_code, [f for f in findings if f["location"] != "okonomi.xlsx"]


def _at_f6(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["code"], f["severity"]) for f in findings if f["cell"] == "F6"]


def test_a_stale_stored_result_is_an_error_at_its_cell(tmp_path: Path) -> None:
    code, findings = _check(tmp_path, "D6+505", "34185330000")
    assert code == 1
    (finding,) = [f for f in findings if f["code"] == "formula-stale"]
    assert finding["location"] == "okonomi.xlsx › Resultat › F6"
    assert finding["severity"] == "error" and finding["category"] == "value"
    assert finding["column"] == "Faktisk"  # the column the cell is under, as other findings
    message = finding["message"]
    assert "«=D6+505»" in message
    assert f"gir 34{NBSP}185{NBSP}330," in message
    assert f"lagrede verdien er 34{NBSP}185{NBSP}330{NBSP}000." in message
    assert "Excel" in message and "skriv inn" in message
    assert finding["params"] == {"formula": "=D6+505", "stored": 34185330000, "computed": 34185330}
    assert _at_f6(findings) == [("formula-stale", "error")]  # not also the warning


@pytest.mark.parametrize(
    ("stored", "blocked"), [("99999999", True), ("34 185 330", False), ("34185330", False)]
)
def test_a_result_stored_as_text_is_judged_as_the_number_it_reads_as(
    tmp_path: Path, stored: str, blocked: bool
) -> None:
    """`t="str"` keeps a formula's result as text, which the number column reads as a number:
    a stale one slipped past the recomputation into the report (the reviewer's 99 999 999)."""

    def as_text(data: bytes) -> bytes:
        data = corpus.formula_at("F6", "D6+505", stored)(data)
        return data.replace(b'<c r="F6">', b'<c r="F6" t="str">', 1)

    edits: dict[str, corpus.Edit] = {RESULTAT: as_text}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    found = _at_f6(json.loads(result.output)["findings"])
    if blocked:
        assert ("formula-stale", "error") in found and result.exit_code == 1
        assert ("formula-in-input", "warning") not in found
    else:
        assert ("formula-in-input", "warning") in found and result.exit_code == 0
        assert ("formula-stale", "error") not in found


def test_a_stale_result_tells_apart_values_that_differ_in_the_decimals(tmp_path: Path) -> None:
    code, findings = _check(tmp_path, "D6/7000000", "4.8835")  # 4,88354642857...
    (finding,) = [f for f in findings if f["code"] == "formula-stale"]
    assert code == 1
    assert "gir 4,88355," in finding["message"] and "er 4,8835." in finding["message"]


@pytest.mark.parametrize(
    ("formula", "stored"),
    [
        ("D6+505", "34185330"),
        ("D6+505", "34185330.0000001"),  # within floating-point tolerance
        ("SUM(B6:E6)-B6-C6-E6+505", "34185330"),
        ("ROUND(D6*1.0000148,0)", "34185331"),
    ],
)
def test_a_stored_result_the_formula_gives_is_read_with_the_warning(
    tmp_path: Path, formula: str, stored: str
) -> None:
    code, findings = _check(tmp_path, formula, stored)
    assert code == 0, findings
    assert _at_f6(findings) == [("formula-in-input", "warning")]
    (finding,) = [f for f in findings if f["cell"] == "F6"]
    assert finding["column"] == "Faktisk"
    assert "resultatet som ble lagret sist filen ble beregnet, leses" in finding["message"]


@pytest.mark.parametrize(
    "formula",
    [
        "IF(D6>0,D6+505,0)",  # a function outside the set
        "Budsjett!D6+505",  # another sheet
        "A6&amp;D6",  # text (& as the XML writes it)
    ],
)
def test_a_formula_that_is_not_recomputed_keeps_the_warning(tmp_path: Path, formula: str) -> None:
    """Not recomputed, so not judged: the stored result is read with the warning, as before."""
    code, findings = _check(tmp_path, formula, "34185330")
    assert code == 0, findings
    assert _at_f6(findings) == [("formula-in-input", "warning")]


def test_a_formula_on_a_stale_formula_is_stale_too(tmp_path: Path) -> None:
    """D6 is a formula too, its stored result stale (1+1 stored as 34 184 825): F6 =D6+505,
    stored consistent with D6's stale result, gives 507 with D6 recomputed. Both are
    errors; before, F6 was read with D6's stale result."""
    d6, f6 = corpus.formula_at("D6", "1+1", "34184825"), corpus.formula_at("F6", "D6+505", "")
    edits = {RESULTAT: lambda data: f6(d6(data)).replace(b"<v></v>", b"<v>34185330</v>")}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    found = {(f["cell"], f["code"]) for f in json.loads(result.output)["findings"]}
    assert {("D6", "formula-stale"), ("F6", "formula-stale")} <= found, found
    assert result.exit_code == 1


def test_a_stale_result_passed_on_through_helper_cells_is_found(tmp_path: Path) -> None:
    """F6 =Z6, Z6 =AA6*2 beside the table with a stale result (AA6 is 100): F6's stored
    result agrees with Z6's, so comparing with Z6's stored result found nothing, and the
    stale figure went into the report."""
    helpers = b'<c r="Z6"><f>AA6*2</f><v>34185330</v></c><c r="AA6"><v>100</v></c></row>'

    def edit(data: bytes) -> bytes:
        data = corpus.formula_at("F6", "Z6", "34185330")(data)
        start = data.index(b'<row r="6"')
        end = data.index(b"</row>", start)
        return data[:end] + helpers + data[end + len(b"</row>") :]

    edits: dict[str, corpus.Edit] = {RESULTAT: edit}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["code"] == "formula-stale"]
    assert finding["cell"] == "F6" and result.exit_code == 1
    assert finding["params"] == {"formula": "=Z6", "stored": 34185330, "computed": 200}


def test_a_stale_result_blocks_the_build(specs: Specs, tmp_path: Path) -> None:
    from vrapport.pipeline import build

    folder = tmp_path / "innsendt"
    folder.mkdir()
    edits = {RESULTAT: corpus.formula_at("F6", "D6+505", "34185330000")}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    corpus.rewrite(EXAMPLES / "okonomi.xlsx", folder / "okonomi.xlsx", edits)
    with_other_examples(folder)
    out = tmp_path / "rapport.xlsx"
    outcome = build([folder], Period(2024, 3), out, specs)
    assert outcome.blocked and not out.exists()
    assert [(f.sheet, f.cell) for f in outcome.findings if f.code == "formula-stale"] == [
        ("Resultat", "F6")
    ]


# --- shared formulas: Excel writes a formula filled down once, at the group's first cell --------
# F7 is SLA's March is in row 6; row 7 (project income) has D7 13 239 013, F7 16 538 861.


def _check_shared(tmp_path: Path, formula: str, stored: dict[str, str]) -> list[dict[str, Any]]:
    edits = {RESULTAT: corpus.shared_formula(formula, stored)}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == (0 if report["valid"] else 1)
    return [f for f in report["findings"] if f["location"] != "okonomi.xlsx"]


def test_a_stale_result_of_a_shared_formulas_follower_is_an_error_at_its_cell(tmp_path: Path):
    """F7 holds the shared formula of F6 (D6+505 filled down: D7+505 = 13 239 518), with a
    stored result changed to 99 999 999 after Excel computed it. It was read as a figure,
    with a warning that showed «(delt formel)»."""
    findings = _check_shared(tmp_path, "D6+505", {"F6": "34185330", "F7": "99999999"})
    assert [(f["cell"], f["code"], f["severity"]) for f in findings] == [
        ("F6", "formula-in-input", "warning"),
        ("F7", "formula-stale", "error"),
    ]
    message = findings[1]["message"]
    assert f"«=D7+505», som med verdiene i arket nå gir 13{NBSP}239{NBSP}518," in message
    assert findings[1]["params"]["formula"] == "=D7+505"


def test_a_shared_formulas_follower_with_its_result_is_read_with_its_own_formula(tmp_path: Path):
    findings = _check_shared(tmp_path, "$D6+505", {"F6": "34185330", "F7": "13239518"})
    assert [(f["cell"], f["code"]) for f in findings] == [
        ("F6", "formula-in-input"),
        ("F7", "formula-in-input"),
    ]
    assert "«=$D7+505»" in findings[1]["message"]  # a $ column stays, the row moves


def test_a_follower_of_a_shared_reference_to_another_workbook_is_that_error_too(tmp_path: Path):
    """The leader's text names the other workbook; the follower, without text of its own,
    fetched its value from it as well and was read as a figure."""
    findings = _check_shared(tmp_path, "[1]Ark1!D6", {"F6": "34185330", "F7": "16538861"})
    assert [(f["cell"], f["code"], f["severity"]) for f in findings] == [
        ("F6", "external-reference", "error"),
        ("F7", "external-reference", "error"),
    ]
    assert "«=[1]Ark1!D7»" in findings[1]["message"]


def test_a_follower_is_moved_as_excel_moves_it_or_left_unresolved() -> None:
    from vrapport.cellscan import SHARED_FOLLOWER, SheetScan

    scan = SheetScan(
        formulas={"F6": "=SUM(B6:E6)", "F7": SHARED_FOLLOWER, "F5": SHARED_FOLLOWER},
        followers={"F7": ("F6", "=SUM(B6:E6)"), "F5": ("F6", "=A1+B$1")},
    )
    assert scan.formula("F7") == "=SUM(B7:E7)"
    assert scan.formula("F5") == SHARED_FOLLOWER  # A0: above the grid, not recomputed
    assert scan.formula("F6") == "=SUM(B6:E6)" and scan.formula("G1") is None
    orphan = SheetScan(formulas={"F7": SHARED_FOLLOWER})  # its leader never seen
    assert orphan.formula("F7") == SHARED_FOLLOWER


def test_a_follower_without_its_groups_first_cell_is_named_so(tmp_path: Path) -> None:
    """A shared formula's follower whose group (si="9") has no first cell: no text to show
    (the message said «Cellen har formelen «(delt formel)»»)."""
    edits = {RESULTAT: corpus.formula_at("F7", "", "16538861", ' t="shared" si="9"')}
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["cell"] == "F7"]
    assert finding["code"] == "formula-in-input"
    assert finding["message"].startswith("Cellen har en delt formel uten tekst (gruppens første")
    assert "«(delt formel)»" not in finding["message"]


def test_results_stored_as_shown_are_not_recomputed(tmp_path: Path) -> None:
    """With Excel's «precision as displayed» (fullPrecision="0") results are stored rounded
    to their number format: =D6/7 stored as 4883546 is Excel's own result, not a stale one."""
    code, findings = _check(tmp_path / "a", "D6/7", "4883546", 'fullPrecision="0"')
    assert code == 0 and _at_f6(findings) == [("formula-in-input", "warning")], findings
    code, findings = _check(tmp_path / "b", "D6/7", "4883546")
    assert code == 1 and _at_f6(findings) == [("formula-stale", "error")], findings


@pytest.mark.parametrize(
    ("formula", "external"),
    [
        ("=[1]Budsjett!B6", True),
        ("=[2]!Navn", True),  # a name of another workbook
        ("='C:\\data\\[budsjett.xlsx]Ark 1'!A1", True),
        ("=[budsjett.xlsx]Ark1!A1", True),
        ("='[1]Ark 1'!A1", True),
        ("='[1]Bob''s'!A1", True),
        ("='[budsjett.xlsx]Ark 1'!A1", True),
        ("=[1]Ark1:Ark3!A1", True),
        ("=SUM(A1,[1]Økonomi!B2)", True),
        ("=Tabell1[Beløp]", False),  # a table's column, in this workbook
        ("=SUM(Tabell1[[#Data],[Beløp]])", False),
        ("=Tabell1[1]*2", False),  # a column named «1»
        ("=SUM(Tabell1[[#Data],[1]])", False),
        ("=Tabell1[Beløp]+Budsjett!B6", False),
        ("='Ark 1'!A1+Tabell1[[1]:[2]]+'Ark 2'!B1", False),
        ('="se [1]Ark!A1"', False),  # a text
        ("=Budsjett!B6", False),
    ],
)
def test_references_to_other_workbooks_are_told_from_table_columns(formula, external) -> None:
    from vrapport.cellscan import SheetScan

    assert SheetScan(formulas={"F6": formula}).external("F6") is external


def test_names_linking_to_other_workbooks_are_followed_through_names() -> None:
    from vrapport.cellscan import MAX_NAME_LINKS, external_names, linked_name

    chain = {f"N{k}": f"N{k + 1}*2" for k in range(MAX_NAME_LINKS + 2)}
    chain[f"N{MAX_NAME_LINKS + 2}"] = "[1]Ark!A1"
    found = external_names(chain | {"LOCAL": "Resultat!$F$6", "TEXT": '"[1]Ark!A1"&""'})
    assert f"N{MAX_NAME_LINKS + 2}" in found and "N2" in found
    assert "N0" not in found  # beyond the depth followed (proportional work)
    assert "LOCAL" not in found
    assert "TEXT" not in found  # a text that looks like a link is a text
    assert linked_name('=n2+"N1"', found) == "n2"
    assert linked_name('="N2"&LOCAL', found) is None


def _array_at_f6_to_f8(data: bytes) -> bytes:
    """Resultat › F6:F8 (actual March of three lines) one array formula, as Excel writes
    one entered with Ctrl+Shift+Enter: the <f> at F6 with the range, F7 and F8 only their
    results."""
    data = corpus.formula_at("F6", "D6:D8+505", "34185330", ' t="array" ref="F6:F8"')(data)
    return data


@pytest.mark.parametrize("computed", [True, False])
def test_every_cell_of_an_array_formula_is_a_formula(tmp_path: Path, computed: bool) -> None:
    """F7 and F8 of an array formula hold results like F6, without an <f> of their own:
    they were read as typed figures, with no finding even where nothing computed them."""
    edits: dict[str, corpus.Edit] = {RESULTAT: _array_at_f6_to_f8}
    if computed:
        edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    findings = json.loads(result.output)["findings"]
    found = {(f["cell"], f["code"]) for f in findings if f["cell"] in ("F6", "F7", "F8")}
    code = "formula-in-input" if computed else "formula-not-computed"
    assert found == {("F6", code), ("F7", code), ("F8", code)}
    f8 = next(f for f in findings if f["cell"] == "F8")
    assert "«{=D6:D8+505}»" in f8["message"]
    assert result.exit_code == (0 if computed else 1)


def test_every_cell_of_a_data_table_is_a_formula(tmp_path: Path) -> None:
    """A what-if data table (Data › What-If Analysis › Data Table) over F6:F8: its cells
    are results Excel computes, shown as {=TABLE(,B3)}."""
    edits: dict[str, corpus.Edit] = {
        RESULTAT: corpus.formula_at(
            "F6", "", "34185330", ' t="dataTable" ref="F6:F8" dt2D="0" dtr="0" r1="B3"'
        )
    }
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    findings = json.loads(result.output)["findings"]
    at = {f["cell"]: f for f in findings if f["code"] == "formula-not-computed"}
    assert {"F6", "F7", "F8"} <= set(at)
    assert "«{=TABLE(,B3)}»" in at["F7"]["message"]
    assert "delt formel" not in at["F6"]["message"]


def test_a_label_given_by_a_formula_in_a_file_nothing_computed_is_an_error(
    tmp_path: Path,
) -> None:
    """A6's «SLA (tjenesteavtaler)» the stored result of a formula (t="str") in a file a
    program wrote: the label decides which row the figures belong to, and its stored text
    may be anything."""
    label = corpus.formula_at("A6", '"SLA "&amp;"(tjenesteavtaler)"', "SLA (tjenesteavtaler)")
    edits: dict[str, corpus.Edit] = {
        RESULTAT: lambda data: label(data).replace(b'<c r="A6">', b'<c r="A6" t="str">', 1)
    }
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    (finding,) = [
        f for f in json.loads(result.output)["findings"] if f["code"] == "formula-in-label"
    ]
    assert finding["location"] == "okonomi.xlsx › Resultat › A6" and result.exit_code == 1
    assert finding["message"].startswith(
        'Teksten «SLA (tjenesteavtaler)» er resultatet av formelen «="SLA "&"(tjenesteavtaler)"»'
    )
    # saved by Excel, the text is the formula's: no finding
    edits |= corpus.saved_by("Microsoft Excel", recalc_on_load=False)
    path = corpus.rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "excel.xlsx", edits)
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    codes = {f["code"] for f in json.loads(result.output)["findings"]}
    assert "formula-in-label" not in codes and result.exit_code == 0
