"""A number whose cell format makes Excel show another number than the one stored (scaled,
with digits of its own) is an error at its cell; one the format hides is a warning. The
department sees and checks what Excel shows; the report gets what is stored."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.colors import Color

from tests.conftest import PERIOD, assert_build_blocked_at
from tests.corpus import EXAMPLES, rewrite, sheet_member
from vrapport.findings import Finding
from vrapport.numfmt import Shown, may_alter, shown
from vrapport.preflight import PALETTE
from vrapport.spec import Specs
from vrapport.validation import check_files


@pytest.mark.parametrize(
    ("code", "value", "factor", "hidden", "digits"),
    [
        ("#,##0", 35_593_169, 1, False, False),  # grouping, not scaling
        ("#,##0,", 35_593_169, 1e-3, False, False),
        ("#,##0,,", 35_593_169, 1e-6, False, False),
        ("0.0,", 12_345, 1e-3, False, False),  # a comma after the decimals scales too
        ("0,.0", 12_345, 1e-3, False, False),
        ('#,##0," k"', 12_345, 1e-3, False, False),
        ("0%", 0.05, 100, False, False),
        ("0.0 %", 0.05, 100, False, False),
        ('0" %"', 5, 1, False, False),  # a quoted percent sign is text
        (";;;", 5, 1, True, False),
        ('"OK"', 5, 1, True, False),
        ('0"000"', 5, 1, False, True),
        ("0\\0", 5, 1, False, True),
        ("#,##0;(#,##0)", -5, 1, False, False),
        ("#,##0;;", -5, 1, True, False),  # negatives not shown
        ("#,##0;-#,##0;", 0, 1, True, False),  # zero not shown
        ("[Red]#,##0", 1, 1, False, False),
        ("@", 4, 1, False, False),  # a text format shows a number as General
        ('[<1000]0;[<1000000]0.0,"k";0.0,,"M"', 50, 1, False, False),
        ('[<1000]0;[<1000000]0.0,"k";0.0,,"M"', 5_000, 1e-3, False, False),
        ('[<1000]0;[<1000000]0.0,"k";0.0,,"M"', 5e7, 1e-6, False, False),
    ],
)
def test_what_a_format_shows(code: str, value: float, factor: float, hidden: bool, digits: bool):
    got = shown(code, value)
    assert (got.factor, got.hidden, got.digits) == (pytest.approx(factor), hidden, digits)


def test_plain_formats_are_not_suspected():
    for code in ("General", "#,##0", "#,##0.0", "0.00", "#,##0_);[Red](#,##0)", "dd.mm.yyyy"):
        assert not may_alter(code), code
    for code in ("#,##0,", "0 %", ";;;", '0"000"', "[>100]0;0"):
        assert may_alter(code), code
    for code in ("#,##0;#,##0", "0;0", "[Red]#,##0;[Blue]#,##0"):  # negatives shown unsigned
        assert may_alter(code), code
        assert shown(code, -5).unsigned and not shown(code, 5).unsigned
    for code in ("#,##0;-#,##0", "#,##0;(#,##0)", "#,##0;[Red]\\-#,##0", "#,##0;;"):
        assert not shown(code, -5).unsigned, code
    assert shown("dd.mm.yyyy", 45_000) == Shown(date=True)
    assert (shown("0.0 %", 0.053).decimals, shown("0.0 %", 0.053).percent) == (1, True)


def _formatted(path: Path, sheet: str, formats: dict[str, str]) -> Path:
    workbook = openpyxl.load_workbook(path)
    for cell, code in formats.items():
        workbook[sheet][cell].number_format = code
    workbook.save(path)
    return path


FORMAT_CODES = ("number-format-alters", "number-format-hides")


def _found(path: Path, specs: Specs, *codes: str) -> list[Finding]:
    (sub,) = check_files([path], specs, PERIOD)
    return [f for f in sub.findings if f.code in codes]


def test_a_scaling_format_is_an_error_at_its_cell(specs: Specs, example_copy, tmp_path: Path):
    """SLA income for March, 34 185 330, formatted «#,##0,»: Excel shows 34 185, and a
    department that typed what it meant in thousands would send a figure 1 000 times off."""
    path = _formatted(example_copy("okonomi.xlsx"), "Resultat", {"F6": "#,##0,"})
    (finding,) = _found(path, specs, "number-format-alters", "number-format-hides")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", "F6", "error")
    assert finding.message.startswith(
        "Cellen viser tallet delt på 1\u00a0000 (tallformatet «#,##0,»): 34\u00a0185 vises, "
        "men tallet som er lagret og kommer i rapporten, er 34\u00a0185\u00a0330."
    )
    assert_build_blocked_at(path, tmp_path, "Resultat › F6")


def test_a_percent_format_on_days_is_an_error(specs: Specs, example_copy):
    # «5%» typed in a count of days: Excel stores 0,05 and shows 5 %.
    path = _formatted(example_copy("hr.xlsx"), "Sykefravær", {"C6": "0%"})
    (finding,) = _found(path, specs, "number-format-alters")
    assert (finding.cell, finding.severity) == ("C6", "error")
    assert "ganget med 100 (tallformatet «0%»): 8\u00a0810\u00a0%" in finding.message


def test_formats_that_hide_or_add_digits(specs: Specs, example_copy):
    path = _formatted(
        example_copy("okonomi.xlsx"),
        "Resultat",
        {"F7": ";;;", "F8": '0"000"', "D6": '"OK"', "B6": "#,##0", "C6": "[Blue]#,##0"},
    )
    found = {
        (f.cell, f.code, f.severity)
        for f in _found(path, specs, "number-format-alters", "number-format-hides")
    }
    assert found == {
        ("F7", "number-format-hides", "warning"),
        ("F8", "number-format-alters", "error"),
        ("D6", "number-format-hides", "warning"),
    }
    (text,) = [f for f in _found(path, specs, "number-format-hides") if f.cell == "D6"]
    assert '(tallformatet «"OK"» viser bare teksten «OK»)' in text.message


def test_the_example_submissions_have_no_format_findings(specs: Specs):
    examples = sorted(EXAMPLES.glob("*.xlsx"))
    findings = [
        f
        for sub in check_files(examples, specs, PERIOD)
        for f in sub.findings
        if f.code.startswith("number-format")
    ]
    assert findings == []


def test_the_default_style_and_a_styles_part_elsewhere_are_read(specs: Specs, tmp_path: Path):
    """A cell without a style attribute has the workbook's first cell format, and the styles
    are wherever the workbook's relationships put them: the default format «;;;» hides F6."""
    source = EXAMPLES / "okonomi.xlsx"
    resultat = sheet_member(source, "Resultat")

    def styles(xml: bytes) -> bytes:
        xml = xml.replace(
            b'<numFmts count="1">', b'<numFmts count="2"><numFmt numFmtId="165" formatCode=";;;" />'
        )
        return xml.replace(
            b'<cellXfs count="14"><xf numFmtId="0"', b'<cellXfs count="14"><xf numFmtId="165"'
        )

    with zipfile.ZipFile(source) as archive:
        original = archive.read("xl/styles.xml")
    folder = tmp_path / "innsendt"
    folder.mkdir()
    path = rewrite(
        source,
        folder / "okonomi.xlsx",
        {
            "xl/styles.xml": None,
            "xl/stil/styles.xml": styles(original),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b'Target="styles.xml"', b'Target="stil/styles.xml"'
            ),
            resultat: lambda xml: xml.replace(b'<c r="F6" s="12" t="n">', b'<c r="F6" t="n">'),
        },
    )
    (finding,) = _found(path, specs, "number-format-hides")
    assert (finding.sheet, finding.cell) == ("Resultat", "F6")


