"""Chapter 1, Administrerende direktørs vurdering, and the chapters' lead paragraphs.

Both are text from the management template (ledelse), shown exactly as written.
"""

from __future__ import annotations

import pandas as pd

from vrapport.consolidate.base import SectionInput, section
from vrapport.reader import ROW_KEY
from vrapport.report.model import Section, Text

TEMPLATE = "ledelse"


@section("ceo")
def build(inputs: SectionInput) -> Section:
    chapter = inputs.chapter
    paragraphs = inputs.sheet(TEMPLATE, "assessment")["text"]
    blocks = [Text(f"{chapter.number}. {chapter.title}", "heading1")]
    blocks += [Text(str(p)) for p in paragraphs if isinstance(p, str) and p.strip()]
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks))


def leads(frames: dict[str, dict[str, pd.DataFrame]]) -> dict[str, str]:
    """Chapter key -> its lead paragraph, for the chapters that have one."""
    frame = frames.get(TEMPLATE, {}).get("leads")
    if frame is None:
        return {}
    return {
        str(key): str(text).strip()
        for key, text in zip(frame[ROW_KEY], frame["text"], strict=True)
        if isinstance(text, str) and text.strip()
    }


def with_lead(built: Section, lead: str | None) -> Section:
    """The section with its lead paragraph placed right after the chapter heading."""
    if not lead:
        return built
    blocks = (*built.blocks[:1], Text(lead), *built.blocks[1:])
    return Section(built.key, built.sheet, built.title, blocks, built.facts)
