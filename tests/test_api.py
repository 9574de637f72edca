"""The library API (`vrapport.check`, `make_templates`, `build`): results as objects, no
printing, no exit; and `import vrapport` / `vrapport templates` stay light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import vrapport
from tests.conftest import EXAMPLES, PERIOD, ROOT, set_cells

SRC = str(ROOT / "src")


def _heavy_at_module_level() -> list[str]:
    """vrapport modules that import pandas or numpy when they are imported (for the message:
    they should take `pd`/`np` from vrapport.lazy)."""
    import ast

    found = []
    for path in sorted((ROOT / "src" / "vrapport").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = (
                [a.name for a in getattr(node, "names", [])] if isinstance(node, ast.Import) else []
            )
            if any(n.split(".")[0] in ("pandas", "numpy") for n in names):
                found.append(str(path.relative_to(ROOT / "src")))
    return found


def test_loading_the_specs_imports_neither_pandas_nor_numpy(tmp_path):
    """The contract check imports every check and section module; they must stay light."""
    code = "from vrapport.spec import load_specs\nload_specs()\n"
    assert _imported_after(code, tmp_path) == [], (
        "a module imported when the specs load imports pandas or numpy at module level; take "
        "pd/np from vrapport.lazy (see its docstring). Modules importing them at module "
        f"level: {_heavy_at_module_level()}"
    )


def _imported_after(code: str, cwd: Path) -> list[str]:
    """Which heavy libraries a fresh interpreter has imported after running `code`."""
    probe = (
        f"{code}\nimport sys\nprint(sorted(m for m in ('pandas', 'pandera', 'openpyxl', "
        "'numpy') if m in sys.modules))"
    )
    stdout = _run_python(probe, cwd)
    return json.loads(stdout.strip().splitlines()[-1].replace("'", '"'))


def _run_python(code: str, cwd: Path) -> str:
    """The output of `code` run by a fresh interpreter on this source tree (it must succeed)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_vrapport_is_light(tmp_path):
    assert _imported_after("import vrapport; vrapport.__version__", tmp_path) == []


def test_make_templates_without_previous_imports_neither_pandas_nor_pandera(tmp_path):
    """The API and the template writer are light (specs loaded without the contract)."""
    code = (
        "from pathlib import Path\n"
        "from vrapport import load_specs, make_templates\n"
        "specs = load_specs(contract=False)\n"
        "make_templates('2024-03', Path('maler'), specs=specs)\n"
    )
    assert _imported_after(code, tmp_path) == []
    assert len(list((tmp_path / "maler").glob("*_2024-03.xlsx"))) == len(
        list(EXAMPLES.glob("*.xlsx"))
    )


def test_templates_without_from_imports_neither_pandas_nor_pandera(tmp_path):
    code = (
        "from vrapport.cli import app\n"
        "try:\n"
        "    app(['templates', '2024-03', '--out', 'maler'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
    )
    assert _imported_after(code, tmp_path) == []
    assert len(list((tmp_path / "maler").glob("*_2024-03.xlsx"))) == len(
        list(EXAMPLES.glob("*.xlsx"))
    )


def test_the_command_line_validates_without_importing_hypothesis(tmp_path):
    """pandera imports hypothesis (when installed) on the first validation, for strategies
    vrapport never uses; the command line keeps it out and still validates every file."""
    pytest.importorskip("hypothesis")
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('hypothesis:', sys.modules.get('hypothesis')))\n"
        f"sys.argv = ['vrapport', 'check', {str(EXAMPLES)!r}, '--period', '{PERIOD}', '--json']\n"
        "from vrapport.cli import main\n"
        "main()\n"
    )
    report, probe = _run_python(code, tmp_path).rsplit("\n", 2)[:2]
    assert probe == "hypothesis: None"
    files = json.loads(report)["files"]
    assert len(files) == len(list(EXAMPLES.glob("*.xlsx")))


def test_the_collector_is_paused_for_the_first_heavy_imports_only(tmp_path):
    """The first command in a process imports pandas and pandera with the cyclic collector
    paused, then freezes what exists; the collector runs again afterwards, and a second
    command freezes nothing more (a long-running caller's later objects stay collectable)."""
    code = (
        "import gc\n"
        "from pathlib import Path\n"
        "import vrapport\n"
        f"first = vrapport.check([Path({str(EXAMPLES)!r})], '{PERIOD}')\n"
        "frozen = gc.get_freeze_count()\n"
        f"second = vrapport.check([Path({str(EXAMPLES)!r})], '{PERIOD}')\n"
        "print(gc.isenabled(), frozen > 0, gc.get_freeze_count() == frozen, "
        "first.to_json() == second.to_json())\n"
    )
    assert _run_python(code, tmp_path).split() == ["True", "True", "True", "True"]


def test_every_public_name_resolves():
    for name in vrapport.__all__:
        assert getattr(vrapport, name) is not None
    with pytest.raises(AttributeError):
        vrapport.no_such_name  # noqa: B018


