"""The typed model of report.yaml (pydantic v2, unknown keys refused), and the one place that
turns a validation error into the Norwegian line a controller reads:
`report.yaml › targets.sick_leave_total: mangler`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from vrapport.wording import listing

Share = Annotated[float, Field(ge=0, le=1)]
RiskLevel = Annotated[int, Field(ge=1, le=5)]
Key = Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9_]+$")]


# Characters a name, title or label may not hold: the C0 and C1 control characters (line
# break, tab, carriage return among them), the line and paragraph separators, and the
# direction overrides and isolates (which reorder what follows them on screen).
_BREAKS = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def line_problem(text: str) -> str | None:
    """Why `text`, a name, title or label (one line in the template and the report, and in
    Excel's sheet names, defined names and table headers), cannot be used as it is
    (Norwegian), or None."""
    found = _NOT_IN_A_LINE.search(text)
    if found is None:
        return None
    ch = found.group()
    if ch in _BREAKS:
        what = f"et linjeskift ({_BREAKS[ch]})"
    elif ch == "\t":
        what = "et tabulatortegn (\\t)"
    elif "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        what = f"et retningstegn (\\u{ord(ch):04x}), som snur teksten etter seg på skjermen"
    else:
        what = f"et styretegn (\\u{ord(ch):04x})"

    def code(c: str) -> str:
        return _BREAKS.get(c) or ("\\t" if c == "\t" else f"\\u{ord(c):04x}")

    written = _NOT_IN_A_LINE.sub(lambda m: code(m.group()), text)
    return (
        f"«{written}» har {what}; navn, titler og ledetekster står på én linje i malene og "
        "rapporten (og Excel tillater ikke slike tegn i arknavn). Skriv teksten uten"
    )


def one_line(text: str) -> str:
    problem = line_problem(text)
    if problem:
        raise ValueError(problem)
    return text


# A text shown on one line (a name, a title, a heading): see line_problem.
OneLine = Annotated[str, AfterValidator(one_line)]


def _label(text: str) -> str:
    # Only spaces: a header, row or title that reads as nothing (the reader found no column
    # « » in the template vrapport wrote, and a chapter stood without its title).
    if not text.strip():
        raise ValueError("kan ikke være tom (teksten har bare mellomrom)")
    return one_line(text)


Label = Annotated[str, Field(min_length=1), AfterValidator(_label)]

# Excel's limits for the texts of a data validation (a template cell's input message and
# its title, the error alert, a list of choices written into the rule), counted as Excel
# counts: in UTF-16 units, so a character beyond U+FFFF (an emoji) counts twice. xlsxwriter
# checks the same limits and, past one, writes no validation at all (a warning, no error).
# The error message: 255 for xlsxwriter, 224 for Office (MS-OI29500 2.1.613), the stricter
# is used. The template writer never cuts a text to fit; a spec text too long is refused
# when the specs load.
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255
ERROR_MESSAGE_MAX = 224
LIST_MAX = 255


def excel_length(text: str) -> int:
    """The length of `text` as Excel counts it (UTF-16 units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def prompt_problem(text: str, what: str) -> str | None:
    """Why Excel would not show `text` as a cell's input message (Norwegian), or None."""
    length = excel_length(text)
    if length <= PROMPT_MAX:
        return None
    counted = (
        ""
        if length == len(text)
        else " (slik Excel teller: emoji og andre tegn utenfor grunnplanet teller to)"
    )
    return (
        f"{what} har {length} tegn{counted}; Excel viser høyst {PROMPT_MAX} tegn i en celles "
        "inndatamelding (datavalidering), og vrapport kutter ikke teksten. Forkort den"
    )


def _help_text(text: str) -> str:
    problem = prompt_problem(text, "hjelpeteksten")
    if problem:
        raise ValueError(problem)
    return text


# A help text: shown as the input message of the template cells it is about.
HelpText = Annotated[str, AfterValidator(_help_text)]

# A text written into one template cell (an instruction, a sheet's title or help): Excel's
# 32 767 characters per cell, less room for the period words filled in.
CELL_TEXT_MAX = 32_000


def _cell_text(text: str) -> str:
    length = excel_length(text)
    if length > CELL_TEXT_MAX:
        shown, most = (f"{n:_}".replace("_", " ") for n in (length, CELL_TEXT_MAX))
        raise ValueError(
            f"teksten har {shown} tegn; den skrives i én celle, som tar høyst {most} tegn her "
            "(Excel: 32 767), og vrapport kutter ikke teksten. Del den opp eller forkort den"
        )
    return text


CellText = Annotated[str, AfterValidator(_cell_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(Model):
    name: Label
    short_name: OneLine | None = None


class Leads(Model):
    """Where each chapter's lead paragraph comes from: a table sheet of a template whose row
    keys are chapter keys."""

    template: Key
    sheet: Key
    column: Key = "text"


class ChapterEntry(Model):
    key: Key
    number: Annotated[int, Field(ge=1, le=99)]
    title: Label
    sheet: str | None = None
    section: Key
    # The templates the section reads: a list in the order of the section's roles, or a
    # mapping role -> template id.
    templates: list[Key] | dict[Key, Key]


class ReportSection(Model):
    title: Label = "Virksomhetsrapport"
    chapters: list[ChapterEntry]
    leads: Leads | None = None

    @model_validator(mode="after")
    def _no_placeholders(self) -> ReportSection:
        """The report's titles are printed as written: a «{year}» stood as «{year}» (the
        period is added after the report's title by itself)."""
        titles = [("title", self.title)]
        titles += [(f"chapters[{i}].title", c.title) for i, c in enumerate(self.chapters)]
        for where, title in titles:
            found = re.search(r"\{[^{}]*\}|[{}]", title)
            if found:
                raise ValueError(
                    f"{where}: «{found.group()}» fylles ikke inn; rapportens titler skrives "
                    "slik de står (perioden, «pr. 31. mars 2024», settes etter rapportens "
                    "tittel av seg selv)"
                )
        return self

    @model_validator(mode="after")
    def _numbers_unique(self) -> ReportSection:
        seen: dict[int, int] = {}
        for index, chapter in enumerate(self.chapters):
            if chapter.number in seen:
                raise ValueError(
                    f"chapters[{index}].number: {chapter.number} står to ganger "
                    f"(også i report.chapters[{seen[chapter.number]}])"
                )
            seen[chapter.number] = index
        # The chapters stand in the list's order; their numbers say the same.
        for index in range(1, len(self.chapters)):
            before, chapter = self.chapters[index - 1], self.chapters[index]
            if chapter.number < before.number:
                raise ValueError(
                    f"chapters[{index}].number: {chapter.number} står etter {before.number} "
                    f"(report.chapters[{index - 1}]); kapitlene står i rapporten i listens "
                    "rekkefølge, så nummerer dem stigende"
                )
        return self


class CatalogueItem(Model):
    key: Key
    label: Label
    help: HelpText = ""  # a catalogue row's input message (rows: {catalogue: name})


class FinanceLine(CatalogueItem):
    kind: Literal["income", "cost", "financial"]
    sign: Literal["negative"] | None = None


class InvestmentCategory(CatalogueItem):
    group: Key | None = None


class OrderCategory(CatalogueItem):
    report_label: OneLine | None = None


class Catalogues(Model):
    finance_lines: list[FinanceLine] = []
    investment_categories: list[InvestmentCategory] = []
    investment_groups: list[CatalogueItem] = []
    order_categories: list[OrderCategory] = []
    preparedness_levels: list[CatalogueItem] = []
    working_time_breach_types: list[CatalogueItem] = []

    @model_validator(mode="after")
    def _groups_exist(self) -> Catalogues:
        """An investment category's group is one of investment_groups (its sum line)."""
        groups = [g.key for g in self.investment_groups]
        for index, category in enumerate(self.investment_categories):
            if category.group is not None and category.group not in groups:
                known = ", ".join(groups) or "(ingen)"
                raise ValueError(
                    f"investment_categories[{index}].group: «{category.group}» finnes ikke i "
                    f"investment_groups; kjente: {known}"
                )
        # A group's sum line is written after its categories: a group no category names had
        # none, and its line was never in the table (nothing summed, no word said).
        named = {c.group for c in self.investment_categories}
        for index, item in enumerate(self.investment_groups):
            if item.key not in named:
                raise ValueError(
                    f"investment_groups[{index}].key: ingen kategori i investment_categories "
                    f"har group: {item.key}, så sumlinjen «{item.label}» ville aldri stått i "
                    f"investeringstabellen; gi kategoriene som skal summeres group: "
                    f"{item.key}, eller fjern gruppen"
                )
        # A group's sum line is written after its last category before another one: the
        # categories of a group stand together, or its sum line stood twice.
        categories = self.investment_categories
        last: dict[str, int] = {}
        for index, category in enumerate(categories):
            group = category.group
            if group is not None and group in last and last[group] != index - 1:
                between = categories[last[group] + 1].key
                raise ValueError(
                    f"investment_categories[{index}].group: kategoriene i gruppen «{group}» "
                    f"står ikke etter hverandre ({between} står mellom); gruppens sumlinje står "
                    "etter dens siste kategori, så flytt kategoriene sammen"
                )
            if group is not None:
                last[group] = index
        return self


class Subtotals(Model):
    operating_revenue: Label
    operating_expenses: Label
    operating_result: Label
    net_result: Label


class FinanceSettings(Model):
    subtotals: Subtotals


WindowMonths = Annotated[int, Field(ge=1, le=24)]


class ServicesSettings(Model):
    # Months shown in chapter 3's monthly tables, ending with the report period.
    service_desk_months: WindowMonths = 12
    operations_months: WindowMonths = 12


class Status(Model):
    label: Label
    colour: Literal["green", "yellow", "red"]


class PortfolioSettings(Model):
    statuses: Annotated[list[Status], Field(min_length=1)]
    programs: dict[str, OneLine] = {}
    no_program: OneLine = ""

    @model_validator(mode="after")
    def _statuses_unique(self) -> PortfolioSettings:
        seen: set[str] = set()
        for index, status in enumerate(self.statuses):
            if status.label.casefold() in seen:
                raise ValueError(f"statuses[{index}].label: «{status.label}» står to ganger")
            seen.add(status.label.casefold())
        # Best first is read from the list's order (trend arrows compare places in it), so
        # the colours say the same: a yellow status before a green one inverted every arrow.
        rank = {"green": 0, "yellow": 1, "red": 2}
        for index in range(1, len(self.statuses)):
            before, status = self.statuses[index - 1], self.statuses[index]
            if rank[status.colour] < rank[before.colour]:
                raise ValueError(
                    f"statuses[{index}].colour: «{status.label}» ({status.colour}) står etter "
                    f"«{before.label}» ({before.colour}); statusene står med den beste først "
                    "(green, yellow, red), og trendpilene sammenligner plassene i listen"
                )
        return self

    @model_validator(mode="after")
    def _headings_unique(self) -> PortfolioSettings:
        """Each program group has its own heading: two programs (or a program and the
        projects without one) under one heading read as one group."""
        seen: dict[str, str] = {}
        named = [("no_program", self.no_program), *self.programs.items()]
        for program, heading in named:
            if not heading.strip():
                continue
            folded = " ".join(heading.split()).casefold()
            if folded in seen:
                where = program if program == "no_program" else f"programs.{program}"
                raise ValueError(
                    f"{where}: overskriften «{heading}» står to ganger (også for "
                    f"{seen[folded]}); prosjektene ville stått under samme overskrift"
                )
            seen[folded] = program
        return self


class RiskMatrixSettings(Model):
    red_zone: dict[RiskLevel, list[RiskLevel]]

    @model_validator(mode="after")
    def _worse_is_red_too(self) -> RiskMatrixSettings:
        """A red cell's neighbours of higher impact or likelihood are red too: a typo (3:
        [3, 5]) left a worse risk out of the red-zone table without a word."""
        red = {(lk, im) for lk, impacts in self.red_zone.items() for im in impacts}
        for likelihood, impact in sorted(red):
            for worse, what in (
                ((likelihood, impact + 1), f"konsekvens {impact + 1}"),
                ((likelihood + 1, impact), f"sannsynlighet {likelihood + 1}"),
            ):
                if max(worse) <= 5 and worse not in red:
                    raise ValueError(
                        f"red_zone.{worse[0]}: cellen sannsynlighet {likelihood}, konsekvens "
                        f"{impact} er rød, men ikke den med {what}; en risiko med høyere "
                        "sannsynlighet eller konsekvens er minst like alvorlig"
                    )
        return self


class NarrativeSettings(Model):
    """The materiality of a variance (finance's drafted sentences, explained-variances,
    unexplained-restatement): at least `materiality_kroner` kroner and at least
    `materiality_percent` percent of the budget (or of the figure restated)."""

    materiality_kroner: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 500_000
    materiality_percent: Annotated[float, Field(allow_inf_nan=False)] = 0
    explanation_severity: Literal["error", "warning"] = "warning"

    @model_validator(mode="after")
    def _in_their_units(self) -> NarrativeSettings:
        """Each limit is read in its own unit: the percent as a percent (1 for 1 %, not the
        share 0.01 the targets are written as, which read as 0,01 %), the amount in kroner
        (0.5 for 0,5 mill. kr made every variance of a krone material)."""
        percent = self.materiality_percent
        shown = f"{percent:g}".replace(".", ",")
        if not 0 <= percent <= 100:
            raise ValueError(
                f"materiality_percent: {percent:g} er ingen prosent av budsjettet; grensen "
                "skrives i prosent fra 0 til 100 (1 for 1 %)"
            )
        if 0 < percent < 1:
            raise ValueError(
                f"materiality_percent: {percent:g} leses som {shown} % av budsjettet; grensen "
                f"skrives i prosent, ikke som andel slik målene i targets er (1 for 1 %, ikke "
                f"0.01). Skriv {percent * 100:g} om du mente {percent * 100:g} %, eller 0 for "
                "bare beløpsgrensen i materiality_kroner"
            )
        kroner = self.materiality_kroner
        if 0 < kroner < 1000:
            raise ValueError(
                f"materiality_kroner: {kroner:g} er i kroner; grensen skrives i hele kroner "
                f"({kroner * 1_000_000:.0f} for {f'{kroner:g}'.replace('.', ',')} mill. kr)"
            )
        return self


class PlausibilitySettings(Model):
    """The controller's plausibility checks (vrapport.checks.plausibility)."""

    severity: Literal["error", "warning"] = "warning"
    scale_severity: Literal["error", "warning"] = "error"
    outlier_k: Annotated[float, Field(gt=0)] = 5
    floor_percent: Annotated[float, Field(ge=0)] = 40
    outlier_min_values: Annotated[int, Field(ge=2)] = 4
    scale_tolerance: Annotated[float, Field(gt=0, le=2)] = 1
    # template id -> sheet key -> {column: paired column}
    pairs: dict[Key, dict[Key, dict[Key, Key]]] = {}
    # template id -> sheet key -> columns of those pairs that hold an amount for the whole year
    annual: dict[Key, dict[Key, list[Key]]] = {}


class Threshold(Model):
    min: Annotated[float, Field(allow_inf_nan=False)] | None = None
    max: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) er større enn max ({self.max:g})")
        return self


class KeyFigureEntry(Model):
    label: Label
    fact: str
    unit: Literal["mill", "percent", "count"] = "count"
    green: Threshold | None = None
    yellow: Threshold | None = None
    compare: str | None = None
    compare_label: OneLine = "forrige måned"
    note: str = ""

    @model_validator(mode="after")
    def _compare_label_with_compare(self) -> KeyFigureEntry:
        """A `compare_label` names the comparison `compare` makes: without one it was ignored."""
        if "compare_label" in self.model_fields_set and self.compare is None:
            raise ValueError("compare_label: gjelder sammenligningen i compare, som mangler")
        return self

    @model_validator(mode="after")
    def _green_within_yellow(self) -> KeyFigureEntry:
        """Green is the stricter threshold: every value that meets green meets yellow too
        (a green `min` at or above yellow's, a green `max` at or below yellow's)."""
        green, yellow = self.green, self.yellow
        if self.unit == "percent":
            for name, threshold in (("green", green), ("yellow", yellow)):
                for bound in ("min", "max"):
                    value = getattr(threshold, bound) if threshold is not None else None
                    if value is not None and not 0 <= value <= 1:
                        raise ValueError(
                            f"{name}.{bound}: {value:g} er ingen andel; med unit percent "
                            f"skrives tersklene som andeler (0.7 for 70 %)"
                        )
        if green is None or yellow is None:
            return self
        low = yellow.min is None or (green.min is not None and green.min >= yellow.min)
        high = yellow.max is None or (green.max is not None and green.max <= yellow.max)
        if not (low and high):
            raise ValueError(
                "green må være strengere enn yellow (green.min ≥ yellow.min, "
                "green.max ≤ yellow.max); tersklene er snudd"
            )
        return self


class FrontPage(Model):
    key_figures: list[KeyFigureEntry] = []

    @model_validator(mode="after")
    def _labels_unique(self) -> FrontPage:
        """Each key figure of the panel has its own label: two of one label showed the board
        two figures under one name."""
        seen: dict[str, int] = {}
        for index, entry in enumerate(self.key_figures):
            folded = " ".join(entry.label.split()).casefold()
            if folded in seen:
                raise ValueError(
                    f"key_figures[{index}].label: «{entry.label}» står to ganger (også i "
                    f"front_page.key_figures[{seen[folded]}])"
                )
            seen[folded] = index
        return self


class ReportFile(Model):
    """Everything report.yaml may hold."""

    version: int = 1
    organisation: Organisation
    report: ReportSection
    catalogues: Catalogues = Catalogues()
    finance: FinanceSettings | None = None
    services: ServicesSettings = ServicesSettings()
    portfolio: PortfolioSettings | None = None
    risk_matrix: RiskMatrixSettings | None = None
    # Targets are shares (0–1); which ones must be there is declared by the sections.
    targets: dict[Key, Share] = {}
    narrative: NarrativeSettings = NarrativeSettings()
    plausibility: PlausibilitySettings = PlausibilitySettings()
    front_page: FrontPage = FrontPage()

    @model_validator(mode="after")
    def _table_rows_unique(self) -> ReportFile:
        """The rows of the report's result and investment tables are named once each: a
        subtotal named like a line (or like another subtotal) printed two rows of that name
        with different figures."""
        catalogues = self.catalogues
        tables: list[tuple[str, list[tuple[str, str]]]] = []
        if self.finance is not None:
            lines = [
                (f"catalogues.finance_lines.{line.key}.label", line.label)
                for line in catalogues.finance_lines
            ]
            subtotals = [
                (f"finance.subtotals.{key}", label)
                for key, label in self.finance.subtotals.model_dump().items()
            ]
            tables.append(("resultattabellen", lines + subtotals))
        rows = [
            (f"catalogues.{name}.{item.key}.label", item.label)
            for name in ("investment_categories", "investment_groups")
            for item in getattr(catalogues, name)
        ]
        tables.append(("investeringstabellen", rows))
        # The key figures of new services: a row per order category, by its report label.
        orders = [
            (f"catalogues.order_categories.{c.key}.report_label", c.report_label or c.label)
            for c in catalogues.order_categories
        ]
        tables.append(("nøkkeltallene for nye tjenester", orders))
        for table, named in tables:
            seen: dict[str, str] = {}
            for where, label in named:
                folded = " ".join(label.split()).casefold()
                if folded in seen:
                    raise ValueError(
                        f"{where}: «{label}» står to ganger i {table} (også {seen[folded]}); "
                        "gi linjene ulike navn"
                    )
                seen[folded] = where
        # And keyed once each: the code finds a row by its key, so a finance line keyed
        # `net_result` was taken for the result (the front page showed the line's variance),
        # and an investment group keyed as a category gave the table two rows of one key.
        # (the subtotals first: a line is the one to rename)
        subtotal_keys = list(Subtotals.model_fields) if self.finance is not None else []
        finance_keys = [(f"finance.subtotals.{key}", key) for key in subtotal_keys]
        finance_keys += [
            (f"catalogues.finance_lines[{i}].key", line.key)
            for i, line in enumerate(catalogues.finance_lines)
        ]
        investment_keys = [
            (f"catalogues.{name}[{i}].key", item.key)
            for name in ("investment_categories", "investment_groups")
            for i, item in enumerate(getattr(catalogues, name))
        ]
        for table, keyed in (
            ("resultattabellen", finance_keys),
            ("investeringstabellen", investment_keys),
        ):
            taken: dict[str, str] = {}
            for where, key in keyed:
                if key in taken:
                    raise ValueError(
                        f"{where}: «{key}» er nøkkelen til to rader i {table} (også "
                        f"{taken[key]}); gi radene ulike nøkler"
                    )
                taken[key] = where
        return self

    @model_validator(mode="after")
    def _footer_fits(self) -> ReportFile:
        """The report's page footer names the organisation and the report; Excel keeps no
        footer longer than FOOTER_MAX (xlsxwriter leaves it out, with a warning)."""
        longest = page_footer(self.organisation.name, f"{self.report.title} {LONGEST_AS_OF}")
        if len(longest) > FOOTER_MAX:
            raise ValueError(
                f"organisation.name og report.title gir en bunntekst på {len(longest)} tegn "
                f"på rapportens sider; Excel tillater høyst {FOOTER_MAX}. Bruk kortere navn"
            )
        return self


# The longest «pr. …» a report heading can end with, and Excel's limit of a page footer.
LONGEST_AS_OF = "pr. 30. september 2024"
FOOTER_MAX = 255


def page_footer(organisation: str, heading: str) -> str:
    """The footer of every report page: the organisation at the left, the report and the page
    at the right. «&» starts a code in a footer, so a name's own «&» is written «&&»."""
    return f"&L{organisation.replace('&', '&&')}&R{heading.replace('&', '&&')} – side &P av &N"


def key_path(loc: Sequence[str | int], data: Any = None) -> str:
    """('front_page', 'key_figures', 0, 'fact') -> 'front_page.key_figures[0].fact'. With the
    validated `data`, a list item that has a `key` is named by it: ('sheets', 0, 'name') ->
    'sheets.operations.name' (how the template specs are addressed)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
            key = item.get("key") if isinstance(item, dict) else None
            text += f".{key}" if isinstance(key, str) and key else f"[{part}]"
            data = item
        else:
            text += f".{part}" if text else str(part)
            data = data.get(part) if isinstance(data, dict) else None
    return text


def _model_names(model: type[BaseModel] = Model) -> set[str]:
    """The class names of every model (pydantic puts a union branch's name in an error's
    location; it means nothing to a user)."""
    names = {model.__name__}
    for sub in model.__subclasses__():
        names |= _model_names(sub)
    return names


_BRANCHES = {"list", "dict", "str", "int", "float", "bool"}


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys valid at `loc` (the parent of an unknown key), for the message."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, Model)):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """The model class inside `X`, `X | None`, `list[X]` or `dict[K, X]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(getattr(annotation, "__args__", ())):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "en liste"
    return "nøkler med verdier" if isinstance(value, dict) else f"«{value}»"


def _location(error: dict[str, Any]) -> tuple[str | int, ...]:
    # Unions (list | dict, a model | str) add the branch name to the path.
    names = _model_names() | _BRANCHES
    return tuple(p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or p in names)))


def describe(error: dict[str, Any], model: type[BaseModel], data: Any = None) -> str:
    """One pydantic error as '<key path>: <what is wrong, and what would be valid>'; with the
    validated `data`, list items with a `key` are named by it (see key_path)."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    loc = _location(error)
    path = key_path(loc, data)
    if kind == "value_error":
        # A model's own check: its message may start with the key path below `loc`.
        what = str(ctx.get("error", error.get("msg", "")))
        if what[:1].islower() and ": " in what and " " not in what.split(": ")[0]:
            sub, what = what.split(": ", 1)
            path = key_path((*loc, *_split_path(sub)), data)
    elif kind.startswith("bool_"):
        what = f"forventet true eller false, fant {_shown(value)}"
    elif kind == "missing":
        what = "mangler"
    elif kind == "extra_forbidden":
        valid = _fields_at(model, loc[:-1])
        what = "ukjent nøkkel" + (f"; gyldige: {', '.join(valid)}" if valid else "")
        if " " in str(loc[-1]):  # `{title: HR, HMS og …}`: the comma ended the text
            what += (
                " (en tekst med komma inne i {…} eller […] må stå i anførselstegn: "
                'title: "HR, HMS og arbeidsmiljø")'
            )
    elif kind in ("literal_error", "enum"):
        # pydantic's "'error' or 'warning'" as «error» eller «warning»
        choices = [f"«{c}»" for c in re.findall(r"'([^']*)'", str(ctx.get("expected", "")))]
        listed = listing(choices, "verdier", len(choices), "eller") if choices else ""
        what = f"{_shown(value)} er ikke gyldig; gyldige: {listed or ctx.get('expected', '')}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()), "")
        what = f"{_shown(value)} er utenfor området; må være {sign} {limit}"
    elif kind == "finite_number":
        what = f"forventet et endelig tall, fant {_shown(value)}"
    elif kind.startswith("int_") or kind.startswith("float_"):
        whole = "et heltall" if kind.startswith("int_") else "et tall"
        what = f"forventet {whole}, fant {_shown(value)}"
    elif kind.startswith("string_") or kind == "string_type":
        if kind == "string_pattern_mismatch":
            what = f"{_shown(value)} er ikke en gyldig nøkkel (små bokstaver, tall og _)"
        elif kind == "string_too_short":
            what = "kan ikke være tom"
        else:
            what = f"forventet tekst, fant {_shown(value)}"
    elif kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        expected = "en liste" if kind == "list_type" else "en mapping (nøkkel: verdi)"
        what = f"forventet {expected}, fant {_shown(value)}"
    elif kind == "too_short":
        what = "kan ikke være tom"
    else:
        what = f"ugyldig verdi {_shown(value)} ({error.get('msg', kind)})"
    if isinstance(value, bool) and not kind.startswith("bool_"):
        what += (
            " (YAML leser yes/no, on/off og true/false uten anførselstegn som sann/usann; "
            'sett teksten i anførselstegn, f.eks. "Nei")'
        )
    return f"{path}: {what}" if path else what


def _split_path(text: str) -> list[str | int]:
    """'chapters[2].number' -> ['chapters', 2, 'number']"""
    parts: list[str | int] = []
    for piece in text.split("."):
        name, *indices = piece.replace("]", "").split("[")
        parts.append(name)
        parts += [int(i) for i in indices]
    return parts


def first_error(exc: ValidationError, model: type[BaseModel], data: Any = None) -> str:
    errors = exc.errors()
    # A value that fits no branch of a union fails once per branch: count places, not branches.
    places = {_location(dict(e)) for e in errors}
    text = describe(dict(errors[0]), model, data)
    return text + (f" (og {len(places) - 1} feil til)" if len(places) > 1 else "")
