"""Chapter 2, Økonomi: the built example report prints every economy figure of the seed.

The report is read back with python-calamine (cached values, as any reader but Excel sees
them); the expected figures are copied from the seed report, pr. 31. mars 2024.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import PERIOD, find_label, read_grids, row_values, set_cells
from vrapport.consolidate.finance import Liquidity, result_lines
from vrapport.numbers import format_number, thousands
from vrapport.period import Period
from vrapport.pipeline import build
from vrapport.reader import MONTH, ROW_KEY, read_submission
from vrapport.reportfile import FinanceLine

SHEET = "2 Økonomi"

# label regex: March actual, budget, variance; YTD actual, budget, variance; annual budget.
SEED_RESULT = {
    r"^driftsinntekter$": [95644, 96125, -481, 280685, 288374, -7690, 1137600],
    r"^sla \(tjenesteavtaler\)$": [34185, 35593, -1408, 102147, 106779, -4632, 427286],
    r"^prosjekt/oppdrag/annet$": [16539, 14189, 2349, 43177, 42568, 609, 153982],
    r"^viderefakturering$": [44920, 46342, -1422, 135361, 139027, -3666, 556332],
    r"^driftskostnader$": [94754, 95669, 915, 278168, 287618, 9450, 1119780],
    r"^personalkostnader$": [41596, 41771, 175, 123044, 125923, 2879, 472741],
    r"^- aktiverte lønnsutg\. prosjekter$": [-2699, -3349, -650, -10359, -10046, 313, -40200],
    r"^lisenser, service og support$": [19696, 22035, 2339, 61150, 66106, 4956, 274530],
    r"^avskrivninger$": [19905, 19916, 11, 59684, 59748, 64, 239089],
    r"^linjeleie$": [2731, 2471, -260, 8029, 7413, -616, 29665],
    r"^lokaler$": [2784, 3054, 270, 9365, 9162, -203, 36661],
    r"^konsulent$": [4453, 4325, -128, 10946, 12975, 2030, 51921],
    r"^annet$": [6288, 5446, -842, 16309, 16337, 27, 55373],
    r"^driftsresultat$": [890, 456, 435, 2516, 756, 1760, 17820],
    r"^finansposter$": [-1472, -1484, 13, -4880, -4453, -427, -17820],
    r"^resultat$": [-581, -1029, 447, -2364, -3697, 1333, 0],
}
SEED_INVESTMENTS = {
    r"^prosjektinvesteringer hn ikt": [146000, 28400],
    r"^prosjektkostnader hn ikt": [59000, 18800],
    r"^sum prosjekter$": [205000, 47200],
    r"^ordinære driftsinvesteringer": [95000, 15400],
    r"^oppkjøp anlegg rhf": [222000, 0],
}
SEED_LIQUIDITY = {
    r"^ib 1\.1\.2024$": -306490,
    r"^bevegelser hittil i år$": -66350,
    r"^ub per 31\.3\.2024$": -372840,
    r"^kassekredittramme$": 640000,
    r"^ubrukt kassekreditt$": 267160,
}


@pytest.mark.parametrize(("label", "expected"), SEED_RESULT.items())
def test_result_table_prints_seed_figures(report_grids, label, expected):
    assert row_values(report_grids, label, SHEET)[:7] == expected


@pytest.mark.parametrize(("label", "expected"), SEED_INVESTMENTS.items())
def test_investment_table_prints_seed_figures(report_grids, label, expected):
    assert row_values(report_grids, label, SHEET)[:2] == expected


@pytest.mark.parametrize(("label", "expected"), SEED_LIQUIDITY.items())
def test_liquidity_table_prints_seed_figures(report_grids, label, expected):
    assert row_values(report_grids, label, SHEET)[0] == expected


def test_result_table_headers_and_caption(report_grids):
    sheet, r, c = find_label(report_grids, r"^driftsinntekter$", SHEET)[0]
    grid = report_grids[sheet]
    assert grid[r - 2][c + 1] == "Mars 2024"
    assert grid[r - 2][c + 4] == "Mars 2024, hittil i år"
    assert grid[r - 1][c + 1 : c + 8] == ["Faktisk", "Budsjett", "Avvik"] * 2 + ["2024"]
    assert find_label(report_grids, r"^tall vises i 1000 kr$", SHEET)
    assert find_label(report_grids, r"^resultatrapport 2024$", SHEET)


def test_fte_now_and_change_since_turn_of_year(report_grids):
    assert row_values(report_grids, r"^årsverk pr\. mars 2024$", SHEET)[0] == pytest.approx(483)
    assert row_values(report_grids, r"^endring siden årsskiftet$", SHEET)[0] == pytest.approx(13)


@pytest.mark.parametrize(
    "text",
    [
        "Mars-måned har et positivt budsjettavvik på 0,4\u00a0mill.\u00a0kr, mens resultatet pr. "
        "mars viser et positivt budsjettavvik på 1,3\u00a0mill.\u00a0kr.",
        "Inntektene pr. mars er samlet sett 7,7\u00a0mill.\u00a0kr lavere enn budsjettet.",
        "SLA (tjenesteavtaler) ligger pr. mars 4,6\u00a0mill.\u00a0kr under budsjett.",
        "Prosjekt/oppdrag/annet ligger pr. mars 0,6\u00a0mill.\u00a0kr over budsjett.",
        "Viderefakturering ligger pr. mars 3,7\u00a0mill.\u00a0kr under budsjett.",
        "Personalkostnader ligger pr. mars 2,9\u00a0mill.\u00a0kr under budsjett.",
        "Antallet årsverk pr. mars er 483. Dette er en økning på 13 siden årsskiftet.",
        "Trekket på kassekreditten er økt med 66,4\u00a0mill.\u00a0kr så langt i 2024.",
        "Ubrukt kassekreditt er 267,2\u00a0mill.\u00a0kr pr. 31.3.",
    ],
)
def test_drafted_narrative_has_the_seed_sentences(report_grids, text):
    texts = [v for row in report_grids[SHEET] for v in row if isinstance(v, str)]
    assert any(text in t for t in texts), text


def test_department_commentary_appears_as_written(report_grids):
    texts = [v for row in report_grids[SHEET] for v in row if isinstance(v, str)]
    assert "Likviditetssituasjonen er tilfredsstillende." in texts


def test_numbers_are_numeric_cells_with_thousands_format(example_report):
    import openpyxl

    ws = openpyxl.load_workbook(example_report)[SHEET]
    row = next(r for r in ws.iter_rows() if r[0].value == "Driftsinntekter")
    assert all(isinstance(c.value, int | float) for c in row[1:8])
    assert "#,##0" in row[1].number_format
    assert "[Red]" in row[3].number_format  # negative variances red


def test_monthly_result_chart_covers_the_year(example_report):
    import zipfile

    with zipfile.ZipFile(example_report) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(charts[0]).decode()
    assert "$B$" in xml and "$M$" in xml  # Jan..Des value columns
    assert xml.count("<c:ser>") == 2


def _frame(rows: dict[str, list[tuple[float, float]]]) -> pd.DataFrame:
    records = []
    for key, months in rows.items():
        for month, (actual, budget) in enumerate(months, start=1):
            records.append({"_row": key, "_month": month, "actual": actual, "budget": budget})
    return pd.DataFrame(records)


CATALOGUE = (
    FinanceLine(key="inc", label="Inntekt", kind="income"),
    FinanceLine(key="cost", label="Kostnad", kind="cost"),
    FinanceLine(key="fin", label="Finans", kind="financial"),
)
SUBTOTALS = {
    "operating_revenue": "Driftsinntekter",
    "operating_expenses": "Driftskostnader",
    "operating_result": "DRIFTSRESULTAT",
    "net_result": "RESULTAT",
}


def test_variance_sign_is_favourable_positive():
    frame = _frame(
        {
            "inc": [(1000.0, 800.0), (0.0, 0.0)],
            "cost": [(700.0, 900.0), (0.0, 0.0)],
            "fin": [(-50.0, -20.0), (0.0, 0.0)],
        }
    )
    lines = {line.key: line for line in result_lines(frame, CATALOGUE, Period(2024, 1), SUBTOTALS)}
    assert lines["inc"].month_variance == 200  # more income than budget: favourable
    assert lines["cost"].month_variance == 200  # less cost than budget: favourable
    assert lines["fin"].month_variance == -30
    assert lines["operating_result"].month_actual == 300
    assert lines["net_result"].month_actual == 250
    assert lines["net_result"].month_variance == 250 - (-120)


def test_ytd_sums_months_up_to_the_period_and_annual_budget_all_twelve():
    months = [(float(m), 10.0) for m in range(1, 13)]
    frame = _frame({"inc": months, "cost": [(0.0, 0.0)] * 12, "fin": [(0.0, 0.0)] * 12})
    lines = {x.key: x for x in result_lines(frame, CATALOGUE, PERIOD, SUBTOTALS)}
    assert lines["inc"].ytd_actual == 1 + 2 + 3
    assert lines["inc"].ytd_budget == 30
    assert lines["inc"].annual_budget == 120


def test_liquidity_unused_credit_is_limit_plus_drawn_balance():
    liquidity = Liquidity(opening=-306_000_000, movements=-66_000_000, limit=640_000_000)
    assert liquidity.closing == -372_000_000
    assert liquidity.unused == 268_000_000


@pytest.mark.parametrize(
    ("kroner", "text"),
    [
        (640_000_000, "640\u00a0mill.\u00a0kr"),
        (4_955_859, "5,0\u00a0mill.\u00a0kr"),
        (-66_350_201, "66,4\u00a0mill.\u00a0kr"),
        (447_422, "0,4\u00a0mill.\u00a0kr"),
        (1_250_000, "1,3\u00a0mill.\u00a0kr"),  # half away from zero
    ],
)
def test_millions_in_sentences(kroner, text):
    from vrapport.consolidate.finance import _millions

    assert _millions(kroner) == text


def test_sentences_round_once_from_the_unrounded_kroner():
    from vrapport.consolidate.finance import _millions

    # The table shows 9 450 and 450 thousand; rounding those again would give 9,5 and 0,5.
    assert _millions(9_449_955) == "9,4\u00a0mill.\u00a0kr"
    assert _millions(449_600) == "0,4\u00a0mill.\u00a0kr"


def _front_page_millions(path: Path) -> str:
    """The result key figure as the front page shows it ('0.0 "mill. kr"' of the value)."""
    front = openpyxl.load_workbook(path)["Forside"]
    row = next(r for r in front.iter_rows() if str(r[0].value).startswith("Resultat hittil"))
    assert row[1].number_format == '0.0 "mill. kr"'
    return format_number(abs(row[1].value), 1)


@pytest.mark.parametrize(
    "variance", [None, 449_600, -449_600, 9_449_955, 1_250_000, 50_000, 1_350_000, -4_650_000]
)
def test_drafted_amounts_equal_the_front_page_and_the_table(
    specs, example_copy, tmp_path: Path, variance
):
    """One figure, one value: the year-to-date result variance in the chapter's sentence is
    the front page's key figure, and both round the table's unrounded figure once."""
    path = example_copy("okonomi.xlsx")
    sub = read_submission(path, specs)
    data = sub.sheets["result"]
    lines = result_lines(data.frame, specs.report.model.catalogues.finance_lines, PERIOD, SUBTOTALS)
    now = next(x for x in lines if x.key == "net_result").ytd_variance
    if variance is not None:  # move the variance by SLA's March actual (an income line)
        frame = data.frame
        index = frame.index[(frame[ROW_KEY] == "sla") & (frame[MONTH] == 3)][0]
        cell = data.cell(index, "actual")
        set_cells(path, data.name, {cell: frame.at[index, "actual"] + variance - now})
        now = variance
    outcome = build([path.parent], PERIOD, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked
    grids = read_grids(tmp_path / "r.xlsx")
    sentence = next(
        t for row in grids[SHEET] for t in row if isinstance(t, str) and "resultatet pr." in t
    )
    shown = re.search(r"resultatet pr\. mars viser et \w+ budsjettavvik på ([\d,]+)", sentence)
    assert shown, sentence
    assert shown.group(1) == _front_page_millions(tmp_path / "r.xlsx")
    assert shown.group(1) == format_number(abs(now) / 1e6, 1)
    # The table's thousands, shown to the board, round the same figure once too.
    assert row_values(grids, r"^resultat$", SHEET)[5] == thousands(now)


def test_materiality_needs_both_amount_and_percent():
    from vrapport.consolidate.finance import Fte, Line, Liquidity, narrative

    def line(key: str, actual: float, budget: float) -> Line:
        return Line(key, key.capitalize(), "cost", 0, 0, actual, budget, budget * 4)

    lines = [
        Line("operating_revenue", "Driftsinntekter", "income", 0, 0, 1, 1, 4),
        line("big", 100_000_000, 101_000_400),  # 1,0 mill. kr but only 1 % of budget
        line("small", 1_000_000, 1_600_000),  # 0,6 mill. kr and 37,5 %
        Line("operating_expenses", "Driftskostnader", "cost", 0, 0, 1, 1, 4, "bold"),
        Line("net_result", "RESULTAT", "result", 0, 0, 0, 0, 0, "bold"),
    ]
    liquidity, staff = Liquidity(-1e8, -1e6, 6.4e8), Fte(470, 483)
    text = " ".join(narrative(lines, liquidity, staff, PERIOD, 500_000, 0.02)["costs"])
    assert "Small ligger pr. mars 0,6\u00a0mill.\u00a0kr under budsjett." in text
    assert "Big ligger" not in text
    text = " ".join(narrative(lines, liquidity, staff, PERIOD, 500_000, 0.0)["costs"])
    assert "Big ligger pr. mars 1,0\u00a0mill.\u00a0kr under budsjett." in text


@pytest.mark.parametrize(
    ("year_start", "now", "said"),
    [
        (470, 470.5, "Dette er en økning på 1 siden årsskiftet."),
        (470, 471.5, "Dette er en økning på 2 siden årsskiftet."),
        (470.5, 470, "Dette er en nedgang på 1 siden årsskiftet."),
        (470, 470.4, "Dette er ingen endring siden årsskiftet."),
    ],
)
def test_fte_sentence_rounds_half_away_from_zero_as_the_table(year_start, now, said):
    from vrapport.consolidate.finance import Fte, Line, Liquidity, narrative

    lines = [
        Line("operating_revenue", "Driftsinntekter", "income", 0, 0, 1, 1, 4, "bold"),
        Line("operating_expenses", "Driftskostnader", "cost", 0, 0, 1, 1, 4, "bold"),
        Line("net_result", "RESULTAT", "result", 0, 0, 0, 0, 0, "bold"),
    ]
    text = " ".join(
        narrative(lines, Liquidity(0, 0, 1e6), Fte(year_start, now), PERIOD, 500_000)["costs"]
    )
    assert said in text


@pytest.mark.parametrize(
    ("edit", "cell", "code", "words"),
    [
        ({"B18": 640000}, "B5", "credit-beyond-limit", "Saldoen 1.1. er -306"),  # limit in 1000 kr
        ({"B5": -306489612000}, "B5", "credit-beyond-limit", "Saldoen 1.1."),  # IB x1000
        ({"B8": -476264180}, "B8", "credit-beyond-limit", "Saldoen etter mars"),  # x10 movement
        ({"B18": -640000000}, "B18", "credit-limit-negative", "positivt beløp"),
    ],
)
def test_a_credit_line_drawn_beyond_its_limit_is_an_error_at_the_first_such_balance(
    specs, example_copy, edit, cell, code, words
):
    from vrapport.validation import check_files

    path = set_cells(example_copy("okonomi.xlsx"), "Likviditet", edit)
    (sub,) = check_files([path], specs, PERIOD)
    found = [f for f in sub.findings if f.code.startswith("credit-")]
    assert [(f.sheet, f.cell, f.code, f.severity) for f in found] == [
        ("Likviditet", cell, code, "error")
    ]
    assert words in found[0].message.replace("\u00a0", " ")


def test_last_years_movements_are_not_this_years(schemas_copy, tmp_path: Path):
    """Liquidity with `months_back` (last year's movements shown too): the balance is the
    opening balance plus this year's movements only; last year's are in the opening balance
    already (they were added to it, and the credit check refused a balance beyond the limit
    that never was)."""
    import importlib.util
    import shutil

    from tests.conftest import EXAMPLES, ROOT
    from vrapport.fill import fill_template
    from vrapport.spec import load_specs
    from vrapport.templates import write_template

    folder = schemas_copy(
        {
            "okonomi.yaml": (
                '      months: "Bevegelse {month}"',
                '      months_back: 3\n      months: "Bevegelse {month}"',
            )
        }
    )
    specs = load_specs(folder)
    loader = importlib.util.spec_from_file_location(
        "okonomi_data", ROOT / "examples/data/okonomi.py"
    )
    assert loader and loader.loader
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    data = dict(module.DATA)
    data["liquidity"] = {
        **data["liquidity"],
        "p10": {"amount": -400_000_000},  # the balance beyond the limit, had it counted
        "p11": {"amount": 2_000_000},
        "p12": {"amount": 5_000_000},
    }
    month = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, month)
    blank = write_template(specs.template("okonomi"), specs.report, PERIOD, tmp_path / "b.xlsx")
    fill_template(blank, data, month / "okonomi.xlsx", specs)
    outcome = build([month], PERIOD, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    grids = read_grids(tmp_path / "r.xlsx")
    assert row_values(grids, r"^bevegelser hittil i år$", SHEET)[0] == -66350
    assert row_values(grids, r"^ub per 31\.3\.2024$", SHEET)[0] == -372840


def test_amounts_shown_as_nothing_name_no_direction():
    """A variance, a total's difference from budget or a movement shown as 0,0 mill. kr has no
    direction to name: «et negativt budsjettavvik på 0,0 mill. kr», «0,0 mill. kr lavere enn
    budsjettet» and «redusert med 0,0 mill. kr» read as if something had happened."""
    from vrapport.consolidate.finance import Fte, Line, Liquidity, narrative

    lines = [
        Line("operating_revenue", "Driftsinntekter", "income", 0, 0, 5e6, 5e6, 2e7, "bold"),
        Line("operating_expenses", "Driftskostnader", "cost", 0, 0, 4e6, 4.03e6, 2e7, "bold"),
        Line("net_result", "RESULTAT", "result", 0, 40_000, 1e6, 1.03e6, 4e6, "bold"),
    ]
    said = narrative(lines, Liquidity(-1e8, 20_000, 6.4e8), Fte(470, 470), PERIOD, 500_000)
    text = " ".join(" ".join(part) for part in said.values()).replace("\u00a0", " ")
    assert (
        "Mars-måned har et budsjettavvik på 0,0 mill. kr, mens resultatet pr. mars viser et "
        "budsjettavvik på 0,0 mill. kr."
    ) in text
    assert "Inntektene pr. mars er samlet sett på budsjettet." in text
    assert "Driftskostnadene pr. mars er samlet sett på budsjettet." in text
    assert "Trekket på kassekreditten er uendret så langt i 2024." in text
    assert "negativt" not in text and "redusert" not in text and "lavere" not in text
