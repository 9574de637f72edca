"""The collection service over HTTP (Starlette's TestClient): every route, every role
boundary, the ledger's rules, and reports equal to `vrapport build` on the same files."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests import corpus
from tests.conftest import EXAMPLES, PERIOD, read_grids, set_cells
from tests.service_support import PREVIOUS, Tokens, make_tokens
from vrapport.cli import app as cli_app
from vrapport.pipeline import build
from vrapport.report.sheetnames import FRONT_SHEET
from vrapport.service.app import create_app
from vrapport.service.auth import COOKIE
from vrapport.service.core import Config, expected_templates
from vrapport.service.engine import changed_cells
from vrapport.service.ledger import Ledger, Seen, too_large
from vrapport.spec import Specs

P = str(PERIOD)


@pytest.fixture
def templates(specs: Specs) -> list[str]:
    return expected_templates(specs)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def tokens(data_dir: Path, templates: list[str]) -> Tokens:
    return make_tokens(data_dir, templates)


@pytest.fixture
def client(data_dir: Path, tokens: Tokens) -> Iterator[TestClient]:
    with TestClient(create_app(Config(data_dir)), follow_redirects=False) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def put(client: TestClient, token: str, template: str, path: Path, period: str = P):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/periods/{period}/submissions/{template}",
        content=path.read_bytes(),
        headers=bearer(token),
    )


def approve(client: TestClient, controller: dict[str, str], template: str, period: str = P):  # type: ignore[no-untyped-def]
    """Approve the latest version of `template`, naming it, as the API requires."""
    state = client.get(f"/api/periods/{period}/submissions/{template}", headers=controller)
    version = state.json()["version"]
    return client.post(
        f"/api/periods/{period}/submissions/{template}/approve",
        headers=controller,
        json={"version": version},
    )


def upload_form(client: TestClient, token: str, template: str, body: bytes, **fields: str):  # type: ignore[no-untyped-def]
    """Log in as the department of `token` and send `body` through its page's upload form
    (with the page's CSRF value and any other `fields`, such as `kommentar`)."""
    login(client, token)
    page = client.get(f"/perioder/{P}/{template}").text
    files = {"fil": (f"{template}.xlsx", body)}
    data = {"csrf": csrf(page), **fields}
    return client.post(f"/perioder/{P}/{template}/last-opp", files=files, data=data)


def login(client: TestClient, token: str) -> None:
    response = client.get("/logg-inn", params={"token": token})
    assert response.status_code == 303


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def shown_version(board: str, template: str) -> str:
    """The version the board's decision forms for `template` say the controller saw."""
    row = board.split(f'id="rad-{template}"')[1].split("</tr>")[0]
    found = re.search(r'name="versjon" value="([0-9a-f]{64})"', row)
    assert found, f"no decision form for {template}"
    return found.group(1)


def decision_form(board: str, template: str) -> dict[str, str]:
    """The fields the board's decision forms for `template` carry: the CSRF value, and the
    state the controller saw (the version, its number, the decisions made so far)."""
    row = board.split(f'id="rad-{template}"')[1].split("</tr>")[0]
    fields = dict(re.findall(r'name="(versjon|nr|vedtak)" value="([^"]*)"', row))
    assert set(fields) == {"versjon", "nr", "vedtak"}, f"no decision form for {template}"
    return {"csrf": csrf(board), **fields}


@pytest.fixture
def opened(client: TestClient, tokens: Tokens) -> str:
    response = client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
    assert response.status_code == 201
    return P


# -- tokens -----------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_a_new_one_revokes_the_old(
    client: TestClient, data_dir: Path, tokens: Tokens
) -> None:
    raw = (data_dir / "ledger.sqlite3").read_bytes()
    assert tokens.controller.encode() not in raw
    assert client.post(f"/api/periods/{P}", headers=bearer(tokens.controller)).status_code == 201
    fresh = make_tokens(data_dir, ["okonomi"])
    assert client.post(f"/api/periods/{P}", headers=bearer(tokens.controller)).status_code == 401
    assert client.post(f"/api/periods/{P}", headers=bearer(fresh.controller)).status_code == 200
    old, new = tokens.departments["okonomi"], fresh.departments["okonomi"]
    assert put(client, old, "okonomi", EXAMPLES / "okonomi.xlsx").status_code == 401
    assert put(client, new, "okonomi", EXAMPLES / "okonomi.xlsx").status_code == 200
    # Another department's token is untouched by okonomi's new one.
    assert put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx").status_code == 200


def test_api_refuses_without_a_valid_bearer_token(client: TestClient, tokens: Tokens) -> None:
    assert client.post(f"/api/periods/{P}").status_code == 401
    assert client.post(f"/api/periods/{P}", headers=bearer("feil")).status_code == 401
    login(client, tokens.controller)  # a session cookie is no API credential
    response = client.get(f"/api/periods/{P}/status")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# -- periods and uploads ----------------------------------------------------------------------


def test_opening_a_period_is_idempotent_and_for_the_controller_only(
    client: TestClient, tokens: Tokens
) -> None:
    department = bearer(tokens.departments["okonomi"])
    assert client.post(f"/api/periods/{P}", headers=department).status_code == 403
    first = client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
    again = client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    malformed = client.post("/api/periods/2024-13", headers=bearer(tokens.controller))
    assert malformed.status_code == 400
    assert "måned 13 finnes ikke" in malformed.json()["error"]


