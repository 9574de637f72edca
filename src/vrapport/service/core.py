"""What the service does, independent of HTTP: receive an upload, check it, record it; make a
department's template; decide; build. The web routes and the `status` command call this."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.period import Period, PeriodError
from vrapport.service import engine
from vrapport.service.ledger import (
    APPROVED,
    ERRORS,
    MISSING,
    RETURNED,
    UNCHECKED,
    Decision,
    Ledger,
    LedgerError,
    ReportRow,
    Seen,
    SubmissionState,
    Version,
    period_locked,
    period_not_open,
)
from vrapport.spec import Specs, load_specs

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
NEEDS_COMMENT = "Skriv en kommentar til avdelingen når du returnerer."
CHECK_STOPPED = (
    "Kontrollen av filen ble avbrutt av serveren, ikke på grunn av filen, og filen er ikke "
    "registrert. Last den opp på nytt om litt; si fra til controller om det gjentar seg."
)
BUILD_TIMEOUT = 900.0
# The longest comment a department sends with a file (characters): a few paragraphs, and in
# the API's query string well within what a server takes in a request line.
COMMENT_LIMIT = 1000
COMMENT_TOO_LONG = (
    f"Kommentaren er for lang ({{length}} tegn; høyst {COMMENT_LIMIT}). Kort den ned, og "
    "legg lengre forklaringer i filen eller send dem til controller på e-post."
)
# Control characters but the line break and the tab, and the direction overrides and
# isolates (which would turn the board's text around them): dropped from a comment.
_CONTROL = dict.fromkeys(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)
log = logging.getLogger("vrapport.service")


TEMPLATES_KEPT = 64  # templates made for download kept in memory (tens of KB each)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    schemas: Path | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    limits: engine.Limits = field(default_factory=engine.Limits)


def expected_templates(specs: Specs) -> list[str]:
    """The templates the report expects, in chapter order (report.yaml)."""
    found: list[str] = []
    for chapter in specs.report.chapters:
        found += [t for t in chapter.templates if t not in found]
    return found


def upload_comment(text: str) -> str:
    """A department's comment on an upload as stored: line breaks kept (as \\n), other control
    characters dropped, space around it trimmed; LedgerError(400) above COMMENT_LIMIT."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL).strip()
    if len(text) > COMMENT_LIMIT:
        raise LedgerError(400, COMMENT_TOO_LONG.format(length=len(text)))
    return text


def comment_line(text: str, width: int) -> tuple[str, bool]:
    """A department's comment on one terminal line: line breaks and tabs as one space, the
    control and direction characters upload_comment drops dropped (a ledger may hold older
    text); cut to at most `width` characters, at a space near the end if there is one, with
    «…»; and whether it was cut."""
    words = text.translate(_CONTROL).split()
    joined = " ".join(words)
    if len(joined) <= width:
        return joined, False
    cut = joined[: width - 1]
    space = cut.rfind(" ")
    if space >= width * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + "…", True


def parse_period(text: str) -> str:
    """The canonical period text, or LedgerError(400) with the CLI's wording."""
    try:
        return str(Period.parse(text))
    except PeriodError as exc:
        raise LedgerError(400, str(exc)) from None


@dataclass
class Upload:
    version: Version
    status: str
    again: bool = False  # the same bytes as the latest version: that one, no new version
    # A new version with the same bytes as an earlier one the controller returned: that return.
    same_as_returned: Decision | None = None
    # A comment sent with a file that made no new version (`again`): not stored.
    comment_dropped: bool = False


