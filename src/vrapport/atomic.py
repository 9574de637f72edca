"""Write a file atomically: to a temporary file beside it, renamed into place on success.

The temporary file is removed when the write fails or the process is stopped (SIGTERM and
SIGINT are turned into exceptions by the command line, so this `finally` runs). Its name
carries the writer's process id, so one left behind by a process that was killed outright
(SIGKILL) is removed by the next write beside it.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_MARK = "vrapport"
_recorders: list[list[Path]] = []  # see recording()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_orphans(path: Path) -> None:
    """Temporary files of `path` left by writers that no longer run."""
    pattern = re.compile(rf"^\.{re.escape(path.stem)}-{_MARK}-(\d+)-[^/]*{re.escape(path.suffix)}$")
    try:
        siblings = list(path.parent.iterdir())
    except OSError:
        return
    for sibling in siblings:
        match = pattern.match(sibling.name)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            sibling.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success it replaces `path` (keeping the
    permissions of the file it replaces), else it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphans(path)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.stem}-{_MARK}-{os.getpid()}-", suffix=path.suffix, dir=path.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        for recorder in _recorders:
            recorder.append(path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def recording() -> Iterator[list[Path]]:
    """The files put in place (by atomic_path) while inside: what an interrupted command
    had finished writing."""
    written: list[Path] = []
    _recorders.append(written)
    try:
        yield written
    finally:
        _recorders.remove(written)
