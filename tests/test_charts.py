"""The report's charts show the table cells they point at, in Excel and in a preview.

A chart refers to its table's cells, and also carries a copy of their values (the cache),
which is what a viewer that does not read the cells draws (a mail or phone preview, some
converters). Both must say the same: a month not yet reported is no point at all, never a
0 (a sick-leave line falling to zero from April to December in a March report)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vrapport.period import Period
from vrapport.pipeline import build
from vrapport.spec import Specs

from .conftest import read_grids

CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
REF = re.compile(
    r"^'?(?P<sheet>.+?)'?!\$(?P<c0>[A-Z]+)\$(?P<r0>\d+):\$(?P<c1>[A-Z]+)\$(?P<r1>\d+)$"
)


@dataclass(frozen=True)
class Plotted:
    chart: str
    name: str
    sheet: str
    cells: list[tuple[int, int]]  # (row, column), 0-based, in the series' order
    cached: dict[int, float]  # point index -> the cached value
    count: int  # the cache's point count


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _cells(ref: str) -> tuple[str, list[tuple[int, int]]]:
    match = REF.match(ref)
    assert match, ref
    r0, r1 = int(match["r0"]) - 1, int(match["r1"]) - 1
    c0, c1 = _column(match["c0"]), _column(match["c1"])
    assert r0 == r1, f"a series over more than one row: {ref}"
    return match["sheet"].replace("''", "'"), [(r0, c) for c in range(c0, c1 + 1)]


def plotted(report: Path) -> list[Plotted]:
    """Every series of every chart in `report`: the cells of its values and their cache."""
    series = []
    with zipfile.ZipFile(report) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        for name in sorted(names):
            root = ET.fromstring(archive.read(name))
            for ser in root.iter(f"{CHART}ser"):
                values = ser.find(f"{CHART}val/{CHART}numRef")
                assert values is not None, name
                sheet, cells = _cells(values.findtext(f"{CHART}f", ""))
                cache = values.find(f"{CHART}numCache")
                assert cache is not None, name
                points = {
                    int(pt.get("idx", "-1")): float(pt.findtext(f"{CHART}v", "nan"))
                    for pt in cache.iter(f"{CHART}pt")
                }
                count = int(cache.find(f"{CHART}ptCount").get("val", "-1"))  # type: ignore[union-attr]
                title = ser.findtext(f"{CHART}tx/{CHART}v", "")
                series.append(Plotted(name, title, sheet, cells, points, count))
    return series


def _cell(grids: dict[str, list[list[Any]]], sheet: str, r: int, c: int) -> Any:
    rows = grids[sheet]
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else ""


def test_every_chart_caches_exactly_the_numbers_of_its_cells(example_report: Path):
    grids = read_grids(example_report)
    series = plotted(example_report)
    assert len(series) >= 15  # every chart of the six chapters
    blanks = 0
    for s in series:
        shown = [_cell(grids, s.sheet, r, c) for r, c in s.cells]
        assert not [v for v in shown if isinstance(v, str) and v != ""], (s.chart, s.name, shown)
        expected = {i: float(v) for i, v in enumerate(shown) if v != "" and v is not None}
        assert s.count == len(s.cells), (s.chart, s.name)
        assert s.cached == expected, (s.chart, s.name)
        blanks += len(s.cells) - len(expected)
    assert blanks >= 9 * 3  # (the months after March in this year's series, at least)


def test_a_january_sick_leave_line_has_one_point_not_eleven_zeros(
    specs: Specs, make_filled, tmp_path: Path
):
    period = Period(2025, 1)
    row = {"agreed": 1000, "self_certified": 5, "medically_short": 10, "medically_long": 40}
    prior = {f"{k}_prior": v for k, v in row.items()}
    months = {f"m{m:02d}": dict(prior) for m in range(1, 13)}
    months["m01"] |= row
    types = [t.key for t in specs.report.catalogue("working_time_breach_types")]
    data = {"sick_leave": months, "breaches": {t: {("count", 1): 0} for t in types}}
    outcome = build([make_filled("hr", data, period)], period, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked
    (this_year,) = [s for s in plotted(tmp_path / "r.xlsx") if s.name == "Sykefravær 2025"]
    assert this_year.cached == {0: 55 / 1000}
    (last_year,) = [s for s in plotted(tmp_path / "r.xlsx") if s.name == "Sykefravær 2024"]
    assert last_year.cached == dict.fromkeys(range(12), 55 / 1000)
