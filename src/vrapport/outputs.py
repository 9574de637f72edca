"""Output paths: checked before anything is written, and the operating system's reasons for
refusing a write in Norwegian (the OS text is English: "File exists", "No such file or
directory"), for every command.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

KEYWORDS = "vrapport"  # the report's keywords property; LibreOffice carries it into the PDF
GENERATOR = "vrapport"  # the first key of a trace (`build --trace`)
_TAIL = 1 << 18  # a PDF's document information is at its end (LibreOffice: the last 2 KB)


def _first_existing(path: Path) -> Path:
    """`path` or its nearest ancestor that exists (a file or a folder)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _file_in_the_way(path: Path) -> Path | None:
    """The ancestor of `path` that is a file where a folder is needed, if any."""
    existing = _first_existing(path.parent)
    return existing if existing.exists() and not existing.is_dir() else None


def reason(exc: OSError, path: Path) -> str:
    """Why `path` could not be written, in Norwegian."""
    folder = Path(path).parent
    blocker = _file_in_the_way(Path(path))
    if blocker is not None or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        if blocker is not None:
            return f"«{blocker.name}» er en fil, ikke en mappe"
        return f"«{Path(path).name}» finnes fra før"
    if exc.errno == errno.ENOENT:
        if _first_existing(folder) == Path(os.path.abspath(folder)):
            return f"mappen {folder} tar ikke imot filer"
        return f"mappen {folder} finnes ikke og kan ikke opprettes"
    if exc.errno in (errno.EACCES, errno.EPERM):
        locks = lock_files(Path(path))
        if locks:  # Excel on Windows refuses to let a file it has open be replaced
            return f"filen er åpen i {locks[0][1]}; lukk den og kjør på nytt"
        return f"ingen skrivetilgang til mappen {_first_existing(folder)}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disken er full"
    if exc.errno == errno.EROFS:
        return "disken er skrivebeskyttet"
    if exc.errno == errno.EISDIR:
        return f"{path} er en mappe"
    if exc.errno == errno.ENAMETOOLONG:
        return "navnet er for langt"
    return f"operativsystemet svarte «{exc.strerror or exc}»"


def cannot_write(path: Path, exc: OSError) -> str:
    """The one-line message for a write that failed: «kan ikke skrive P: reason»."""
    return f"kan ikke skrive {path}: {reason(exc, path)}"


def missing_folders(paths: Iterable[Path]) -> list[Path]:
    """The folders that writing `paths` will create, each named by the one its file goes
    into (`a/b/` for `a/b/r.xlsx`, though `a/` is made too)."""
    found: list[Path] = []
    for path in paths:
        folder = Path(path).parent
        if not folder.exists() and folder not in found:
            found.append(folder)
    return found


def probe(paths: Iterable[Path]) -> tuple[Path, OSError] | None:
    """The first of `paths` that cannot be written, and why, without writing anything that
    stays: a temporary file is made and removed in its folder (or, for a folder still to be
    created, in the nearest one that exists)."""
    for path in paths:
        path = Path(path)
        if _file_in_the_way(path) is not None:
            return path, NotADirectoryError(errno.ENOTDIR, "Not a directory")
        if path.is_dir():
            return path, IsADirectoryError(errno.EISDIR, "Is a directory")
        folder = _first_existing(path.parent)
        try:
            fd, name = tempfile.mkstemp(prefix=".vrapport-probe-", dir=folder)
        except OSError as exc:
            return path, exc
        os.close(fd)
        os.unlink(name)
    return None


def cannot_write_into(folder: Path, exc: OSError, what: str) -> str:
    """The one-line message for files that could not be written into `folder`."""
    return f"kan ikke skrive {what} til {folder}: {reason(exc, Path(folder) / what)}"


def is_board_pack(path: Path) -> bool:
    """Is `path` a PDF vrapport made (`build --pdf`)? LibreOffice writes the report's
    keywords into the PDF's document information, as UTF-16 in hex; only the file's end is
    read."""
    marker = KEYWORDS.encode("utf_16_be").hex().upper().encode()
    try:
        with open(path, "rb") as pdf:
            head = pdf.read(5)
            pdf.seek(max(0, os.fstat(pdf.fileno()).st_size - _TAIL))
            tail = pdf.read(_TAIL)
    except OSError:
        return False
    keywords = tail.rfind(b"/Keywords")
    return head == b"%PDF-" and keywords >= 0 and marker in tail[keywords : keywords + 400]


def is_trace(path: Path) -> bool:
    """Is `path` a trace vrapport wrote (`build --trace`): JSON whose first key says so?"""
    try:
        with open(path, "rb") as trace:
            head = trace.read(64)
    except OSError:
        return False
    return head.startswith(b'{\n  "generator": "' + GENERATOR.encode() + b'"')


def lock_files(path: Path) -> list[tuple[Path, str]]:
    """The lock files beside `path` that say a spreadsheet program has it open, with the
    program's name: LibreOffice's `.~lock.NAME#`, Excel's `~$NAME` (for a long name, `~$`
    and the name without its first two characters)."""
    path = Path(path)
    names = {f".~lock.{path.name}#": "LibreOffice", f"~${path.name}": "Excel"}
    if len(path.stem) > 6:
        names[f"~${path.name[2:]}"] = "Excel"
    return [
        (path.with_name(name), program)
        for name, program in names.items()
        if path.with_name(name).is_file()
    ]
