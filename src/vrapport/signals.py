"""Ctrl-C (SIGINT) and SIGTERM as an exception, from the command's first line on.

The entry point (vrapport.entry) installs the handlers before it imports the command line,
so an interruption during the imports ends like one later: one Norwegian line, exit
128 + signal, no traceback. Worker processes are started with SIGINT ignored (the terminal
sends Ctrl-C to every process of the command); the command stops them on its way out.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

INTERRUPTED = "Avbrutt. Ingen fil er skrevet halvveis eller endret."


class Interrupted(BaseException):
    """SIGINT or SIGTERM: unwinds like an exception, so every `finally` (temporary files)
    runs, and is not caught by `except Exception`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_on_signals() -> None:
    """SIGTERM and SIGINT raise `Interrupted` in the main thread, once: a second Ctrl-C
    while the first unwinds (temporary files being removed, the worker stopped) is ignored,
    so the clean-up is not cut short with a traceback."""

    def stop(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Interrupted(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


@contextmanager
def children_ignore_sigint() -> Iterator[None]:
    """Around starting a process: it inherits SIGINT ignored (a disposition that survives
    exec, unlike a blocked signal mask), so Ctrl-C reaches only this process, which stops
    it, and never prints the child's KeyboardInterrupt while it imports. Only from the main
    thread (where handlers can be set); elsewhere the child ignores SIGINT from its first
    own line. A Ctrl-C in the few milliseconds of the start itself is lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
