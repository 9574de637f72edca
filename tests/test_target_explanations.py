"""Key figures that miss their target (report.yaml targets, declared on their sheet in the
template spec) need a Kommentar paragraph naming them, as material variances do."""

from __future__ import annotations

import json

from typer.testing import CliRunner
from xlsxwriter.utility import xl_cell_to_rowcol

from tests.conftest import cell_of, set_cells
from tests.test_explanations import lines_column, untag
from vrapport.cli import app

runner = CliRunner()


def _missed(path) -> list[dict]:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    return [f for f in json.loads(result.stdout)["findings"] if f["code"] == "unexplained-target"]


def test_the_examples_explain_the_key_figures_that_miss_their_target(example_copy):
    assert _missed(example_copy("hr.xlsx")) == []
    assert _missed(example_copy("brukerstotte.xlsx")) == []


def test_sick_leave_above_its_target_without_explanation_is_named_at_its_row(example_copy):
    path = example_copy("hr.xlsx")
    untag(path, "Forklarer")
    (found,) = _missed(path)
    row, _ = xl_cell_to_rowcol(cell_of(path, "Sykefravær", "Mars", "Egenmeldt i år"))
    assert (found["sheet"], found["where"]["ref"], found["severity"]) == (
        "Sykefravær",
        f"{row + 1}:{row + 1}",
        "warning",
    )
    # March: (84,2 + 128,5 + 319,7) / 9 318,6 = 5,71 %.
    assert found["message"] == (
        "Sykefravær totalt 5,7\u00a0% er over målet 5,0\u00a0%; forklar det i Kommentar "
        "(velg «Sykefravær totalt» i kolonnen «Forklarer»)."
    )


def test_user_support_below_its_target_without_explanation_is_named_at_its_row(example_copy):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    (found,) = _missed(path)
    cell = cell_of(path, "Henvendelser", "Mars", "Besvart innen 60 sekunder")
    row, _ = xl_cell_to_rowcol(cell)
    assert (found["sheet"], found["where"]["ref"]) == ("Henvendelser", f"{row + 1}:{row + 1}")
    # March: 2 947 / 4 742 answered within 60 s = 62,1 %.
    assert found["message"].startswith(
        "Andel besvart innen 1. minutt 62,1\u00a0% er under målet 70,0\u00a0%;"
    )


def test_a_figure_that_meets_its_target_needs_no_explanation(example_copy):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    # 3 400 of 4 742 calls answered within 60 s: 71,7 %, above the 70 % target.
    set_cells(
        path,
        "Henvendelser",
        {cell_of(path, "Henvendelser", "Mars", "Besvart innen 60 sekunder"): 3400},
    )
    assert _missed(path) == []


def test_the_tag_is_read_in_any_case(example_copy):
    path = example_copy("hr.xlsx")
    untag(path, "Forklarer")
    set_cells(path, "Kommentar", {f"{lines_column(path, 'Forklarer')}5": "sykefravær totalt"})
    assert _missed(path) == []
