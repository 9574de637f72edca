"""The service stays up: an upload whose check aborts or hangs becomes a finding, a child
process that aborts does not take the server with it, and concurrent uploads lose nothing.
Also the `token` and `status` commands."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests import corpus
from tests.service_support import (
    EXAMPLES,
    LOOPBACK,
    make_tokens,
    running_server,
    serve_process,
    stopped_from_outside,
)
from vrapport.cli import app as cli_app
from vrapport.service.app import create_app
from vrapport.service.core import Config, expected_templates
from vrapport.service.engine import DIED, KILLED, TIMEOUT, Isolated, JobFailed, Limits
from vrapport.service.ledger import Ledger, Received
from vrapport.spec import Specs

P = "2024-03"
LATER = "2024-04"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_child_that_aborts_is_a_failed_job_and_the_next_job_runs() -> None:
    isolated = Isolated(Limits(timeout=30, workers=1))
    with pytest.raises(JobFailed) as aborted:
        isolated.run(os.abort)  # SIGABRT, as a Rust panic in the reader would
    assert aborted.value.kind == DIED and "-6" in aborted.value.reason
    with pytest.raises(JobFailed) as slow:
        isolated.run(time.sleep, 5, timeout=0.5)
    assert slow.value.kind == TIMEOUT
    assert isolated.run(os.getpid) != os.getpid()


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_child_stopped_from_outside_is_killed_not_died(signum: int) -> None:
    """SIGKILL (the OOM killer, an administrator) or SIGTERM ends a child vrapport did not
    stop: that is no fault of what it was reading (an abort, SIGABRT, is; see above)."""
    isolated = Isolated(Limits(timeout=30, workers=1))
    with pytest.raises(JobFailed) as stopped:
        isolated.run(stopped_from_outside, signum)
    assert stopped.value.kind == KILLED and str(signum) in stopped.value.reason
    assert isolated.run(os.getpid) != os.getpid()


def test_a_check_stopped_from_outside_records_nothing_and_asks_to_send_again(
    tmp_path: Path,
) -> None:
    """A check whose process the OOM killer or an administrator stops is the service's
    trouble, not the file's: no version with a `parser-aborted` finding blaming the
    department's file, but a 503 asking to send it again (JSON and page alike)."""
    data = tmp_path / "data"
    tokens = make_tokens(data, ["hr"])
    app = create_app(Config(data))
    service = app.state.service
    real = service.isolated.run

    def stopped(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        if function.__name__ == "check_job":
            return real(stopped_from_outside, signal.SIGKILL)
        return real(function, *args, **kwargs)

    url = f"/api/periods/{P}/submissions/hr"
    hr = bearer(tokens.departments["hr"])
    book = (EXAMPLES / "hr.xlsx").read_bytes()
    with TestClient(app, follow_redirects=False) as client:
        client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        service.isolated.run = stopped
        answer = client.put(url, content=book, headers=hr)
        assert answer.status_code == 503 and answer.headers["retry-after"]
        assert "ikke på grunn av filen" in answer.json()["error"]
        assert "Last den opp på nytt" in answer.json()["error"]
        client.get("/logg-inn", params={"token": tokens.departments["hr"]})
        page = client.get(f"/perioder/{P}/hr").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token
        sent = client.post(
            f"/perioder/{P}/hr/last-opp",
            files={"fil": ("hr.xlsx", book)},
            data={"csrf": token.group(1)},
        )
        assert sent.status_code == 503 and "ikke på grunn av filen" in sent.text
        state = client.get(url, headers=hr).json()
        assert (state["status"], state["versions"]) == ("mangler", 0)
        # Nothing refers to the bytes the stopped uploads stored: they are gone.
        stored = service.ledger.blob(hashlib.sha256(book).hexdigest())
        assert not stored.exists()
        service.isolated.run = real
        fine = client.put(url, content=book, headers=hr).json()
        assert (fine["status"], fine["seq"], fine["again"]) == ("levert", 1, False)
        assert stored.is_file()
        # The same bytes stopped in another period: the file version 1 refers to stays.
        client.post(f"/api/periods/{LATER}", headers=bearer(tokens.controller))
        service.isolated.run = stopped
        later = f"/api/periods/{LATER}/submissions/hr"
        assert client.put(later, content=book, headers=hr).status_code == 503
        assert stored.read_bytes() == book


def test_a_released_upload_removes_only_bytes_it_stored_that_nothing_holds(
    tmp_path: Path,
) -> None:
    """Ledger.release removes an upload's file only when that upload put it in the store
    and nothing else has it: not while another upload of the same bytes is being checked,
    not when the file was there before (a feedback copy or report the service stored)."""
    ledger = Ledger(tmp_path / "data")

    def received(content: bytes) -> Received:
        tmp = ledger.new_temp()
        tmp.write_bytes(content)
        return ledger.receive(tmp)

    first, second = received(b"samme"), received(b"samme")
    assert first.sha256 == second.sha256
    ledger.release(first)  # the second upload is still being checked
    assert ledger.blob(first.sha256).read_bytes() == b"samme"
    ledger.release(second)  # the one that stored it is done, and nothing records it
    assert not ledger.blob(first.sha256).exists()
    made = tmp_path / "rapport.xlsx"
    made.write_bytes(b"laget av tjenesten")
    kept = ledger.store_file(made)
    ledger.release(received(b"laget av tjenesten"))
    assert ledger.blob(kept).is_file()
    # Stored by an upload, then by the service for itself (a feedback copy with the same
    # bytes) before the upload is done: kept.
    own = received(b"egen")
    made.write_bytes(b"egen")
    ledger.store_file(made)
    ledger.release(own)
    assert ledger.blob(own.sha256).is_file()


def test_a_reader_that_aborts_inside_a_job_is_a_failed_job(tmp_path: Path) -> None:
    """The grid's last cell makes python-calamine abort the process when pre-flight does not
    refuse the file first: inside a job, only the job's child dies."""
    member = corpus.sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    hostile = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx", tmp_path / "x.xlsx", {member: corpus.add_cell("XFD1048576")}
    )
    isolated = Isolated(Limits(timeout=60, workers=1))
    with pytest.raises(JobFailed) as aborted:
        isolated.run(corpus.calamine_unguarded, hostile, "x.xlsx")
    assert aborted.value.kind == DIED
    good = isolated.run(corpus.calamine_unguarded, EXAMPLES / "okonomi.xlsx", "okonomi.xlsx")
    assert "Resultat" in good.grids


