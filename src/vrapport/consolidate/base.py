"""What every section builder receives, and the registry of section builders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from vrapport.lineage import SheetSource
from vrapport.period import Period
from vrapport.report.model import Section, Text
from vrapport.spec import Chapter, ReportConfig

# template id -> sheet key -> tidy frame
Frames = Mapping[str, Mapping[str, pd.DataFrame]]


@dataclass(frozen=True)
class SectionInput:
    chapter: Chapter
    period: Period
    config: ReportConfig
    frames: Frames
    narrative: bool = True
    previous: Frames = field(default_factory=dict)
    # template id -> sheet key -> where its values came from (file, sheet, cells)
    sources: Mapping[str, Mapping[str, SheetSource]] = field(default_factory=dict)

    def sheet(self, template_id: str, sheet_key: str) -> pd.DataFrame:
        return self.frames[template_id][sheet_key]

    def cite(
        self,
        template_id: str,
        sheet_key: str,
        rows: pd.Series | pd.Index | None,
        columns: list[str],
    ) -> str | None:
        """`okonomi.xlsx › Resultat › B6:B8` for the given rows (mask or index) and columns,
        or None when the sources are not known (e.g. consolidation called directly)."""
        source = self.sources.get(template_id, {}).get(sheet_key)
        return None if source is None else source.cite(rows, columns)

    def setting(self, *path: str, default: Any = None) -> Any:
        value: Any = self.config.settings
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        return value


SectionBuilder = Callable[[SectionInput], Section]
SECTIONS: dict[str, SectionBuilder] = {}


def section(name: str) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a section builder under the name report.yaml's chapters use."""

    def register(function: SectionBuilder) -> SectionBuilder:
        SECTIONS[name] = function
        return function

    return register


def comments(
    frame: pd.DataFrame,
    topic: str | None = None,
    topic_column: str = "topic",
    text_column: str = "text",
) -> list[Text]:
    """The department's own paragraphs (for one topic), as written, in their order."""
    rows = frame if topic is None else frame[frame[topic_column] == topic]
    return [Text(str(t)) for t in rows[text_column] if isinstance(t, str) and t.strip()]


def drafted(sentences: list[str]) -> list[Text]:
    """Sentences vrapport drafted from the figures, marked as such."""
    if not sentences:
        return []
    return [Text("Utkast fra tallene: " + " ".join(sentences), "drafted")]
