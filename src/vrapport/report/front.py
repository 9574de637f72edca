"""The sheets around the chapters: the front page (title, contents, key figures with traffic
lights) and Kilder (every input file, and the lineage of every figure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vrapport.lineage import split_citation
from vrapport.numbers import format_millions, format_number, round_half_away, shown_share
from vrapport.report.model import (
    Contents,
    HeaderCell,
    KeyFigure,
    KeyFigures,
    Report,
    Row,
    Section,
    Status,
    Table,
    Text,
)
from vrapport.report.sheetnames import FRONT_SHEET, SOURCES_SHEET
from vrapport.reportfile import FrontPage, KeyFigureEntry, Threshold

# Column widths shared by the two tables of the Kilder sheet.
WIDTHS = (30.0, 34.0, 34.0, 26.0, 12.0, 70.0, 8.0, 10.0)
# Characters of a citation on one row of Kilder (a longer one continues on the next rows):
# well below Excel's cell limit, and short enough for the row to show it in full.
CITATION_CHARS = 2_000
# A key figure whose chapter is there but gave no value (no count, no budget): its line stays,
# with this note, so the panel never loses a figure without saying so.
NOT_REPORTED = "Ikke rapportert"
# unit -> (number format, divisor): kroner are divided by a million, not multiplied by 1e-6,
# which is no binary fraction: 4 650 000 × 1e-6 is 4,6499999999999995, shown «4,6 mill. kr»
# by a reader that rounds the cell's value, where the chapter's sentence says 4,7.
UNITS = {
    "mill": ('0.0 "mill. kr"', 1e6),
    "percent": ("0.0 %", 1.0),
    "count": ("#,##0", 1.0),
}


@dataclass(frozen=True)
class FileRecord:
    """What the Kilder sheet says about one input file."""

    file: str
    template: str
    version: str
    period: str
    sha256: str
    errors: int
    warnings: int
    role: str = "innsending"


def _meets(value: float, rule: Threshold | None) -> bool:
    if rule is None:
        return False
    low = rule.min if rule.min is not None else float("-inf")
    high = rule.max if rule.max is not None else float("inf")
    return low <= value <= high


def _whole(value: Any) -> bool:
    return isinstance(value, int | float) and float(value).is_integer()


def _shown(value: float, unit: str) -> str:
    if unit == "mill":
        return format_millions(value)
    if unit == "percent":
        return f"{format_number(value * 100, 1)}\u00a0%"
    return format_number(value)


def _as_shown(value: float, unit: str) -> float:
    """The value as the panel shows it (0,1 mill. kr, 0,1 %, whole counts): what its colour,
    arrow and «bedre/dårligere» judge. 5,04 % shown «5,0 %» against a target of 5 % was
    yellow with a red «+0,0 %» beside it; explained-targets already judged it as shown."""
    if unit == "mill":
        return round_half_away(value / 1_000_000, 1) * 1_000_000
    if unit == "percent":
        return shown_share(value)
    return round_half_away(value)


def _judgement(entry: KeyFigureEntry, value: float, previous: float) -> str:
    """'bedre' or 'dårligere' by the direction the green threshold points; '' if unchanged."""
    green = entry.green
    if value == previous or green is None or (green.min is None and green.max is None):
        return ""
    higher_is_better = green.min is not None and green.max is None
    return "bedre" if (value > previous) == higher_is_better else "dårligere"


def key_figures(
    config: Sequence[KeyFigureEntry],
    facts: Mapping[str, Any],
    missing: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> KeyFigures:
    """The key-figure panel: each configured fact that a chapter reported, with its status.
    A figure without a value keeps its line and says why: as its chapter does when the
    chapter was left out (`missing`: chapter key -> «Ikke levert» or «Ikke godkjent»), the
    section's note on the fact when it gave one (`notes`: «section.fact» -> note), else
    «Ikke rapportert». That every configured fact is one a section reports is checked when
    the specs load."""
    items = []
    for entry in config:
        value = facts.get(entry.fact)
        if value is None:
            note = (missing or {}).get(entry.fact.split(".")[0])
            note = note or (notes or {}).get(entry.fact) or NOT_REPORTED
            items.append(KeyFigure(entry.label, None, note=note))
            continue
        number_format, divisor = UNITS[entry.unit]
        seen = _as_shown(value, entry.unit)
        status: Status = (
            "green"
            if _meets(seen, entry.green)
            else ("yellow" if _meets(seen, entry.yellow) else "red")
        )
        note = entry.note
        previous = facts.get(entry.compare) if entry.compare else None
        if previous is not None:
            before = _as_shown(previous, entry.unit)
            arrow = "↑" if seen > before else ("↓" if seen < before else "→")
            shown = _shown(previous, entry.unit)
            judgement = _judgement(entry, seen, before)
            note = (
                f"{arrow} {entry.compare_label}: {shown}"
                + (f" ({judgement})" if judgement else "")
                + (f" · {note}" if note else "")
            )
        word = {"green": "Grønn", "yellow": "Gul", "red": "Rød"}[status]
        items.append(
            KeyFigure(
                entry.label,
                value / divisor,
                number_format,
                status,
                f"{word}. {note}" if note else word,
            )
        )
    return KeyFigures("Nøkkeltall", tuple(items))


def front_section(
    report: Report,
    config: FrontPage,
    facts: Mapping[str, Any],
    missing: Mapping[str, str] | None = None,
    partial: str | None = None,
) -> Section:
    """The front page: title, the contents (a line per section of the report written, see
    `Contents`) and the key figures. `missing`: the keys of chapters left out, each with the
    note its key figures show; `partial`: the note that marks a partial report."""
    blocks: list[Any] = [
        Text(report.heading, "heading1"),
        Text(report.organisation, "heading2"),
        *([Text(partial, "note")] if partial else []),
        Contents("Innhold"),
    ]
    notes = {f"{s.key}.{k}": v for s in report.sections for k, v in s.fact_notes.items()}
    panel = key_figures(config.key_figures, facts, missing, notes)
    if panel.items:
        blocks.append(panel)
        blocks.append(
            Text(
                "Trafikklys: grønn er innenfor målet, gul nær målet, rød utenfor. Pilen viser "
                "endringen fra tallet etter kolon, og om den er til det bedre eller dårligere.",
                "note",
            )
        )
    return Section("front", FRONT_SHEET, report.heading, tuple(blocks))


def _column_names(table: Table) -> list[str]:
    """A name per value column: the header texts above it, joined (e.g. 'Mars 2024 · Faktisk')."""
    names: list[list[str]] = [[] for _ in range(table.width)]
    for level in table.header:
        col = 0
        for cell in level:
            for c in range(col, col + cell.span):
                if 1 <= c <= table.width and cell.text:
                    names[c - 1].append(cell.text)
            col += cell.span
    return [" · ".join(n) for n in names]


def lineage(sections: Sequence[Section]) -> list[dict[str, Any]]:
    """Every figure that has a known source: where it is shown and what it came from."""
    records = []
    for section in sections:
        for block in section.blocks:
            if not isinstance(block, Table):
                continue
            names = _column_names(block)
            for row in block.rows:
                if not row.sources:
                    continue
                for c, (value, source) in enumerate(zip(row.values, row.sources, strict=False)):
                    if source is None or value is None:
                        continue
                    records.append(
                        {
                            "sheet": section.sheet,
                            "table": block.title or block.key,
                            "row": row.label,
                            "column": names[c] if c < len(names) else str(c + 1),
                            "value": value,
                            "source": source,
                        }
                    )
    return records


def sources_section(
    files: Sequence[FileRecord],
    records: Sequence[Mapping[str, Any]],
    version: str,
    build_time: dt.datetime,
    time_note: str = "Byggetidspunkt",
) -> Section:
    """Kilder: every input and the source cells of every figure. `build_time` is Norwegian
    time; `time_note` says what it is (the inputs' latest save, or a time given)."""
    file_rows = tuple(
        Row(
            f"file{i}",
            f.file,
            (f.template, f.role, f.period, f.version, f.sha256, f.errors, f.warnings),
        )
        for i, f in enumerate(files)
    )
    files_table = Table(
        "files",
        "Innsendte filer",
        (
            (
                HeaderCell("Fil"),
                HeaderCell("Mal"),
                HeaderCell("Rolle"),
                HeaderCell("Periode"),
                HeaderCell("Malversjon"),
                HeaderCell("SHA-256"),
                HeaderCell("Feil"),
                HeaderCell("Advarsler"),
            ),
        ),
        file_rows,
        number_format="0",
        column_widths=WIDTHS,
    )
    # A long citation continues on the rows below, each naming its file and sheet; the
    # value stands on the first.
    # A whole value gets no decimal separator: «#,##0.###» shows 34 185 as «34 185,» in Excel.
    lineage_rows = tuple(
        Row(
            f"l{i}" if not k else f"l{i}.{k}",
            r["sheet"],
            (r["table"], r["row"], r["column"], None if k else r["value"], piece),
            number_format=None if k or not _whole(r["value"]) else "#,##0",
        )
        for i, r in enumerate(records)
        for k, piece in enumerate(split_citation(r["source"], CITATION_CHARS))
    )
    lineage_table = Table(
        "lineage",
        "Sporbarhet: hvert tall i rapportens tabeller og cellene det er beregnet fra",
        (
            (
                HeaderCell("Ark"),
                HeaderCell("Tabell"),
                HeaderCell("Rad"),
                HeaderCell("Kolonne"),
                HeaderCell("Verdi"),
                HeaderCell("Kilde"),
            ),
        ),
        lineage_rows,
        number_format="#,##0.###",
        column_widths=WIDTHS,
    )
    stamp = build_time.strftime("%d.%m.%Y %H:%M")
    return Section(
        "sources",
        SOURCES_SHEET,
        "Kilder",
        (
            Text("Kilder", "heading1"),
            Text(
                f"Laget av vrapport {version}. {time_note}: {stamp} (norsk tid). "
                "Samme innsendinger gir samme rapport."
            ),
            files_table,
            lineage_table,
        ),
        contents=SOURCES_SHEET,
        board=False,
    )
