"""The service's one adapter to the library: checking an upload, making a department's
template, building the report. The service calls the library only through here, so it runs the
same code paths as the CLI (`check`, `templates --from`, `build`).

Every job runs in a child process forked from a warmed fork server, with a memory limit and a
timeout: a workbook that aborts or exhausts a parser kills only that child, and the department
gets a finding instead of the service going down.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import resource
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.cellscan import FORMULA_WITHOUT_VALUE, NOT_FINITE
from vrapport.findings import ERROR, Finding
from vrapport.isolation import stopped_from_outside

TEMPLATE_SUFFIX = ".xlsx"
MAX_CHANGES = 2000
# What the table of changed cells shows for a cell with no value the checks can use (an error
# value is shown as Excel shows it).
SPECIAL_SHOWN = {
    FORMULA_WITHOUT_VALUE: "(formel uten lagret verdi)",
    NOT_FINITE: "(ugyldig tall: NaN eller uendelig)",
}
_PRELOAD = ["vrapport.service.engine", "vrapport.api", "vrapport.pipeline", "vrapport.service.warm"]


@dataclass(frozen=True)
class Limits:
    """What one isolated job may use."""

    timeout: float = 120.0
    memory_bytes: int = 2 * 1024**3
    workers: int = max(1, os.cpu_count() or 1)


DIED, TIMEOUT, MEMORY, RAISED, KILLED = "died", "timeout", "memory", "raised", "killed"


class JobFailed(RuntimeError):
    """The child process died of its own doing (`DIED`: an abort, a crash), ran out of time
    or memory, raised, or was stopped by a signal from outside (`KILLED`: the OOM killer, an
    administrator; not the job's input's fault); `reason` is for the log."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass
class CheckResult:
    findings: list[dict[str, Any]]
    changes: list[dict[str, Any]] = field(default_factory=list)
    feedback: Path | None = None
    readable: bool = False  # read as the template it was uploaded as
    compared: bool = False  # `changes` is against the previous version given

    @property
    def errors(self) -> int:
        return sum(f["severity"] == ERROR for f in self.findings)


# -- isolation ----------------------------------------------------------------------------

_context: Any = None
_context_lock = threading.Lock()