def test_hostile_uploads_become_findings_and_the_service_answers(
    tmp_path: Path, specs: Specs
) -> None:
    data = tmp_path / "data"
    tokens = make_tokens(data, ["okonomi"])
    okonomi = bearer(tokens.departments["okonomi"])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    member = corpus.sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    crasher = corpus.rewrite(
        EXAMPLES / "okonomi.xlsx", tmp_path / "c.xlsx", {member: corpus.add_cell("XFD1048576")}
    )
    app = create_app(Config(data))
    with TestClient(app) as client:
        client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        url = f"/api/periods/{P}/submissions/okonomi"
        payloads = (crasher, bomb, b"%PDF-1.7\n" + os.urandom(2000), b"")
        for payload in payloads:
            content = payload.read_bytes() if isinstance(payload, Path) else payload
            body = client.put(url, content=content, headers=okonomi).json()
            assert body["status"] == "feil" and body["errors"] >= 1
            assert all(f["file"] == "okonomi.xlsx" for f in body["findings"])
        # A check that has to be killed (here: out of time) is a finding too.
        service = app.state.service
        normal = service.isolated
        service.isolated = Isolated(Limits(timeout=0.01, workers=1))
        killed = client.put(url, content=(EXAMPLES / "okonomi.xlsx").read_bytes(), headers=okonomi)
        finding = killed.json()["findings"][0]
        assert (finding["code"], finding["file"]) == ("file-too-slow", "okonomi.xlsx")
        assert "Det tok mer enn" in finding["message"]
        service.isolated = normal
        status = client.get(f"/api/periods/{P}/status", headers=bearer(tokens.controller))
        assert status.status_code == 200
        fine = client.put(url, content=(EXAMPLES / "okonomi.xlsx").read_bytes(), headers=okonomi)
        assert (fine.json()["status"], fine.json()["seq"]) == ("levert", 6)


