"""Output paths: every one checked before anything is written, the operating system's
refusals in Norwegian, and the folders a command creates named in its output."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vrapport
from tests.conftest import EXAMPLES, PERIOD
from vrapport.cli import app
from vrapport.outputs import is_board_pack, is_trace, lock_files, reason

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
    assert f"Opprettet mappen {tmp_path / 'nyfolder' / 'a'}/" in text
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


def test_a_trace_named_like_the_report_is_refused_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "r.xlsx"
    result = _build("--out", str(out), "--trace", str(out))
    assert result.exit_code == 2, result.output
    assert f"--trace og --out er samme fil ({out})" in _words(result.output)
    assert list(tmp_path.iterdir()) == []


def test_a_trace_named_like_the_pdf_is_refused(tmp_path: Path):
    out = tmp_path / "r.xlsx"
    result = _build("--out", str(out), "--pdf", "--trace", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2, result.output
    assert "--trace er samme fil som PDF-en" in _words(result.output)
    assert list(tmp_path.iterdir()) == []


def test_a_trace_onto_a_submission_names_the_trace(tmp_path: Path):
    submission = EXAMPLES / "hr.xlsx"
    before = submission.read_bytes()
    result = _build("--out", str(tmp_path / "r.xlsx"), "--trace", str(submission))
    assert result.exit_code == 2, result.output
    assert "er en av innsendingene; velg et annet navn for sporbarheten" in _words(result.output)
    assert submission.read_bytes() == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--trace", "--out"])
def test_a_folder_as_an_output_file_is_named_a_folder(tmp_path: Path, option: str):
    folder = tmp_path / "rapporter"
    folder.mkdir()
    args = ["--out", str(tmp_path / "r.xlsx"), option, str(folder)]
    result = _build(*args)
    assert result.exit_code == 2, result.output
    assert f"{folder} er en mappe; oppgi" in _words(result.output)
    assert "må slutte på .xlsx" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapporter"]


def test_a_foreign_file_as_trace_is_kept_without_overwrite(tmp_path: Path):
    notes = tmp_path / "notater.json"
    notes.write_text('{"mine": "notater"}', encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = _build("--out", str(out), "--trace", str(notes))
    assert result.exit_code == 2, result.output
    assert "finnes og er ikke en sporbarhetsfil fra vrapport; den erstattes ikke" in _words(
        result.output
    )
    assert notes.read_text(encoding="utf-8") == '{"mine": "notater"}'
    assert not out.exists()
    forced = _build("--out", str(out), "--trace", str(notes), "--overwrite")
    assert forced.exit_code == 0, forced.output
    assert json.loads(notes.read_text(encoding="utf-8"))["generator"] == "vrapport"


def test_vrapports_own_trace_is_replaced_on_a_rebuild(tmp_path: Path):
    out, trace = tmp_path / "r.xlsx", tmp_path / "spor.json"
    assert _build("--out", str(out), "--trace", str(trace)).exit_code == 0
    assert is_trace(trace)
    trace.write_text(trace.read_text(encoding="utf-8").replace("2024-03", "1999-01"), "utf-8")
    again = _build("--out", str(out), "--trace", str(trace))
    assert again.exit_code == 0, again.output
    assert json.loads(trace.read_text(encoding="utf-8"))["period"] == "2024-03"


def test_a_foreign_pdf_beside_the_report_is_kept_without_overwrite(tmp_path: Path):
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.7 styrets egne notater")
    result = _build("--out", str(out), "--pdf")
    assert result.exit_code == 2, result.output
    assert f"{pdf} finnes og er ikke en PDF laget av vrapport; den erstattes ikke" in _words(
        result.output
    )
    assert pdf.read_bytes() == b"%PDF-1.7 styrets egne notater"
    assert not out.exists()
    # Without --pdf the PDF is not an output: the build goes ahead and leaves it alone.
    assert _build("--out", str(out)).exit_code == 0
    assert pdf.read_bytes() == b"%PDF-1.7 styrets egne notater"


def test_a_board_pack_is_recognised_by_its_keywords(tmp_path: Path, monkeypatch):
    """LibreOffice writes the report's keywords into the PDF's information dictionary, in
    UTF-16 hex (as in a real board pack); such a PDF is vrapport's and may be replaced."""
    hex_keywords = "FEFF" + "vrapport".encode("utf_16_be").hex().upper()
    ours, theirs = tmp_path / "r.pdf", tmp_path / "annen.pdf"
    info = f"<</Title<FEFF0041>/Keywords<{hex_keywords}>/Creator<FEFF0043>>>"
    ours.write_bytes(b"%PDF-1.6\n" + b"x" * 300_000 + info.encode() + b"\n%%EOF\n")
    theirs.write_bytes(b"%PDF-1.6\n<</Keywords<FEFF0041>>>\n%%EOF\n")
    assert is_board_pack(ours) and not is_board_pack(theirs)
    assert not is_board_pack(tmp_path / "finnes-ikke.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice: the build runs, the PDF fails
    result = _build("--out", str(tmp_path / "r.xlsx"), "--pdf")
    assert "erstattes ikke" not in result.output
    assert "LibreOffice (soffice) er ikke installert" in _words(result.output)
    assert (tmp_path / "r.xlsx").is_file()


@pytest.mark.parametrize(
    ("lock", "program"),
    [(".~lock.rapport.xlsx#", "LibreOffice"), ("~$rapport.xlsx", "Excel")],
)
def test_a_report_open_in_a_spreadsheet_program_is_written_with_a_warning(
    tmp_path: Path, lock: str, program: str
):
    (tmp_path / lock).write_text("user,host", encoding="utf-8")
    outcome = vrapport.build([EXAMPLES], PERIOD, tmp_path / "rapport.xlsx")
    assert outcome.path == tmp_path / "rapport.xlsx" and outcome.path.is_file()
    [warning] = [f for f in outcome.findings if f.code == "report-open"]
    assert (warning.file, warning.severity) == ("rapport.xlsx", "warning")
    assert warning.message == (
        f"Rapporten er åpen i {program} (låsefilen {lock} finnes): vinduet viser den forrige "
        "versjonen. Lukk den uten å lagre, og åpne rapport.xlsx på nytt."
    )
    assert (tmp_path / lock).read_text(encoding="utf-8") == "user,host"  # not touched
    result = _build("--out", str(tmp_path / "rapport.xlsx"))
    assert result.exit_code == 0, result.output
    assert "advarsel" in result.output and program in result.output


def test_no_open_report_warning_without_a_lock_file(tmp_path: Path):
    (tmp_path / ".~lock.annen.xlsx#").write_text("x", encoding="utf-8")  # another file's
    result = _build("--out", str(tmp_path / "rapport.xlsx"))
    assert result.exit_code == 0, result.output
    assert "er åpen i" not in result.output


def test_excels_lock_of_a_long_name_lacks_its_first_two_characters(tmp_path: Path):
    report = tmp_path / "Virksomhetsrapport.xlsx"
    (tmp_path / "~$rksomhetsrapport.xlsx").write_text("x", encoding="utf-8")
    assert lock_files(report) == [(tmp_path / "~$rksomhetsrapport.xlsx", "Excel")]
    assert lock_files(tmp_path / "r.xlsx") == []


def test_a_write_refused_for_a_report_open_in_excel_says_so(tmp_path: Path):
    (tmp_path / "~$rapport.xlsx").write_text("x", encoding="utf-8")
    refused = PermissionError(errno.EACCES, "Permission denied")
    assert reason(refused, tmp_path / "rapport.xlsx") == (
        "filen er åpen i Excel; lukk den og kjør på nytt"
    )
    assert reason(refused, tmp_path / "annen.xlsx").startswith("ingen skrivetilgang til mappen")


def test_a_report_built_into_the_folder_of_submissions_is_replaced_by_the_next_build(
    tmp_path: Path,
):
    """The controller builds into the folder the departments' files are in, corrects a
    file and builds again: the earlier report is vrapport's own, read as no submission (a
    warning), and replaced; the submissions stay as they were."""
    import shutil

    folder = tmp_path / "mars"
    shutil.copytree(EXAMPLES, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = folder / "rapport.xlsx"
    args = ["build", str(folder), "--period", str(PERIOD), "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    made = out.read_bytes()
    again = vrapport.build([folder], PERIOD, out, narrative=False)
    assert not again.blocked
    (skipped,) = [f for f in again.findings if f.code == "report-file"]
    assert skipped.file == "rapport.xlsx"
    assert out.read_bytes() != made  # the build without drafted sentences
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p != out} == before
