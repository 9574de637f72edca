"""Chapter 5, HR/HMS: the AML table exactly as the seed, sick-leave rates from workdays
(pooled, never averaged), three charts with target lines, the seed's statements on the
example, and findings for lost workdays that exceed the agreed ones.
"""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import openpyxl
import pytest
from typer.testing import CliRunner
from xlsxwriter.utility import xl_cell_to_rowcol

from tests.conftest import EXAMPLES, PERIOD, ROOT, cell_of, find_label, read_grids, row_values
from vrapport.cli import app
from vrapport.consolidate.hr import (
    SickLeave,
    Workdays,
    pooled,
    summary_table,
)
from vrapport.numbers import round_half_away
from vrapport.period import Period
from vrapport.pipeline import build
from vrapport.reader import MONTH, ROW_KEY, read_submission
from vrapport.spec import Specs
from vrapport.validation import check_files

SHEET = "5 HR-HMS"
runner = CliRunner()

# The seed's AML table: Jan, Feb, Mar 2024 (an empty cell is None).
SEED_AML = {
    r"^samlet tid pr\. dag$": [9, 20, 23],
    r"^aml timer pr\. uke$": [9, 23, 27],
    r"^aml timer pr\. 4 uker$": [2, 3, 6],
    r"^søndager på rad$": [4, 7, 13],
    r"^ukentlig arbeidsfri$": [11, 13, 11],
    r"^samlet tid pr\. uke$": [None, 1, None],
    r"^total$": [35, 67, 80],
}


def _example_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_hr", ROOT / "examples/data/hr.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _month_rates(grids, label: str) -> list[float]:
    values = row_values(grids, label, SHEET)
    return [v for v in values[:12] if isinstance(v, float)]


# --- AML ------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "expected"), SEED_AML.items())
def test_aml_table_prints_seed_figures(report_grids, label, expected):
    values = row_values(report_grids, label, SHEET)
    assert values[:3] == expected
    assert all(v is None for v in values[3:])


def test_aml_table_header_and_order(report_grids):
    sheet, r, c = find_label(report_grids, r"^samlet tid pr\. dag$", SHEET)[0]
    grid = report_grids[sheet]
    assert grid[r - 1][c : c + 4] == [
        "Bruddtype",
        "Antall brudd Jan 2024",
        "Antall brudd Feb 2024",
        "Antall brudd Mar 2024",
    ]
    labels = [grid[r + i][c] for i in range(7)]
    assert labels == [
        "Samlet tid pr. dag",
        "AML timer pr. uke",
        "AML timer pr. 4 uker",
        "Søndager på rad",
        "Ukentlig arbeidsfri",
        "Samlet tid pr. uke",
        "Total",
    ]
    assert find_label(report_grids, r"antall aml-brudd i perioden januar–mars 2024", SHEET)


def test_breach_types_are_configuration_with_aml_limits_as_help(specs: Specs, make_template):
    types = specs.report.catalogue("working_time_breach_types")
    assert [t.label for t in types][:2] == ["Samlet tid pr. dag", "AML timer pr. uke"]
    assert all(re.search(r"AML § 10-\d+", t.help) for t in types)
    sheet = openpyxl.load_workbook(make_template("hr"))["AML-brudd"]
    messages = {}
    for rule in sheet.data_validations.dataValidation:
        if rule.type is None and str(rule.sqref).startswith("A"):
            messages[sheet[str(rule.sqref)].value] = rule.prompt
    assert messages["Samlet tid pr. dag"].startswith("Samlet arbeidstid over 13 timer")
    assert messages["Ukentlig arbeidsfri"].endswith("(AML § 10-8 andre ledd).")
    assert set(messages) == {t.label for t in types}


# --- sick leave: arithmetic -----------------------------------------------------------


def _uneven() -> SickLeave:
    """January is large and sick, February and March small and healthy."""
    year = {
        1: Workdays(1000.0, 20.0, 30.0, 50.0),
        2: Workdays(100.0, 0.0, 0.0, 0.0),
        3: Workdays(100.0, 1.0, 0.0, 0.0),
    }
    return SickLeave(year, dict(year))