def _variant(path: Path, n: int) -> bytes:
    """The workbook at `path` with every zip member dated day `n + 1` of 1980: the same content
    as other bytes (the same bytes again would be the same version)."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            info.date_time = (1980, 1, n + 1, 0, 0, 0)
            copy.writestr(info, source.read(info.filename))
    return out.getvalue()


def test_concurrent_uploads_to_a_real_server_lose_nothing(tmp_path: Path, specs: Specs) -> None:
    templates = expected_templates(specs)
    data = tmp_path / "data"
    tokens = make_tokens(data, templates)
    with running_server(data) as url:
        opened = httpx2.post(f"{url}/api/periods/{P}", headers=bearer(tokens.controller))
        assert opened.status_code == 201

        def upload(job: tuple[str, int]) -> dict:
            template, n = job
            response = httpx2.put(
                f"{url}/api/periods/{P}/submissions/{template}",
                content=_variant(EXAMPLES / f"{template}.xlsx", n),
                headers=bearer(tokens.departments[template]),
                timeout=120,
            )
            assert response.status_code == 200, response.text
            return dict(response.json(), template=template)

        with ThreadPoolExecutor(max_workers=8) as pool:
            # Each template's file twice at once: the same bytes are one version, not two.
            pairs = [r for n in range(2) for r in pool.map(upload, [(t, n) for t in templates] * 2)]
            # Then three different files of each template at once: recorded in turn, each
            # compared with the version before it.
            raced = list(pool.map(upload, [(t, n) for n in range(2, 5) for t in templates]))
        status = httpx2.get(f"{url}/api/periods/{P}/status", headers=bearer(tokens.controller))
    for template in templates:
        twice = [r for r in pairs if r["template"] == template]
        assert sorted(r["seq"] for r in twice) == [1, 1, 2, 2], template
        assert [r["again"] for r in twice].count(True) == 2, template
        mine = [r for r in raced if r["template"] == template]
        assert sorted(r["seq"] for r in mine) == [3, 4, 5], template
        assert all(r["compared_with"] == r["seq"] - 1 for r in mine), template
    rows = status.json()["submissions"]
    assert all(r["versions"] == 5 and r["status"] == "levert" for r in rows)


def test_a_flood_of_uploads_of_one_template_does_not_stall_the_others(
    tmp_path: Path, specs: Specs
) -> None:
    """Uploads of one template wait for each other without holding a worker thread: many
    sent at once by one department (more than the thread pool's 40) leave the threads free
    for the board and for the other departments."""
    import threading

    data = tmp_path / "data"
    tokens = make_tokens(data, ["okonomi", "hr"])
    app = create_app(Config(data))
    service = app.state.service
    release, real = threading.Event(), service._record_upload

    def slow(period: str, template: str, sha256: str, comment: str):  # type: ignore[no-untyped-def]
        if template == "okonomi":
            release.wait(60)  # a check that takes its time
        return real(period, template, sha256, comment)

    service._record_upload = slow
    with TestClient(app) as client:
        client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        url = f"/api/periods/{P}/submissions"
        okonomi = bearer(tokens.departments["okonomi"])
        answers: list[int] = []

        def flood(n: int) -> None:
            body = _variant(EXAMPLES / "okonomi.xlsx", n % 28) + bytes([n])
            answers.append(client.put(f"{url}/okonomi", content=body, headers=okonomi).status_code)

        senders = [threading.Thread(target=flood, args=(n,)) for n in range(50)]
        for sender in senders:
            sender.start()
        time.sleep(1)
        others: dict[str, int] = {}

        def meanwhile() -> None:
            hr = bearer(tokens.departments["hr"])
            sent = client.put(f"{url}/hr", content=(EXAMPLES / "hr.xlsx").read_bytes(), headers=hr)
            status = client.get(f"/api/periods/{P}/status", headers=bearer(tokens.controller))
            others.update(hr=sent.status_code, status=status.status_code)

        other = threading.Thread(target=meanwhile)
        other.start()
        other.join(30)
        stalled = other.is_alive()
        release.set()
        other.join()
        for sender in senders:
            sender.join()
    assert not stalled, "hr and the board waited for okonomi's uploads"
    assert others == {"hr": 200, "status": 200}
    assert answers == [200] * 50


def test_token_and_status_commands(tmp_path: Path, specs: Specs) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    made = runner.invoke(cli_app, ["token", str(data), "--department", "hr"])
    assert made.exit_code == 0, made.output
    secret = made.output.splitlines()[1]
    assert f"/logg-inn?token={secret}" in made.output
    wrong = runner.invoke(cli_app, ["token", str(data), "--department", "ukjent"])
    assert wrong.exit_code == 2 and "ukjent mal" in wrong.output
    neither = runner.invoke(cli_app, ["token", str(data)])
    assert neither.exit_code == 2
    controller = runner.invoke(cli_app, ["token", str(data), "--controller"]).output.splitlines()[1]
    with TestClient(create_app(Config(data))) as client:
        client.post(f"/api/periods/{P}", headers=bearer(controller))
        client.put(
            f"/api/periods/{P}/submissions/hr",
            content=(EXAMPLES / "hr.xlsx").read_bytes(),
            headers=bearer(secret),
        )
        api = client.get(f"/api/periods/{P}/status", headers=bearer(controller)).json()
    shown = runner.invoke(cli_app, ["status", str(data), "--period", P, "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.output) == api
    table = runner.invoke(cli_app, ["status", str(data), "--period", P])
    assert "levert" in table.output and "mangler" in table.output
    closed = runner.invoke(cli_app, ["status", str(data), "--period", "2024-04"])
    assert closed.exit_code == 2 and "ikke åpnet" in closed.output
    missing = runner.invoke(cli_app, ["status", str(tmp_path / "nei"), "--period", P])
    assert missing.exit_code == 2 and "datamappe" in missing.output


@pytest.mark.parametrize("broken", ["ledger.sqlite3", "filer"])
@pytest.mark.parametrize("command", [["token", "--controller"], ["serve", "--port", "0"]])
def test_a_data_folder_that_cannot_be_written_is_one_norwegian_line(
    tmp_path: Path, broken: str, command: list[str]
) -> None:
    """A read-only or damaged data folder is the user's to fix, not an internal error."""
    data = tmp_path / "data"
    (data / broken).mkdir(parents=True)  # a folder where the ledger (or a file) must be
    if broken == "filer":
        (data / broken).rmdir()
        (data / broken).write_text("ikke en mappe")
    made = CliRunner().invoke(cli_app, [command[0], str(data), *command[1:]])
    assert made.exit_code == 2, made.output
    [line] = made.output.splitlines()
    assert line.startswith(f"Feil: datamappen {data} kan ikke brukes"), line
    assert "Intern feil" not in made.output


# -- vrapport serve ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--port", "99999"], "--port må være mellom 0 og 65535, ikke 99999"),
        (["--port", "-1"], "--port må være mellom 0 og 65535, ikke -1"),
        (["--max-upload-mb", "-1"], "--max-upload-mb må være større enn 0 og høyst 1024, ikke -1"),
        (["--max-upload-mb", "0"], "--max-upload-mb må være større enn 0 og høyst 1024, ikke 0"),
        (["--host", "finnes.ikke.invalid"], "adressen «finnes.ikke.invalid» finnes ikke"),
    ],
)
def test_serve_refuses_bad_options_with_one_norwegian_line(
    tmp_path: Path, options: list[str], said: str
) -> None:
    made = CliRunner().invoke(cli_app, ["serve", str(tmp_path / "data"), *options])
    assert made.exit_code == 2
    [line] = made.output.splitlines()
    assert line.startswith(f"Feil: {said}")
    assert not (tmp_path / "data").exists(), "nothing is started or created"


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        made = CliRunner().invoke(
            cli_app, ["serve", str(tmp_path / "data"), "--host", LOOPBACK, "--port", str(port)]
        )
    assert made.exit_code == 2
    assert made.output.splitlines() == [
        f"Feil: porten {port} på {LOOPBACK} er allerede i bruk (velg en annen med --port)"
    ]