def test_a_negative_shown_without_its_sign_is_an_error(specs: Specs, example_copy):
    """«#,##0;#,##0» on a cost line of March (−2 698 584): Excel shows 2 698 584, the sign
    the report gets is not the one the department checks."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = next(c for c in workbook["Resultat"]["F"] if c.value == -2698584).coordinate
    path = _formatted(path, "Resultat", {cell: "#,##0;#,##0"})
    (finding,) = _found(path, specs, "number-format-alters", "number-format-hides")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", cell, "error")
    assert finding.message.startswith(
        "Cellen viser tallet uten minustegn (tallformatet «#,##0;#,##0»): 2\u00a0698\u00a0584 "
        "vises, men tallet som er lagret og kommer i rapporten, er -2\u00a0698\u00a0584."
    )


def test_a_conditional_format_that_scales_is_an_error_at_its_cells(specs: Specs, tmp_path: Path):
    """Excel shows a cell with its conditional format's number format while the rule holds:
    a rule «>0» with «#,##0,» over F6:F7 shows 34 185 for 34 185 330 (no finding before);
    dxfId="02" is dxf 2 (xsd:unsignedInt)."""
    scaling = _conditional_rule(
        b'<numFmt numFmtId="171" formatCode="#,##0,"/>', b"F6:F7 H20", b"02"
    )
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", scaling)
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert [(f.sheet, f.cell, f.severity) for f in found] == [
        ("Resultat", "F6", "error"),
        ("Resultat", "F7", "error"),
    ]
    assert (
        "(tallformatet «#,##0,» i en betinget formatering): 34\u00a0185 vises" in found[0].message
    )


def _style_of_f6(number_format_id: str, definitions: str = "") -> dict:
    """Edits giving F6 (SLA income, March: 34 185 330) a new style 14 of number format
    `number_format_id`, with `definitions` (<numFmt> elements) added to the styles'."""

    def styles(data: bytes) -> bytes:
        data = data.replace(b'<numFmts count="1">', b'<numFmts count="9">' + definitions.encode())
        new = f'<xf numFmtId="{number_format_id}" fontId="0" fillId="4" borderId="1"/>'
        return data.replace(b"</cellXfs>", new.encode() + b"</cellXfs>")

    def cell(data: bytes) -> bytes:
        return data.replace(b'<c r="F6" s="12" ', b'<c r="F6" s="14" ', 1)

    resultat = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    return {"xl/styles.xml": styles, resultat: cell}


