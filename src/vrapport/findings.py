"""Findings: what validation says about a submission, each with its place (file › sheet › cell)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one place. `code` is stable (kebab-case); `message` is Norwegian."""

    file: str
    sheet: str
    cell: str
    severity: Severity
    code: str
    message: str
    column: str = ""

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " › ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"location": self.location}
