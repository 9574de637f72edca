"""Output paths: every one checked before anything is written, the operating system's
refusals in Norwegian, and the folders a command creates named in its output."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD
from vrapport.cli import app
from vrapport.outputs import reason

runner = CliRunner()


def _words(text: str) -> str:
    return " ".join(text.split())


def _build(*args: str):
    return runner.invoke(app, ["build", str(EXAMPLES), "--period", str(PERIOD), *args])


def test_an_unwritable_trace_stops_the_build_before_the_report_is_written(tmp_path: Path):
    report = tmp_path / "half.xlsx"
    result = _build("--out", str(report), "--trace", "/proc/t.json")
    assert result.exit_code == 2, result.output
    assert "kan ikke skrive /proc/t.json: mappen /proc tar ikke imot filer" in _words(result.output)
    assert "No such file" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_folder_should_be_is_named(tmp_path: Path):
    (tmp_path / "notat.txt").write_text("x", encoding="utf-8")
    result = _build("--out", str(tmp_path / "notat.txt" / "r.xlsx"))
    assert result.exit_code == 2, result.output
    assert "«notat.txt» er en fil, ikke en mappe" in _words(result.output)
    assert "File exists" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notat.txt"]


def test_feedback_into_a_file_is_refused_in_norwegian(tmp_path: Path):
    (tmp_path / "notat.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(
        app,
        ["check", str(EXAMPLES / "okonomi.xlsx"), "--feedback", str(tmp_path / "notat.txt")],
    )
    assert result.exit_code == 2, result.output
    assert "«notat.txt» er en fil, ikke en mappe" in _words(result.output)
    assert (tmp_path / "notat.txt").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "ingen skrivetilgang til mappen"),
        (errno.EPERM, "ingen skrivetilgang til mappen"),
        (errno.ENOSPC, "disken er full"),
        (errno.EROFS, "disken er skrivebeskyttet"),
    ],
)
def test_os_reasons_in_norwegian(tmp_path: Path, code: int, words: str):
    assert reason(OSError(code, "English text"), tmp_path / "r.xlsx").startswith(words)


def test_created_output_folders_are_named(tmp_path: Path):
    out = tmp_path / "nyfolder" / "a" / "r.xlsx"
    trace = tmp_path / "spor" / "t.json"
    result = _build("--out", str(out), "--trace", str(trace))
    assert result.exit_code == 0, result.output
    text = _words(result.output)
    assert f"Opprettet mappen {tmp_path / 'nyfolder'}/" in text
    assert f"Opprettet mappen {tmp_path / 'spor'}/" in text
    assert out.is_file() and trace.is_file()
    again = _build("--out", str(out), "--trace", str(trace))
    assert again.exit_code == 0, again.output
    assert "Opprettet mappen" not in again.output


def test_created_feedback_and_template_folders_are_named(tmp_path: Path):
    feedback = tmp_path / "retur" / "mars"
    result = runner.invoke(
        app, ["check", str(EXAMPLES / "okonomi.xlsx"), "--feedback", str(feedback)]
    )
    assert result.exit_code == 0, result.output
    assert f"Opprettet mappen {tmp_path / 'retur'}/" in _words(result.output)
    assert feedback.is_dir()
    maler = tmp_path / "maler"
    made = runner.invoke(app, ["templates", "2024-04", "--out", str(maler), "--only", "hr"])
    assert made.exit_code == 0, made.output
    assert f"Opprettet mappen {maler}/" in _words(made.output)
    assert (maler / "hr_2024-04.xlsx").is_file()
