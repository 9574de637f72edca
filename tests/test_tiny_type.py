"""A figure in type too small to read (a font of 1 pt, <font><sz val="1"/>) is not seen by
the person checking the sheet, as white type on white is not: it reached the report
without a finding. Such type, the cell's own or a conditional format's, now hides it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from tests.conftest import PERIOD
from tests.corpus import EXAMPLES, rewrite
from tests.test_number_formats import _conditional_rule
from vrapport.spec import Specs
from vrapport.validation import check_files

FORMAT_CODES = ("number-format-alters", "number-format-hides")


def _found(path: Path, specs: Specs) -> list[tuple[str, str, str, str]]:
    (sub,) = check_files([path], specs, PERIOD)
    return sorted(
        (f.cell, f.code, f.severity, f.message) for f in sub.findings if f.code in FORMAT_CODES
    )


@pytest.mark.parametrize(
    ("size", "code", "hidden"),
    [
        (1, "#,##0", True),
        (3.5, "#,##0", True),
        (1, "#,##0;[Red]-#,##0", True),  # a format of its own: the type still hides it
        (4, "#,##0", False),  # small, but read
        (8, "#,##0", False),
    ],
)
def test_a_figure_in_type_too_small_to_read_is_hidden(
    specs: Specs, example_copy, size: float, code: str, hidden: bool
):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Resultat"]["F7"]
    cell.font = Font(name="Calibri", size=size)
    cell.number_format = code
    workbook.save(path)
    found = _found(path, specs)
    assert [(cell, code, severity) for cell, code, severity, _ in found] == (
        [("F7", "number-format-hides", "warning")] if hidden else []
    )
    why = "(cellen har så liten skrift at tallet ikke kan leses)"
    assert all(f"vises ikke i cellen {why}" in message for *_, message in found)
    assert all("Skriftstørrelse" in message for *_, message in found)


def test_a_zero_in_tiny_type_is_no_finding(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Resultat"]["F7"]
    cell.value = 0
    cell.font = Font(name="Calibri", size=1)
    workbook.save(path)
    assert _found(path, specs) == []


@pytest.mark.parametrize(("size", "hidden"), [(b"1", True), (b"2.5", True), (b"10", False)])
def test_a_conditional_format_in_tiny_type_hides_the_figure(
    specs: Specs, tmp_path: Path, size: bytes, hidden: bool
):
    """A rule «> 0» over F6:F7 whose style (<dxf>) gives a type size LibreOffice draws."""
    dxf = b'<font><sz val="' + size + b'"/></font>'
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _conditional_rule(dxf))
    found = _found(path, specs)
    assert [(cell, code) for cell, code, *_ in found] == (
        [("F6", "number-format-hides"), ("F7", "number-format-hides")] if hidden else []
    )
    why = "(en betinget formatering gir cellen så liten skrift at tallet ikke kan leses)"
    assert all(f"vises ikke i cellen {why}" in message for *_, message in found)
