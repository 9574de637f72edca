"""Chapter 4, Prosjektportefølje: project status with trend arrows, and red-zone risks.

Each project has a status overall and per dimension (Grønn / Gul / Rød). The trend arrow of
a status compares it with the previous report's: ↑ better, → unchanged, ↓ worse, none for a
new project. The previous status is the template's locked "Forrige …" column (pre-filled by
`vrapport templates PERIOD --from DIR`) or, where that is empty, the same project's status in
the previous report's submission (`vrapport build … --previous DIR`).

A risk is in the red zone when its cell (likelihood, impact) is red in the risk matrix of
report.yaml; the red-zone table is sorted by score (likelihood × impact), highest first,
ties in the order the project office listed them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from vrapport.consolidate.base import (
    COUNT_FACT,
    Reads,
    SectionInput,
    choice_columns,
    column_values,
    count_columns,
    drafted,
    section,
)
from vrapport.labels import norm
from vrapport.numbers import format_number
from vrapport.report.model import COUNT, HeaderCell, Row, Section, Table, Text
from vrapport.reportfile import PortfolioSettings, RiskMatrixSettings
from vrapport.wording import counted, listing

ROLE = "portfolio"
# Status dimensions (column keys of the Prosjekter sheet) and their headers in the report.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("status", "Status"),
    ("schedule", "Fremdrift"),
    ("cost", "Kostnad"),
    ("resources", "Ressurser"),
    ("quality", "Kvalitet/omfang"),
)
OVERALL = "status"
PREVIOUS = "previous_{}"
UP, SAME, DOWN = "↑", "→", "↓"
RISK_LEVELS = range(1, 6)
COMMENT_SPAN = 3
RISK_TEXT_SPAN = 4

SUMMARY_TEXT = (
    "Nedenfor vises et sammendrag av status på {organisation} prosjektportefølje. "
    "Piler indikerer utvikling siden forrige rapportering."
)
LEGEND = (
    f"{UP} bedre, {SAME} uendret, {DOWN} dårligere enn i forrige rapport; uten pil: nytt prosjekt."
)
RED_ZONE_TEXT = (
    "Oversikten under viser enkeltrisikoen fra prosjektene rapportert i «rød sone», samt "
    "planlagte tiltak. Merk at et prosjekt kan ha «røde» risikoen på denne oversikten, og "
    "likevel totalt sett vurderes som tilfredsstillende og ha «grønt lys» på sin "
    "statusrapportering."
)

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd
RED_ZONE_TITLE = "Risikoen fra prosjektene rapportert i rød sone"
NO_RED_ZONE = "Ingen risikoer er rapportert i rød sone."


@dataclass(frozen=True)
class StatusScale:
    """The status words, best first, and the traffic-light colour of each."""

    labels: tuple[str, ...]
    colours: tuple[str, ...]

    @cached_property
    def _ranks(self) -> dict[str, int]:
        ranks: dict[str, int] = {}
        for rank, label in enumerate(self.labels):
            ranks.setdefault(label, rank)
        return ranks

    def rank(self, label: str | None) -> int | None:
        return None if label is None else self._ranks.get(label)

    def colour(self, label: str | None) -> str | None:
        rank = self.rank(label)
        return None if rank is None else self.colours[rank]

    @cached_property
    def _trends(self) -> dict[tuple[str | None, str | None], str]:
        return {}  # (current, previous) -> arrow: a portfolio has few pairs, many projects

    def trend(self, current: str | None, previous: str | None) -> str:
        """↑ better, → unchanged, ↓ worse; "" when either status is unknown."""
        arrow = self._trends.get((current, previous))
        if arrow is None:
            now, before = self.rank(current), self.rank(previous)
            if now is None or before is None:
                arrow = ""
            else:
                arrow = UP if now < before else SAME if now == before else DOWN
            self._trends[(current, previous)] = arrow
        return arrow


def status_scale(settings: PortfolioSettings) -> StatusScale:
    """The status words of report.yaml's `portfolio.statuses`, best first."""
    return StatusScale(
        tuple(item.label for item in settings.statuses),
        tuple(item.colour for item in settings.statuses),
    )


@dataclass(frozen=True)
class RiskMatrix:
    """The red cells of the likelihood × impact matrix."""

    red: frozenset[tuple[int, int]]

    def is_red(self, likelihood: int, impact: int) -> bool:
        return (likelihood, impact) in self.red