@pytest.mark.parametrize(
    ("number_format_id", "definitions"),
    [
        ("09", ""),  # xsd:unsignedInt: the built-in 9, «0%», to every reader
        (" 9 ", ""),
        ("200", '<numFmt numFmtId="0200" formatCode="#,##0,"/>'),
        ("0200", '<numFmt numFmtId="200" formatCode="#,##0,"/>'),
        # which of two definitions a reader takes is a guess: the one that scales counts
        (
            "200",
            '<numFmt numFmtId="200" formatCode="#,##0,"/><numFmt numFmtId="200" formatCode="0"/>',
        ),
        # a built-in format redefined: Excel shows its own 0 %, other readers the file's
        ("9", '<numFmt numFmtId="9" formatCode="#,##0"/>'),
    ],
)
def test_a_scaling_format_however_its_id_is_written_is_an_error(
    specs: Specs, tmp_path: Path, number_format_id: str, definitions: str
) -> None:
    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        _style_of_f6(number_format_id, definitions),
    )
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert [(f.sheet, f.cell, f.severity) for f in found] == [("Resultat", "F6", "error")]


def test_a_number_format_longer_than_excel_allows_is_refused(specs: Specs, tmp_path: Path):
    """Only its first 255 characters were read: «#» × 260 then «,,» showed millions and made
    no finding. No spreadsheet program writes such a format."""
    code = "#" * 260 + "0,,"
    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        _style_of_f6("200", f'<numFmt numFmtId="200" formatCode="{code}"/>'),
    )
    (sub,) = check_files([path], specs, PERIOD)
    assert [(f.code, f.severity) for f in sub.findings] == [("corrupt-file", "error")]
    assert "263 tegn" in sub.findings[0].message


def test_a_conditional_format_of_excel_2010_that_scales_is_an_error_at_its_cells(
    specs: Specs, tmp_path: Path
):
    """Excel 2010's conditional formats (x14, in the sheet's extLst) hold their number
    format in the rule itself and their range in <xm:sqref>: «#,##0,» over F6:F7 made no
    finding."""
    x14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
    xm = "http://schemas.microsoft.com/office/excel/2006/main"
    ext = (
        f'<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{x14}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{xm}">'
        '<x14:cfRule type="cellIs" priority="9" operator="greaterThan" id="{0-0-0-0-1}">'
        '<xm:f>0</xm:f><x14:dxf><numFmt numFmtId="171" formatCode="#,##0,"/></x14:dxf>'
        "</x14:cfRule><xm:sqref>F6:F7 H20</xm:sqref></x14:conditionalFormatting>"
        "</x14:conditionalFormattings></ext>"
        # another range written so after it (a data validation's) is no rule's
        f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{x14}">'
        f'<x14:dataValidations count="1" xmlns:xm="{xm}"><x14:dataValidation type="list">'
        "<x14:formula1><xm:f>Liste!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>B6:B7</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    ).encode()
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        {member: lambda data: data.replace(b"</worksheet>", ext + b"</worksheet>", 1)},
    )
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert [(f.sheet, f.cell, f.severity) for f in found] == [
        ("Resultat", "F6", "error"),
        ("Resultat", "F7", "error"),
    ]
    assert "(tallformatet «#,##0,» i en betinget formatering)" in found[0].message


@pytest.mark.parametrize("code", ["mm:ss", "hh:mm", "dd.mm.yyyy"])
def test_a_time_or_date_format_on_a_figure_is_an_error_at_its_cell(
    specs: Specs, example_copy, code: str
):
    """34 185 330 (SLA income, March) formatted as a time shows «00:00», as a date past
    Excel's last one «####»: python-calamine gives the stored number, which reached the
    report while the department saw no figure at all."""
    path = _formatted(example_copy("okonomi.xlsx"), "Resultat", {"F6": code})
    (finding,) = _found(path, specs, "number-format-alters", "number-format-hides", "not-a-number")
    assert (finding.code, finding.cell, finding.severity) == ("number-format-alters", "F6", "error")
    assert finding.message.startswith(
        f"Cellen viser tallet som dato eller klokkeslett (tallformatet «{code}»), men tallet "
        "som er lagret og kommer i rapporten, er 34\u00a0185\u00a0330."
    )