def test_quarter_rate_pools_workdays_and_is_not_the_mean_of_monthly_rates():
    data = _uneven()
    period = Period(2024, 3)
    pooled_rate = (100.0 + 0.0 + 1.0) / (1000.0 + 100.0 + 100.0)
    mean_rate = (0.10 + 0.0 + 0.01) / 3
    assert data.rate("total", period.quarter_months()) == pytest.approx(pooled_rate)
    assert abs(pooled_rate - mean_rate) > 0.04
    table = summary_table(data, period, {"sick_leave_total": 0.05})
    quarter = [h.text for h in table.header[0]].index(period.quarter_label) - 1
    assert table.row("total").values[quarter] == pytest.approx(pooled_rate)
    assert table.row("total").values[quarter] != pytest.approx(mean_rate)


def test_rates_split_short_long_self_and_medically_certified():
    days = Workdays(1000.0, 10.0, 20.0, 40.0)
    assert days.rate("total") == pytest.approx(0.07)
    assert days.rate("short_term") == pytest.approx(0.03)  # self + medically ≤ 16 days
    assert days.rate("long_term") == pytest.approx(0.04)
    assert days.rate("self_certified") == pytest.approx(0.01)
    assert days.rate("medically_certified") == pytest.approx(0.06)
    assert Workdays().rate("total") is None
    assert pooled([days, days]) == Workdays(2000.0, 20.0, 40.0, 80.0)


def test_quarter_of_a_mid_quarter_period():
    assert list(Period(2024, 5).quarter_months()) == [4, 5]
    assert Period(2024, 5).quarter_label == "2. kvartal 2024 hittil"
    assert Period(2024, 6).quarter_label == "2. kvartal 2024"


