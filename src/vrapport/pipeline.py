"""The build: check every submission, consolidate each chapter, write the report."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path

from vrapport.consolidate.base import SECTIONS, Frames, SectionInput
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.period import Period
from vrapport.reader import Submission
from vrapport.report.model import Report, Section
from vrapport.report.writer import write_report
from vrapport.spec import Specs
from vrapport.validation import check_duplicates, check_files, collect_files


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
    """Import every consolidation module; each registers its section builders."""
    import vrapport.consolidate as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def _frames(submissions: list[Submission]) -> Frames:
    return {s.template_id: {k: d.frame for k, d in s.sheets.items()} for s in submissions}


def _check_previous(paths: list[Path], specs: Specs, period: Period) -> list[Submission]:
    """The previous report's submissions, each checked against the period stamped in it."""
    earlier = check_files(collect_files(paths), specs, None)
    for sub in earlier:
        stamped = sub.meta.get("period", "")
        if sub.template is not None and stamped and stamped >= str(period):
            sub.add(
                "",
                "",
                ERROR,
                "previous-not-earlier",
                f"Filen skal gjelde forrige rapport, men gjelder {stamped}, som ikke er "
                f"før {period}.",
            )
    return earlier


def build(
    paths: list[Path],
    period: Period,
    out: Path,
    specs: Specs,
    narrative: bool = True,
    previous: list[Path] | None = None,
) -> BuildOutcome:
    """Check the submissions in `paths`; if nothing blocks, write the report to `out`.

    `previous` names the previous report's submissions, for the comparisons some chapters
    make (e.g. the portfolio's trend arrows).
    """
    submissions = check_files(collect_files(paths), specs, period)
    earlier = _check_previous(previous, specs, period) if previous else []
    outcome = BuildOutcome(submissions)
    for sub in submissions + earlier:
        outcome.findings += sub.findings
    outcome.findings += check_duplicates(submissions) + check_duplicates(earlier)
    if not submissions:
        where = ", ".join(str(p) for p in paths)
        outcome.findings.append(
            Finding(where, "", "", ERROR, "no-submissions", "Fant ingen innsendte filer (.xlsx).")
        )
    if outcome.blocked:
        return outcome
    frames, previous_frames = _frames(submissions), _frames(earlier)
    _load_sections()
    sections: list[Section] = []
    for chapter in specs.report.chapters:
        missing = [t for t in chapter.templates if t not in frames]
        if missing:
            names = ", ".join(f"«{m}»" for m in missing)
            outcome.findings.append(
                Finding(
                    "",
                    "",
                    "",
                    WARNING,
                    "missing-submission",
                    f"Kapittel {chapter.number} {chapter.title} utelates: "
                    f"ingen innsending fra {names}.",
                )
            )
            continue
        builder = SECTIONS.get(chapter.section)
        if builder is None:
            raise KeyError(
                f"report.yaml: chapter {chapter.key!r} names unknown section "
                f"{chapter.section!r}; known: {sorted(SECTIONS)}"
            )
        inputs = SectionInput(chapter, period, specs.report, frames, narrative, previous_frames)
        sections.append(builder(inputs))
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
