"""Helpers for the collection service's tests and its load benchmark: tokens, and the real
server (`vrapport serve`) started as a child process on 127.0.0.1 on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
PREVIOUS = ROOT / "examples" / "2024-02"
LOOPBACK = "127.0.0.1"


def stopped_from_outside(signum: int, *_: Any) -> None:
    """A job whose process is stopped by `signum` as the OOM killer or an administrator stops
    one (run in the isolated child: the signal comes from no code of vrapport's)."""
    os.kill(os.getpid(), signum)
    time.sleep(60)


@dataclass(frozen=True)
class Tokens:
    controller: str
    departments: dict[str, str]


def make_tokens(data_dir: Path, templates: list[str]) -> Tokens:
    from vrapport.service.auth import CONTROLLER, DEPARTMENT, issue_token
    from vrapport.service.ledger import Ledger

    ledger = Ledger(data_dir)
    return Tokens(
        issue_token(ledger, CONTROLLER),
        {t: issue_token(ledger, DEPARTMENT, t) for t in templates},
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def serve_process(data_dir: Path, *options: str, stdout: Any, stderr: Any) -> subprocess.Popen[str]:
    """`vrapport serve DATA_DIR --host 127.0.0.1 OPTIONS…` of this tree, as a child process
    (stdout None: discarded)."""
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, "-m", "vrapport", "serve", str(data_dir), "--host", LOOPBACK]
    return subprocess.Popen(
        [*command, *options],
        env=env,
        stdout=subprocess.DEVNULL if stdout is None else stdout,
        stderr=stderr,
        text=True,
    )


@contextmanager
def running_server(data_dir: Path, *options: str, timeout: float = 60) -> Iterator[str]:
    """`vrapport serve DATA_DIR` on 127.0.0.1 on a free port; yields its base URL."""
    import httpx2

    port = free_port()
    log = tempfile.TemporaryFile()
    server = serve_process(data_dir, "--port", str(port), *options, stdout=None, stderr=log)
    url = f"http://{LOOPBACK}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"vrapport serve stopped: {log.read().decode()}")
            try:
                httpx2.get(url + "/logg-inn", timeout=2)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