def test_overlapping_conditional_formats_and_a_thousand_more_are_judged(
    specs: Specs, tmp_path: Path
):
    """A rule that may scale counts beside a plain one over the same cell (which holds when
    is not known: either may), and a thousand rules more elsewhere on the sheet change
    nothing: each input cell is judged by the rules over its column, once."""
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")

    def styles(data: bytes) -> bytes:
        added = (
            b'<dxf><numFmt numFmtId="171" formatCode="#,##0"/></dxf>'
            b'<dxf><numFmt numFmtId="172" formatCode="#,##0,"/></dxf></dxfs>'
        )
        return data.replace(b'<dxfs count="2">', b'<dxfs count="4">').replace(b"</dxfs>", added)

    def rules(data: bytes) -> bytes:
        def rule(sqref: str, dxf: int) -> bytes:
            return (
                f'<conditionalFormatting sqref="{sqref}"><cfRule type="cellIs" dxfId="{dxf}" '
                'priority="9" operator="greaterThan"><formula>0</formula></cfRule>'
                "</conditionalFormatting>"
            ).encode()

        many = b"".join(rule(f"Z{n}", 3) for n in range(1, 1000))
        added = rule("F6", 2) + rule("F6:F8", 3) + many
        return data.replace(b"<dataValidations", added + b"<dataValidations", 1)

    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        {"xl/styles.xml": styles, member: rules},
    )
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert [(f.cell, f.severity) for f in found] == [(c, "error") for c in ("F6", "F7", "F8")]


def test_a_format_that_shows_the_number_in_white_hides_it(specs: Specs, example_copy):
    """«[White]#,##0» writes the figure white on the input cell's pale fill: nobody sees it,
    and it reached the report with no finding. Colour 2 of Excel's palette is white too."""
    path = _formatted(
        example_copy("okonomi.xlsx"),
        "Resultat",
        {"F7": "[White]#,##0", "D6": "[color2]0", "F8": "#,##0;[White]-#,##0", "C6": "[Red]0"},
    )
    found = [
        (f.cell, f.code, f.severity)
        for f in _found(path, specs, "number-format-alters", "number-format-hides")
    ]
    assert sorted(found) == [
        ("D6", "number-format-hides", "warning"),
        ("F7", "number-format-hides", "warning"),
    ]
    (white,) = [f for f in _found(path, specs, "number-format-hides") if f.cell == "F7"]
    assert "(tallformatet «[White]#,##0» viser det med hvit skrift)" in white.message
    assert shown("#,##0;[White]-#,##0", -5).hidden and not shown("#,##0;[White]-#,##0", 5).hidden


def test_a_figure_in_white_type_is_hidden(specs: Specs, example_copy):
    """White type (by colour, by the theme's «Bakgrunn 1», by palette index) on the input
    cell's pale fill: the figure reached the report and nobody saw it."""
    from openpyxl.styles import Font
    from openpyxl.styles.colors import Color

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color="FFFFFFFF")
    sheet["D6"].font = Font(color=Color(theme=0))
    sheet["B6"].font = Font(color=Color(indexed=9))
    sheet["C6"].font = Font(color="FFFF0000")  # red is seen
    workbook.save(path)
    found = sorted(
        (f.cell, f.code) for f in _found(path, specs, "number-format-alters", "number-format-hides")
    )
    assert found == [
        ("B6", "number-format-hides"),
        ("D6", "number-format-hides"),
        ("F7", "number-format-hides"),
    ]
    (white,) = [f for f in _found(path, specs, "number-format-hides") if f.cell == "F7"]
    assert (
        "Tallet 16\u00a0538\u00a0861 vises ikke i cellen (cellen har hvit skrift)" in white.message
    )


