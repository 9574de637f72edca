"""What the value reader cannot see in a workbook's XML: error values and formulas (with or
without a stored result), hidden rows and columns, and whether a spreadsheet application
computed the stored results (docProps/app.xml's Application, calcPr fullCalcOnLoad).

python-calamine reads an error and a formula without a result as empty, and a formula's
stored result as if it were typed; a report must not. One streaming pass per sheet with
expat (a C parser; pre-flight has refused DTDs and capped every member's size).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.preflight import local_name, sheet_members, stream_parse, xml_parser

FORMULA_WITHOUT_VALUE = "formula-without-value"
_EXTERNAL = re.compile(r"\[\d+\]")  # [1]Ark!A1: a reference to another workbook
SPREADSHEET_APPS = ("Microsoft Excel", "LibreOffice")


@dataclass
class SheetScan:
    """What the value reader cannot see in one sheet."""

    special: dict[str, str] = field(default_factory=dict)  # cell -> error text / no value
    formulas: dict[str, str] = field(default_factory=dict)  # cell -> formula (with a value)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # 1-based, inclusive

    def external(self, cell: str) -> bool:
        return bool(_EXTERNAL.search(self.formulas.get(cell, "")))


@dataclass
class BookScan:
    sheets: dict[str, SheetScan] = field(default_factory=dict)
    application: str = ""  # docProps/app.xml <Application>
    recalc_on_load: bool = False  # <calcPr fullCalcOnLoad="1">

    @property
    def computed(self) -> bool:
        """Were the stored formula results computed by a spreadsheet application? Not when
        the file asks for a full recalculation on load or was written by a library (openpyxl
        writes "Microsoft Excel Compatible / Openpyxl")."""
        app = self.application.strip()
        by_app = app.startswith(SPREADSHEET_APPS) and "compatible" not in app.lower()
        return by_app and not self.recalc_on_load


def _scan_sheet(archive: zipfile.ZipFile, member: str) -> SheetScan:
    scan = SheetScan()
    cell: dict[str, Any] = {}
    text: list[str] = []
    where = {"in": ""}  # "v" or "f" while inside one

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "c":
            cell.clear()
            cell.update(ref=attrs.get("r", ""), error=attrs.get("t") == "e")
        elif tag in ("v", "f"):
            where["in"] = tag
            text.clear()
            cell[tag] = ""
            if tag == "f" and attrs.get("t") == "shared" and "ref" not in attrs:
                cell["shared"] = True
        elif tag == "row":
            if attrs.get("hidden") in ("1", "true") and (attrs.get("r") or "").isdigit():
                scan.hidden_rows.add(int(attrs["r"]))
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            low, high = attrs.get("min", ""), attrs.get("max", "")
            if low.isdigit() and high.isdigit():
                scan.hidden_cols.append((int(low), int(high)))

    def end(name: str) -> None:
        tag = local_name(name)
        if tag in ("v", "f") and where["in"] == tag:
            cell[tag] = "".join(text)
            where["in"] = ""
        elif tag == "c" and cell.get("ref"):
            ref = cell["ref"]
            value = cell.get("v")
            if cell["error"]:
                scan.special[ref] = value or "#FEIL"
            elif "f" in cell:
                if not value:
                    scan.special[ref] = FORMULA_WITHOUT_VALUE
                else:
                    scan.formulas[ref] = "=" + cell["f"] if cell["f"] else "(delt formel)"

    def chars(data: str) -> None:
        if where["in"]:
            text.append(data)

    parser = xml_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    stream_parse(archive, member, parser)
    return scan


def _application(archive: zipfile.ZipFile) -> str:
    if "docProps/app.xml" not in archive.namelist():
        return ""
    found: list[str] = []
    inside = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        inside[0] = local_name(name) == "Application"

    def chars(data: str) -> None:
        if inside[0]:
            found.append(data)

    parser = xml_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: inside.__setitem__(0, False)
    parser.CharacterDataHandler = chars
    stream_parse(archive, "docProps/app.xml", parser)
    return "".join(found)


def _recalc_on_load(archive: zipfile.ZipFile) -> bool:
    found = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "calcPr" and attrs.get("fullCalcOnLoad") in ("1", "true"):
            found[0] = True

    parser = xml_parser()
    parser.StartElementHandler = start
    stream_parse(archive, "xl/workbook.xml", parser)
    return found[0]


def scan_workbook(path: Path, sheets: set[str]) -> BookScan:
    """For each named sheet: error cells, formulas, hidden rows and columns; and whether an
    application computed the stored results."""
    with zipfile.ZipFile(path) as archive:
        book = BookScan(application=_application(archive), recalc_on_load=_recalc_on_load(archive))
        names = set(archive.namelist())
        for member, name in sheet_members(archive).items():
            if name in sheets and member in names:
                book.sheets[name] = _scan_sheet(archive, member)
    return book
