"""Load the specs in schemas/*.yaml into small frozen dataclasses.

A department template spec declares sheets and, per sheet, its rows and columns: key,
Norwegian label, type, requiredness, allowed values, range and help text. report.yaml
declares the organisation, the chapters, the catalogues (finance lines, investment
categories) and the targets. Everything else (the Excel template, the reader's mapping,
the pandera schemas) is derived from these objects.
"""

from __future__ import annotations

import math
import os
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from vrapport.numfmt import FORMAT_PART, NUMBER_FORMAT_MAX
from vrapport.period import month_label
from vrapport.reportfile import (
    CatalogueItem,
    Catalogues,
    ReportFile,
    excel_length,
    line_problem,
)
from vrapport.resources import schemas_dir
from vrapport.templatefile import (
    SHEET_NAME_MAX,
    CatalogueRef,
    ChoiceItem,
    ColumnEntry,
    FixedRow,
    RowsEntry,
    SheetEntry,
    TargetEntry,
    TemplateFile,
    sheet_name_problem,
)

# The C loader when PyYAML was built with libyaml (much faster), else the pure-Python one.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ColumnType = Literal["text", "integer", "decimal", "percent", "date", "choice"]
Required = Literal["always", "to_period", "never"]
SheetKind = Literal["grid", "table", "records"]

COLUMN_TYPES: tuple[str, ...] = ("text", "integer", "decimal", "percent", "date", "choice")
REQUIRED: tuple[str, ...] = ("always", "to_period", "never")
SHEET_KINDS: tuple[str, ...] = ("grid", "table", "records")
REPORT_FILE = "report.yaml"
NUMBER_LIMIT = 1e13
MULTIPLE_SEPARATOR = "; "


def split_choices(value: str) -> list[str]:
    """The choices in a cell of a `multiple` choice column ("A; B" -> ["A", "B"])."""
    return [part.strip() for part in value.split(";") if part.strip()]


class SpecError(ValueError):
    """A spec file that does not follow the spec format."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    type: ColumnType = "decimal"
    required: Required = "never"
    choices: tuple[str, ...] = ()
    # The key of each choice (code refers to a choice by key; the label is what users see).
    # Plain-text choices are their own keys.
    choice_keys: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    help: str = ""
    width: float | None = None
    number_format: str | None = None
    # Records sheets: a locked column is filled by vrapport, not by the user. `prefill_from`
    # names the column of the previous period's submission whose values pre-fill this one
    # (`vrapport templates PERIOD --from DIR`).
    locked: bool = False
    prefill_from: str | None = None
    # Table and grid sheets: a value that stays the same all year (a budget, last year's
    # figures) is carried over by `templates --from` from the previous period of the year.
    carry: bool = False
    # Table sheets: at a new year, this column of the month rows takes the values of the
    # named column of the previous year's submission (this year's figures become last year's).
    from_last_year: str | None = None
    # Choice columns: a cell may hold several choices, separated by "; " (MULTIPLE_SEPARATOR).
    multiple: bool = False

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "decimal", "percent")

    def choice(self, key: str) -> str:
        """The label of the choice with key `key`."""
        return self.choices[self.choice_keys.index(key)]

    @property
    def bounds(self) -> tuple[float, float]:
        """The allowed range of a number: the spec's min/max, else ±NUMBER_LIMIT (no amount in
        a department's report comes near; a larger one is a typing error)."""
        low = self.min if self.min is not None else -NUMBER_LIMIT
        high = self.max if self.max is not None else NUMBER_LIMIT
        return low, high


@dataclass(frozen=True)
class RowSpec:
    """A pre-filled row of a table or grid. `month` is set for month rows: 1–12 in the period's
    year, 0 to -11 for December to January of the year before (`months_back`); `help` is
    shown as the input message of the row's label cell."""

    key: str
    label: str
    month: int | None = None
    help: str = ""
    # A fixed row whose values stay the same all year (an opening balance, a credit limit),
    # carried over by `templates --from` from the previous period of the year.
    carry: bool = False
    # At a new year, the row takes the sum of these rows of the previous year's submission
    # (e.g. the opening balance = last year's opening balance + its movements).
    from_last_year: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetSpec:
    """A key figure of a table sheet with a target in report.yaml (`targets.<key>`): the share
    sum(`share`) / sum(`of`) of the period's month row and, with `ytd`, of the month rows of
    the year to date (numerators and denominators summed, never shares averaged); `limit`
    max: above the target misses it (sick leave), min: below it (answered within 60 s). A
    miss needs a comment paragraph naming `label` (check explained-targets)."""

    key: str
    label: str
    share: tuple[str, ...]
    of: tuple[str, ...]
    limit: Literal["min", "max"]
    ytd: bool = False