def test_a_figure_in_the_colour_of_its_fill_is_hidden(specs: Specs, example_copy):
    """Type of the fill's own colour (by value, by theme colour) shows nothing either; it
    reached the report without a finding. Red type on a yellow fill is seen."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.colors import Color

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color="FFDDEBF7")
    sheet["F7"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    sheet["D6"].font = Font(color=Color(theme=4, tint=0.4))
    sheet["D6"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.4))
    sheet["C6"].font = Font(color="FFFF0000")
    sheet["C6"].fill = PatternFill("solid", fgColor="FFFFFF00")
    workbook.save(path)
    found = sorted(
        (f.cell, f.code) for f in _found(path, specs, "number-format-alters", "number-format-hides")
    )
    assert found == [("D6", "number-format-hides"), ("F7", "number-format-hides")]
    (hidden,) = [f for f in _found(path, specs, "number-format-hides") if f.cell == "F7"]
    assert hidden.message.startswith(
        "Tallet 16\u00a0538\u00a0861 vises ikke i cellen (skriftfargen er den samme som "
        "cellens fyllfarge), men det leses og kommer i rapporten."
    )


def test_a_white_border_does_not_make_a_figure_white(specs: Specs, example_copy):
    """A white border's <color> after the fonts marked the last font white: its figures were
    said to be hidden."""
    from openpyxl.styles import Border, Font, Side

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color="FFFF0000", bold=True)  # the last font of the styles
    sheet["F7"].border = Border(left=Side(style="thin", color="FFFFFFFF"))
    workbook.save(path)
    assert _found(path, specs, "number-format-alters", "number-format-hides") == []


def _conditional_rule(
    dxf: bytes, sqref: bytes = b"F6:F7", dxf_id: bytes = b"2"
) -> dict[str, Callable[[bytes], bytes]]:
    """Edits giving Resultat's cells `sqref` a conditional format (value > 0) whose style (a
    third <dxf>, referred to as `dxf_id`) holds `dxf`."""
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")

    def styles(data: bytes) -> bytes:
        added = b"<dxf>" + dxf + b"</dxf></dxfs>"
        return data.replace(b'<dxfs count="2">', b'<dxfs count="3">').replace(b"</dxfs>", added)

    def rule(data: bytes) -> bytes:
        conditional = (
            b'<conditionalFormatting sqref="'
            + sqref
            + b'"><cfRule type="cellIs" dxfId="'
            + dxf_id
            + b'" priority="9" operator="greaterThan"><formula>0</formula></cfRule>'
            b"</conditionalFormatting>"
        )
        return data.replace(b"<dataValidations", conditional + b"<dataValidations", 1)

    return {"xl/styles.xml": styles, member: rule}


def _conditional(font: bytes, fill: bytes = b"") -> dict[str, Callable[[bytes], bytes]]:
    """Edits giving Resultat!F6:F7 a conditional format (value > 0) whose style has the
    type colour `font` (a <color>) and the fill `fill` (a <fill>, or none)."""
    return _conditional_rule(b"<font>" + font + b"</font>" + fill)


@pytest.mark.parametrize(
    ("font", "fill", "why"),
    [
        (b'<color rgb="FFFFFFFF"/>', b"", "en betinget formatering gir cellen hvit skrift"),
        (b'<color theme="0"/>', b"", "en betinget formatering gir cellen hvit skrift"),
        (
            b'<color rgb="FFFFC7CE"/>',
            b'<fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill>',
            "en betinget formatering gir cellen skrift i samme farge som fyllfargen",
        ),
    ],
)
def test_a_conditional_format_in_unseen_type_hides_the_figure(
    specs: Specs, tmp_path: Path, font: bytes, fill: bytes, why: str
):
    """A rule «> 0» whose style writes white type (or type of its own fill) over F6:F7: the
    figures vanish while the rule holds; they reached the report without a finding."""
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _conditional(font, fill))
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert sorted((f.cell, f.severity) for f in found) == [("F6", "warning"), ("F7", "warning")]
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)
    assert "Fjern den betingede formateringen" in found[0].message


def test_a_conditional_format_of_white_type_on_a_dark_fill_is_seen(specs: Specs, tmp_path: Path):
    fill = b'<fill><patternFill><bgColor rgb="FFC00000"/></patternFill></fill>'
    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        _conditional(b'<color rgb="FFFFFFFF"/>', fill),
    )
    assert _found(path, specs, "number-format-alters", "number-format-hides") == []


@pytest.mark.parametrize(
    ("font", "hidden"),
    [
        (b'<color rgb="FFFFF2CC"/>', True),  # the input cells' own fill, by value
        (b'<color rgb="00FFF2CC"/>', True),  # any alpha
        (b'<color rgb="FFFF0000"/>', False),  # red type on the pale fill is seen
    ],
)
def test_a_conditional_format_in_the_type_of_the_cells_own_fill_hides_the_figure(
    specs: Specs, tmp_path: Path, font: bytes, hidden: bool
):
    """A rule «> 0» whose style sets the type colour only, to the colour of the input cells'
    own fill: the figures vanish while it holds, and reached the report without a finding."""
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _conditional(font))
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert sorted((f.cell, f.severity) for f in found) == (
        [("F6", "warning"), ("F7", "warning")] if hidden else []
    )
    why = "en betinget formatering gir cellen skrift i samme farge som fyllfargen"
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)


def _excel_2010_rule(dxf: str) -> dict[str, Callable[[bytes], bytes]]:
    """Edits giving Resultat!F6:F7 an Excel 2010 conditional format (value > 0) whose own
    style is `dxf` (the inside of its <x14:dxf>)."""
    x14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
    xm = "http://schemas.microsoft.com/office/excel/2006/main"
    ext = (
        f'<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{x14}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{xm}">'
        '<x14:cfRule type="cellIs" priority="9" operator="greaterThan" id="{0-0-0-0-1}">'
        f"<xm:f>0</xm:f><x14:dxf>{dxf}</x14:dxf>"
        "</x14:cfRule><xm:sqref>F6:F7</xm:sqref></x14:conditionalFormatting>"
        "</x14:conditionalFormattings></ext></extLst>"
    ).encode()
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    return {member: lambda data: data.replace(b"</worksheet>", ext + b"</worksheet>", 1)}


@pytest.mark.parametrize(
    ("dxf", "why"),
    [
        ('<font><color rgb="FFFFFFFF"/></font>', "hvit skrift"),
        (
            '<font><b/><color theme="5"/></font>'
            '<fill><patternFill><bgColor theme="5"/></patternFill></fill>',
            "skrift i samme farge som fyllfargen",
        ),
        ('<font><color rgb="FFFF0000"/></font>', ""),  # red type is seen
        (  # a white border's colour is no type colour
            '<font><b/></font><border><left style="thin"><color rgb="FFFFFFFF"/></left></border>',
            "",
        ),
        (  # white type on a dark fill is seen
            '<font><color rgb="FFFFFFFF"/></font>'
            '<fill><patternFill><bgColor rgb="FFC00000"/></patternFill></fill>',
            "",
        ),
    ],
)
def test_an_excel_2010_conditional_format_in_unseen_type_hides_the_figure(
    specs: Specs, tmp_path: Path, dxf: str, why: str
):
    """Excel 2010's conditional formats hold their style in the rule (<x14:dxf>): its type
    colour was not looked at, and white type over F6:F7 reached the report unseen."""
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", _excel_2010_rule(dxf))
    found = _found(path, specs, "number-format-alters", "number-format-hides")
    assert sorted((f.cell, f.severity) for f in found) == (
        [("F6", "warning"), ("F7", "warning")] if why else []
    )
    assert all(f"en betinget formatering gir cellen {why})" in f.message for f in found)


@pytest.mark.parametrize(
    ("fill", "hidden"),
    [
        ("FF1F3864", False),  # dark blue, a header style many departments use
        (Color(theme=1), False),  # «Tekst 1», black
        (Color(theme=3), False),  # «Tekst 2», dk2 1F497D in the examples' theme
        (Color(theme=4), False),  # accent 1, 4F81BD
        (Color(indexed=18), False),  # the palette's navy, 000080
        (Color(theme=4, tint=0.8), True),  # accent 1 made pale
        (Color(theme=2), True),  # «Bakgrunn 2», lt2 EEECE1
        ("FFA5A5A5", True),  # mid grey: contrast 2.6 to white
        (Color(indexed=26), True),  # the palette's pale yellow, FFFFCC
    ],
)
def test_white_type_is_hidden_only_on_no_fill_or_a_light_one(
    specs: Specs, example_copy, fill: str | Color, hidden: bool
):
    """White type on a dark fill (dark blue, the theme's dark colours, a dark palette entry)
    was said to be hidden: a header style many departments use blocked nothing but gave a
    false alarm on every figure in it. White type is hidden on a fill of contrast below 3
    to white (WCAG), judged by the colour's value, the workbook's theme and tint, the
    palette."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color="FFFFFFFF")
    sheet["F7"].fill = PatternFill("solid", fgColor=fill)
    workbook.save(path)
    found = [(f.cell, f.code) for f in _found(path, specs, *FORMAT_CODES)]
    assert found == ([("F7", "number-format-hides")] if hidden else [])


def _with_theme_slot(path: Path, slot: str, rgb: str) -> Path:
    """`path` with its theme's colour `slot` (lt2, dk2, ...) set to `rgb`."""

    def theme(data: bytes) -> bytes:
        pattern = rf"(<a:{slot}>)<a:(?:srgbClr|sysClr)[^>]*/>".encode()
        edited = re.sub(pattern, rf'\1<a:srgbClr val="{rgb}"/>'.encode(), data, count=1)
        assert edited != data
        return edited

    return rewrite(path, path.with_name("tema.xlsx"), {"xl/theme/theme1.xml": theme})


def test_a_theme_colour_is_the_workbooks_own(specs: Specs, example_copy):
    """A fill of theme colour 2 («Bakgrunn 2») is the colour the workbook's theme gives
    it: made dark there, white type on it is seen; with no theme at all, Office's own."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color="FFFFFFFF")
    sheet["F7"].fill = PatternFill("solid", fgColor=Color(theme=2))
    workbook.save(path)
    assert [f.cell for f in _found(path, specs, *FORMAT_CODES)] == ["F7"]
    assert _found(_with_theme_slot(path, "lt2", "203864"), specs, *FORMAT_CODES) == []
    # no theme part: Office's lt2 (E7E6E6) is light
    bare = rewrite(path, path.with_name("uten_tema.xlsx"), {"xl/theme/theme1.xml": None})
    assert [f.cell for f in _found(bare, specs, *FORMAT_CODES)] == ["F7"]


@pytest.mark.parametrize(
    ("font", "fill"),
    [
        (Color(theme=4), "FF4F81BD"),  # accent 1 by theme, the same colour by value
        (Color(indexed=2), "FFFF0000"),  # the palette's red, red by value
        ("FF000000", Color(theme=1)),  # black, «Tekst 1»
        # the examples' accent 1 (4F81BD) lighter 80 %: Excel shows DCE6F1, the tint as
        # computed is DCE6F2
        (Color(theme=4, tint=0.7999816888943144), "FFDCE6F1"),
        ("FFFFF2CC", "FFFCF5CF"),  # 3 off in each channel: no eye tells them apart
    ],
)
def test_type_of_its_fills_colour_however_written_is_hidden(
    specs: Specs, example_copy, font: str | Color, fill: str | Color
):
    """Type and fill of one colour, one written by value and the other by theme or palette:
    nobody sees the figure, and it reached the report without a finding."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color=font)
    sheet["F7"].fill = PatternFill("solid", fgColor=fill)
    workbook.save(path)
    (found,) = _found(path, specs, *FORMAT_CODES)
    assert (found.cell, found.code) == ("F7", "number-format-hides")
    assert "(skriftfargen er den samme som cellens fyllfarge)" in found.message


@pytest.mark.parametrize(
    ("font", "fill"),
    [
        ("FFC00000", "FFC00004"),  # 4 off: SAME_COLOUR is 3
        ("FFFF0000", "FF009400"),  # red on a green of its luminance (contrast 1) is seen
    ],
)
def test_type_of_a_colour_near_its_fills_is_seen(specs: Specs, example_copy, font: str, fill: str):
    """(Pale type near its fill's colour, FFF2CC on FFF2D0, passes for white and is hidden:
    tests/test_format_colours.py.)"""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    sheet["F7"].font = Font(color=font)
    sheet["F7"].fill = PatternFill("solid", fgColor=fill)
    workbook.save(path)
    assert _found(path, specs, *FORMAT_CODES) == []


def test_too_many_colours_to_judge_is_refused(tmp_path: Path, monkeypatch):
    """The cell styles' colours are judged under each colour-only conditional format, up to
    a bound (a crafted file could hold 60 000 styles and as many formats)."""
    from vrapport import preflight

    monkeypatch.setattr(preflight, "MAX_COLOUR_CHECKS", 5)
    edits = _conditional(b'<color rgb="FFFF0000"/>')
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    (finding,) = preflight.preflight(path, path.name)  # (in this process: the bound set)
    assert (finding.code, finding.severity) == ("suspicious-file", "error")
    assert "uvanlig mange ulike cellestiler og betingede formateringer" in finding.message


def test_the_palette_is_openpyxls():
    from openpyxl.styles.colors import COLOR_INDEX

    assert PALETTE == [rgb[2:] for rgb in COLOR_INDEX]


def _dark_input_cells(data: bytes) -> bytes:
    """styles.xml with the input cells' fill (FFF2CC) dark blue."""
    return data.replace(b'<fgColor rgb="FFFFF2CC" />', b'<fgColor rgb="FF1F3864" />', 1)


@pytest.mark.parametrize("excel_2010", [False, True])
def test_a_conditional_format_of_white_type_on_a_dark_cell_is_seen(
    specs: Specs, tmp_path: Path, excel_2010: bool
):
    """A rule giving white type only, over input cells filled dark blue: the figures are
    seen while it holds, and they were said to be hidden."""
    font = '<font><color rgb="FFFFFFFF"/></font>'
    edits = _excel_2010_rule(font) if excel_2010 else _conditional(font.encode()[6:-7])
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    assert sorted(f.cell for f in _found(path, specs, *FORMAT_CODES)) == ["F6", "F7"]
    styles = edits.get("xl/styles.xml")
    edits["xl/styles.xml"] = lambda data: _dark_input_cells(styles(data) if styles else data)
    dark = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "mørk.xlsx", edits)
    assert _found(dark, specs, *FORMAT_CODES) == []


