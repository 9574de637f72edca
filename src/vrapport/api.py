"""The library API: `check`, `make_templates` and `build`, importable from `vrapport`.

What the CLI does, as functions that return objects and never print or exit, so that other
programs (the collection service, scripts, tests) can use vrapport without the command line:

    from vrapport import check, make_templates, build
    report = check([Path("innsendt/2024-03")], "2024-03")
    report.valid, report.counts, report.findings, report.to_json()

A request that cannot be carried out (a path that does not exist, an unknown template, a
file in the way) raises `UsageError` with a Norwegian message for the user; the specs raise
`SpecError`, a period `PeriodError`. Problems in the submitted files are never exceptions:
they are findings in the result.

Heavy libraries are imported inside the functions: `make_templates` without `previous`
imports neither pandas nor pandera.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vrapport.findings import ERROR, WARNING, Finding, capped
from vrapport.period import Period
from vrapport.spec import Specs, load_specs

if TYPE_CHECKING:
    from vrapport.history import Restatement
    from vrapport.pipeline import BuildOutcome
    from vrapport.reader import Submission


class UsageError(Exception):
    """A request vrapport cannot carry out; the message says why, in Norwegian."""


def _nothing_to_read(paths: Sequence[Path]) -> UsageError:
    """No spreadsheet among `paths` (an empty folder, one of PDFs): the wrong folder."""
    from vrapport.files import skipped_files

    skipped = [f.file for f in skipped_files(paths)]
    return UsageError(
        "fant ingen regneark å kontrollere i "
        + ", ".join(str(p) for p in paths)
        + (f" (ikke regneark: {', '.join(skipped)})" if skipped else "")
    )


def _period(period: Period | str | None) -> Period | None:
    if period is None or isinstance(period, Period):
        return period
    return Period.parse(period)


def _specs(specs: Specs | Path | None) -> Specs:
    return specs if isinstance(specs, Specs) else load_specs(specs)


@contextmanager
def _heavy_imports() -> Iterator[None]:
    """Around a command's first import of pandas, pandera and the rest (and the specs'
    contract check, which imports every check and chapter module): Python's cyclic garbage
    collector paused, then everything made so far moved out of its reach (gc.freeze). Those
    hundreds of thousands of objects live as long as the process; the collections their
    allocation triggers walk them all to find next to nothing (three collections, 60-80 ms
    of the 0.9 s example build). Only in a process that has not imported pandera yet, and
    where the collector runs: a long-running caller (the service) freezes once, what it
    made before its first command, never its later work."""
    if "pandera" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _must_exist(paths: Iterable[Path]) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError("finnes ikke: " + ", ".join(str(p) for p in missing))


def _errors(findings: Iterable[Finding]) -> int:
    return sum(f.severity == ERROR for f in findings)


def _warnings(findings: Iterable[Finding]) -> int:
    return sum(f.severity == WARNING for f in findings)


# --- check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """One checked file: its name in findings, its template, its hash, what was found."""

    file: str
    path: Path
    template: str
    sha256: str
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "template": self.template,
            "sha256": self.sha256,
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass
class CheckReport:
    """What `check` found: the files (read and validated) and every finding, the cross-file
    ones included. `valid` when no finding is an error (warnings allowed)."""

    submissions: list[Submission]
    findings: list[Finding]
    period: Period | None = None
    # With `previous`: the figures of closed months that changed since last period.
    restatements: list[Restatement] = field(default_factory=list)
    # When a folder was checked: the templates (id -> title) no file was found for.
    absent: dict[str, str] = field(default_factory=dict)

    @property
    def files(self) -> list[FileResult]:
        return [
            FileResult(
                s.display,
                s.path,
                s.template_id,
                s.sha256,
                _errors(s.findings),
                _warnings(s.findings),
            )
            for s in self.submissions
        ]

    # With `previous`: how many of last period's files were read (their findings are in
    # `findings`, the file named «forrige periode: …», and counted apart).
    previous_files: int = 0

    @property
    def counts(self) -> dict[str, Any]:
        """Files and findings of the files checked; last period's apart, under "previous"."""
        from vrapport.files import PREVIOUS_PREFIX

        earlier = [f for f in self.findings if f.file.startswith(PREVIOUS_PREFIX)]
        these = [f for f in self.findings if not f.file.startswith(PREVIOUS_PREFIX)]
        counts: dict[str, Any] = {
            "files": len(self.submissions),
            "errors": _errors(these),
            "warnings": _warnings(these),
        }
        if self.previous_files:
            counts["previous"] = {
                "files": self.previous_files,
                "errors": _errors(earlier),
                "warnings": _warnings(earlier),
            }
        return counts

    @property
    def valid(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        from vrapport.files import PREVIOUS_PREFIX

        return {
            "period": str(self.period) if self.period else None,
            "valid": self.valid,
            "counts": self.counts,
            "files": [f.to_dict() for f in self.files],
            # Every finding up to a bound per code and sheet (a sheet filled down to row
            # 20 000 fails 120 000 times); the rest are counted in one "more-findings".
            # `previous`: a finding in one of last period's files (--previous).
            "findings": [
                f.to_dict() | {"previous": f.file.startswith(PREVIOUS_PREFIX)}
                for f in capped(self.findings, JSON_PER_CODE)
            ],
            "restatements": [r.to_dict() for r in self.restatements],
            "absent": dict(self.absent),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def write_feedback(self, folder: Path) -> list[Path]:
        """A copy of each file with its findings marked, into `folder` (not an input
        folder); the paths written. Raises UsageError when the folder cannot be written."""
        from vrapport.feedback import write_feedback
        from vrapport.outputs import cannot_write_into

        refuse_feedback_into_inputs([s.path for s in self.submissions], folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            taken: set[str] = set()
            return [
                p for s in self.submissions if (p := write_feedback(s, folder, taken)) is not None
            ]
        except OSError as exc:
            raise UsageError(cannot_write_into(folder, exc, "tilbakemeldinger")) from None


JSON_PER_CODE = 1000  # findings of one code per sheet in the JSON form


def _folders(paths: Iterable[Path]) -> set[Path]:
    """The folders `paths` name: a folder itself, a file's folder."""
    return {p.resolve() if p.is_dir() else p.resolve().parent for p in map(Path, paths)}


def refuse_feedback_into_inputs(paths: Iterable[Path], folder: Path) -> None:
    """Feedback copies never go into a folder of submissions (the next check would read
    them as submissions): raises UsageError. Callable before the check itself."""
    if Path(folder).resolve() in _folders(paths):
        raise UsageError("--feedback må være en annen mappe enn innsendingene")


def check(
    paths: Sequence[Path],
    period: Period | str | None = None,
    *,
    specs: Specs | Path | None = None,
    previous: Sequence[Path] | None = None,
) -> CheckReport:
    """Read and validate the files and folders in `paths` (a folder one level deep), with
    the checks between files: one submission per template, and, when no `period` says which,
    one period for all. `specs`: loaded specs or a folder of them (default: the bundled).
    `previous`: last period's submissions; every figure of a closed month that differs from
    them is a finding at its cell and listed in `restatements` (as `build --previous`)."""
    from vrapport.files import collect_files, open_files, skipped_files

    paths = [Path(p) for p in paths]
    earlier_paths = [Path(p) for p in previous or []]
    _must_exist([*paths, *earlier_paths])
    the_period = _period(period)
    files = collect_files(paths)
    _refuse_previous_among_inputs(files, earlier_paths)
    _prefetch(files, earlier_paths)  # the worker reads while the imports below run
    with _heavy_imports():
        from vrapport.history import restatements, unexplained_restatements
        from vrapport.validation import (
            NotEarlier,
            check_duplicates,
            check_files,
            check_periods,
            check_previous,
        )

        loaded = _specs(specs)
    if not files:
        raise _nothing_to_read(paths)
    submissions = check_files(files, loaded, the_period)
    findings = [f for sub in submissions for f in sub.findings] + check_duplicates(submissions)
    findings += skipped_files(paths) + open_files(files)
    if the_period is None:
        findings += check_periods(submissions)
    restated, previous_files = [], 0
    if earlier_paths:
        stamped = {s.meta.get("period", "") for s in submissions if s.template is not None}
        against = the_period or (_period(stamped.pop()) if len(stamped) == 1 else None)
        if against is None:
            raise UsageError("--previous krever --period når filene ikke har én felles periode")
        try:
            earlier = check_previous(earlier_paths, loaded, against)
        except NotEarlier as exc:
            raise UsageError(str(exc)) from None
        previous_files = len(earlier)
        findings += [f for sub in earlier for f in sub.findings] + check_duplicates(earlier)
        restated = restatements(submissions, earlier)
        by_file = {s.display: s for s in submissions}
        for finding in [
            *(item.finding() for item in restated),
            *unexplained_restatements(restated, submissions, loaded),
        ]:
            by_file[finding.file].findings.append(finding)  # marked in the feedback copy too
            findings.append(finding)
    absent: dict[str, str] = {}
    if any(p.is_dir() for p in paths):  # (a department checks only its own file)
        found = {s.template_id for s in submissions}
        absent = {t.id: t.title for t in loaded.templates.values() if t.id not in found}
    return CheckReport(submissions, findings, the_period, restated, absent, previous_files)


# --- templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenTemplate:
    template: str
    path: Path
    prefilled_from: str = ""  # the previous submission it was pre-filled from, if any
    prefilled_period: str = ""  # the period stamped in that submission
    note: str = ""  # a warning for the user about this template (Norwegian)


@dataclass
class TemplatesOutcome:
    """What `make_templates` wrote. When last period's files (`previous`) have errors in
    the files the wanted templates are filled from, nothing is written: `blocked`, with
    those `findings`. Otherwise `findings` holds the warnings of the files the templates
    were filled from (a value at the wrong scale is carried as it stands: say so)."""

    written: list[WrittenTemplate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def make_templates(
    period: Period | str | None,
    out: Path,
    *,
    only: Sequence[str] | None = None,
    previous: Sequence[Path] | None = None,
    overwrite: bool = False,
    specs: Specs | Path | None = None,
) -> TemplatesOutcome:
    """Write one template per department into `out` (`only`: these template ids). `period`
    None writes period-neutral templates. `previous`: last period's submissions, to pre-fill
    from (see README, `templates --from`). Existing files are replaced only with
    `overwrite`; nothing is written when one is in the way."""
    from vrapport.outputs import cannot_write
    from vrapport.templates import FIXED_DATE, template_filename, write_template

    out = Path(out)
    previous = [Path(p) for p in previous or []]
    the_period = _period(period)
    if previous and the_period is None:
        raise UsageError("--from kan ikke brukes med --blank (maler uten periode)")
    _must_exist(previous)
    if previous and out.resolve() in _folders(previous):
        raise UsageError(
            f"{out} er mappen med forrige periodes innsendinger (--from); skriv malene til "
            "en annen mappe, så de ikke blandes med innsendingene"
        )
    loaded = _specs(specs)
    wanted = list(only or sorted(loaded.templates))
    unknown = [t for t in wanted if t not in loaded.templates]
    if unknown:
        known = ", ".join(sorted(loaded.templates))
        raise UsageError(f"ukjent mal {', '.join(unknown)}; kjente: {known}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} finnes og er ikke en mappe")
    targets = [out / template_filename(loaded.template(t), the_period) for t in wanted]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        names = ", ".join(str(t) for t in existing)
        raise UsageError(f"finnes fra før: {names}. Bruk --overwrite for å erstatte dem.")
    outcome = TemplatesOutcome()
    sources: dict[str, Submission] = {}
    if previous and the_period is not None:
        from vrapport.prefill import load_previous
        from vrapport.validation import NotEarlier

        try:
            last = load_previous(previous, loaded, the_period)
        except NotEarlier as exc:
            raise UsageError(str(exc)) from None
        # Only the files of another template may have errors: a file of a wanted template
        # (a second one included) and a file not recognised as any template block.
        outcome.findings = [
            f
            for f in last.findings
            if f.severity == ERROR and last.templates.get(f.file, "") in {"", *wanted}
        ]
        if outcome.blocked:
            return outcome
        outcome.findings = [f for f in last.findings if last.templates.get(f.file) in wanted]
        sources = last.submissions
    for template_id, target in zip(wanted, targets, strict=True):
        spec = loaded.template(template_id)
        source = sources.get(template_id)
        note = ""
        if previous and source is None:
            note = (
                f"fant ingen innsending av «{template_id}» i "
                f"{', '.join(str(p) for p in previous)}; malen er ikke forhåndsutfylt."
            )
        try:
            if source is not None and the_period is not None:
                from vrapport.fill import fill_template
                from vrapport.prefill import carried_values, prefill_rows

                prefill = prefill_rows(spec, source, the_period)
                carried = carried_values(spec, source, the_period)
                path = write_template(spec, loaded.report, the_period, target, prefill)
                if carried:
                    # Stamped as the template writer stamps: the same inputs, the same bytes.
                    fill_template(path, carried, path, loaded, stamp=FIXED_DATE)
                filled = source.display if prefill or carried else ""
                note = _prefill_note(template_id, source, the_period, bool(filled))
            else:
                path, filled = write_template(spec, loaded.report, the_period, target), ""
        except OSError as exc:
            raise UsageError(cannot_write(target, exc)) from None
        stamped = source.meta.get("period", "") if filled and source is not None else ""
        outcome.written.append(WrittenTemplate(template_id, path, filled, stamped, note))
    return outcome


def _prefill_note(template_id: str, source: Submission, period: Period, filled: bool) -> str:
    """A warning when the submission a template is filled from is not the month before, or
    when nothing in it carries over to `period`."""
    stamped = source.meta.get("period", "")
    if not filled:
        return (
            f"{source.display} (perioden {stamped}) har ingenting som gjelder {period}; "
            f"malen «{template_id}» er ikke forhåndsutfylt."
        )
    before = period.shift(-1)
    if stamped != str(before):
        return (
            f"{source.display} gjelder {stamped}, ikke måneden før ({before}): "
            f"«{template_id}» er forhåndsutfylt fra {stamped}, og det som mangler for "
            f"månedene etter {stamped}, må fylles inn."
        )
    return ""


# --- build ---------------------------------------------------------------------------------


def build(
    paths: Sequence[Path],
    period: Period | str,
    out: Path,
    *,
    previous: Sequence[Path] | None = None,
    narrative: bool = True,
    build_time: dt.datetime | None = None,
    trace: Path | None = None,
    pdf: bool = False,
    specs: Specs | Path | None = None,
    overwrite: bool = False,
    absent: dict[str, str] | None = None,
) -> BuildOutcome:
    """Check the submissions in `paths` and, when no error blocks, write the report to `out`
    (atomically); `outcome.blocked` says when it did not. `previous`: last period's
    submissions (trend arrows, changed figures). `trace`: also write the lineage as JSON.
    `pdf`: also write the PDF board pack beside `out` (`outcome.pdf`, or the reason it could
    not be made in `outcome.pdf_error`; the report is written either way). An existing
    `out`, PDF or `trace` that vrapport did not write is replaced only with `overwrite`.
    `absent` (the service's partial build): template delivered but left out -> why (a clause
    after «fordi», with the period), shown in its chapter. No spreadsheet in `paths` is a
    UsageError, as for `check`."""
    from vrapport.files import collect_files
    from vrapport.outputs import cannot_write

    paths, out = [Path(p) for p in paths], Path(out)
    previous = [Path(p) for p in previous or []]
    _must_exist([*paths, *previous])
    the_period = _period(period)
    assert the_period is not None
    pdf_path = out.with_suffix(".pdf") if pdf else None
    _check_outputs([*paths, *previous], out, pdf_path, trace, overwrite)
    files = collect_files(paths)
    if not files:
        raise _nothing_to_read(paths)  # a wrong folder, as `check` says (not a finding)
    _refuse_previous_among_inputs(files, previous)
    _prefetch(files, previous)  # the worker reads while the imports below run
    with _heavy_imports():
        from vrapport.pipeline import build as build_report
        from vrapport.validation import NotEarlier

        loaded = _specs(specs)
    try:
        outcome = build_report(
            paths,
            the_period,
            out,
            loaded,
            narrative=narrative,
            previous=previous or None,
            build_time=build_time,
            absent=absent,
        )
    except OSError as exc:
        raise UsageError(cannot_write(out, exc)) from None
    except NotEarlier as exc:
        raise UsageError(str(exc)) from None
    if outcome.blocked or outcome.report is None:
        return outcome
    outcome.findings += _open_elsewhere(out)
    if trace is not None:
        _write_json(trace, outcome.trace_dict())
        outcome.trace = trace
    if pdf_path is not None:
        from vrapport.pdf import PdfError, board_pack

        try:
            outcome.pdf = board_pack(outcome.report, pdf_path)
        except PdfError as exc:
            outcome.pdf_error = str(exc)
        except OSError as exc:
            outcome.pdf_error = "PDF ble ikke laget: " + cannot_write(pdf_path, exc)
    return outcome


def _open_elsewhere(out: Path) -> list[Finding]:
    """A warning for each lock file that says the report just written is open in Excel or
    LibreOffice (on Windows, Excel's lock refuses the write instead: a usage error)."""
    from vrapport.outputs import lock_files

    return [
        Finding.make("report-open", out.name, program=program, lock=lock.name, name=out.name)
        for lock, program in lock_files(out)
    ]


def _prefetch(files: list[Path], previous: list[Path]) -> None:
    """Hand the reading worker what the command will read, in the order it reads it: the
    files (check_files), then last period's (check_previous)."""
    from vrapport.files import PREVIOUS_PREFIX, collect_files, reading
    from vrapport.isolation import prefetch

    earlier = collect_files(previous) if previous else []
    prefetch(reading(files).shown + reading(earlier, PREVIOUS_PREFIX).shown)


def _refuse_previous_among_inputs(files: list[Path], previous: list[Path]) -> None:
    """`--previous` naming this period's own files (the same folder given twice) would
    compare every figure with itself: a usage error before anything is read."""
    from vrapport.files import collect_files

    if not previous:
        return
    these = {p.resolve() for p in files}
    shared = [p for p in collect_files(previous) if p.resolve() in these]
    if shared:
        names = ", ".join(p.name for p in shared[:3]) + (" …" if len(shared) > 3 else "")
        raise UsageError(
            f"--previous gir de samme filene som innsendingene ({names}); oppgi mappen med "
            "forrige periodes innsendinger"
        )


def _check_outputs(
    inputs: list[Path], out: Path, pdf: Path | None, trace: Path | None, overwrite: bool
) -> None:
    """Before anything is read: the report, its PDF and its trace are three different files,
    none of them an input or a folder, none an existing file vrapport did not write (unless
    `overwrite`), and each can be written. All outputs, or none."""
    from vrapport.files import collect_files
    from vrapport.outputs import cannot_write, is_board_pack, is_trace, probe
    from vrapport.preflight import made_by_vrapport

    if out.is_dir():
        raise UsageError(f"{out} er en mappe; oppgi rapportfilen, f.eks. {out / 'rapport.xlsx'}")
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"rapportfilen må slutte på .xlsx: {out}")
    if trace is not None:
        if trace.is_dir():
            raise UsageError(
                f"{trace} er en mappe; oppgi sporbarhetsfilen, f.eks. {trace / 'spor.json'}"
            )
        if trace.resolve() == out.resolve():
            raise UsageError(
                f"--trace og --out er samme fil ({out}); velg et annet navn for sporbarheten"
            )
        if pdf is not None and trace.resolve() == pdf.resolve():
            raise UsageError(
                f"--trace er samme fil som PDF-en ({pdf}, laget ved siden av rapporten); "
                "velg et annet navn for sporbarheten"
            )
    # (output, what it is in a message, how vrapport recognises its own earlier one)
    outputs = [(out, "rapporten", made_by_vrapport, "en rapport laget av vrapport")]
    if pdf is not None:
        outputs.append((pdf, "PDF-en", is_board_pack, "en PDF laget av vrapport"))
    if trace is not None:
        outputs.append((trace, "sporbarheten", is_trace, "en sporbarhetsfil fra vrapport"))
    taken = {p.resolve() for p in collect_files(inputs)}
    for path, role, ours, _ in outputs:
        # An earlier report of vrapport's own in the folder of submissions is read as none
        # (a `report-file` warning): building again replaces it, as it would elsewhere.
        if path.resolve() in taken and not ours(path):
            raise UsageError(f"{path} er en av innsendingene; velg et annet navn for {role}")
    for path, role, ours, kind in outputs:
        if path.exists() and not overwrite and not ours(path):
            raise UsageError(
                f"{path} finnes og er ikke {kind}; den erstattes ikke. "
                f"Velg et annet navn for {role}, eller bruk --overwrite for å erstatte den."
            )
    refused = probe([path for path, *_ in outputs])
    if refused is not None:
        raise UsageError(cannot_write(*refused))


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    from vrapport.atomic import atomic_path

    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        from vrapport.outputs import cannot_write

        raise UsageError(cannot_write(path, exc)) from None
