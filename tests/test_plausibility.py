"""The controller's plausibility checks: wrong scale, outliers, copied months, signs.

Cases a controller chases at month-end, each at its cell in a real example file; then
property-based draws over realistic variants of all example submissions (tests/realistic.py):
one tampered cell is caught, untouched data gives no finding of these kinds.
"""

from __future__ import annotations

import json
import re

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from tests import realistic
from tests.conftest import ROOT, cell_of, set_cells
from vrapport.checks.plausibility import loo_median, scale_factor
from vrapport.cli import app

runner = CliRunner()


def _check_json(path) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_sla_typed_in_thousands_is_named_at_its_cell_with_the_factor(example_copy):
    path = example_copy("okonomi.xlsx")
    cell = cell_of(path, "Resultat", "SLA (tjenesteavtaler)", "Faktisk")  # January
    march = openpyxl.load_workbook(path)["Resultat"]
    row = int(cell[1:])
    march_cell = next(
        c.coordinate
        for c in march[row]
        if c.value == 34185330  # March actual, as the seed prints it in kroner
    )
    set_cells(path, "Resultat", {march_cell: 34185})
    code, findings = _check_json(path)
    assert code == 1  # an error by default: no figure for the report
    (finding,) = [f for f in findings if f["code"] == "wrong-scale"]
    assert (finding["sheet"], finding["cell"], finding["severity"]) == (
        "Resultat",
        march_cell,
        "error",
    )
    assert "SLA (tjenesteavtaler), faktisk for mars er 34\u00a0185" in finding["message"]
    assert "1\u00a0000 ganger lavere" in finding["message"]
    assert "Sannsynlig faktor: 1/1\u00a0000 (gang med 1\u00a0000)" in finding["message"]


def test_a_count_typed_1000_times_too_high_is_caught(example_copy):
    path = example_copy("brukerstotte.xlsx")
    cell = cell_of(path, "Henvendelser", "Mars", "Henvendelser totalt")
    value = openpyxl.load_workbook(path)["Henvendelser"][cell].value
    set_cells(path, "Henvendelser", {cell: value * 1000})
    _, findings = _check_json(path)
    scale = [f for f in findings if f["code"] == "wrong-scale"]
    assert [(f["cell"], f["severity"]) for f in scale] == [(cell, "error")]
    assert "1\u00a0000 ganger høyere" in scale[0]["message"]
    assert "(del med 1\u00a0000)" in scale[0]["message"]


def _scale_findings(path, sheet: str, cells: dict) -> list[dict]:
    set_cells(path, sheet, cells)
    _, findings = _check_json(path)
    return [f for f in findings if f["code"] == "wrong-scale"]


def test_of_three_months_only_the_slip_is_flagged_not_the_two_true_months(example_copy):
    # Samlet tid pr. dag: 9, 20, 23 breaches; March typed 23 000. January and February are
    # compared with each of the other two months, not with their mean (11 510).
    path = example_copy("hr.xlsx")
    scale = _scale_findings(path, "AML-brudd", {"D6": 23000})
    assert [(f["cell"], f["severity"]) for f in scale] == [("D6", "error")]
    assert "omtrent 1\u00a0000 ganger høyere" in scale[0]["message"]
    assert "(typisk 20)" in scale[0]["message"]


def test_small_counts_of_different_sizes_are_no_wrong_scale(example_copy):
    # 0, 1 and 150 breaches: 150 is 150 times 1, but a count typed 1000 times too high would
    # be at least 1000 (and 1 is no thousandth of a count in the thousands).
    path = example_copy("hr.xlsx")
    assert _scale_findings(path, "AML-brudd", {"D11": 150}) == []
    assert _scale_findings(path, "AML-brudd", {"B11": 1, "C11": 150, "D11": 140}) == []


