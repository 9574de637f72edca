"""Chapter 1, Administrerende direktørs vurdering: text from the management template
(ledelse), shown exactly as written."""

from __future__ import annotations

from vrapport.consolidate.base import Reads, SectionInput, section
from vrapport.report.model import Section, Text

ROLE = "management"


@section("ceo", reads={ROLE: Reads(columns={"assessment": ("text",)})})
def build(inputs: SectionInput) -> Section:
    chapter = inputs.chapter
    paragraphs = inputs.sheet(ROLE, "assessment")["text"]
    blocks = [Text(f"{chapter.number}. {chapter.title}", "heading1")]
    blocks += [Text(str(p)) for p in paragraphs if isinstance(p, str) and p.strip()]
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks))
