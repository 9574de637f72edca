"""The build: check every submission, consolidate each chapter, write the report."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vrapport import __version__
from vrapport.consolidate.base import Frames, SectionInput, load_sections
from vrapport.consolidate.transforms import leads, with_lead, without_empty_headings
from vrapport.files import collect_files, open_files, skipped_files
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.history import restatements, unexplained_restatements
from vrapport.lineage import SheetSource
from vrapport.outputs import GENERATOR
from vrapport.period import Period
from vrapport.reader import Submission
from vrapport.report.front import FileRecord, front_section, lineage, sources_section
from vrapport.report.model import Report, Section, Text
from vrapport.report.restatements import restatements_section
from vrapport.report.writer import write_report
from vrapport.spec import Chapter, Specs
from vrapport.validation import check_duplicates, check_files, check_previous


@dataclass
class BuildOutcome:
    submissions: list[Submission]
    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None
    path: Path | None = None
    files: list[FileRecord] = field(default_factory=list)
    lineage: list[dict[str, Any]] = field(default_factory=list)
    build_time: dt.datetime | None = None
    missing: list[str] = field(default_factory=list)  # titles of chapters not delivered
    trace: Path | None = None  # the lineage JSON, when asked for
    pdf: Path | None = None  # the PDF board pack, when asked for and made
    pdf_error: str = ""  # why the PDF asked for could not be made (Norwegian)
    chapter_sections: int = 0  # the report's chapters, delivered or not

    @property
    def blocked(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    @property
    def chapters(self) -> int:
        """Chapters in the report (the front page, Endringer and Kilder are not chapters)."""
        return self.chapter_sections if self.report else 0

    def trace_dict(self) -> dict[str, Any]:
        """The lineage as JSON (`build --trace`): every figure and its source cells."""
        return {
            "generator": GENERATOR,  # first: how an existing trace is recognised as one
            "report": self.report.heading if self.report else "",
            "period": str(self.report.period) if self.report else "",
            "build_time": self.build_time.isoformat() if self.build_time else None,
            "files": [vars(f) for f in self.files],
            "figures": self.lineage,
        }


def _frames(submissions: list[Submission]) -> Frames:
    return {s.template_id: {k: d.frame for k, d in s.sheets.items()} for s in submissions}


def _sources(submissions: list[Submission]) -> dict[str, dict[str, SheetSource]]:
    return {
        s.template_id: {k: SheetSource(s.display, d.name, d.cells) for k, d in s.sheets.items()}
        for s in submissions
    }


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


TIMEZONE = "Europe/Oslo"  # the time on Kilder is Norwegian time


def local_time(moment: dt.datetime) -> dt.datetime:
    """`moment` as Norwegian wall-clock time (naive); a naive moment is taken as such."""
    if moment.tzinfo is None:
        return moment
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)


def inputs_time(submissions: list[Submission], period: Period) -> tuple[dt.datetime, str]:
    """The build time written on Kilder, taken from the inputs so that a rebuild is exact, and
    what it is: the latest 'last saved' stamp inside the submissions (docProps/core.xml, UTC,
    shown in Norwegian time), else the period's last day."""
    stamps = []
    for sub in submissions:
        try:
            with zipfile.ZipFile(sub.path) as archive:
                match = _MODIFIED.search(archive.read("docProps/core.xml"))
            if match:
                text = match.group(1).decode().strip().replace("Z", "+00:00")
                stamps.append(local_time(dt.datetime.fromisoformat(text)))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            continue
    if stamps:
        return max(stamps), "Innsendingene sist lagret"
    last_day = dt.datetime(period.year, period.month, period.last_day)
    return last_day, "Periodens siste dag (innsendingene har ingen lagringstid)"


def _file_records(submissions: list[Submission], role: str) -> list[FileRecord]:
    return [
        FileRecord(
            s.display,
            s.template_id,
            s.meta.get("spec_version", ""),
            s.meta.get("period", ""),
            s.sha256,
            sum(f.severity == ERROR for f in s.findings),
            sum(f.severity == WARNING for f in s.findings),
            role,
        )
        for s in submissions
    ]


def _missing_chapter(
    chapter: Chapter, names: str, period: Period, reasons: list[str] | None = None
) -> Section:
    """A chapter whose submission did not come: its place in the report says so (why, when
    the caller gave `reasons`: clauses after «fordi»)."""
    if reasons:
        text = f"Ikke godkjent: kapittelet mangler fordi {' og '.join(reasons)}."
    else:
        text = (
            f"Ikke levert: kapittelet mangler fordi det ikke kom inn noen innsending fra "
            f"{names} for {period.label}."
        )
    return Section(
        chapter.key,
        chapter.sheet,
        chapter.title,
        (Text(f"{chapter.number}. {chapter.title}", "heading1"), Text(text, "note")),
        contents=f"{chapter.number}. {chapter.title}",
    )


