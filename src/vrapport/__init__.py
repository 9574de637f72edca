"""vrapport: department Excel workbooks in, the board's monthly virksomhetsrapport out.

The library API (see vrapport.api): `check`, `make_templates`, `build` and what they return.
Names are imported when first used, so `import vrapport` (and `vrapport --help`) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "check": "vrapport.api",
    "make_templates": "vrapport.api",
    "build": "vrapport.api",
    "CheckReport": "vrapport.api",
    "FileResult": "vrapport.api",
    "TemplatesOutcome": "vrapport.api",
    "WrittenTemplate": "vrapport.api",
    "UsageError": "vrapport.api",
    "BuildOutcome": "vrapport.pipeline",
    "Finding": "vrapport.findings",
    "Period": "vrapport.period",
    "PeriodError": "vrapport.period",
    "Specs": "vrapport.spec",
    "SpecError": "vrapport.spec",
    "load_specs": "vrapport.spec",
}

__all__ = [
    "BuildOutcome",
    "CheckReport",
    "FileResult",
    "Finding",
    "Period",
    "PeriodError",
    "SpecError",
    "Specs",
    "TemplatesOutcome",
    "UsageError",
    "WrittenTemplate",
    "__version__",
    "build",
    "check",
    "load_specs",
    "make_templates",
]

if TYPE_CHECKING:
    from vrapport.api import (
        CheckReport,
        FileResult,
        TemplatesOutcome,
        UsageError,
        WrittenTemplate,
        build,
        check,
        make_templates,
    )
    from vrapport.findings import Finding
    from vrapport.period import Period, PeriodError
    from vrapport.pipeline import BuildOutcome
    from vrapport.spec import SpecError, Specs, load_specs


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vrapport' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
