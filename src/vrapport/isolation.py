"""Untrusted workbooks are opened in a worker process with memory and time limits.

python-calamine aborts the whole process (SIGABRT from a Rust panic) on some crafted files,
and a parser can be driven to allocate gigabytes or run for minutes. So everything that
reads a submission's bytes — pre-flight, the cell scan and python-calamine — runs in one
worker process (the 'spawn' context, reused across files and commands, so its start-up is
paid once per run), with an address-space limit (RLIMIT_AS). The parent gets plain data
back. An abort, a MemoryError or a timeout becomes a Norwegian finding for that file, the
worker is replaced, and the remaining files are still read.

Inside the worker, python-calamine reads a file's values in a thread while pre-flight scans
its sheets (read_overlapped); what the thread reads is used only when pre-flight accepts the
file, and any abort or exhaustion the thread could owe its part in is settled by reading that
file again in turn (read_workbook), so the findings are those of pre-flight, then calamine.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import multiprocessing
import pickle
import re
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.cellscan import NOT_FINITE, BookScan, SheetScan
from vrapport.findings import ERROR, Finding
from vrapport.preflight import DAMAGED, col_letters, inspect
from vrapport.signals import children_ignore_sigint

# Control characters in a sheet name, shown as Python writes them («\t»).
_SHOWN_CONTROLS = {c: repr(chr(c))[1:-1] for c in range(0x20)}
MEMORY_LIMIT = 1 << 30  # bytes of address space for the worker
TIME_LIMIT = 20.0  # seconds to read one file

Grid = list[list[Any]]
Call = tuple[Callable[..., Any], tuple[Any, ...]]
Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Workbook:
    """What the worker read from one file: plain data, safe to interpret in the parent."""

    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""
    sheet_names: list[str] = field(default_factory=list)
    visibility: dict[str, str] = field(default_factory=dict)  # "", "skjult", "svært skjult"
    charts: list[str] = field(default_factory=list)  # the chart sheets (no cells)
    grids: dict[str, Grid] = field(default_factory=dict)
    merged: dict[str, list[Range]] = field(default_factory=dict)
    scans: dict[str, SheetScan] = field(default_factory=dict)
    computed: bool = True  # formula results computed by a spreadsheet application
    full_precision: bool = True  # ... and stored at full precision, not as shown
    external_names: frozenset[str] = frozenset()  # defined names linking to other workbooks

    @property
    def refused(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def read_workbook(path: Path, display: str) -> Workbook:
    """Pre-flight (with the cell scan), then every sheet's values and merged ranges (in
    this process; the worker's fallback, and what the service's isolated jobs call)."""
    findings, scan = inspect(path, display)
    book = Workbook(findings=findings)
    if book.refused:
        return book
    return _with_values(book, scan, display, lambda into: _read_values(into, path), path)


def read_overlapped(path: Path, display: str) -> Workbook:
    """read_workbook's result, with python-calamine reading the values in a thread while
    pre-flight scans the sheets (calamine parses without the GIL; at ×650 the two are ~1 s
    and ~0.4 s of the order register). The thread starts only once the archive's headers,
    sizes and content types have passed, and its values are used only when the whole
    pre-flight accepts the file. When pre-flight refuses, the thread is left reading; the
    worker then ends after this result (see _serve), so nothing the thread does afterwards
    is blamed on another file; when the thread takes the worker down (an abort, memory),
    the Reader reads the file again with read_workbook (its `fallback`)."""
    ahead = _ValuesAhead(path)
    findings, scan = inspect(path, display, ready=ahead.start)
    book = Workbook(findings=findings)
    if book.refused:
        return book
    return _with_values(book, scan, display, ahead.fill, path)


def _read_values(book: Workbook, path: Path) -> None:
    """The file's checksum, its sheets (names, visibility) and each sheet's values and merged
    ranges, read by python-calamine into `book`."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    def state(visible: Any) -> str:
        if visible == SheetVisibleEnum.VeryHidden:
            return "svært skjult"
        return "skjult" if visible == SheetVisibleEnum.Hidden else ""

    # The bytes hashed are the bytes parsed (read once), and a file name that is not valid
    # UTF-8 (ø written by an old Windows share) opens: python-calamine's own open cannot.
    data = path.read_bytes()
    book.sha256 = hashlib.sha256(data).hexdigest()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    del data
    book.sheet_names = list(workbook.sheet_names)
    book.visibility = {s.name: state(s.visible) for s in workbook.sheets_metadata}
    book.charts = [s.name for s in workbook.sheets_metadata if s.typ == SheetTypeEnum.ChartSheet]
    for name in book.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        try:
            book.grids[name] = sheet.to_python(skip_empty_area=False)
        except BaseException as exc:
            if is_panic(exc) and (where := _unreadable_date(path, name, sheet)) is not None:
                raise where from None
            raise
        book.merged[name] = [
            ((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
        ]


def _not_finite(grid: Grid, scan: SheetScan) -> None:
    """Each number python-calamine read as NaN or infinite (no spreadsheet application
    stores one) becomes a special cell (NOT_FINITE) and blank in the grid, so no check or
    total ever sees it."""
    for r, row in enumerate(grid):
        # v - v is 0.0 for a finite float, NaN (true) for NaN and the infinities.
        for c in [c for c, v in enumerate(row) if type(v) is float and v - v]:
            scan.special[f"{col_letters(c + 1)}{r + 1}"] = NOT_FINITE
            row[c] = None


def _with_values(
    book: Workbook,
    scan: BookScan,
    display: str,
    read: Callable[[Workbook], None],
    path: Path | None = None,
) -> Workbook:
    """`book` (accepted by pre-flight) with its values (`read` fills them in) and its sheets'
    scans; a finding for the file instead when the value reader fails on it."""
    try:
        read(book)
        book.scans = {name: scan.sheets[name] for name in book.sheet_names if name in scan.sheets}
        unscanned = [n for n in book.sheet_names if n not in book.scans and any(book.grids[n])]
        if unscanned:
            # python-calamine found a sheet with values where pre-flight found none of that
            # name (a tab in the name, a part named in another case): its formulas, hidden
            # rows and error cells would go unseen.
            shown = unscanned[0].translate(_SHOWN_CONTROLS)
            message = (
                f"Arket «{shown}» er beskrevet ulikt i ulike deler av filen, så det kan ikke "
                "leses sikkert. Filen er skadet eller manipulert; lagre den på nytt i Excel."
            )
            return Workbook(findings=[_failure(display, "corrupt-file", message)])
        for name, sheet_scan in book.scans.items():
            _not_finite(book.grids[name], sheet_scan)
        book.computed = scan.computed
        book.full_precision = not scan.precision_as_displayed
        book.external_names = scan.external_names
    except MemoryError:
        raise
    except UnreadableDate as where:
        finding = Finding.make(
            "date-out-of-range", display, where.sheet, where.ref, shown=where.shown
        )
        return Workbook(findings=[finding])
    except Exception:  # noqa: BLE001 - a parser's failure on the file is a finding
        unreadable = _unreadable_number(path) if path is not None else None
        if unreadable is not None:
            sheet, ref, text = unreadable
            message = (
                f"Arket «{sheet}», celle {ref}: tallet er lagret som «{text[:40]}», som ikke er "
                "et tall slik Excel lagrer tall. Filen er skadet eller laget av et annet "
                "program; skriv inn tallet på nytt og lagre filen i Excel."
            )
            return Workbook(findings=[Finding(display, sheet, ref, ERROR, "corrupt-file", message)])
        return Workbook(findings=[_failure(display, "corrupt-file", DAMAGED)])
    except BaseException as exc:
        if not is_panic(exc):
            raise
        return Workbook(findings=[_failure(display, "parser-aborted", ABORTED)])
    return book


class UnreadableDate(Exception):
    """python-calamine panicked converting a number in a date-formatted cell to a date (it
    does for about ±1e11 days and beyond), and this is the cell: the one number that large
    in the row where it stopped."""

    def __init__(self, sheet: str, ref: str, shown: str) -> None:
        super().__init__(sheet, ref, shown)
        self.sheet, self.ref, self.shown = sheet, ref, shown


HUGE = 1e11  # days: python-calamine's date conversion overflows from about 1.07e11


def _unreadable_date(path: Path, name: str, sheet: Any) -> UnreadableDate | None:
    """Where on sheet `name` python-calamine's conversion panics, when that can be told: its
    row (where iterating the rows panics) holds exactly one number of HUGE or more (read
    from the sheet's XML, which pre-flight has accepted). None otherwise."""
    rows, index = sheet.iter_rows(), 0
    while True:
        try:
            next(rows)
        except StopIteration:
            return None
        except BaseException as exc:
            if not is_panic(exc):
                raise
            break
        index += 1
    try:
        huge = _huge_numbers(path, name, index + 1)  # (rows are yielded from the first)
    except Exception:  # noqa: BLE001 - not told: the file's finding stays the general one
        return None
    if len(huge) != 1:
        return None
    from vrapport.numbers import format_plain

    ((ref, value),) = huge
    return UnreadableDate(name, ref, format_plain(value))


def _huge_numbers(path: Path, name: str, row: int) -> list[tuple[str, float]]:
    """The number cells of `row` on sheet `name` holding HUGE or more (either sign)."""
    import zipfile

    from vrapport.preflight import parse_ref, sheet_members

    def huge(ref: str, text: str) -> bool:
        place = parse_ref(ref)
        if not place or place[0] != row:
            return False
        try:
            return abs(float(text)) >= HUGE
        except ValueError:
            return False

    with zipfile.ZipFile(path) as archive:
        member = {sheet: part for part, sheet in sheet_members(archive).items()}[name]
        return [(ref, float(text)) for ref, text in _number_texts(archive, member, huge)]


def _number_texts(
    archive: Any, member: str, wanted: Callable[[str, str], bool], first: bool = False
) -> list[tuple[str, str]]:
    """(cell, <v> text) of the number cells (no type, or t="n") of the sheet `member` for
    which `wanted(cell, text)`; only the first of them with `first`. Read from the XML,
    which pre-flight has accepted."""
    from vrapport.preflight import local_name, stream_parse, xml_parser

    parser = xml_parser()
    text: list[str] = []
    cell = ""  # the number cell being read
    found: list[tuple[str, str]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal cell
        local = local_name(tag)
        if local == "c":
            cell = attrs.get("r", "") if attrs.get("t", "n") == "n" else ""
        elif local == "v" and cell and not (first and found):
            text.clear()
            parser.CharacterDataHandler = text.append

    def end(tag: str) -> None:
        if local_name(tag) == "v" and cell and not (first and found):
            parser.CharacterDataHandler = None
            if wanted(cell, "".join(text)):
                found.append((cell, "".join(text)))

    parser.StartElementHandler, parser.EndElementHandler = start, end
    stream_parse(archive, member, parser)
    return found


# A number as a cell's <v> may hold it for python-calamine (Rust's f64 syntax: no spaces,
# no digit separators, no hexadecimal, digits 0–9 only).
_STORED_NUMBER = re.compile(
    r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)",
    re.IGNORECASE | re.ASCII,  # «٣٤» is no number to Rust's f64 parser
)


def _unreadable(_cell: str, text: str) -> bool:
    return not _STORED_NUMBER.fullmatch(text)


def _unreadable_number(path: Path) -> tuple[str, str, str] | None:
    """The first number cell (no type, or t="n") whose <v> python-calamine cannot read as a
    number: (sheet, cell, the text), read from the XML pre-flight has accepted; None when
    there is none or it cannot be told (the file's finding stays the general one)."""
    import zipfile

    from vrapport.preflight import sheet_members

    try:
        with zipfile.ZipFile(path) as archive:
            for member, name in sheet_members(archive).items():
                found = _number_texts(archive, member, _unreadable, first=True)
                if found:
                    return name, *found[0]
    except Exception:  # noqa: BLE001 - not told
        return None
    return None


class _ValuesAhead:
    """_read_values in a thread of its own: `start` it, then `fill` a book with what it read
    (waiting for it) or with what it raised."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values = Workbook()
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        thread = threading.Thread(target=self._run, name="vrapport_values", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had (limits): fill reads in the caller
            return
        self.thread = thread

    def _run(self) -> None:
        try:
            _read_values(self.values, self.path)
        except BaseException as exc:  # noqa: BLE001 - raised where the values are used
            self.error = exc

    def fill(self, book: Workbook) -> None:
        if self.thread is None:
            _read_values(book, self.path)
            return
        self.thread.join()
        if self.error is not None:
            raise self.error
        values = self.values
        book.sha256, book.sheet_names, book.visibility, book.charts = (
            values.sha256,
            values.sheet_names,
            values.visibility,
            values.charts,
        )
        book.grids, book.merged = values.grids, values.merged


def is_panic(exc: BaseException) -> bool:
    """A Rust panic in python-calamine that pyo3 raised as its PanicException (a
    BaseException, so `except Exception` misses it), e.g. a date cell holding -1e308
    ("TimeDelta::milliseconds out of bounds"). Unwinding from it used to end the worker
    and, on the way, delete the results it had read ahead for other files."""
    return type(exc).__name__ == "PanicException"


# The signals a process raises on itself when its own code fails: an abort (a Rust panic in
# python-calamine, a C library's assert), a bad memory access. A reader that dies of one of
# them died of the file it was reading. Any other signal (SIGKILL from the kernel's OOM
# killer or an administrator, SIGTERM, SIGHUP, SIGINT from a terminal) came from outside and
# says nothing about the file; vrapport's own caps (memory, time) are noticed and reported
# before any signal is sent.
OWN_FAULTS = frozenset(
    {
        signal.SIGABRT,
        signal.SIGSEGV,
        signal.SIGBUS,
        signal.SIGILL,
        signal.SIGFPE,
        signal.SIGSYS,
        signal.SIGTRAP,
    }
)


def stopped_from_outside(exitcode: int | None) -> int | None:
    """The signal that ended a child process from outside, from its exit code as
    multiprocessing gives it (-N: ended by signal N); None when it died of its own doing (one
    of OWN_FAULTS, or an exit code)."""
    if exitcode is None or exitcode >= 0 or -exitcode in OWN_FAULTS:
        return None
    return -exitcode


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


def _serve(conn: Any, memory: int, results: str, ahead: int) -> None:
    """The worker's loop: receive lists of calls (function, arguments); for each call in
    turn, pickle its result into the folder `results` (numbered from 0 across lists, see
    _deliver), then announce it. So the worker reads on while the parent is busy elsewhere
    (importing, validating the previous file), up to `ahead` bytes of results the parent
    has not taken; and when a file kills the worker, every result before it has reached
    the parent (written and announced before the next call begins). A call that leaves a
    thread running (read_overlapped's python-calamine, still reading a file pre-flight
    refused) ends the worker once its result is announced as the last: a thread cannot be
    stopped, and whatever it does next must not be blamed on the next file."""
    import os
    import resource
    import shutil
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it stops the worker
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the parent removes `results`
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if not os.environ.get("VRAPPORT_DEBUG"):  # a parser's panic message is not for users
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    parent = os.getppid()
    conn.send(None)  # ready: what ends this process from now on is owed to a file
    number = 0
    while True:
        try:
            batch = conn.recv()
        except EOFError:  # the parent is done (or gone): nobody will take what is left
            shutil.rmtree(results, ignore_errors=True)
            os._exit(0)  # nothing to flush or finalise; the parent may be waiting for this
        for function, args in batch:
            while _untaken(results) > ahead:  # the parent takes them and deletes the files
                if os.getppid() != parent:
                    shutil.rmtree(results, ignore_errors=True)
                    return
                time.sleep(0.01)
            try:
                result: Any = function(*args)
            except MemoryError:
                result = Failed("memory")
            except Exception as exc:  # noqa: BLE001 - a bug in vrapport, reported for the file
                result = Failed(f"bug:{type(exc).__name__}: {exc}")
            except BaseException as exc:
                if not is_panic(exc):
                    raise  # the worker ends; what it announced stays for the parent to take
                result = Failed("panic")  # this file's finding; the worker reads on
            last = threading.active_count() > 1
            _deliver(conn, results, number, result, last)
            if last:
                os._exit(0)  # the parent takes the results, removes them and starts anew
            del result  # not held while the next file is read
            number += 1


def _deliver(conn: Any, results: str, number: int, result: Any, last: bool) -> None:
    """Announce result `number` to the parent: (number, last, True) once it is pickled into
    `<results>/<number>.pickle`, or (number, last, False, result) through the pipe when the
    file cannot be written (a full disk); `last`: the worker ends after it. A result too
    big to pickle is Failed("memory")."""
    import os

    path = os.path.join(results, f"{number}.pickle")
    try:
        try:
            _dump(result, path)
        except MemoryError:
            result = Failed("memory")
            _dump(result, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(path)
        conn.send((number, last, False, result))
        return
    conn.send((number, last, True))


def _dump(result: Any, path: str) -> None:
    """Pickle `result` into `path` without the memo: a result is plain data without shared or
    circular references (python-calamine makes a new object for every cell), so the memo's
    bookkeeping for each of them is work for nothing; without it the order register's
    result at ×650 (11 MB) is written in half the time (0.19 → 0.09 s). (`fast` is the
    pickler's documented switch for this.) Should a result ever hold a cycle, the fast
    pickler refuses it (ValueError); it is then written with the memo."""
    with open(path, "wb") as handle:
        pickler = pickle.Pickler(handle, pickle.HIGHEST_PROTOCOL)
        pickler.fast = True
        try:
            pickler.dump(result)
            return
        except (RecursionError, ValueError):
            pass
    with open(path, "wb") as handle:
        pickle.dump(result, handle, pickle.HIGHEST_PROTOCOL)


AHEAD = 64 << 20  # bytes of results the worker may have written that the parent has not taken


def _untaken(folder: str) -> int:
    import os

    try:
        with os.scandir(folder) as entries:
            return sum(e.stat().st_size for e in entries)
    except OSError:  # gone: nothing waits there
        return 0


@contextlib.contextmanager
def _without_callers_main() -> Iterator[None]:
    """Around starting the worker: 'spawn' runs the caller's main script again in the child
    (as `__mp_main__`), and a script without an `if __name__ == "__main__":` guard (the
    README's library example) then calls vrapport there, which ends the worker before it is
    ready. The worker runs only vrapport's own functions, so it is started without it."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


class ReaderUnavailable(RuntimeError):
    """The worker process could not be started (or ended before it said it was ready): no
    file was read, and none is to blame. The message is Norwegian, for the user."""


NOT_STARTED = (
    "vrapport fikk ikke startet prosessen som leser filene ({why}); ingen fil er lest. "
    "Kjør med VRAPPORT_DEBUG=1 for detaljer."
)
STOPPED = (
    "Prosessen som leser filene ble stoppet utenfra to ganger på rad ({why}, av "
    "operativsystemet ved minnemangel eller av en administrator), mens den leste «{display}»; "
    "det skyldes ikke filen. Kjør kommandoen på nytt."
)
# The worker's own exit when it is sent SIGTERM (see _serve): vrapport sends it only to a
# worker it is stopping (_stop), and reads no outcome from that worker after.
TERMINATED = 143


@dataclass(frozen=True)
class Failed:
    """A call the worker could not complete: "died", "timeout", "memory", "panic" (a parser
    panic it survived), "bug:…", or "stopped:N": the worker was ended from outside by
    signal N (see stopped_from_outside; N is 15 for its own exit on SIGTERM), which says
    nothing about the file."""

    outcome: str


def _stopped(outcome: Any) -> bool:
    """Whether `outcome` is a worker ended from outside (Failed("stopped:N"))."""
    return isinstance(outcome, Failed) and outcome.outcome.startswith("stopped:")


class Reader:
    """Reads files in the worker process; `read` returns them in the order submitted."""

    def __init__(
        self,
        memory: int = MEMORY_LIMIT,
        seconds: float = TIME_LIMIT,
        target: Callable[[Path, str], Workbook] | None = None,
        ahead: int = AHEAD,
        fallback: Callable[[Path, str], Workbook] | None = None,
    ) -> None:
        """`target` reads one file in the worker (a module-level function; read_overlapped,
        with read_workbook as its `fallback`, unless given); a file the target read killed
        or exhausted the worker on is read again by `fallback`, alone in a new worker.
        `ahead`: bytes of results the worker may hold that the caller has not taken."""
        if target is None:
            target, fallback = read_overlapped, read_workbook
        self.memory, self.seconds, self.target, self.ahead = memory, seconds, target, ahead
        self.fallback = fallback
        self._process: Any = None
        self._conn: Any = None
        self._results: Path | None = None  # the worker's folder of results
        self._sent: deque[Call] = deque()  # sent to the worker, result not yet received
        self._received = 0  # results received from this worker
        self._last = False  # the worker said its last result has been received: it ends
        self._ready = False  # the worker said it has started (see _receive)

    def _start(self) -> None:
        import tempfile

        context = multiprocessing.get_context("spawn")
        conn, child = context.Pipe()
        self._results = Path(tempfile.mkdtemp(prefix="vrapport-reader-"))
        process = context.Process(
            target=_serve,
            args=(child, self.memory, str(self._results), self.ahead),
            daemon=True,
            name="vrapport_reader",
        )
        try:
            with children_ignore_sigint(), _without_callers_main():
                process.start()
        finally:
            child.close()
        self._conn, self._process = conn, process
        self._sent.clear()
        self._received = 0
        self._last = False
        self._ready = False

    def _stop(self) -> None:
        if self._process is not None:
            self._process.terminate()  # SIGTERM: the worker removes its temporary files
            self._process.join(1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._conn.close()
        self._process = self._conn = None
        self._sent.clear()
        self._remove_results()

    def close(self) -> None:
        if self._sent:  # busy with files nobody will take now
            self._stop()
        if self._process is not None:
            self._conn.close()
            self._process.join(timeout=2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._conn = None
        self._sent.clear()
        self._remove_results()

    def _remove_results(self) -> None:
        if self._results is not None:
            import shutil

            shutil.rmtree(self._results, ignore_errors=True)
            self._results = None

    def _calls(self, files: list[tuple[Path, str]]) -> list[Call]:
        return [(self.target, (path, display)) for path, display in files]

    def prefetch(self, files: list[tuple[Path, str]]) -> None:
        """Have the worker start reading these files now, while the caller does other work
        (a command's imports); a later `read` of the same files in the same order, in one
        call or several, takes the results. A `read` of anything else first stops the
        worker (the results are then lost, never mixed up). Nothing when files are on their
        way already."""
        if files and not self._sent:
            self._send(self._calls(files))

    def read(self, files: list[tuple[Path, str]]) -> Iterator[Workbook]:
        """One Workbook per (path, display), in order, each as soon as the worker has it (so
        the caller checks one file while the worker reads the next). A file that kills,
        exhausts or stalls the worker gets a finding; a new worker reads the files after it."""
        for (_path, display), result in zip(files, self.run(self._calls(files)), strict=True):
            if isinstance(result, Failed):
                yield Workbook(findings=[self._explain(result.outcome, display)])
            else:
                yield result

    def run(self, calls: list[Call]) -> Iterator[Any]:
        """The result of each call (a module-level function and its arguments) made in the
        worker, in order; `Failed` for one that killed, exhausted or stalled it, or raised.
        Calls on their way already (`prefetch`) are not made again."""
        done = 0
        try:
            while done < len(calls):
                if self._sent and self._sent[0] != calls[done]:
                    self._stop()  # on its way, but not what is asked for now
                if not self._sent:  # only then: the worker is not sending while we do
                    self._send(calls[done:])
                outcome = self._receive()
                function, args = calls[done]
                fallback = self._again(function, outcome)
                if fallback is not None:
                    self._stop()  # (the calls after it are sent again below)
                    self._send([(fallback, args)])
                    outcome = self._receive()
                if _stopped(outcome):  # twice in a row: no file to blame, nothing to go on
                    raise self._stopped_twice(outcome, args)
                done += 1
                yield outcome
                if self._last or (
                    isinstance(outcome, Failed) and outcome.outcome in ("died", "timeout")
                ):
                    self._stop()  # the calls after it go to a new worker
        finally:
            if done < len(calls):  # abandoned half-way: the worker is still busy with the rest
                self._stop()

    def _again(self, function: Callable[..., Any], outcome: Any) -> Callable[..., Any] | None:
        """The fallback, when `outcome` is one the target may owe to reading ahead in a
        thread (the worker killed or out of memory): the file is then read again by it."""
        if (
            function is self.target
            and isinstance(outcome, Failed)
            and outcome.outcome in ("died", "memory")
        ):
            return self.fallback
        if _stopped(outcome):  # not the file's doing: read again in a new worker, once
            return self.fallback if function is self.target and self.fallback else function
        return None

    def _stopped_twice(self, outcome: Failed, args: tuple[Any, ...]) -> ReaderUnavailable:
        signum = int(outcome.outcome.removeprefix("stopped:"))
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = str(signum)
        display = args[1] if len(args) > 1 and isinstance(args[1], str) else "filene"
        self._stop()
        return ReaderUnavailable(STOPPED.format(why=f"signal {name}", display=display))

    def _send(self, calls: list[Call]) -> None:
        if self._last:  # (it may not have ended yet)
            self._stop()
        if self._process is None or not self._process.is_alive():
            self._start()
        try:
            self._conn.send(calls)
        except OSError:  # its end of the pipe closed: it ended before it took a call
            raise self._unavailable() from None
        self._sent.extend(calls)

    def _unavailable(self) -> ReaderUnavailable:
        """The worker ended (or hung) before it was ready: stopped, and why, for the user."""
        self._process.join(1)
        code = self._process.exitcode
        self._stop()
        if code is None:
            why = f"den svarte ikke innen {self.seconds:g} sekunder"
        elif code < 0:
            why = f"den ble stoppet av signal {-code}"
        else:
            why = f"den avsluttet med kode {code}"
        return ReaderUnavailable(NOT_STARTED.format(why=why))

    def _receive(self) -> Any:
        """The result of the first call on its way: `Failed` when the worker dies or takes
        longer than `seconds` from now. ReaderUnavailable when it does so before it said it
        was ready (a worker that cannot start: no file is to blame)."""
        deadline = time.monotonic() + self.seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return self._failed("timeout")
            try:
                if self._conn.poll(min(left, 0.5)):
                    message = self._conn.recv()
                    if message is None:
                        self._ready = True
                        continue
                    number, self._last, in_file, *inline = message
                    assert number == self._received and self._results is not None
                    if in_file:
                        path = self._results / f"{number}.pickle"
                        result = pickle.loads(path.read_bytes())
                        path.unlink()
                    else:
                        (result,) = inline
                    self._received += 1
                    self._sent.popleft()
                    return result
            except (EOFError, OSError, pickle.UnpicklingError):
                return self._failed("died")
            if not self._process.is_alive() and not self._conn.poll(0):
                return self._failed("died")

    def _failed(self, outcome: str) -> Failed:
        if not self._ready:
            raise self._unavailable()
        if outcome == "died":
            # A worker ended by a signal vrapport did not send (the OOM killer, kill, its
            # own exit on a SIGTERM from outside) died of nothing in the file.
            self._process.join(1)
            code = self._process.exitcode
            signum = signal.SIGTERM if code == TERMINATED else stopped_from_outside(code)
            if signum is not None:
                return Failed(f"stopped:{int(signum)}")
        return Failed(outcome)

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


def prefetch(files: list[tuple[Path, str]]) -> None:
    """Start reading these files in the process's worker (see Reader.prefetch): a command
    calls this with the files it will read, in order, before it imports pandas and pandera.
    Nothing inside a daemon process (read_workbooks reads there, when asked)."""
    if not multiprocessing.current_process().daemon:
        shared_reader().prefetch(files)


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
