"""At volume (every register of the examples ×100, as benchmarks/volume.py makes them) the
build exits 0 and every figure is what the same logic gives at ×1: figures from registers
equal a direct pandas computation over the enlarged input, all other figures equal the ×1
report's, and no cell exceeds Excel's limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from benchmarks.volume import make_enlarged
from tests.conftest import Grid, find_label, read_grids
from vrapport.cli import app
from vrapport.report.writer import MAX_CELL_CHARS

pytestmark = pytest.mark.slow
FACTOR = 100
SERVICES, PORTFOLIO, QUALITY = "3 Tjenester", "4 Prosjektportefølje", "6 Avviksmeldinger"
UNCHANGED = ("1 Adm. direktørs vurdering", "2 Økonomi", "5 HR-HMS")


def _build(folder: Path, out: Path) -> dict[str, Grid]:
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(folder / "2024-03"),
            "--period",
            "2024-03",
            "--previous",
            str(folder / "2024-02"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return read_grids(out)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, dict[str, Grid]]]:
    built = {}
    for factor in (1, FACTOR):
        folder = tmp_path_factory.mktemp(f"x{factor}")
        make_enlarged(factor, folder)
        built[factor] = (folder, _build(folder, folder / "rapport.xlsx"))
    return built


def _register(path: Path, sheet: str, first_label: str) -> pd.DataFrame:
    """A register sheet of an input file as a frame, straight from pandas."""
    raw = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")
    header = raw.index[raw.iloc[:, 0] == first_label][0]
    frame = raw.iloc[header + 1 :].dropna(how="all")
    frame.columns = raw.iloc[header]
    return frame


def _values(grids: dict[str, Grid], sheet: str, label: str) -> list[Any]:
    hits = [h for h in find_label(grids, f"^{label}$", sheet) if h[2] == 0]  # row labels
    assert len(hits) == 1, (label, hits)
    _, r, c = hits[0]
    return [0 if v == "" else v for v in grids[sheet][r][c + 1 :]]


def test_register_rows_are_enlarged(reports):
    folder, _ = reports[FACTOR]
    orders = _register(folder / "2024-03" / "nye_tjenester.xlsx", "Leverte oppdrag", "Oppdrags-ID")
    base = _register(
        reports[1][0] / "2024-03" / "nye_tjenester.xlsx", "Leverte oppdrag", "Oppdrags-ID"
    )
    assert len(orders) == FACTOR * len(base) and orders["Oppdrags-ID"].is_unique


def test_chapters_without_registers_equal_the_x1_report(reports):
    small, large = reports[1][1], reports[FACTOR][1]
    for sheet in UNCHANGED:
        assert large[sheet] == small[sheet], sheet
    for label in ("Totalt antall henvendelser", "Timer oppdrag", "Antall oppdateringer"):
        assert _values(large, SERVICES, label) == _values(small, SERVICES, label)


def test_order_counts_equal_pandas_over_the_enlarged_register(reports):
    folder, grids = reports[FACTOR]
    orders = _register(folder / "2024-03" / "nye_tjenester.xlsx", "Leverte oppdrag", "Oppdrags-ID")
    day = pd.to_datetime(orders["Levert dato"])
    spans = (
        (day >= "2024-01-01") & (day <= "2024-03-31"),
        (day >= "2023-01-01") & (day <= "2023-03-31"),
        day.dt.year == 2023,
    )
    assert _values(grids, SERVICES, "Leverte oppdrag")[:3] == [int(s.sum()) for s in spans]
    labels = {
        "Tjenesteleveranse": "Tjenesteleveranser",
        "Anskaffelser og rådgivning": "Anskaffelser og rådgivning",
        "Frittstående programvare": "Frittstående programvare",
        "Nettverk": "Nettverk",
    }
    for category, label in labels.items():
        chosen = orders["Kategori"] == category
        expected = [int((s & chosen).sum()) for s in spans]
        assert _values(grids, SERVICES, label)[:3] == expected, category


def test_preparedness_counts_equal_pandas_over_the_enlarged_log(reports):
    folder, grids = reports[FACTOR]
    log = _register(folder / "2024-03" / "drift.xlsx", "Beredskap", "Dato")
    day = pd.to_datetime(log["Dato"])
    months = [dt.date(2023, m, 1) for m in range(7, 13)] + [dt.date(2024, m, 1) for m in (1, 2, 3)]
    for level in ("Grønn", "Gul", "Rød"):
        expected = [
            int(
                ((day.dt.year == m.year) & (day.dt.month == m.month) & (log["Nivå"] == level)).sum()
            )
            for m in months
        ]
        assert _values(grids, SERVICES, f"Beredskap {level}")[:9] == expected, level
    assert sum(_values(grids, SERVICES, "Beredskap Grønn")[:9]) > 0


def test_portfolio_counts_equal_pandas_over_the_enlarged_project_list(reports):
    folder, grids = reports[FACTOR]
    projects = _register(folder / "2024-03" / "prosjekt.xlsx", "Prosjekter", "Prosjekt")
    counts = projects["Status totalt"].value_counts()
    for status in ("Grønn", "Gul", "Rød"):
        assert _values(grids, PORTFOLIO, status)[0] == counts.get(status, 0), status
    assert _values(grids, PORTFOLIO, "Totalt")[0] == len(projects) == FACTOR * 12


def test_red_zone_risks_are_the_x1_risks_for_every_copy(reports):
    def red_zone(grids: dict[str, Grid]) -> list[str]:
        (_, r, _), *_ = find_label(grids, "^RISIKOBESKRIVELSE$", PORTFOLIO)
        rows = []
        for line in grids[PORTFOLIO][r + 1 :]:
            if not line[1]:
                break
            rows.append(line[1])
        return rows

    small, large = red_zone(reports[1][1]), red_zone(reports[FACTOR][1])
    assert len(large) == FACTOR * len(small) and set(large) == set(small)


def test_deviation_window_equals_pandas_over_the_enlarged_counts(reports):
    folder, grids = reports[FACTOR]
    counts = _register(folder / "2024-03" / "kvalitet.xlsx", "Åpne avvik", "Telledato")
    counts = counts.set_index(pd.to_datetime(counts["Telledato"]))["Antall åpne avvik"]
    window = counts[(counts.index >= "2023-04-01") & (counts.index <= "2024-04-01")]
    shown = [v for v in _values(grids, QUALITY, "Total") if v]
    assert len(counts) > FACTOR and shown == window.astype(int).tolist()
    assert shown == [v for v in _values(reports[1][1], QUALITY, "Total") if v]


def test_no_cell_exceeds_excels_limit_and_long_lists_are_summarised(reports):
    grids = reports[FACTOR][1]
    longest = max(len(v) for g in grids.values() for row in g for v in row if isinstance(v, str))
    assert longest <= MAX_CELL_CHARS
    drafted = [v for row in grids[PORTFOLIO] for v in row if str(v).startswith("Utkast fra")]
    assert any("andre prosjekter" in text for text in drafted)
    assert any(str(v).startswith("prosjekt.xlsx › Prosjekter › ") for v in _column(grids, "Kilder"))


def _column(grids: dict[str, Grid], sheet: str) -> list[Any]:
    return [v for row in grids[sheet] for v in row]