def test_an_excel_2010_conditional_format_in_the_type_of_the_cells_fill_is_caught_alone(
    specs: Specs, tmp_path: Path
):
    """An Excel 2010 rule giving only type of the input cells' own fill colour (FFF2CC) was
    caught only when a rule of the sheet's own list shared that colour: alone, the figures
    vanished while it held and reached the report without a finding."""
    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        _excel_2010_rule('<font><color rgb="FFFFF2CC"/></font>'),
    )
    found = _found(path, specs, *FORMAT_CODES)
    assert sorted((f.cell, f.severity) for f in found) == [("F6", "warning"), ("F7", "warning")]
    why = "en betinget formatering gir cellen skrift i samme farge som fyllfargen"
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)


@pytest.mark.parametrize(
    ("fill", "hidden"),
    [
        ('<fill><patternFill><bgColor rgb="FF000000"/></patternFill></fill>', True),
        ('<fill><patternFill><bgColor theme="1"/></patternFill></fill>', True),
        ('<fill><patternFill><bgColor rgb="FFFF0000"/></patternFill></fill>', False),
    ],
)
@pytest.mark.parametrize("excel_2010", [False, True])
def test_a_conditional_format_filling_in_the_cells_type_colour_hides_the_figure(
    specs: Specs, tmp_path: Path, fill: str, hidden: bool, excel_2010: bool
):
    """A rule giving only a fill, of the colour of the cells' own type (black, «Tekst 1»):
    the figures vanish while it holds, and reached the report without a finding. A red
    fill under black type is seen."""
    edits = _excel_2010_rule(fill) if excel_2010 else _conditional_rule(fill.encode())
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    found = _found(path, specs, *FORMAT_CODES)
    assert sorted((f.cell, f.severity) for f in found) == (
        [("F6", "warning"), ("F7", "warning")] if hidden else []
    )
    why = "en betinget formatering gir cellen fyllfarge i samme farge som skriften"
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)


