"""Find the cells a value reader cannot tell apart from blanks: error values and formulas
without a cached value. python-calamine reads both as empty; a report must not."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

FORMULA_WITHOUT_VALUE = "formula-without-value"


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{PKG_REL_NS}Relationship")
    }
    paths = {}
    for sheet in workbook.iter(f"{NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            paths[sheet.get("name", "")] = posixpath.normpath(path)
    return paths


@dataclass
class SheetScan:
    """What the value reader cannot see in one sheet."""

    special: dict[str, str] = field(default_factory=dict)  # cell -> error text / no value
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers


def scan_cells(path: Path, sheets: set[str]) -> dict[str, SheetScan]:
    """For each named sheet: error cells, formulas without a cached value, hidden rows."""
    found: dict[str, SheetScan] = {}
    with zipfile.ZipFile(path) as archive:
        paths = _sheet_paths(archive)
        for name in sheets:
            member = paths.get(name)
            if not member or member not in archive.namelist():
                continue
            scan = SheetScan()
            with archive.open(member) as handle:
                for _event, element in ElementTree.iterparse(handle):
                    if element.tag == f"{NS}row":
                        if element.get("hidden") in ("1", "true") and element.get("r"):
                            scan.hidden_rows.add(int(element.get("r", "0")))
                        element.clear()
                        continue
                    if element.tag != f"{NS}c":
                        continue
                    value = element.find(f"{NS}v")
                    if element.get("t") == "e":
                        text = value.text if value is not None else "#FEIL"
                        scan.special[element.get("r", "")] = text or "#FEIL"
                    elif element.find(f"{NS}f") is not None and (
                        value is None or value.text is None
                    ):
                        scan.special[element.get("r", "")] = FORMULA_WITHOUT_VALUE
            found[name] = scan
    return found
