"""Named cross-checks. A spec refers to them by name (`checks: [actuals-after-period]`);
each is one function that yields findings. One module per domain in this package; every
module is imported by `load_checks`, so a new check is a new function in its module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from vrapport.findings import Finding, Severity
from vrapport.period import Period
from vrapport.reader import SheetData, Submission
from vrapport.spec import Specs


@dataclass(frozen=True)
class CheckContext:
    sub: Submission
    period: Period
    specs: Specs

    def at(
        self, data: SheetData, index: Any, key: str, severity: Severity, code: str, message: str
    ) -> Finding:
        """A finding at the cell of column `key` in row `index` of `data`."""
        return Finding(
            self.sub.display,
            data.name,
            data.cell(index, key),
            severity,
            code,
            message,
            data.spec.column(key).label,
        )


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