def build(
    paths: list[Path],
    period: Period,
    out: Path,
    specs: Specs,
    narrative: bool = True,
    previous: list[Path] | None = None,
    build_time: dt.datetime | None = None,
    absent: dict[str, str] | None = None,
) -> BuildOutcome:
    """Check the submissions in `paths`; if nothing blocks, write the report to `out`.

    `previous` names the previous report's submissions, for the comparisons some chapters
    make (e.g. the portfolio's trend arrows). A chapter missing marks the report partial on
    its front page. `absent`: template delivered but left out -> why (a clause after
    «fordi», with the period), said in its chapter.
    """
    files = collect_files(paths)
    submissions = check_files(files, specs, period)
    earlier = check_previous(previous, specs, period) if previous else []
    outcome = BuildOutcome(submissions)
    for sub in submissions + earlier:
        outcome.findings += sub.findings
    outcome.findings += check_duplicates(submissions) + check_duplicates(earlier)
    outcome.findings += skipped_files(paths) + open_files(files)
    restated = restatements(submissions, earlier)
    outcome.findings += [r.finding() for r in restated]
    outcome.findings += unexplained_restatements(restated, submissions, specs)
    if not submissions:
        where = ", ".join(str(p) for p in paths)
        outcome.findings.append(Finding.make("no-submissions", where))
    if outcome.blocked:
        return outcome
    frames, previous_frames = _frames(submissions), _frames(earlier)
    sources = _sources(submissions)
    chapter_leads = leads(frames, specs.report.model.report.leads)
    sections_known = load_sections()
    sections: list[Section] = []
    missing_chapters: dict[str, str] = {}  # chapter key -> what its key figures say
    for chapter in specs.report.chapters:
        missing = [t for t in chapter.templates if t not in frames]
        if missing:
            # The board reads the templates' titles (Brukerstøtte), not their ids.
            titles = {m: specs.templates[m].title for m in missing}
            names = ", ".join(f"«{titles[m]}»" for m in missing)
            reasons = None
            if absent and any(m in absent for m in missing):
                none = "det ikke kom inn noen innsending fra «{}» for {}"
                reasons = [absent.get(m, none.format(titles[m], period.label)) for m in missing]
            sections.append(_missing_chapter(chapter, names, period, reasons))
            missing_chapters[chapter.key] = "Ikke godkjent" if reasons else "Ikke levert"
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
        # The section exists and reads what the specs hold: checked when the specs loaded.
        declared = sections_known[chapter.section]
        inputs = SectionInput(chapter, period, specs, frames, narrative, previous_frames, sources)
        built = without_empty_headings(declared.build(inputs))
        undeclared = set(built.facts) - set(declared.facts)
        if undeclared:
            raise RuntimeError(f"section {declared.name!r} reports undeclared facts {undeclared}")
        built = with_lead(built, chapter_leads.get(chapter.key))
        sections.append(replace(built, contents=f"{chapter.number}. {chapter.title}"))
    if len(sections) == len(missing_chapters):
        outcome.findings.append(Finding.make("no-chapters", ""))
        return outcome
    chapters = Report(specs.report.title, specs.report.organisation, period, tuple(sections))
    facts = {f"{s.key}.{k}": v for s in sections for k, v in s.facts.items()}
    # Restated figures of closed months get their own sheet (with a line in the contents).
    extra = [restatements_section(restated)] if restated else []
    chapters_out = [c for c in specs.report.chapters if c.key in missing_chapters]
    left_out = [f"{c.number}. {c.title}" for c in chapters_out]
    # A report without a chapter says so on its front page, however it was built (the
    # command line wrote a report of 1 of 6 chapters with nothing on it to tell).
    partial = f"Delvis rapport: uten {', '.join(left_out)}." if left_out else None
    front = front_section(chapters, specs.report.model.front_page, facts, missing_chapters, partial)
    outcome.missing = [c.title for c in specs.report.chapters if c.key in missing_chapters]
    outcome.chapter_sections = len(sections)
    outcome.files = _file_records(submissions, "innsending") + _file_records(earlier, "forrige")
    outcome.lineage = lineage(sections)
    if build_time is not None:
        outcome.build_time, what = local_time(build_time), "Byggetidspunkt (oppgitt)"
    else:
        outcome.build_time, what = inputs_time(submissions, period)
    kilder = sources_section(outcome.files, outcome.lineage, __version__, outcome.build_time, what)
    report = Report(
        chapters.title, chapters.organisation, period, (front, *sections, *extra, kilder)
    )
    outcome.report = report
    outcome.path = write_report(report, out)
    return outcome
