"""Findings: what validation says about a submission, as records.

A finding is a registered `code`, a severity, a structured place (file › sheet › a cell, a
range, a row or the whole sheet, plus the column) and a Norwegian message. Every code lives
in `CODES` below with its category and default severity; a `Finding` with an unregistered
code cannot be made, and a test collects every code literal in `src/` and fails on one that
is not registered.

How to add a code: add one `Code(...)` line to `CODES` in the block of its category, then
use it, either with your own message as today,

    Finding(file, sheet, "F6", ERROR, "my-code", "Norsk melding.", column_label, key="actual")
    sub.add(sheet, "F6", ERROR, "my-code", "Norsk melding.")          # reader / validation
    ctx.at(data, index, "actual", ERROR, "my-code", "Norsk melding.")  # named cross-checks

or, when the code has a `template`, with the message rendered from parameters:

    Finding.make("required", file, sheet, "F6", column="Faktisk", label="mars")
    sub.make("wrong-period", META_SHEET, meta_cell("period"), stamped=..., period=...)

The third positional field is the place on the sheet in A1 notation: a cell ("F6"), a range
("B5:C6"), a whole row ("9:9", see `row_ref`), or "" for the whole sheet (and, with no sheet
either, the whole file). `Finding.kind` says which; `Finding.cell` is always one cell (the
range's first cell, column A of a row) or "", for code that marks cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

Category = Literal["file", "structure", "value", "cross-check", "plausibility", "history"]
LocationKind = Literal["file", "sheet", "cell", "range", "row"]


@dataclass(frozen=True)
class Code:
    """One kind of finding. `template` (str.format, named fields) renders the message from
    parameters; "" when every use words its own message."""

    name: str
    category: Category
    severity: Severity
    template: str = ""


def _table(*codes: Code) -> Mapping[str, Code]:
    table = {c.name: c for c in codes}
    assert len(table) == len(codes), "a finding code is registered twice"
    return MappingProxyType(table)


# Where a department gets a template: the findings are read by the department (in the
# collection service, or in the feedback copy the controller sends back), who does not run
# `vrapport templates` itself.
TEMPLATE_SOURCE = "fra innsamlingstjenesten eller fra controller"

CODES: Mapping[str, Code] = _table(
    # --- file: the file as a whole (pre-flight, _meta, period, the set of files) ---------
    Code("not-xlsx", "file", ERROR),
    Code("old-xls", "file", ERROR),
    Code("macro-workbook", "file", ERROR),
    Code("encrypted-file", "file", ERROR),
    Code("empty-file", "file", ERROR),
    Code("empty-zip", "file", ERROR),
    Code("file-too-large", "file", ERROR),
    Code("identical-copies", "file", WARNING),
    Code(
        "skipped-file",
        "file",
        WARNING,
        "Filen er ikke et regneark ({suffix}) og er ikke lest. Send utfylt mal som .xlsx.",
    ),
    Code("sheet-too-large", "file", ERROR),
    Code("suspicious-file", "file", ERROR),
    Code("external-links", "file", WARNING),
    Code("unreadable-file", "file", ERROR),
    Code(
        "corrupt-file",
        "file",
        ERROR,
        "Filen kunne ikke leses som Excel-arbeidsbok ({error}).",
    ),
    Code(
        "internal-error",
        "file",
        ERROR,
        "Feil i vrapport, ikke i filen: kontrollen av filen stoppet ({error}). Filen er ikke "
        "kontrollert ferdig. Meld feilen (kjør med VRAPPORT_DEBUG=1 for detaljer).",
    ),
    Code("report-file", "file", WARNING),
    # untrusted input (pre-flight and the isolated reader): active content, a parse that
    # aborted, exhausted its memory or ran out of time, merged ranges beyond the sheet
    Code("active-content", "file", ERROR),
    Code("parser-aborted", "file", ERROR),
    Code("file-too-demanding", "file", ERROR),
    Code("file-too-slow", "file", ERROR),
    Code("merged-outside-sheet", "file", ERROR),
    # more findings of one code on one sheet than are shown (the count of the rest)
    Code("more-findings", "structure", ERROR),
    # the collection service (vrapport serve): an upload of another template, a check that
    # had to be stopped (its child process aborted, ran out of time or memory), a PDF not made
    Code("wrong-template", "file", ERROR),
    Code("check-aborted", "file", ERROR),
    Code("pdf-failed", "file", WARNING),
    # the report just written is open in a spreadsheet program (its lock file is there): the
    # window shows the version before, and saving there would put it back
    Code(
        "report-open",
        "file",
        WARNING,
        "Rapporten er åpen i {program} (låsefilen {lock} finnes): vinduet viser den forrige "
        "versjonen. Lukk den uten å lagre, og åpne {name} på nytt.",
    ),
    # a submission open in a spreadsheet program (its lock file is beside it) when read
    Code(
        "submission-open",
        "file",
        WARNING,
        "Filen er åpen i {program} (låsefilen {lock} finnes): det som er skrevet inn og ikke "
        "lagret ennå, er ikke med. Lagre og lukk filen, og kontroller den på nytt.",
    ),
    Code("missing-meta", "file", ERROR),
    Code("unknown-template", "file", ERROR),
    Code(
        "conflicting-meta",
        "file",
        ERROR,
        "«{name}» står to ganger i _meta med ulike verdier (også i {first}), så det er uklart "
        "hvilken mal, versjon eller periode filen gjelder. Bruk malen for perioden, "
        f"{TEMPLATE_SOURCE}.",
    ),
    Code("wrong-organisation", "file", ERROR),
    Code(
        "formula-in-meta",
        "file",
        ERROR,
        "Det skjulte arket _meta har en formel ({formula}); vrapport skriver bare verdier dit, "
        "så det er uklart hvilken mal, versjon eller periode filen gjelder. Bruk malen for "
        f"perioden, {TEMPLATE_SOURCE}.",
    ),
    Code(
        "wrong-version",
        "file",
        ERROR,
        "Filen er laget fra versjon {version} av malen «{template}», men gjeldende versjon er "
        f"{{current}}. Hent ny mal, {TEMPLATE_SOURCE}.",
    ),
    Code(
        "bad-period",
        "file",
        ERROR,
        "Ugyldig periode «{period}». Perioden skal stå som tekst på formen ÅÅÅÅ-MM, for "
        f"eksempel 2024-03. Bruk malen for perioden, {TEMPLATE_SOURCE}.",
    ),
    # the period cell holds a date: Excel turns «2024-03» typed into it into 1.3.2024
    Code(
        "period-as-date",
        "file",
        ERROR,
        "Perioden er lagret som datoen {date}, ikke som tekst på formen ÅÅÅÅ-MM (Excel gjør "
        "om «{example}» til en dato når det skrives inn i en celle). Skriv perioden med "
        "apostrof foran, '{example}, så den lagres som tekst – eller bruk malen for "
        f"perioden, {TEMPLATE_SOURCE}.",
    ),
    Code(
        "wrong-period",
        "file",
        ERROR,
        "Filen gjelder {stamped}, men rapporten gjelder {period}. "
        "Bruk malen for {period} og før inn tallene der.",
    ),
    Code(
        "no-period",
        "file",
        ERROR,
        "Malen er ikke stemplet med periode. Oppgi perioden med --period.",
    ),
    Code(
        "period-not-stamped",
        "file",
        WARNING,
        "Malen er ikke stemplet med periode; leses som {period}.",
    ),
    Code("duplicate-template", "file", ERROR),
    Code("mixed-periods", "file", ERROR),
    Code("previous-not-earlier", "file", ERROR),
    Code("previous-not-last-month", "file", WARNING),
    Code("no-submissions", "file", ERROR, "Fant ingen innsendte filer (.xlsx)."),
    Code("missing-submission", "file", WARNING),
    Code("no-chapters", "file", ERROR, "Ingen kapitler kunne lages av innsendingene."),
    # --- structure: sheets, headers, rows and cells of the template ----------------------
    Code("missing-sheet", "structure", ERROR),
    Code("ambiguous-sheet", "structure", ERROR),
    Code("hidden-sheet", "structure", ERROR),
    Code("extra-sheet", "structure", WARNING),
    Code("missing-header", "structure", ERROR),
    Code("missing-column", "structure", ERROR),
    # a template column's header twice (in a grid: a month's measure twice)
    Code("duplicate-column", "structure", ERROR),
    # a second table under the template's row header (a copy beside or below the real one)
    Code("duplicate-table", "structure", ERROR),
    # a header or row label given by a formula in a file nothing computed
    Code("formula-in-label", "structure", ERROR),
    # values in a column beside (or among) a register's columns that the template has not
    Code("unread-column-values", "structure", WARNING),
    # headers in another order than the template's (months, or measures and columns)
    Code("header-order", "structure", ERROR),
    Code("missing-row", "structure", ERROR),
    # pre-filled row labels (lines, not months) in another order than the template's
    Code("row-order", "structure", ERROR),
    Code("unknown-row", "structure", WARNING),
    # ... and one with values beside its label, which no total would count
    Code("unknown-row-values", "structure", ERROR),
    # values beside an empty label: among the template's rows, and below the table
    Code("unlabelled-row-values", "structure", ERROR),
    Code("unlabelled-row-below", "structure", WARNING),
    Code("duplicate-row", "structure", ERROR),
    Code("too-few-rows", "structure", ERROR),
    Code("hidden-row", "structure", WARNING),
    Code("merged-input-cells", "structure", ERROR),
    Code("hidden-column", "structure", WARNING),
    # a number's cell format shows another number (scaled, digits of its own) or none
    Code("number-format-alters", "value", ERROR),
    Code("number-format-hides", "value", WARNING),
    # --- value: one value against its column's type, range and requiredness --------------
    Code("required", "value", ERROR, "Mangler verdi: {column} for {label}."),
    Code(
        "not-a-number",
        "value",
        ERROR,
        "«{shown}» er ikke et tall ({column}, {label}). Skriv bare tallet, uten tekst eller "
        "enhet (som «kr»).",
    ),
    Code("not-an-integer", "value", ERROR, "«{shown}» er ikke et heltall ({column}, {label})."),
    # a number or date typed as text with digits of another script («٣٤», «１２３»): Python
    # reads them as digits, Excel does not
    Code(
        "other-script-digits",
        "value",
        ERROR,
        "«{shown}» er ikke {what} Excel kan regne med ({column}, {label}): {digits} er sifre "
        "fra et annet skriftsystem, ikke de vanlige sifrene 0–9. Skriv {it} på nytt med "
        "sifrene 0–9.",
    ),
    Code(
        "percent-in-number",
        "value",
        ERROR,
        "«{shown}» er en prosent, men {column} er ikke en prosent ({label}). Skriv tallet uten %.",
    ),
    Code(
        "not-a-date",
        "value",
        ERROR,
        "«{shown}» er ikke en dato ({column}, {label}). Skriv datoen som dd.mm.åååå, "
        "for eksempel 19.03.2024.",
    ),
    # a number in a date column whose cell is not formatted as a date: Excel shows the
    # number, so which date was meant is unknown
    Code(
        "number-in-date",
        "value",
        ERROR,
        "«{shown}» er et tall, ikke en dato ({column}, {label}). Skriv datoen som dd.mm.åååå.",
    ),
    # a number below 1 (0, negative, a fraction) in a date-formatted cell, or a time of day:
    # python-calamine gives only its time of day, so the number itself cannot be shown
    Code(
        "time-in-date",
        "value",
        ERROR,
        "Cellen har {what}, ikke en dato ({column}, {label}). Skriv datoen som dd.mm.åååå.",
    ),
    Code(
        "date-out-of-range",
        "value",
        ERROR,
        "«{shown}» kan ikke leses som dato: cellen er formatert som dato, men tallet er langt "
        "utenfor datoene Excel kan vise. Skriv inn datoen på nytt (dd.mm.åååå) eller tøm "
        "cellen, og send filen igjen.",
    ),
    Code(
        "not-in-list",
        "value",
        ERROR,
        "«{shown}» er ikke et gyldig valg. Gyldige verdier: {choices}.",
    ),
    Code("not-text", "value", ERROR, "«{shown}» er ikke tekst ({column})."),
    Code(
        "below-minimum",
        "value",
        ERROR,
        "{shown} er mindre enn minsteverdien {limit} ({column}, {label}).",
    ),
    Code(
        "above-maximum",
        "value",
        ERROR,
        "{shown} er større enn største tillatte verdi {limit} ({column}, {label}).",
    ),
    Code("too-long", "value", ERROR, "Teksten er {length} tegn; høyst {limit} er tillatt."),
    Code("error-value", "value", ERROR, "Cellen inneholder feilverdien {value}."),
    Code(
        "formula-without-value",
        "value",
        ERROR,
        "Cellen har en formel uten lagret verdi. Åpne filen i Excel, la den beregne, og "
        "lagre på nytt – eller skriv inn verdien.",
    ),
    Code(
        "not-finite-number",
        "value",
        ERROR,
        "Cellen har et tall som intet regnearkprogram lagrer (NaN eller uendelig); "
        "filen er skrevet eller endret av et annet program. Skriv inn tallet på nytt og "
        "lagre filen i Excel.",
    ),
    # a formula in an input cell: its stored result used only when Excel computed it
    Code("formula-in-input", "value", WARNING),
    Code("formula-not-computed", "value", ERROR),
    # ... and, recomputed from the sheet's values (vrapport.formulas), it gives another result
    Code("formula-stale", "value", ERROR),
    Code("external-reference", "value", ERROR),
    Code("number-as-text", "value", WARNING),
    Code("date-as-text", "value", WARNING),
    # control characters and direction overrides removed from a text before the report
    Code("control-characters", "value", WARNING),
    # --- cross-check: named checks between values (checks/) ------------------------------
    Code("unexpected-sign", "cross-check", WARNING),
    Code("lost-exceeds-agreed", "cross-check", ERROR),
    Code("value-after-period", "cross-check", WARNING),
    Code("duplicate-project", "cross-check", ERROR),
    Code("unknown-project", "cross-check", ERROR),
    Code("count-not-first-of-month", "cross-check", ERROR),
    Code("duplicate-count-date", "cross-check", ERROR),
    Code("count-after-period", "cross-check", WARNING),
    Code("split-exceeds-total", "cross-check", ERROR),
    Code("missing-closing-count", "cross-check", WARNING),
    Code("answered-exceeds-phone", "cross-check", ERROR),
    Code("phone-exceeds-contacts", "cross-check", ERROR),
    Code("resolved-exceeds-contacts", "cross-check", ERROR),
    Code("months-out-of-order", "cross-check", WARNING),
    Code("date-after-period", "cross-check", ERROR),
    Code("date-before-range", "cross-check", WARNING),
    Code("date-too-early", "cross-check", ERROR),
    Code("duplicate-id", "cross-check", ERROR),
    Code("repeated-record", "cross-check", WARNING),
    Code("credit-limit-negative", "cross-check", ERROR),
    Code("credit-beyond-limit", "cross-check", ERROR),
    # --- plausibility: well-formed figures a controller would question (checks/plausibility)
    Code("wrong-scale", "plausibility", ERROR),
    Code("outlier", "plausibility", WARNING),
    Code("month-copied", "plausibility", WARNING),
    Code("zero-figure", "plausibility", WARNING),  # a month's 0 against its budget
    Code("unexplained-variance", "plausibility", WARNING),
    Code("unexplained-target", "plausibility", WARNING),
    # --- history: against the previous period's submissions ------------------------------
    Code("changed-since-previous", "history", WARNING),
    Code("unexplained-restatement", "history", WARNING),
)

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]*)$")
_RANGE = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9][0-9]*:\$?[A-Z]{1,3}\$?[1-9][0-9]*$")
_ROW = re.compile(r"^([1-9][0-9]*):\1$")


def row_ref(row: int) -> str:
    """The A1 reference of a whole (1-based) sheet row, as Excel writes it: 9 -> '9:9'."""
    return f"{row}:{row}"


def location_kind(sheet: str, ref: str) -> LocationKind:
    """What an A1 reference names: a cell, a range, a row, or (empty) the whole sheet or
    file. Anything else is a bug in vrapport (ValueError)."""
    if not ref:
        return "sheet" if sheet else "file"
    if _CELL.match(ref):
        return "cell"
    if _ROW.match(ref):
        return "row"
    if _RANGE.match(ref):
        return "range"
    raise ValueError(f"not an A1 cell, range or row: {ref!r}")


def _one_cell(kind: LocationKind, ref: str) -> str:
    """One cell standing for a place of `kind` at `ref` (see `Location.cell`)."""
    if kind == "cell":
        return ref
    if kind == "range":
        return ref.split(":")[0]
    if kind == "row":
        return f"A{ref.split(':')[0]}"
    return ""


@dataclass(frozen=True)
class Location:
    """Where a finding is: file, sheet, one place on the sheet (kind + A1 reference), and
    the column (its key in the spec and its label as the user sees it)."""

    file: str
    sheet: str
    kind: LocationKind
    ref: str
    column_key: str = ""
    column: str = ""

    @property
    def cell(self) -> str:
        """One cell standing for the place: the cell, a range's first cell, column A of a
        row; "" for a whole sheet or file."""
        return _one_cell(self.kind, self.ref)

    @property
    def row(self) -> int | None:
        """The 1-based row of a cell or row place (a range's first row); None otherwise."""
        if self.kind == "row":
            return int(self.ref.split(":")[0])
        match = _CELL.match(self.cell) if self.cell else None
        return int(match.group(2)) if match else None

    @property
    def text(self) -> str:
        """file › sheet › place, as findings are printed."""
        place = f"rad {self.row}" if self.kind == "row" else self.ref
        return " › ".join(p for p in (self.file, self.sheet, place) if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "kind": self.kind,
            "ref": self.ref,
            "cell": self.cell,
            "row": self.row,
            "column_key": self.column_key,
            "column": self.column,
        }


@dataclass(frozen=True)
class Finding:
    """One problem in one place. `code` is registered in `CODES` (kebab-case, stable);
    `message` is Norwegian; `ref` is the A1 place on `sheet` (see the module docstring);
    `column` is the column's label, `key` its key in the spec; `params` the values the
    message was rendered from (for machine readers)."""

    file: str
    sheet: str
    ref: str
    severity: Severity
    code: str
    message: str
    column: str = ""
    key: str = ""
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(
                f"unregistered finding code {self.code!r}: add it to CODES in vrapport/findings.py"
            )
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"not a severity: {self.severity!r}")
        location_kind(self.sheet, self.ref)  # raises on a malformed reference

    @classmethod
    def make(
        cls,
        code: str,
        file: str,
        sheet: str = "",
        ref: str = "",
        *,
        severity: Severity | None = None,
        column: str = "",
        key: str = "",
        **params: Any,
    ) -> Finding:
        """A finding whose message is rendered from the code's template. `column` (the
        label) is also a template field; the code's default severity unless given."""
        entry = CODES.get(code)
        if entry is None or not entry.template:
            raise ValueError(f"finding code {code!r} has no message template")
        fields = {"column": column, "sheet": sheet} | params
        return cls(
            file,
            sheet,
            ref,
            severity or entry.severity,
            code,
            entry.template.format(**fields),
            column,
            key,
            tuple(params.items()),
        )

    @property
    def category(self) -> Category:
        return CODES[self.code].category

    @property
    def kind(self) -> LocationKind:
        return location_kind(self.sheet, self.ref)

    @property
    def where(self) -> Location:
        return Location(self.file, self.sheet, self.kind, self.ref, self.key, self.column)

    @property
    def cell(self) -> str:
        """One cell for the place (see `Location.cell`): what cell-marking code uses."""
        return _one_cell(self.kind, self.ref)

    @property
    def location(self) -> str:
        return self.where.text

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: code, category, severity, message, parameters, the place (flat,
        as before: file, sheet, cell, column) and the structured place under `where`."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "category": self.category,
            "message": self.message,
            "location": self.location,
            "where": self.where.to_dict(),
            "params": {k: _jsonable(v) for k, v in self.params},
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


