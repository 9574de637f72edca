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


def without_empty_headings(built: Section) -> Section:
    """Drop sub-headings that nothing follows (e.g. a subsection whose commentary and drafted
    sentences are both absent)."""
    level = {"heading1": 1, "heading2": 2, "heading3": 3}
    blocks = list(built.blocks)
    kept = []
    for index, block in enumerate(blocks):
        if isinstance(block, Text) and block.style in ("heading2", "heading3") and not block.link:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is None or (
                isinstance(following, Text)
                and level.get(following.style, 9) <= level[block.style]
                and not following.link
            ):
                continue
        kept.append(block)
    return Section(built.key, built.sheet, built.title, tuple(kept), built.facts)


def with_lead(built: Section, lead: str | None) -> Section:
    """The section with its lead paragraph placed right after the chapter heading."""
    if not lead:
        return built
    blocks = (*built.blocks[:1], Text(lead), *built.blocks[1:])
    return Section(built.key, built.sheet, built.title, blocks, built.facts)
