"""Feedback copies: each submission with its error cells filled red and warning cells yellow,
each carrying a cell comment with the message, to send back to the department. The original
file is never modified; copies are written atomically.

The submission is opened with openpyxl in the isolated worker (vrapport.isolation), like every
read of an untrusted file. Every text goes into the copy through `celltext.put`, so a sheet
name or a message quoting `=HYPERLINK(...)` stays text. When the original cannot be opened for
marking (a damaged sheet), the copy holds only the Tilbakemelding sheet and says so.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from vrapport.atomic import atomic_path
from vrapport.files import printable
from vrapport.findings import ERROR, Finding, capped
from vrapport.reader import Submission

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
AUTHOR = "vrapport"
SUMMARY_SHEET = "Tilbakemelding"
SUMMARY_HEADER_ROW = 4  # under the title and what was found
NOT_MARKED = (
    "Originalen kunne ikke åpnes for merking (filen er skadet); her er bare listen over funn."
)


def feedback_name(sub: Submission, taken: set[str]) -> str:
    """'okonomi_tilbakemelding.xlsx', made unique among the names in `taken`; a name that is
    not UTF-8 keeps its bytes (the display name spells them `\\xf8`)."""
    stem = Path(sub.display.replace("/", "_")).stem
    stem = stem.replace(printable(sub.path.stem), sub.path.stem)
    name, number = f"{stem}_tilbakemelding.xlsx", 2
    while name in taken:
        name, number = f"{stem}_tilbakemelding_{number}.xlsx", number + 1
    taken.add(name)
    return name


def gets_copy(sub: Submission) -> bool:
    """A copy is made of a file with findings that opened as a vrapport template; the others'
    findings are about the file itself."""
    return sub.template is not None and bool(sub.findings)


def write_feedback(sub: Submission, folder: Path, taken: set[str] | None = None) -> Path | None:
    """Write the annotated copy of `sub` into `folder`; None when the file gets none (see
    `gets_copy`)."""
    from vrapport.isolation import run_isolated

    if not gets_copy(sub):
        return None
    shown = capped(sub.findings)
    out = folder / feedback_name(sub, set() if taken is None else taken)
    if run_isolated(annotate, sub.path, shown, out) is not True:
        summary_only(shown, out)
    return out


def annotate(source: Path, findings: list[Finding], out: Path) -> bool:
    """The marked copy of `source` at `out` (run in the worker); False when openpyxl cannot
    open the original."""
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from vrapport.celltext import safe_text

    try:
        workbook = openpyxl.load_workbook(source)
    except Exception:  # noqa: BLE001 - a sheet openpyxl cannot read: the summary-only copy
        return False
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet in workbook.sheetnames and finding.cell:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, cell), marked in by_cell.items():
        target = _writable(workbook[sheet], workbook[sheet][cell], MergedCell)
        worst = ERROR_FILL if any(f.severity == ERROR for f in marked) else WARNING_FILL
        target.fill = PatternFill("solid", fgColor=worst)
        text = "\n".join(f.message for f in marked)
        target.comment = Comment(safe_text(text), AUTHOR, width=320, height=110)
    _summary(workbook.create_sheet(SUMMARY_SHEET, 0), findings)
    workbook.active = 0
    with atomic_path(out) as tmp:
        workbook.save(tmp)
    return True


def summary_only(findings: list[Finding], out: Path) -> None:
    """A copy holding only the Tilbakemelding sheet, for an original that cannot be marked."""
    import openpyxl

    from vrapport.celltext import put

    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = SUMMARY_SHEET
    _summary(sheet, findings, marked=False)
    sheet.insert_rows(1)
    put(sheet["A1"], NOT_MARKED)
    sheet.freeze_panes = sheet.cell(SUMMARY_HEADER_ROW + 2, 1)  # (the rows moved down one)
    with atomic_path(out) as tmp:
        workbook.save(tmp)


def _writable(sheet: Any, cell: Any, merged: Any) -> Any:
    """The cell to mark: a cell inside a merged range is marked on the range's first cell
    (the others cannot hold a fill or a comment)."""
    if not isinstance(cell, merged):
        return cell
    for cells in sheet.merged_cells.ranges:
        if cell.coordinate in cells:
            return sheet.cell(cells.min_row, cells.min_col)
    return cell


def _summary(sheet: Any, findings: list[Finding], marked: bool = True) -> None:
    """The findings as a list the department reads first: a title naming the file, what was
    found and how the cells are marked, then one row per finding under a header."""
    from openpyxl.styles import Alignment, Font

    from vrapport.celltext import put
    from vrapport.wording import counted

    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    name = findings[0].file if findings else ""
    put(sheet.cell(1, 1), f"Tilbakemelding på {name}" if name else "Tilbakemelding")
    sheet.cell(1, 1).font = Font(name="Calibri", size=14, bold=True)
    put(
        sheet.cell(2, 1),
        f"{counted(errors, 'feil', 'feil')} og {counted(warnings, 'advarsel', 'advarsler')}. "
        + (
            "I arkene er celler med feil merket rødt og celler med advarsler gult; meldingen "
            "står som kommentar i cellen. "
            if marked
            else ""
        )
        + "Rett feilene og send filen på nytt.",
    )
    for column, title in enumerate(["Nivå", "Ark", "Celle", "Melding"], start=1):
        put(sheet.cell(SUMMARY_HEADER_ROW, column), title)
        # (a bold font without a name printed in LibreOffice's serif default)
        sheet.cell(SUMMARY_HEADER_ROW, column).font = Font(name="Calibri", size=11, bold=True)
    for row, finding in enumerate(findings, start=SUMMARY_HEADER_ROW + 1):
        level = "Feil" if finding.severity == ERROR else "Advarsel"
        where = finding.where
        place = {"cell": where.ref, "range": where.ref, "row": f"rad {where.row}"}.get(
            where.kind, ""
        )
        for column, value in enumerate([level, finding.sheet, place, finding.message], start=1):
            put(sheet.cell(row, column), value)
        sheet.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (10, 18, 8, 110), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(SUMMARY_HEADER_ROW + 1, 1)
    # Printed on A4 landscape, one page wide (the wide «Melding» printed on pages of its own).
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
