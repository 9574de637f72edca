"""pandas and numpy, imported when first used.

The spec-code contract is checked whenever the specs load: every check and section module is
imported for what it declares (`@check`, `@section`). Those modules use pandas and numpy only
inside their functions, so they take `pd` and `np` from here, and whatever only loads the
specs (`vrapport templates`, the contract check) does not import pandas. To type checkers they
are the real modules:

    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        import pandas as pd
    else:
        from vrapport.lazy import pd

At module level such a module must not touch `pd` or `np` (quote type aliases:
`Frames = Mapping[str, "pd.DataFrame"]`); tests/test_api.py checks that loading the specs
imports neither.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """A stand-in for a module, imported on the first attribute read; from then on its
    attributes are read directly."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.__dict__["_target"] = target

    def __getattr__(self, name: str) -> Any:
        module = importlib.import_module(self.__dict__["_target"])
        self.__dict__.update(module.__dict__)
        return getattr(module, name)


pd = _Deferred("pandas")
np = _Deferred("numpy")
