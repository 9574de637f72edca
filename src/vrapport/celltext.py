"""The one way vrapport puts a value into a cell of a workbook it edits with openpyxl
(feedback copies, pre-filled templates). Text is always stored as text: a sheet name or a
label such as `=HYPERLINK("x.no","c")` or `=1+1` never becomes a live formula, and control
characters Excel cannot store are shown as `\\x01`. (The report and the templates are written
with xlsxwriter's `write_string` and `strings_to_formulas` off, which is the same rule.)"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def safe_text(text: str) -> str:
    """`text` without the characters an xlsx file cannot hold (shown as escapes)."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def put(cell: Any, value: Any) -> None:
    """Set an openpyxl cell to `value`; a string is stored as text, never as a formula."""
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
