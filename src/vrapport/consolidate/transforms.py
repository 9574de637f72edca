"""Transforms every section goes through after its builder: sub-headings that nothing follows
are dropped, and the chapter's lead paragraph (from the template report.yaml's `report.leads`
names) is placed right after the chapter heading."""

from __future__ import annotations

from dataclasses import replace

from vrapport.consolidate.base import Frames
from vrapport.reader import ROW_KEY
from vrapport.report.model import Section, Text
from vrapport.reportfile import Leads


def leads(frames: Frames, config: Leads | None) -> dict[str, str]:
    """Chapter key -> its lead paragraph, for the chapters that have one."""
    if config is None:
        return {}
    frame = frames.get(config.template, {}).get(config.sheet)
    if frame is None:
        return {}
    return {
        str(key): str(text).strip()
        for key, text in zip(frame[ROW_KEY], frame[config.column], strict=True)
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
    return replace(built, blocks=tuple(kept))


def with_lead(built: Section, lead: str | None) -> Section:
    """The section with its lead paragraph placed right after the chapter heading."""
    if not lead:
        return built
    return replace(built, blocks=(*built.blocks[:1], Text(lead), *built.blocks[1:]))
