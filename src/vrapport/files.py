"""Which files a command reads: the submissions given (files, and the spreadsheets in given
folders), the name each has in findings, and copies with the same content, read once.

Light on purpose (no pandas, no pandera): a command works out what it will read and hands
that to the reading worker (isolation.prefetch) before it imports the rest, so the worker
reads while the main process imports.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vrapport.findings import Finding
from vrapport.outputs import lock_files

# Spreadsheet-like files in a folder are read (a wrong kind is reported, not skipped).
SUBMISSION_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
PREVIOUS_PREFIX = "forrige periode: "  # before the name of each of last period's files


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files given directly, plus the spreadsheet-like files in given folders; a file named
    twice (directly and through its folder) is checked once."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in SUBMISSION_SUFFIXES
                and not p.name.startswith(("~$", "."))
            )
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def skipped_files(paths: Iterable[Path]) -> list[Finding]:
    """A warning for each file in a given folder that is not read because it is no
    spreadsheet (a PDF or a mail sent instead of the workbook, say); hidden files and
    Excel's lock files (~$) are passed over in silence."""
    return [
        Finding.make("skipped-file", printable(p.name), suffix=p.suffix or "uten filendelse")
        for path in paths
        if path.is_dir()
        for p in sorted(path.iterdir())
        if p.is_file()
        and p.suffix.lower() not in SUBMISSION_SUFFIXES
        and not p.name.startswith(("~$", "."))
    ]


def open_files(files: list[Path]) -> list[Finding]:
    """A warning for each submission a spreadsheet program has open (its lock file is
    beside it): what is typed there and not yet saved is not in the file that is read."""
    names = display_names(files)
    return [
        Finding.make("submission-open", names[path], program=program, lock=printable(lock.name))
        for path in files
        for lock, program in lock_files(path)[:1]
    ]


_UNDECODED = re.compile("[\udc80-\udcff]")  # how Python holds a name's non-UTF-8 bytes


def printable(name: str) -> str:
    """`name` as text that prints and goes into JSON as UTF-8: the bytes of a file name that
    are not UTF-8 (an «ø» from an old Windows share, byte F8), which Python holds as lone
    surrogates, written as `\\xf8`, so the name is still recognisable and unambiguous."""
    if not _UNDECODED.search(name):
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def display_names(files: list[Path]) -> dict[Path, str]:
    """The name a finding gives each file: its file name, or folder/name where two files
    share a name."""
    counts: dict[str, int] = {}
    for path in files:
        counts[path.name] = counts.get(path.name, 0) + 1
    return {
        p: printable(p.name if counts[p.name] == 1 else f"{p.parent.name}/{p.name}") for p in files
    }


def identical_copies(files: Iterable[Path]) -> dict[Path, list[Path]]:
    """The first of files with the same content (SHA-256) -> the later ones. A file that
    cannot be opened counts as unique (reading it says why)."""
    first: dict[str, Path] = {}
    copies: dict[Path, list[Path]] = {}
    for path in files:
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            continue
        if digest in first:
            copies.setdefault(first[digest], []).append(path)
        else:
            first[digest] = path
    return copies


@dataclass(frozen=True)
class Reading:
    """How a list of files is read: `shown` are the files read, each with the name its
    findings give it (`prefix` + its display name), in order; a copy (same SHA-256 as an
    earlier file) is not read, and `copies` maps the first file of each content to them."""

    names: dict[Path, str]
    copies: dict[Path, list[Path]]
    shown: list[tuple[Path, str]]


def reading(files: list[Path], prefix: str = "") -> Reading:
    names = display_names(files)
    copies = identical_copies(files)
    copied = {c for group in copies.values() for c in group}
    shown = [(path, prefix + names[path]) for path in files if path not in copied]
    return Reading(names, copies, shown)
