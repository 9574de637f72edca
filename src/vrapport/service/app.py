"""The Starlette application: server-rendered Norwegian HTML (works without JavaScript) and a
JSON API with the same rights. HTML pages authenticate with a session cookie holding the
token (set from the department's link), forms carry a CSRF value; the API takes a Bearer token
only. Slow work (checking, templates, builds) runs in a thread, which waits for the isolated
child process."""

from __future__ import annotations

import asyncio
import functools
import json
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from python_multipart.multipart import parse_options_header
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import Message

from vrapport.pdf import soffice
from vrapport.period import Period
from vrapport.service.auth import (
    COOKIE,
    LOGIN_COOKIE,
    Principal,
    authenticate,
    csrf_ok,
    csrf_value,
    login_csrf_ok,
    login_csrf_value,
    login_nonce,
)
from vrapport.service.core import (
    COMMENT_LIMIT,
    Config,
    Service,
    Upload,
    parse_period,
    status_payload,
    upload_comment,
)
from vrapport.service.ledger import (
    APPROVED,
    RETURNED,
    LedgerError,
    Received,
    Seen,
    local_time,
    too_large,
)
from vrapport.wording import counted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_SLACK = 1024 * 1024  # multipart overhead allowed above the file limit
SMALL_BODY = 64 * 1024  # forms without a file, JSON bodies
CHUNK = 1 << 16
RETRY_AFTER = "30"  # seconds, for a 503
RECEIVED = "vrapport.received"  # the scope's count of the body's bytes received
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Cache-Control": "no-store",
}
STATUS_TEXT = {
    "mangler": "Ikke levert",
    "feil": "Levert med feil",
    "levert": "Levert, venter på godkjenning",
    "godkjent": "Godkjent",
    "returnert": "Returnert",
}

HTTP_MESSAGES = {
    404: "Siden finnes ikke.",
    405: "Denne handlingen er ikke tillatt her.",
    413: "Forespørselen er for stor.",
}

FORM_UNREADABLE = (
    "Skjemaet kunne ikke leses (flere filer eller felt enn siden har, eller ødelagt "
    "innhold). Last siden på nytt og prøv igjen."
)
UPLOAD_BROKEN_OFF = (
    "Opplastingen ble brutt av før hele filen var mottatt (forbindelsen ble avbrutt "
    "underveis). Ingenting er lagret; last opp filen på nytt."
)

# An exception no handler expected (the error itself goes to the server's log).
STORAGE_FAILED = (
    "Tjenesten fikk ikke lest eller lagret dataene sine (full disk, eller en datamappe som "
    "ikke kan skrives til). Prøv igjen senere, og si fra til den som drifter tjenesten."
)
INTERNAL_ERROR = (
    "Noe gikk galt i tjenesten. Prøv igjen om litt; si fra til controller om det gjentar seg."
)

ERROR_HEADINGS = {
    403: "Ingen tilgang",
    404: "Finnes ikke",
    409: "Kan ikke gjøres nå",
    413: "For mye data på én gang",
    503: "Tjenesten er ikke tilgjengelig nå",
}

Endpoint = Callable[[Request], Awaitable[Response]]


def period_label(text: str) -> str:
    return Period.parse(text).label


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    templates.env.filters["local_time"] = local_time
    templates.env.filters["period_label"] = period_label
    templates.env.filters["counted"] = counted
    templates.env.globals["STATUS_TEXT"] = STATUS_TEXT
    return templates