@dataclass(frozen=True)
class SheetSpec:
    key: str
    name: str
    kind: SheetKind
    title: str
    help: str
    row_header: str
    rows: tuple[RowSpec, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    checks: tuple[str, ...] = ()
    blank_rows: int = 30
    # A records sheet with fewer rows than this is an error (e.g. no projects at all).
    min_records: int = 0
    # Key figures with a target that a comment paragraph must explain when missed.
    targets: tuple[TargetSpec, ...] = ()
    # The report.yaml catalogue whose items are the rows (`rows: {catalogue: name}`), if so.
    rows_catalogue: str | None = None

    @property
    def measures(self) -> tuple[ColumnSpec, ...]:
        """The measures of a grid (each repeated once per month)."""
        return self.columns

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def row(self, key: str) -> RowSpec:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def has_months(self) -> bool:
        """Whether the sheet has rows for the months of the year (`rows.months`)."""
        return any(r.month is not None and r.month >= 1 for r in self.rows)

    @property
    def several_choices(self) -> ColumnSpec | None:
        """The sheet's first column of several choices (on a comment sheet: what a paragraph
        explains, the lines or key figures), if it has one."""
        return next((c for c in self.columns if c.type == "choice" and c.multiple), None)


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    version: int
    title: str
    department: str
    instructions: tuple[str, ...]
    sheets: tuple[SheetSpec, ...]
    checks: tuple[str, ...] = ()
    path: Path | None = None

    def sheet(self, key: str) -> SheetSpec:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)


@dataclass(frozen=True)
class Chapter:
    key: str
    number: int
    title: str
    sheet: str
    section: str
    templates: tuple[str, ...]
    # Role (as the section names it) -> template id; resolved against the section when the
    # specs load (report.yaml may list the templates in the section's order, or map them).
    roles: Mapping[str, str] = field(default_factory=dict)
    index: int = 0  # its place in report.yaml's chapter list, for messages