MAX_PER_CODE = 50  # findings of one code per sheet shown; the rest counted in one


def capped(findings: list[Finding], limit: int = MAX_PER_CODE) -> list[Finding]:
    """What is shown (console, feedback copies): at most `limit` findings of one code on one
    sheet of one file, in the order given; the rest become one summary finding after the last
    one shown ("… og 11 700 til"), an error when any of them is. Linear time."""
    from vrapport.numbers import format_number

    counts: dict[tuple[str, str, str], int] = {}
    rest: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        key = (finding.file, finding.sheet, finding.code)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > limit:
            rest.setdefault(key, []).append(finding)
    if not rest:
        return findings
    kept: list[Finding] = []
    shown: dict[tuple[str, str, str], int] = {}
    for finding in findings:
        key = (finding.file, finding.sheet, finding.code)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] > limit:
            continue
        kept.append(finding)
        if shown[key] == limit and key in rest:
            more = rest[key]
            severity = ERROR if any(f.severity == ERROR for f in more) else WARNING
            kept.append(
                Finding(
                    finding.file,
                    finding.sheet,
                    "",
                    severity,
                    "more-findings",
                    f"… og {format_number(len(more))} til av samme slag på arket "
                    f"(bare de {limit} første er vist).",
                    params=(("code", finding.code), ("count", len(more))),
                )
            )
    return kept