def test_a_count_typed_1000_times_too_low_is_caught_when_its_months_are_in_the_thousands(
    example_copy,
):
    path = example_copy("hr.xlsx")
    scale = _scale_findings(path, "AML-brudd", {"B6": 9000, "C6": 8000, "D6": 9})
    assert [f["cell"] for f in scale] == ["D6"]
    assert "Sannsynlig faktor: 1/1\u00a0000 (gang med 1\u00a0000)" in scale[0]["message"]


def test_the_message_names_the_power_of_ten_the_value_is_off_by(example_copy):
    # FTE 470, 473,6, 478,2 and March 483 typed 48 300: two zeros too many, not three.
    path = example_copy("okonomi.xlsx")
    scale = _scale_findings(path, "Årsverk", {"B8": 48300})
    assert [f["cell"] for f in scale] == ["B8"]
    assert "omtrent 100 ganger høyere" in scale[0]["message"]
    assert "Sannsynlig faktor: 100 (del med 100)" in scale[0]["message"]


def test_a_month_copied_from_the_month_before_is_named_at_its_first_cell(example_copy):
    path = example_copy("brukerstotte.xlsx")
    sheet = openpyxl.load_workbook(path)["Henvendelser"]
    labels = ["Henvendelser totalt", "Telefonhenvendelser", "Besvart innen 60 sekunder"]
    labels.append("Løst i førstelinje")
    february = [sheet[cell_of(path, "Henvendelser", "Februar", label)].value for label in labels]
    march = [cell_of(path, "Henvendelser", "Mars", label) for label in labels]
    set_cells(path, "Henvendelser", dict(zip(march, february, strict=True)))
    _, findings = _check_json(path)
    (copied,) = [f for f in findings if f["code"] == "month-copied"]
    assert copied["cell"] == march[0]
    assert "Alle tallene for mars er like tallene for februar (4 celler)" in copied["message"]


def test_an_outlier_in_the_budget_gives_the_expected_range(example_copy):
    path = example_copy("okonomi.xlsx")
    january = cell_of(path, "Resultat", "Lokaler", "Budsjett")
    row, col = xl_cell_to_rowcol(january)
    june = xl_rowcol_to_cell(row, col + 2 * 5)  # two columns a month: actual, budget
    value = openpyxl.load_workbook(path)["Resultat"][june].value
    set_cells(path, "Resultat", {june: value * 8})
    _, findings = _check_json(path)
    (outlier,) = [f for f in findings if f["code"] == "outlier"]
    assert outlier["cell"] == june
    assert "Lokaler, budsjett for juni" in outlier["message"]
    low, high = _expected_range(outlier["message"])
    assert 0 < low < value < high  # the range of a size is above zero, by ratio


def _expected_range(message: str) -> tuple[float, float]:
    found = re.search(r"forventet mellom ([\d\u00a0,-]+) og ([\d\u00a0,-]+)\)", message)
    assert found, message
    low, high = (float(g.replace("\u00a0", "").replace(",", ".")) for g in found.groups())
    return low, high


@pytest.mark.parametrize(
    ("name", "sheet", "label", "column", "typed"),
    [
        # the share answered (62 %) typed for the calls answered (2 947): the key figure
        # became 1,3 % (red) with no finding
        ("brukerstotte.xlsx", "Henvendelser", "Mars", "Besvart innen 60 sekunder", 62),
        ("brukerstotte.xlsx", "Henvendelser", "Februar", "Telefonhenvendelser", 51),
    ],
)
def test_a_size_far_below_its_series_is_an_outlier(example_copy, name, sheet, label, column, typed):
    path = example_copy(name)
    cell = cell_of(path, sheet, label, column)
    set_cells(path, sheet, {cell: typed})
    _, findings = _check_json(path)
    (outlier,) = [f for f in findings if f["code"] == "outlier"]
    assert (outlier["sheet"], outlier["cell"], outlier["severity"]) == (sheet, cell, "warning")
    low, high = _expected_range(outlier["message"])
    assert typed < low < high


