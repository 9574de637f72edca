"""Identical copies (the same SHA-256) are read once, with a warning naming the copies; two
different files of one template stay an error."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

import vrapport
from tests.conftest import EXAMPLES, PERIOD, read_grids, set_cells
from vrapport.cli import app


def _copies(tmp_path: Path, times: int) -> list[Path]:
    """The example folder `times` over, each copy in its own folder."""
    folders = []
    for n in range(times):
        folder = tmp_path / f"innsendt{n}"
        shutil.copytree(EXAMPLES, folder)
        folders.append(folder)
    return folders


def test_identical_copies_are_read_once_with_a_warning_naming_them(tmp_path: Path):
    folders = _copies(tmp_path, 3)
    report = vrapport.check(folders, PERIOD)
    assert report.valid
    assert sorted(f.template for f in report.files) == sorted(
        p.stem for p in EXAMPLES.glob("*.xlsx")
    )
    warnings = [f for f in report.findings if f.code == "identical-copies"]
    okonomi = next(f for f in warnings if f.file == "innsendt0/okonomi.xlsx")
    assert len(warnings) == len(list(EXAMPLES.glob("*.xlsx")))
    assert okonomi.severity == "warning"
    assert "innsendt1/okonomi.xlsx og innsendt2/okonomi.xlsx" in okonomi.message
    assert not [f for f in report.findings if f.code == "duplicate-template"]


def test_many_copies_are_named_in_a_summary(tmp_path: Path):
    source = EXAMPLES / "okonomi.xlsx"
    files = [Path(shutil.copy(source, tmp_path / f"okonomi_{n:02d}.xlsx")) for n in range(14)]
    report = vrapport.check(files, PERIOD)
    (warning,) = [f for f in report.findings if f.code == "identical-copies"]
    assert warning.file == "okonomi_00.xlsx"
    assert "okonomi_01.xlsx, okonomi_02.xlsx" in warning.message
    assert warning.message.count("okonomi_") == 10 and "og 3 andre filer" in warning.message


def test_a_build_of_copies_equals_the_build_of_the_originals(tmp_path: Path):
    runner = CliRunner()
    outs = []
    for name, paths in (("one", [EXAMPLES]), ("copies", _copies(tmp_path, 2))):
        out = tmp_path / f"{name}.xlsx"
        args = ["build", *map(str, paths), "--period", "2024-03", "--out", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outs.append(read_grids(out))
    one, copies = outs
    assert {k: v for k, v in one.items() if k != "Kilder"} == {
        k: v for k, v in copies.items() if k != "Kilder"
    }


def test_different_files_of_one_template_stay_an_error(tmp_path: Path):
    first, second = _copies(tmp_path, 2)
    set_cells(second / "okonomi.xlsx", "Resultat", {"H6": 1000})
    report = vrapport.check([first, second], PERIOD)
    errors = [f for f in report.findings if f.severity == "error"]
    assert [f.code for f in errors] == ["duplicate-template"]
    assert "okonomi" in errors[0].message
    copies = {f.file for f in report.findings if f.code == "identical-copies"}
    assert "innsendt0/okonomi.xlsx" not in copies and "innsendt0/hr.xlsx" in copies
