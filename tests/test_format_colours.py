"""A conditional format giving only the type colour or only the fill colour is judged with
the colours of the cell under it, also when the cell's own style has a number format of
its own (one vrapport looks at): such a cell was judged as if it had no fill and black
type, so a figure hidden by the rule reached the report unseen, and one the rule leaves
readable was said to be hidden."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.colors import Color

from tests.conftest import PERIOD
from tests.corpus import EXAMPLES, rewrite
from tests.test_number_formats import _conditional, _excel_2010_rule
from vrapport.spec import Specs
from vrapport.validation import check_files

FORMAT_CODES = ("number-format-alters", "number-format-hides")


def _styled(folder: Path, fill: str | None) -> Path:
    """The example okonomi.xlsx (in `folder`) with Resultat!F6 given the format «#,##0;;»
    (negatives not shown; its figure is positive, so the format alone hides nothing) and,
    with `fill`, a solid fill. (Before the rules are added: openpyxl drops Excel 2010's.)"""
    path = folder / "stilt.xlsx"
    workbook = openpyxl.load_workbook(EXAMPLES / "okonomi.xlsx")
    cell = workbook["Resultat"]["F6"]
    cell.number_format = "#,##0;;"
    if fill is not None:
        cell.fill = PatternFill("solid", fgColor=fill)
    workbook.save(path)
    return path


def _found(path: Path, specs: Specs) -> list[tuple[str, str, str]]:
    (sub,) = check_files([path], specs, PERIOD)
    return sorted((f.cell, f.code, f.message) for f in sub.findings if f.code in FORMAT_CODES)


@pytest.mark.parametrize("excel_2010", [False, True])
def test_a_rule_in_the_type_of_the_cells_fill_hides_a_figure_of_a_format_of_its_own(
    specs: Specs, tmp_path: Path, excel_2010: bool
):
    """A rule «> 0» giving type of the input cells' own fill (FFF2CC) over F6:F7: F7 (the
    template's format) was caught, F6 (a format of its own) was not."""
    font = '<font><color rgb="FFFFF2CC"/></font>'
    edits = _excel_2010_rule(font) if excel_2010 else _conditional(font.encode()[6:-7])
    path = rewrite(_styled(tmp_path, None), tmp_path / "okonomi.xlsx", edits)
    found = _found(path, specs)
    assert [(cell, code) for cell, code, _ in found] == [
        ("F6", "number-format-hides"),
        ("F7", "number-format-hides"),
    ]
    why = "en betinget formatering gir cellen skrift i samme farge som fyllfargen"
    assert all(f"vises ikke i cellen ({why})" in message for _, _, message in found)


@pytest.mark.parametrize("excel_2010", [False, True])
def test_a_rule_of_white_type_over_a_dark_cell_of_a_format_of_its_own_is_seen(
    specs: Specs, tmp_path: Path, excel_2010: bool
):
    """A rule «> 0» giving white type over F6:F7, F6 filled dark blue and of a format of
    its own: white on dark blue is seen, and F6 was said to be hidden; F7 (white on the
    pale input fill) is hidden."""
    font = '<font><color rgb="FFFFFFFF"/></font>'
    edits = _excel_2010_rule(font) if excel_2010 else _conditional(font.encode()[6:-7])
    path = rewrite(_styled(tmp_path, "FF1F3864"), tmp_path / "okonomi.xlsx", edits)
    assert [(cell, code) for cell, code, _ in _found(path, specs)] == [
        ("F7", "number-format-hides")
    ]


@pytest.mark.parametrize(
    ("font", "fill", "hidden"),
    [
        ("FFFAFAFA", None, True),  # near-white on no fill (the window's white)
        ("FFF2F2F2", None, True),  # «Hvit, Bakgrunn 1, mørkere 5 %»
        (Color(theme=0, tint=-0.0499893185216834), None, True),  # the same, by theme
        ("FFD9D9D9", None, True),  # «mørkere 15 %»: contrast 1.4 to white
        ("FFFAFAFA", "FFFFF2CC", True),  # on the input cells' pale fill
        ("FFFFF2CC", "FFFFF2D0", True),  # pale yellow, 4 off its fill's (SAME_COLOUR is 3)
        ("FFFAFAFA", "FF1F3864", False),  # on dark blue: seen, as white is
        ("FFBFBFBF", None, False),  # «mørkere 25 %», the grey of muted type: seen
        ("FF00B050", None, False),  # Excel's green on white is seen (contrast 2.9)
    ],
)
def test_near_white_type_is_judged_as_white(
    specs: Specs, example_copy, font: str | Color, fill: str | None, hidden: bool
):
    """A figure typed in FAFAFA or F2F2F2 on white is as invisible to the person checking
    the sheet as one in white, and reached the report without a finding (only type within
    3 of FFFFFF in each channel was white). Type that passes for white (contrast to white
    below 1.5) is hidden where its contrast to the fill is below 3 (WCAG), as white is."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Resultat"]["F7"]
    cell.font = Font(color=font)
    cell.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill(fill_type=None)
    workbook.save(path)
    found = _found(path, specs)
    assert [(cell, code) for cell, code, _ in found] == (
        [("F7", "number-format-hides")] if hidden else []
    )
    assert all("(cellen har hvit skrift)" in message for _, _, message in found)


def test_a_conditional_format_in_near_white_type_hides_the_figure(specs: Specs, tmp_path: Path):
    """A rule «> 0» giving type FAFAFA over F6:F7 (the pale input cells): hidden while it
    holds, as white type is."""
    edits = _conditional(b'<color rgb="FFFAFAFA"/>')
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    found = _found(path, specs)
    assert [(cell, code) for cell, code, _ in found] == [
        ("F6", "number-format-hides"),
        ("F7", "number-format-hides"),
    ]
    why = "en betinget formatering gir cellen hvit skrift"
    assert all(f"vises ikke i cellen ({why})" in message for _, _, message in found)


@pytest.mark.parametrize(
    ("code", "value", "fill", "hidden"),
    [
        # negatives in red (a format many use) on a cell filled red: the figure vanishes
        ("#,##0;[Red]-#,##0", -2_000, "FFFF0000", True),
        ("#,##0;[Red]-#,##0", 2_000, "FFFF0000", False),  # a positive one is black
        ("#,##0;[Red]-#,##0", -2_000, "FF1F3864", False),  # red on dark blue is seen
        ("[Blue]#,##0", 2_000, "FF0000FF", True),
        ("[Color10]#,##0", 2_000, "FF008000", True),  # the palette's 10th: green 008000
        ("[Yellow]#,##0", 2_000, None, True),  # yellow on white passes for white
        ("[Yellow]#,##0", 2_000, "FF1F3864", False),
    ],
)
def test_a_format_colour_not_seen_on_the_cells_fill_hides_the_figure(
    specs: Specs, example_copy, code: str, value: float, fill: str | None, hidden: bool
):
    """A number format's colour on a fill of that colour («#,##0;[Red]-#,##0» on a red
    cell): the figure is not seen, and it reached the report without a finding."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Resultat"]["F7"]
    cell.value = value
    cell.number_format = code
    cell.fill = PatternFill("solid", fgColor=fill) if fill else PatternFill(fill_type=None)
    workbook.save(path)
    found = _found(path, specs)
    assert [(cell, code) for cell, code, _ in found] == (
        [("F7", "number-format-hides")] if hidden else []
    )
    why = f"(tallformatet «{code}» viser det i en farge som ikke ses på cellens fyllfarge)"
    assert all(why in message for _, _, message in found)