def test_built_report_pools_the_quarter_from_the_submission(specs: Specs, make_filled, tmp_path):
    """End to end: a filled template, a built report, the quarter figure read back."""
    example = _example_data()
    data = dict(example.DATA)
    uneven = {1: (1000.0, 20.0, 30.0, 50.0), 2: (100.0, 0.0, 0.0, 0.0), 3: (100.0, 1.0, 0, 0)}
    sick = {key: dict(cells) for key, cells in example.DATA["sick_leave"].items()}
    for month, values in uneven.items():
        sick[f"m{month:02d}"] |= dict(zip(example.COLUMNS, values, strict=True))
    data["sick_leave"] = sick
    folder = tmp_path / "innsendt"
    folder.mkdir()
    make_filled("hr", data, name="innsendt/hr.xlsx")
    outcome = build([folder], PERIOD, tmp_path / "rapport.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    grids = read_grids(tmp_path / "rapport.xlsx")
    sheet, r, c = find_label(grids, r"^1\. kvartal 2024$", SHEET)[0]
    total = next(row for row in grids[sheet][r + 1 :] if row[0] == "Samlet")
    assert total[c] == pytest.approx(101 / 1200)
    assert total[c] != pytest.approx((0.10 + 0.0 + 0.01) / 3)


# --- sick leave: the example agrees with the seed's text ------------------------------


def test_example_total_sick_leave_above_target_each_month(report_grids):
    this_year = _month_rates(report_grids, r"^sykefravær 2024$")
    assert len(this_year) == 3
    assert all(rate > 0.05 for rate in this_year)
    assert len(_month_rates(report_grids, r"^sykefravær 2023$")) == 12


def test_example_short_term_slightly_above_target_in_january_only(report_grids):
    january, february, march = _month_rates(report_grids, r"^korttid \(≤ 16 dager\) 2024$")
    assert 0.025 < january < 0.03  # "litt høyere enn måltallet"
    assert february < 0.025 and march < 0.025


def test_example_long_term_lower_than_last_year_then_rising_in_march(report_grids):
    now = _month_rates(report_grids, r"^langtid \(> 16 dager\) 2024$")
    before = _month_rates(report_grids, r"^langtid \(> 16 dager\) 2023$")
    assert now[0] < before[0] and now[1] < before[1]
    assert now[2] > now[1]


def test_example_self_certified_low_and_stable_medically_high_as_last_year(report_grids):
    self_now = _month_rates(report_grids, r"^egenmeldt 2024$")
    assert max(self_now) < 0.015 and max(self_now) - min(self_now) < 0.002
    medical_now = _month_rates(report_grids, r"^legemeldt 2024$")
    medical_before = _month_rates(report_grids, r"^legemeldt 2023$")[:3]
    # Higher than wished: medically certified alone is most of the 5 % target, in both years.
    assert all(rate > 0.04 for rate in medical_now + medical_before)
    assert all(m > 4 * s for m, s in zip(medical_now, self_now, strict=True))


def test_example_summary_rates_equal_pooled_workdays(report_grids):
    example = _example_data()
    agreed = sum(v[0] for v in example.THIS_YEAR.values())
    lost = sum(sum(v[1:]) for v in example.THIS_YEAR.values())
    values = row_values(report_grids, r"^samlet$", SHEET)
    month, same_month, ytd, prior_ytd, quarter, target, gap = values[:7]
    assert ytd == pytest.approx(lost / agreed) and quarter == pytest.approx(lost / agreed)
    # the gap as the table shows the two: rate and target to one decimal of a percent
    shown = round_half_away(lost / agreed, 3)
    assert target == 0.05 and gap == pytest.approx(shown - 0.05) and gap == 0.005
    assert month > target and ytd > target
    prior = [example.LAST_YEAR[m] for m in (1, 2, 3)]
    assert prior_ytd == pytest.approx(sum(sum(v[1:]) for v in prior) / sum(v[0] for v in prior))


def test_target_statement_comes_from_configuration(report_grids):
    assert find_label(
        report_grids,
        r"^helse nord ikt har et mål om at sykefraværet ikke skal overstige 5 % "
        r"\(2,5 % for langtidsfravær > 16 dager og 2,5 % for korttidsfravær ≤ 16 dager\)\.$",
        SHEET,
    )
    assert find_label(report_grids, r"^aml-bruddene i januar er i stort knyttet", SHEET)


# --- charts -----------------------------------------------------------------------------

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


def charts(path: Path) -> dict[str, list[dict]]:
    """Chart title -> its series: name, kind (bar/line), dashed, and the value range."""
    found: dict[str, list[dict]] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"xl/charts/chart\d+\.xml", name):
                continue
            root = ElementTree.fromstring(archive.read(name))
            title = "".join(t.text or "" for t in root.findall("c:chart/c:title//a:t", NS))
            series = []
            for plot in root.find("c:chart/c:plotArea", NS):
                kind = plot.tag.split("}")[1].removesuffix("Chart")
                for ser in plot.findall("c:ser", NS):
                    series.append(
                        {
                            "name": "".join(t.text or "" for t in ser.findall("c:tx//c:v", NS)),
                            "kind": kind,
                            "dashed": ser.find("c:spPr/a:ln/a:prstDash[@val='dash']", NS)
                            is not None,
                            "values": ser.find("c:val/c:numRef/c:f", NS).text,
                        }
                    )
            found[title] = series
    return found


def _cells(reference: str) -> tuple[str, list[tuple[int, int]]]:
    sheet, cells = reference.lstrip("=").rsplit("!", 1)
    first, last = (xl_cell_to_rowcol(c.replace("$", "")) for c in cells.split(":"))
    assert first[0] == last[0]
    return sheet.strip("'"), [(first[0], c) for c in range(first[1], last[1] + 1)]


