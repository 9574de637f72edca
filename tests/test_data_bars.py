"""A data bar or an icon set set to show the bar or the icon only (Excel's «Vis bare
stolpe», «Vis bare ikon»: showValue="0") shows no figure in its cells: the figures reached
the report without a finding while the person checking the sheet saw only bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PERIOD
from tests.corpus import EXAMPLES, rewrite, sheet_member
from vrapport.spec import Specs
from vrapport.validation import check_files

BAR = '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/>'
ICONS = (
    '<cfvo type="percent" val="0"/><cfvo type="percent" val="33"/><cfvo type="percent" val="67"/>'
)


def _main_rule(rule: str) -> dict[str, object]:
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    added = f'<conditionalFormatting sqref="F6:F7">{rule}</conditionalFormatting>'.encode()
    return {member: lambda data: data.replace(b"<dataValidations", added + b"<dataValidations", 1)}


def _excel_2010_rule(rule: str) -> dict[str, object]:
    x14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
    xm = "http://schemas.microsoft.com/office/excel/2006/main"
    ext = (
        f'<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{x14}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{xm}">'
        f"{rule}<xm:sqref>F6:F7</xm:sqref></x14:conditionalFormatting>"
        "</x14:conditionalFormattings></ext></extLst>"
    ).encode()
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    return {member: lambda data: data.replace(b"</worksheet>", ext + b"</worksheet>", 1)}


X14_ICONS = (
    '<x14:cfRule type="iconSet" priority="1" id="{{0-0-0-0-1}}">'
    '<x14:iconSet iconSet="3Arrows" custom="1"{shown}>'
    '<x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo>'
    '<x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo>'
    '<x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo>'
    '<x14:cfIcon iconSet="3Flags" iconId="0"/><x14:cfIcon iconSet="3Flags" iconId="1"/>'
    '<x14:cfIcon iconSet="3Flags" iconId="2"/></x14:iconSet></x14:cfRule>'
)


def _bar(shown: str = "") -> str:
    return f'<cfRule type="dataBar" priority="1"><dataBar{shown}>{BAR}</dataBar></cfRule>'


def _icons(shown: str = "") -> str:
    icons = f'<iconSet iconSet="3Arrows"{shown}>{ICONS}</iconSet>'
    return f'<cfRule type="iconSet" priority="1">{icons}</cfRule>'


@pytest.mark.parametrize(
    ("edits", "hidden"),
    [
        (_main_rule(_bar(' showValue="0"')), True),
        (_main_rule(_icons(' showValue=" false "')), True),
        (_excel_2010_rule(X14_ICONS.format(shown=' showValue="0"')), True),
        # the figure shown beside the bar or icon: no finding
        (_main_rule(_bar()), False),
        (_main_rule(_icons(' showValue="1"')), False),
        (_excel_2010_rule(X14_ICONS.format(shown="")), False),
    ],
    ids=["bar-only", "icon-only", "x14-icon-only", "bar", "icon", "x14-icon"],
)
def test_a_bar_or_icon_shown_without_the_figure_hides_it(
    specs: Specs, tmp_path: Path, edits: dict, hidden: bool
):
    path = rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", edits)
    (sub,) = check_files([path], specs, PERIOD)
    found = [f for f in sub.findings if f.code in ("number-format-hides", "number-format-alters")]
    assert sorted((f.sheet, f.cell, f.code, f.severity) for f in found) == (
        [
            ("Resultat", "F6", "number-format-hides", "warning"),
            ("Resultat", "F7", "number-format-hides", "warning"),
        ]
        if hidden
        else []
    )
    why = "en betinget formatering viser bare en datastolpe eller et ikon, ikke tallet"
    assert all(f"vises ikke i cellen ({why})" in f.message for f in found)
    assert all("Fjern den betingede formateringen" in f.message for f in found)
    assert all(
        f.message.startswith("Tallet 34\u00a0185\u00a0330 vises ikke")
        for f in found
        if f.cell == "F6"
    )
