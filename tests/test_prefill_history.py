"""`vrapport templates PERIOD --from DIR` carries what does not change into next period's
templates: the months before the period (history, across New Year too), and, within the
year, the columns and rows marked `carry` (budgets, last year's figures, opening balance)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from vrapport.cli import app
from vrapport.period import Period
from vrapport.spec import Specs
from vrapport.validation import check_files

runner = CliRunner()


def _make(tmp_path: Path, period: str, *only: str) -> Path:
    out = tmp_path / "maler"
    args = ["templates", period, "--out", str(out), "--from", str(EXAMPLES)]
    for template_id in only:
        args += ["--only", template_id]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "forhåndsutfylt fra" in result.output
    return out


def _frames(path: Path, specs: Specs, period: Period):
    (sub,) = check_files([path], specs, period)
    return sub, {k: d.frame for k, d in sub.sheets.items()}


def test_next_month_of_the_same_year(tmp_path: Path, specs: Specs):
    out = _make(tmp_path, "2024-04", "okonomi")
    april, new = _frames(out / "okonomi_2024-04.xlsx", specs, Period(2024, 4))
    _, old = _frames(EXAMPLES / "okonomi.xlsx", specs, Period(2024, 3))
    result, before = new["result"], old["result"]
    history = result["_month"] <= 3
    assert result.loc[history, "actual"].tolist() == before.loc[history, "actual"].tolist()
    assert result["budget"].tolist() == before["budget"].tolist()  # carried: whole year
    assert result.loc[~history, "actual"].isna().all()  # April onwards: the department's
    liquidity = new["liquidity"].set_index("_row")["amount"]
    previous = old["liquidity"].set_index("_row")["amount"]
    for key in ("opening_balance", "m01", "m02", "m03", "credit_limit"):
        assert liquidity[key] == previous[key]
    assert liquidity[["m04", "m05"]].isna().all()
    assert new["fte"].set_index("_row").at["year_start", "fte"] == 470
    investments = new["investments"]
    assert investments["annual_budget"].notna().all()
    assert investments["actual_ytd"].isna().all()  # changes every month: not carried
    # What is left to fill in is exactly April's figures.
    required = {(f.sheet, f.cell) for f in april.findings if f.code == "required"}
    assert len(required) == 12 + 1 + 1 + 4  # result lines, movement, FTE, investments


def test_rolling_window_reaches_back_over_new_year(tmp_path: Path, specs: Specs):
    out = _make(tmp_path, "2025-01", "brukerstotte", "hr")
    _, new = _frames(out / "brukerstotte_2025-01.xlsx", specs, Period(2025, 1))
    _, old = _frames(EXAMPLES / "brukerstotte.xlsx", specs, Period(2024, 3))
    contacts = new["contacts"].set_index("_row")["contacts"]
    previous = old["contacts"].set_index("_row")["contacts"]
    # January–March 2024 were this year's months in March 2024; in January 2025 they are
    # last year's.
    for month in (1, 2, 3):
        assert contacts[f"p{month:02d}"] == previous[f"m{month:02d}"]
    assert contacts[["p04", "m01"]].isna().all()
    # At New Year, 2024's own sick-leave figures become the new template's "i fjor" columns.
    _, hr = _frames(out / "hr_2025-01.xlsx", specs, Period(2025, 1))
    _, hr_old = _frames(EXAMPLES / "hr.xlsx", specs, Period(2024, 3))
    prior = hr["sick_leave"].set_index("_row")["agreed_prior"]
    agreed = hr_old["sick_leave"].set_index("_row")["agreed"]
    assert prior[["m01", "m02", "m03"]].tolist() == agreed[["m01", "m02", "m03"]].tolist()
    assert prior[["m04", "m12"]].isna().all()
    assert hr["sick_leave"]["agreed"].isna().all()


@pytest.mark.parametrize("template_id", ["kvalitet", "nye_tjenester", "drift"])
def test_record_history_is_carried(tmp_path: Path, specs: Specs, template_id: str):
    out = _make(tmp_path, "2024-04", template_id)
    _, new = _frames(out / f"{template_id}_2024-04.xlsx", specs, Period(2024, 4))
    _, old = _frames(EXAMPLES / f"{template_id}.xlsx", specs, Period(2024, 3))
    sheet = {"kvalitet": "open_deviations", "nye_tjenester": "orders", "drift": "preparedness"}[
        template_id
    ]
    assert len(new[sheet]) == len(old[sheet]) > 0


def test_at_new_year_this_years_figures_become_last_years(specs: Specs):
    from vrapport.prefill import carried_values

    (previous,) = check_files([EXAMPLES / "hr.xlsx"], specs, Period(2024, 3))
    previous.meta["period"] = "2023-12"  # as if these were the figures of the year before
    carried = carried_values(specs.template("hr"), previous, Period(2024, 1))["sick_leave"]
    frame = previous.sheets["sick_leave"].frame.set_index("_row")
    for month in ("m01", "m02", "m03"):
        assert carried[month]["agreed_prior"] == frame.at[month, "agreed"]
        assert carried[month]["medically_long_prior"] == frame.at[month, "medically_long"]
        assert "agreed" not in carried[month]  # the new year's own figures start empty


def test_risk_register_is_carried(tmp_path: Path, specs: Specs):
    out = _make(tmp_path, "2024-04", "prosjekt")
    _, new = _frames(out / "prosjekt_2024-04.xlsx", specs, Period(2024, 4))
    _, old = _frames(EXAMPLES / "prosjekt.xlsx", specs, Period(2024, 3))
    assert new["risks"]["description"].tolist() == old["risks"]["description"].tolist()


def test_new_year_opens_with_last_years_closing_figures(specs: Specs, make_filled):
    from vrapport.prefill import carried_values

    movements = {f"m{m:02d}": {"amount": -1_000_000 * m} for m in range(1, 13)}
    december = make_filled(
        "okonomi",
        {
            "fte": {"year_start": {"fte": 470.0}}
            | {f"m{m:02d}": {"fte": 470.0 + m} for m in range(1, 13)},
            "liquidity": {
                "opening_balance": {"amount": -300_000_000},
                "credit_limit": {"amount": 640_000_000},
            }
            | movements,
        },
        period=Period(2024, 12),
    )
    (previous,) = check_files([december], specs, Period(2024, 12))
    carried = carried_values(specs.template("okonomi"), previous, Period(2025, 1))
    assert carried["fte"]["year_start"]["fte"] == 482.0  # December's FTE
    liquidity = carried["liquidity"]
    assert liquidity["opening_balance"]["amount"] == -300_000_000 - 78_000_000  # closing 2024
    assert liquidity["credit_limit"]["amount"] == 640_000_000
    assert "m01" not in liquidity  # the new year's movements are the department's
    assert "result" not in carried  # a new year has a new budget


@pytest.mark.parametrize(
    ("template_id", "sheet", "column"),
    [
        ("nye_tjenester", "orders", "delivered"),
        ("drift", "preparedness", "date"),
        ("kvalitet", "open_deviations", "date"),
    ],
)
def test_at_new_year_registers_carry_only_last_and_this_years_records(
    tmp_path: Path, specs: Specs, template_id: str, sheet: str, column: str
):
    """January 2025's register starts with 2024's records: 2023's cannot be counted in any
    figure of the 2025 reports (which compare 2025 with 2024), and would each be warned
    about."""
    out = _make(tmp_path, "2025-01", template_id)
    january, new = _frames(out / f"{template_id}_2025-01.xlsx", specs, Period(2025, 1))
    _, old = _frames(EXAMPLES / f"{template_id}.xlsx", specs, Period(2024, 3))
    kept = [d for d in old[sheet][column] if d.year >= 2024]
    assert len(kept) < len(old[sheet])  # the example holds 2023 records too
    assert list(new[sheet][column]) == kept
    assert not [f for f in january.findings if f.code == "date-before-range"]
    # Nothing but what January's own figures will settle (the count closing January).
    warnings = [f for f in january.findings if f.severity == "warning"]
    assert {f.code for f in warnings} <= {"missing-closing-count"}, [str(f) for f in warnings]


def test_templates_from_writes_the_same_bytes_on_every_run(tmp_path: Path):
    """As `templates` does: nothing in a pre-filled template depends on when it was made
    (openpyxl stamps the time of saving; the zip members carry it too)."""
    import zipfile

    first = _make(tmp_path / "a", "2024-04")
    second = _make(tmp_path / "b", "2024-04")
    names = sorted(p.name for p in first.glob("*.xlsx"))
    assert names and names == sorted(p.name for p in second.glob("*.xlsx"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        with zipfile.ZipFile(first / name) as archive:
            # xlsxwriter (in memory) dates its members 1.1.1980; the pre-filled ones the
            # template date.
            fixed = {(1980, 1, 1, 0, 0, 0), (2000, 1, 1, 0, 0, 0)}
            assert {i.date_time for i in archive.infolist()} <= fixed, name
            core = archive.read("docProps/core.xml").decode()
            assert "2000-01-01T00:00:00Z</dcterms:modified>" in core, name


def _changed_copy(source: Path, target: Path) -> None:
    """A second, different submission of the same template (one amount changed)."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    ws = wb["Resultat"]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.value += 1
                wb.save(target)
                return
    raise AssertionError("no number to change")


