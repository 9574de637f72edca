"""User text is data on the console: labels, cell values and file names are printed as they are
written, never read as rich markup or emoji codes, and never end a command in a traceback."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, set_cells
from vrapport.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "400"}
LABEL = "Personalkostnader [inkl. sosiale kostnader]"


def _tampered(folder: Path, name: str = "okonomi [endelig].xlsx") -> Path:
    """The finance example with markup-like text in a row label, a comment's theme and a cell,
    saved under a file name with brackets."""
    folder.mkdir(exist_ok=True)
    workbook = openpyxl.load_workbook(EXAMPLES / "okonomi.xlsx")
    workbook["Resultat"]["A9"] = LABEL
    workbook["Resultat"]["F6"] = "[bold]34 185 330 :warning:"
    workbook["Kommentar"]["A5"] = "[/b]"
    path = folder / name
    workbook.save(path)
    return path


def test_markup_in_labels_values_and_file_names_is_printed_verbatim(tmp_path):
    path = _tampered(tmp_path / "innsendt")
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03"], env=WIDE)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Intern feil" not in result.output
    out = result.output
    assert "okonomi [endelig].xlsx › Resultat › A9" in out
    assert f"Raden «{LABEL}» finnes ikke i malen" in out
    assert "«[bold]34 185 330 :warning:» er ikke et tall" in out
    assert "okonomi [endelig].xlsx › Kommentar › A5" in out
    assert "«[/b]» er ikke et gyldig valg" in out


def test_check_with_feedback_writes_the_copy_despite_markup(tmp_path):
    path = _tampered(tmp_path / "innsendt")
    out = tmp_path / "retur [mars]"
    result = runner.invoke(
        app, ["check", str(path), "--period", "2024-03", "--feedback", str(out)], env=WIDE
    )
    assert result.exit_code == 1, result.output
    copy = out / "okonomi [endelig]_tilbakemelding.xlsx"
    assert copy.is_file()
    assert f"Skrev tilbakemelding {copy}" in result.output
    comment = openpyxl.load_workbook(copy)["Kommentar"]["A5"].comment
    assert "«[/b]» er ikke et gyldig valg" in comment.text


def test_a_missing_path_with_brackets_is_named_verbatim(tmp_path):
    missing = tmp_path / "okonomi [/b][endelig].xlsx"
    result = runner.invoke(app, ["check", str(missing)], env=WIDE)
    assert result.exit_code == 2
    assert f"finnes ikke: {missing}" in result.output


def test_build_prints_markup_findings_verbatim_and_writes_nothing(tmp_path):
    folder = tmp_path / "innsendt [mars]"
    shutil.copytree(EXAMPLES, folder)
    (folder / "okonomi.xlsx").unlink()
    _tampered(folder)
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["build", str(folder), "--period", "2024-03", "--out", str(out)], env=WIDE
    )
    assert result.exit_code == 1, result.output
    assert "«[/b]» er ikke et gyldig valg" in result.output
    assert "Rapporten ble ikke laget" in result.output
    assert not out.exists()


def test_control_characters_are_shown_not_sent_to_the_terminal(tmp_path):
    folder = tmp_path / "innsendt"
    folder.mkdir()
    workbook = openpyxl.load_workbook(EXAMPLES / "okonomi.xlsx")
    # ESC [2J clears a terminal; the file format writes the ESC as _x001B_.
    workbook["Kommentar"]["A5"] = "Inntekter_x001B_[2J"
    workbook.save(folder / "okonomi.xlsx")
    result = runner.invoke(app, ["check", str(folder), "--period", "2024-03"], env=WIDE)
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output
    assert "«Inntekter\\x1b[2J» er ikke et gyldig valg" in result.output


def test_an_internal_error_quoting_markup_is_one_line(monkeypatch, capsys):
    import vrapport.validation
    from vrapport.cli import main

    def broken(*args, **kwargs):
        raise ValueError("uventet [/b] i «[inkl. sosiale kostnader]»")

    monkeypatch.setattr(vrapport.validation, "check_files", broken)
    monkeypatch.setattr("sys.argv", ["vrapport", "check", str(EXAMPLES / "okonomi.xlsx")])
    monkeypatch.delenv("VRAPPORT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Intern feil: ValueError: uventet [/b] i «[inkl. sosiale kostnader]»" in err


def test_service_commands_print_paths_and_names_verbatim(tmp_path):
    data = tmp_path / "innsamling [bold] mars"
    data.mkdir()
    status = runner.invoke(app, ["status", str(data), "--period", "2024-03"], env=WIDE)
    assert status.exit_code == 2, status.output
    assert f"{data} er ikke en datamappe for innsamlingen" in status.output
    token = runner.invoke(app, ["token", str(data), "--department", "[bold]hr[/bold]"], env=WIDE)
    assert token.exit_code == 2, token.output
    assert "ukjent mal «[bold]hr[/bold]»" in token.output


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str):
    """Run the command as the shell does, in this process: vrapport.cli.main (the installed
    entry point, cli.run, ends the process after it)."""
    from vrapport.cli import main

    monkeypatch.setattr(sys, "argv", ["vrapport", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, " ".join(err.split())


def test_a_missing_option_is_reported_in_norwegian(monkeypatch, capsys, tmp_path: Path):
    code, _, err = _main(
        monkeypatch, capsys, "build", str(EXAMPLES), "--out", str(tmp_path / "r.xlsx")
    )
    assert code == 2
    assert err.startswith("Feil: valget --period mangler")
    assert re.search(r"Bruk: .*vrapport build \[VALG\] MAPPE_ELLER_FIL\.\.\.", err)
    assert re.search(r"Se «.*vrapport build -h» for hjelp\.", err)
    assert "Error" not in err and "Missing" not in err and "Usage" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_option_names_the_likely_one(monkeypatch, capsys):
    code, _, err = _main(monkeypatch, capsys, "check", str(EXAMPLES), "--perod", "2024-03")
    assert code == 2
    assert "Feil: ukjent valg --perod. Mente du --period?" in err
    assert "No such option" not in err


def test_an_option_without_its_value_and_a_missing_argument(monkeypatch, capsys):
    code, _, err = _main(monkeypatch, capsys, "check", str(EXAMPLES), "--period")
    assert (code, err.split(" Bruk:")[0]) == (2, "Feil: valget --period trenger en verdi")
    assert "vrapport check [VALG] FIL_ELLER_MAPPE..." in err  # its usage line too
    code, _, err = _main(monkeypatch, capsys, "check")
    assert code == 2
    assert err.startswith("Feil: argumentet FIL_ELLER_MAPPE mangler")


def test_a_short_option_without_its_value_is_named_with_its_usage(monkeypatch, capsys):
    code, _, err = _main(monkeypatch, capsys, "build", str(EXAMPLES), "-p", "2024-03", "-o")
    assert code == 2
    assert err.startswith("Feil: valget -o (--out) trenger en verdi")
    assert re.search(r"Bruk: .*vrapport build \[VALG\] MAPPE_ELLER_FIL\.\.\.", err)
    assert re.search(r"Se «.*vrapport build -h» for hjelp\.", err)


def test_an_unknown_command_and_extra_arguments_are_norwegian(monkeypatch, capsys):
    code, _, err = _main(monkeypatch, capsys, "chek", str(EXAMPLES))
    assert (code, err.split(" Bruk:")[0]) == (2, "Feil: ukjent kommando «chek». Mente du check?")
    assert re.search(r"Se «.*vrapport -h» for hjelp\.", err)
    code, _, err = _main(monkeypatch, capsys, "xyz")
    assert (code, err.split(" Bruk:")[0]) == (2, "Feil: ukjent kommando «xyz».")
    code, _, err = _main(monkeypatch, capsys, "templates", "2024-03", "mars", "april")
    assert code == 2
    assert err.startswith("Feil: for mange argumenter: mars april")
    assert "vrapport templates [VALG] [PERIODE]" in err
    for english in ("No such command", "Did you mean", "Got unexpected", "ugyldig bruk"):
        assert english not in err


def test_a_command_that_runs_keeps_its_exit_code(monkeypatch, capsys):
    code, out, _ = _main(monkeypatch, capsys, "check", str(EXAMPLES), "--period", "2024-03")
    assert code == 0
    assert "8 filer kontrollert: 0 feil" in out


def test_help_option_and_usage_line_are_norwegian(monkeypatch, capsys):
    for args in (["-h"], ["build", "--help"], ["serve", "-h"]):
        code, out, _ = _main(monkeypatch, capsys, *args)
        assert code == 0
        assert "-h, --help" in out and "Vis denne hjelpen og avslutt." in out
        assert re.match(r"Bruk: .*vrapport", out)
        assert "Show this message" not in out


def test_help_is_norwegian_throughout(monkeypatch, capsys):
    code, out, _ = _main(monkeypatch, capsys, "-h")
    assert code == 0
    assert re.match(r"Bruk: .*vrapport \[VALG\] KOMMANDO \[ARGUMENTER\]\.\.\.", out)
    assert "Valg:" in out and "Kommandoer:" in out
    for command in ("templates", "check", "build", "serve", "token", "status"):
        code, out, _ = _main(monkeypatch, capsys, command, "-h")
        assert code == 0, command
        assert re.match(rf"Bruk: .*vrapport {command} \[VALG\]", out), out
        for english in ("Options", "Arguments", "Commands", "[required]", "default:", "<", "{"):
            assert english not in out, (command, english)
    _, out, _ = _main(monkeypatch, capsys, "check", "-h")
    assert re.search(r"Argumenter:\n  FIL_ELLER_MAPPE\.\.\. +Filer eller mapper .*\[påkrevd\]", out)
    _, out, _ = _main(monkeypatch, capsys, "serve", "-h")
    assert re.search(r"--port PORT .*\n.*\[standard: 8000\]", out)


def test_a_value_of_the_wrong_type_is_named_in_norwegian(monkeypatch, capsys, tmp_path: Path):
    code, _, err = _main(monkeypatch, capsys, "serve", str(tmp_path / "data"), "--port", "abc")
    assert code == 2
    assert err.startswith("Feil: ugyldig verdi for --port: «abc» er ikke et heltall")
    assert "Traceback" not in err and "Input should" not in err
    code, _, err = _main(monkeypatch, capsys, "serve", str(tmp_path / "d"), "--max-upload-mb", "x")
    assert (code, err.split(" Bruk")[0]) == (
        2,
        "Feil: ugyldig verdi for --max-upload-mb: «x» er ikke et tall",
    )
    assert not (tmp_path / "data").exists()


def test_the_command_ends_at_once_with_its_code_its_whole_output_and_nothing_left(tmp_path):
    """`python -m vrapport` (cli.run) ends with os._exit after the exit handlers: the exit
    code is the command's, output through a pipe arrives whole (flushed first), and the
    reading worker and its temporary results are gone (TMPDIR is watched)."""
    import json
    import os
    import subprocess
    import sys

    import vrapport

    source = str(Path(vrapport.__file__).resolve().parents[1])
    env = os.environ | {"PYTHONPATH": source, "TMPDIR": str(tmp_path)}
    files = [tmp_path / "okonomi.xlsx", tmp_path / "hr.xlsx"]
    for file in files:
        shutil.copy(EXAMPLES / file.name, file)
    set_cells(files[0], "Resultat", {"F6": "abc"})
    done = subprocess.run(
        [sys.executable, "-m", "vrapport", "check", *map(str, files), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # the whole document: it parses
    assert [(f["sheet"], f["cell"]) for f in report["findings"] if f["code"] == "not-a-number"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hr.xlsx", "okonomi.xlsx"]
    assert done.stderr == ""


def test_with_its_output_closed_the_command_still_builds_the_report(tmp_path):
    """`vrapport build … >&- 2>&-`: exit 0 and the report written. Closed
    standard descriptors once made the reading worker's pipe its output, and every file was
    refused as having stopped the reader (exit 1, nothing written)."""
    import os
    import subprocess
    import sys

    import vrapport

    source = str(Path(vrapport.__file__).resolve().parents[1])
    report = tmp_path / "rapport.xlsx"
    command = [sys.executable, "-m", "vrapport", "build", str(EXAMPLES), "-p", "2024-03"]
    command += ["-o", str(report)]
    for closing in (">&-", ">&- 2>&-", "<&- >&- 2>&-"):
        report.unlink(missing_ok=True)
        done = subprocess.run(  # bash ends with the command's exit code
            ["bash", "-c", f'"$@" {closing}', "bash", *command],
            capture_output=True,
            env=os.environ | {"PYTHONPATH": source},
            timeout=120,
            text=True,
        )
        assert (done.returncode, done.stderr) == (0, ""), closing
        assert report.is_file(), closing


def test_under_a_profiler_or_tracer_the_command_ends_the_ordinary_way(monkeypatch, capsys):
    """A profiler writes its results as the interpreter ends: cli.run then raises SystemExit
    (an os._exit would end this test process instead)."""
    from vrapport.cli import run

    monkeypatch.setattr(sys, "gettrace", lambda: lambda *_: None)
    monkeypatch.setattr(sys, "argv", ["vrapport", "check", str(EXAMPLES / "hr.xlsx")])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 0
    assert "1 fil kontrollert: 0 feil" in capsys.readouterr().out


def _interrupting(at_import: str) -> str:
    """A `python -c` program that runs the command as the installed entry point does
    (vrapport.entry.run), and is sent SIGINT from the terminal (its whole process group, the
    reading worker included) the moment `at_import` is first imported."""
    return (
        "import os, signal, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {at_import!r}:\n"
        "            sys.meta_path.remove(self)\n"
        "            os.killpg(os.getpgrp(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hook())\n"
        "from vrapport.entry import run\n"
        "run()\n"
    )


@pytest.mark.parametrize(
    "at_import",
    [
        "typer",  # the command line itself is still being imported
        "pandas",  # the reading worker has been started and reads (or imports) meanwhile
    ],
)
def test_ctrl_c_at_any_moment_is_one_norwegian_line_and_exit_130(tmp_path: Path, at_import: str):
    import os
    import subprocess

    import vrapport

    source = str(Path(vrapport.__file__).resolve().parents[1])
    out = tmp_path / "r.xlsx"
    command = ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", _interrupting(at_import), *command],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONPATH": source, "TMPDIR": str(tmp_path)},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    assert (done.returncode, done.stderr.strip()) == (
        130,
        "Avbrutt. Ingen fil er skrevet halvveis eller endret.",
    )
    assert list(tmp_path.iterdir()) == []  # nor the worker's results left in TMPDIR


def test_templates_interrupted_name_the_files_already_written(monkeypatch, capsys, tmp_path):
    import vrapport.templates
    from vrapport.signals import Interrupted

    real, calls = vrapport.templates.write_template, []

    def stopped_at_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise Interrupted(2)
        return real(*args, **kwargs)

    monkeypatch.setattr(vrapport.templates, "write_template", stopped_at_the_third)
    monkeypatch.setenv("COLUMNS", "400")
    out = tmp_path / "maler"
    code, _, err = _main(monkeypatch, capsys, "templates", "2024-04", "--out", str(out))
    written = sorted(out.iterdir())
    assert code == 130 and len(written) == 2
    assert err.startswith("Avbrutt. Ingen fil er skrevet halvveis; ferdig skrevet før avbruddet:")
    for path in written:
        assert str(path) in err


def test_a_clean_build_prints_its_lines_verbatim_without_rich(tmp_path):
    """What a successful build prints is data (paths), printed as it is: brackets verbatim, a
    control character as its escape, the folder it made named; and without importing rich,
    which the command needs only for findings and errors."""
    import os
    import subprocess
    import sys

    import vrapport

    source = str(Path(vrapport.__file__).resolve().parents[1])
    out = tmp_path / "ut [mars]" / "rapport\x1b[31m.xlsx"
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('rich:', 'rich' in sys.modules))\n"
        "from vrapport.cli import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "build", str(EXAMPLES), "-p", "2024-03", "-o", str(out)],
        capture_output=True,
        env=os.environ | {"PYTHONPATH": source},
        timeout=120,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    shown = str(out).replace("\x1b", "\\x1b")
    assert done.stdout.splitlines() == [
        f"Opprettet mappen {out.parent}{os.sep}",
        f"Skrev {shown} (6 av 6 kapitler).",
        "rich: False",
    ]
    assert out.is_file()
