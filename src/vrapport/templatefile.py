"""The typed model of a department template spec (schemas/*.yaml besides report.yaml):
pydantic v2, unknown keys refused, frozen. vrapport.spec validates a spec file against
`TemplateFile` and builds its dataclasses from the model; a validation error becomes the
same Norwegian line as for report.yaml (vrapport.reportfile.describe), with list items named
by their key: `drift.yaml › sheets.preparedness.columns.description.requird: ukjent nøkkel`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, model_validator

from vrapport.reportfile import (
    CellText,
    HelpText,
    Key,
    Label,
    Model,
    OneLine,
    line_problem,
    one_line,
    prompt_problem,
)

# The characters Excel refuses in a sheet name, and its longest sheet name.
SHEET_NAME_FORBIDDEN = "[]:*?/\\"
SHEET_NAME_MAX = 31


def sheet_name_problem(name: str) -> str | None:
    """Why Excel would refuse `name` as a sheet name (Norwegian), or None."""
    if not name.strip():
        return "arknavnet kan ikke være tomt"
    problem = line_problem(name)
    if problem:
        return f"arknavnet {problem}"
    if len(name) > SHEET_NAME_MAX:
        return f"arknavnet «{name}» har {len(name)} tegn; Excel tillater høyst {SHEET_NAME_MAX}"
    bad = sorted({c for c in name if c in SHEET_NAME_FORBIDDEN})
    if bad:
        shown = " ".join(bad)
        return f"arknavnet «{name}» inneholder tegn Excel ikke tillater ({shown})"
    if name.startswith("'") or name.endswith("'"):
        return f"arknavnet «{name}» kan ikke begynne eller slutte med apostrof"
    return None


def _sheet_name(name: str) -> str:
    problem = sheet_name_problem(name)
    if problem:
        raise ValueError(problem)
    return name


SheetName = Annotated[str, AfterValidator(_sheet_name)]

# The empty, formatted rows a template's register offers at most (more may be typed below).
MAX_BLANK_ROWS = 10_000
ColumnType = Literal["text", "integer", "decimal", "percent", "date", "choice"]
Required = Literal["always", "to_period", "never"]
SheetKind = Literal["grid", "table", "records"]


class ChoiceItem(Model):
    key: str
    label: Label


class CatalogueRef(Model):
    """`choices: {catalogue: name}` or `rows: {catalogue: name}`: the items of a report.yaml
    catalogue."""

    catalogue: Key


class ColumnEntry(Model):
    key: Key
    label: Label
    type: ColumnType = "decimal"
    required: Required = "never"
    choices: list[ChoiceItem | str] | CatalogueRef = []
    # float | int: a whole number stays an int, as written (messages and Excel show it so).
    min: float | int | None = None
    max: float | int | None = None
    max_length: Annotated[int, Field(ge=1)] | None = None
    help: HelpText = ""  # the input message of the column's cells
    # Excel's widest column; under one character wide, the check finds the column hidden.
    width: Annotated[float | int, Field(ge=1, le=255)] | None = None
    number_format: str | None = None
    locked: StrictBool = False
    prefill_from: Key | None = None
    carry: StrictBool = False
    from_last_year: Key | None = None
    multiple: StrictBool = False

    @model_validator(mode="after")
    def _label_as_prompt(self) -> ColumnEntry:
        """Without a help text the label is the cells' input message."""
        if not self.help:
            problem = prompt_problem(self.label, "ledeteksten (inndatameldingen når help mangler)")
            if problem:
                raise ValueError(f"label: {problem}")
        return self


class FixedRow(Model):
    key: Key
    label: Label
    help: HelpText = ""  # the input message of the row's label cell
    carry: StrictBool = False
    from_last_year: list[Key] = []


class RowsEntry(Model):
    """A sheet's rows: fixed rows `before` and `after` the month rows, the months of the year
    (`months`: a label pattern with {month}, or true) and of the year before (`months_back`);
    or the items of a report.yaml catalogue; or report.yaml chapters, by key, each row
    labelled with its chapter's number and title («2. Økonomi»)."""

    catalogue: Key | None = None
    chapters: list[Key] | None = None
    before: list[FixedRow] = []
    months_back: Annotated[int, Field(ge=1, le=12)] | None = None
    months_back_label: str = "{month} i fjor"
    months: str | StrictBool | None = None
    after: list[FixedRow] = []


class TargetEntry(Model):
    key: Key
    label: Label
    share: Annotated[list[Key], Field(min_length=1)]
    of: Annotated[list[Key], Field(min_length=1)]
    limit: Literal["min", "max"] = "min"
    ytd: StrictBool = False


class SheetEntry(Model):
    key: Key
    name: SheetName
    kind: SheetKind
    title: Annotated[CellText, AfterValidator(one_line)] | None = None
    help: CellText = ""
    row_header: Annotated[CellText, AfterValidator(one_line)] = ""
    rows: RowsEntry | None = None
    columns: list[ColumnEntry] = []
    measures: list[ColumnEntry] = []
    checks: list[str] = []
    blank_rows: Annotated[int, Field(ge=1, le=MAX_BLANK_ROWS)] = 30
    min_records: Annotated[int, Field(ge=0)] = 0
    targets: list[TargetEntry] = []


class TemplateFile(Model):
    """Everything a department template spec may hold."""

    id: Key
    version: Annotated[StrictInt, Field(ge=1)]  # (true is no version)
    title: Label
    department: OneLine | None = None
    instructions: list[CellText] = []
    sheets: Annotated[list[SheetEntry], Field(min_length=1)]
    checks: list[str] = []