def test_clean_upload_is_delivered_with_its_sha256(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    response = put(client, tokens.departments["okonomi"], "okonomi", EXAMPLES / "okonomi.xlsx")
    assert response.status_code == 200
    body = response.json()
    import hashlib

    assert body["version"] == hashlib.sha256((EXAMPLES / "okonomi.xlsx").read_bytes()).hexdigest()
    assert (body["status"], body["errors"], body["seq"]) == ("levert", 0, 1)


def test_upload_with_errors_is_stored_as_feil_with_sheet_and_cell(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    bad = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    response = put(client, tokens.departments["okonomi"], "okonomi", bad)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "feil" and body["errors"] >= 1
    finding = next(f for f in body["findings"] if f["cell"] == "F6")
    assert finding["sheet"] == "Resultat" and finding["severity"] == "error"
    assert "«abc»" in finding["message"]
    status = client.get(f"/api/periods/{P}/status", headers=bearer(tokens.controller)).json()
    row = next(s for s in status["submissions"] if s["template"] == "okonomi")
    assert (row["status"], row["errors"]) == ("feil", body["errors"])


def test_upload_boundaries(client: TestClient, tokens: Tokens, opened: str) -> None:
    okonomi = tokens.departments["okonomi"]
    assert put(client, okonomi, "hr", EXAMPLES / "hr.xlsx").status_code == 403
    assert put(client, okonomi, "okonomi", EXAMPLES / "okonomi.xlsx", "2024-04").status_code == 404
    assert put(client, okonomi, "ukjent", EXAMPLES / "okonomi.xlsx").status_code == 404
    assert put(client, okonomi, "..%2F..%2Fetc", EXAMPLES / "okonomi.xlsx").status_code == 404
    lock = client.post(f"/api/periods/{P}/lock", headers=bearer(tokens.controller))
    assert lock.json() == {"period": P, "locked": True}
    locked = put(client, okonomi, "okonomi", EXAMPLES / "okonomi.xlsx")
    assert locked.status_code == 409 and "låst" in locked.json()["error"]
    client.post(f"/api/periods/{P}/unlock", headers=bearer(tokens.controller))
    assert put(client, okonomi, "okonomi", EXAMPLES / "okonomi.xlsx").status_code == 200


def test_a_file_of_another_template_is_an_error(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    body = put(client, tokens.departments["okonomi"], "okonomi", EXAMPLES / "hr.xlsx").json()
    assert body["status"] == "feil"
    assert body["findings"][0]["code"] == "wrong-template"
    assert "«hr»" in body["findings"][0]["message"]


def test_too_large_upload_is_refused_while_streaming(data_dir: Path, tokens: Tokens) -> None:
    limit = 4096
    with TestClient(create_app(Config(data_dir, max_upload=limit))) as small:
        small.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        declared = put(small, tokens.departments["okonomi"], "okonomi", EXAMPLES / "okonomi.xlsx")
        assert declared.status_code == 413
        # Without a Content-Length the body is counted as it arrives.
        chunks = iter([b"x" * 3000, b"x" * 3000])
        streamed = small.put(
            f"/api/periods/{P}/submissions/okonomi",
            content=chunks,
            headers=bearer(tokens.departments["okonomi"]),
        )
        assert streamed.status_code == 413
        assert "større enn grensen" in streamed.json()["error"]
    # Far above the limit: still vrapport's own Norwegian answer, for the API and the form.
    huge = b"x" * (limit + 2 * 1024 * 1024)
    department = tokens.departments["okonomi"]
    app = create_app(Config(data_dir, max_upload=limit))
    with TestClient(app, follow_redirects=False) as small:
        api = small.put(
            f"/api/periods/{P}/submissions/okonomi", content=huge, headers=bearer(department)
        )
        assert api.status_code == 413
        assert api.json() == {"error": too_large(limit)}
        login(small, department)
        token = csrf(small.get(f"/perioder/{P}/okonomi").text)
        files = {"fil": ("okonomi.xlsx", huge)}
        form = small.post(f"/perioder/{P}/okonomi/last-opp", files=files, data={"csrf": token})
        assert form.status_code == 413
        assert "text/html" in form.headers["content-type"]
        assert "Filen er for stor" in form.text and "større enn grensen" in form.text
    assert not list((data_dir / "filer").rglob("*")), "nothing too large is kept"
    assert not list((data_dir / "tmp").iterdir())


def _asgi(app: Any, method: str, path: str, headers: dict[str, str], parts: list[Any]):  # type: ignore[no-untyped-def]
    """Call the app as a server would, the body arriving as `parts` (bytes, then
    "disconnect": the client went away): (status, body) of the answer."""
    import asyncio

    messages = [
        {"type": "http.request", "body": part, "more_body": True}
        if isinstance(part, bytes)
        else {"type": "http.disconnect"}
        for part in parts
    ]
    if messages and messages[-1]["type"] == "http.request":
        messages[-1]["more_body"] = False
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body.decode()


def test_an_upload_broken_off_says_so_and_stores_nothing(
    data_dir: Path, tokens: Tokens, opened: str, client: TestClient
) -> None:
    """A body that stops half-way (the connection lost, the browser closed) was read as a
    form without its file: «Velg filen du vil laste opp», as if none had been chosen."""
    department = tokens.departments["hr"]
    login(client, department)
    token = csrf(client.get(f"/perioder/{P}/hr").text)
    upload = f"/perioder/{P}/hr/last-opp"
    book = (EXAMPLES / "hr.xlsx").read_bytes()
    request = client.build_request(
        "POST", upload, data={"csrf": token}, files={"fil": ("hr.xlsx", book)}
    )
    body, kind = request.read(), request.headers["Content-Type"]
    closing = body.rindex(b"--\r\n")  # the closing boundary's end
    for cut in (body[: len(body) // 2], body[:closing]):
        answer = client.post(upload, content=cut, headers={"Content-Type": kind})
        assert answer.status_code == 400
        assert "Opplastingen ble brutt av før hele filen var mottatt" in answer.text
        assert "Ingenting er lagret; last opp filen på nytt." in answer.text
        assert "Velg filen" not in answer.text
    app, cookie = client.app, f"{COOKIE}={department}"
    form = {"Content-Type": kind, "Cookie": cookie, "Content-Length": str(len(body))}
    gone = _asgi(app, "POST", upload, form, [body[:4000], "disconnect"])
    assert gone[0] == 400 and "brutt av" in gone[1]
    api = f"/api/periods/{P}/submissions/hr"
    raw = {"Authorization": f"Bearer {department}", "Content-Length": str(len(book))}
    for parts in ([book[:4000], "disconnect"], [book[:4000]]):  # gone; shorter than declared
        status, text = _asgi(app, "PUT", api, raw, parts)
        assert status == 400 and "brutt av" in text
    state = client.get(api, headers=bearer(department)).json()
    assert (state["status"], state["versions"]) == ("mangler", 0)
    assert not list((data_dir / "filer").rglob("*")), "nothing broken off is kept"
    assert not list((data_dir / "tmp").iterdir())
    # A body of another type is not read at all: no form, not one broken off.
    for other in ("text/plain", "application/json"):
        answer = client.post(upload, content=b'{"csrf": "x"}', headers={"Content-Type": other})
        assert answer.status_code == 403 and "brutt av" not in answer.text
    # The whole file, sent again, is received.
    whole = client.post(upload, content=body, headers={"Content-Type": kind})
    assert whole.status_code == 303


def test_changes_are_against_the_last_readable_version_of_the_same_template(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    okonomi = tokens.departments["okonomi"]
    pdf = example_copy("okonomi.xlsx").with_name("rapport.pdf")
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    first = put(client, okonomi, "okonomi", pdf).json()
    assert (first["seq"], first["changes"], first["compared_with"]) == (1, None, None)
    # After an unreadable upload there is nothing to compare with (not "0 changes").
    real = put(client, okonomi, "okonomi", EXAMPLES / "okonomi.xlsx").json()
    assert (real["seq"], real["changes"], real["compared_with"]) == (2, None, None)
    # Another template's file in this slot is neither compared nor compared with.
    other = put(client, okonomi, "okonomi", EXAMPLES / "hr.xlsx").json()
    assert (other["seq"], other["changes"], other["compared_with"]) == (3, None, None)
    edited = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": 123456})
    fourth = put(client, okonomi, "okonomi", edited).json()
    assert (fourth["seq"], fourth["changes"], fourth["compared_with"]) == (4, 1, 2)
    login(client, okonomi)
    pages = {
        v.seq: client.get(f"/versjoner/{v.id}").text
        for v in client.app.state.service.ledger.versions(P, "okonomi")  # type: ignore[attr-defined]
    }
    assert "kunne ikke leses som malen «okonomi»" in pages[1]
    assert "Ingen tidligere versjon kunne leses som malen «okonomi»" in pages[2]
    assert "kunne ikke leses som malen «okonomi»" in pages[3]
    # The department's list of versions leaves «Endrede celler» empty where nothing was
    # compared (it said 0 for versions 2 and 3), and counts version 4's one cell.
    department = client.get(f"/perioder/{P}/okonomi").text
    changed = dict(
        re.findall(
            r">Versjon (\d)</a></td><td>[^<]*</td><td class=\"num\">\d+</td>"
            r"<td class=\"num\">\d+</td><td>([^<]*)</td>",
            department,
        )
    )
    assert changed == {"1": "", "2": "", "3": "", "4": "1"}
    assert re.search(r"1 celle er endret siden <a href=\"/versjoner/\d+\">versjon 2</a>", pages[4])
    assert re.search(r"<td>Resultat</td><td>F6</td><td>[^<]+</td><td>123[ \xa0]?456", pages[4])


def test_a_ledger_from_before_the_comparison_columns_keeps_its_versions(
    client: TestClient,
    data_dir: Path,
    tokens: Tokens,
    opened: str,
    example_copy: Callable[[str], Path],
) -> None:
    changed = set_cells(example_copy("hr.xlsx"), "Sykefravær", {"B6": 11000})
    for path in (EXAMPLES / "hr.xlsx", changed, EXAMPLES / "hr.xlsx"):
        put(client, tokens.departments["hr"], "hr", path)
    with sqlite3.connect(data_dir / "ledger.sqlite3") as db:
        db.execute("ALTER TABLE versions DROP COLUMN readable")
        db.execute("ALTER TABLE versions DROP COLUMN compared_seq")
        db.execute("ALTER TABLE versions DROP COLUMN same_as_seq")
        db.execute("ALTER TABLE versions DROP COLUMN comment")
    versions = Ledger(data_dir).versions(P, "hr")
    shown = [(v.seq, v.readable, v.compared_seq, v.same_as_seq, v.comment) for v in versions]
    assert shown == [(3, True, 2, 1, ""), (2, True, 1, None, ""), (1, True, None, None, "")]


def test_files_are_stored_by_sha256_read_only(
    client: TestClient, data_dir: Path, tokens: Tokens, opened: str
) -> None:
    body = put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx").json()
    stored = data_dir / "filer" / body["version"][:2] / body["version"]
    assert stored.read_bytes() == (EXAMPLES / "hr.xlsx").read_bytes()
    assert stored.stat().st_mode & 0o222 == 0
    names = {p.name for p in (data_dir / "filer").rglob("*") if p.is_file()}
    assert all(re.fullmatch(r"[0-9a-f]{64}", n) for n in names)
    assert data_dir.stat().st_mode & 0o777 == 0o700  # for the service's user only


def test_ledger_is_sqlite_in_wal_mode(client: TestClient, data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "ledger.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- status, approve, return ------------------------------------------------------------------


def test_status_lists_every_expected_template(
    client: TestClient, tokens: Tokens, opened: str, templates: list[str]
) -> None:
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    assert (
        client.get(f"/api/periods/{P}/status", headers=bearer(tokens.departments["hr"])).status_code
        == 403
    )
    status = client.get(f"/api/periods/{P}/status", headers=bearer(tokens.controller)).json()
    assert status["period"] == P
    assert [s["template"] for s in status["submissions"]] == templates
    by = {s["template"]: s for s in status["submissions"]}
    assert by["hr"]["status"] == "levert" and by["hr"]["uploaded_at"]
    assert by["okonomi"] == {
        "template": "okonomi",
        "status": "mangler",
        "version": None,
        "versions": 0,
        "seq": None,
        "decisions": 0,
        "errors": 0,
        "warnings": 0,
        "uploaded_at": None,
        "comment": None,
        "returned_comment": None,
        "same_as": None,
        "same_as_returned": False,
        "approved_before": None,
        "upload_comment": None,
    }
    assert (
        client.get("/api/periods/2024-05/status", headers=bearer(tokens.controller)).status_code
        == 404
    )


def test_approve_return_and_upload_again(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    url = f"/api/periods/{P}/submissions/hr/approve"
    back = f"/api/periods/{P}/submissions/hr/return"
    nothing = client.post(url, headers=controller, json={"version": "0" * 64})
    assert nothing.status_code == 409  # nothing delivered
    put(client, hr, "hr", EXAMPLES / "hr.xlsx")
    assert client.post(url, headers=bearer(hr), json={"version": "0" * 64}).status_code == 403
    # Approving names the version: «the latest» could be one uploaded since anyone looked.
    unnamed = client.post(url, headers=controller)
    assert unnamed.status_code == 400 and "«version»" in unnamed.json()["error"]
    returned = client.post(back, headers=controller, json={"comment": "Sjekk sykefraværet."})
    assert returned.json()["status"] == "returnert"
    for empty in ({}, {"comment": "  "}):
        silent = client.post(back, headers=controller, json=empty)
        assert silent.status_code == 400 and "kommentar" in silent.json()["error"]
    assert client.post(back, headers=controller).status_code == 400
    mine = client.get(f"/api/periods/{P}/submissions/hr", headers=bearer(hr)).json()
    assert (mine["status"], mine["comment"]) == ("returnert", "Sjekk sykefraværet.")
    assert (
        client.get(f"/api/periods/{P}/submissions/okonomi", headers=bearer(hr)).status_code == 403
    )
    again = put(client, hr, "hr", set_cells(example_copy("hr.xlsx"), "Sykefravær", {"B6": 11000}))
    assert (again.json()["seq"], again.json()["status"]) == (2, "levert")
    assert approve(client, controller, "hr").json()["status"] == "godkjent"
    # A version with errors cannot be approved.
    bad = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    put(client, tokens.departments["okonomi"], "okonomi", bad)
    refused = approve(client, controller, "okonomi")
    assert refused.status_code == 409 and "feil" in refused.json()["error"]


def test_only_the_version_the_controller_saw_is_approved(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    """The board's forms carry the version shown; a version uploaded after the page was
    loaded is not approved (or returned) unseen: 409, and the new one stays delivered."""
    hr = tokens.departments["hr"]
    first = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()["version"]
    login(client, tokens.controller)
    board = client.get(f"/perioder/{P}").text
    assert shown_version(board, "hr") == first
    changed = set_cells(example_copy("hr.xlsx"), "Sykefravær", {"B6": 11000})
    second = put(client, hr, "hr", changed).json()
    assert second["version"] != first
    form = decision_form(board, "hr")
    stale = client.post(f"/perioder/{P}/hr/godkjenn", data=form)
    assert stale.status_code == 409 and "versjon 2" in stale.text
    back = client.post(f"/perioder/{P}/hr/returner", data={**form, "kommentar": "Nei."})
    assert back.status_code == 409
    missing = client.post(f"/perioder/{P}/hr/godkjenn", data={"csrf": csrf(board)})
    assert missing.status_code == 400
    api = f"/api/periods/{P}/submissions/hr/approve"
    controller = bearer(tokens.controller)
    assert client.post(api, headers=controller, json={"version": first}).status_code == 409
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert state["status"] == "levert"
    done = client.post(api, headers=controller, json={"version": second["version"]})
    assert done.status_code == 200 and done.json()["status"] == "godkjent"


def test_a_decision_made_on_a_page_loaded_before_another_decision_is_refused(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    """Two tabs show the board; one approves: the other's return (or approval) is refused
    with 409 saying what was decided since, and the approval stands (the last one won)."""
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    login(client, tokens.controller)
    first_tab = decision_form(client.get(f"/perioder/{P}").text, "hr")
    second_tab = decision_form(client.get(f"/perioder/{P}").text, "hr")
    assert (first_tab["nr"], first_tab["vedtak"]) == ("1", "0")
    assert client.post(f"/perioder/{P}/hr/godkjenn", data=second_tab).status_code == 303
    stale = client.post(f"/perioder/{P}/hr/returner", data={**first_tab, "kommentar": "Nei."})
    assert stale.status_code == 409
    assert re.search(
        r"Versjon 1 av «HR/HMS» ble godkjent \d\d\.\d\d\.\d{4} kl\. \d\d:\d\d \(i en annen fane",
        stale.text,
    )
    assert "etter at du åpnet siden" in stale.text and "last siden på nytt" in stale.text
    assert f'href="/perioder/{P}#rad-hr" id="tilbake"' in stale.text
    again = client.post(f"/perioder/{P}/hr/godkjenn", data=first_tab)
    assert again.status_code == 409
    controller = bearer(tokens.controller)
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert (state["status"], state["decisions"]) == ("godkjent", 1)
    # Reloaded, the board says what it is now, and a decision on it is made.
    fresh = decision_form(client.get(f"/perioder/{P}").text, "hr")
    assert fresh["vedtak"] == "1"
    back = client.post(f"/perioder/{P}/hr/returner", data={**fresh, "kommentar": "Se B6."})
    assert back.status_code == 303
    # A form without the state it was rendered with (an older page) says to load it again.
    bare = {"csrf": fresh["csrf"], "versjon": fresh["versjon"], "kommentar": "x"}
    assert client.post(f"/perioder/{P}/hr/returner", data=bare).status_code == 400
    # The API: «decisions» (and «seq») as the status said them, checked when given.
    api = f"/api/periods/{P}/submissions/hr/approve"
    old = {"version": state["version"], "seq": 1, "decisions": 1}
    refused = client.post(api, headers=controller, json=old)
    assert refused.status_code == 409 and "ble returnert" in refused.json()["error"]
    assert "«Se B6.»" in refused.json()["error"]
    wrong = client.post(api, headers=controller, json={**old, "decisions": "1"})
    assert wrong.status_code == 400 and "«decisions»" in wrong.json()["error"]
    done = client.post(api, headers=controller, json={**old, "decisions": 2})
    assert (done.status_code, done.json()["decisions"]) == (200, 3)


def test_of_decisions_made_at_once_on_the_same_view_one_is_made(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    """Eight approvals and returns sent at once on the same view: one is made, the others
    are refused (409), not each made in turn with the last one winning."""
    from concurrent.futures import ThreadPoolExecutor

    from vrapport.service.ledger import LedgerError

    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    service = client.app.state.service  # type: ignore[attr-defined]
    state = service.ledger.state(P, "hr")

    def decide(i: int) -> int:
        action = "godkjent" if i % 2 else "returnert"
        try:
            service.decide(P, "hr", action, f"Vedtak {i}", Seen(state.latest.sha256, 1, 0))
        except LedgerError as exc:
            return exc.status
        return 200

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(decide, range(8)))
    assert sorted(answers) == [200] + [409] * 7
    after = service.ledger.state(P, "hr")
    assert after.decisions == 1
    made = answers.index(200)
    assert after.status == ("godkjent" if made % 2 else "returnert")


@pytest.mark.parametrize(
    "body",
    [
        {"comment": None},
        {"comment": {"a": 1}},
        {"comment": 5},
        [1],
        {"comment": "Se B6.", "version": 7},
    ],
)
def test_a_decision_body_of_other_types_is_refused(
    client: TestClient, tokens: Tokens, opened: str, body: Any
) -> None:
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    controller = bearer(tokens.controller)
    answer = client.post(f"/api/periods/{P}/submissions/hr/return", headers=controller, json=body)
    assert answer.status_code == 400
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert state["status"] == "levert" and state["comment"] is None


@pytest.mark.parametrize(
    "raw",
    [
        b'{"comment": "Se B6.\\ud800"}',  # a lone surrogate: no text SQLite can store
        b"[" * 20_000 + b"]" * 20_000,  # nested deeper than the JSON parser recurses
    ],
)
def test_a_decision_body_that_is_no_storable_text_is_a_json_400(
    data_dir: Path, tokens: Tokens, raw: bytes
) -> None:
    app = create_app(Config(data_dir))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
        controller = bearer(tokens.controller)
        url = f"/api/periods/{P}/submissions/hr/return"
        answer = client.post(url, headers=controller, content=raw)
        assert answer.status_code == 400
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["error"].startswith("Innholdet")
        state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
        assert state["status"] == "levert" and state["comment"] is None


def test_a_full_disk_or_a_failing_ledger_is_a_norwegian_answer_not_a_bare_500(
    data_dir: Path, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import sqlite3

    app = create_app(Config(data_dir))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        client.post(f"/api/periods/{P}", headers=bearer(tokens.controller))
        hr = tokens.departments["hr"]
        login(client, hr)

        def full(*_: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(Ledger, "_place", full)
        api = put(client, hr, "hr", EXAMPLES / "hr.xlsx")
        assert api.status_code == 503
        assert api.headers["content-type"] == "application/json"
        assert "lagret" in api.json()["error"]
        monkeypatch.undo()

        def broken(*_: Any) -> Any:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(Ledger, "active_tokens", broken)
        page = client.get(f"/perioder/{P}/hr")
        assert page.status_code == 503 and "text/html" in page.headers["content-type"]
        assert "<html" in page.text.lower() and "lagret" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        monkeypatch.undo()

        def bug(*_: Any) -> Any:
            raise RuntimeError("a bug")

        monkeypatch.setattr(Ledger, "state", bug)
        state = client.get(f"/api/periods/{P}/submissions/hr", headers=bearer(hr))
        assert state.status_code == 500 and "Noe gikk galt" in state.json()["error"]
        assert "a bug" not in state.text
    assert not list((data_dir / "tmp").iterdir())


def test_another_departments_version_is_not_found_as_a_missing_one_is(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    """A department cannot tell another's versions from ids that do not exist."""
    put(client, tokens.departments["okonomi"], "okonomi", EXAMPLES / "okonomi.xlsx")
    ledger = client.app.state.service.ledger  # type: ignore[attr-defined]
    seq_id = ledger.versions(P, "okonomi")[0].id
    login(client, tokens.departments["hr"])
    for path in (f"/versjoner/{seq_id}", f"/versjoner/{seq_id}/fil", "/versjoner/999999"):
        answer = client.get(path)
        assert answer.status_code == 404 and "Versjonen finnes ikke." in answer.text, path
    login(client, tokens.departments["okonomi"])
    assert client.get(f"/versjoner/{seq_id}").status_code == 200


def test_ids_beyond_sqlites_integers_are_not_found(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    login(client, tokens.controller)
    huge = "9" * 20
    for path in (f"/versjoner/{huge}", f"/versjoner/{huge}/fil", f"/rapporter/{huge}/xlsx"):
        answer = client.get(path)
        assert answer.status_code == 404, path


def test_the_first_period_there_can_be_has_no_period_before_it(
    client: TestClient, tokens: Tokens
) -> None:
    first = "2000-01"
    assert (
        client.post(f"/api/periods/{first}", headers=bearer(tokens.controller)).status_code == 201
    )
    login(client, tokens.departments["okonomi"])
    assert client.get(f"/perioder/{first}/okonomi").status_code == 200
    template = client.get(f"/perioder/{first}/okonomi/mal")
    assert template.status_code == 200 and template.content[:2] == b"PK"


# -- the report -------------------------------------------------------------------------------


def test_report_needs_every_approval_unless_partial(
    client: TestClient, tokens: Tokens, opened: str, templates: list[str]
) -> None:
    controller = bearer(tokens.controller)
    assert (
        client.post(
            f"/api/periods/{P}/report", headers=bearer(tokens.departments["hr"])
        ).status_code
        == 403
    )
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    approve(client, controller, "hr")
    refused = client.post(f"/api/periods/{P}/report", headers=controller)
    assert refused.status_code == 409
    assert refused.json()["not_approved"] == [t for t in templates if t != "hr"]
    partial = client.post(f"/api/periods/{P}/report?partial=1", headers=controller)
    assert partial.status_code == 200
    grids = read_grids(_saved(partial.content))
    assert "5 HR-HMS" in grids
    okonomi = grids["2 Økonomi"]
    assert any("Ikke levert" in str(v) for row in okonomi for v in row)


def test_partial_report_says_why_a_chapter_is_missing_and_marks_the_front_page(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    controller = bearer(tokens.controller)
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    approve(client, controller, "hr")
    put(client, tokens.departments["kvalitet"], "kvalitet", EXAMPLES / "kvalitet.xlsx")
    back = {"comment": "Avvikstallene mangler."}
    client.post(f"/api/periods/{P}/submissions/kvalitet/return", headers=controller, json=back)
    partial = client.post(f"/api/periods/{P}/report?partial=1", headers=controller)
    assert partial.status_code == 200
    grids = read_grids(_saved(partial.content))
    texts = {name: [str(v) for row in grid for v in row if v] for name, grid in grids.items()}
    # The board reads the departments' titles, not the templates' ids.
    kvalitet = [t for name, cells in texts.items() for t in cells if "«Kvalitet" in t]
    assert kvalitet == [
        "Ikke godkjent: kapittelet mangler fordi innsendingen fra «Kvalitet "
        "(avviksmeldinger)» for mars 2024 ble returnert og ikke er godkjent."
    ]
    okonomi = [t for cells in texts.values() for t in cells if "«Økonomi»" in t]
    assert okonomi == [
        "Ikke levert: kapittelet mangler fordi det ikke kom inn noen innsending fra «Økonomi» "
        "for mars 2024."
    ]
    front = [t for t in texts[FRONT_SHEET] if t.startswith("Delvis rapport")]
    assert len(front) == 1 and "2. Økonomi" in front[0] and "6. Avviksmeldinger" in front[0]
    assert "5." not in front[0]
    # The key figures say the same as the chapters: returned is not «Ikke levert».
    panel = {
        cells[0]: cells[1]
        for cells in ([str(v) for v in row if v] for row in grids[FRONT_SHEET])
        if len(cells) > 1
    }
    assert panel["Åpne avvik i DocMap"] == "Ikke godkjent"
    assert panel["Resultat hittil i år, avvik mot budsjett"] == "Ikke levert"


def test_report_from_approved_versions_equals_vrapport_build(
    client: TestClient,
    tokens: Tokens,
    opened: str,
    templates: list[str],
    specs: Specs,
    tmp_path: Path,
    example_copy: Callable[[str], Path],
) -> None:
    controller = bearer(tokens.controller)
    # A faulty first version of okonomi is stored but never used.
    bad = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    assert put(client, tokens.departments["okonomi"], "okonomi", bad).json()["status"] == "feil"
    versions = {}
    for template in templates:
        body = put(
            client, tokens.departments[template], template, EXAMPLES / f"{template}.xlsx"
        ).json()
        versions[template] = body["version"]
        assert approve(client, controller, template).status_code == 200
    response = client.post(f"/api/periods/{P}/report", headers=controller)
    assert response.status_code == 200
    served = read_grids(_saved(response.content))
    expected = tmp_path / "cli.xlsx"
    assert not build([EXAMPLES], PERIOD, expected, specs).blocked
    cli = read_grids(expected)
    assert served.keys() == cli.keys()
    for sheet in cli:
        assert served[sheet] == cli[sheet], sheet
    # Kilder names the SHA-256 of the version used for each department.
    kilder = [v for row in served["Kilder"] for v in row]
    for template, sha in versions.items():
        assert sha in kilder, template


def _saved(content: bytes) -> Path:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.write(content)
    handle.close()
    return Path(handle.name)


# -- HTML pages -------------------------------------------------------------------------------


def test_department_link_logs_in_and_shows_only_its_own_template(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    assert client.get("/avdeling").headers["location"] == "/logg-inn"
    failed = client.get("/logg-inn", params={"token": "gjettet"})
    assert failed.status_code == 401 and "ikke gyldig" in failed.text
    login(client, tokens.departments["hr"])
    home = client.get("/avdeling")
    assert home.headers["location"] == f"/perioder/{P}/hr"
    page = client.get(f"/perioder/{P}/hr")
    assert page.status_code == 200 and "HR/HMS – mars 2024" in page.text
    assert "mangler" in page.text
    assert client.get(f"/perioder/{P}/okonomi").status_code == 403
    assert client.get(f"/perioder/{P}/okonomi/mal").status_code == 403
    assert client.get(f"/perioder/{P}").status_code == 403
    assert client.get("/perioder").status_code == 403
    assert client.get(f"/perioder/{P}/..%2F..%2Fledger.sqlite3").status_code == 404
    assert client.get("/perioder/..%2F/hr").status_code == 404


def test_forms_need_the_csrf_value(client: TestClient, tokens: Tokens, opened: str) -> None:
    login(client, tokens.departments["hr"])
    files = {"fil": ("hr.xlsx", (EXAMPLES / "hr.xlsx").read_bytes())}
    refused = client.post(f"/perioder/{P}/hr/last-opp", files=files, data={"csrf": "0" * 64})
    assert refused.status_code == 403
    token = csrf(client.get(f"/perioder/{P}/hr").text)
    accepted = client.post(f"/perioder/{P}/hr/last-opp", files=files, data={"csrf": token})
    assert accepted.status_code == 303
    # A department's CSRF value does not work for the controller's session.
    login(client, tokens.controller)
    forged = client.post(f"/perioder/{P}/hr/godkjenn", data={"csrf": token})
    assert forged.status_code == 403


def test_department_uploads_sees_findings_and_downloads_feedback(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    login(client, tokens.departments["okonomi"])
    token = csrf(client.get(f"/perioder/{P}/okonomi").text)
    bad = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    done = client.post(
        f"/perioder/{P}/okonomi/last-opp",
        files={"fil": ("min fil.xlsx", bad.read_bytes())},
        data={"csrf": token},
    )
    version = client.get(done.headers["location"])
    assert version.status_code == 200
    assert "har 1 feil" in version.text or "feil som må rettes" in version.text
    assert re.search(r"<td>Resultat</td><td>F6</td><td>[^<]*«abc»", version.text)
    feedback = client.get(done.headers["location"].split("?")[0] + "/tilbakemelding")
    assert feedback.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(feedback.content))
    assert workbook.sheetnames[0] == "Tilbakemelding"
    assert "«abc»" in workbook["Resultat"]["F6"].comment.text
    # Upload the corrected file: the version page names the cell that changed.
    fixed = client.post(
        f"/perioder/{P}/okonomi/last-opp",
        files={"fil": ("okonomi.xlsx", (EXAMPLES / "okonomi.xlsx").read_bytes())},
        data={"csrf": token},
    )
    second = client.get(fixed.headers["location"])
    assert "ingen feil" in second.text
    assert re.search(r"<td>Resultat</td><td>F6</td><td>abc</td><td>[^<]+</td>", second.text)
    original = client.get(fixed.headers["location"].split("?")[0] + "/fil")
    assert original.content == (EXAMPLES / "okonomi.xlsx").read_bytes()


def test_returned_submission_shows_the_comment_to_the_department(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    login(client, tokens.controller)
    board = client.get(f"/perioder/{P}").text
    form = decision_form(board, "hr")
    empty = client.post(f"/perioder/{P}/hr/returner", data={**form, "kommentar": " "})
    assert empty.status_code == 400
    done = client.post(
        f"/perioder/{P}/hr/returner", data={**form, "kommentar": "Mangler <sykefravær>."}
    )
    assert done.status_code == 303
    login(client, tokens.departments["hr"])
    page = client.get(f"/perioder/{P}/hr").text
    assert "Controller har returnert innsendingen" in page
    assert "«Mangler &lt;sykefravær&gt;.»" in page  # escaped, never markup


def test_controller_board_approves_locks_and_builds(
    client: TestClient, tokens: Tokens, templates: list[str], specs: Specs
) -> None:
    login(client, tokens.controller)
    periods = client.get("/perioder")
    token = csrf(periods.text)
    opened = client.post("/perioder", data={"csrf": token, "periode": P})
    assert opened.headers["location"] == f"/perioder/{P}"
    put(client, tokens.departments["hr"], "hr", EXAMPLES / "hr.xlsx")
    board = client.get(f"/perioder/{P}").text
    rows = re.findall(r'<tr id="rad-([a-z_]+)">', board)
    assert rows == templates
    hr_row = board.split('id="rad-hr"')[1].split("</tr>")[0]
    assert "status-levert" in hr_row and "Godkjenn" in hr_row
    # The board names each status in words, as the department's page does.
    assert ">Levert, venter på godkjenning</span>" in hr_row
    assert ">Ikke levert</span>" in board.split('id="rad-okonomi"')[1].split("</tr>")[0]
    approve = client.post(f"/perioder/{P}/hr/godkjenn", data=decision_form(board, "hr"))
    assert approve.status_code == 303
    assert "status-godkjent" in client.get(f"/perioder/{P}").text.split('id="rad-hr"')[1]
    client.post(f"/perioder/{P}/las", data={"csrf": token})
    locked = client.get(f"/perioder/{P}").text
    assert "Perioden er låst" in locked
    late = put(client, tokens.departments["okonomi"], "okonomi", EXAMPLES / "okonomi.xlsx")
    assert late.status_code == 409
    refused = client.post(f"/perioder/{P}/rapport", data={"csrf": token})
    assert refused.status_code == 409 and "Ikke godkjent ennå" in refused.text
    built = client.post(f"/perioder/{P}/rapport", data={"csrf": token, "delvis": "1"})
    assert built.status_code == 303
    link = re.search(r'href="(/rapporter/\d+/xlsx)"', client.get(f"/perioder/{P}").text)
    assert link
    report = client.get(link.group(1))
    assert report.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "5 HR-HMS" in read_grids(_saved(report.content))
    login(client, tokens.departments["hr"])
    assert client.get(link.group(1)).status_code == 403


def test_template_download_is_prefilled_from_last_periods_approved_version(
    client: TestClient, tokens: Tokens, specs: Specs, tmp_path: Path
) -> None:
    controller = bearer(tokens.controller)
    client.post("/api/periods/2024-02", headers=controller)
    put(client, tokens.departments["prosjekt"], "prosjekt", PREVIOUS / "prosjekt.xlsx", "2024-02")
    approve(client, controller, "prosjekt", "2024-02")
    client.post(f"/api/periods/{P}", headers=controller)
    login(client, tokens.departments["prosjekt"])
    page = client.get(f"/perioder/{P}/prosjekt").text
    assert "Forhåndsutfylt fra forrige periodes godkjente innsending" in page
    download = client.get(f"/perioder/{P}/prosjekt/mal")
    assert download.status_code == 200
    assert "prosjekt_2024-03.xlsx" in download.headers["content-disposition"]
    served = read_grids(_saved(download.content))
    # The same template `vrapport templates 2024-03 --only prosjekt --from 2024-02/` makes.
    from typer.testing import CliRunner

    from vrapport.cli import app as cli_app

    command = ["templates", P, "--only", "prosjekt", "--from", str(PREVIOUS)]
    made_by_cli = CliRunner().invoke(cli_app, [*command, "--out", str(tmp_path / "cli")])
    assert made_by_cli.exit_code == 0, made_by_cli.output
    made = read_grids(tmp_path / "cli" / "prosjekt_2024-03.xlsx")
    assert served == made
    blank = client.get(f"/perioder/{P}/prosjekt/mal")  # still the same: nothing changed
    assert read_grids(_saved(blank.content)) == made


def test_login_form_needs_its_csrf_value(client: TestClient, tokens: Tokens) -> None:
    secret = tokens.controller
    # A form posted from elsewhere: no login cookie, or a value not belonging to it.
    refused = client.post("/logg-inn", data={"token": secret})
    assert refused.status_code == 403 and "Skjemaet er utløpt" in refused.text
    assert COOKIE not in client.cookies
    page = client.get("/logg-inn")
    forged = client.post("/logg-inn", data={"token": secret, "csrf": "0" * 64})
    assert forged.status_code == 403 and COOKIE not in client.cookies
    page = client.get("/logg-inn")
    # A login post far too long is refused as such, not as a file too large.
    long = client.post("/logg-inn", data={"token": "x" * 100_000, "csrf": csrf(page.text)})
    assert long.status_code == 413 and "Forespørselen er for stor." in long.text
    assert "<h1>For mye data på én gang</h1>" in long.text and "Filen" not in long.text
    page = client.get("/logg-inn")
    accepted = client.post("/logg-inn", data={"token": secret, "csrf": csrf(page.text)})
    assert accepted.status_code == 303 and client.cookies.get(COOKIE) == secret
    assert client.get("/perioder").status_code == 200


def test_cookies_are_secure_when_the_service_is_reached_over_https(
    data_dir: Path, tokens: Tokens
) -> None:
    """Behind a TLS proxy (uvicorn takes the scheme from X-Forwarded-Proto) the session
    cookie, which holds the key, is never sent back over plain HTTP."""
    app = create_app(Config(data_dir))
    for base, secure in (("https://testserver", True), ("http://testserver", False)):
        with TestClient(app, base_url=base, follow_redirects=False) as client:
            form = client.get("/logg-inn").headers["set-cookie"]
            linked = client.get("/logg-inn", params={"token": tokens.controller})
            session = next(c for c in linked.headers.get_list("set-cookie") if COOKIE in c)
            for cookie in (form, session):
                assert ("; Secure" in cookie) is secure, cookie
                assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_logout_needs_csrf_and_clears_the_session(client: TestClient, tokens: Tokens) -> None:
    login(client, tokens.controller)
    token = csrf(client.get("/perioder").text)
    assert client.post("/logg-ut", data={"csrf": token}).status_code == 303
    assert client.get("/perioder").headers["location"] == "/logg-inn"


def test_a_data_folder_given_relative_to_the_working_directory_checks_uploads(
    tmp_path: Path, templates: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the README starts it: `vrapport serve data/` (the stored file was linked by its
    # relative path, so the check found nothing at the link).
    monkeypatch.chdir(tmp_path)
    relative = Path("data")
    tokens = make_tokens(relative, templates)
    with TestClient(create_app(Config(relative)), follow_redirects=False) as client:
        assert (
            client.post(f"/api/periods/{P}", headers=bearer(tokens.controller)).status_code == 201
        )
        response = put(client, tokens.departments["okonomi"], "okonomi", EXAMPLES / "okonomi.xlsx")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["errors"]) == ("levert", 0)


def test_a_form_starlette_cannot_parse_gets_a_norwegian_page(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    login(client, tokens.departments["hr"])
    token = csrf(client.get(f"/perioder/{P}/hr").text)
    upload = f"/perioder/{P}/hr/last-opp"
    book = (EXAMPLES / "hr.xlsx").read_bytes()
    two = client.post(upload, files=[("fil", ("a.xlsx", book)), ("fil", ("b.xlsx", book))])
    many = client.post(upload, data={"csrf": token, **{f"f{i}": "x" for i in range(30)}})
    bare = client.post(upload, content=b"x", headers={"Content-Type": "multipart/form-data"})
    for answer in (two, many, bare):
        assert answer.status_code == 400
        assert "Skjemaet kunne ikke leses" in answer.text and "Maximum" not in answer.text
        assert "<html" in answer.text.lower()  # the site's page, not a bare message


def test_what_a_killed_service_left_in_tmp_is_removed_when_it_starts_again(
    data_dir: Path,
) -> None:
    from vrapport.service.ledger import LEFTOVER_AGE, Ledger

    tmp = data_dir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    partial, job, fresh = tmp / "upload-abc", tmp / "jobb-abc", tmp / "upload-new"
    partial.write_bytes(b"PK\x03\x04 half an upload")
    job.mkdir()
    (job / "okonomi.xlsx").write_bytes(b"x")
    fresh.write_bytes(b"an upload in progress")
    old = time.time() - LEFTOVER_AGE - 60
    for path in (partial, job / "okonomi.xlsx", job):
        os.utime(path, (old, old))
    Ledger(data_dir)
    assert not partial.exists() and not job.exists()
    assert fresh.exists()  # younger than any upload takes: perhaps another's, left alone


def test_the_same_file_again_is_that_version_and_keeps_its_approval(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    first = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()
    assert first["again"] is False
    assert approve(client, controller, "hr").json()["status"] == "godkjent"
    again = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()
    assert (again["again"], again["seq"], again["status"]) == (True, 1, "godkjent")
    assert again["version"] == first["version"]
    sent = upload_form(client, hr, "hr", (EXAMPLES / "hr.xlsx").read_bytes())
    assert sent.headers["location"].endswith("?ny=igjen")
    page = client.get(sent.headers["location"]).text
    assert "Filen er den samme som versjon 1" in page and "(status: Godkjent)" in page
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert (state["versions"], state["status"]) == (1, "godkjent")


def test_the_returned_file_sent_again_is_a_new_delivery_the_controller_sees(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    """A department that holds a returned file is right («we checked, the file is right»)
    sends the same file again: that is a new version, delivered again and awaiting the
    controller, who sees it is the returned file unchanged (it stayed «returnert», and the
    department could not contest the return)."""
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    first = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()
    back = f"/api/periods/{P}/submissions/hr/return"
    client.post(back, headers=controller, json={"comment": "Sjekk sykefraværet i B6."})
    sent = upload_form(client, hr, "hr", (EXAMPLES / "hr.xlsx").read_bytes())
    assert sent.headers["location"].endswith("?ny=1")
    page = client.get(sent.headers["location"]).text
    assert "Filen er den samme som versjon 1, som controller returnerte." in page
    assert "levert på nytt som versjon 2 og venter på godkjenning" in page
    assert "status-levert" in page
    department = client.get(f"/perioder/{P}/hr").text
    assert 'id="status">Levert, venter på godkjenning</span>' in department
    assert "(samme fil som versjon 1)" in department
    # Sent once more (a double submit): that version, no third one.
    twice = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()
    assert (twice["again"], twice["seq"], twice["status"]) == (True, 2, "levert")
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert (state["versions"], state["status"], state["version"]) == (2, "levert", first["version"])
    assert (state["same_as"], state["same_as_returned"]) == (1, True)
    assert state["returned_comment"] == "Sjekk sykefraværet i B6."
    login(client, tokens.controller)
    board = client.get(f"/perioder/{P}").text
    row = board.split('id="rad-hr"')[1].split("</tr>")[0]
    assert "status-levert" in row
    assert (
        "<strong>Levert på nytt uendret</strong>: samme fil som versjon 1, som ble returnert "
        "(«Sjekk sykefraværet i B6.»)"
    ) in row
    latest = re.search(r'href="(/versjoner/\d+)"', row)
    assert latest
    version = client.get(latest.group(1)).text
    assert "versjon 2" in version and 'id="samme-fil"' in version
    assert "som controller returnerte" in version and "«Sjekk sykefraværet i B6.»" in version
    approved = client.post(f"/perioder/{P}/hr/godkjenn", data=decision_form(board, "hr"))
    assert approved.status_code == 303
    done = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert (done["status"], done["versions"]) == ("godkjent", 2)


def test_a_department_says_why_it_sends_the_returned_file_again(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    """The upload form takes a comment, stored with the version and shown (escaped, line
    breaks kept) on the version page and the board's row, and in the API's status."""
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    put(client, hr, "hr", EXAMPLES / "hr.xlsx")
    back = f"/api/periods/{P}/submissions/hr/return"
    client.post(back, headers=controller, json={"comment": "Sjekk sykefraværet i B6."})
    login(client, hr)
    page = client.get(f"/perioder/{P}/hr").text
    assert 'name="kommentar" maxlength="1000"' in page
    files = {"fil": ("hr.xlsx", (EXAMPLES / "hr.xlsx").read_bytes())}
    why = "Vi har sjekket B6 <mot lønnssystemet>:\r\ntallet er riktig.\u202e"
    long = {"csrf": csrf(page), "kommentar": "x" * 1001}
    refused = client.post(f"/perioder/{P}/hr/last-opp", files=files, data=long)
    assert refused.status_code == 400 and "for lang (1001 tegn; høyst 1000)" in refused.text
    assert (
        client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()["versions"] == 1
    )
    form = {"csrf": csrf(page), "kommentar": why}
    sent = client.post(f"/perioder/{P}/hr/last-opp", files=files, data=form)
    assert sent.status_code == 303
    version = client.get(sent.headers["location"]).text
    stored = "Vi har sjekket B6 &lt;mot lønnssystemet&gt;:\ntallet er riktig."
    assert f'<span class="kommentar">{stored}</span>' in version  # escaped, never markup
    assert "Deres kommentar: «Vi har sjekket B6" in client.get(f"/perioder/{P}/hr").text
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()
    assert (state["versions"], state["status"]) == (2, "levert")
    assert state["upload_comment"] == "Vi har sjekket B6 <mot lønnssystemet>:\ntallet er riktig."
    login(client, tokens.controller)
    board = client.get(f"/perioder/{P}").text
    row = board.split('id="rad-hr"')[1].split("</tr>")[0]
    assert f"Avdelingens kommentar: «{stored}»" in row and "Levert på nytt uendret" in row
    # Set as the note above it (small, muted; test_service_browser compares the type).
    assert '<span class="muted kommentar" id="avdelingens-kommentar-hr">' in row
    assert '<span class="muted" id="uendret-hr">' in row
    latest = re.search(r'href="(/versjoner/\d+)"', row)
    assert latest
    version = client.get(latest.group(1)).text
    assert stored in version
    # The controller who read the comment decides on the version page, as on the board.
    form = version.split('id="vedtak"')[1].split("</div>")[0]
    fields = dict(re.findall(r'name="(versjon|nr|vedtak)" value="([^"]*)"', form))
    assert fields == {"versjon": state["version"], "nr": "2", "vedtak": "1"}
    approved = client.post(f"/perioder/{P}/hr/godkjenn", data={"csrf": csrf(version), **fields})
    assert approved.status_code == 303
    assert (
        client.get(f"/api/periods/{P}/submissions/hr", headers=controller).json()["status"]
        == "godkjent"
    )
    login(client, hr)  # the department's page of the version has no decision forms
    assert 'id="vedtak"' not in client.get(latest.group(1)).text


def test_an_upload_comment_through_the_api_and_one_that_makes_no_version(
    client: TestClient, tokens: Tokens, opened: str
) -> None:
    hr = tokens.departments["hr"]
    url = f"/api/periods/{P}/submissions/hr"
    body = (EXAMPLES / "hr.xlsx").read_bytes()
    first = client.put(
        url, params={"comment": "Første levering."}, content=body, headers=bearer(hr)
    )
    assert (first.json()["comment"], first.json()["comment_dropped"]) == ("Første levering.", False)
    # The same clean file again makes no new version: the comment is not stored, and says so.
    again = client.put(url, params={"comment": "Igjen."}, content=body, headers=bearer(hr))
    assert again.json()["again"] is True
    assert (again.json()["comment"], again.json()["comment_dropped"]) == ("Første levering.", True)
    too_long = client.put(url, params={"comment": "æ" * 1001}, content=body, headers=bearer(hr))
    assert too_long.status_code == 400 and "høyst 1000" in too_long.json()["error"]
    sent = upload_form(client, hr, "hr", body, kommentar="Igjen.")
    assert sent.headers["location"].endswith("?ny=igjen&uten_kommentar=1")
    page = client.get(sent.headers["location"]).text
    assert 'id="kommentar-ikke-lagret"' in page and "Kommentaren ble ikke lagret" in page
    assert "Første levering." in page


def test_the_returned_file_sent_again_through_the_api_is_delivered_again(
    client: TestClient,
    data_dir: Path,
    tokens: Tokens,
    opened: str,
    example_copy: Callable[[str], Path],
) -> None:
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    put(client, hr, "hr", EXAMPLES / "hr.xlsx")
    back = f"/api/periods/{P}/submissions/hr/return"
    client.post(back, headers=controller, json={"comment": "Sjekk B6."})
    again = put(client, hr, "hr", EXAMPLES / "hr.xlsx").json()
    assert (again["again"], again["seq"], again["status"]) == (False, 2, "levert")
    assert (again["same_as"], again["same_as_returned"]) == (1, True)
    assert (again["changes"], again["compared_with"]) == (0, 1)
    shown = CliRunner().invoke(
        cli_app, ["status", str(data_dir), "--period", P], env={"COLUMNS": "200"}
    )
    assert "levert (samme fil som returnert versjon 1)" in shown.output
    # A changed file is no longer the returned one; the same file as an earlier version the
    # controller did not return says which one it equals, but contests nothing.
    changed = set_cells(example_copy("hr.xlsx"), "Sykefravær", {"B6": 11000})
    other = put(client, hr, "hr", changed).json()
    assert (other["seq"], other["same_as"], other["same_as_returned"]) == (3, None, False)
    board = client.get(f"/api/periods/{P}/status", headers=controller).json()
    (row,) = [r for r in board["submissions"] if r["template"] == "hr"]
    assert (row["status"], row["same_as"], row["same_as_returned"]) == ("levert", None, False)


def test_status_shows_each_departments_upload_comment_on_one_line(
    client: TestClient, data_dir: Path, tokens: Tokens, opened: str
) -> None:
    """`vrapport status` shows the comment the department sent with its current version, as
    the board does: on one line, printed as text (never rich markup, no control characters),
    a long one shortened with «…» and a pointer to --json, which holds all of it."""
    hr, okonomi = tokens.departments["hr"], tokens.departments["okonomi"]
    url = f"/api/periods/{P}/submissions"
    short = "Sjekket [bold]B6[/bold]\nmot lønnssystemet."
    client.put(
        f"{url}/hr",
        params={"comment": short},
        content=(EXAMPLES / "hr.xlsx").read_bytes(),
        headers=bearer(hr),
    )
    long = "Tallene for mars er rettet etter revisjonen. " * 4
    client.put(
        f"{url}/okonomi",
        params={"comment": long},
        content=(EXAMPLES / "okonomi.xlsx").read_bytes(),
        headers=bearer(okonomi),
    )
    # A ledger written before comments were cleaned may hold an escape sequence.
    with sqlite3.connect(data_dir / "ledger.sqlite3") as db:
        db.execute(
            "UPDATE versions SET comment = ? WHERE template = 'hr'", (short + "\x07\u202e\x1b",)
        )
    shown = CliRunner().invoke(
        cli_app, ["status", str(data_dir), "--period", P], env={"COLUMNS": "250"}
    )
    assert shown.exit_code == 0, shown.output
    (hr_row,) = [r for r in shown.output.splitlines() if r.startswith("│ hr ")]
    assert "«Sjekket [bold]B6[/bold] mot lønnssystemet.»" in hr_row
    assert "\x1b" not in shown.output and "\u202e" not in shown.output
    (okonomi_row,) = [r for r in shown.output.splitlines() if r.startswith("│ okonomi ")]
    said = re.search(r"«([^»]*)»", okonomi_row)
    assert said and said.group(1).endswith("…") and len(said.group(1)) <= 60
    assert long.startswith(said.group(1)[:-1])
    assert "Lange kommentarer er forkortet" in shown.output and "--json" in shown.output
    whole = CliRunner().invoke(cli_app, ["status", str(data_dir), "--period", P, "--json"])
    by = {s["template"]: s for s in json.loads(whole.output)["submissions"]}
    assert by["okonomi"]["upload_comment"] == long.strip()


def test_the_return_comment_stays_in_the_api_after_a_new_upload(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    hr, controller = tokens.departments["hr"], bearer(tokens.controller)
    put(client, hr, "hr", EXAMPLES / "hr.xlsx")
    back = f"/api/periods/{P}/submissions/hr/return"
    client.post(back, headers=controller, json={"comment": "Sjekk B6."})
    put(client, hr, "hr", set_cells(example_copy("hr.xlsx"), "Sykefravær", {"B6": 11000}))
    state = client.get(f"/api/periods/{P}/submissions/hr", headers=bearer(hr)).json()
    assert (state["status"], state["comment"]) == ("levert", None)
    assert state["returned_comment"] == "Sjekk B6."


def test_a_method_not_allowed_names_the_allowed_ones(client: TestClient) -> None:
    answer = client.delete("/logg-inn")
    assert answer.status_code == 405 and "GET" in answer.headers["allow"]


def test_the_upload_banner_counts_warnings_in_the_right_number(
    client: TestClient, tokens: Tokens, opened: str, example_copy: Callable[[str], Path]
) -> None:
    login(client, tokens.departments["okonomi"])
    token = csrf(client.get(f"/perioder/{P}/okonomi").text)

    def banner(cells: dict[str, Any]) -> str:
        path = set_cells(example_copy("okonomi.xlsx"), "Resultat", cells)
        done = client.post(
            f"/perioder/{P}/okonomi/last-opp",
            files={"fil": ("okonomi.xlsx", path.read_bytes())},
            data={"csrf": token},
        )
        page = client.get(done.headers["location"]).text
        found = re.search(r'<p class="ok" id="resultat">([^<]*)</p>', page)
        assert found, "no result banner"
        return found.group(1)

    # H6 and H7 are April actuals in a March report: a warning each.
    assert "ingen feil (1 advarsel; se over dem)" in banner({"H6": 1000})
    assert "ingen feil (2 advarsler; se over dem)" in banner({"H6": 1000, "H7": 5})
    department = client.get(f"/perioder/{P}/okonomi").text
    assert "(0 feil, 2 advarsler)" in department
    # The status in words once («Status: levert Levert, venter på godkjenning.» before).
    assert 'id="status">Levert, venter på godkjenning</span>.' in department
    # The version page's badge too (it showed the key, «levert»).
    latest = re.findall(r'href="(/versjoner/\d+)"', department)[0]
    version = client.get(latest).text
    assert '<span class="status status-levert">Levert, venter på godkjenning</span>' in version


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ('t="n"><v>NaN</v>', "(ugyldig tall: NaN eller uendelig)"),
        ('t="e"><v>#DIV/0!</v>', "#DIV/0!"),
        ('t="n"><f>G6-1</f>', "(formel uten lagret verdi)"),
    ],
)
def test_changed_cells_show_what_a_cell_without_a_usable_value_holds(
    tmp_path: Path, stored: str, shown: str
) -> None:
    """NaN, an error value and a formula without a stored result are blank to the checks; the
    table of changes shows what the cell holds (NaN was an empty «Før»)."""
    clean = EXAMPLES / "okonomi.xlsx"
    resultat = corpus.sheet_member(clean, "Resultat")
    typed = b'<c r="F6" s="12" t="n"><v>34185330</v>'
    crafted = f'<c r="F6" s="12" {stored}'.encode()
    edits: dict[str, corpus.Edit] = {resultat: lambda d: d.replace(typed, crafted, 1)}
    path = corpus.rewrite(clean, tmp_path / "okonomi.xlsx", edits)
    after = {"sheet": "Resultat", "cell": "F6", "before": shown, "after": "34\u00a0185\u00a0330"}
    assert changed_cells(path, clean) == [after]
    assert changed_cells(clean, path) == [{**after, "before": after["after"], "after": shown}]


# What the service builds from and carries on: only a department's filled template can be
# approved in its place, and the next period starts from the version that was approved.


def test_a_report_uploaded_as_a_submission_is_an_error_and_cannot_be_approved(
    client: TestClient, tokens: Tokens, specs: Specs, tmp_path: Path
) -> None:
    """A report vrapport wrote, sent in the project portfolio's place: «levert» with one
    warning, approvable, and the report then said «Ikke levert» for a chapter the
    controller had approved. Now it is an error at the file, as another template is."""
    outcome = build([EXAMPLES], PERIOD, tmp_path / "rapport.xlsx", specs)
    assert outcome.report is not None
    controller = bearer(tokens.controller)
    client.post(f"/api/periods/{P}", headers=controller)
    sent = put(client, tokens.departments["prosjekt"], "prosjekt", tmp_path / "rapport.xlsx")
    assert sent.status_code == 200, sent.text
    answer = sent.json()
    assert answer["status"] == "feil" and answer["errors"] == 1, answer
    (error,) = [f for f in answer["findings"] if f["severity"] == "error"]
    assert error["code"] == "wrong-template"
    assert "ikke en utfylt mal for «prosjekt»" in error["message"]
    assert any(f["code"] == "report-file" for f in answer["findings"])
    refused = approve(client, controller, "prosjekt")
    assert refused.status_code == 409, refused.text


def test_the_next_period_is_prefilled_from_the_approved_version_not_a_later_one_with_errors(
    client: TestClient, tokens: Tokens, tmp_path: Path
) -> None:
    """February's portfolio approved, then a version with an error sent: March's template
    was not pre-filled at all («Ingen godkjent innsending fra forrige periode»)."""
    controller = bearer(tokens.controller)
    department = tokens.departments["prosjekt"]
    client.post("/api/periods/2024-02", headers=controller)
    put(client, department, "prosjekt", PREVIOUS / "prosjekt.xlsx", "2024-02")
    assert approve(client, controller, "prosjekt", "2024-02").status_code == 200
    later = put(client, department, "prosjekt", EXAMPLES / "prosjekt.xlsx", "2024-02")
    assert later.json()["status"] == "feil", later.text  # (March's file: the wrong period)
    client.post(f"/api/periods/{P}", headers=controller)
    login(client, department)
    assert (
        "Forhåndsutfylt fra forrige periodes godkjente innsending"
        in client.get(f"/perioder/{P}/prosjekt").text
    )
    served = client.get(f"/perioder/{P}/prosjekt/mal")
    assert served.status_code == 200
    from typer.testing import CliRunner

    from vrapport.cli import app as cli_app

    command = ["templates", P, "--only", "prosjekt", "--from", str(PREVIOUS)]
    made = CliRunner().invoke(cli_app, [*command, "--out", str(tmp_path / "cli")])
    assert made.exit_code == 0, made.output
    saved = tmp_path / "served.xlsx"
    saved.write_bytes(served.content)
    assert read_grids(saved) == read_grids(tmp_path / "cli" / "prosjekt_2024-03.xlsx")


def test_an_upload_after_approval_says_on_the_board_that_the_approval_no_longer_holds(
    client: TestClient, tokens: Tokens, tmp_path: Path
) -> None:
    """Økonomi's version 1 approved, then version 2 sent: the board showed «Levert» as for
    any upload, and nothing said an approval had been superseded."""
    controller = bearer(tokens.controller)
    client.post(f"/api/periods/{P}", headers=controller)
    department = tokens.departments["okonomi"]
    put(client, department, "okonomi", EXAMPLES / "okonomi.xlsx")
    assert approve(client, controller, "okonomi").status_code == 200
    state = client.get(f"/api/periods/{P}/submissions/okonomi", headers=controller).json()
    assert (state["status"], state["approved_before"]) == ("godkjent", None)
    second = tmp_path / "okonomi.xlsx"
    second.write_bytes((EXAMPLES / "okonomi.xlsx").read_bytes())
    set_cells(second, "Resultat", {"F6": 34185331})
    assert put(client, department, "okonomi", second).json()["status"] == "levert"
    state = client.get(f"/api/periods/{P}/submissions/okonomi", headers=controller).json()
    assert (state["status"], state["seq"], state["approved_before"]) == ("levert", 2, 1)
    login(client, tokens.controller)
    row = client.get(f"/perioder/{P}").text.split('id="rad-okonomi"')[1].split("</tr>")[0]
    assert (
        "Godkjenningen gjelder ikke lenger</strong>: versjon 1 var godkjent, men avdelingen "
        "har sendt versjon 2 etter den"
    ) in row
    assert approve(client, controller, "okonomi").status_code == 200
    row = client.get(f"/perioder/{P}").text.split('id="rad-okonomi"')[1].split("</tr>")[0]
    assert "gjelder ikke lenger" not in row