def test_check_returns_a_report_and_prints_nothing(capsys, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    report = vrapport.check([path], "2024-03")
    assert capsys.readouterr() == ("", "")
    assert not report.valid
    assert report.counts == {"files": 1, "errors": 1, "warnings": 0}
    (finding,) = report.findings
    assert (finding.code, finding.cell, finding.where.column_key) == (
        "not-a-number",
        "F6",
        "actual",
    )
    (file,) = report.files
    assert (file.file, file.template, file.errors, len(file.sha256)) == (
        "okonomi.xlsx",
        "okonomi",
        1,
        64,
    )
    payload = json.loads(report.to_json())
    assert (payload["valid"], payload["period"], payload["counts"]["errors"]) == (
        False,
        "2024-03",
        1,
    )
    assert payload["findings"][0]["where"]["ref"] == "F6"


def test_check_runs_the_checks_between_files(tmp_path, example_copy):
    first = example_copy("okonomi.xlsx")
    second = tmp_path / "kopi" / "okonomi.xlsx"
    second.parent.mkdir()
    second.write_bytes(first.read_bytes())
    set_cells(second, "Resultat", {"H6": 1000})  # another file, not an identical copy
    report = vrapport.check([first, second], PERIOD)
    assert [f.code for f in report.findings if f.severity == "error"] == ["duplicate-template"]


def test_check_of_the_examples_is_valid():
    report = vrapport.check([EXAMPLES], PERIOD)
    assert report.valid and report.counts["errors"] == 0
    assert {f.template for f in report.files} == {p.stem for p in EXAMPLES.glob("*.xlsx")}


def test_a_request_that_cannot_be_carried_out_raises_usage_error(tmp_path):
    with pytest.raises(vrapport.UsageError, match="finnes ikke"):
        vrapport.check([tmp_path / "borte"], PERIOD)
    with pytest.raises(vrapport.UsageError, match="fant ingen regneark"):
        vrapport.check([tmp_path], PERIOD)
    with pytest.raises(vrapport.PeriodError):
        vrapport.check([EXAMPLES], "2024-13")
    with pytest.raises(vrapport.UsageError, match="ukjent mal"):
        vrapport.make_templates(PERIOD, tmp_path, only=["okonomi", "ingen"])
    assert list(tmp_path.iterdir()) == []


def test_make_templates_returns_what_it_wrote(capsys, tmp_path):
    outcome = vrapport.make_templates("2024-04", tmp_path, only=["okonomi"])
    assert capsys.readouterr() == ("", "")
    (written,) = outcome.written
    assert (written.template, written.path) == ("okonomi", tmp_path / "okonomi_2024-04.xlsx")
    meta = openpyxl.load_workbook(written.path)["_meta"]
    assert {r[0]: r[1] for r in meta.iter_rows(values_only=True)}["period"] == "2024-04"
    with pytest.raises(vrapport.UsageError, match="finnes fra før"):
        vrapport.make_templates("2024-04", tmp_path, only=["okonomi"])


def test_make_templates_from_last_period(tmp_path):
    outcome = vrapport.make_templates(
        "2024-04", tmp_path, only=["prosjekt", "okonomi"], previous=[EXAMPLES]
    )
    assert not outcome.blocked
    assert {w.template: w.prefilled_from for w in outcome.written} == {
        "prosjekt": "forrige periode: prosjekt.xlsx",
        "okonomi": "forrige periode: okonomi.xlsx",
    }


def test_build_returns_the_outcome_and_prints_nothing(capsys, tmp_path):
    out = tmp_path / "rapport.xlsx"
    trace = tmp_path / "spor.json"
    outcome = vrapport.build([EXAMPLES], "2024-03", out, trace=trace)
    assert capsys.readouterr() == ("", "")
    assert isinstance(outcome, vrapport.BuildOutcome)
    assert (outcome.blocked, outcome.path, outcome.trace) == (False, out, trace)
    assert outcome.chapters == 6 and outcome.missing == []
    figures = json.loads(trace.read_text(encoding="utf-8"))["figures"]
    assert len(figures) == len(outcome.lineage) > 0


def test_build_blocked_by_errors_writes_nothing(tmp_path, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    out = tmp_path / "rapport.xlsx"
    outcome = vrapport.build([path.parent], PERIOD, out)
    assert outcome.blocked and outcome.path is None and not out.exists()
    assert "not-a-number" in {f.code for f in outcome.findings}


def test_build_warns_about_a_file_it_did_not_read(tmp_path):
    import shutil

    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    (folder / "prosjekt.docx").write_bytes(b"PK")
    outcome = vrapport.build([folder], PERIOD, tmp_path / "rapport.xlsx")
    assert not outcome.blocked and outcome.path is not None
    assert [(f.file, f.code) for f in outcome.findings] == [("prosjekt.docx", "skipped-file")]


def test_build_refuses_to_overwrite_an_input(example_copy):
    path = example_copy("okonomi.xlsx")
    with pytest.raises(vrapport.UsageError, match="er en av innsendingene"):
        vrapport.build([path.parent], PERIOD, path)


def test_the_tests_import_the_source_tree():
    """What the tests exercise is src/ of this checkout, not an installed copy."""
    assert Path(vrapport.__file__).resolve().is_relative_to(ROOT / "src")


def test_a_script_without_a_main_guard_can_use_the_api(tmp_path):
    """The README's example is a plain script: the reading worker (a spawned process) must not
    run it again, or it calls vrapport there before the worker has started and ends it."""
    script = tmp_path / "rapport.py"
    script.write_text(
        "from pathlib import Path\n"
        "import vrapport\n"
        f"report = vrapport.check([Path({str(EXAMPLES)!r})], {str(PERIOD)!r})\n"
        "print(report.valid, report.counts['files'])\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "True 8\n"
