"""The service's store in DATA_DIR: a SQLite ledger (WAL, one transaction per change) and the
uploaded files, stored once under their SHA-256 and never modified.

A submission's status is derived from the ledger: no version is `mangler`; the latest version
decides otherwise: the controller's last decision on it (`godkjent`, `returnert`), else `feil`
when it has errors and `levert` when it is clean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

MISSING, ERRORS, DELIVERED, APPROVED, RETURNED = (
    "mangler",
    "feil",
    "levert",
    "godkjent",
    "returnert",
)
STATUSES = (MISSING, ERRORS, DELIVERED, APPROVED, RETURNED)
LEDGER_FILE = "ledger.sqlite3"
OSLO = ZoneInfo("Europe/Oslo")
_SHA = re.compile(r"^[0-9a-f]{64}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS periods (
    period TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL REFERENCES periods(period),
    template TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    findings TEXT NOT NULL,
    changes TEXT NOT NULL,
    feedback_sha256 TEXT,
    readable INTEGER NOT NULL DEFAULT 1,
    compared_seq INTEGER,
    same_as_seq INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    UNIQUE (period, template, seq)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    action TEXT NOT NULL CHECK (action IN ('godkjent', 'returnert')),
    comment TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL REFERENCES periods(period),
    built_at TEXT NOT NULL,
    xlsx_sha256 TEXT NOT NULL,
    pdf_sha256 TEXT,
    partial INTEGER NOT NULL,
    sources TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('controller', 'department')),
    template TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class LedgerError(Exception):
    """A change the ledger refuses; `status` is the HTTP status it maps to."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_time(stamp: str | None) -> str:
    """A ledger time as Norwegians read it: '02.12.2026 15:37' (Oslo time)."""
    if not stamp:
        return ""
    return dt.datetime.fromisoformat(stamp).astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


@dataclass(frozen=True)
class Seen:
    """What the controller looked at when deciding (None: not checked): the latest
    version's SHA-256 and number, and the decisions made on it so far
    (SubmissionState.decisions)."""

    sha256: str | None = None
    seq: int | None = None
    decisions: int | None = None


UNCHECKED = Seen()  # a decision that checks nothing the controller saw


@dataclass(frozen=True)
class PeriodRow:
    period: str
    opened_at: str
    locked: bool


@dataclass(frozen=True)
class Version:
    id: int
    period: str
    template: str
    seq: int
    sha256: str
    size: int
    uploaded_at: str
    errors: int
    warnings: int
    findings: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    feedback_sha256: str | None
    readable: bool = True  # read as its template: later versions are compared with it
    compared_seq: int | None = None  # the version `changes` is against; None: no comparison
    same_as_seq: int | None = None  # the newest earlier version with the same bytes
    comment: str = ""  # the department's, sent with the file (why it is sent again, say)


@dataclass(frozen=True)
class Decision:
    version_id: int
    action: str
    comment: str
    decided_at: str


@dataclass
class SubmissionState:
    """One expected template in one period, as the board shows it."""

    template: str
    status: str = MISSING
    latest: Version | None = None
    versions: int = 0
    decision: Decision | None = None
    last_comment: Decision | None = None  # the latest return, shown to the department
    # The latest version is the same file as an earlier version the controller returned
    # (sent again as it was: the department holds the file is right); that return.
    same_as_returned: Decision | None = None
    # When the latest version is not approved: the newest version that is (a department
    # sent another after its approval; the board says the approval is no longer current).
    approved_before: Version | None = None
    # Decisions on any version of the template in the period: what a decision made on a
    # page (or a status) shown before another decision is told apart by (Ledger.decide).
    decisions: int = 0

    def to_dict(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "template": self.template,
            "status": self.status,
            "version": latest.sha256 if latest else None,
            "versions": self.versions,
            "seq": latest.seq if latest else None,
            "decisions": self.decisions,
            "errors": latest.errors if latest else 0,
            "warnings": latest.warnings if latest else 0,
            "uploaded_at": latest.uploaded_at if latest else None,
            "comment": self.decision.comment if self.decision else None,
            # The latest return's comment, of whichever version (as the department's page
            # shows it after a new upload).
            "returned_comment": self.last_comment.comment if self.last_comment else None,
            # The latest version is the same file as this earlier version (seq), and whether
            # the controller had returned that one.
            "same_as": latest.same_as_seq if latest else None,
            "same_as_returned": self.same_as_returned is not None,
            # The newest approved version when the latest is not approved (its seq).
            "approved_before": self.approved_before.seq if self.approved_before else None,
            # The department's comment sent with the latest version.
            "upload_comment": (latest.comment or None) if latest else None,
        }


