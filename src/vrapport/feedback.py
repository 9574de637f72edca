"""Feedback copies: each submission with its error cells filled red and warning cells yellow,
each carrying a cell comment with the message, to send back to the department. The original
file is never modified; copies are written atomically."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from vrapport.atomic import atomic_path
from vrapport.findings import ERROR, Finding
from vrapport.reader import Submission

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
AUTHOR = "vrapport"
SUMMARY_SHEET = "Tilbakemelding"


def feedback_name(sub: Submission, taken: set[str]) -> str:
    """'okonomi_tilbakemelding.xlsx', made unique among the names in `taken`."""
    stem = Path(sub.display.replace("/", "_")).stem
    name, number = f"{stem}_tilbakemelding.xlsx", 2
    while name in taken:
        name, number = f"{stem}_tilbakemelding_{number}.xlsx", number + 1
    taken.add(name)
    return name


def write_feedback(sub: Submission, folder: Path, taken: set[str] | None = None) -> Path | None:
    """Write the annotated copy of `sub` into `folder`; None when the file could not be
    opened as a workbook (its findings are about the file itself)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    if sub.template is None or not sub.findings:
        return None
    workbook = openpyxl.load_workbook(sub.path)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in sub.findings:
        if finding.sheet in workbook.sheetnames and finding.cell:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, cell), findings in by_cell.items():
        target = workbook[sheet][cell]
        worst = ERROR_FILL if any(f.severity == ERROR for f in findings) else WARNING_FILL
        target.fill = PatternFill("solid", fgColor=worst)
        text = "\n".join(f.message for f in findings)
        target.comment = Comment(text, AUTHOR, width=320, height=110)
    summary = workbook.create_sheet(SUMMARY_SHEET, 0)
    summary.append(["Nivå", "Ark", "Celle", "Melding"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for finding in sub.findings:
        level = "Feil" if finding.severity == ERROR else "Advarsel"
        summary.append([level, finding.sheet, finding.cell, finding.message])
    summary.column_dimensions["A"].width = 10
    summary.column_dimensions["B"].width = 18
    summary.column_dimensions["C"].width = 8
    summary.column_dimensions["D"].width = 110
    for row in summary.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.active = 0
    out = folder / feedback_name(sub, set() if taken is None else taken)
    with atomic_path(out) as tmp:
        workbook.save(tmp)
    return out
