"""The PDF board pack: the report workbook converted by LibreOffice, headless.

LibreOffice exits 0 even when a conversion fails, so success is judged by the output file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from vrapport.atomic import atomic_path
from vrapport.report.model import Report

TIMEOUT_SECONDS = 300
LOCALE = "nb_NO.UTF-8"
_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why, in Norwegian."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(workbook: Path, pdf: Path, timeout: int = TIMEOUT_SECONDS) -> Path:
    """Convert `workbook` to `pdf` (written atomically) with LibreOffice."""
    program = soffice()
    if program is None:
        raise PdfError(
            "PDF ble ikke laget: LibreOffice (soffice) er ikke installert. Installer f.eks. "
            "Debian-pakken libreoffice-calc-nogui, eller lag PDF-en fra Excel."
        )
    with tempfile.TemporaryDirectory(prefix="vrapport-pdf-") as tmp:
        folder = Path(tmp)
        # LibreOffice is given a plain name: where the Norwegian locale is not installed, the
        # C locale it falls back to cannot name «Økonomi.xlsx» (no PDF, exit 0).
        given = folder / "rapport.xlsx"
        shutil.copyfile(workbook, given)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(given),
        ]
        # Number formats print with the locale's separators: Norwegian, whatever the machine.
        # Its own temporary files go into this folder too, so an interrupt leaves none.
        env = os.environ | {
            "LC_ALL": LOCALE,
            "LANG": LOCALE,
            "LANGUAGE": "nb",
            "TMPDIR": str(folder),
        }
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=env)
        except subprocess.TimeoutExpired:
            raise PdfError(f"PDF ble ikke laget: LibreOffice brukte mer enn {timeout} s.") from None
        produced = folder / f"{given.stem}.pdf"
        if not produced.is_file() or not produced.read_bytes().startswith(b"%PDF-"):
            raise PdfError("PDF ble ikke laget: LibreOffice ga ingen PDF-fil.")
        with atomic_path(pdf) as target:
            shutil.copyfile(produced, target)
    return pdf


def board_workbook(report: Report, path: Path) -> Path:
    """The workbook the board pack is converted from: the report's board sections only
    (Kilder, audit material, stays in the report workbook), its contents listing just
    those (see `Report.board_pack`)."""
    from vrapport.report.writer import write_report

    return write_report(report.board_pack(), path)


def board_pack(report: Report, pdf: Path) -> Path:
    """The PDF the board reads: `board_workbook` converted by LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="vrapport-pack-") as tmp:
        return convert_to_pdf(board_workbook(report, Path(tmp) / f"{pdf.stem}.xlsx"), pdf)


def page_count(pdf: Path) -> int:
    """Pages in a PDF written by LibreOffice (counts page objects)."""
    return len(_PAGE.findall(pdf.read_bytes()))