@dataclass(frozen=True)
class Received:
    """An upload moved into the store, held there (Ledger.receive) until Ledger.release:
    its SHA-256. (Whether an upload put the file there is the ledger's to know: _fresh.)"""

    sha256: str


@dataclass(frozen=True)
class ReportRow:
    id: int
    period: str
    built_at: str
    xlsx_sha256: str
    pdf_sha256: str | None
    partial: bool
    sources: dict[str, str] = field(default_factory=dict)


def _last_approved(db: sqlite3.Connection, period: str, template: str) -> Version | None:
    """The newest version of `template` in `period` whose latest decision approves it."""
    row = db.execute(
        "SELECT v.* FROM versions v WHERE v.period = ? AND v.template = ? AND "
        "(SELECT d.action FROM decisions d WHERE d.version_id = v.id "
        "ORDER BY d.id DESC LIMIT 1) = ? ORDER BY v.seq DESC LIMIT 1",
        (period, template, APPROVED),
    ).fetchone()
    return None if row is None else _version(row)


def _version(row: sqlite3.Row) -> Version:
    return Version(
        row["id"],
        row["period"],
        row["template"],
        row["seq"],
        row["sha256"],
        row["size"],
        row["uploaded_at"],
        row["errors"],
        row["warnings"],
        json.loads(row["findings"]),
        json.loads(row["changes"]),
        row["feedback_sha256"],
        bool(row["readable"]),
        row["compared_seq"],
        row["same_as_seq"],
        row["comment"],
    )


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(row["version_id"], row["action"], row["comment"], row["decided_at"])


def _report(row: sqlite3.Row) -> ReportRow:
    return ReportRow(
        row["id"],
        row["period"],
        row["built_at"],
        row["xlsx_sha256"],
        row["pdf_sha256"],
        bool(row["partial"]),
        json.loads(row["sources"]),
    )


