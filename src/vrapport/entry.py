"""The `vrapport` command's entry point (and `python -m vrapport`'s).

Light on purpose: it sets the signal handlers before anything is imported, then hands over
to the command line (vrapport.cli). A worker process started with the 'spawn' method runs
the command's script again to find its main module; from this module it imports nothing
heavy.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from vrapport.signals import INTERRUPTED, Interrupted, stop_on_signals


def run() -> NoReturn:
    stop_on_signals()
    try:
        from vrapport.cli import run as command
    except Interrupted as interrupted:  # during the imports: nothing has been written yet
        print(INTERRUPTED, file=sys.stderr, flush=True)
        os._exit(128 + interrupted.signum)
    command()
