"""The PDF board pack: the report workbook converted by LibreOffice, headless.

LibreOffice exits 0 even when a conversion fails, so success is judged by the output file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from vrapport.atomic import atomic_path

TIMEOUT_SECONDS = 300
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
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook.resolve()),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"PDF ble ikke laget: LibreOffice brukte mer enn {timeout} s.") from None
        produced = folder / f"{workbook.stem}.pdf"
        if not produced.is_file() or not produced.read_bytes().startswith(b"%PDF-"):
            raise PdfError("PDF ble ikke laget: LibreOffice ga ingen PDF-fil.")
        with atomic_path(pdf) as target:
            shutil.copyfile(produced, target)
    return pdf


def page_count(pdf: Path) -> int:
    """Pages in a PDF written by LibreOffice (counts page objects)."""
    return len(_PAGE.findall(pdf.read_bytes()))
