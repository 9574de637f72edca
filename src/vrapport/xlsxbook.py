"""The one way vrapport opens an xlsxwriter workbook, for templates and the report alike."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook


def new_workbook(path: Path, *, in_memory: bool) -> Workbook:
    """An xlsxwriter workbook that will be written to `path` on close.

    Text is written as text: never turned into a formula, a link or a number (a label that
    starts with «=» or looks like a figure stays what it says).

    `in_memory`: the parts are assembled in memory instead of a temporary file each. For
    small workbooks (the templates: about 18 parts each) that saves creating, dating and
    removing the files, about 0.1 s of the eight templates' 0.55 s. For a large one it costs:
    every part is held as text and then encoded whole (the report at ×650 registers built
    0.6 s slower, 7.1 s against 6.5 s, and peaked 24 MB higher; benchmarks/volume.py,
    4 December 2026), so a large report is written through temporary files (the writer's
    IN_MEMORY_ROWS). Either way the parts carry a fixed date (1 January 1980 in memory,
    31 January 1980 from files): the same content gives the same bytes."""
    return xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": in_memory,
        },
    )