@pytest.mark.parametrize("typed", [0, 1000])
def test_a_zero_or_a_low_value_near_its_series_is_no_outlier(example_copy, typed):
    """0 is the left-out-zero check's (which needs a pair); 1 000 calls answered against
    2 900–4 100 is within the ratio (a third of the median) of a month."""
    path = example_copy("brukerstotte.xlsx")
    cell = cell_of(path, "Henvendelser", "Mars", "Besvart innen 60 sekunder")
    set_cells(path, "Henvendelser", {cell: typed})
    _, findings = _check_json(path)
    assert not [f for f in findings if f["code"] == "outlier"]


def test_financial_items_with_the_sign_of_neither_budget_nor_history(example_copy):
    path = example_copy("okonomi.xlsx")
    sheet = openpyxl.load_workbook(path)["Resultat"]
    row = int(cell_of(path, "Resultat", "Finansposter", "Faktisk")[1:])
    march = next(c for c in sheet[row] if c.value == -1471820)
    set_cells(path, "Resultat", {march.coordinate: 1471820})
    _, findings = _check_json(path)
    (sign,) = [f for f in findings if f["code"] == "unexpected-sign"]
    assert sign["cell"] == march.coordinate
    assert "Finansposter er negativt i budsjettet og de andre månedene" in sign["message"]


def test_plausibility_findings_are_marked_in_the_feedback_copy(example_copy, tmp_path):
    path = example_copy("brukerstotte.xlsx")
    cell = cell_of(path, "Henvendelser", "Mars", "Telefonhenvendelser")
    value = openpyxl.load_workbook(path)["Henvendelser"][cell].value
    set_cells(path, "Henvendelser", {cell: value / 1000})
    out = tmp_path / "retur"
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--feedback", str(out)])
    assert result.exit_code == 1  # a fraction is no count: that error comes first
    copy = openpyxl.load_workbook(out / "brukerstotte_tilbakemelding.xlsx")
    assert copy["Henvendelser"][cell].comment is not None


def _schemas_with(tmp_path, old: str, new: str):
    import shutil

    from vrapport.spec import load_specs

    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert old in text
    report.write_text(text.replace(old, new), encoding="utf-8")
    return load_specs(folder)


def test_severity_is_configurable(example_copy, tmp_path):
    """The wrong scale has a severity of its own (`scale_severity`, an error unless the
    controller lowers it); outliers and copied months follow `severity`."""
    from vrapport.period import Period
    from vrapport.validation import check_files

    path = example_copy("brukerstotte.xlsx")
    cell = cell_of(path, "Henvendelser", "Mars", "Henvendelser totalt")
    value = openpyxl.load_workbook(path)["Henvendelser"][cell].value
    set_cells(path, "Henvendelser", {cell: value * 1000})
    lenient = _schemas_with(
        tmp_path / "lenient", "  scale_severity: error\n", "  scale_severity: warning\n"
    )
    strict = _schemas_with(tmp_path / "strict", "  severity: warning\n", "  severity: error\n")
    for specs, severity in ((lenient, "warning"), (strict, "error")):
        (sub,) = check_files([path], specs, Period(2024, 3))
        assert [(f.cell, f.severity) for f in sub.findings if f.code == "wrong-scale"] == [
            (cell, severity)
        ]