def test_a_second_serve_on_a_data_folder_in_use_is_refused(tmp_path: Path) -> None:
    """Two services on one data folder shared the ledger and the store, each removing the
    files only it knew it held: the second now stops with one Norwegian line, and the first
    goes on serving."""
    data = tmp_path / "data"
    with running_server(data) as url:
        pipe = subprocess.PIPE
        second = serve_process(data, "--port", "0", stdout=pipe, stderr=pipe)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 2, (out, err)
        assert out.splitlines() + err.splitlines() == [
            f"Feil: en annen innsamlingstjeneste bruker allerede datamappen {data} (låsen "
            "tjeneste.lock holdes); stopp den først, eller bruk en annen datamappe"
        ]
        assert httpx2.get(url + "/logg-inn").status_code == 200
    with running_server(data) as url:  # the first one stopped: its lock is gone with it
        assert httpx2.get(url + "/logg-inn").status_code == 200


def test_serve_announces_the_real_address_once_it_accepts_connections(tmp_path: Path) -> None:
    pipe = subprocess.PIPE
    server = serve_process(tmp_path / "data", "--port", "0", stdout=pipe, stderr=pipe)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.fullmatch(
            r"Innsamlingen kjører på http://127\.0\.0\.1:(\d+)/ \(data i .+\)\. "
            r"Ctrl\+C stopper\.\n",
            line,
        )
        assert found, line
        port = int(found.group(1))
        assert port != 0
        # Announced only now: the port takes connections at once (no retrying).
        with socket.create_connection((LOOPBACK, port), timeout=5):
            pass
        assert httpx2.get(f"http://{LOOPBACK}:{port}/logg-inn").status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    assert (server.returncode, out, err) == (0, "", "")