class Pages:
    """The routes. One instance per app; every handler checks who asks before anything else."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.ledger = service.ledger
        self.templates = _templates()
        self.limit = service.config.max_upload
        self._uploading: dict[tuple[str, str], asyncio.Lock] = {}
        self._making: dict[tuple[str, str], asyncio.Lock] = {}

    # -- who asks ----------------------------------------------------------------------------

    def _session(self, request: Request) -> Principal | None:
        return authenticate(self.ledger, request.cookies.get(COOKIE))

    def _bearer(self, request: Request) -> Principal | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return authenticate(self.ledger, token.strip()) if scheme.lower() == "bearer" else None

    def page(self, request: Request, name: str, code: int = 200, **context: Any) -> Response:
        who = context.get("who")
        context.setdefault("csrf", csrf_value(self.ledger, who) if who else "")
        context.setdefault("service", self.service)
        return self.templates.TemplateResponse(
            request, name, context, status_code=code, headers=HEADERS
        )

    def error(self, request: Request, status: int, message: str, who: Principal | None) -> Response:
        heading = ERROR_HEADINGS.get(status, "Noe gikk galt")
        if status == 413 and message == too_large(self.limit):
            heading = "Filen er for stor"  # an upload; a login or a form is no file
        return self.page(
            request, "error.html", status, who=who, status=status, heading=heading, message=message
        )

    def _bounded(self, request: Request, limit: int, message: str = "") -> Request:
        """The request with its body limited to `limit` bytes: more (declared or arriving)
        is LedgerError(413) with a Norwegian message (default: the file limit's). The bytes
        received are counted in the scope (RECEIVED), for _whole."""
        message = message or too_large(self.limit)
        length = request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise LedgerError(413, message)
        receive, seen = request.receive, 0
        request.scope[RECEIVED] = 0

        async def counted() -> Message:
            nonlocal seen
            got = await receive()
            seen += len(got.get("body", b""))
            request.scope[RECEIVED] = seen
            if seen > limit:
                raise LedgerError(413, message)
            return got

        return Request(request.scope, counted)

    async def _form(self, request: Request, who: Principal) -> Any:
        request = self._bounded(request, self.limit + FORM_SLACK)
        form = await _parsed_form(request, max_files=1, max_fields=20)
        if not csrf_ok(self.ledger, who, str(form.get("csrf", ""))):
            await form.close()
            raise LedgerError(403, "Skjemaet er utløpt eller kom ikke fra denne siden. Prøv igjen.")
        return form

    def server_error(self, request: Request, exc: Exception) -> Response:
        """An exception no handler caught: a Norwegian answer (JSON for the API), never a
        bare «Internal Server Error»; a full or read-only data folder is a 503."""
        storage = isinstance(exc, OSError | sqlite3.Error)
        status, message = (503, STORAGE_FAILED) if storage else (500, INTERNAL_ERROR)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status)
        try:
            return self.error(request, status, message, None)
        except Exception:  # noqa: BLE001 - the page itself failed: the words alone
            return HTMLResponse(f"<h1>{status}</h1><p>{message}</p>", status, headers=HEADERS)

    # -- wrappers ----------------------------------------------------------------------------

    def html(self, role: str | None = None) -> Callable[[Callable[..., Any]], Endpoint]:
        """An HTML handler: needs a session (else the login page), `role` if given; a
        LedgerError becomes a Norwegian error page with its status."""

        def wrap(handler: Callable[..., Any]) -> Endpoint:
            @functools.wraps(handler)
            async def endpoint(request: Request) -> Response:
                who = self._session(request)
                if who is None:
                    return RedirectResponse("/logg-inn", status_code=303, headers=HEADERS)
                if role == "controller" and not who.is_controller:
                    return self.error(request, 403, "Denne siden er bare for controller.", who)
                try:
                    response: Response = await handler(request, who)
                    return response
                except LedgerError as exc:
                    return _retry_later(exc, self.error(request, exc.status, exc.message, who))

            return endpoint

        return wrap

    def api(self, role: str | None = None) -> Callable[[Callable[..., Any]], Endpoint]:
        def wrap(handler: Callable[..., Any]) -> Endpoint:
            @functools.wraps(handler)
            async def endpoint(request: Request) -> Response:
                who = self._bearer(request)
                if who is None:
                    return JSONResponse(
                        {"error": "Mangler gyldig token (Authorization: Bearer …)."},
                        401,
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                if role == "controller" and not who.is_controller:
                    return JSONResponse({"error": "Bare controller har tilgang."}, 403)
                try:
                    response: Response = await handler(request, who)
                    return response
                except LedgerError as exc:
                    return _retry_later(exc, JSONResponse({"error": exc.message}, exc.status))

            return endpoint

        return wrap

    def _template_for(self, who: Principal, template: str) -> str:
        self.service.known(template)
        if not who.may_see(template):
            raise LedgerError(403, "Du har bare tilgang til din egen avdelings mal.")
        return template

    # -- receiving files ---------------------------------------------------------------------

    async def _receive_body(self, request: Request) -> Received:
        """Stream the request body into the store (limit enforced while streaming); a body
        broken off (the client gone, less than its declared length) is stored nowhere."""
        bounded = self._bounded(request, self.limit)
        tmp = self.ledger.new_temp()
        try:
            with tmp.open("wb") as out:
                async for chunk in bounded.stream():
                    out.write(chunk)
            if not _whole(bounded):
                raise LedgerError(400, UPLOAD_BROKEN_OFF)
        except ClientDisconnect:
            tmp.unlink(missing_ok=True)
            raise LedgerError(400, UPLOAD_BROKEN_OFF) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return await run_in_threadpool(self.ledger.receive, tmp)

    async def _receive_part(self, upload: UploadFile) -> Received:
        tmp, size = self.ledger.new_temp(), 0
        try:
            with tmp.open("wb") as out:
                while chunk := await upload.read(CHUNK):
                    size += len(chunk)
                    if size > self.limit:
                        raise LedgerError(413, too_large(self.limit))
                    out.write(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return await run_in_threadpool(self.ledger.receive, tmp)

    async def _record(self, period: str, template: str, received: Received, comment: str) -> Upload:
        """Check and record a received upload. One after another per template, as
        Service.record_upload does, but waiting here, in the event loop: an upload waiting
        for the one before it holds no worker thread, so many sent at once by one department
        do not take the threads the board and the other departments need. Then the upload
        is released: bytes it stored that nothing records (its check was stopped from
        outside, the period was locked meanwhile) are removed (Ledger.release)."""
        try:
            lock = self._uploading.setdefault((period, template), asyncio.Lock())
            async with lock:
                done: Upload = await run_in_threadpool(
                    self.service.record_upload, period, template, received.sha256, comment
                )
            return done
        finally:
            # Here, not in a worker thread: a cancelled request cannot skip it.
            self.ledger.release(received)

    def _blob_response(self, sha256: str, filename: str, media_type: str) -> Response:
        return FileResponse(
            self.ledger.blob(sha256),
            media_type=media_type,
            headers=HEADERS
            | {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
        )

    # -- HTML: log in and out ----------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        who = self._session(request)
        if who is None:
            return RedirectResponse("/logg-inn", status_code=303)
        if who.is_controller:
            return RedirectResponse("/perioder", status_code=303)
        return RedirectResponse("/avdeling", status_code=303)

    def _login_page(self, request: Request, code: int = 200, **context: Any) -> Response:
        """The login form, bound to a fresh login cookie (its CSRF value)."""
        nonce = login_nonce()
        csrf = login_csrf_value(self.ledger, nonce)
        response = self.page(request, "login.html", code, who=None, csrf=csrf, **context)
        _set_cookie(request, response, LOGIN_COOKIE, nonce, max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                small = self._bounded(request, SMALL_BODY, HTTP_MESSAGES[413])
                form = await _parsed_form(small, max_files=0, max_fields=5)
            except LedgerError as exc:
                return self.error(request, exc.status, exc.message, None)
            nonce = request.cookies.get(LOGIN_COOKIE)
            if not login_csrf_ok(self.ledger, nonce, str(form.get("csrf", ""))):
                return self._login_page(request, 403, failed=False, expired=True)
            token = str(form.get("token", "")).strip()
        else:
            token = request.query_params.get("token", "")
            if not token:
                return self._login_page(request, failed=False)
        if authenticate(self.ledger, token) is None:
            return self._login_page(request, 401, failed=True)
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        _set_cookie(request, response, COOKIE, token, max_age=86400 * 60)
        _set_cookie(request, response, LOGIN_COOKIE, "", max_age=0)
        return response

    async def logout(self, request: Request) -> Response:
        who = self._session(request)
        if who is not None:
            try:
                await self._form(request, who)
            except LedgerError as exc:
                return self.error(request, exc.status, exc.message, who)
        response = RedirectResponse("/logg-inn", status_code=303, headers=HEADERS)
        _set_cookie(request, response, COOKIE, "", max_age=0)
        return response

    # -- HTML: the department ----------------------------------------------------------------

    async def department_home(self, request: Request, who: Principal) -> Response:
        if who.is_controller:
            return RedirectResponse("/perioder", status_code=303)
        periods = self.ledger.periods()
        if not periods:
            return self.page(request, "waiting.html", who=who)
        target = next((p for p in periods if not p.locked), periods[0])
        return RedirectResponse(f"/perioder/{target.period}/{who.template}", status_code=303)

    async def submission(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        state = self.ledger.state(period, template)
        return self.page(
            request,
            "department.html",
            who=who,
            period=self.ledger.period(period),
            template=template,
            state=state,
            versions=self.ledger.versions(period, template),
            prefilled=template in self.service.previous_approved(period),
            periods=self.ledger.periods(),
            uploaded=request.query_params.get("lastet_opp") == "1",
            comment_limit=COMMENT_LIMIT,
        )

    async def template_download(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        # One at a time per template, waiting in the event loop (as uploads do): a flood of
        # downloads holds one worker thread, and all but the first are served as made.
        async with self._making.setdefault((period, template), asyncio.Lock()):
            content, name, _ = await run_in_threadpool(self.service.template_file, period, template)
        return Response(
            content,
            media_type=XLSX,
            headers=HEADERS | {"Content-Disposition": f"attachment; filename={name}"},
        )

    async def upload_form(self, request: Request, who: Principal) -> Response:
        period = self.service.writable_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        form = await self._form(request, who)
        try:
            upload = form.get("fil")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise LedgerError(400, "Velg filen du vil laste opp.")
            comment = upload_comment(str(form.get("kommentar", "")))
            received = await self._receive_part(upload)
        finally:
            await form.close()
        done = await self._record(period, template, received, comment)
        fresh = "igjen" if done.again else "1"
        dropped = "&uten_kommentar=1" if done.comment_dropped else ""
        return RedirectResponse(
            f"/versjoner/{done.version.id}?ny={fresh}{dropped}", status_code=303
        )

    async def version(self, request: Request, who: Principal) -> Response:
        version = self._version(request, who)
        earlier = self.ledger.versions(version.period, version.template)
        previous = next((v for v in earlier if v.seq == version.compared_seq), None)
        same = next((v for v in earlier if v.seq == version.same_as_seq), None)
        same_decisions = self.ledger.decisions(same.id) if same is not None else []
        return self.page(
            request,
            "version.html",
            who=who,
            version=version,
            previous=previous,
            same=same,
            # The controller's last word on the version this one equals (a return, contested).
            same_decision=same_decisions[-1] if same_decisions else None,
            state=self.ledger.state(version.period, version.template),
            decisions=self.ledger.decisions(version.id),
            fresh=request.query_params.get("ny", ""),
            comment_dropped=request.query_params.get("uten_kommentar") == "1",
            locked=bool(getattr(self.ledger.period(version.period), "locked", True)),
        )

    def _version(self, request: Request, who: Principal) -> Any:
        try:
            version = self.ledger.version(int(request.path_params["version"]))
        except (ValueError, OverflowError):  # not a number, or beyond SQLite's integers
            version = None
        # Another department's version is not found either: a 403 would tell a department
        # how many versions the others have uploaded.
        if version is None or not who.may_see(version.template):
            raise LedgerError(404, "Versjonen finnes ikke.")
        return version

    async def version_file(self, request: Request, who: Principal) -> Response:
        version = self._version(request, who)
        name = f"{version.template}_{version.period}_v{version.seq}.xlsx"
        return self._blob_response(version.sha256, name, XLSX)

    async def version_feedback(self, request: Request, who: Principal) -> Response:
        version = self._version(request, who)
        if not version.feedback_sha256:
            raise LedgerError(
                404, "Denne versjonen har ingen funn, og dermed ingen tilbakemelding."
            )
        name = f"{version.template}_{version.period}_v{version.seq}_tilbakemelding.xlsx"
        return self._blob_response(version.feedback_sha256, name, XLSX)

    # -- HTML: the controller ----------------------------------------------------------------

    async def periods(self, request: Request, who: Principal) -> Response:
        if request.method == "POST":
            form = await self._form(request, who)
            period = parse_period(str(form.get("periode", "")).strip())
            self.ledger.open_period(period)
            return RedirectResponse(f"/perioder/{period}", status_code=303)
        rows = [(p, self.service.board(p.period)) for p in self.ledger.periods()]
        return self.page(request, "periods.html", who=who, rows=rows)

    async def board(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        return self.page(
            request,
            "board.html",
            who=who,
            period=self.ledger.period(period),
            board=self.service.board(period),
            reports=self.ledger.reports(period),
            waiting=self.service.waiting(period),
            has_pdf=soffice() is not None,
            message=request.query_params.get("melding", ""),
        )

    async def decide_form(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        form = await self._form(request, who)
        action = APPROVED if request.url.path.endswith("/godkjenn") else RETURNED
        comment = str(form.get("kommentar", "")).strip()
        seen = str(form.get("versjon", ""))
        seq, decided = str(form.get("nr", "")), str(form.get("vedtak", ""))
        if not seen or not _count(seq) or not _count(decided):
            raise LedgerError(400, "Skjemaet sier ikke hvilken versjon du så; last siden på nytt.")
        try:
            await run_in_threadpool(
                self.service.decide,
                period,
                template,
                action,
                comment,
                Seen(seen, int(seq), int(decided)),
            )
        except LedgerError as exc:
            if exc.status != 409:
                raise
            # (a link to the board, loaded anew: the way on from a decision on a stale view)
            board = f"/perioder/{period}#rad-{template}"
            return self.page(
                request,
                "error.html",
                409,
                who=who,
                status=409,
                heading=ERROR_HEADINGS[409],
                message=exc.message,
                back=(board, "Til oversikten, slik den er nå"),
            )
        return RedirectResponse(f"/perioder/{period}", status_code=303)

    async def lock_form(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        await self._form(request, who)
        self.ledger.set_locked(period, request.url.path.endswith("/las"))
        return RedirectResponse(f"/perioder/{period}", status_code=303)

    async def build_form(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        form = await self._form(request, who)
        partial, pdf = form.get("delvis") == "1", form.get("pdf") == "1"
        report = await run_in_threadpool(self.service.build, period, partial, pdf)
        return RedirectResponse(f"/perioder/{period}#rapport-{report.id}", status_code=303)

    async def report_file(self, request: Request, who: Principal) -> Response:
        try:
            report = self.ledger.report(int(request.path_params["report"]))
        except (ValueError, OverflowError):  # not a number, or beyond SQLite's integers
            report = None
        kind = request.path_params["kind"]
        if report is None or kind not in ("xlsx", "pdf"):
            raise LedgerError(404, "Rapporten finnes ikke.")
        sha = report.xlsx_sha256 if kind == "xlsx" else report.pdf_sha256
        if sha is None:
            raise LedgerError(404, "Rapporten ble laget uten PDF.")
        media = XLSX if kind == "xlsx" else "application/pdf"
        return self._blob_response(sha, f"Virksomhetsrapport_{report.period}.{kind}", media)

    # -- the JSON API ------------------------------------------------------------------------

    async def api_open(self, request: Request, who: Principal) -> Response:
        period = parse_period(request.path_params["period"])
        row, created = await run_in_threadpool(self.ledger.open_period, period)
        return JSONResponse(
            {"period": row.period, "locked": row.locked, "created": created},
            201 if created else 200,
        )

    async def api_lock(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        locked = request.url.path.endswith("/lock")
        await run_in_threadpool(self.ledger.set_locked, period, locked)
        return JSONResponse({"period": period, "locked": locked})

    async def api_upload(self, request: Request, who: Principal) -> Response:
        template = self._template_for(who, request.path_params["template"])
        period = self.service.writable_period(request.path_params["period"])
        # The department's comment, percent-encoded in the query (the body is the file).
        comment = upload_comment(request.query_params.get("comment", ""))
        received = await self._receive_body(request)
        done = await self._record(period, template, received, comment)
        version = done.version
        return JSONResponse(
            {
                "version": version.sha256,
                "seq": version.seq,
                "status": done.status,
                "again": done.again,  # the same file as this latest version: no new one
                # A new version with the same bytes as an earlier one (seq), and whether the
                # controller had returned that one (sent again to contest the return).
                "same_as": version.same_as_seq,
                "same_as_returned": done.same_as_returned is not None,
                # The version's comment from the department; `comment_dropped`: the comment
                # sent made no new version (`again`) and was not kept.
                "comment": version.comment or None,
                "comment_dropped": done.comment_dropped,
                "errors": version.errors,
                "warnings": version.warnings,
                "findings": version.findings,
                # None: nothing to compare with (the first readable version, or this one
                # could not be read as the template).
                "changes": None if version.compared_seq is None else len(version.changes),
                "compared_with": version.compared_seq,
            }
        )

    async def api_submission(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        state = await run_in_threadpool(self.ledger.state, period, template)
        payload = state.to_dict()
        payload["findings"] = state.latest.findings if state.latest else []
        return JSONResponse(payload)

    async def api_status(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        board = await run_in_threadpool(self.service.board, period)
        return JSONResponse(status_payload(period, board))

    async def api_decide(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        template = self._template_for(who, request.path_params["template"])
        action = APPROVED if request.url.path.endswith("/approve") else RETURNED
        data: Any = {}
        body = await self._bounded(request, SMALL_BODY, HTTP_MESSAGES[413]).body()
        if body:
            try:
                data = json.loads(body)
                # A lone surrogate (\ud800) parses, but is no text SQLite can store.
                json.dumps(data, ensure_ascii=False).encode()
            except (ValueError, RecursionError):  # RecursionError: nested too deep
                raise LedgerError(400, "Innholdet er ikke gyldig JSON.") from None
        if not isinstance(data, dict):
            raise LedgerError(400, 'Innholdet må være et JSON-objekt, f.eks. {"comment": "…"}.')
        comment, seen = data.get("comment") or "", data.get("version")
        if not isinstance(comment, str) or not isinstance(seen, str | None):
            raise LedgerError(400, "«comment» og «version» må være tekst.")
        # As the status said them: the version's number, and the decisions made so far (a
        # decision made on an older status, after another one, is refused: 409).
        seq, decided = data.get("seq"), data.get("decisions")
        if not all(v is None or (type(v) is int and v >= 0) for v in (seq, decided)):
            raise LedgerError(400, "«seq» og «decisions» må være hele tall (fra status).")
        if action == APPROVED and seen is None:
            # Approving «the latest» would approve a version uploaded after the script looked.
            raise LedgerError(
                400,
                "Oppgi «version»: SHA-256 for versjonen du godkjenner (fra status), så "
                "godkjennes aldri en versjon ingen har sett.",
            )
        state = await run_in_threadpool(
            self.service.decide, period, template, action, comment, Seen(seen, seq, decided)
        )
        return JSONResponse(state.to_dict())

    async def api_report(self, request: Request, who: Principal) -> Response:
        period = self.service.open_period(request.path_params["period"])
        partial = request.query_params.get("partial") in ("1", "true")
        waiting = self.service.waiting(period)
        if waiting and not partial:
            return JSONResponse(
                {
                    "error": "Ikke alle avdelinger er godkjent; bruk ?partial=1 for en delvis "
                    "rapport.",
                    "not_approved": waiting,
                },
                409,
            )
        report = await run_in_threadpool(self.service.build, period, partial, False)
        response = self._blob_response(
            report.xlsx_sha256, f"Virksomhetsrapport_{period}.xlsx", XLSX
        )
        response.headers["X-Report-Id"] = str(report.id)
        return response


def _count(text: str) -> bool:
    """Whether a form's field is a count (a version's number, decisions made)."""
    return text.isascii() and text.isdigit() and len(text) < 10


def _retry_later(exc: LedgerError, response: Response) -> Response:
    """A 503 (the service could not do it now, through no fault of the request) says when to
    try again."""
    if exc.status == 503:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """HttpOnly and SameSite=Strict; Secure when the browser reached the service over HTTPS
    (behind a TLS proxy, as uvicorn reads X-Forwarded-Proto), so the key it holds never
    travels over plain HTTP. `max_age` 0 removes the cookie."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


