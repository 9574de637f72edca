"""Imported once by the fork server before it forks any job: loads the bundled specs (which
imports every check and section module) and checks the bundled blank templates (which makes
pandera register its backends, another lazy import), so that each job's child process starts
warm and checks an upload in a fraction of a second."""

from __future__ import annotations

from vrapport.api import check
from vrapport.resources import templates_dir
from vrapport.service.engine import _specs

try:
    check([templates_dir()], "2024-01", specs=_specs(None))  # any period: validation runs
except Exception:  # noqa: BLE001, S110 - warming is an optimisation; the jobs report problems
    pass