def risk_matrix(settings: RiskMatrixSettings) -> RiskMatrix:
    """The matrix configured in report.yaml: `risk_matrix.red_zone` maps each likelihood
    (1–5) to the impact levels (1–5) whose cell is red (the ranges are checked at load)."""
    return RiskMatrix(
        frozenset(
            (likelihood, impact)
            for likelihood, impacts in settings.red_zone.items()
            for impact in impacts
        )
    )


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


@dataclass(frozen=True)
class Project:
    name: str
    program: str | None
    phase: str | None
    comment: str | None
    current: dict[str, str | None]
    previous: dict[str, str | None]

    def trend(self, dimension: str, scale: StatusScale) -> str:
        return scale.trend(self.current[dimension], self.previous[dimension])

    def cell(self, dimension: str, scale: StatusScale) -> str:
        """'Gul ↓': the status word, and the arrow when there is a previous status."""
        return f"{self.current[dimension] or ''} {self.trend(dimension, scale)}".strip()

    @property
    def is_new(self) -> bool:
        return all(v is None for v in self.previous.values())


def projects(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> list[Project]:
    """The projects in their order, each with its previous status per dimension: the
    template's locked column where filled, else the previous submission's status."""
    keys = [key for key, _ in DIMENSIONS]
    earlier: dict[str, dict[str, Any]] = {}
    if previous is not None:
        statuses = [column_values(previous, key) for key in keys]
        for row, value in enumerate(column_values(previous, "project")):
            name = _text(value)
            if name and norm(name) not in earlier:  # the first row of a project counts
                earlier[norm(name)] = {key: s[row] for key, s in zip(keys, statuses, strict=True)}
    current = [column_values(frame, key) for key in keys]
    locked = [column_values(frame, PREVIOUS.format(key)) for key in keys]
    found = []
    texts = [column_values(frame, c) for c in ("project", "program", "phase", "comment")]
    rows = zip(*texts, strict=True)
    for row, (project, program, phase, comment) in enumerate(rows):
        name = _text(project)
        if name is None:
            continue
        before = earlier.get(norm(name), {})
        found.append(
            Project(
                name=name,
                program=_text(program),
                phase=_text(phase),
                comment=_text(comment),
                current={key: _text(s[row]) for key, s in zip(keys, current, strict=True)},
                previous={
                    key: _text(s[row]) or _text(before.get(key))
                    for key, s in zip(keys, locked, strict=True)
                },
            )
        )
    return found


def _groups(items: list[Project]) -> list[tuple[str | None, list[Project]]]:
    """Projects by program, in order of first appearance; those without a program last."""
    groups: dict[str | None, list[Project]] = {}
    for project in items:
        groups.setdefault(project.program, []).append(project)
    ordered: list[tuple[str | None, list[Project]]] = [
        (p, g) for p, g in groups.items() if p is not None
    ]
    if None in groups:
        ordered.append((None, groups[None]))
    return ordered


def status_table(
    items: list[Project],
    scale: StatusScale,
    programs: Mapping[str, str],
    no_program: str,
    title: str,
) -> Table:
    """The portfolio's status, grouped by program: every status cell coloured as a traffic
    light, with the word and the trend arrow."""
    header = (
        (
            HeaderCell("Prosjekt"),
            HeaderCell("Fase"),
            *(HeaderCell(label) for _, label in DIMENSIONS),
            HeaderCell("Kommentar", COMMENT_SPAN),
        ),
    )
    width = 2 + len(DIMENSIONS)
    rows: list[Row] = []
    groups = _groups(items)
    for program, members in groups:
        if len(groups) > 1 or program is not None:
            label = programs.get(program, program) if program else no_program
            rows.append(Row(f"program:{program or ''}", label, (None,) * width, "bold"))
        for project in members:
            statuses = tuple(project.cell(key, scale) for key, _ in DIMENSIONS)
            colours = tuple(scale.colour(project.current[key]) for key, _ in DIMENSIONS)
            rows.append(
                Row(
                    project.name,
                    project.name,
                    (project.phase, *statuses, project.comment),
                    fills=(None, *colours, None),
                )
            )
    return Table(
        "portfolio_status",
        title,
        header,
        tuple(rows),
        caption=LEGEND,
        column_spans=(1,) * (width - 1) + (COMMENT_SPAN,),
    )


def status_counts(items: Iterable[Project], scale: StatusScale) -> dict[str, int]:
    counts = dict.fromkeys(scale.labels, 0)
    for project in items:
        label = project.current[OVERALL]
        if label in counts:
            counts[label] += 1
    return counts


def count_table(
    counts: Mapping[str, int],
    scale: StatusScale,
    cite: Callable[[str | None], str | None] = lambda _label: None,
) -> Table:
    """Projects per overall status; `cite(label)` names the status cells counted (None: all)."""
    rows = [
        Row(label, label, (counts[label],), fills=(scale.colour(label),), sources=(cite(label),))
        for label in scale.labels
    ]
    rows.append(Row("total", "Totalt", (sum(counts.values()),), "total", sources=(cite(None),)))
    return Table(
        "portfolio_counts",
        "Antall prosjekter per status",
        ((HeaderCell("Status totalt"), HeaderCell("Antall")),),
        tuple(rows),
        number_format=COUNT,
    )


@dataclass(frozen=True)
class Risk:
    project: str
    description: str
    mitigation: str
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


def red_zone(frame: pd.DataFrame, matrix: RiskMatrix, names: Iterable[str] = ()) -> list[Risk]:
    """The risks whose matrix cell is red, by score (highest first), ties in sheet order.
    A risk's project is shown as the Prosjekter sheet spells it (`names`)."""
    canonical = {norm(n): n for n in names}
    found = []
    columns = ("project", "description", "mitigation", "likelihood", "impact")
    for name, description, mitigation, likelihood, impact in zip(
        *(column_values(frame, c) for c in columns), strict=True
    ):
        if not isinstance(likelihood, int) or not isinstance(impact, int):
            continue
        if not matrix.is_red(likelihood, impact):
            continue
        project = _text(name) or ""
        found.append(
            Risk(
                canonical.get(norm(project), project),
                _text(description) or "",
                _text(mitigation) or "",
                likelihood,
                impact,
            )
        )
    return sorted(found, key=lambda risk: -risk.score)


def risk_table(risks: list[Risk]) -> Table:
    header = (
        (
            HeaderCell("Prosjekt"),
            HeaderCell("RISIKOBESKRIVELSE", RISK_TEXT_SPAN),
            HeaderCell("TILTAK/KOMMENTARER", RISK_TEXT_SPAN),
        ),
    )
    rows = tuple(
        Row(f"risk:{number}", risk.project, (risk.description, risk.mitigation))
        for number, risk in enumerate(risks, start=1)
    )
    return Table(
        "red_zone_risks",
        RED_ZONE_TITLE,
        header,
        rows,
        column_spans=(RISK_TEXT_SPAN, RISK_TEXT_SPAN),
    )


def _names(items: Sequence[Project] | Sequence[str]) -> str:
    return listing([p if isinstance(p, str) else p.name for p in items], "prosjekter")


def removed(previous: pd.DataFrame | None, items: Iterable[Project]) -> list[str]:
    """Projects of the previous report that the current one no longer lists."""
    if previous is None or "project" not in previous:
        return []
    current = {norm(p.name) for p in items}
    names = [n for n in previous["project"] if isinstance(n, str) and n.strip()]
    return [n for n in names if norm(n) not in current]


def narrative(
    items: list[Project],
    counts: Mapping[str, int],
    risks: list[Risk],
    scale: StatusScale,
    gone: Sequence[str] = (),
) -> list[str]:
    """Drafted sentences: status counts, changes in overall status, projects no longer
    reported (`gone`), red-zone risks."""
    parts = [f"{format_number(counts[label])} {label.lower()}" for label in scale.labels]
    listed = ", ".join(parts[:-1]) + " og " + parts[-1] if len(parts) > 1 else parts[0]
    sentences = [f"{counted(len(items), 'prosjekt', 'prosjekter')} rapporterer status: {listed}."]
    better = [p for p in items if p.trend(OVERALL, scale) == UP]
    worse = [p for p in items if p.trend(OVERALL, scale) == DOWN]
    new = [p for p in items if p.is_new]
    if better:
        sentences.append(
            f"Samlet status er bedret for {counted(len(better), 'prosjekt', 'prosjekter')} "
            f"siden forrige rapportering ({_names(better)})."
        )
    if worse:
        sentences.append(
            f"Samlet status er svekket for {counted(len(worse), 'prosjekt', 'prosjekter')} "
            f"({_names(worse)})."
        )
    if gone:
        sentences.append(f"Ikke lenger med siden forrige rapportering: {_names(gone)}.")
    if new and len(new) == len(items):
        sentences.append("Forrige rapports status er ikke kjent, så utviklingen vises ikke.")
    elif new:
        sentences.append(f"Nye siden forrige rapportering: {_names(new)}.")
    owners = len({r.project for r in risks})
    sentences.append(
        f"{counted(len(risks), 'risiko', 'risikoer')} "
        f"fra {counted(owners, 'prosjekt', 'prosjekter')} er i rød sone."
        if risks
        else "Ingen risikoer er i rød sone."
    )
    return sentences


def _genitive(name: str) -> str:
    return name + ("'" if name.endswith(("s", "x", "z")) else "s")


READS = Reads(
    columns={
        "projects": (
            "project",
            "program",
            "phase",
            "comment",
            *choice_columns(*(key for key, _ in DIMENSIONS)),
            *choice_columns(*(PREVIOUS.format(key) for key, _ in DIMENSIONS)),
        ),
        # Read as whole numbers: a text column's «4» put no risk in the red zone.
        "risks": ("project", "description", "mitigation", *count_columns("likelihood", "impact")),
        "comments": ("text",),
    }
)
FACTS = {
    "projects": COUNT_FACT,
    "projects_green": COUNT_FACT,
    "projects_yellow": COUNT_FACT,
    "projects_red": COUNT_FACT,
    "improved": COUNT_FACT,
    "worsened": COUNT_FACT,
    "new_projects": COUNT_FACT,
    "red_zone_risks": COUNT_FACT,
}


@section("portfolio", reads={ROLE: READS}, facts=FACTS, settings=("portfolio", "risk_matrix"))
def build(inputs: SectionInput) -> Section:
    model = inputs.config.model
    assert model.portfolio is not None and model.risk_matrix is not None  # the contract's
    portfolio = model.portfolio
    scale, matrix = status_scale(portfolio), risk_matrix(model.risk_matrix)
    previous = inputs.previous_sheet(ROLE, "projects")
    items = projects(inputs.sheet(ROLE, "projects"), previous)
    counts = status_counts(items, scale)
    risks = red_zone(inputs.sheet(ROLE, "risks"), matrix, (p.name for p in items))
    chapter = inputs.chapter
    frame = inputs.sheet(ROLE, "projects")

    def cite_status(label: str | None) -> str | None:
        rows = frame[OVERALL].notna() if label is None else frame[OVERALL] == label
        return inputs.cite(ROLE, "projects", rows, [OVERALL])

    blocks = [
        Text(f"{chapter.number}. {chapter.title}", "heading1"),
        *inputs.comments(ROLE),
        *drafted(
            narrative(items, counts, risks, scale, removed(previous, items))
            if inputs.narrative
            else []
        ),
        Text(SUMMARY_TEXT.format(organisation=_genitive(inputs.config.organisation))),
        status_table(
            items,
            scale,
            portfolio.programs,
            portfolio.no_program,
            f"Status for prosjektene {inputs.period.as_of}",
        ),
        count_table(counts, scale, cite_status),
        Text(RED_ZONE_TEXT),
        risk_table(risks) if risks else Text(NO_RED_ZONE),
    ]
    facts: dict[str, Any] = {
        "projects": len(items),
        **{  # every status word of a colour counted in it (Gul and Oransje both yellow)
            f"projects_{colour}": sum(
                counts[label]
                for label, shown in zip(scale.labels, scale.colours, strict=True)
                if shown == colour
            )
            for colour in dict.fromkeys(scale.colours)
        },
        "improved": sum(p.trend(OVERALL, scale) == UP for p in items),
        "worsened": sum(p.trend(OVERALL, scale) == DOWN for p in items),
        "new_projects": sum(p.is_new for p in items),
        "red_zone_risks": len(risks),
    }
    return Section(chapter.key, chapter.sheet, chapter.title, tuple(blocks), facts)
