"""Untrusted workbooks are opened in a worker process with memory and time limits.

python-calamine aborts the whole process (SIGABRT from a Rust panic) on some crafted files,
and a parser can be driven to allocate gigabytes or run for minutes. So everything that
reads a submission's bytes — pre-flight, the cell scan and python-calamine — runs in one
worker process (the 'spawn' context, reused across files and commands, so its start-up is
paid once per run), with an address-space limit (RLIMIT_AS). The parent gets plain data
back. An abort, a MemoryError or a timeout becomes a Norwegian finding for that file, the
worker is replaced, and the remaining files are still read.
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.cellscan import SheetScan
from vrapport.findings import ERROR, Finding
from vrapport.preflight import DAMAGED, inspect

MEMORY_LIMIT = 1 << 30  # bytes of address space for the worker
TIME_LIMIT = 20.0  # seconds to read one file

Grid = list[list[Any]]
Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Workbook:
    """What the worker read from one file: plain data, safe to interpret in the parent."""

    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""
    sheet_names: list[str] = field(default_factory=list)
    visibility: dict[str, str] = field(default_factory=dict)  # "", "skjult", "svært skjult"
    grids: dict[str, Grid] = field(default_factory=dict)
    merged: dict[str, list[Range]] = field(default_factory=dict)
    scans: dict[str, SheetScan] = field(default_factory=dict)
    computed: bool = True  # formula results computed by a spreadsheet application

    @property
    def refused(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def read_workbook(path: Path, display: str) -> Workbook:
    """Pre-flight (with the cell scan), then every sheet's values and merged ranges (in
    this process; `Reader` calls it in the worker)."""
    findings, scan = inspect(path, display)
    book = Workbook(findings=findings)
    if book.refused:
        return book
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    def state(visible: Any) -> str:
        if visible == SheetVisibleEnum.VeryHidden:
            return "svært skjult"
        return "skjult" if visible == SheetVisibleEnum.Hidden else ""

    try:
        book.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        workbook = CalamineWorkbook.from_path(str(path))
        book.sheet_names = list(workbook.sheet_names)
        book.visibility = {s.name: state(s.visible) for s in workbook.sheets_metadata}
        for name in book.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            book.grids[name] = sheet.to_python(skip_empty_area=False)
            book.merged[name] = [
                ((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
            ]
        book.scans = {name: scan.sheets[name] for name in book.sheet_names if name in scan.sheets}
        book.computed = scan.computed
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a parser's failure on the file is a finding
        return Workbook(findings=[_failure(display, "corrupt-file", DAMAGED)])
    return book


def _failure(display: str, code: str, message: str) -> Finding:
    return Finding(display, "", "", ERROR, code, message)


ABORTED = (
    "Filen fikk Excel-leseren til å stoppe. Den er skadet eller laget for å krasje "
    "programmer; åpne den i Excel, lagre på nytt og send den igjen."
)
TOO_BIG = (
    "Filen krever mer minne enn en innrapportering kan bruke (grense {limit} MB). "
    "Slett tomme rader og kolonner etter tabellene, lagre og send på nytt."
)
TOO_SLOW = (
    "Det tok mer enn {seconds:.0f} sekunder å lese filen; den er for stor eller skadet. "
    "Åpne den i Excel, lagre på nytt og send den igjen."
)


def _serve(conn: Any, memory: int) -> None:
    """The worker's loop: receive a list of calls (function, arguments), send back
    (index, result) for each in turn."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it stops the worker
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: temporary files go
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        for index, (function, args) in enumerate(batch):
            try:
                result: Any = function(*args)
            except MemoryError:
                result = Failed("memory")
            except Exception as exc:  # noqa: BLE001 - a bug in vrapport, reported for the file
                result = Failed(f"bug:{type(exc).__name__}: {exc}")
            conn.send((index, result))


@dataclass(frozen=True)
class Failed:
    """A call the worker could not complete: "died", "timeout", "memory" or "bug:…"."""

    outcome: str


