"""What every section builder receives, and the registry of section builders with what each
declares it reads and reports (checked against the specs when they load, vrapport.contract)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from vrapport.lineage import SheetSource
from vrapport.period import Period
from vrapport.report.model import Section, Text
from vrapport.spec import Chapter, ReportConfig, Specs, split_choices
from vrapport.wording import listing

if TYPE_CHECKING:
    import pandas as pd
else:
    from vrapport.lazy import pd

# template id -> sheet key -> tidy frame
Frames = Mapping[str, Mapping[str, "pd.DataFrame"]]


COUNT_TYPES = ("integer",)
NUMBER_TYPES = ("integer", "decimal", "percent")
DATE_TYPES = ("date",)
CHOICE_TYPES = ("choice",)


@dataclass(frozen=True)
class Typed:
    """A column a section reads as a number, a date or a choice: the spec types it may have
    there. Declared in
    `Reads.columns` in place of the plain key (`count_columns("phone")`)."""

    key: str
    types: tuple[str, ...]


def count_columns(*keys: str) -> tuple[Typed, ...]:
    """Columns read as counts (whole numbers)."""
    return tuple(Typed(key, COUNT_TYPES) for key in keys)


def number_columns(*keys: str) -> tuple[Typed, ...]:
    """Columns read as numbers (amounts, hours, shares)."""
    return tuple(Typed(key, NUMBER_TYPES) for key in keys)


def date_columns(*keys: str) -> tuple[Typed, ...]:
    """Columns read as dates (a text column's «19.03.2024» was counted in no month)."""
    return tuple(Typed(key, DATE_TYPES) for key in keys)


def choice_columns(*keys: str) -> tuple[Typed, ...]:
    """Columns read as one of a list of choices (a status word)."""
    return tuple(Typed(key, CHOICE_TYPES) for key in keys)


@dataclass(frozen=True)
class Reads:
    """What a section reads of one template: per sheet key the column keys and the row keys,
    the sheets whose rows of this year's months it reads (`months`), and the keys of the
    comment topics (choices of `topic_sheet`'s `topic` column) it places, which are then all
    the column's choices. A column read as a number is declared with its types
    (`count_columns`, `number_columns`); `columns` then holds its key and `types` (sheet key
    -> column key -> types) the types. A choice column read is read as one choice per cell.
    Checked against the template's spec when the specs load."""

    columns: Mapping[str, tuple[str | Typed, ...]] = field(default_factory=dict)
    rows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    months: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    topic_sheet: str = "comments"
    topic_column: str = "topic"
    types: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # sheet key -> {column key: catalogue}: choice columns whose values the section counts
    # by a report.yaml catalogue's labels (orders per category); their choices must be the
    # catalogue's, or a choice only the template offers is counted nowhere.
    choices_from: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # sheet key -> {target key: (share, of)}: the rates the section computes as it prints
    # them (sum(share) / sum(of)); a target of that key on the sheet (TargetSpec, judged by
    # the check explained-targets) must be defined the same, or the check would judge another
    # figure than the report shows.
    rates: Mapping[str, Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = field(
        default_factory=dict
    )
    # sheet key -> {target key: "min" | "max"}: which side of its target the section shows
    # as missed (a rate under its minimum, over its maximum); a target of that key on the
    # sheet has the same `limit`, or explained-targets asks to explain the months the report
    # shows as met.
    limits: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The sheets whose rows of all twelve months of the year before it sums (last year's
    # same period and total): the sheet has them (`rows.months_back: 12`), or the months
    # missing were summed as nothing.
    year_before: tuple[str, ...] = ()
    # sheet key -> catalogue: sheets whose rows the section reads as a report.yaml
    # catalogue's items, by the catalogue's keys (the result table's lines); the sheet's rows
    # are that catalogue (`rows: {catalogue: name}`), or a line had no row to read.
    row_catalogues: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        types = {
            sheet: {c.key: c.types for c in columns if isinstance(c, Typed)}
            for sheet, columns in self.columns.items()
        }
        keys = {
            sheet: tuple(c.key if isinstance(c, Typed) else c for c in columns)
            for sheet, columns in self.columns.items()
        }
        object.__setattr__(self, "columns", keys)
        object.__setattr__(self, "types", {k: v for k, v in types.items() if v})


@dataclass(frozen=True)
class SectionInput:
    chapter: Chapter
    period: Period
    specs: Specs
    frames: Frames
    narrative: bool = True
    previous: Frames = field(default_factory=dict)
    # template id -> sheet key -> where its values came from (file, sheet, cells)
    sources: Mapping[str, Mapping[str, SheetSource]] = field(default_factory=dict)
    # (role, sheet key, previous) -> the declared columns of that frame, taken once: a
    # comment sheet is asked for once per topic. Sections never modify a frame they get.
    _taken: dict[tuple[str, str, bool], pd.DataFrame] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def config(self) -> ReportConfig:
        return self.specs.report

    @property
    def reads(self) -> Mapping[str, Reads]:
        return SECTIONS[self.chapter.section].reads

    def template(self, role: str) -> str:
        """The template id that plays `role` in this chapter (report.yaml's `templates`)."""
        return self.chapter.roles[role]

    def _declared(self, role: str, sheet_key: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Only the columns the section declared (and the reader's own), so that a section
        cannot read what the contract does not check."""
        reads = self.reads[role]
        wanted = set(reads.columns.get(sheet_key, ()))
        if sheet_key == reads.topic_sheet and reads.topics:
            wanted.add(reads.topic_column)
        explains = self._explains(role, sheet_key)
        if explains is not None:
            wanted.add(explains)
        return frame[[c for c in frame.columns if c.startswith("_") or c in wanted]]

    def _explains(self, role: str, sheet_key: str) -> str | None:
        """The column of the comment sheet `sheet_key` naming what a paragraph explains (the
        lines or key figures: a column of several choices), if it has one."""
        if sheet_key != self.reads[role].topic_sheet:
            return None
        column = self.specs.template(self.template(role)).sheet(sheet_key).several_choices
        return column.key if column is not None else None

    def sheet(self, role: str, sheet_key: str) -> pd.DataFrame:
        taken = self._taken.get((role, sheet_key, False))
        if taken is None:
            frame = self.frames[self.template(role)][sheet_key]
            taken = self._taken[(role, sheet_key, False)] = self._declared(role, sheet_key, frame)
        return taken

    def previous_sheet(self, role: str, sheet_key: str) -> pd.DataFrame | None:
        """The sheet of the previous report's submission (`build --previous`), if given."""
        taken = self._taken.get((role, sheet_key, True))
        if taken is None:
            frame = self.previous.get(self.template(role), {}).get(sheet_key)
            if frame is None:
                return None
            taken = self._taken[(role, sheet_key, True)] = self._declared(role, sheet_key, frame)
        return taken

    def cite(
        self,
        role: str,
        sheet_key: str,
        rows: pd.Series | pd.Index | None,
        columns: list[str],
    ) -> str | None:
        """`okonomi.xlsx › Resultat › B6:B8` for the given rows (mask or index) and columns,
        or None when the sources are not known (e.g. consolidation called directly)."""
        source = self.sources.get(self.template(role), {}).get(sheet_key)
        return None if source is None else source.cite(rows, columns)

    def comments(self, role: str, topic: str | None = None) -> list[Text]:
        """The department's own paragraphs for the topic with key `topic` (all when None).
        The topic's label, as the department chose it, comes from the template's spec."""
        reads = self.reads[role]
        frame = self.sheet(role, reads.topic_sheet)
        label = None
        if topic is not None:
            spec = self.specs.template(self.template(role)).sheet(reads.topic_sheet)
            label = spec.column(reads.topic_column).choice(topic)
        explains = self._explains(role, reads.topic_sheet)
        return comments(frame, label, reads.topic_column, explains=explains)


SectionBuilder = Callable[[SectionInput], Section]


# What a fact a section reports is: a sum in kroner, a share (0–1), a count, another number
# (FTE, hours), or a series (per month, for the narrative), which no key figure can show.
AMOUNT_FACT, SHARE_FACT, COUNT_FACT = "amount", "share", "count"
NUMBER_FACT, SERIES_FACT = "number", "series"
# Each kind as a message names it, and the kinds a key figure's unit (report.yaml) shows:
# «mill. kr» a sum in kroner, a percent a share, a count a count or another number.
FACT_KINDS = {
    AMOUNT_FACT: "et beløp i kroner",
    SHARE_FACT: "en andel",
    COUNT_FACT: "et antall",
    NUMBER_FACT: "et tall",
    SERIES_FACT: "en rekke verdier per måned",
}
UNIT_SHOWS = {
    "mill": (AMOUNT_FACT,),
    "percent": (SHARE_FACT,),
    "count": (COUNT_FACT, NUMBER_FACT),
}


@dataclass(frozen=True)
class Judged:
    """A fact the section judges against a target of report.yaml (`targets.<target>`): it
    misses the target over it (`limit` max: sick leave) or under it (min: calls answered
    within 60 s). A key figure of the fact on the front page is judged against the same
    target (checked when the specs load), or the board saw two verdicts on one figure."""

    target: str
    limit: Literal["min", "max"]


@dataclass(frozen=True)
class SectionSpec:
    """A registered section builder and everything it shares with the specs: the templates
    it reads (by role, in the order report.yaml lists them), the facts it reports (for the
    front page; name -> AMOUNT_FACT, SHARE_FACT, ...), and the targets, report.yaml blocks and
    catalogues it needs. `target_sums`: a target that is the sum of others (total sick
    leave = short-term + long-term), as the section computes the rates. `judged`: the facts
    it judges against a target (fact -> Judged); `target_text`: how it writes its targets
    («5 %»), each of which must be what it writes, or it judged against one figure and
    printed another."""

    name: str
    build: SectionBuilder
    reads: Mapping[str, Reads]
    facts: Mapping[str, str] = field(default_factory=dict)
    targets: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    catalogues: tuple[str, ...] = ()
    target_sums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    judged: Mapping[str, Judged] = field(default_factory=dict)
    target_text: Callable[[float], str] | None = None


SECTIONS: dict[str, SectionSpec] = {}


def section(
    name: str,
    reads: Mapping[str, Reads],
    facts: Mapping[str, str] | None = None,
    targets: tuple[str, ...] = (),
    settings: tuple[str, ...] = (),
    catalogues: tuple[str, ...] = (),
    target_sums: Mapping[str, tuple[str, ...]] | None = None,
    judged: Mapping[str, Judged] | None = None,
    target_text: Callable[[float], str] | None = None,
) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a section builder under the name report.yaml's chapters use, with what it
    reads and reports (see SectionSpec)."""

    def register(function: SectionBuilder) -> SectionBuilder:
        SECTIONS[name] = SectionSpec(
            name,
            function,
            dict(reads),
            dict(facts or {}),
            targets,
            settings,
            catalogues,
            dict(target_sums or {}),
            dict(judged or {}),
            target_text,
        )
        return function

    return register


def load_sections() -> dict[str, SectionSpec]:
    """Import every consolidation module of this package; each registers its sections."""
    import importlib
    import pkgutil

    import vrapport.consolidate as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return SECTIONS


# Values that `DataFrame.to_dict("records")` gives as they are (it makes NumPy scalars,
# datetime64 and pd.NA Python's).
_NATIVE = frozenset({str, int, float, bool, type(None)})


def column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """The values of `column`, row by row, as `frame.to_dict("records")` gives them, or
    Nones where the frame has no such column (as `record.get(column)`): a register's
    columns read once each, instead of a dict per row."""
    if column not in frame.columns:
        return [None] * len(frame)
    series = frame[column]
    if series.dtype == object:
        values = series.tolist()
        if all(value.__class__ in _NATIVE for value in values):
            return values
    return [record[column] for record in frame[[column]].to_dict("records")]


def comments(
    frame: pd.DataFrame,
    topic: str | None = None,
    topic_column: str = "topic",
    text_column: str = "text",
    explains: str | None = None,
) -> list[Text]:
    """The department's own paragraphs (for one topic), as written, in their order; a
    paragraph that names what it explains (the column `explains`: the lines or key figures)
    is led by those names ("Linjeleie og Annet: …", the names printed bold)."""
    rows = frame if topic is None else frame[frame[topic_column] == topic]
    named = rows[explains] if explains in rows else [None] * len(rows)
    texts = []
    for text, names in zip(rows[text_column], named, strict=True):
        if not isinstance(text, str) or not text.strip():
            continue
        lead = listing(split_choices(names), "linjer") if isinstance(names, str) and names else ""
        texts.append(Text(f"{lead}: {text}" if lead else text, lead=lead))
    return texts


def drafted(sentences: list[str]) -> list[Text]:
    """Sentences vrapport drafted from the figures, marked as such."""
    if not sentences:
        return []
    return [Text("Utkast fra tallene: " + " ".join(sentences), "drafted")]
