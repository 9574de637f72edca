"""Locate the package data: the specs (schemas/) and the committed blank templates.

In an installed wheel they live in ``vrapport/_data``; in a source checkout (editable install,
tests) they are the top-level ``schemas/`` and ``templates/xlsx/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parents[1]


def _locate(installed: Path, source: Path) -> Path:
    if installed.is_dir():
        return installed
    return source


def schemas_dir() -> Path:
    """The folder holding the department specs and report.yaml."""
    return _locate(_PACKAGE / "_data" / "schemas", _SOURCE_ROOT / "schemas")


def templates_dir() -> Path:
    """The folder holding the committed blank templates."""
    return _locate(_PACKAGE / "_data" / "templates" / "xlsx", _SOURCE_ROOT / "templates" / "xlsx")