@pytest.mark.parametrize("typed", ["number", "text", "formula"])
def test_a_value_at_the_wrong_scale_is_caught_also_when_its_cell_has_a_warning(
    example_copy, tmp_path, typed
):
    """Typed as text («34 185 330 000», number-as-text) or as a formula's result
    (formula-in-input), the value is used: so it is judged for its scale like a typed one,
    and, an error by default, it blocks the build."""
    from tests import corpus
    from vrapport.period import Period
    from vrapport.validation import check_files

    path = example_copy("okonomi.xlsx")
    value = openpyxl.load_workbook(path)["Resultat"]["F6"].value * 1000
    if typed == "formula":
        member = corpus.sheet_member(path, "Resultat")
        (tmp_path / "formel").mkdir()
        edit = corpus.saved_by("Microsoft Excel", recalc_on_load=False)  # results computed
        # a formula whose stored result is what it gives (a stale one is formula-stale)
        edit[member] = corpus.formula_at("F6", f"{value / 1000:.0f}*1000", str(value))
        path = corpus.rewrite(path, tmp_path / "formel" / "okonomi.xlsx", edit)
    else:
        set_cells(
            path,
            "Resultat",
            {"F6": f"{value:,.0f}".replace(",", " ") if typed == "text" else value},
        )
    from vrapport.spec import load_specs

    (sub,) = check_files([path], load_specs(ROOT / "schemas"), Period(2024, 3))
    at = {f.code: f.severity for f in sub.findings if (f.sheet, f.cell) == ("Resultat", "F6")}
    assert at.get("wrong-scale") == "error", sub.findings
    expected = {"number": set(), "text": {"number-as-text"}, "formula": {"formula-in-input"}}
    assert set(at) - {"wrong-scale"} == expected[typed]


