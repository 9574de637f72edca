"""Load the specs in schemas/*.yaml into small frozen dataclasses.

A department template spec declares sheets and, per sheet, its rows and columns: key,
Norwegian label, type, requiredness, allowed values, range and help text. report.yaml
declares the organisation, the chapters, the catalogues (finance lines, investment
categories) and the targets. Everything else (the Excel template, the reader's mapping,
the pandera schemas) is derived from these objects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from vrapport.period import month_label
from vrapport.reportfile import CatalogueItem, Catalogues, ReportFile
from vrapport.resources import schemas_dir

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


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path.name}: kan ikke leses ({exc})") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: forventet en YAML-mapping øverst")
    return data


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise SpecError(f"{where}: mangler «{key}»")
    return data[key]


def _choices(
    data: Any, report: ReportConfig | None, where: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(labels, keys) of a column's choices: a list of texts or of `{key, label}` mappings,
    or `{catalogue: name}` (the items of a report.yaml catalogue)."""
    if isinstance(data, dict):
        if "catalogue" not in data or report is None:
            raise SpecError(f"{where}: choices er en liste eller {{catalogue: navn}}")
        items: Any = [{"key": i.key, "label": i.label} for i in report.catalogue(data["catalogue"])]
    elif isinstance(data, list | tuple):
        items = data
    else:
        raise SpecError(f"{where}.choices: forventet en liste")
    labels, keys = [], []
    for item in items:
        if isinstance(item, dict):
            if "key" not in item or "label" not in item:
                raise SpecError(f"{where}.choices: hvert valg er en tekst eller {{key, label}}")
            keys.append(str(item["key"]))
            labels.append(str(item["label"]))
        else:
            keys.append(str(item))
            labels.append(str(item))
    return tuple(labels), tuple(keys)


def _column(data: dict[str, Any], where: str, report: ReportConfig | None = None) -> ColumnSpec:
    where = f"{where}.{data.get('key', '?')}"
    kind = data.get("type", "decimal")
    required = data.get("required", "never")
    if kind not in COLUMN_TYPES:
        raise SpecError(f"{where}: ukjent type «{kind}» (gyldige: {', '.join(COLUMN_TYPES)})")
    if required not in REQUIRED:
        raise SpecError(f"{where}: ukjent required «{required}»")
    choices, choice_keys = _choices(data.get("choices", ()), report, where)
    if kind == "choice" and not choices:
        raise SpecError(f"{where}: type choice krever choices")
    if data.get("multiple") and kind != "choice":
        raise SpecError(f"{where}: multiple gjelder bare type choice")
    return ColumnSpec(
        key=_need(data, "key", where),
        label=_need(data, "label", where),
        type=kind,
        required=required,
        choices=choices,
        choice_keys=choice_keys,
        min=data.get("min"),
        max=data.get("max"),
        max_length=data.get("max_length"),
        help=data.get("help", ""),
        width=data.get("width"),
        number_format=data.get("number_format"),
        locked=bool(data.get("locked", False)),
        prefill_from=data.get("prefill_from"),
        carry=bool(data.get("carry", False)),
        from_last_year=data.get("from_last_year"),
        multiple=bool(data.get("multiple", False)),
    )


def _months_back(data: dict[str, Any], where: str) -> list[RowSpec]:
    """Rows for the last `months_back` months of the year before the period's year (a rolling
    window reaching back over New Year). Keys p01..p12; `month` counts on from the period's
    year backwards: 0 is December, -11 January, so the rows sort before m01..m12 and
    `to_period` treats them as before the period."""
    count = data["months_back"]
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 12:
        raise SpecError(f"{where}.rows.months_back: forventet et heltall fra 1 til 12")
    pattern = data.get("months_back_label", "{month} i fjor")
    rows = []
    for month in range(13 - count, 13):
        name = month_label(month)
        label = pattern.format(month=name if pattern.startswith("{") else name.lower())
        rows.append(RowSpec(f"p{month:02d}", label, month - 12))
    return rows


