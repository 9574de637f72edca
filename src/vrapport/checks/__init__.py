"""Named cross-checks. A spec refers to them by name (`checks: [finance-signs]`);
each is one function that yields findings. One module per domain in this package; every
module is imported by `load_checks`, so a new check is a new function in its module."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from vrapport.findings import Finding, Severity
from vrapport.period import Period
from vrapport.reader import SheetData, Submission
from vrapport.spec import Specs, TemplateSpec

if TYPE_CHECKING:
    import pandas as pd


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


def each_row(frame: pd.DataFrame) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(index, row) for each row of a tidy frame, the row a dict of its values by column:
    the values `iterrows` gives (the frames hold Python objects), read column by column,
    without building a Series per row (about 30 µs each)."""
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    for index, *row in zip(frame.index, *values, strict=True):
        yield index, dict(zip(columns, row, strict=True))


Check = Callable[[CheckContext], Iterator[Finding]]
CHECKS: dict[str, Check] = {}
# Checks run for every submission, listed in a spec or not (e.g. figures after the period).
ALWAYS: list[str] = []
# Checks run for every submission after all others, so they can leave cells that already
# have a finding alone (the plausibility checks).
LAST: list[str] = []


@dataclass(frozen=True)
class CheckReads:
    """What a check reads of the template that lists it, checked when the specs load:
    `sheets`: sheet key -> the column keys it reads there; `columns`: the column keys it
    reads of each sheet that lists it (a check made for any sheet, such as unique ids)."""

    sheets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


READS: dict[str, CheckReads] = {}


def check(
    name: str,
    always: bool = False,
    last: bool = False,
    reads: Mapping[str, tuple[str, ...]] | None = None,
    columns: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register a check under the name specs list it by, with what it reads (CheckReads);
    `always`: run it for every submission, whether its spec lists it or not; `last`:
    likewise, after every other."""

    def register(function: Check) -> Check:
        CHECKS[name] = function
        READS[name] = CheckReads(dict(reads or {}), columns)
        if always and name not in ALWAYS:
            ALWAYS.append(name)
        if last and name not in LAST:
            LAST.append(name)
        return function

    return register


def checks_for(template: TemplateSpec) -> list[str]:
    """The names of the checks a submission of `template` gets, each once, in order: those
    run for every submission, then the template's, then its sheets', then those run last."""
    load_checks()
    listed = [*template.checks, *(n for s in template.sheets for n in s.checks)]
    return list(dict.fromkeys([*ALWAYS, *listed, *LAST]))


def load_checks() -> dict[str, Check]:
    """Import every check module of this package and return the registry."""
    _import_modules()
    return CHECKS


@cache
def _import_modules() -> None:
    """Once per process: load_checks is called for every check run (50 in an example build),
    and listing the package's folder each time cost more than the checks themselves."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
