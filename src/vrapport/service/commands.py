"""The collection commands: `vrapport serve`, `vrapport token`, `vrapport status`.
Registered on the CLI app by `register`; the web stack is imported inside the commands."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from vrapport.console import console, data, fail

if TYPE_CHECKING:
    import socket

DataDir = Annotated[
    Path, typer.Argument(metavar="DATAMAPPE", help="Mappen der tjenesten lagrer alt.")
]
SchemasOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
    typer.Option(
        "--schemas", metavar="MAPPE", help="Mappe med egne spesifikasjoner (report.yaml og maler)."
    ),
]


def _specs(schemas: Path | None):  # type: ignore[no-untyped-def]
    from vrapport.spec import SpecError, load_specs

    try:
        return load_specs(schemas)
    except SpecError as exc:
        raise fail(f"spesifikasjonene kan ikke leses: {exc}") from None


MAX_UPLOAD_MB = 1024
# Characters of a department's upload comment in the status table (all of it: --json).
COMMENT_SHOWN = 60


def _ledger(data_dir: Path):  # type: ignore[no-untyped-def]
    """The data folder's ledger, opened (and made) for writing; a folder that cannot be (read
    only, full, of another user, a file where the ledger or the store must be) is one
    Norwegian line, not an internal error."""
    import sqlite3

    from vrapport.service.ledger import Ledger

    try:
        return Ledger(data_dir)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise fail(
            f"datamappen {data_dir} kan ikke brukes ({reason}); er den skrivebeskyttet, full "
            "eller en annen brukers?"
        ) from None


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (not yet listening: uvicorn listens once the app is warm),
    or a one-line Norwegian error."""
    import errno
    import socket

    where = f"{host}:{port}"
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise fail(f"adressen «{host}» finnes ikke (--host)") from None
    family, kind, proto, _, address = found[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reasons = {
            errno.EADDRINUSE: f"porten {port} på {host} er allerede i bruk (velg en annen med "
            "--port)",
            errno.EACCES: f"ingen tilgang til å lytte på {where} (porter under 1024 krever "
            "ekstra rettigheter)",
            errno.EADDRNOTAVAIL: f"adressen {host} tilhører ikke denne maskinen (--host)",
        }
        reason = reasons.get(exc.errno or 0, f"kan ikke lytte på {where} ({exc.strerror})")
        raise fail(reason) from None
    return sock


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    data_dir: DataDir,
    host: Annotated[
        str, typer.Option("--host", metavar="ADRESSE", help="Adressen tjenesten lytter på.")
    ] = ("127.0.0.1"),
    port: Annotated[
        int,
        typer.Option(
            "--port", metavar="PORT", help="Porten tjenesten lytter på (0: en ledig port)."
        ),
    ] = 8000,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", metavar="MB", help="Største fil som tas imot.")
    ] = 20,
    schemas: SchemasOption = None,
) -> None:
    """Start innsamlingstjenesten: avdelingene laster opp, controller godkjenner og bygger."""
    import signal

    import uvicorn

    from vrapport.service.app import create_app
    from vrapport.service.core import Config

    if not 0 <= port <= 65535:
        raise fail(f"--port må være mellom 0 og 65535, ikke {port}")
    if not 0 < max_upload_mb <= MAX_UPLOAD_MB:
        raise fail(
            f"--max-upload-mb må være større enn 0 og høyst {MAX_UPLOAD_MB}, "
            f"ikke {_number(max_upload_mb)}"
        )
    _specs(schemas)
    if data_dir.exists() and not data_dir.is_dir():
        raise fail(f"{data_dir} finnes og er ikke en mappe")
    sock = _listen(host, port)
    # Until uvicorn takes over the signals, SIGTERM (e.g. `kill`) during the warm-up stops
    # quietly; Isolated.run ends the fork server's child on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _ledger(data_dir)
        _hold(data_dir)
    except typer.Exit:
        sock.close()
        raise
    config = Config(data_dir, schemas, int(max_upload_mb * 1024 * 1024))
    app = create_app(config)
    announce = f"Innsamlingen kjører på {_address(sock)} (data i {data_dir}). Ctrl+C stopper."

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # the socket accepts connections now
                typer.echo(announce)

    Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


SERVICE_LOCK = "tjeneste.lock"  # in the data folder: held by the one `serve` using it
_held: list[Any] = []  # the open lock file, for the process's lifetime


