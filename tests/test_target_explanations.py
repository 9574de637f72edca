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
    # March: (84,2 + 128,5 + 319,7) / 9 318,6 = 5,71 %; January–March: (575,7 + 503,4 +
    # 532,4) / (10 152,4 + 9 703,0 + 9 318,6) = 1 611,5 / 29 174,0 = 5,52 %.
    assert found["message"] == (
        "Sykefravær totalt i mars 5,7\u00a0% og hittil i år 5,5\u00a0% er over målet "
        "5,0\u00a0%; forklar det i Kommentar (velg «Sykefravær totalt» i kolonnen «Forklarer»)."
    )


def test_user_support_below_its_target_without_explanation_is_named_at_its_row(example_copy):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    (found,) = _missed(path)
    cell = cell_of(path, "Henvendelser", "Mars", "Besvart innen 60 sekunder")
    row, _ = xl_cell_to_rowcol(cell)
    assert (found["sheet"], found["where"]["ref"]) == ("Henvendelser", f"{row + 1}:{row + 1}")
    # March: 2 947 / 4 742 answered within 60 s = 62,1 %; January–March: (4 069 + 3 435 +
    # 2 947) / (5 434 + 5 149 + 4 742) = 10 451 / 15 325 = 68,2 %.
    assert found["message"].startswith(
        "Andel besvart innen 1. minutt i mars 62,1\u00a0% og hittil i år 68,2\u00a0% er under "
        "målet 70,0\u00a0%;"
    )


def test_a_figure_that_meets_its_target_needs_no_explanation(example_copy):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    # 3 400 of 4 742 calls answered within 60 s: 71,7 %, above the 70 % target; the year to
    # date (4 069 + 3 435 + 3 400) / 15 325 = 71,2 % too.
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


def _answered(path, month: str) -> str:  # type: ignore[no-untyped-def]
    return cell_of(path, "Henvendelser", month, "Besvart innen 60 sekunder")


def test_a_year_to_date_below_its_target_needs_an_explanation_though_the_month_meets_it(
    example_copy,
):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    # March 3 350 / 4 742 = 70,6 % meets the target; with January's 3 000 the year to date
    # (3 000 + 3 435 + 3 350) / 15 325 = 63,85 % does not.
    set_cells(
        path, "Henvendelser", {_answered(path, "Mars"): 3350, _answered(path, "Januar"): 3000}
    )
    (found,) = _missed(path)
    row, _ = xl_cell_to_rowcol(_answered(path, "Mars"))
    assert found["where"]["ref"] == f"{row + 1}:{row + 1}"  # at the period's month
    assert found["message"] == (
        "Andel besvart innen 1. minutt hittil i år 63,8\u00a0% er under målet 70,0\u00a0%; "
        "forklar det i Kommentar (velg «Andel besvart innen 1. minutt» i kolonnen «Forklarer»)."
    )


def _low_long_term_leave(path) -> None:  # type: ignore[no-untyped-def]
    # January and February's long-term leave 50 workdays each: the year to date (95,3 + 179,6
    # + 50 + 88,1 + 130,4 + 50 + 532,4) / 29 174,0 = 3,86 %, March alone still 5,71 %.
    set_cells(
        path,
        "Sykefravær",
        {
            cell_of(path, "Sykefravær", m, "Legemeldt langtid i år"): 50
            for m in ("Januar", "Februar")
        },
    )


def test_a_month_above_its_target_is_named_alone_when_the_year_to_date_meets_it(example_copy):
    path = example_copy("hr.xlsx")
    untag(path, "Forklarer")
    _low_long_term_leave(path)
    (found,) = _missed(path)
    assert found["message"].startswith(
        "Sykefravær totalt i mars 5,7\u00a0% er over målet 5,0\u00a0%;"
    )


def test_the_year_to_date_is_checked_only_where_the_spec_says_ytd(example_copy, schemas_copy):
    path = example_copy("brukerstotte.xlsx")
    untag(path, "Forklarer")
    set_cells(
        path, "Henvendelser", {_answered(path, "Mars"): 3350, _answered(path, "Januar"): 3000}
    )
    folder = schemas_copy(
        {"brukerstotte.yaml": ("        limit: min\n        ytd: true\n", "        limit: min\n")}
    )
    result = runner.invoke(
        app, ["check", str(path), "--period", "2024-03", "--json", "--schemas", str(folder)]
    )
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "unexplained-target"]
    assert found == []  # March meets the target; the year to date is not asked for


def test_a_target_ytd_that_is_no_boolean_is_refused_at_load(schemas_copy):
    import pytest

    from vrapport.spec import SpecError, load_specs

    folder = schemas_copy({"hr.yaml": ("        ytd: true\n", "        ytd: ja\n")})
    with pytest.raises(
        SpecError, match="targets.sick_leave_total.ytd: forventet true eller false, fant «ja»"
    ):
        load_specs(folder)
