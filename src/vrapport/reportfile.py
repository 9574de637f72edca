"""The typed model of report.yaml (pydantic v2, unknown keys refused), and the one place that
turns a validation error into the Norwegian line a controller reads:
`report.yaml › targets.sick_leave_total: mangler`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Share = Annotated[float, Field(ge=0, le=1)]
RiskLevel = Annotated[int, Field(ge=1, le=5)]
Key = Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9_]+$")]
Label = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(Model):
    name: Label
    short_name: str | None = None


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


class CatalogueItem(Model):
    key: Key
    label: Label
    help: str = ""


class FinanceLine(CatalogueItem):
    kind: Literal["income", "cost", "financial"]
    sign: Literal["negative"] | None = None


class InvestmentCategory(CatalogueItem):
    group: Key | None = None


class OrderCategory(CatalogueItem):
    report_label: str | None = None


class Catalogues(Model):
    finance_lines: list[FinanceLine] = []
    investment_categories: list[InvestmentCategory] = []
    investment_groups: list[CatalogueItem] = []
    order_categories: list[OrderCategory] = []
    preparedness_levels: list[CatalogueItem] = []
    working_time_breach_types: list[CatalogueItem] = []


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
    programs: dict[str, str] = {}
    no_program: str = ""


class RiskMatrixSettings(Model):
    red_zone: dict[RiskLevel, list[RiskLevel]]


class NarrativeSettings(Model):
    materiality_kroner: Annotated[float, Field(ge=0)] = 500_000
    materiality_percent: Annotated[float, Field(ge=0, le=100)] = 0
    explanation_severity: Literal["error", "warning"] = "warning"


class PlausibilitySettings(Model):
    """The controller's plausibility checks (vrapport.checks.plausibility)."""

    severity: Literal["error", "warning"] = "warning"
    outlier_k: Annotated[float, Field(gt=0)] = 5
    floor_percent: Annotated[float, Field(ge=0)] = 40
    outlier_min_values: Annotated[int, Field(ge=2)] = 4
    scale_tolerance: Annotated[float, Field(gt=0, le=2)] = 1
    # template id -> sheet key -> {column: paired column}
    pairs: dict[Key, dict[Key, dict[Key, Key]]] = {}
    # template id -> sheet key -> columns of those pairs that hold an amount for the whole year
    annual: dict[Key, dict[Key, list[Key]]] = {}


class Threshold(Model):
    min: float | None = None
    max: float | None = None


class KeyFigureEntry(Model):
    label: Label
    fact: str
    unit: Literal["mill", "percent", "count"] = "count"
    green: Threshold | None = None
    yellow: Threshold | None = None
    compare: str | None = None
    compare_label: str = "forrige måned"
    note: str = ""


class FrontPage(Model):
    key_figures: list[KeyFigureEntry] = []


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


def key_path(loc: Sequence[str | int]) -> str:
    """('front_page', 'key_figures', 0, 'fact') -> 'front_page.key_figures[0].fact'"""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


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


def describe(error: dict[str, Any], model: type[BaseModel]) -> str:
    """One pydantic error as '<key path>: <what is wrong, and what would be valid>'."""
    loc = tuple(error["loc"])
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    # Unions (list | dict) add the branch name to the path; it means nothing to a user.
    loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("list", "dict"))))
    path = key_path(loc)
    if kind == "missing":
        what = "mangler"
    elif kind == "extra_forbidden":
        valid = _fields_at(model, loc[:-1])
        what = "ukjent nøkkel" + (f"; gyldige: {', '.join(valid)}" if valid else "")
    elif kind in ("literal_error", "enum"):
        what = f"{_shown(value)} er ikke gyldig; gyldige: {ctx.get('expected', '')}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()), "")
        what = f"{_shown(value)} er utenfor området; må være {sign} {limit}"
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
    return f"{path}: {what}" if path else what


def first_error(exc: ValidationError, model: type[BaseModel]) -> str:
    errors = exc.errors()
    text = describe(dict(errors[0]), model)
    return text + (f" (og {len(errors) - 1} feil til)" if len(errors) > 1 else "")