def _hold(data_dir: Path) -> None:
    """Refuse a second `vrapport serve` on a data folder one is serving already: the two
    would share one ledger and store, each removing the files it alone knows it holds."""
    import fcntl

    lock = data_dir / SERVICE_LOCK
    try:
        handle = lock.open("a")
    except OSError as exc:
        raise fail(f"datamappen {data_dir} kan ikke brukes ({exc.strerror})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise fail(
            f"en annen innsamlingstjeneste bruker allerede datamappen {data_dir} (låsen "
            f"{SERVICE_LOCK} holdes); stopp den først, eller bruk en annen datamappe"
        ) from None
    _held.append(handle)


def token(
    data_dir: DataDir,
    controller: Annotated[bool, typer.Option("--controller", help="Nøkkel for controller.")] = (
        False
    ),
    department: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--department", metavar="MAL", help="Nøkkel for avdelingen med denne malen."),
    ] = None,
    url: Annotated[
        str,
        typer.Option(
            "--url", metavar="ADRESSE", help="Adressen brukerne når tjenesten på (for lenken)."
        ),
    ] = "http://127.0.0.1:8000",
    schemas: SchemasOption = None,
) -> None:
    """Lag en ny nøkkel (vises én gang); den forrige for samme rolle slutter å virke."""
    from vrapport.service.auth import CONTROLLER, DEPARTMENT, issue_token
    from vrapport.service.core import expected_templates

    if controller == (department is not None):
        raise fail("oppgi enten --controller eller --department MAL")
    if department is not None:
        known = expected_templates(_specs(schemas))
        if department not in known:
            raise fail(f"ukjent mal «{department}»; kjente: {', '.join(known)}")
    secret = issue_token(
        _ledger(data_dir), CONTROLLER if controller else DEPARTMENT, department or ""
    )
    who = "controller" if controller else f"avdelingen «{department}»"
    typer.echo(f"Ny nøkkel for {who} (vises bare nå; den forrige virker ikke lenger):")
    typer.echo(secret)
    typer.echo(f"Lenke: {url.rstrip('/')}/logg-inn?token={secret}")


def status(
    data_dir: DataDir,
    period: Annotated[
        str, typer.Option("--period", "-p", metavar="ÅÅÅÅ-MM", help="Perioden, f.eks. 2024-03.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv oversikten som JSON.")] = False,
    schemas: SchemasOption = None,
) -> None:
    """Vis innsamlingen for en periode: hvem som har levert, med feil, godkjent."""
    from rich.table import Table

    from vrapport.service.core import (
        comment_line,
        expected_templates,
        parse_period,
        status_payload,
    )
    from vrapport.service.ledger import (
        LEDGER_FILE,
        LedgerError,
        local_time,
        period_not_open,
    )

    if not (data_dir / LEDGER_FILE).is_file():
        raise fail(f"{data_dir} er ikke en datamappe for innsamlingen")
    try:
        the_period = parse_period(period)
    except LedgerError as exc:
        raise fail(exc.message) from None
    specs = _specs(schemas)
    ledger = _ledger(data_dir)
    if ledger.period(the_period) is None:
        raise fail(period_not_open(the_period))
    board = ledger.board(the_period, expected_templates(specs))
    if as_json:
        payload = status_payload(the_period, board)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Innsamling {the_period}")
    for column in ("Mal", "Status", "Versjoner", "Sist lastet opp", "Feil", "Advarsler"):
        table.add_column(column)
    # The comment the department sent with its latest version, as the board shows it.
    table.add_column("Avdelingens kommentar", overflow="fold")
    shortened = False
    for state in board:
        latest = state.latest
        shown = state.status
        if state.same_as_returned is not None and latest is not None:
            shown += f" (samme fil som returnert versjon {latest.same_as_seq})"
        said, cut = comment_line(latest.comment, COMMENT_SHOWN) if latest else ("", False)
        shortened = shortened or cut
        table.add_row(
            data(state.template),
            data(shown),
            str(state.versions),
            local_time(latest.uploaded_at) if latest else "",
            str(latest.errors) if latest else "",
            str(latest.warnings) if latest else "",
            f"«{data(said)}»" if said else "",
        )
    console().print(table, soft_wrap=False)
    if shortened:
        again = f"vrapport status {shlex.quote(str(data_dir))} --period {the_period} --json"
        console().print(
            "Lange kommentarer er forkortet (…); hele teksten står i «upload_comment» med "
            f"--json: {data(again)}"
        )


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(token)
    app.command()(status)
