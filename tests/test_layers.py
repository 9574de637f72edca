"""Layers that do not reach back: the checks and the chapters share keys and windows through
vrapport.sheetkeys and month arithmetic through vrapport.period, never each other's
modules; the pipeline knows no chapter by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src" / "vrapport"


def imports(path: Path) -> set[str]:
    """The vrapport modules `path` imports (at any level, lazily too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("vrapport")}


@pytest.mark.parametrize(
    ("package", "other"), [("checks", "consolidate"), ("consolidate", "checks")]
)
def test_checks_and_chapters_do_not_import_each_other(package, other):
    for path in sorted((SRC / package).glob("*.py")):
        reached = {m for m in imports(path) if m.startswith(f"vrapport.{other}")}
        assert not reached, f"{path.name} imports {reached}"


def test_the_pipeline_knows_no_chapter_by_name():
    reached = {m for m in imports(SRC / "pipeline.py") if m.startswith("vrapport.consolidate.")}
    assert reached <= {"vrapport.consolidate.base", "vrapport.consolidate.transforms"}, reached


def test_month_arithmetic_lives_in_period():
    """No module but period.py counts months as year * 12 + month."""
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "period.py":
            continue
        text = path.read_text(encoding="utf-8").replace(" ", "")
        assert "*12+" not in text and "12*" not in text, path.relative_to(SRC)