class _MultiPart(MultiPartParser):
    """Starlette's multipart parser, noting whether the body reached its closing boundary
    (python-multipart says nothing of a body that stops before it: the parts it had not
    finished are left out, so a file cut off half-way looked like no file chosen)."""

    complete = False

    def on_end(self) -> None:
        self.complete = True

    def discard(self) -> None:
        """Close every file part begun, finished or not (a part cut off is in no form)."""
        # Starlette's own list (1.10); read defensively, as it is not public API.
        for file in getattr(self, "_files_to_close_on_error", ()):
            file.close()


async def _parsed_form(request: Request, max_files: int, max_fields: int) -> Any:
    """The request's form; one Starlette cannot parse (more files or fields than the page
    has, a multipart body without its boundary) is a Norwegian 400, not Starlette's words;
    one that was broken off (the client went away, a multipart body without its closing
    boundary, less than the declared length) is a 400 saying so (UPLOAD_BROKEN_OFF)."""
    content_type, _ = parse_options_header(request.headers.get("Content-Type"))
    try:
        if content_type != b"multipart/form-data":
            form = await request.form(max_files=max_files, max_fields=max_fields)
            # (Starlette reads no body of another type: an empty form, whose CSRF fails.)
            if content_type == b"application/x-www-form-urlencoded" and not _whole(request):
                raise LedgerError(400, UPLOAD_BROKEN_OFF)
            return form
        parser = _MultiPart(
            request.headers, request.stream(), max_files=max_files, max_fields=max_fields
        )
        form = await parser.parse()
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        raise LedgerError(400, FORM_UNREADABLE) from None
    except MultiPartException:
        raise LedgerError(400, FORM_UNREADABLE) from None
    except ClientDisconnect:
        raise LedgerError(400, UPLOAD_BROKEN_OFF) from None
    if not parser.complete or not _whole(request):
        parser.discard()
        raise LedgerError(400, UPLOAD_BROKEN_OFF)
    return form


