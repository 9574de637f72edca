"""Inspect a file with the standard library alone before any spreadsheet parser sees it.

The Rust reader can abort the whole process on a crafted file, and XML parsers can be
made to run for minutes, so a file must pass these checks first: size, magic bytes,
zip structure and sizes, the xlsx content type, no DTDs or entities, no external links,
and a sheet dimension inside the template's area. Each problem is a Finding naming the file.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from vrapport.findings import ERROR, WARNING, Finding

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 500
MAX_ROWS = 100_000
MAX_COLS = 1_000
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<dimension[^>]*\sref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _col_number(letters: bytes) -> int:
    number = 0
    for char in letters.decode():
        number = number * 26 + (ord(char) - 64)
    return number


def _sniff(head: bytes, data_tail: bytes) -> str | None:
    """Name what a non-zip file is, for the message."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ENCRYPTED_MARK in data_tail:
            return "encrypted"
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if head[:4] in (b"PK\x05\x06", b"PK\x07\x08"):
        return "empty-zip"
    return None


NOT_XLSX = {
    "encrypted": (
        "encrypted-file",
        "Filen er kryptert (passordbeskyttet). Fjern passordet i Excel "
        "(Fil › Info › Beskytt arbeidsbok) og send den på nytt.",
    ),
    "ole": (
        "old-xls",
        "Filen er i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx).",
    ),
    "pdf": ("not-xlsx", "Filen er en PDF, ikke en Excel-arbeidsbok (.xlsx)."),
    "html": ("not-xlsx", "Filen er en HTML-side, ikke en Excel-arbeidsbok (.xlsx)."),
    "xml": ("not-xlsx", "Filen er en XML-fil, ikke en Excel-arbeidsbok (.xlsx)."),
    "empty-zip": ("corrupt-file", "Filen er en tom zip-fil, ikke en Excel-arbeidsbok."),
}


def preflight(path: Path, display: str) -> list[Finding]:
    """Findings that make the file unsafe or impossible to parse (empty list: go ahead)."""

    def fail(code: str, message: str, severity: str = ERROR) -> list[Finding]:
        return [Finding(display, "", "", severity, code, message)]  # type: ignore[arg-type]

    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
            tail = handle.read(1 << 20) if head.startswith(b"\xd0\xcf") else b""
    except OSError as exc:
        return fail("unreadable-file", f"Filen kan ikke leses: {exc.strerror or exc}")
    if size == 0:
        return fail("empty-file", "Filen er tom (0 byte).")
    if size > MAX_FILE_BYTES:
        return fail(
            "file-too-large",
            f"Filen er {size / 1e6:.0f} MB; en innrapportering er "
            f"normalt under 1 MB (grense {MAX_FILE_BYTES / 1e6:.0f} MB).",
        )
    if not head.startswith(b"PK\x03\x04"):
        kind = _sniff(head, head + tail)
        if kind:
            code, message = NOT_XLSX[kind]
            return fail(code, message)
        return fail("not-xlsx", "Filen er ikke en Excel-arbeidsbok (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(archive, fail)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        return fail("corrupt-file", f"Filen er skadet og kan ikke åpnes som .xlsx ({exc}).")


def _check_archive(archive: zipfile.ZipFile, fail) -> list[Finding]:  # type: ignore[no-untyped-def]
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(infos) > MAX_MEMBERS:
        return fail(
            "suspicious-file", f"Filen har {len(infos)} deler; det er for mange for en mal."
        )
    if len(set(names)) != len(names):
        return fail("suspicious-file", "Filen har dupliserte deler og kan være manipulert.")
    if any(n.startswith("/") or ".." in n.split("/") for n in names):
        return fail("suspicious-file", "Filen har ugyldige stier og kan være manipulert.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            return fail(
                "suspicious-file",
                "Filen pakker ut til mer enn en mal kan inneholde (mulig zip-bombe).",
            )
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1024 * 1024
        ):
            return fail("suspicious-file", "Filen er uvanlig sterkt komprimert (mulig zip-bombe).")
    if "[Content_Types].xml" not in names:
        if "mimetype" in names:
            return fail(
                "not-xlsx",
                "Filen er et OpenDocument-regneark (.ods). Lagre den som Excel-arbeidsbok (.xlsx).",
            )
        return fail("not-xlsx", "Filen er en zip-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    content_types = archive.read("[Content_Types].xml")
    if XLSM_MAIN.encode() in content_types:
        return fail(
            "macro-workbook",
            "Filen er en makroaktivert arbeidsbok (.xlsm). Lagre den som "
            "vanlig Excel-arbeidsbok (.xlsx).",
        )
    if XLSX_MAIN.encode() not in content_types:
        return fail("not-xlsx", "Filen er en Office-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    findings: list[Finding] = []
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        data = archive.read(info)
        if _DTD.search(data[:4096]) or _DTD.search(data):
            return fail(
                "suspicious-file",
                f"Filen inneholder en XML-DTD ({info.filename}); "
                "det brukes ikke i vanlige arbeidsbøker.",
            )
        if info.filename.startswith("xl/worksheets/sheet"):
            match = _DIMENSION.search(data[:2048])
            if match and match.group(3):
                rows, cols = int(match.group(4)), _col_number(match.group(3))
                if rows > MAX_ROWS or cols > MAX_COLS:
                    return fail(
                        "sheet-too-large",
                        f"Et ark i filen er {rows} rader × {cols} "
                        "kolonner; det er langt mer enn malen.",
                    )
    if any(n.startswith("xl/externalLinks/") for n in names):
        findings += fail(
            "external-links",
            "Filen har koblinger til andre arbeidsbøker. Verdiene leses slik de sist ble lagret.",
            WARNING,
        )
    return findings