def test_templates_from_two_different_files_of_one_template_is_an_error(tmp_path: Path):
    folder = tmp_path / "forrige"
    folder.mkdir()
    (folder / "okonomi.xlsx").write_bytes((EXAMPLES / "okonomi.xlsx").read_bytes())
    _changed_copy(EXAMPLES / "okonomi.xlsx", folder / "okonomi2.xlsx")
    out = tmp_path / "maler"
    args = ["templates", "2024-04", "--out", str(out), "--from", str(folder), "--only", "okonomi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    words = " ".join(result.output.replace("│", " ").split())
    assert "To filer er levert fra malen «okonomi»" in words
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize(
    ("name", "content"), [("notat.pdf", b"%PDF-1.4\n%\xe2\xe3\n"), ("notat.txt", b"hei\n")]
)
def test_templates_from_a_file_that_is_no_workbook_is_an_error(
    tmp_path: Path, name: str, content: bytes
):
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "maler"
    args = ["templates", "2024-04", "--out", str(out), "--only", "okonomi"]
    result = runner.invoke(app, [*args, "--from", str(bad), "--from", str(EXAMPLES)])
    assert result.exit_code == 1, result.output
    words = " ".join(result.output.replace("│", " ").split())
    assert f"forrige periode: {name}" in words
    assert "ikke en Excel-arbeidsbok" in words
    assert not out.exists() or not list(out.iterdir())


def test_templates_from_an_older_period_says_which_period_it_was_filled_from(tmp_path: Path):
    out = tmp_path / "maler"
    args = ["templates", "2024-05", "--out", str(out), "--from", str(EXAMPLES), "--only", "okonomi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "gjelder 2024-03, ikke måneden før (2024-04)" in text
    assert "forhåndsutfylt fra forrige periode: okonomi.xlsx, 2024-03" in text
    assert (out / "okonomi_2024-05.xlsx").exists()


def test_templates_from_a_period_with_nothing_to_carry_says_so(tmp_path: Path):
    out = tmp_path / "maler"
    args = ["templates", "2025-01", "--out", str(out), "--from", str(EXAMPLES), "--only", "okonomi"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "har ingenting som gjelder 2025-01; malen «okonomi» er ikke forhåndsutfylt" in text
    assert "forhåndsutfylt fra" not in text


@pytest.mark.parametrize("source", ["folder", "file"])
def test_templates_into_the_submissions_they_are_filled_from_are_refused(
    tmp_path: Path, source: str
):
    folder = tmp_path / "mars"
    folder.mkdir()
    (folder / "hr.xlsx").write_bytes((EXAMPLES / "hr.xlsx").read_bytes())
    given = folder if source == "folder" else folder / "hr.xlsx"
    args = ["templates", "2024-04", "--out", str(folder), "--from", str(given), "--only", "hr"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "er mappen med forrige periodes innsendinger (--from)" in " ".join(result.output.split())
    assert sorted(p.name for p in folder.iterdir()) == ["hr.xlsx"]
