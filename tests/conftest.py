"""Shared fixtures: the specs, the example report built once, and helpers to make, fill and
tamper with submissions. Reports are read back with python-calamine (not the writer)."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis  # noqa: F401 - before a test runs vrapport.cli.main, which keeps it out
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from vrapport.fill import FillData, fill_template
from vrapport.period import Period
from vrapport.pipeline import BuildOutcome, build
from vrapport.spec import Specs, load_specs
from vrapport.templates import write_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
PERIOD = Period(2024, 3)

Grid = list[list[Any]]


@pytest.fixture(scope="session")
def specs() -> Specs:
    return load_specs(ROOT / "schemas")


@pytest.fixture(scope="session")
def example_outcome(specs: Specs, tmp_path_factory: pytest.TempPathFactory) -> BuildOutcome:
    """The example submissions built into a report, once per test session."""
    out = tmp_path_factory.mktemp("report") / "rapport.xlsx"
    previous = ROOT / "examples" / "2024-02"
    outcome = build(
        [EXAMPLES], PERIOD, out, specs, previous=[previous] if previous.is_dir() else None
    )
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    return outcome


@pytest.fixture(scope="session")
def example_report(example_outcome: BuildOutcome) -> Path:
    """The example report's workbook."""
    assert example_outcome.path is not None
    return example_outcome.path


def read_grids(path: Path) -> dict[str, Grid]:
    """Every sheet's cached values, as a reader other than Excel sees them."""
    workbook = CalamineWorkbook.from_path(str(path))
    return {
        name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in workbook.sheet_names
    }


@pytest.fixture(scope="session")
def report_grids(example_report: Path) -> dict[str, Grid]:
    return read_grids(example_report)


def norm(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def find_label(
    grids: dict[str, Grid], pattern: str, sheet: str | None = None
) -> list[tuple[str, int, int]]:
    """Every (sheet, row, col) whose text matches `pattern` (regex on normalised text)."""
    regex = re.compile(pattern, re.I)
    hits = []
    for name, grid in grids.items():
        if sheet and name != sheet:
            continue
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, str) and regex.search(norm(value)):
                    hits.append((name, r, c))
    return hits


def row_values(grids: dict[str, Grid], pattern: str, sheet: str | None = None) -> list[Any]:
    """The cells to the right of the first label matching `pattern` (blanks as None)."""
    hits = find_label(grids, pattern, sheet)
    assert hits, f"no label matches {pattern!r}"
    name, r, c = hits[0]
    return [None if v == "" else v for v in grids[name][r][c + 1 :]]


def numbers(values: list[Any]) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


@pytest.fixture
def schemas_copy(tmp_path: Path) -> Callable[..., Path]:
    """A copy of schemas/ with text edits: {file name: (old, new)}, each old text required."""

    def copy(edits: dict[str, tuple[str, str]] | None = None) -> Path:
        folder = tmp_path / "schemas"
        shutil.copytree(ROOT / "schemas", folder, dirs_exist_ok=True)
        for name, (old, new) in (edits or {}).items():
            path = folder / name
            text = path.read_text(encoding="utf-8")
            assert old in text, (name, old)
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder

    return copy


@pytest.fixture
def make_template(specs: Specs, tmp_path: Path) -> Callable[..., Path]:
    def make(template_id: str, period: Period | None = PERIOD) -> Path:
        name = f"blank_{template_id}_{period}.xlsx"
        return write_template(specs.template(template_id), specs.report, period, tmp_path / name)

    return make


@pytest.fixture
def make_filled(
    specs: Specs, tmp_path: Path, make_template: Callable[..., Path]
) -> Callable[..., Path]:
    def make(
        template_id: str, data: FillData, period: Period | None = PERIOD, name: str | None = None
    ) -> Path:
        blank = make_template(template_id, period)
        return fill_template(blank, data, tmp_path / (name or f"{template_id}.xlsx"), specs)

    return make


@pytest.fixture
def example_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A copy of one example submission in a fresh folder (the original stays untouched)."""

    def copy(name: str) -> Path:
        folder = tmp_path / "innsendt"
        folder.mkdir(exist_ok=True)
        return Path(shutil.copy(EXAMPLES / name, folder / name))

    return copy


def with_other_examples(folder: Path) -> Path:
    """`folder` completed with a copy of every example submission it does not hold yet (by
    name): a month's delivery around the edited files, ready to build."""
    for source in EXAMPLES.glob("*.xlsx"):
        if not (folder / source.name).exists():
            shutil.copy(source, folder / source.name)
    return folder


def assert_build_blocked_at(path: Path, tmp_path: Path, place: str) -> None:
    """`vrapport build` of the month around the edited submission `path` exits 1, writes no
    report and names `place` ("Resultat › F6")."""
    from typer.testing import CliRunner

    from vrapport.cli import app

    out = tmp_path / "rapport.xlsx"
    built = CliRunner().invoke(
        app,
        ["build", str(with_other_examples(path.parent)), "--period", "2024-03", "--out", str(out)],
    )
    assert built.exit_code == 1 and not out.exists()
    assert place in built.output


def set_cells(path: Path, sheet: str, values: dict[str, Any]) -> Path:
    """Overwrite cells of a submission in place (openpyxl), as a user typing in Excel would."""
    workbook = openpyxl.load_workbook(path)
    for cell, value in values.items():
        workbook[sheet][cell] = value
    workbook.save(path)
    return path


def cell_of(path: Path, sheet: str, label: str, column_label: str) -> str:
    """The A1 address in `sheet` on the row labelled `label` under the header `column_label`
    (first match), found the way a user would find it."""
    grid = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )
    from xlsxwriter.utility import xl_rowcol_to_cell

    row = next(r for r, line in enumerate(grid) if any(norm(v) == norm(label) for v in line))
    for r in range(row - 1, -1, -1):
        for c, value in enumerate(grid[r]):
            if norm(value) == norm(column_label):
                return xl_rowcol_to_cell(row, c)
    raise AssertionError(f"no column {column_label!r} above {label!r}")