def _whole(request: Request) -> bool:
    """Whether the body received (counted by Pages._bounded) is as long as the request said
    it would be; True when it said nothing (or nobody counted)."""
    length = request.headers.get("Content-Length", "")
    received = request.scope.get(RECEIVED)
    return not length.isdigit() or received is None or received == int(length)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    headers = exc.headers  # a 405's Allow
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, exc.status_code, headers=headers)
    page = f"<h1>{exc.status_code}</h1><p>{message}</p>"
    return HTMLResponse(page, exc.status_code, headers=headers)


def create_app(config: Config) -> Starlette:
    service = Service(config)
    pages = Pages(service)
    html, api, controller = pages.html, pages.api, "controller"
    board, submission = "/perioder/{period}", "/perioder/{period}/{template}"
    api_period, api_sub = "/api/periods/{period}", "/api/periods/{period}/submissions/{template}"
    post = ["POST"]
    routes = [
        Route("/", pages.home),
        Route("/logg-inn", pages.login, methods=["GET", "POST"]),
        Route("/logg-ut", pages.logout, methods=post),
        Route("/avdeling", html()(pages.department_home)),
        Route("/perioder", html(controller)(pages.periods), methods=["GET", "POST"]),
        Route(board, html(controller)(pages.board)),
        Route(board + "/las", html(controller)(pages.lock_form), methods=post),
        Route(board + "/las-opp", html(controller)(pages.lock_form), methods=post),
        Route(board + "/rapport", html(controller)(pages.build_form), methods=post),
        Route(submission, html()(pages.submission)),
        Route(submission + "/mal", html()(pages.template_download)),
        Route(submission + "/last-opp", html()(pages.upload_form), methods=post),
        Route(submission + "/godkjenn", html(controller)(pages.decide_form), methods=post),
        Route(submission + "/returner", html(controller)(pages.decide_form), methods=post),
        Route("/versjoner/{version:int}", html()(pages.version)),
        Route("/versjoner/{version:int}/fil", html()(pages.version_file)),
        Route("/versjoner/{version:int}/tilbakemelding", html()(pages.version_feedback)),
        Route("/rapporter/{report:int}/{kind:str}", html(controller)(pages.report_file)),
        Route(api_period, api(controller)(pages.api_open), methods=post),
        Route(api_period + "/lock", api(controller)(pages.api_lock), methods=post),
        Route(api_period + "/unlock", api(controller)(pages.api_lock), methods=post),
        Route(api_period + "/status", api(controller)(pages.api_status)),
        Route(api_period + "/report", api(controller)(pages.api_report), methods=post),
        Route(api_sub, api()(pages.api_upload), methods=["PUT"]),
        Route(api_sub, api()(pages.api_submission)),
        Route(api_sub + "/approve", api(controller)(pages.api_decide), methods=post),
        Route(api_sub + "/return", api(controller)(pages.api_decide), methods=post),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: pages.server_error},
    )
    app.state.service = service
    return app