@pytest.mark.parametrize(
    ("figure", "targets"),
    [
        ("Figur 5.1 Sykefravær Helse Nord IKT samlet", [0.05]),
        ("Figur 5.2 Egen- og legemeldt fravær", [0.05]),
        ("Figur 5.3 Kort- og langtidsfravær", [0.025, 0.025]),
    ],
)
def test_sick_leave_charts_have_target_lines_over_all_months(
    example_report, report_grids, figure, targets
):
    series = charts(example_report)[figure]
    dashed = [s for s in series if s["dashed"]]
    assert [s["kind"] for s in dashed] == ["line"] * len(targets)
    assert any(s["kind"] == "bar" for s in series)
    for item in series:
        sheet, cells = _cells(item["values"])
        assert sheet == SHEET
        row, first = cells[0]
        grid = report_grids[sheet]
        # The chart's numbers are in the table above it, labelled like the series, with a
        # column per month from January to December.
        assert grid[row][first - 1] == item["name"]
        header = max(r for r in range(row) if grid[r][first - 1] == "Måned")
        assert [grid[header][c] for _, c in cells][::11] == ["Jan", "Des"]
        assert len(cells) == 12
        values = [grid[r][c] for r, c in cells]
        if item["dashed"]:
            assert values == [targets[dashed.index(item)]] * 12
        assert all(isinstance(v, float) for v in values[:3])


# --- findings -------------------------------------------------------------------------