def _rows(data: Any, report: ReportConfig, where: str) -> tuple[RowSpec, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise SpecError(f"{where}.rows: forventet en mapping")

    def fixed(item: dict[str, Any]) -> RowSpec:
        return RowSpec(
            item["key"],
            item["label"],
            help=item.get("help", ""),
            carry=bool(item.get("carry")),
            from_last_year=tuple(item.get("from_last_year", ())),
        )

    if "catalogue" in data:
        items = report.catalogue(data["catalogue"])
        return tuple(fixed({"key": i.key, "label": i.label, "help": i.help}) for i in items)
    rows = [fixed(item) for item in data.get("before", ())]
    if "months_back" in data:
        rows += _months_back(data, where)
    if "months" in data:
        pattern = data["months"] if isinstance(data["months"], str) else "{month}"
        for month in range(1, 13):
            name = month_label(month)
            label = pattern.format(month=name if pattern.startswith("{") else name.lower())
            rows.append(RowSpec(f"m{month:02d}", label, month))
    rows += [fixed(item) for item in data.get("after", ())]
    return tuple(rows)


def _sheet(data: dict[str, Any], report: ReportConfig, where: str) -> SheetSpec:
    where = f"{where}.{data.get('key', '?')}"
    kind = _need(data, "kind", where)
    if kind not in SHEET_KINDS:
        raise SpecError(f"{where}: ukjent kind «{kind}» (gyldige: {', '.join(SHEET_KINDS)})")
    column_data = data.get("measures") if kind == "grid" else data.get("columns")
    columns = tuple(_column(c, where, report) for c in column_data or ())
    if not columns:
        raise SpecError(f"{where}: arket har ingen kolonner")
    rows = _rows(data.get("rows"), report, where)
    if kind in ("grid", "table") and not rows:
        raise SpecError(f"{where}: {kind} krever rows")
    first_label = columns[0].label if kind == "records" else data.get("row_header", "")
    return SheetSpec(
        key=_need(data, "key", where),
        name=_need(data, "name", where),
        kind=kind,
        title=data.get("title", data["name"]),
        help=data.get("help", ""),
        row_header=first_label,
        rows=rows,
        columns=columns,
        checks=tuple(data.get("checks", ())),
        blank_rows=int(data.get("blank_rows", 30)),
        min_records=int(data.get("min_records", 0)),
        targets=tuple(_target(t, columns, report, where) for t in data.get("targets", ())),
    )


def _target(
    data: dict[str, Any], columns: tuple[ColumnSpec, ...], report: ReportConfig, where: str
) -> TargetSpec:
    where = f"{where}.targets.{data.get('key', '?')}"
    key = _need(data, "key", where)  # in report.yaml targets: checked by the contract
    known = {c.key for c in columns}
    share, of = tuple(_need(data, "share", where)), tuple(_need(data, "of", where))
    for name in (*share, *of):
        if name not in known:
            raise SpecError(f"{where}: kolonnen «{name}» finnes ikke på arket")
    limit = data.get("limit", "min")
    if limit not in ("min", "max"):
        raise SpecError(f"{where}: limit må være min eller max, ikke «{limit}»")
    ytd = data.get("ytd", False)
    if not isinstance(ytd, bool):
        raise SpecError(f"{where}: ytd må være true eller false, ikke «{ytd}»")
    return TargetSpec(key, _need(data, "label", where), share, of, limit, ytd)


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
            sheet=(c.sheet or f"{c.number} {c.title}")[:31],
            section=c.section,
            templates=tuple(c.templates.values() if isinstance(c.templates, dict) else c.templates),
            roles=dict(c.templates) if isinstance(c.templates, dict) else {},
            index=index,
        )
        for index, c in enumerate(model.report.chapters)
    )
    return ReportConfig(
        organisation=model.organisation.name,
        short_name=model.organisation.short_name or model.organisation.name,
        title=model.report.title,
        chapters=chapters,
        model=model,
    )


def load_template(path: Path, report: ReportConfig) -> TemplateSpec:
    data = _load_yaml(path)
    where = path.name
    sheets = tuple(_sheet(s, report, f"{where}.sheets") for s in _need(data, "sheets", where))
    return TemplateSpec(
        id=_need(data, "id", where),
        version=int(_need(data, "version", where)),
        title=_need(data, "title", where),
        department=data.get("department", data["title"]),
        instructions=tuple(data.get("instructions", ())),
        sheets=sheets,
        checks=tuple(data.get("checks", ())),
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
    templates: dict[str, TemplateSpec] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == REPORT_FILE:
            continue
        spec = load_template(path, report)
        if spec.id in templates:
            raise SpecError(f"{path.name}: malen «{spec.id}» er definert to ganger")
        templates[spec.id] = spec
    specs = Specs(report=report, templates=templates, folder=folder)
    if not contract:
        return specs
    from vrapport.contract import check_contract

    return check_contract(specs)
