"""A conditional format's number format (its <dxf>'s numFmt) with a colour of its own
(«[Red]#,##0», «[Color10]») was never judged on the fill the cell has while the rule holds:
red figures on the rule's red fill reached the report unseen. Each of its colours is now
judged on the rule's fill (the window's white when it gives none), as a cell's own format's
colours are on the cell's fill."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PERIOD
from tests.corpus import EXAMPLES, rewrite
from tests.test_number_formats import _conditional_rule, _excel_2010_rule
from vrapport.spec import Specs
from vrapport.validation import check_files

FORMAT_CODES = ("number-format-alters", "number-format-hides")


def _found(path: Path, specs: Specs) -> list[tuple[str, str, str]]:
    (sub,) = check_files([path], specs, PERIOD)
    return sorted((f.cell, f.code, f.message) for f in sub.findings if f.code in FORMAT_CODES)


@pytest.mark.parametrize(
    ("code", "fill", "hidden"),
    [
        ("[Red]#,##0", "FFFF0000", True),  # red figures on the rule's red fill
        ("[Red]#,##0", "FF1F3864", False),  # red on dark blue is seen
        ("[Color10]#,##0", "FF008000", True),  # the palette's 10th: green 008000
        ("[Color10]#,##0", None, False),
        ("[Yellow]#,##0", None, True),  # yellow on no fill passes for white
        ("[Blue]#,##0", None, False),
        ("[White]#,##0", "FF1F3864", False),  # white on dark blue is seen
        ("[White]#,##0", None, True),
        ("#,##0;[Red]-#,##0", "FFFF0000", False),  # F6:F7 are positive: shown in black
    ],
)
def test_a_rules_format_colour_not_seen_on_its_fill_hides_the_figure(
    specs: Specs, tmp_path: Path, code: str, fill: str | None, hidden: bool
):
    dxf = f'<numFmt numFmtId="200" formatCode="{code}"/>'.encode()
    if fill is not None:
        dxf += f'<fill><patternFill><bgColor rgb="{fill}"/></patternFill></fill>'.encode()
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _conditional_rule(dxf))
    found = _found(path, specs)
    assert [(cell, finding) for cell, finding, _ in found] == (
        [("F6", "number-format-hides"), ("F7", "number-format-hides")] if hidden else []
    )
    what = "med hvit skrift" if "White" in code else "i en farge som ikke ses på cellens fyllfarge"
    why = f"(tallformatet «{code}» i en betinget formatering viser det {what})"
    assert all(why in message for *_, message in found)


@pytest.mark.parametrize(
    ("code", "fill", "hidden"),
    [
        ("[Red]#,##0", "FFFF0000", True),
        ("[Red]#,##0", "FF1F3864", False),
        ("[Yellow]#,##0", None, True),
        ("[White]#,##0", "FF1F3864", False),
    ],
)
def test_an_excel_2010_rules_format_colour_is_judged_on_its_fill(
    specs: Specs, tmp_path: Path, code: str, fill: str | None, hidden: bool
):
    """The same in an Excel 2010 rule's own style (<x14:dxf><numFmt/><fill/>)."""
    dxf = f'<numFmt numFmtId="200" formatCode="{code}"/>'
    if fill is not None:
        dxf += f'<fill><patternFill><bgColor rgb="{fill}"/></patternFill></fill>'
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _excel_2010_rule(dxf))
    found = _found(path, specs)
    assert [(cell, finding) for cell, finding, _ in found] == (
        [("F6", "number-format-hides"), ("F7", "number-format-hides")] if hidden else []
    )
    assert all(f"tallformatet «{code}» i en betinget" in message for *_, message in found)
