"""The report's look, in one place: fonts, fills, borders, and the cell formats built from them."""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook

FONT = "Calibri"
BRAND = "#1F3864"
HEADER_FILL = "#D9E1F2"
TOTAL_FILL = "#F2F2F2"
DRAFTED_COLOR = "#375623"
TRAFFIC = {"green": "#63BE7B", "yellow": "#FFD966", "red": "#F8696B"}
SERIES_COLORS = ("#1F3864", "#9DC3E6", "#C55A11", "#70AD47", "#7F7F7F", "#FFC000")
LABEL_WIDTH = 52
VALUE_WIDTH = 13
CHART_ROWS = 18

TEXT_STYLES: dict[str, dict[str, Any]] = {
    "heading1": {"bold": True, "font_size": 16, "font_color": BRAND},
    "heading2": {"bold": True, "font_size": 13, "font_color": BRAND},
    "heading3": {"bold": True, "font_size": 11},
    "body": {"text_wrap": True, "valign": "top"},
    "caption": {"italic": True, "font_size": 9, "font_color": "#595959"},
    "drafted": {"text_wrap": True, "valign": "top", "font_color": DRAFTED_COLOR},
    "note": {"italic": True, "font_size": 9, "font_color": "#595959", "text_wrap": True},
}


class Styles:
    """Cached xlsxwriter formats for the report."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._formats: dict[tuple[Any, ...], Any] = {}

    def get(self, **props: Any) -> Any:
        props.setdefault("font_name", FONT)
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def text(self, style: str) -> Any:
        return self.get(**TEXT_STYLES[style])

    def run(self, style: str, bold: bool = False) -> Any:
        """The font of a text style, for one run of a cell's text (bold: a paragraph's lead)."""
        font = {k: v for k, v in TEXT_STYLES[style].items() if k not in ("text_wrap", "valign")}
        return self.get(**(font | {"bold": True} if bold else font))

    def table_title(self) -> Any:
        return self.get(bold=True, font_size=11)

    def header(self, first: bool = False, numbers: bool = False) -> Any:
        """A column header: the label column's at the left, a column of numbers' at the
        right (over its figures), any other centred."""
        return self.get(
            bold=True,
            bg_color=HEADER_FILL,
            bottom=1,
            text_wrap=True,
            align="left" if first else "right" if numbers else "center",
            valign="vcenter",
        )

    def label(self, style: str, wrap: bool = False) -> Any:
        key = ("label", style, wrap)
        if key not in self._formats:  # once per kind, not once per cell
            self._formats[key] = self._label(style, wrap)
        return self._formats[key]

    def value(
        self, style: str, number_format: str, fill: str | None = None, wrap: bool = False
    ) -> Any:
        key = ("value", style, number_format, fill, wrap)
        if key not in self._formats:
            self._formats[key] = self._value(style, number_format, fill, wrap)
        return self._formats[key]

    def _label(self, style: str, wrap: bool) -> Any:
        bold = style in ("bold", "total")
        props: dict[str, Any] = {"bold": bold, "bottom": 4, "bottom_color": "#BFBFBF"}
        if wrap:
            props.update(text_wrap=True, valign="top")
        if style == "total":
            props.update(bg_color=TOTAL_FILL, top=1)
        return self.get(**props)

    def _value(self, style: str, number_format: str, fill: str | None, wrap: bool) -> Any:
        bold = style in ("bold", "total")
        props: dict[str, Any] = {
            "bold": bold,
            "num_format": number_format,
            "bottom": 4,
            "bottom_color": "#BFBFBF",
        }
        if wrap:
            props.update(text_wrap=True, valign="top")
        if style == "total":
            props.update(bg_color=TOTAL_FILL, top=1)
        if fill:
            props.update(bg_color=TRAFFIC.get(fill, fill))
        return self.get(**props)
