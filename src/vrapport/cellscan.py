"""What the value reader cannot see in a workbook's XML: error values and formulas (with or
without a stored result), hidden rows and columns, and whether a spreadsheet application
computed the stored results (docProps/app.xml's Application, calcPr fullCalcOnLoad).

python-calamine reads an error and a formula without a result as empty, and a formula's
stored result as if it were typed; a report must not. The pre-flight fills these records in
the same streaming pass in which it checks each sheet (preflight.inspect), so every sheet is
parsed once; cells are keyed by their position ("F6"), found the way Excel and
python-calamine find it, with or without the optional `r` attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FORMULA_WITHOUT_VALUE = "formula-without-value"
# A number no spreadsheet application stores (NaN, infinity, 1e999 in a <v>): the file was
# written or changed by something else.
NOT_FINITE = "not-finite-number"
# A shared formula's follower as the XML has it: no text of its own (Excel writes the text
# once, at the group's first cell, and `<f t="shared" si="0"/>` at the others).
SHARED_FOLLOWER = "(delt formel)"
# A reference into another workbook: its number in the file's list of links or its file name
# in brackets, then a sheet (or nothing, for one of its names) and «!». Quoted when the sheet
# or path needs it ('[1]Ark 1'!A1, 'C:\data\[budsjett.xlsx]Ark1'!A1), plain otherwise
# ([1]Ark1!A1, [1]!Navn, [1]Ark1:Ark3!A1). A table's column (Tabell1[1], Tabell1[Beløp]) is
# never followed by a sheet and «!».
_EXTERNAL = re.compile(r"'[^']*\[[^\[\]']+\](?:[^']|'')*'!|\[[^\[\]]+\][\w.:]*!")
_WORD = re.compile(r"[A-Za-z_\\][\w.\\]*")  # what a defined name may be (and other words)
_STRING = re.compile(r'"[^"]*"')
MAX_NAME_LINKS = 5  # a name defined by a name defined by ... by a link: the depth followed
SPREADSHEET_APPS = ("Microsoft Excel", "LibreOffice")
# In SheetScan.formats (and conditional_formats): the cell's style (the rule's) writes its
# figure in type nobody sees: white, or passing for white, on no fill or a light one...
WHITE_TYPE = "(hvit skrift)"
# ... or type of the colour of its own fill
FILL_TYPE = "(skrift i fyllfargen)"
# ... or type too small to read (a font's size below preflight.LEAST_TYPE_SIZE points)
TINY_TYPE = "(for liten skrift)"
# ... or (a conditional format's) a data bar or an icon set shown without the figure
NO_VALUE = "(bare stolpe eller ikon)"
# ... or (a cell's style) its colours, for a conditional format that gives only the type
# colour or only the fill colour: FILLED, then "fill type" (each RRGGBB, the fill «-» when
# there is none), then, for a style of a number format vrapport looks at, a space and that
# format's code. Only the styles such a format judges otherwise than a cell of no fill and
# black type are so marked (preflight._Colours.differing).
FILLED = "(fyll) "
# ... and (a conditional format's) TYPED, then "type fill", «-» for the one it does not give.
# preflight.marked_colours and marked_format read the marks; rule_unseen judges the two.
TYPED = "(skrift) "


@dataclass
class SheetScan:
    """What the value reader cannot see in one sheet."""

    special: dict[str, str] = field(default_factory=dict)  # cell -> error text / no value
    formulas: dict[str, str] = field(default_factory=dict)  # cell -> formula (with a value)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # 1-based, inclusive
    # a number's cell whose number format can show it as another number, or not at all
    # (vrapport.numfmt) -> that format's code; or whose type is unseen (WHITE_TYPE,
    # FILL_TYPE); or whose colours a conditional format over it needs (a FILLED mark)
    formats: dict[str, str] = field(default_factory=dict)
    # each range of a conditional format with such a number format or colours: its corners
    # ((row, column), 1-based, as preflight.parse_range gives them) and the format's code
    # (or WHITE_TYPE, FILL_TYPE, NO_VALUE, a TYPED mark)
    conditional_formats: list[tuple[tuple[int, int], tuple[int, int], str]] = field(
        default_factory=list
    )
    # a shared formula's follower -> the cell and formula of its group's first cell
    followers: dict[str, tuple[str, str]] = field(default_factory=dict)
    # a text cell whose text has an escape python-calamine does not decode (see
    # excel_text) -> the text as Excel shows it
    texts: dict[str, str] = field(default_factory=dict)

    def formula(self, cell: str) -> str | None:
        """The formula of `cell` (None: it has none, or none with a stored result). A shared
        formula's follower has its own: the leader's, moved as Excel moves it when it fills
        the group (relative references shift by the distance between the two cells, `$`
        ones stay). A follower whose leader is unknown, or whose moved references would leave
        the grid, stays SHARED_FOLLOWER, which nothing recomputes."""
        formula = self.formulas.get(cell)
        if formula != SHARED_FOLLOWER or cell not in self.followers:
            return formula
        from openpyxl.formula.translate import Translator, TranslatorError

        origin, text = self.followers[cell]
        try:
            moved = str(Translator(text, origin=origin).translate_formula(cell))
        except (TranslatorError, ValueError):
            moved = SHARED_FOLLOWER
        self.formulas[cell] = moved
        del self.followers[cell]
        return moved

    def external(self, cell: str) -> bool:
        return links_outside(self.formula(cell) or "")


# An escaped character of a text as the format stores it (ST_Xstring): «_x2014_» is «—»,
# «_x005F_» an underscore. Excel decodes every one, left to right; python-calamine only
# those up to _x00FF_, so «_x2014_», «_x0420_» (Cyrillic Р) or an emoji's surrogate pair
# («_xD83D__xDE00_») were read as those letters. (A bytes pattern: found in the raw XML.)
ESCAPE = re.compile(rb"_x([0-9A-Fa-f]{4})_")
_TEXT_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
LAST_DECODED = 0xFF  # the last escape python-calamine decodes


def excel_text(text: str) -> str:
    """`text` (as the XML holds it) as Excel shows it: each _xHHHH_ the character it
    stands for, a surrogate pair one character, a lone surrogate U+FFFD."""
    decoded = _TEXT_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if decoded.isascii():
        return decoded
    return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def undecoded(raw: bytes) -> bool:
    """Has `raw` (XML) an escape python-calamine leaves as it is where Excel decodes it?"""
    return b"_x" in raw and any(int(m.group(1), 16) > LAST_DECODED for m in ESCAPE.finditer(raw))


def links_outside(formula: str) -> bool:
    """Whether `formula` refers to another workbook (outside its text literals)."""
    return bool(_EXTERNAL.search(_STRING.sub("", formula)))


def _words(formula: str) -> list[str]:
    """The words of `formula` outside its text literals, as written: the defined names it
    uses are among them."""
    return _WORD.findall(_STRING.sub("", formula))


def linked_name(formula: str, names: frozenset[str]) -> str | None:
    """The first of the defined names `names` (in capitals) that `formula` uses, as the
    formula writes it (Excel compares names without regard to case); None when it uses
    none."""
    if not names:
        return None
    return next((w for w in _words(formula) if w.upper() in names), None)


def external_names(definitions: dict[str, str]) -> frozenset[str]:
    """The defined names (in capitals) that refer to another workbook: by their definition,
    or through another such name (followed MAX_NAME_LINKS deep)."""
    found = {n for n, text in definitions.items() if links_outside(text)}
    for _ in range(MAX_NAME_LINKS):
        frozen = frozenset(found)
        more = {
            n for n, text in definitions.items() if n not in found and linked_name(text, frozen)
        }
        if not more:
            break
        found |= more
    return frozenset(found)


@dataclass
class BookScan:
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # sheet name -> its scan
    application: str = ""  # docProps/app.xml <Application>
    recalc_on_load: bool = False  # <calcPr fullCalcOnLoad="1">
    # <calcPr fullPrecision="0">, Excel's "Set precision as displayed": results are stored
    # rounded to their number format, so a recomputed formula is not compared with them
    precision_as_displayed: bool = False
    # the workbook's defined names (<definedName>, in capitals) that refer to another workbook
    external_names: frozenset[str] = frozenset()
    styles_part: str = ""  # the member the workbook's relationships name for its styles

    @property
    def computed(self) -> bool:
        """Were the stored formula results computed by a spreadsheet application? Not when
        the file asks for a full recalculation on load or was written by a library (openpyxl
        writes "Microsoft Excel Compatible / Openpyxl")."""
        app = self.application.strip()
        by_app = app.startswith(SPREADSHEET_APPS) and "compatible" not in app.lower()
        return by_app and not self.recalc_on_load