class Service:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.ledger = Ledger(config.data_dir)
        self.specs = load_specs(config.schemas)
        self.expected = expected_templates(self.specs)
        self.isolated = engine.Isolated(config.limits)
        self.isolated.warm()
        self._upload_locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        # Templates made, by (period, template, the approved version they are filled from):
        # the same inputs give the same bytes, so a download made once is not made again.
        self._templates: dict[tuple[str, str, str], tuple[bytes, str, bool]] = {}

    def title(self, template: str) -> str:
        return self.specs.template(template).title

    def department(self, template: str) -> str:
        return self.specs.template(template).department

    def known(self, template: str) -> str:
        if template not in self.expected:
            raise LedgerError(404, f"Ukjent mal «{template[:40]}».")
        return template

    def open_period(self, period: str) -> str:
        """The period, which must be open, else LedgerError(404)."""
        period = parse_period(period)
        if self.ledger.period(period) is None:
            raise LedgerError(404, period_not_open(period))
        return period

    def writable_period(self, period: str) -> str:
        period = self.open_period(period)
        found = self.ledger.period(period)
        if found is not None and found.locked:
            raise LedgerError(409, period_locked(period))
        return period

    def work_dir(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.ledger.tmp, prefix="jobb-"))

    # -- uploads ---------------------------------------------------------------------------

    def record_upload(self, period: str, template: str, sha256: str, comment: str = "") -> Upload:
        """Check a stored upload in isolation and record it as the next version, with the
        department's `comment` (see upload_comment). The same
        file as the latest version again, when that had no errors, is that version (its
        findings and its decision kept: sending the approved file once more does not undo
        the approval); a file with errors is checked again (its check may have been stopped
        by the time limit). The same file as a version the controller returned is a new
        delivery (`levert` again, the version noting which one it equals): a department
        that holds the returned file is right contests the return by sending it again, and
        the controller decides anew. Uploads of one template are recorded one after
        another, so each is compared with the version recorded before it and two identical
        uploads sent at once make one version; other templates are checked meanwhile. A
        comment with a file that is that latest version again is not stored (no version to
        store it with; the version's own comment is kept): `comment_dropped`."""
        with self._upload_lock(period, template):
            return self._record_upload(period, template, sha256, comment)

    def _upload_lock(self, period: str, template: str) -> threading.Lock:
        with self._locks_guard:
            return self._upload_locks.setdefault((period, template), threading.Lock())

    def _record_upload(self, period: str, template: str, sha256: str, comment: str) -> Upload:
        state = self.ledger.state(period, template)
        latest = state.latest
        if (
            latest is not None
            and latest.sha256 == sha256
            and not latest.errors
            and state.status != RETURNED
        ):
            return Upload(latest, state.status, again=True, comment_dropped=bool(comment))
        previous = self.ledger.last_readable(period, template)
        work = self.work_dir()
        try:
            try:
                result: engine.CheckResult = self.isolated.run(
                    engine.check_job,
                    self.ledger.blob(sha256),
                    template,
                    period,
                    self.ledger.blob(previous.sha256) if previous else None,
                    self.config.schemas,
                    work,
                )
            except engine.JobFailed as exc:
                if exc.kind == engine.KILLED:
                    # Not the file's doing (the OOM killer, an administrator, the service
                    # stopping): nothing is recorded, and the department is asked to send it
                    # again.
                    log.error("check of %s for %s/%s stopped: %s", sha256, period, template, exc)
                    raise LedgerError(503, CHECK_STOPPED) from None
                log.warning("check of %s for %s/%s failed: %s", sha256, period, template, exc)
                display = f"{template}{engine.TEMPLATE_SUFFIX}"
                result = engine.failed_check(exc, self.isolated.limits, display)
            feedback = self.ledger.store_file(result.feedback) if result.feedback else None
            compared = previous.seq if previous and result.compared else None
            version = self.ledger.add_version(
                period,
                template,
                sha256,
                result.findings,
                result.changes,
                feedback,
                result.readable,
                compared,
                comment,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        after = self.ledger.state(period, template)
        return Upload(version, after.status, same_as_returned=after.same_as_returned)

    # -- templates -------------------------------------------------------------------------

    def previous_approved(self, period: str) -> dict[str, Version]:
        """Last period's approved versions (for pre-filling and the report's trends): per
        template the newest approved one, also when a later upload there has errors or
        waits for a decision (the figures its report showed are the ones to carry on)."""
        try:
            earlier = str(Period.parse(period).shift(-1))
        except PeriodError:  # January 2000, the first period there can be, has none before
            return {}
        if self.ledger.period(earlier) is None:
            return {}
        return self.ledger.last_approved(earlier, self.expected)

    def template_file(self, period: str, template: str) -> tuple[bytes, str, bool]:
        """The department's template for the period: bytes, file name, pre-filled or not.
        Made once per period, template and approved version it is filled from (at most
        TEMPLATES_KEPT kept, the oldest dropped first)."""
        source = self.previous_approved(period).get(template)
        key = (period, template, source.sha256 if source else "")
        with self._locks_guard:
            kept = self._templates.get(key)
        if kept is not None:
            return kept
        work = self.work_dir()
        try:
            made: Path = self.isolated.run(
                engine.template_job,
                template,
                period,
                self.ledger.blob(source.sha256) if source else None,
                self.config.schemas,
                work,
            )
            result = made.read_bytes(), made.name, source is not None
            with self._locks_guard:
                while len(self._templates) >= TEMPLATES_KEPT:
                    self._templates.pop(next(iter(self._templates)))
                self._templates[key] = result
            return result
        except engine.JobFailed as exc:
            log.error("template %s for %s failed: %s", template, period, exc.reason)
            raise LedgerError(500, "Malen kunne ikke lages nå. Prøv igjen om litt.") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # -- the board -------------------------------------------------------------------------

    def board(self, period: str) -> list[SubmissionState]:
        return self.ledger.board(period, self.expected)

    def decide(
        self,
        period: str,
        template: str,
        action: str,
        comment: str,
        seen: Seen = UNCHECKED,
    ) -> SubmissionState:
        """See Ledger.decide: `seen` is what the controller saw."""
        period = self.open_period(period)
        if action == RETURNED and not comment.strip():
            raise LedgerError(400, NEEDS_COMMENT)
        name = self.title(self.known(template))
        self.ledger.decide(period, template, action, comment, seen, name)
        return self.ledger.state(period, template)

    def build(self, period: str, partial: bool, pdf: bool) -> ReportRow:
        """Build the report from the approved versions; LedgerError(409) names the
        departments not yet approved (unless `partial`), or the findings that block."""
        period = self.open_period(period)
        board = self.board(period)
        chosen = approved(board)
        waiting = [s.template for s in board if s.template not in chosen]
        if waiting and not partial:
            names = ", ".join(f"{self.title(t)} ({s})" for t, s in _statuses(board, waiting))
            raise LedgerError(409, f"Ikke godkjent ennå: {names}.")
        if not chosen:
            raise LedgerError(409, "Ingen innsendinger er godkjent ennå.")
        previous = self.previous_approved(period)
        work = self.work_dir()
        try:
            result: engine.BuildResult = self.isolated.run(
                engine.build_job,
                {t: self.ledger.blob(v.sha256) for t, v in chosen.items()},
                {t: self.ledger.blob(v.sha256) for t, v in previous.items()},
                period,
                self.config.schemas,
                work,
                pdf,
                {
                    t: why_absent(self.title(t), s, period)
                    for t, s in _statuses(board, waiting)
                    if s != MISSING
                },
                timeout=BUILD_TIMEOUT,
            )
            if result.xlsx is None:
                errors = [f["message"] for f in result.findings if f["severity"] == "error"]
                raise LedgerError(409, "Rapporten ble ikke laget: " + " ".join(errors[:5]))
            xlsx = self.ledger.store_file(result.xlsx)
            made_pdf = self.ledger.store_file(result.pdf) if result.pdf else None
        except engine.JobFailed as exc:
            log.error("build of %s failed: %s", period, exc.reason)
            raise LedgerError(500, "Rapporten kunne ikke bygges nå. Prøv igjen om litt.") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return self.ledger.add_report(period, xlsx, made_pdf, bool(waiting), result.sources)

    def waiting(self, period: str) -> list[str]:
        board = self.board(period)
        chosen = approved(board)
        return [s.template for s in board if s.template not in chosen]


def why_absent(title: str, status: str, period: str) -> str:
    """Why a delivered template (`title`, as the board reads it) is not in a partial report
    (a clause after «fordi»)."""
    label = Period.parse(period).label
    if status == RETURNED:
        return f"innsendingen fra «{title}» for {label} ble returnert og ikke er godkjent"
    if status == ERRORS:
        return f"innsendingen fra «{title}» for {label} har feil og ikke er godkjent"
    return f"innsendingen fra «{title}» for {label} ikke er godkjent ennå"


def approved(board: list[SubmissionState]) -> dict[str, Version]:
    return {s.template: s.latest for s in board if s.status == APPROVED and s.latest is not None}


def _statuses(board: list[SubmissionState], templates: list[str]) -> list[tuple[str, str]]:
    by_template = {s.template: s.status for s in board}
    return [(t, by_template[t]) for t in templates]


def status_payload(period: str, board: list[SubmissionState]) -> dict[str, Any]:
    return {"period": period, "submissions": [s.to_dict() for s in board]}