def test_templates_from_last_period_say_which_carried_values_were_doubtful(example_copy, tmp_path):
    """April's templates carry March's figures: a March value at the wrong scale stops them
    (an error by default, nothing written); where the controller made it a warning, it is
    named when it is carried, not copied in silence."""
    path = example_copy("okonomi.xlsx")
    value = openpyxl.load_workbook(path)["Resultat"]["F6"].value
    set_cells(path, "Resultat", {"F6": value * 1000})
    args = ["templates", "2024-04", "--only", "okonomi", "--from", str(path.parent)]
    refused = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "stoppet")])
    assert refused.exit_code == 1, refused.output
    text = " ".join(refused.output.split()).replace("\u00a0", " ")
    assert "feil" in text and "Resultat › F6" in text and "1 000 ganger" in text
    assert not (tmp_path / "stoppet").exists() or not any((tmp_path / "stoppet").iterdir())
    _schemas_with(tmp_path, "  scale_severity: error\n", "  scale_severity: warning\n")
    lenient = ["--schemas", str(tmp_path / "schemas")]
    result = CliRunner().invoke(app, [*args, *lenient, "--out", str(tmp_path / "maler")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Advarsler i forrige periodes innsendinger" in text
    assert "Resultat" in text and "F6" in text and "1 000 ganger" in text.replace("\u00a0", " ")
    clean = CliRunner().invoke(
        app, [*args[:-1], str(ROOT / "examples" / "2024-03"), "--out", str(tmp_path / "rene")]
    )
    assert clean.exit_code == 0 and "Advarsler" not in clean.output, clean.output


def test_a_pair_naming_no_numeric_column_is_refused_at_load(tmp_path):
    from vrapport.spec import SpecError

    with pytest.raises(SpecError, match="plausibility.pairs.okonomi.result: «budsjett» er ingen"):
        _schemas_with(tmp_path, "result: {actual: budget}", "result: {actual: budsjett}")


@given(st.lists(st.lists(st.integers(-50, 50), min_size=1, max_size=7), min_size=1, max_size=5))
def test_leave_one_out_median_matches_the_definition(groups):
    values = np.array([v for g in groups for v in g], dtype=float)
    ids = np.array([i for i, g in enumerate(groups) for _ in g])
    medians, counts = loo_median(values, ids)
    position = 0
    for group in groups:
        for i in range(len(group)):
            others = group[:i] + group[i + 1 :]
            expected = np.median(others) if others else np.nan
            assert counts[position] == len(others)
            assert (
                np.isnan(expected)
                and np.isnan(medians[position])
                or (medians[position] == expected)
            )
            position += 1


def test_percent_typed_as_a_number_reads_as_factor_100():
    value = np.array([62.0, 0.0062, 0.64])
    references = [np.array([0.61, 0.61, 0.61]), np.array([np.nan, 0.6, 0.0])]
    assert list(scale_factor(value, references, 100.0, 0.5)) == [100.0, -100.0, 0.0]


CELLS = realistic.cells()
DRAWS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@DRAWS
@given(
    st.sampled_from([c for c in CELLS if realistic.has_reference(c)]),
    st.sampled_from(["×1000", "÷1000"]),
    st.integers(0, 10_000),
)
def test_one_cell_at_the_wrong_scale_is_caught(cell, tampering, seed):
    findings = realistic.draw(cell.template, seed, cell=cell, tampering=tampering)
    assert realistic.caught(findings, cell.template, cell), (cell, tampering)


@DRAWS
@given(st.sampled_from([c for c in CELLS if realistic.sign_is_known(c)]), st.integers(0, 10_000))
def test_one_flipped_sign_is_caught(cell, seed):
    findings = realistic.draw(cell.template, seed, cell=cell, tampering="sign")
    assert realistic.caught(findings, cell.template, cell), cell


@DRAWS
@given(
    st.sampled_from(sorted(realistic.originals())),
    st.integers(0, 10_000),
    st.sampled_from([0.0, 0.05, 0.15]),
)
def test_untouched_realistic_data_gives_no_plausibility_finding(template, seed, spread):
    findings = realistic.draw(template, seed, spread)
    assert realistic.false_alarms(findings) == []


# Other realistic periods: June 2024 (six months to date, a quarter end) and January 2025
# (one month to date, last year's series as history), made from templates pre-filled from
# the period before, as departments get them (tests/realistic.py, `generated`).
OTHER_PERIODS = realistic.PERIODS[1:]
OTHER_DRAWS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _cells_of(period, keep):  # type: ignore[no-untyped-def]
    return st.deferred(lambda: st.sampled_from([c for c in realistic.cells(period) if keep(c)]))


@pytest.mark.parametrize("period", OTHER_PERIODS, ids=str)
def test_a_generated_period_is_a_clean_submission_but_for_what_it_left_unexplained(period):
    explained_something = False
    for template, original in realistic.originals(period).items():
        stamped = original.meta["period"]
        assert stamped == str(period), template
        sub = realistic.draw_submission(template, 0, 0.0, period=period)
        left = realistic.LEFT_OUT[period][template]
        # Every figure to date entered (no required cell left), nothing else found.
        assert [f for f in sub.findings if f.code not in realistic.UNEXPLAINED_CODES] == []
        assert realistic.unexplained(sub.findings, sub) == left, template
        explained_something |= bool(realistic.due(sub, period) - left)
        if period.month == 1:
            # January's year to date is the month: the variance is named once.
            assert not any("hittil i år" in f.message for f in sub.findings), template
    assert explained_something


@pytest.mark.parametrize("period", OTHER_PERIODS, ids=str)
@OTHER_DRAWS
@given(data=st.data(), tampering=st.sampled_from(["×1000", "÷1000"]), seed=st.integers(0, 10_000))
def test_one_cell_at_the_wrong_scale_is_caught_in_other_periods(period, data, tampering, seed):
    cell = data.draw(_cells_of(period, realistic.has_reference))
    findings = realistic.draw(cell.template, seed, cell=cell, tampering=tampering)
    assert realistic.caught(findings, cell.template, cell), (cell, tampering)


@pytest.mark.parametrize("period", OTHER_PERIODS, ids=str)
@OTHER_DRAWS
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_one_flipped_sign_is_caught_in_other_periods(period, data, seed):
    cell = data.draw(_cells_of(period, realistic.sign_is_known))
    findings = realistic.draw(cell.template, seed, cell=cell, tampering="sign")
    assert realistic.caught(findings, cell.template, cell), cell


@pytest.mark.parametrize("period", OTHER_PERIODS, ids=str)
@OTHER_DRAWS
@given(
    template=st.sampled_from(sorted(realistic.specs().templates)),
    seed=st.integers(0, 10_000),
    spread=st.sampled_from([0.0, 0.05, 0.15]),
)
def test_untouched_data_of_other_periods_gives_no_plausibility_finding(
    period, template, seed, spread
):
    findings = realistic.draw(template, seed, spread, period=period)
    assert realistic.false_alarms(findings) == []


@pytest.mark.parametrize("period", realistic.PERIODS, ids=str)
@OTHER_DRAWS
@given(
    template=st.sampled_from(["okonomi", "hr", "brukerstotte"]),
    seed=st.integers(0, 10_000),
    spread=st.sampled_from([0.0, 0.05, 0.15]),
)
def test_exactly_what_is_material_and_untagged_is_unexplained(period, template, seed, spread):
    # Varied figures make other lines material, or less: the findings follow the figures.
    sub = realistic.draw_submission(template, seed, spread, period=period)
    expected = realistic.due(sub, period) - realistic.tags(sub)
    assert realistic.unexplained(sub.findings, sub) == expected


@pytest.mark.parametrize("index", [15, 17])  # April and June of this year
def test_a_slip_in_a_series_that_grew_is_judged_against_last_year_grown(index):
    # June 2024: hours for the new hospitals are about nine times last year's. This year's
    # month typed in thousands of hours (÷1000) is about 1/100 of last year's month, but
    # about 1/1000 of it grown as the series' other months grew: a wrong scale.
    period = realistic.PERIODS[1]
    cell = next(
        c
        for c in realistic.cells(period)
        if (c.template, c.sheet, c.column, c.index)
        == ("nye_tjenester", "hours", "new_hospital_hours", index)
    )
    findings = realistic.draw(cell.template, 0, 0.0, cell=cell, tampering="÷1000")
    data = realistic.originals(period)["nye_tjenester"].sheets["hours"]
    at = [f for f in findings if f.cell == data.cell(cell.index, cell.column)]
    assert [f.code for f in at] == ["wrong-scale"]
    assert "omtrent 1\u00a0000 ganger lavere" in at[0].message
    # Shown as typical: last year's month times the median growth of the other months.
    hours = data.frame.set_index("_month")["new_hospital_hours"]
    month = int(data.frame.at[cell.index, "_month"])
    growth = np.median([hours[m] / hours[m - 12] for m in range(1, 7) if m != month])
    assert f"(typisk {round(hours[month - 12] * growth)})" in at[0].message


def test_an_annual_column_naming_no_numeric_column_is_refused_at_load(tmp_path):
    from vrapport.spec import SpecError

    with pytest.raises(
        SpecError, match="plausibility.annual.okonomi.investments: «budsjett» er ingen tallkolonne"
    ):
        _schemas_with(tmp_path, "investments: [annual_budget]", "investments: [budsjett]")


def test_an_annual_column_compared_with_nothing_is_refused_at_load(tmp_path):
    from vrapport.spec import SpecError

    with pytest.raises(SpecError, match="plausibility.annual.okonomi.fte: «fte» sammenlignes"):
        extra = "investments: [annual_budget]\n      fte: [fte]"
        _schemas_with(tmp_path, "investments: [annual_budget]", extra)


def test_an_annual_budget_in_january_is_compared_with_twelve_times_the_year_to_date():
    # January 2025: operating investments so far are about 1/24 of the annual budget. The
    # budget typed in thousands is then about 1/40 of the year to date, no clear slip; as
    # against twelve months of the year to date (plausibility.annual) it is 1/1000 of it.
    import dataclasses

    from vrapport.checks.plausibility import Settings, implausible

    period = realistic.PERIODS[2]
    data = realistic.originals(period)["okonomi"].sheets["investments"]
    frame = data.frame.copy()
    (index,) = frame.index[frame["_row"] == "operating_capex"]
    ytd, annual = frame.at[index, "actual_ytd"], frame.at[index, "annual_budget"]
    assert 1 / 30 < ytd / annual < 1 / 12  # what the case is about
    frame.at[index, "annual_budget"] = annual / 1000
    tampered = dataclasses.replace(data, frame=frame)
    settings = Settings.of(realistic.specs().report)

    found = list(implausible(tampered, settings, "okonomi", period.month))
    assert [(i, c, code) for i, c, code, _ in found] == [(index, "annual_budget", "wrong-scale")]
    assert "Sannsynlig faktor: 1/1\u00a0000" in found[0][3]
    unscaled = dataclasses.replace(settings, annual={})
    assert list(implausible(tampered, unscaled, "okonomi", period.month)) == []


def _month_cell(path, label: str, column: str, month: int) -> str:
    """The cell of `label`'s `column` ("Faktisk", "Budsjett") for `month` on Resultat: two
    columns a month, actual then budget."""
    row, col = xl_cell_to_rowcol(cell_of(path, "Resultat", label, column))
    return xl_rowcol_to_cell(row, col + 2 * (month - 1))


def _zeros(path, cells: dict) -> tuple[int, list[dict]]:
    set_cells(path, "Resultat", cells)
    code, findings = _check_json(path)
    return code, [f for f in findings if f["code"] == "zero-figure"]


def test_a_month_left_at_zero_against_its_budget_is_a_warning_at_its_cell(example_copy):
    path = example_copy("okonomi.xlsx")
    march = _month_cell(path, "SLA (tjenesteavtaler)", "Faktisk", 3)
    code, zeros = _zeros(path, {march: 0})
    assert code == 0  # a warning: the figure may be a true 0
    (zero,) = zeros
    assert (zero["sheet"], zero["cell"], zero["severity"]) == ("Resultat", march, "warning")
    message = zero["message"]
    assert message.startswith("SLA (tjenesteavtaler), faktisk for mars er 0, mens budsjett er ")
    assert "og de andre månedene har tall (typisk " in message
    assert message.endswith("Er tallet glemt?")


def test_a_zero_against_a_zero_budget_is_no_finding(example_copy):
    path = example_copy("okonomi.xlsx")
    actual = _month_cell(path, "SLA (tjenesteavtaler)", "Faktisk", 3)
    budget = _month_cell(path, "SLA (tjenesteavtaler)", "Budsjett", 3)
    assert _zeros(path, {actual: 0, budget: 0})[1] == []


def test_a_zero_is_no_finding_when_another_month_of_its_series_is_zero(example_copy):
    path = example_copy("okonomi.xlsx")
    cells = {_month_cell(path, "SLA (tjenesteavtaler)", "Faktisk", m): 0 for m in (2, 3)}
    assert _zeros(path, cells)[1] == []


def test_a_zero_in_a_month_after_the_period_is_no_finding(example_copy):
    path = example_copy("okonomi.xlsx")
    april = _month_cell(path, "SLA (tjenesteavtaler)", "Faktisk", 4)
    assert _zeros(path, {april: 0})[1] == []


def test_a_value_of_a_short_series_far_from_every_reference_is_an_outlier(example_copy):
    """HR's this-year columns have three values in March, too few for the outlier test: the
    share of self-certified leave (0,9 %) typed for its days (84,2) passed clean."""
    path = example_copy("hr.xlsx")
    cell = cell_of(path, "Sykefravær", "Mars", "Egenmeldt i år")
    set_cells(path, "Sykefravær", {cell: 0.9})
    _, findings = _check_json(path)
    (outlier,) = [f for f in findings if f["code"] == "outlier"]
    assert (outlier["cell"], outlier["severity"]) == (cell, "warning")
    assert outlier["message"] == (
        "Egenmeldt i år for mars er 0,9, over ti ganger mindre enn tallene det sammenlignes "
        "med (88,1, 92,1 og 95,3). Kontroller tallet."
    )


def test_a_short_series_within_ten_times_of_its_references_is_no_outlier(example_copy):
    path = example_copy("hr.xlsx")
    cell = cell_of(path, "Sykefravær", "Mars", "Egenmeldt i år")
    set_cells(path, "Sykefravær", {cell: 20})  # low, but a fifth of the others
    _, findings = _check_json(path)
    assert not [f for f in findings if f["code"] == "outlier"]