def _fork_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            # The fork server imports the preloaded modules before it applies the parent's
            # sys.path (Python 3.11), so it is told on PYTHONPATH where this vrapport lives:
            # the children run exactly the code the server runs.
            import vrapport

            here = str(Path(vrapport.__file__).resolve().parents[1])
            paths = [here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
            os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
        return _context


def _child(conn: Any, memory: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send((MEMORY, "the memory limit was reached"))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            conn.send((RAISED, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
        finally:
            conn.close()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent has gone (stopped, e.g. during the warm-up): nobody to tell


_HELD = (signal.SIGTERM, signal.SIGINT)


def _start(child: Any) -> None:
    """Start `child`, SIGTERM and SIGINT held until the fork server has its job: `kill` while
    the job is being handed over (during the warm-up) would leave the new child reading half
    of it and printing a traceback. Held by Python handlers that note the signal and raise it
    again afterwards (a signal mask would not do: the kernel gives a process's signal to any
    thread that does not block it, such as a numeric library's). Python runs handlers in the
    main thread only, so a job started from another thread is never interrupted."""
    if threading.current_thread() is not threading.main_thread():
        child.start()
        return
    caught: list[int] = []
    previous = {signum: signal.signal(signum, lambda n, _: caught.append(n)) for signum in _HELD}
    try:
        child.start()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])


class Isolated:
    """Runs jobs in child processes, at most `limits.workers` at a time."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._slots = threading.BoundedSemaphore(self.limits.workers)

    def warm(self) -> None:
        """Start the fork server now (it imports and loads the specs once), so that the first
        upload does not wait for it."""
        self.run(os.getpid)

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        context = _fork_context()
        wait = self.limits.timeout if timeout is None else timeout
        with self._slots:
            receive, send = context.Pipe(duplex=False)
            child = context.Process(
                target=_child, args=(send, self.limits.memory_bytes, fn, args), daemon=True
            )
            _start(child)
            send.close()
            try:
                if not receive.poll(wait):
                    raise JobFailed(TIMEOUT, f"stopped after {wait:g} s")
                try:
                    kind, value = receive.recv()
                except EOFError:
                    child.join(5)
                    outside = stopped_from_outside(child.exitcode)
                    if outside is not None:
                        raise JobFailed(
                            KILLED, f"the child was stopped from outside by signal {outside}"
                        ) from None
                    raise JobFailed(DIED, f"the child exited with {child.exitcode}") from None
            finally:
                receive.close()
                if child.is_alive():
                    child.kill()
                child.join(5)
        if kind != "ok":
            raise JobFailed(kind, str(value))
        return value


# -- the jobs (run in the child) ----------------------------------------------------------


@functools.cache
def _specs(schemas: Path | None) -> Any:
    """The specs, loaded once per process (the fork server loads the bundled ones)."""
    from vrapport.spec import load_specs

    return load_specs(schemas)


def _stage(folder: Path, template: str, blob: Path) -> Path:
    """The stored file under its template's name (a link), so findings and Kilder name
    `okonomi.xlsx` while the file itself stays where it is, unmodified."""
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / f"{template}{TEMPLATE_SUFFIX}"
    link.symlink_to(blob.resolve())  # a relative target would be read from the link's folder
    return link


def _cells(path: Path) -> dict[tuple[str, str], Any] | None:
    """Every non-empty cell of every sheet but _meta, read as the checks read a workbook
    (vrapport.isolation.read_workbook, pre-flight first); None when the file is refused."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    from vrapport.isolation import read_workbook
    from vrapport.layout import META_SHEET

    book = read_workbook(path, path.name)
    if book.refused:
        return None
    cells = {
        (name, xl_rowcol_to_cell(r, c)): value
        for name, grid in book.grids.items()
        if name != META_SHEET
        for r, row in enumerate(grid)
        for c, value in enumerate(row)
        if value not in ("", None)
    }
    # A cell the checks cannot take a value from (an error value, a formula without a stored
    # result, NaN) is blank in the grid; the table shows what it holds instead.
    for name, scan in book.scans.items():
        if name != META_SHEET:
            for cell, held in scan.special.items():
                cells[name, cell] = SPECIAL_SHOWN.get(held, held)
    return cells


def _shown(value: Any) -> str:
    from vrapport.validation import shown_value

    return "" if value is None else shown_value(value)


def changed_cells(old: Path, new: Path) -> list[dict[str, Any]]:
    """The cells whose value differs between two versions of one workbook."""
    before, after = _cells(old), _cells(new)
    if before is None or after is None:
        return []
    changes = []
    for sheet, cell in sorted(before.keys() | after.keys(), key=_reading_order):
        was, now = before.get((sheet, cell)), after.get((sheet, cell))
        if was != now:
            changes.append(
                {"sheet": sheet, "cell": cell, "before": _shown(was), "after": _shown(now)}
            )
            if len(changes) >= MAX_CHANGES:
                break
    return changes


def _reading_order(key: tuple[str, str]) -> tuple[str, int, int]:
    from xlsxwriter.utility import xl_cell_to_rowcol

    row, col = xl_cell_to_rowcol(key[1])
    return key[0], row, col


def check_job(
    blob: Path,
    template: str,
    period: str,
    previous: Path | None,
    schemas: Path | None,
    out: Path,
) -> CheckResult:
    """Check one upload as `vrapport check --period P --feedback` does (vrapport.check); a
    file of another template is an error. Writes the feedback copy into `out`. The changed
    cells are against `previous` (the last readable version), if this file is readable too."""
    from vrapport import check
    from vrapport.layout import META_SHEET, meta_cell

    with tempfile.TemporaryDirectory(dir=out) as folder:
        link = _stage(Path(folder) / "inn", template, blob)
        report = check([link], period, specs=_specs(schemas))
        (sub,) = report.submissions
        if sub.template is not None and sub.template_id != template:
            wrong = Finding(
                sub.display,
                META_SHEET,
                meta_cell("template_id"),
                ERROR,
                "wrong-template",
                f"Filen er laget fra malen «{sub.template_id}», men er lastet opp som "
                f"«{template}». Bruk malen for din avdeling.",
            )
            sub.findings.insert(0, wrong)
            report.findings.insert(0, wrong)
        elif sub.template is None and not any(f.severity == ERROR for f in sub.findings):
            # Read as no template at all without an error (a report vrapport wrote is
            # skipped with a warning in a folder): in the template's place it is an error,
            # or it could be approved and leave the chapter out of the report.
            not_one = Finding(
                sub.display,
                "",
                "",
                ERROR,
                "wrong-template",
                f"Filen er ikke en utfylt mal for «{template}» (se merknaden under). Last opp "
                "den utfylte malen for din avdeling.",
            )
            sub.findings.insert(0, not_one)
            report.findings.insert(0, not_one)
        written = report.write_feedback(out)
        readable = sub.template is not None and sub.template_id == template
        compared = readable and previous is not None
        changes = changed_cells(previous, blob) if compared and previous is not None else []
    feedback = written[0] if written else None
    findings = [f.to_dict() for f in report.findings]
    return CheckResult(findings, changes, feedback, readable, compared)


def template_job(
    template: str, period: str, previous: Path | None, schemas: Path | None, out: Path
) -> Path:
    """The department's template for `period`, pre-filled from last period's approved
    submission, as `vrapport templates P --only T --from …` makes it (vrapport.make_templates)."""
    from vrapport import make_templates

    with tempfile.TemporaryDirectory(dir=out) as folder:
        source = [_stage(Path(folder) / "forrige", template, previous).parent] if previous else None
        outcome = make_templates(
            period, out, only=[template], previous=source, overwrite=True, specs=_specs(schemas)
        )
    if outcome.blocked or not outcome.written:
        reasons = "; ".join(f.message for f in outcome.findings)
        raise JobFailed(RAISED, f"the template could not be made: {reasons}")
    return outcome.written[0].path


@dataclass
class BuildResult:
    findings: list[dict[str, Any]]
    xlsx: Path | None = None
    pdf: Path | None = None
    missing: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # template -> SHA-256 used


def build_job(
    sources: dict[str, Path],
    previous: dict[str, Path],
    period: str,
    schemas: Path | None,
    out: Path,
    pdf: bool,
    absent: dict[str, str] | None = None,
) -> BuildResult:
    """Build the report from the given versions, as `vrapport build` does (vrapport.build);
    `absent`: the templates left out of a partial report, with why."""
    from vrapport import build
    from vrapport.pdf import soffice

    with tempfile.TemporaryDirectory(dir=out) as folder:
        inputs = Path(folder) / "inn"
        inputs.mkdir()
        for template, blob in sources.items():
            _stage(inputs, template, blob)
        earlier = Path(folder) / "forrige"
        for template, blob in previous.items():
            _stage(earlier, template, blob)
        target = out / f"Virksomhetsrapport_{period}{TEMPLATE_SUFFIX}"
        outcome = build(
            [inputs],
            period,
            target,
            previous=[earlier] if previous else None,
            pdf=pdf and soffice() is not None,
            specs=_specs(schemas),
            absent=absent,
        )
    result = BuildResult([f.to_dict() for f in outcome.findings], missing=outcome.missing)
    if outcome.blocked or outcome.path is None:
        return result
    result.xlsx, result.pdf = outcome.path, outcome.pdf
    result.sources = {s.template_id: s.sha256 for s in outcome.submissions}
    if outcome.pdf_error:
        result.findings.append(
            Finding("", "", "", "warning", "pdf-failed", outcome.pdf_error).to_dict()
        )
    return result


def failed_check(failure: JobFailed, limits: Limits, display: str) -> CheckResult:
    """The finding a department gets when the check of its file had to be stopped: the
    library's own findings for a reader that aborted, ran out of memory or of time. (A
    check stopped from outside, `KILLED`, is no finding: see Service.record_upload.)"""
    from vrapport.isolation import ABORTED, TOO_BIG, TOO_SLOW

    if failure.kind == DIED:
        finding = Finding(display, "", "", ERROR, "parser-aborted", ABORTED)
    elif failure.kind == MEMORY:
        message = TOO_BIG.format(limit=limits.memory_bytes >> 20)
        finding = Finding(display, "", "", ERROR, "file-too-demanding", message)
    elif failure.kind == TIMEOUT:
        message = TOO_SLOW.format(seconds=limits.timeout)
        finding = Finding(display, "", "", ERROR, "file-too-slow", message)
    else:
        finding = Finding(
            display,
            "",
            "",
            ERROR,
            "check-aborted",
            "Filen kunne ikke kontrolleres ferdig (feil i vrapport, ikke nødvendigvis i filen). "
            "Last den opp igjen; kontakt controller om det gjentar seg.",
        )
    return CheckResult([finding.to_dict()])