def test_a_conditional_format_filling_white_under_white_type_hides_the_figure(
    specs: Specs, tmp_path: Path
):
    """White type on dark input cells is seen; a rule filling them white (or pale) hides
    the figures while it holds."""
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    white_type = b'<font><name val="Calibri" /><color rgb="FFFFFFFF" /><sz val="11" /></font>'

    def styles(data: bytes) -> bytes:
        data = _dark_input_cells(data).replace(b'<fonts count="5">', b'<fonts count="6">')
        data = data.replace(b"</fonts>", white_type + b"</fonts>", 1)
        data = data.replace(
            b'<xf numFmtId="3" fontId="0" fillId="4"', b'<xf numFmtId="3" fontId="5" fillId="4"'
        )
        return data.replace(b'<dxfs count="2">', b'<dxfs count="3">').replace(
            b"</dxfs>",
            b'<dxf><fill><patternFill><bgColor rgb="FFFFF2CC"/></patternFill></fill></dxf></dxfs>',
        )

    seen = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "mørk.xlsx", {"xl/styles.xml": styles})
    assert _found(seen, specs, *FORMAT_CODES) == []
    rule = _conditional_rule(b"")[member]
    path = rewrite(seen, tmp_path / "okonomi.xlsx", {member: rule})
    found = _found(path, specs, *FORMAT_CODES)
    assert sorted(f.cell for f in found) == ["F6", "F7"]
    why = "cellen har hvit skrift, og en betinget formatering gir den lys fyllfarge"
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)