class Reader:
    """Reads files in the worker process; `read` returns them in the order submitted."""

    def __init__(
        self,
        memory: int = MEMORY_LIMIT,
        seconds: float = TIME_LIMIT,
        target: Callable[[Path, str], Workbook] = read_workbook,
    ) -> None:
        """`target` reads one file in the worker (a module-level function)."""
        self.memory, self.seconds, self.target = memory, seconds, target
        self._process: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        conn, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.memory), daemon=True, name="vrapport_reader"
        )
        try:
            process.start()
        finally:
            child.close()
        self._conn, self._process = conn, process

    def start(self) -> None:
        """Start the worker now if it is not running (its start-up, a new interpreter, then
        overlaps with whatever the caller does before the first read)."""
        if self._process is None or not self._process.is_alive():
            self._start()

    def _stop(self) -> None:
        if self._process is not None:
            self._process.terminate()  # SIGTERM: the worker removes its temporary files
            self._process.join(1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        if self._process is not None:
            self._conn.close()
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._conn = None

    def read(self, files: list[tuple[Path, str]]) -> Iterator[Workbook]:
        """One Workbook per (path, display), in order, each as soon as the worker has it (so
        the caller checks one file while the worker reads the next). A file that kills,
        exhausts or stalls the worker gets a finding; a new worker reads the files after it."""
        calls = [(self.target, (path, display)) for path, display in files]
        for (_path, display), result in zip(files, self.run(calls), strict=True):
            if isinstance(result, Failed):
                yield Workbook(findings=[self._explain(result.outcome, display)])
            else:
                yield result

    def run(self, calls: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> Iterator[Any]:
        """The result of each call (a module-level function and its arguments) made in the
        worker, in order; `Failed` for one that killed, exhausted or stalled it, or raised."""
        done = 0
        try:
            while done < len(calls):
                pending = calls[done:]
                if self._process is None or not self._process.is_alive():
                    self._start()
                self._conn.send(pending)
                for index in range(len(pending)):
                    outcome = self._receive(index)
                    done += 1
                    yield outcome
                    if isinstance(outcome, Failed) and outcome.outcome in ("died", "timeout"):
                        self._stop()
                        break
        finally:
            if done < len(calls):  # abandoned half-way: the worker is still busy with the rest
                self._stop()

    def _receive(self, index: int) -> Any:
        deadline = time.monotonic() + self.seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return Failed("timeout")
            try:
                if self._conn.poll(min(left, 0.5)):
                    got, result = self._conn.recv()
                    assert got == index
                    return result
            except (EOFError, OSError):
                return Failed("died")
            if not self._process.is_alive() and not self._conn.poll(0):
                return Failed("died")

    def _explain(self, outcome: str, display: str) -> Finding:
        if outcome.startswith("bug:"):
            return Finding.make("internal-error", display, error=outcome.removeprefix("bug:"))
        if outcome == "memory":
            return _failure(display, "file-too-demanding", TOO_BIG.format(limit=self.memory >> 20))
        if outcome == "timeout":
            return _failure(display, "file-too-slow", TOO_SLOW.format(seconds=self.seconds))
        return _failure(display, "parser-aborted", ABORTED)


_shared: Reader | None = None


def shared_reader() -> Reader:
    """The process's one worker, started on first use and stopped at exit."""
    global _shared
    if _shared is None:
        _shared = Reader()
        atexit.register(_shared.close)
    return _shared


def start_reader() -> None:
    """Start the process's worker ahead of its first read: a command that will read files
    calls this before it imports pandas and pandera, so the worker's start-up runs on the
    other core meanwhile. Inside a daemon process (the service's jobs) files are read in
    that process: nothing to start."""
    if not multiprocessing.current_process().daemon:
        shared_reader().start()


def run_isolated(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in the worker (in this process inside a daemon process, see
    read_workbooks); `Failed` when it could not complete."""
    if multiprocessing.current_process().daemon:
        try:
            return function(*args)
        except Exception as exc:  # noqa: BLE001 - reported like the worker's failures
            return Failed(f"bug:{type(exc).__name__}: {exc}")
    (result,) = shared_reader().run([(function, args)])
    return result


def read_workbooks(files: list[tuple[Path, str]]) -> Iterator[Workbook]:
    """Each file read in the isolated worker, in order. Inside a daemon process (the
    service's isolated jobs), which may not start children and has limits of its own, the
    files are read in that process."""
    if multiprocessing.current_process().daemon:
        return (read_workbook(path, display) for path, display in files)
    return shared_reader().read(files)
