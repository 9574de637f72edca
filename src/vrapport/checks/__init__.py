"""Named cross-checks. A spec refers to them by name (`checks: [actuals-after-period]`);
each is one function that yields findings. One module per domain in this package; every
module is imported by `load_checks`, so a new check is a new function in its module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vrapport.findings import Finding
from vrapport.period import Period
from vrapport.reader import Submission
from vrapport.spec import Specs


@dataclass(frozen=True)
class CheckContext:
    sub: Submission
    period: Period
    specs: Specs


Check = Callable[[CheckContext], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def load_checks() -> dict[str, Check]:
    """Import every check module of this package and return the registry."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return CHECKS
