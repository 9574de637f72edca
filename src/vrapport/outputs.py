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
    """The folders that writing `paths` will create: for each, its topmost missing folder."""
    found: list[Path] = []
    for path in paths:
        folder = Path(path).parent
        top = None
        while not folder.exists() and folder != folder.parent:
            top, folder = folder, folder.parent
        if top is not None and top not in found:
            found.append(top)
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