def test_sigterm_during_the_warm_up_stops_quietly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = serve_process(data, "--port", "0", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # The ledger is made just before the fork server warms up (which takes seconds).
    while not (data / "ledger.sqlite3").exists() and server.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    assert (server.returncode, out, err) == (0, "", "")


def test_a_signal_while_a_job_is_handed_over_waits_until_the_child_has_it() -> None:
    # `kill` during the warm-up once left the fork server's new child reading half its job
    # (a traceback on stderr); the hand-over now holds SIGTERM and SIGINT.
    from vrapport.service import engine

    events: list[str] = []

    class Child:
        def start(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # an unheld signal's handler would have run by now
            events.append("started")

    def note(*_: object) -> None:
        events.append("signal")

    previous = signal.signal(signal.SIGTERM, note)
    try:
        engine._start(Child())
        assert signal.getsignal(signal.SIGTERM) is note  # given back
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert events == ["started", "signal"]


def test_a_template_is_made_once_however_many_download_it_at_once(tmp_path: Path) -> None:
    """Downloads of one template wait for each other in the event loop, and the template made
    for the first is the one the others get (the same inputs give the same bytes): a flood of
    downloads makes it once. A new approved version to fill it from makes it anew."""
    data = tmp_path / "data"
    tokens = make_tokens(data, ["prosjekt"])
    app = create_app(Config(data))
    service = app.state.service
    made: list[str] = []
    real = service.isolated.run

    def counting(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        if function.__name__ == "template_job":
            made.append(args[1])
        return real(function, *args, **kwargs)

    service.isolated.run = counting
    with TestClient(app) as client:
        controller = bearer(tokens.controller)
        client.post(f"/api/periods/{P}", headers=controller)
        assert (
            client.get("/logg-inn", params={"token": tokens.departments["prosjekt"]}).status_code
            == 200
        )
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: client.get(f"/perioder/{P}/prosjekt/mal"), range(12)))
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1
        assert made == [P]
        # Last period's approved version is what a template is filled from: a new one counts.
        client.post("/api/periods/2024-02", headers=controller)
        department = bearer(tokens.departments["prosjekt"])
        previous = EXAMPLES.parent / "2024-02" / "prosjekt.xlsx"
        sent = client.put(
            "/api/periods/2024-02/submissions/prosjekt",
            content=previous.read_bytes(),
            headers=department,
        ).json()
        approved = client.post(
            "/api/periods/2024-02/submissions/prosjekt/approve",
            headers=controller,
            json={"version": sent["version"]},
        )
        assert approved.status_code == 200
        assert client.get(f"/perioder/{P}/prosjekt/mal").status_code == 200
        assert made == [P, P]