def _check_json(path: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_part_exceeding_agreed_workdays_is_refused_naming_the_cell(example_copy):
    path = example_copy("hr.xlsx")
    cell = cell_of(path, "Sykefravær", "Mars", "Legemeldt langtid i år")
    agreed = cell_of(path, "Sykefravær", "Mars", "Avtalte dagsverk i år")
    openpyxl_book = openpyxl.load_workbook(path)
    openpyxl_book["Sykefravær"][cell] = openpyxl_book["Sykefravær"][agreed].value + 1
    openpyxl_book.save(path)
    code, payload = _check_json(path)
    assert code == 1
    (finding,) = [f for f in payload["findings"] if f["code"] == "lost-exceeds-agreed"]
    assert (finding["sheet"], finding["cell"], finding["severity"]) == ("Sykefravær", cell, "error")
    assert finding["message"].startswith("Legemeldt langtid i år (")
    assert "mars 2024" in finding["message"]
    result = runner.invoke(app, ["check", str(path.parent)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert f"hr.xlsx › Sykefravær › {cell}" in result.output


def test_sum_of_parts_exceeding_agreed_names_the_agreed_cell_and_the_parts(example_copy):
    path = example_copy("hr.xlsx")
    label = "Januar"  # last year's January: each part alone fits, the sum does not
    cells = {
        key: cell_of(path, "Sykefravær", label, f"{key} i fjor")
        for key in ("Avtalte dagsverk", "Egenmeldt", "Legemeldt korttid", "Legemeldt langtid")
    }
    book = openpyxl.load_workbook(path)
    sheet = book["Sykefravær"]
    sheet[cells["Avtalte dagsverk"]] = 100
    for key in ("Egenmeldt", "Legemeldt korttid", "Legemeldt langtid"):
        sheet[cells[key]] = 40
    book.save(path)
    code, payload = _check_json(path)
    assert code == 1
    (finding,) = [f for f in payload["findings"] if f["code"] == "lost-exceeds-agreed"]
    assert finding["cell"] == cells["Avtalte dagsverk"]
    assert "januar 2023" in finding["message"]
    for key in ("Egenmeldt", "Legemeldt korttid", "Legemeldt langtid"):
        assert cells[key] in finding["message"]


def test_negative_part_is_refused_naming_the_cell(specs: Specs, example_copy):
    path = example_copy("hr.xlsx")
    cell = cell_of(path, "Sykefravær", "Februar", "Egenmeldt i år")
    book = openpyxl.load_workbook(path)
    book["Sykefravær"][cell] = -3
    book.save(path)
    (sub,) = check_files([path], specs, PERIOD)
    (finding,) = [f for f in sub.findings if f.severity == "error"]
    assert (finding.code, finding.cell) == ("below-minimum", cell)


def test_figures_after_the_period_are_warned_about(specs: Specs, example_copy):
    path = example_copy("hr.xlsx")
    cell = cell_of(path, "Sykefravær", "April", "Avtalte dagsverk i år")
    book = openpyxl.load_workbook(path)
    book["Sykefravær"][cell] = 9000
    book.save(path)
    (sub,) = check_files([path], specs, PERIOD)
    (finding,) = [f for f in sub.findings if f.code == "value-after-period"]
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "Sykefravær", cell)
    assert not [f for f in sub.findings if f.severity == "error"]


def test_blank_hr_template_requires_this_year_to_period_and_all_of_last_year(
    specs: Specs, make_template
):
    (sub,) = check_files([make_template("hr")], specs, PERIOD)
    required = [f for f in sub.findings if f.code == "required"]
    # Sick leave: 4 columns × 3 months this year + 4 × 12 last year; AML: 6 types × 3 months.
    assert len(required) == 4 * 3 + 4 * 12 + 6 * 3
    assert all(f.sheet and f.cell for f in required)


def test_example_hr_submission_is_clean(specs: Specs):
    (sub,) = check_files([EXAMPLES / "hr.xlsx"], specs, PERIOD)
    assert sub.findings == []


def test_drafted_sentences_follow_the_figures(report_grids):
    drafted = [
        v
        for row in report_grids[SHEET]
        for v in row
        if isinstance(v, str) and v.startswith("Utkast fra tallene:")
    ]
    text = " ".join(drafted).replace("\u00a0", " ")
    assert "Samlet sykefravær var 5,7 % i januar, 5,2 % i februar og 5,7 % i mars 2024" in text
    assert (
        "Korttidsfraværet var over målet på 2,5 % i januar og under målet i februar og mars."
        in text
    )
    assert (
        "Langtidsfraværet var lavere enn samme måned i 2023 i januar og februar og høyere i mars."
        in text
    )
    assert "Fra februar til mars økte langtidsfraværet fra 2,9 % til 3,4 %." in text


def test_breaches_after_the_period_are_warned_about(specs: Specs, example_copy):
    path = example_copy("hr.xlsx")
    data = read_submission(path, specs).sheet("breaches")
    index = data.frame.index[(data.frame[ROW_KEY] == "weekly_rest") & (data.frame[MONTH] == 4)]
    cell = data.cell(index[0], "count")
    book = openpyxl.load_workbook(path)
    book["AML-brudd"][cell] = 5
    book.save(path)
    (sub,) = check_files([path], specs, PERIOD)
    (finding,) = [f for f in sub.findings if f.code == "value-after-period"]
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "AML-brudd", cell)
    assert "Ukentlig arbeidsfri, april" in finding.message


@pytest.mark.parametrize(
    ("now", "before", "said"),
    [
        ({1: 0.031}, {1: 0.030}, "høyere enn samme måned i 2023 i januar"),
        ({1: 0.030}, {1: 0.030}, "like høyt som samme måned i 2023 i januar"),
        # Shown as 3,0 % both: equal, as the table reads, not "higher".
        ({1: 0.03004}, {1: 0.02996}, "like høyt som samme måned i 2023 i januar"),
        (
            {1: 0.02, 2: 0.04, 3: 0.02},
            {1: 0.03, 2: 0.03, 3: 0.02},
            "lavere enn samme måned i 2023 i januar, høyere i februar og like høyt i mars",
        ),
        (
            {1: 0.02, 2: 0.04},
            {1: 0.03},
            "lavere enn samme måned i 2023 i januar (ingen tall for 2023 å sammenligne med i "
            "februar)",
        ),
    ],
)
def test_long_term_sentence_names_its_comparison_and_says_exactly(now, before, said):
    from vrapport.consolidate.hr import against_months

    assert against_months(now, before, 2023) == said


@pytest.mark.parametrize(
    ("rates", "said"),
    [
        ({1: 0.03}, "over målet på 2,5\u00a0% i januar"),
        ({1: 0.025, 2: 0.02}, "på målet på 2,5\u00a0% i januar og under målet i februar"),
    ],
)
def test_short_term_sentence_says_over_under_or_at_the_target(rates, said):
    from vrapport.consolidate.hr import against_target

    assert against_target(rates, 0.025) == said


def test_january_long_term_sentence_names_last_year(specs: Specs, make_filled, tmp_path):
    """In January there is one month to compare: with January of the year before."""
    period = Period(2025, 1)
    row = {"agreed": 1000, "self_certified": 5, "medically_short": 10, "medically_long": 40}
    prior = {f"{k}_prior": v for k, v in row.items()}
    months = {f"m{m:02d}": dict(prior) for m in range(1, 13)}
    months["m01"] |= row | {"medically_long_prior": 30}
    types = [t.key for t in specs.report.catalogue("working_time_breach_types")]
    data = {"sick_leave": months, "breaches": {t: {("count", 1): 0} for t in types}}
    path = make_filled("hr", data, period)
    outcome = build([path], period, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    text = " ".join(str(v) for row in read_grids(tmp_path / "r.xlsx")[SHEET] for v in row).replace(
        "\u00a0", " "
    )
    assert "Langtidsfraværet var høyere enn samme måned i 2024 i januar." in text
    assert "like høyt eller" not in text


def _january_built(specs: Specs, make_filled, tmp_path: Path, row: dict[str, float]):  # type: ignore[no-untyped-def]
    """The report of a January whose sick leave is `row` (agreed and lost workdays), last
    year's months the same: the HR table's «Samlet» row, and the front page's sick-leave row."""
    period = Period(2025, 1)
    prior = {f"{k}_prior": v for k, v in row.items()}
    months = {f"m{m:02d}": dict(prior) for m in range(1, 13)}
    months["m01"] |= row
    types = [t.key for t in specs.report.catalogue("working_time_breach_types")]
    data = {"sick_leave": months, "breaches": {t: {("count", 1): 0} for t in types}}
    path = make_filled("hr", data, period)
    outcome = build([path], period, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    grids = read_grids(tmp_path / "r.xlsx")
    front = next(r for r in grids["Forside"] if str(r[0]).startswith("Sykefravær hittil i år"))
    return row_values(grids, r"^samlet$", SHEET), front


def test_rate_exactly_on_target_is_the_target_and_green(specs: Specs, make_filled, tmp_path):
    """415 of 8 300 workdays lost is exactly 5 %: the parts typed with one decimal (45,3 +
    353,6 + 16,1) added in binary floating point made it 5,000000000000001 %, a yellow key
    figure and a red «+0,0 %» over the target for a figure that meets it."""
    row = {"agreed": 8300.0, "self_certified": 45.3, "medically_short": 353.6}
    total, front = _january_built(specs, make_filled, tmp_path, row | {"medically_long": 16.1})
    assert total[2] == 0.05 and total[3] == 0.05  # hittil i år, samme periode i fjor
    assert total[6] == 0  # over (+) / under (−) the target
    assert front[1] == 0.05 and str(front[2]).startswith("Grønn")


def test_a_rate_shown_on_its_target_is_on_target_in_the_gap_and_on_the_front_page(
    specs: Specs, make_filled, tmp_path: Path
):
    """5,04 % is shown «5,0 %»: against the target of 5,0 % the gap column says 0,0 % (not a
    red «+0,0 %») and the front page's key figure is green, as explained-targets and the
    drafted sentences already judged it."""
    row = {"agreed": 10_000, "self_certified": 504, "medically_short": 0, "medically_long": 0}
    total, front = _january_built(specs, make_filled, tmp_path, row)
    assert total[2] == pytest.approx(0.0504) and total[5:7] == [0.05, 0.0]
    assert front[1] == pytest.approx(0.0504) and str(front[2]).startswith("Grønn")
