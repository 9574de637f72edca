"""The build: check every submission, consolidate each chapter, write the report."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from vrapport.consolidate.base import SECTIONS, SectionInput
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.period import Period
from vrapport.reader import Submission
from vrapport.report.model import Report, Section
from vrapport.report.writer import write_report
from vrapport.spec import Specs
from vrapport.validation import check_duplicates, check_files, collect_files

SECTION_MODULES = ("finance",)


@dataclass
class BuildOutcome:
    submissions: list[Submission]
    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None
    path: Path | None = None

    @property
    def blocked(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def _load_sections() -> None:
    for name in SECTION_MODULES:
        importlib.import_module(f"vrapport.consolidate.{name}")


def build(
    paths: list[Path], period: Period, out: Path, specs: Specs, narrative: bool = True
) -> BuildOutcome:
    """Check the submissions in `paths`; if nothing blocks, write the report to `out`."""
    submissions = check_files(collect_files(paths), specs, period)
    outcome = BuildOutcome(submissions)
    for sub in submissions:
        outcome.findings += sub.findings
    outcome.findings += check_duplicates(submissions)
    if not submissions:
        outcome.findings.append(
            Finding(
                ", ".join(str(p) for p in paths),
                "",
                "",
                ERROR,
                "no-submissions",
                "Fant ingen innsendte filer (.xlsx).",
            )
        )
    if outcome.blocked:
        return outcome
    frames = {sub.template_id: {k: d.frame for k, d in sub.sheets.items()} for sub in submissions}
    _load_sections()
    sections: list[Section] = []
    for chapter in specs.report.chapters:
        missing = [t for t in chapter.templates if t not in frames]
        if missing:
            outcome.findings.append(
                Finding(
                    "",
                    "",
                    "",
                    WARNING,
                    "missing-submission",
                    f"Kapittel {chapter.number} {chapter.title} utelates: ingen innsending fra "
                    + ", ".join(f"«{m}»" for m in missing)
                    + ".",
                )
            )
            continue
        builder = SECTIONS[chapter.section]
        sections.append(builder(SectionInput(chapter, period, specs.report, frames, narrative)))
    if not sections:
        outcome.findings.append(
            Finding(
                "", "", "", ERROR, "no-chapters", "Ingen kapitler kunne lages av innsendingene."
            )
        )
        return outcome
    report = Report(specs.report.title, specs.report.organisation, period, tuple(sections))
    outcome.report = report
    outcome.path = write_report(report, out)
    return outcome