def _add_comparison_columns(db: sqlite3.Connection) -> None:
    """A ledger from before `readable`, `compared_seq` and `same_as_seq`: its versions were
    each compared with the one before, as they keep saying; the versions that are the same
    file as an earlier one say which."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(versions)")}
    if "readable" not in columns:
        db.execute("ALTER TABLE versions ADD COLUMN readable INTEGER NOT NULL DEFAULT 1")
    if "compared_seq" not in columns:
        db.execute("ALTER TABLE versions ADD COLUMN compared_seq INTEGER")
        db.execute("UPDATE versions SET compared_seq = seq - 1 WHERE seq > 1")
    if "same_as_seq" not in columns:
        db.execute("ALTER TABLE versions ADD COLUMN same_as_seq INTEGER")
        db.execute(
            "UPDATE versions SET same_as_seq = (SELECT MAX(o.seq) FROM versions o "
            "WHERE o.period = versions.period AND o.template = versions.template "
            "AND o.sha256 = versions.sha256 AND o.seq < versions.seq)"
        )
    if "comment" not in columns:  # a ledger from before a department's upload comment
        db.execute("ALTER TABLE versions ADD COLUMN comment TEXT NOT NULL DEFAULT ''")


# Seconds after which what is left in tmp/ is no one's: far beyond an upload's or a check's
# time limit.
LEFTOVER_AGE = 3600


class Ledger:
    """The ledger and file store of one DATA_DIR. Safe to use from many threads: every call
    opens its own connection; every change is one IMMEDIATE transaction."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "filer"
        self.tmp = root / "tmp"
        for folder in (root, self.files, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        # The departments' files, token hashes and the CSRF secret are for this user only:
        # with the usual umask, the files are readable by every local user.
        with suppress(OSError):  # a folder of another owner: left as it is
            root.chmod(0o700)
        self._remove_leftovers()
        self.path = root / LEDGER_FILE
        self._secrets: dict[str, str] = {}
        # Stored files in use by uploads being checked (SHA-256: how many uploads); of them
        # the ones an upload put into the store (not there before); and the ones this
        # process stored for itself (feedback copies, reports), never removed by `release`.
        # The lock also orders placing a file against removing one.
        self._held: dict[str, int] = {}
        self._fresh: set[str] = set()
        self._made: set[str] = set()
        self._store_lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
        with self._write() as db:
            _add_comparison_columns(db)

    def _remove_leftovers(self) -> None:
        """Uploads and jobs a killed service left in tmp/ (a partial upload, a job folder):
        removed when the ledger opens, once they are older than any upload or check takes."""
        cutoff = time.time() - LEFTOVER_AGE
        for entry in self.tmp.iterdir():
            with suppress(OSError):
                if entry.lstat().st_mtime >= cutoff:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=30000")
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- files -------------------------------------------------------------------------

    def blob(self, sha256: str) -> Path:
        """The stored file with this SHA-256 (the name is never user-given)."""
        if not _SHA.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.files / sha256[:2] / sha256

    def new_temp(self) -> Path:
        """An empty temporary file in the store's folder, for an upload being received."""
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="upload-")
        os.close(fd)
        return Path(name)

    def keep(self, tmp: Path) -> str:
        """Move a file the service made into the store; return its SHA-256. The file is
        never removed by `release` (it is about to be recorded)."""
        return self._keep(tmp, upload=False).sha256

    def receive(self, tmp: Path) -> Received:
        """Move a received upload into the store and hold it there until `release`."""
        return self._keep(tmp, upload=True)

    def _keep(self, tmp: Path, upload: bool) -> Received:
        try:
            digest = hashlib.sha256()
            with tmp.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    digest.update(chunk)
            sha = digest.hexdigest()
            with self._store_lock:
                created = self._place(tmp, sha)
                if upload:
                    self._held[sha] = self._held.get(sha, 0) + 1
                    if created:
                        self._fresh.add(sha)
                else:
                    self._made.add(sha)
                return Received(sha)
        finally:
            tmp.unlink(missing_ok=True)

    def release(self, received: Received) -> None:
        """The upload `received` is done with (recorded or not). When the last upload of
        these bytes is done, the file one of them put into the store is removed if nothing
        refers to it (no version, feedback copy or report; the service did not store the
        same bytes for itself), as after a check stopped from outside: nothing would ever
        read it. A file that was in the store before those uploads is never removed."""
        sha = received.sha256
        with self._store_lock:
            left = self._held.get(sha, 0) - 1
            if left > 0:
                self._held[sha] = left
                return
            self._held.pop(sha, None)
            fresh = sha in self._fresh
            self._fresh.discard(sha)
            if not fresh or sha in self._made or self._referenced(sha):
                return
            with suppress(FileNotFoundError):
                self.blob(sha).unlink()

    def _referenced(self, sha: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM versions WHERE sha256 = ?1 OR feedback_sha256 = ?1 UNION ALL "
                "SELECT 1 FROM reports WHERE xlsx_sha256 = ?1 OR pdf_sha256 = ?1 LIMIT 1",
                (sha,),
            ).fetchone()
        return row is not None

    def store_file(self, path: Path) -> str:
        """Copy a file the service made (a feedback copy, a report) into the store."""
        tmp = self.new_temp()
        shutil.copyfile(path, tmp)
        return self.keep(tmp)

    def _place(self, tmp: Path, sha: str) -> bool:
        """Link `tmp` into the store as `sha`; whether it was not there before."""
        target = self.blob(sha)
        if target.exists():
            return False
        target.parent.mkdir(exist_ok=True)
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, target)  # atomic, and never replaces a stored file
        except FileExistsError:
            return False
        return True

    # -- periods -----------------------------------------------------------------------

    def open_period(self, period: str) -> tuple[PeriodRow, bool]:
        """Open `period` (idempotent); return it and whether it was new."""
        with self._write() as db:
            created = (
                db.execute(
                    "INSERT OR IGNORE INTO periods (period, opened_at, locked, changed_at) "
                    "VALUES (?, ?, 0, ?)",
                    (period, now(), now()),
                ).rowcount
                == 1
            )
        found = self.period(period)
        assert found is not None
        return found, created

    def period(self, period: str) -> PeriodRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM periods WHERE period = ?", (period,)).fetchone()
        return PeriodRow(row["period"], row["opened_at"], bool(row["locked"])) if row else None

    def periods(self) -> list[PeriodRow]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM periods ORDER BY period DESC").fetchall()
        return [PeriodRow(r["period"], r["opened_at"], bool(r["locked"])) for r in rows]

    def set_locked(self, period: str, locked: bool) -> None:
        with self._write() as db:
            changed = db.execute(
                "UPDATE periods SET locked = ?, changed_at = ? WHERE period = ?",
                (int(locked), now(), period),
            ).rowcount
        if not changed:
            raise LedgerError(404, period_not_open(period))

    # -- versions ----------------------------------------------------------------------

    def add_version(
        self,
        period: str,
        template: str,
        sha256: str,
        findings: list[dict[str, Any]],
        changes: list[dict[str, Any]],
        feedback_sha256: str | None,
        readable: bool = True,
        compared_seq: int | None = None,
        comment: str = "",
    ) -> Version:
        """Record a checked upload as the next version of `template` in `period` (noting the
        newest earlier version with the same bytes, if any), with the department's
        `comment`."""
        errors = sum(f["severity"] == "error" for f in findings)
        warnings = len(findings) - errors
        size = self.blob(sha256).stat().st_size
        with self._write() as db:
            row = db.execute("SELECT locked FROM periods WHERE period = ?", (period,)).fetchone()
            if row is None:
                raise LedgerError(404, period_not_open(period))
            if row["locked"]:
                raise LedgerError(409, period_locked(period))
            (seq,) = db.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE period = ? AND template = ?",
                (period, template),
            ).fetchone()
            (same_as,) = db.execute(
                "SELECT MAX(seq) FROM versions WHERE period = ? AND template = ? AND sha256 = ?",
                (period, template, sha256),
            ).fetchone()
            cursor = db.execute(
                "INSERT INTO versions (period, template, seq, sha256, size, uploaded_at, errors, "
                "warnings, findings, changes, feedback_sha256, readable, compared_seq, "
                "same_as_seq, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    period,
                    template,
                    seq,
                    sha256,
                    size,
                    now(),
                    errors,
                    warnings,
                    json.dumps(findings, ensure_ascii=False),
                    json.dumps(changes, ensure_ascii=False),
                    feedback_sha256,
                    int(readable),
                    compared_seq,
                    same_as,
                    comment,
                ),
            )
            version_id = cursor.lastrowid
        found = self.version(int(version_id or 0))
        assert found is not None
        return found

    def version(self, version_id: int) -> Version | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM versions WHERE id = ?", (version_id,)).fetchone()
        return _version(row) if row else None

    def versions(self, period: str, template: str) -> list[Version]:
        """Every version of `template` in `period`, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM versions WHERE period = ? AND template = ? ORDER BY seq DESC",
                (period, template),
            ).fetchall()
        return [_version(r) for r in rows]

    def latest(self, period: str, template: str) -> Version | None:
        found = self.versions(period, template)
        return found[0] if found else None

    def last_approved(self, period: str, templates: list[str]) -> dict[str, Version]:
        """Per template, the newest version whose latest decision approves it: what the
        period's report is built from, and stays so when a later upload has errors or waits
        for a decision (the next period's template is pre-filled from it)."""
        with self._connect() as db:
            found = {t: _last_approved(db, period, t) for t in templates}
        return {t: v for t, v in found.items() if v is not None}

    def last_readable(self, period: str, template: str) -> Version | None:
        """The newest version that was read as its template (what a new one is compared with)."""
        return next((v for v in self.versions(period, template) if v.readable), None)

    # -- decisions ---------------------------------------------------------------------

    def decide(
        self,
        period: str,
        template: str,
        action: str,
        comment: str,
        seen: Seen = UNCHECKED,
        name: str = "",
    ) -> Version:
        """Approve or return the latest version of `template` in `period`; with the version
        the controller looked at (`seen.sha256`, `seen.seq`), only if that is still the
        latest: a version uploaded meanwhile is never approved unseen; with the decisions
        it had (`seen.decisions`), only if no decision was made since: a page loaded before
        another tab's (or controller's) decision does not silently override it. Both are
        checked in the transaction that decides, so of decisions made at once on the same
        view one is made and the others refused (409).
        `name`: the template as users know it, in the messages (default: its key)."""
        name = name or template
        with self._write() as db:
            row = db.execute("SELECT locked FROM periods WHERE period = ?", (period,)).fetchone()
            if row is None:
                raise LedgerError(404, period_not_open(period))
            if row["locked"]:
                raise LedgerError(409, period_locked(period))
            latest = db.execute(
                "SELECT * FROM versions WHERE period = ? AND template = ? "
                "ORDER BY seq DESC LIMIT 1",
                (period, template),
            ).fetchone()
            if latest is None:
                raise LedgerError(409, f"«{name}» har ikke levert noe for {period}.")
            if (seen.sha256 is not None and latest["sha256"] != seen.sha256) or (
                seen.seq is not None and latest["seq"] != seen.seq
            ):
                raise LedgerError(
                    409,
                    f"«{name}» har levert versjon {latest['seq']} etter versjonen du så "
                    "på; se på den nye versjonen før du bestemmer deg.",
                )
            if seen.decisions is not None:
                _refuse_if_decided_since(db, period, template, seen.decisions, name)
            if action == APPROVED and latest["errors"]:
                raise LedgerError(
                    409,
                    f"Versjon {latest['seq']} av «{name}» har feil og kan ikke godkjennes.",
                )
            db.execute(
                "INSERT INTO decisions (version_id, action, comment, decided_at) "
                "VALUES (?, ?, ?, ?)",
                (latest["id"], action, comment, now()),
            )
        return _version(latest)

    def decisions(self, version_id: int) -> list[Decision]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM decisions WHERE version_id = ? ORDER BY id", (version_id,)
            ).fetchall()
        return [_decision(r) for r in rows]

    def state(self, period: str, template: str) -> SubmissionState:
        with self._connect() as db:
            return self._state(db, period, template)

    def board(self, period: str, templates: list[str]) -> list[SubmissionState]:
        """One state per expected template, read in one transaction."""
        with self._connect() as db:
            db.execute("BEGIN")
            try:
                return [self._state(db, period, t) for t in templates]
            finally:
                db.execute("COMMIT")

    @staticmethod
    def _state(db: sqlite3.Connection, period: str, template: str) -> SubmissionState:
        state = SubmissionState(template)
        rows = db.execute(
            "SELECT * FROM versions WHERE period = ? AND template = ? ORDER BY seq DESC",
            (period, template),
        ).fetchall()
        if not rows:
            return state
        state.latest, state.versions = _version(rows[0]), len(rows)
        state.decisions = _decision_count(db, period, template)
        decided = db.execute(
            "SELECT * FROM decisions WHERE version_id = ? ORDER BY id DESC LIMIT 1",
            (state.latest.id,),
        ).fetchone()
        returned = db.execute(
            "SELECT d.* FROM decisions d JOIN versions v ON v.id = d.version_id "
            "WHERE v.period = ? AND v.template = ? AND d.action = ? ORDER BY d.id DESC LIMIT 1",
            (period, template, RETURNED),
        ).fetchone()
        if returned is not None:
            state.last_comment = _decision(returned)
        if decided is not None:
            state.decision = _decision(decided)
            state.status = decided["action"]
        else:
            state.status = ERRORS if state.latest.errors else DELIVERED
        if state.status != APPROVED:
            state.approved_before = _last_approved(db, period, template)
        if state.latest.same_as_seq is not None:
            earlier = db.execute(
                "SELECT d.* FROM decisions d JOIN versions v ON v.id = d.version_id "
                "WHERE v.period = ? AND v.template = ? AND v.seq = ? ORDER BY d.id DESC LIMIT 1",
                (period, template, state.latest.same_as_seq),
            ).fetchone()
            if earlier is not None and earlier["action"] == RETURNED:
                state.same_as_returned = _decision(earlier)
        return state

    # -- reports -----------------------------------------------------------------------

    def add_report(
        self,
        period: str,
        xlsx_sha256: str,
        pdf_sha256: str | None,
        partial: bool,
        sources: dict[str, str],
    ) -> ReportRow:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO reports (period, built_at, xlsx_sha256, pdf_sha256, partial, sources) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (period, now(), xlsx_sha256, pdf_sha256, int(partial), json.dumps(sources)),
            )
            report_id = int(cursor.lastrowid or 0)
        found = self.report(report_id)
        assert found is not None
        return found

    def report(self, report_id: int) -> ReportRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        return _report(row) if row else None

    def reports(self, period: str) -> list[ReportRow]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM reports WHERE period = ? ORDER BY id DESC", (period,)
            ).fetchall()
        return [_report(r) for r in rows]

    # -- tokens and secrets ------------------------------------------------------------

    def replace_token(self, role: str, template: str, token_hash: str) -> None:
        """Store a new token hash for the role; the previous one for that role is revoked."""
        with self._write() as db:
            db.execute(
                "UPDATE tokens SET revoked_at = ? "
                "WHERE role = ? AND template = ? AND revoked_at IS NULL",
                (now(), role, template),
            )
            db.execute(
                "INSERT INTO tokens (role, template, hash, created_at) VALUES (?, ?, ?, ?)",
                (role, template, token_hash, now()),
            )

    def active_tokens(self) -> list[tuple[str, str, str]]:
        """(role, template, hash) of every token not revoked."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT role, template, hash FROM tokens WHERE revoked_at IS NULL"
            ).fetchall()
        return [(r["role"], r["template"], r["hash"]) for r in rows]

    def secret(self, name: str, make: Any) -> str:
        """A server secret, made once with `make()` and kept in the ledger."""
        if name in self._secrets:
            return self._secrets[name]
        with self._write() as db:
            row = db.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
            if row is not None:
                value = str(row["value"])
                self._secrets[name] = value
                return value
            value = str(make())
            db.execute("INSERT INTO secrets (name, value) VALUES (?, ?)", (name, value))
        self._secrets[name] = value
        return value


def _decision_count(db: sqlite3.Connection, period: str, template: str) -> int:
    (count,) = db.execute(
        "SELECT COUNT(*) FROM decisions d JOIN versions v ON v.id = d.version_id "
        "WHERE v.period = ? AND v.template = ?",
        (period, template),
    ).fetchone()
    return int(count)


def _refuse_if_decided_since(
    db: sqlite3.Connection, period: str, template: str, decided: int, name: str
) -> None:
    """LedgerError(409) when the template has had other decisions than the `decided` the
    controller saw, naming the last one."""
    if _decision_count(db, period, template) == decided:
        return
    last = db.execute(
        "SELECT d.action, d.comment, d.decided_at, v.seq FROM decisions d "
        "JOIN versions v ON v.id = d.version_id WHERE v.period = ? AND v.template = ? "
        "ORDER BY d.id DESC LIMIT 1",
        (period, template),
    ).fetchone()
    if last is None:  # (fewer than seen: no page showed a decision there never was)
        raise LedgerError(409, f"Vedtakene for «{name}» er endret; last siden på nytt.")
    day, _, clock = local_time(last["decided_at"]).partition(" ")
    said = f" med kommentaren «{last['comment']}»" if last["comment"] else ""
    raise LedgerError(
        409,
        f"Versjon {last['seq']} av «{name}» ble {last['action']} {day} kl. {clock}{said} "
        "(i en annen fane eller av en annen controller), etter at du åpnet siden. Vedtaket "
        "ditt er ikke lagret; last siden på nytt og se om du fortsatt vil gjøre det.",
    )


def period_not_open(period: str) -> str:
    return f"Perioden {period} er ikke åpnet."


def period_locked(period: str) -> str:
    return f"Perioden {period} er låst; innsendinger og vedtak kan ikke endres."


def too_large(limit: int) -> str:
    return f"Filen er større enn grensen på {limit / (1024 * 1024):.0f} MB."
