"""A sheet's default row height or column width (<sheetFormatPr>) too small to show a
figure hides every row or column without a height or width of its own: LibreOffice shows
the example's rows 0,75 pt high under defaultRowHeight="1", and their figures reached the
report without a finding."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PERIOD
from tests.corpus import EXAMPLES, rewrite, sheet_member
from vrapport.spec import Specs
from vrapport.validation import check_files

FORMAT = b'<sheetFormatPr baseColWidth="8" defaultRowHeight="15" />'
COLUMNS = b'<col width="14.7109375" customWidth="1" min="2" max="25" />'


def _edited(tmp_path: Path, sheet_format: bytes, columns: bytes = COLUMNS) -> Path:
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")

    def edit(data: bytes) -> bytes:
        assert FORMAT in data and COLUMNS in data
        return data.replace(FORMAT, sheet_format, 1).replace(COLUMNS, columns, 1)

    return rewrite(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx", {member: edit})


def _found(path: Path, specs: Specs, code: str) -> list[str]:
    (sub,) = check_files([path], specs, PERIOD)
    return [f.cell for f in sub.findings if f.code == code and f.sheet == "Resultat"]


def test_a_default_row_height_too_low_to_show_a_figure_hides_the_rows(specs: Specs, tmp_path: Path):
    tiny = _edited(tmp_path, b'<sheetFormatPr defaultRowHeight="1" customHeight="1"/>')
    assert _found(tiny, specs, "hidden-row") == [f"A{row}" for row in range(6, 18)]
    usual = _edited(tmp_path, b'<sheetFormatPr defaultRowHeight="15" customHeight="1"/>')
    assert _found(usual, specs, "hidden-row") == []


def test_a_default_column_width_too_narrow_to_show_a_figure_hides_the_columns(
    specs: Specs, tmp_path: Path
):
    """Columns B:E keep their width; F:Y have none of their own and the default is 0,1."""
    narrow = _edited(
        tmp_path,
        b'<sheetFormatPr defaultRowHeight="15" defaultColWidth="0.1"/>',
        COLUMNS.replace(b'max="25"', b'max="5"'),
    )
    found = _found(narrow, specs, "hidden-column")
    assert [cell[0] for cell in found] == list("FGHIJKLMNOPQRSTUVWXY")
    assert all(cell.endswith("6") for cell in found)
    wide = _edited(tmp_path, b'<sheetFormatPr defaultRowHeight="15" defaultColWidth="0.1"/>')
    assert _found(wide, specs, "hidden-column") == []