def test_every_conditional_format_over_a_cell_is_judged(specs: Specs, tmp_path: Path):
    """Two rules over F6:F7: the first hides negatives only (the figures are positive), the
    second divides by 1 000. Only the first was judged, and the scaled figures reached the
    report without a finding."""
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")

    def styles(data: bytes) -> bytes:
        added = (
            b'<dxf><numFmt numFmtId="171" formatCode="#,##0;;"/></dxf>'
            b'<dxf><numFmt numFmtId="172" formatCode="#,##0,"/></dxf></dxfs>'
        )
        return data.replace(b'<dxfs count="2">', b'<dxfs count="4">').replace(b"</dxfs>", added)

    def rules(data: bytes) -> bytes:
        added = b"".join(
            b'<conditionalFormatting sqref="F6:F7"><cfRule type="cellIs" dxfId="'
            + dxf
            + b'" priority="9" operator="greaterThan"><formula>0</formula></cfRule>'
            b"</conditionalFormatting>"
            for dxf in (b"2", b"3")
        )
        return data.replace(b"<dataValidations", added + b"<dataValidations", 1)

    path = rewrite(
        EXAMPLES / "okonomi.xlsx",
        tmp_path / "okonomi.xlsx",
        {"xl/styles.xml": styles, member: rules},
    )
    found = _found(path, specs, *FORMAT_CODES)
    assert [(f.cell, f.code) for f in found] == [
        ("F6", "number-format-alters"),
        ("F7", "number-format-alters"),
    ]
    assert "delt på 1\u00a0000 (tallformatet «#,##0,» i en betinget formatering)" in (
        found[0].message
    )


def test_a_format_in_white_on_a_dark_fill_is_seen(specs: Specs, example_copy):
    """«[White]#,##0» on a dark blue fill shows the figure: it was said to be hidden. A
    format that scales as well still does (and is no longer taken for a hidden one)."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Resultat"]
    for cell, code in (("F7", "[White]#,##0"), ("F8", '[White]#,##0,"[White]"')):
        sheet[cell].number_format = code
        sheet[cell].fill = PatternFill("solid", fgColor="FF1F3864")
    workbook.save(path)
    (found,) = _found(path, specs, *FORMAT_CODES)
    assert (found.cell, found.code, found.severity) == ("F8", "number-format-alters", "error")
    assert found.message.startswith("Cellen viser tallet delt på 1\u00a0000")


def test_a_format_that_begins_like_vrapports_own_marks_is_judged(specs: Specs, example_copy):
    """A number format's code beginning «(fyll) », as vrapport marks a cell style's
    colours, was taken for such a mark: the format was not judged, and a figure it showed
    divided by 1 000 reached the report without a finding."""
    path = _formatted(example_copy("okonomi.xlsx"), "Resultat", {"F6": "(fyll) #,##0,"})
    (found,) = _found(path, specs, *FORMAT_CODES)
    assert (found.cell, found.code, found.severity) == ("F6", "number-format-alters", "error")


def test_a_conditional_format_over_a_cell_of_a_harmless_format_of_its_own_is_judged(
    specs: Specs, tmp_path: Path
):
    """F6 formatted «#,##0;;» (negatives hidden; its figure is positive) under a rule that
    divides by 1 000: the cell's own format was judged and the rule never was."""
    edits = _conditional_rule(b'<numFmt numFmtId="172" formatCode="#,##0,"/>', b"F6")
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    path = _formatted(path, "Resultat", {"F6": "#,##0;;"})
    (found,) = _found(path, specs, *FORMAT_CODES)
    assert (found.cell, found.code, found.severity) == ("F6", "number-format-alters", "error")
    assert "(tallformatet «#,##0,» i en betinget formatering)" in found.message
