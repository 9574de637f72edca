"""The sheet pass first reads names as written (no namespace processing, faster) and hands a
sheet to the namespace-aware pass when it meets a name it cannot vouch for. Whatever the
fast pass decides must be what the namespace-aware pass decides: the same cells, records and
area, and the same refusals."""

from __future__ import annotations

import io
import zipfile

import pytest

from vrapport import preflight
from vrapport.preflight import Refused, _Rerun, _scan_pass, _Stream

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
ROWS = (
    '<row r="2" ht="0"><c r="B2" t="e"><v>#DIV/0!</v></c><c><f>B2+1</f><v>3</v></c></row>'
    '<row><c r="A3" t="inlineStr"><is><t xml:space="preserve">a b</t></is></c><c><f>1</f></c>'
    '<c r="D3"><v>4</v></c></row>'
)


def _sheet(body: str, root: str = f'xmlns="{MAIN}"', tag: str = "worksheet") -> bytes:
    return f"<{tag} {root}>{body}</{tag}>".encode()


def _outcome(data: bytes, namespaces: bool):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", data)
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        try:
            area, scan = _scan_pass(_Stream(), archive, info, "Ark", namespaces)
        except Refused as refused:
            return ("refused", refused.code, refused.message, refused.cell)
    return (area, scan)


CASES = {
    "default namespace": _sheet(f"<sheetData>{ROWS}</sheetData>"),
    "prefixed elements": _sheet(
        "<x:sheetData>"
        + ROWS.replace("<", "<x:").replace("<x:/", "</x:")
        + '</x:sheetData><x:mergeCells><x:mergeCell ref="A2:B3"/></x:mergeCells>',
        f'xmlns:x="{MAIN}" xmlns:r="{REL}"',
        "x:worksheet",
    ),
    "prefixed cell in a default sheet": _sheet(
        f'<sheetData><row r="4"><x:c xmlns:x="{MAIN}" r="C4" t="e"><x:v>#N/A</x:v></x:c>'
        f"<c><v>1</v></c></row></sheetData>"
    ),
    "extension with its own prefix": _sheet(
        f"<sheetData>{ROWS}</sheetData><extLst><ext uri='{{1}}' xmlns:x14='{X14}'>"
        "<x14:dataValidations count='1'><x14:dataValidation type='list'>"
        "<x14:formula1><f>_meta!$D$2:$D$9</f></x14:formula1></x14:dataValidation>"
        "</x14:dataValidations></ext></extLst>"
    ),
    "declaration on an empty element": _sheet(
        f'<sheetData>{ROWS}</sheetData><tableParts count="1">'
        f'<tablePart xmlns:r="{REL}" r:id="rId1"/></tableParts>'
    ),
    "cell inside a cell": _sheet(
        '<sheetData><row><c r="A1"><is><c r="B1"/></is></c></row></sheetData>'
    ),
    "cell outside the limits": _sheet(
        '<sheetData><row r="200000"><c r="A200000"/></row></sheetData>'
    ),
    "unbound element prefix": _sheet('<sheetData><row r="1"><y:c r="A1"/></row></sheetData>'),
    "unbound attribute prefix": _sheet('<sheetData><row r="1" y:dy="1"><c/></row></sheetData>'),
    "prefix used outside its declaration": _sheet(
        f'<sheetData><row xmlns:y="{REL}" y:a="1"/><row y:a="2"><c/></row></sheetData>'
    ),
    "two attributes that are one": _sheet(
        '<sheetData><row r="1" a:x="1" b:x="2"><c/></row></sheetData>',
        f'xmlns="{MAIN}" xmlns:a="{REL}" xmlns:b="{REL}"',
    ),
    "two attributes that are one, declared below": _sheet(
        f'<sheetData><row xmlns:a="{REL}" xmlns:b="{REL}" a:x="1" b:x="2"/></sheetData>'
    ),
    "undeclared prefix": _sheet(
        '<sheetData><row xmlns:r=""><c/></row></sheetData>', f'xmlns="{MAIN}" xmlns:r="{REL}"'
    ),
    "reserved prefix": _sheet("<sheetData/>", f'xmlns="{MAIN}" xmlns:xmlns="{REL}"'),
    "space in a namespace": _sheet("<sheetData/>", 'xmlns="a b"'),
    "two colons": _sheet('<sheetData><row><a:b:c xmlns:a="u"/></row></sheetData>'),
    "local name starting with a digit": _sheet('<sheetData><row xmlns:a="u" a:1="2"/></sheetData>'),
    "colon in a processing instruction": _sheet(
        '<?a:b c?><sheetData><row><c r="A1"/></row></sheetData>'
    ),
    "plain processing instruction": _sheet('<?ab c?><sheetData><row><c r="A1"/></row></sheetData>'),
    "DTD with a colon": b"<!DOCTYPE a:b><a:b/>",
}
# Sheets the fast pass reads to the end itself (the others it may hand on).
FAST = {
    "default namespace",
    "prefixed elements",
    "extension with its own prefix",
    "declaration on an empty element",
    "cell inside a cell",
    "cell outside the limits",
    "plain processing instruction",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fast_pass_decides_as_the_namespace_aware_pass(case: str) -> None:
    data = CASES[case]
    exact = _outcome(data, namespaces=True)
    try:
        fast = _outcome(data, namespaces=False)
    except _Rerun:
        assert case not in FAST
        return
    assert fast == exact


def test_what_is_refused_stays_refused() -> None:
    """Every case is refused (corrupt-file, or the limits and cell-in-cell) or read, as by the
    namespace-aware parser; the comparison above then shows the fast pass agrees."""
    read = {
        "default namespace",
        "prefixed elements",
        "prefixed cell in a default sheet",
        "extension with its own prefix",
        "declaration on an empty element",
        "plain processing instruction",
    }
    for case, data in CASES.items():
        refused = _outcome(data, namespaces=True)[0] == "refused"
        assert refused == (case not in read), case


def test_a_prefixed_sheet_is_read_like_a_default_one() -> None:
    plain_area, plain_scan = _outcome(CASES["default namespace"], namespaces=False)
    area, scan = _outcome(CASES["prefixed elements"], namespaces=False)
    assert (area.rows, area.cols) == (plain_area.rows, plain_area.cols) == (3, 4)
    assert scan == plain_scan
    assert scan.special == {"B2": "#DIV/0!", "B3": preflight.FORMULA_WITHOUT_VALUE}
    assert scan.formulas == {"C2": "=B2+1"}
    assert scan.hidden_rows == {2}


def test_a_cell_without_r_after_one_with_r_takes_the_next_column() -> None:
    data = _sheet(
        '<sheetData><row r="7"><c r="C7"><v>1</v></c><c t="e"><v>#REF!</v></c></row>'
        '<row r="9"><c r="A9"/><c t="e"><v>#N/A</v></c><c r="AB9"><v>1</v></c><c><f>1</f></c>'
        "</row></sheetData>"
    )
    area, scan = _outcome(data, namespaces=False)
    assert scan.special == {"D7": "#REF!", "AC9": preflight.FORMULA_WITHOUT_VALUE, "B9": "#N/A"}
    assert (area.rows, area.cols) == (9, 29)