@dataclass(frozen=True)
class ReportConfig:
    organisation: str
    short_name: str
    title: str
    chapters: tuple[Chapter, ...]
    model: ReportFile

    def catalogue(self, name: str) -> tuple[CatalogueItem, ...]:
        """The items of a report.yaml catalogue by its name (for a spec's `{catalogue: name}`;
        code that knows the catalogue reads its typed list on `model.catalogues`)."""
        if name not in Catalogues.model_fields:
            known = ", ".join(Catalogues.model_fields)
            raise SpecError(f"{REPORT_FILE} › catalogues.{name}: finnes ikke; kjente: {known}")
        return tuple(getattr(self.model.catalogues, name))

    @property
    def targets(self) -> Mapping[str, float]:
        return self.model.targets

    def chapter(self, key: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.key == key:
                return chapter
        raise KeyError(key)


@dataclass(frozen=True)
class Specs:
    """Everything in one schemas folder."""

    report: ReportConfig
    templates: dict[str, TemplateSpec]
    folder: Path

    def template(self, template_id: str) -> TemplateSpec:
        return self.templates[template_id]


MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(YAML_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader (the C one when available) refusing a key that a mapping repeats:
    plain YAML keeps the last one silently, so a second `label:` would replace the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(f"{key} (line {line})")
        self.key, self.line = key, line


class AnchorUsed(yaml.YAMLError):
    def __init__(self, shown: str, line: int) -> None:
        super().__init__(f"{shown} (line {line})")
        self.shown, self.line = shown, line


def _refuse_anchors(text: str) -> None:
    """Raise AnchorUsed at the first YAML anchor (`&name`) or alias (`*name`) of `text`. The
    specs need neither, and an alias is expanded by whatever walks the loaded object, so a
    few lines of nested aliases (a "billion laughs") could make the work exponential in the
    file's size. Scanned from the parser's events (the C parser where libyaml is there),
    before any node or object is built: the work stays proportional to the file."""
    for event in yaml.parse(text, Loader=YAML_LOADER):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            mark = event.start_mark  # the parsers always set it
            raise AnchorUsed(f"{sign}{anchor}", mark.line + 1 if mark is not None else 1)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_anchors(text)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506
    except AnchorUsed as exc:
        kind = "alias" if exc.shown.startswith("*") else "anker"
        raise SpecError(
            f"{path.name} › linje {exc.line}: YAML-{kind} «{exc.shown}» er ikke tillatt i "
            "spesifikasjonene (ingen ankre eller alias, &navn og *navn); skriv verdien ut der "
            "den skal stå"
        ) from None
    except DuplicateKey as exc:
        raise SpecError(
            f"{path.name} › linje {exc.line}: nøkkelen «{exc.key}» står to ganger i samme "
            "mapping (bare én av dem ville blitt brukt)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise SpecError(_yaml_syntax(path, text, exc)) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"{path.name} › linje {line}: filen er ikke lagret som UTF-8 (byte "
            f"0x{exc.object[exc.start]:02x}); lagre den som UTF-8"
        ) from None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise SpecError(f"{path.name}: kan ikke leses ({exc})") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: forventet en YAML-mapping øverst")
    return data


def _yaml_syntax(path: Path, text: str, exc: yaml.MarkedYAMLError) -> str:
    """A YAML syntax error in Norwegian, at its line and column (PyYAML's own words, which
    name the problem exactly, in parentheses), with the usual cause of a tab said plainly."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return f"{path.name}: er ikke gyldig YAML ({exc.problem or exc})"
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    hint = (
        " Linjen har et tabulatortegn: rykk inn med mellomrom, ikke tabulator."
        if "\t" in line[: mark.column + 1]
        else ""
    )
    return (
        f"{path.name} › linje {mark.line + 1}, kolonne {mark.column + 1}: er ikke gyldig YAML "
        f"({exc.problem or exc.context}).{hint}"
    )


def _label_key(label: str) -> str:
    """How the reader compares labels and sheet names (vrapport.labels.norm): case, runs of
    space, invisible characters (a soft hyphen) and compatibility forms (a full-width «Ｄ»)
    ignored; Excel compares sheet names without case. Two names equal so are one to the
    reader, which would refuse every file made from the template."""
    from vrapport.labels import norm

    return norm(label)


def _why_alike(name: str, other: str) -> str:
    if " ".join(name.split()).casefold() == " ".join(other.split()).casefold():
        return "Excel skiller ikke store og små bokstaver"
    return "vrapport leser dem som like: usynlige tegn og ulike former av samme tegn teller ikke"


def _unique(values: Iterable[str], where: str, what: str, *, fold: bool = False) -> None:
    from vrapport.labels import shown

    seen: dict[str, str] = {}
    for value in values:
        compared = _label_key(value) if fold else value
        if compared in seen:
            alike = (
                ""
                if seen[compared] == value
                else f" (som «{shown(seen[compared])}»; vrapport leser dem som like)"
            )
            raise SpecError(f"{where}: {what} «{shown(value)}» står to ganger{alike}")
        seen[compared] = value


def _choices(
    data: list[ChoiceItem | str] | CatalogueRef, report: ReportConfig | None, where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(labels, keys) of a column's choices: a list of texts or of `{key, label}` mappings,
    or `{catalogue: name}` (the items of a report.yaml catalogue)."""
    if isinstance(data, CatalogueRef):
        if report is None:
            raise SpecError(f"{where}: choices er en liste")
        pairs = [(i.label, i.key) for i in report.catalogue(data.catalogue)]
    else:
        pairs = [(i.label, i.key) if isinstance(i, ChoiceItem) else (i, i) for i in data]
    labels, keys = tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    for label in labels:
        problem = line_problem(label)
        if problem:  # (a catalogue's labels are refused in report.yaml)
            raise SpecError(f"{where}: valget {problem}")
    # A cell's text is read without spaces at its ends: a choice with one would never match
    # what the dropdown wrote, and every correctly filled file would be refused.
    for label in labels:
        if label != label.strip():
            origin = (
                f" (fra {REPORT_FILE} › catalogues.{data.catalogue})"
                if isinstance(data, CatalogueRef)
                else ""
            )
            raise SpecError(
                f"{where}: valget «{label}»{origin} har mellomrom først eller sist; en celle "
                "leses uten dem, så valget ville aldri passe; fjern mellomrommene"
            )
    _unique(keys, where, "valget")
    _unique(labels, where, "valget", fold=True)
    return labels, keys


def _column(entry: ColumnEntry, where: str, report: ReportConfig | None = None) -> ColumnSpec:
    where = f"{where}.{entry.key}"
    choices, choice_keys = _choices(entry.choices, report, f"{where}.choices")
    if entry.type == "choice" and not choices:
        raise SpecError(f"{where}: type choice krever choices")
    if entry.multiple and entry.type != "choice":
        raise SpecError(f"{where}.multiple: gjelder bare type choice")
    if choices and entry.type != "choice":
        raise SpecError(
            f"{where}.choices: gjelder bare type choice (kolonnen er {entry.type}, så valgene "
            "ville ikke bli kontrollert)"
        )
    for name in ("min", "max"):
        _bound(getattr(entry, name), entry.type, f"{where}.{name}")
    if entry.number_format is not None:
        _number_format(entry.number_format, f"{where}.number_format")
        _shows_the_number(entry.number_format, entry.type, f"{where}.number_format")
        _shows_the_date(entry.number_format, entry.type, f"{where}.number_format")
    if entry.min is not None and entry.max is not None and entry.min > entry.max:
        raise SpecError(f"{where}: min ({entry.min}) er større enn max ({entry.max})")
    if entry.multiple:
        for choice in choices:
            if ";" in choice:
                raise SpecError(
                    f"{where}.choices: valget «{choice}» har «;», som skiller valgene i en "
                    "celle med flere valg; skriv det uten"
                )
    return ColumnSpec(
        key=entry.key,
        label=entry.label,
        type=entry.type,
        required=entry.required,
        choices=choices,
        choice_keys=choice_keys,
        min=entry.min,
        max=entry.max,
        max_length=entry.max_length,
        help=entry.help,
        width=entry.width,
        number_format=entry.number_format,
        locked=entry.locked,
        prefill_from=entry.prefill_from,
        carry=entry.carry,
        from_last_year=entry.from_last_year,
        multiple=entry.multiple,
    )


# The largest bound a column may have: Excel holds 15 significant digits.
MAX_BOUND = 10**15


def _bound(value: float | int | None, kind: str, where: str) -> None:
    """A column's min or max is a finite number, and a whole one for a column of whole numbers
    (the template's Excel rule and the check must agree)."""
    if value is None:
        return
    if not math.isfinite(value):
        raise SpecError(f"{where}: må være et endelig tall, ikke {value}")
    if abs(value) > MAX_BOUND:
        raise SpecError(
            f"{where}: {value:g} er utenfor det Excel regner nøyaktig med (15 siffer); "
            "oppgi en grense på høyst 10^15"
        )
    if kind == "integer" and value != int(value):
        raise SpecError(f"{where}: {value} er ikke et heltall; kolonnen har type integer")


# A number format code (ECMA-376 §18.8.31): vrapport.numfmt.FORMAT_PART.


def _number_format(code: str, where: str) -> None:
    """A column's number_format is one Excel can read: a letter outside quotes is a date or
    time code or an error (Excel would ask to repair the template)."""
    if len(code) > NUMBER_FORMAT_MAX:
        raise SpecError(f"{where}: formatet har {len(code)} tegn; Excel tillater høyst 255")
    position = 0
    while position < len(code):
        found = FORMAT_PART.match(code, position)
        if found is None:
            raise SpecError(
                f"{where}: «{code}» er ikke et tallformat Excel kan lese («{code[position]}» "
                "utenfor anførselstegn); skriv tekst i anførselstegn, f.eks. "
                "'#,##0 \"kr\"'"
            )
        position = found.end()
    if code.count(";") > 3:
        raise SpecError(f"{where}: «{code}» har mer enn fire deler skilt med «;»")


def _date_codes(tokens: list[str]) -> list[tuple[str, int]]:
    """The date and time codes of a format section, in order, as (code, length): «d», «m»
    (month), «n» (minutes: an «m» after an hour or before seconds, as Excel reads it), «y»,
    «b» (the Buddhist era's year), «h», «s», «e» (elapsed time, «[h]»), «a» (AM/PM)."""
    codes: list[tuple[str, int]] = []
    for token in tokens:
        low = token.lower()
        if len(low) == 1 and low in "ymdhsb":
            if codes and codes[-1][0] == low:
                codes[-1] = (low, codes[-1][1] + 1)
            else:
                codes.append((low, 1))
        elif low.startswith("[") and low.strip("[]") and set(low.strip("[]")) <= set("hms"):
            codes.append(("e", 1))
        elif low in ("am/pm", "a/p"):
            codes.append(("a", 1))
    for index, (code, length) in enumerate(codes):
        before = codes[index - 1][0] if index else ""
        after = codes[index + 1][0] if index + 1 < len(codes) else ""
        if code == "m" and (before in ("h", "e") or after == "s"):
            codes[index] = ("n", length)
    return codes


# A typical date as Excel stores it: 19.03.2024.
A_DATE = 45370.0


def _shows_the_date(code: str, column_type: str, where: str) -> None:
    """A date column's format shows the day, the month and the year, as the type's own format
    (dd.mm.yyyy) does: the department checks the date it typed by what the cell shows (a
    DocMap count on the 1st, a delivery in the report's year), and the check of a
    filled-in template reads a date typed under a number or time format as that number or
    time (number-in-date, time-in-date), so every date of such a template was an error."""
    from vrapport.numfmt import shown

    if column_type != "date":
        return
    sections: list[list[str]] = [[]]
    position = 0
    while position < len(code):
        found = FORMAT_PART.match(code, position)
        assert found is not None  # _number_format has read the code
        if found.group() == ";":
            sections.append([])
        else:
            sections[-1].append(found.group())
        position = found.end()
    got = shown(code, A_DATE)
    conditional = any(t.startswith("[") and t[1:2] in "<>=" for s in sections for t in s)
    first = sections[0]
    codes = dict(_date_codes(first))
    if conditional:
        what = "har en betingelse ([<…], [>…], [=…]), så datoer kan vises i ulike formater"
    elif got.white:
        what = "viser datoen med hvit skrift"
    elif "@" in first:
        what = "er tekstformatet: en dato som skrives inn, lagres som tekst og ikke som dato"
    elif not got.date:
        what = (
            "er ikke et datoformat: 19.03.2024 vises som tallet 45370, og kontrollen av den "
            "utfylte malen leser hver dato som et tall (number-in-date)"
        )
    elif not {"d", "m", "y"} & set(codes):
        what = (
            "viser bare klokkeslettet, og kontrollen av den utfylte malen leser hver dato "
            "som et klokkeslett (time-in-date)"
        )
    else:
        missing, notes = [], []
        if not 1 <= codes.get("d", 0) <= 2:
            missing.append("dagen")
            notes += ["ddd og dddd viser ukedagen"] if "d" in codes else []
        if not 1 <= codes.get("m", 0) <= 4:
            missing.append("måneden")
            notes += ["mmmmm viser bare månedens forbokstav"] if "m" in codes else []
        if "y" not in codes:
            missing.append("året")
            notes += ["b viser året i buddhistisk tidsregning"] if "b" in codes else []
        if not missing:
            return
        named = ", ".join(missing[:-1]) + " og " + missing[-1] if len(missing) > 1 else missing[0]
        what = f"viser ikke {named} i datoen" + (f" ({'; '.join(notes)})" if notes else "")
    raise SpecError(
        f"{where}: «{code}» {what}; en datokolonne viser dag, måned og år, f.eks. "
        "«dd.mm.yyyy», så avdelingen ser datoen som kommer i rapporten"
    )


def _shows_the_number(code: str, column_type: str, where: str) -> None:
    """A number column's format shows the number the department typed, as the type's own
    format does: the check of a filled-in template finds a cell whose format hides, scales or
    adds to its number (number-format-hides, -alters), but not one with the spec's format,
    so such a format would make the template show one figure and send the report another."""
    from vrapport.numfmt import DEFAULT_FORMATS, shown

    if column_type not in ("integer", "decimal", "percent"):
        return
    for value in (1234.5, -1234.5):
        got, meant = shown(code, value), shown(DEFAULT_FORMATS[column_type], value)
        if got.hidden:
            what = "viser det med hvit skrift" if got.white else "skjuler det"
        elif got.date:
            what = "viser det som dato eller klokkeslett"
        elif got.factor != meant.factor:
            ratio = got.factor / meant.factor
            what = f"ganger det med {ratio:g}" if ratio > 1 else f"deler det på {1 / ratio:g}"
        elif got.unsigned:
            what = "viser negative tall uten minustegn"
        elif got.digits:
            what = "viser sifre som ikke er en del av tallet"
        else:
            continue
        raise SpecError(
            f"{where}: «{code}» {what} (for {value:g} i en kolonne av type {column_type}); "
            "malen ville vist et annet tall enn det som kommer i rapporten"
        )


def _month_pattern(pattern: str, where: str) -> None:
    """A month rows' label pattern uses {month} and no other placeholder, on one line."""
    problem = line_problem(pattern)
    if problem:
        raise SpecError(f"{where}: radnavnet {problem}")
    try:
        # A format spec or conversion ({month:%b}, {month!x}) is no plain {month}: str.format
        # would refuse some of them, and none is a month's name.
        fields = [
            f if not spec and conversion is None else "?"
            for _, f, spec, conversion in string.Formatter().parse(pattern)
            if f is not None
        ]
    except ValueError:
        fields = ["?"]
    if any(f != "month" for f in fields):
        raise SpecError(
            f"{where}: radnavnet «{pattern}» kan bare ha plassholderen {{month}} (og «{{» og "
            "«}» bare rundt den)"
        )


def _months_back(entry: RowsEntry, count: int) -> list[RowSpec]:
    """Rows for the last `months_back` months of the year before the period's year (a rolling
    window reaching back over New Year). Keys p01..p12; `month` counts on from the period's
    year backwards: 0 is December, -11 January, so the rows sort before m01..m12 and
    `to_period` treats them as before the period."""
    pattern = entry.months_back_label
    rows = []
    for month in range(13 - count, 13):
        name = month_label(month)
        label = pattern.format(month=name if pattern.startswith("{") else name.lower())
        rows.append(RowSpec(f"p{month:02d}", label, month - 12))
    return rows


def _fixed(item: FixedRow) -> RowSpec:
    return RowSpec(
        item.key,
        item.label,
        help=item.help,
        carry=item.carry,
        from_last_year=tuple(item.from_last_year),
    )


def chapter_row_label(chapter: Chapter) -> str:
    """How a row for a chapter (a chapter's lead) is labelled: «2. Økonomi», as the chapter's
    heading in the report."""
    return f"{chapter.number}. {chapter.title}"


def _chapter_row(key: str, report: ReportConfig, where: str) -> RowSpec:
    """A row for the chapter `key` of report.yaml, labelled as the chapter is headed: the
    label follows a chapter renamed there, never a copy of an old title."""
    chapter = next((c for c in report.chapters if c.key == key), None)
    if chapter is None:
        known = ", ".join(c.key for c in report.chapters)
        raise SpecError(f"{where}: «{key}» er ikke et kapittel i {REPORT_FILE}; kjente: {known}")
    return RowSpec(key, chapter_row_label(chapter))


def _rows(entry: RowsEntry | None, report: ReportConfig, where: str) -> tuple[RowSpec, ...]:
    if entry is None:
        return ()
    _month_pattern(entry.months_back_label, f"{where}.months_back_label")
    if isinstance(entry.months, str):
        _month_pattern(entry.months, f"{where}.months")
    if entry.catalogue is not None and entry.chapters is not None:
        raise SpecError(
            f"{where}.chapters: radene er katalogen «{entry.catalogue}»; chapters kan ikke stå "
            "sammen med catalogue"
        )
    if entry.catalogue is not None or entry.chapters is not None:
        # The catalogue's items (the chapters) are the rows: anything beside would be written
        # nowhere.
        source = f"katalogen «{entry.catalogue}»" if entry.catalogue is not None else "kapitlene"
        owner = "catalogue" if entry.catalogue is not None else "chapters"
        beside = [
            name
            for name, given in (
                ("before", entry.before),
                ("months_back", entry.months_back is not None),
                ("months", entry.months not in (None, False)),
                ("after", entry.after),
            )
            if given
        ]
        if beside:
            raise SpecError(
                f"{where}.{beside[0]}: radene er {source}; {beside[0]} kan ikke stå sammen "
                f"med {owner} (raden ville ikke komme med i malen)"
            )
    if entry.chapters is not None:
        return tuple(_chapter_row(key, report, f"{where}.chapters") for key in entry.chapters)
    if entry.catalogue is not None:
        items = report.catalogue(entry.catalogue)
        return tuple(RowSpec(i.key, i.label, help=i.help) for i in items)
    rows = [_fixed(item) for item in entry.before]
    if entry.months_back is not None:
        rows += _months_back(entry, entry.months_back)
    if entry.months is not None and entry.months is not False:
        pattern = entry.months if isinstance(entry.months, str) else "{month}"
        for month in range(1, 13):
            name = month_label(month)
            label = pattern.format(month=name if pattern.startswith("{") else name.lower())
            rows.append(RowSpec(f"m{month:02d}", label, month))
    rows += [_fixed(item) for item in entry.after]
    return tuple(rows)


TABLE_HEADER_MAX = 255  # characters of an Excel table's column name


def _sheet(entry: SheetEntry, report: ReportConfig, where: str) -> SheetSpec:
    where = f"{where}.{entry.key}"
    field_name, other = ("measures", "columns") if entry.kind == "grid" else ("columns", "measures")
    if getattr(entry, other):
        raise SpecError(f"{where}.{other}: et {entry.kind}-ark har {field_name}, ikke {other}")
    column_where = f"{where}.{field_name}"
    columns = tuple(_column(c, column_where, report) for c in getattr(entry, field_name))
    if not columns:
        raise SpecError(f"{where}: arket har ingen kolonner")
    _unique((c.key for c in columns), column_where, "nøkkelen")
    # The reader finds a column by its label: two alike would mix up their figures.
    labels = [c.label for c in columns]
    if entry.kind in ("table", "grid") and entry.row_header:  # a grid's header row too
        labels.insert(0, entry.row_header)
    _unique(labels, column_where, "ledeteksten", fold=True)
    if entry.kind == "records":
        # A records sheet is an Excel table, whose column names Office takes up to 255
        # characters (MS-OI29500 2.1.681, tableColumn; counted as Excel counts, see
        # excel_length): xlsxwriter writes a longer one without a word.
        long = next((c for c in columns if excel_length(c.label) > TABLE_HEADER_MAX), None)
        if long is not None:
            raise SpecError(
                f"{column_where}.{long.key}.label: {excel_length(long.label)} tegn; på et "
                "records-ark "
                f"er kolonnene en Excel-tabell, der en kolonneoverskrift kan ha høyst "
                f"{TABLE_HEADER_MAX} tegn. Forkort den, og legg forklaringen i help"
            )
    if entry.kind == "records" and entry.rows is not None:
        raise SpecError(
            f"{where}.rows: et records-ark har én rad per post og ingen faste rader; fjern rows "
            "(eller bruk kind: table)"
        )
    if entry.kind != "records":
        locked = next((c for c in columns if c.locked), None)
        if locked is not None:
            raise SpecError(
                f"{column_where}.{locked.key}.locked: låste kolonner finnes bare på "
                f"records-ark; på et {entry.kind}-ark blir cellene ikke låst"
            )
    rows = _rows(entry.rows, report, f"{where}.rows")
    if entry.kind in ("grid", "table") and not rows:
        raise SpecError(f"{where}: {entry.kind} krever rows")
    _unique((r.key for r in rows), f"{where}.rows", "nøkkelen")
    _unique((r.label for r in rows), f"{where}.rows", "ledeteksten", fold=True)
    _sources_exist(entry, columns, rows, column_where, f"{where}.rows")
    first_label = columns[0].label if entry.kind == "records" else entry.row_header
    return SheetSpec(
        key=entry.key,
        name=entry.name,
        kind=entry.kind,
        title=entry.title if entry.title is not None else entry.name,
        help=entry.help,
        row_header=first_label,
        rows=rows,
        columns=columns,
        checks=tuple(entry.checks),
        blank_rows=entry.blank_rows,
        min_records=entry.min_records,
        targets=tuple(_target(t, columns, f"{where}.targets") for t in entry.targets),
        rows_catalogue=entry.rows.catalogue if entry.rows is not None else None,
    )


def _sources_exist(
    entry: SheetEntry,
    columns: tuple[ColumnSpec, ...],
    rows: tuple[RowSpec, ...],
    column_where: str,
    row_where: str,
) -> None:
    """What a pre-filled column or row is filled from is a column or row of the sheet
    (prefill_from: last period's file, only on a register; from_last_year: last year's),
    so a misspelt name is refused here, not left empty in next period's template."""
    keys = [c.key for c in columns]
    for column in columns:
        for name in ("prefill_from", "from_last_year"):
            source = getattr(column, name)
            if source is not None and source not in keys:
                raise SpecError(
                    f"{column_where}.{column.key}.{name}: kolonnen «{source}» finnes ikke på "
                    f"arket; kjente: {', '.join(keys)}"
                )
        if column.prefill_from is not None and entry.kind != "records":
            raise SpecError(
                f"{column_where}.{column.key}.prefill_from: brukes bare på ark av typen "
                f"records (dette er {entry.kind})"
            )
        # What vrapport.prefill fills: carry on table and grid sheets, from_last_year on
        # table sheets; anywhere else the column was left empty without a word.
        for name, kinds in (("carry", ("table", "grid")), ("from_last_year", ("table",))):
            if getattr(column, name) and entry.kind not in kinds:
                raise SpecError(
                    f"{column_where}.{column.key}.{name}: brukes bare på ark av typen "
                    f"{' eller '.join(kinds)} (dette er {entry.kind})"
                    + ("; på et register: prefill_from" if entry.kind == "records" else "")
                )
        for name in ("prefill_from", "from_last_year"):
            source = next((c for c in columns if c.key == getattr(column, name)), None)
            if source is not None and source.type != column.type:
                raise SpecError(
                    f"{column_where}.{column.key}.{name}: kolonnen «{source.key}» har typen "
                    f"{source.type}, «{column.key}» typen {column.type}; forhåndsutfylte "
                    "verdier må ha kolonnens type"
                )
    row_keys = [r.key for r in rows]
    for row in rows:
        for source in row.from_last_year:
            if source not in row_keys:
                raise SpecError(
                    f"{row_where}.{row.key}.from_last_year: raden «{source}» finnes ikke på "
                    f"arket; kjente: {', '.join(row_keys)}"
                )


def _target(entry: TargetEntry, columns: tuple[ColumnSpec, ...], where: str) -> TargetSpec:
    where = f"{where}.{entry.key}"  # the key is in report.yaml targets: checked by the contract
    known = {c.key for c in columns}
    for name in (*entry.share, *entry.of):
        if name not in known:
            raise SpecError(f"{where}: kolonnen «{name}» finnes ikke på arket")
    return TargetSpec(
        entry.key, entry.label, tuple(entry.share), tuple(entry.of), entry.limit, entry.ytd
    )


def load_report(folder: Path) -> ReportConfig:
    """report.yaml, validated against its typed model (unknown keys are refused)."""
    from pydantic import ValidationError

    from vrapport.reportfile import first_error

    data = _load_yaml(folder / REPORT_FILE)
    try:
        model = ReportFile.model_validate(data)
    except ValidationError as exc:
        raise SpecError(f"{REPORT_FILE} › {first_error(exc, ReportFile)}") from None
    chapters = tuple(
        Chapter(
            key=c.key,
            number=c.number,
            title=c.title,
            sheet=_chapter_sheet(c.sheet, c.number, c.title, index),
            section=c.section,
            templates=tuple(c.templates.values() if isinstance(c.templates, dict) else c.templates),
            roles=dict(c.templates) if isinstance(c.templates, dict) else {},
            index=index,
        )
        for index, c in enumerate(model.report.chapters)
    )
    seen: dict[str, int] = {}
    for chapter in chapters:
        folded = _label_key(chapter.sheet)
        if folded in seen:
            where = f"report.chapters[{chapter.index}].sheet"
            raise SpecError(
                f"{REPORT_FILE} › {where}: arknavnet «{chapter.sheet}» står to ganger (også i "
                f"report.chapters[{seen[folded]}]); oppgi et annet sheet"
            )
        seen[folded] = chapter.index
    return ReportConfig(
        organisation=model.organisation.name,
        short_name=model.organisation.short_name or model.organisation.name,
        title=model.report.title,
        chapters=chapters,
        model=model,
    )


def _chapter_sheet(sheet: str | None, number: int, title: str, index: int) -> str:
    """A chapter's sheet name: as typed in `sheet:` (refused if Excel would refuse it), else
    "number title" cut to Excel's 31 characters."""
    where = f"{REPORT_FILE} › report.chapters[{index}]"
    if sheet is not None:
        problem = sheet_name_problem(sheet)
        if problem:
            raise SpecError(f"{where}.sheet: {problem}")
        return sheet
    name = f"{number} {title}"[:SHEET_NAME_MAX].rstrip()
    problem = sheet_name_problem(name)
    if problem:
        raise SpecError(f"{where}.title: {problem}; oppgi et gyldig arknavn i sheet")
    return name


def load_template(path: Path, report: ReportConfig) -> TemplateSpec:
    from pydantic import ValidationError

    from vrapport.layout import INSTRUCTIONS_SHEET, META_SHEET
    from vrapport.reportfile import first_error

    data = _load_yaml(path)
    where = f"{path.name} › sheets"
    try:
        model = TemplateFile.model_validate(data)
    except ValidationError as exc:
        raise SpecError(f"{path.name} › {first_error(exc, TemplateFile, data)}") from None
    sheets = tuple(_sheet(s, report, where) for s in model.sheets)
    _unique((s.key for s in sheets), where, "nøkkelen")
    # Excel compares sheet names without case; the template also has its fixed sheets.
    names = [INSTRUCTIONS_SHEET, META_SHEET, *(s.name for s in sheets)]
    for index, name in enumerate(names[2:], start=2):
        clash = next((n for n in names[:index] if _label_key(n) == _label_key(name)), None)
        if clash is not None:
            owner = "et annet ark" if index > 2 and clash in names[2:index] else "malens faste ark"
            raise SpecError(
                f"{where}.{sheets[index - 2].key}.name: arknavnet «{name}» er likt {owner} "
                f"«{clash}» ({_why_alike(name, clash)})"
            )
    return TemplateSpec(
        id=model.id,
        version=model.version,
        title=model.title,
        department=model.department if model.department is not None else model.title,
        instructions=tuple(model.instructions),
        sheets=sheets,
        checks=tuple(model.checks),
        path=path,
    )


def load_specs(folder: str | os.PathLike[str] | None = None, contract: bool = True) -> Specs:
    """Load report.yaml and every department spec in `folder` (default: the packaged one),
    and check everything they share with the code (vrapport.contract) unless `contract` is
    False. Any violation is a SpecError naming the file and the key."""
    folder = Path(folder) if folder is not None else schemas_dir()
    if not (folder / REPORT_FILE).is_file():
        raise SpecError(f"{folder}: fant ikke {REPORT_FILE}")
    report = load_report(folder)
    for other in sorted(folder.glob("*.yml")):
        raise SpecError(
            f"{other.name}: spesifikasjonene heter .yaml; gi filen navnet "
            f"{other.stem}.yaml (ellers leses den ikke)"
        )
    templates: dict[str, TemplateSpec] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == REPORT_FILE:
            continue
        spec = load_template(path, report)
        if spec.id in templates:
            raise SpecError(
                f"{path.name} › id: malen «{spec.id}» er definert to ganger (også i "
                f"{files[spec.id]}); gi den en annen id"
            )
        files[spec.id] = path.name
        templates[spec.id] = spec
    specs = Specs(report=report, templates=templates, folder=folder)
    if not contract:
        return specs
    from vrapport.contract import check_contract

    return check_contract(specs)
