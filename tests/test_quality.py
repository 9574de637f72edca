"""Chapter 6, Avviksmeldinger i DocMap: the seed's ten counts exactly, the counting window,
the trend chart, the optional split, and the checks of the counting log."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pandas as pd
import pytest

from tests.conftest import PERIOD, find_label, read_grids, row_values
from vrapport.consolidate.quality import counts
from vrapport.period import Period, day_label
from vrapport.pipeline import build
from vrapport.sheetkeys import count_window
from vrapport.spec import SpecError, Specs, load_specs
from vrapport.validation import check_files

SHEET = "6 Avviksmeldinger"
SEED_COUNTS = [183, 211, 257, 181, 227, 215, 223, 252, 234, 258]
SEED_DATES = [
    "1. april 2023",
    "1. august 2023",
    "1. september 2023",
    "1. oktober 2023",
    "1. november 2023",
    "1. desember 2023",
    "1. januar 2024",
    "1. februar 2024",
    "1. mars 2024",
    "1. april 2024",
]


def test_open_deviations_table_prints_seed_counts(report_grids):
    values = row_values(report_grids, r"^total$", SHEET)
    assert values[:10] == SEED_COUNTS
    assert all(v is None for v in values[10:])


def test_open_deviations_header_is_the_counting_dates(report_grids):
    sheet, r, c = find_label(report_grids, r"^total$", SHEET)[0]
    assert report_grids[sheet][r - 1][c + 1 : c + 11] == SEED_DATES
    # The example's count of 1 March 2023 lies before the window and is not shown.
    assert 176 not in report_grids[sheet][r]


def test_department_text_and_drafted_trend(report_grids):
    assert find_label(report_grids, r"^tabellen nedenfor viser antall åpne avvik", SHEET)
    assert find_label(
        report_grids,
        r"pr\. 1\. april 2024 er det 258 åpne avvik, 24 flere enn 1\. mars 2024 "
        r"og 75 flere enn 1\. april 2023\.$",
        SHEET,
    )


def test_trend_chart_is_a_line_over_the_total_row(example_report, report_grids):
    with zipfile.ZipFile(example_report) as archive:
        xml = [
            archive.read(n).decode()
            for n in archive.namelist()
            if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        ]
    (chart,) = [x for x in xml if "Åpne avvik i DocMap" in x]
    assert "<c:lineChart>" in chart and "<c:barChart>" not in chart
    (values,) = re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", chart)
    sheet, r, c = find_label(report_grids, r"^total$", SHEET)[0]
    assert values == f"'{SHEET}'!$B${r + 1}:$K${r + 1}"


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        (Period(2024, 3), dt.date(2023, 4, 1), dt.date(2024, 4, 1)),
        (Period(2024, 1), dt.date(2023, 2, 1), dt.date(2024, 2, 1)),
        (Period(2024, 12), dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
    ],
)
def test_count_window_spans_a_year_to_the_first_day_after_the_period(period, first, last):
    assert count_window(period) == (first, last)


def test_day_label():
    assert day_label(dt.date(2023, 9, 1)) == "1. september 2023"


def _log(*rows: tuple) -> list[dict]:
    keys = ("date", "open", "awaiting_internal", "awaiting_trusts")
    return [dict(zip(keys, row, strict=False)) for row in rows]


def test_counts_keep_the_window_in_date_order():
    frame = pd.DataFrame(
        _log(
            (dt.date(2024, 4, 1), 258, None, None),
            (dt.date(2023, 3, 1), 176, None, None),
            (dt.date(2023, 4, 1), 183, 100, 83),
            (dt.date(2024, 5, 1), 300, None, None),
        )
    )
    found = counts(frame, PERIOD)
    assert [(c.date, c.open) for c in found] == [
        (dt.date(2023, 4, 1), 183),
        (dt.date(2024, 4, 1), 258),
    ]
    assert (found[0].awaiting_internal, found[0].awaiting_trusts) == (100, 83)


def _findings(specs: Specs, make_filled, rows: list[dict]):
    (sub,) = check_files([make_filled("kvalitet", {"open_deviations": rows})], specs, PERIOD)
    return sub.findings


def test_counting_date_must_be_first_of_month(specs: Specs, make_filled):
    rows = _log((dt.datetime(2024, 3, 1), 234), (dt.datetime(2024, 4, 2), 258))
    (error,) = [f for f in _findings(specs, make_filled, rows) if f.severity == "error"]
    assert (error.code, error.sheet, error.cell) == ("count-not-first-of-month", "Åpne avvik", "A6")
    assert "02.04.2024" in error.message


def test_duplicate_counting_date_is_an_error(specs: Specs, make_filled):
    rows = _log((dt.datetime(2024, 4, 1), 258), (dt.datetime(2024, 4, 1), 259))
    (error,) = [f for f in _findings(specs, make_filled, rows) if f.severity == "error"]
    assert (error.code, error.cell) == ("duplicate-count-date", "A6")
    assert "A5" in error.message


def test_split_exceeding_the_count_names_the_cell(specs: Specs, make_filled):
    rows = _log((dt.datetime(2024, 4, 1), 258, 200, 100))
    (error,) = [f for f in _findings(specs, make_filled, rows) if f.severity == "error"]
    assert (error.code, error.cell) == ("split-exceeds-total", "B5")
    assert "300" in error.message and "258" in error.message


def test_count_after_the_window_and_missing_closing_count_are_warnings(specs, make_filled):
    rows = _log((dt.datetime(2024, 3, 1), 234), (dt.datetime(2024, 5, 1), 270))
    findings = _findings(specs, make_filled, rows)
    assert not [f for f in findings if f.severity == "error"]
    codes = {(f.code, f.cell) for f in findings}
    assert codes == {("count-after-period", "A6"), ("missing-closing-count", "")}


def test_split_rows_appear_when_given(specs: Specs, make_filled, tmp_path):
    folder = tmp_path / "innsendt"
    folder.mkdir()
    rows = _log(
        (dt.datetime(2024, 3, 1), 234, 150, 84),
        (dt.datetime(2024, 4, 1), 258, 160, 98),
    )
    make_filled("kvalitet", {"open_deviations": rows}, name="innsendt/kvalitet.xlsx")
    outcome = build([folder], PERIOD, tmp_path / "rapport.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    grids = read_grids(tmp_path / "rapport.xlsx")
    assert row_values(grids, r"^total$", SHEET)[:2] == [234, 258]
    internal = row_values(grids, r"^herav venter på behandling i helse nord ikt$", SHEET)
    assert internal[:2] == [150, 160]
    trusts = row_values(grids, r"^herav venter på behandling i helseforetakene$", SHEET)
    assert trusts[:2] == [84, 98]


def test_blank_kvalitet_template_reads_without_findings_but_warns_of_missing_count(
    specs: Specs, make_template
):
    (sub,) = check_files([make_template("kvalitet")], specs, PERIOD)
    assert [(f.code, f.severity) for f in sub.findings] == [("missing-closing-count", "warning")]


@pytest.mark.parametrize(
    ("period", "said"),
    [
        (
            Period(2024, 3),
            "Rapporten for mars 2024 viser tellingene fra og med 1. april 2023 til "
            "og med 1. april 2024.",
        ),
        (
            Period(2025, 1),
            "Rapporten for januar 2025 viser tellingene fra og med 1. februar 2024 "
            "til og med 1. februar 2025.",
        ),
        (
            Period(2024, 12),
            "Rapporten for desember 2024 viser tellingene fra og med 1. januar "
            "2024 til og med 1. januar 2025.",
        ),
        (
            None,
            "Rapporten for rapportperioden viser tellingene fra og med den 1. i samme måned "
            "året før til og med den 1. i måneden etter rapportperioden.",
        ),
    ],
)
def test_template_help_dates_come_from_the_period(make_template, period, said):
    grid = read_grids(make_template("kvalitet", period))["Veiledning"]
    texts = [str(v) for row in grid for v in row if isinstance(v, str)]
    assert any(said in t for t in texts), texts
    if period != Period(2024, 3):
        assert not any("mars 2024" in t or "april 2023" in t for t in texts)


def test_an_unknown_placeholder_in_a_template_text_is_refused_at_load(schemas_copy):
    folder = schemas_copy({"kvalitet.yaml": ("{next_month_first}.", "{next_month}.")})
    with pytest.raises(
        SpecError,
        match=r"kvalitet\.yaml › instructions\[2\]: «\{next_month\}» "
        r"fylles ikke inn; kjente: .*\{next_month_first\}",
    ):
        load_specs(folder)


@pytest.mark.parametrize(
    "value", [0, 7, -3, 2**63, 2.0, 3.7, -2.5, float("nan"), True, "12", "x", None, "", 1e20]
)
def test_a_count_is_read_as_pandas_reads_it(value: object):
    """Whole numbers and floats take a shortcut; its counts are those of pd.to_numeric."""
    from vrapport.consolidate.quality import _count

    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    expected = None if pd.isna(number) else int(number)
    assert _count(value) == expected and type(_count(value)) is type(expected)


def test_the_counting_dates_over_the_table_have_room_beside_each_other(example_report):
    """«1. april 2023» filled a default column to its edge, so two dates ran together in
    the board's PDF: a date of 13 characters has two characters' room (longer ones wrap)."""
    import openpyxl

    sheet = openpyxl.load_workbook(example_report)[SHEET]
    header = next(row for row in sheet.iter_rows() if row[1].value == "1. april 2023")
    dates = [cell for cell in header[1:] if cell.value is not None]
    assert len(dates) == 10
    for cell in dates:
        # xlsxwriter writes columns of one width as one range (<col min max>)
        width = next(
            d.width for d in sheet.column_dimensions.values() if d.min <= cell.column <= d.max
        )
        assert width >= min(len(cell.value), 13) + 2, (cell.value, width)


def _built_from_counts(specs, make_filled, tmp_path, *counts):  # type: ignore[no-untyped-def]
    """The report built from a DocMap submission of `counts` ((date, open), ...) alone: the
    outcome, the report's sheets and the front page's line «Åpne avvik i DocMap»."""
    folder = tmp_path / "innsendt"
    folder.mkdir()
    make_filled("kvalitet", {"open_deviations": _log(*counts)}, name="innsendt/kvalitet.xlsx")
    outcome = build([folder], PERIOD, tmp_path / "rapport.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    grids = read_grids(tmp_path / "rapport.xlsx")
    front = next(r for r in grids["Forside"] if r[0] == "Åpne avvik i DocMap")
    return outcome, grids, front


def test_front_page_compares_with_the_count_a_month_earlier_only(specs, make_filled, tmp_path):
    """The key figure's «forrige måned» is the count on the first of the month before; with
    1 March missing, 1 April's 258 was compared with 1 February's 252 as «forrige måned»."""
    _, _, front = _built_from_counts(
        specs, make_filled, tmp_path, (dt.datetime(2024, 2, 1), 252), (dt.datetime(2024, 4, 1), 258)
    )
    assert front[1] == 258 and "forrige måned" not in front[2] and "252" not in front[2]


def test_front_page_shows_no_count_when_the_closing_count_is_missing(specs, make_filled, tmp_path):
    """Without the count of 1 April, the March report's front page showed 1 March's 255 as
    «Åpne avvik i DocMap», undated, as if it were the count at the end of March. The line
    stays, without a figure, and says which count is missing and what the last one was."""
    outcome, grids, front = _built_from_counts(
        specs, make_filled, tmp_path, (dt.datetime(2024, 2, 1), 252), (dt.datetime(2024, 3, 1), 255)
    )
    assert "missing-closing-count" in {f.code for f in outcome.findings}
    assert front[1] in (None, "")
    assert front[2] == "Mangler tellingen pr. 1. april 2024; siste telling 1. mars 2024: 255"
    # The chapter still shows the counts it has, with their dates.
    assert any(255 in row for row in grids[SHEET])
