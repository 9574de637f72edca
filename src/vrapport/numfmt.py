"""Excel number formats: how a format shows a number, as far as a report's figures depend on it.

A cell's number format can make Excel show another number than the one stored, and the
stored one is what vrapport reads: a comma after the last digit placeholder divides what is
shown by 1 000 (`#,##0,` shows 35 593 169 as 35 593), a percent sign multiplies it by 100
(`0 %` shows 0,05 as 5 %), digits written into the format are shown as if they were the
number's (`0"000"`), and a section with no placeholder shows text or nothing (`;;;`). A
department that types what it sees then sends a figure 1 000 times too large or small with
nothing looking wrong. `shown(code, value)` says, for one value, what its section does.

The grammar: sections separated by «;» (positive; negative; zero; text), each a sequence of
placeholders (0 # ?), «General», separators (, .), «%», literal text («"kr"», «\\k», «_x»,
«*x» and the characters Excel shows as they are), brackets («[Red]», «[$-414]», «[>=1000]»)
and date and time codes (y m d h s, «[h]», AM/PM); the tokens are those the specs accept
(vrapport.spec checks a column's number_format with FORMAT_PART).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

# One token of a number format, from its position on. Letters outside quotes are only
# placeholders and date/time codes; other text quoted ("kr"), escaped (\k) or in brackets
# ([Red], [$-414], [h]); «_x» and «*x» take any one character.
FORMAT_PART = re.compile(
    r'"[^"]*"|\\.|\[[^\]]*\]|[_*].|general|am/pm|a/p|e[+-]|[0#?.,%/@;:\s$()+\-!^&\'~{}<>=]'
    r"|[ymdhsb]|\d",
    re.IGNORECASE | re.DOTALL,
)
NUMBER_FORMAT_MAX = 255  # Excel's longest number format
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\]")
_DATE_BRACKET = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_PLACEHOLDERS = frozenset("0#?")
_WHITE = frozenset(("[white]", "[color2]"))  # Excel's colour names and palette (2: white)
# After a colour's name in a code («[Red!]»): the colour is not seen on the cell's fill
# (vrapport's mark, preflight._format_colours; no code Excel reads has it). as_written
# gives the code without it.
UNSEEN_COLOUR = "!"
_UNSEEN_MARK = re.compile(r'("[^"]*")|(\[[^\]"]*)!\]')
# Excel's built-in formats (numFmtId below 164) that show a number otherwise: the percents
# (scaled) and the dates and times (ECMA-376 Part 1, 18.8.30), which show a figure as a
# date, a time of day, or «####» past Excel's last date.
BUILTIN = {
    9: "0%",
    10: "0.00%",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
}
DEFAULT_FORMATS = {
    "integer": "#,##0",
    "decimal": "#,##0",
    "percent": "0.0 %",
    "date": "dd.mm.yyyy",
}


@dataclass(frozen=True)
class Shown:
    """What a format's section does to one number: Excel shows the number times `factor`;
    `digits`: it adds digits of its own; `hidden`: it shows none of the number (only
    `text`, which may be empty)."""

    factor: float = 1.0
    digits: bool = False
    hidden: bool = False
    text: str = ""
    date: bool = False  # a date or time format: the number is shown as a date
    decimals: int = 0  # the digits shown after the decimal sign
    percent: bool = False  # shown with a percent sign
    # a negative number shown by a section of its own with no minus sign or parentheses:
    # «#,##0;#,##0» shows −2 698 584 as 2 698 584 (Excel adds no sign to such a section)
    unsigned: bool = False
    # shown in white («[White]», «[Color2]»): on the input cell's pale fill nobody sees it
    # (`hidden` too)
    white: bool = False
    # shown in a colour not seen on the cell's fill (UNSEEN_COLOUR; `hidden` too)
    unseen_colour: bool = False


@dataclass(frozen=True)
class _Section:
    shown: Shown
    condition: tuple[str, float] | None
    is_text: bool  # the text section (it has «@»)
    signed: bool = False  # it shows a minus sign or parentheses of its own


def _tokens(code: str) -> list[str]:
    tokens, position = [], 0
    while position < len(code):
        found = FORMAT_PART.match(code, position)
        token = found.group() if found else code[position]
        tokens.append(token)
        position += len(token)
    return tokens


def _section(tokens: list[str]) -> _Section:
    condition = None
    shape: list[str] = []  # per token: 0 placeholder, , . or x (anything else)
    percent = 0
    digits = date = text_part = general = white = unseen = False
    literal: list[str] = []
    for token in tokens:
        low = token.lower()
        if token in _PLACEHOLDERS:
            shape.append("0")
        elif low == "general":
            general = True
            shape.append("x")
        elif token in ",.":
            shape.append(token)
        elif token == "%":
            percent += 1
            literal.append("%")
            shape.append("x")
        elif token == "@":
            text_part = True
            shape.append("x")
        elif token.startswith("[") and (found := _CONDITION.fullmatch(token)):
            condition = (found.group(1), float(found.group(2)))
            shape.append("x")
        elif token.startswith("[") and _DATE_BRACKET.fullmatch(token):
            date = True
            shape.append("x")
        elif token.startswith("["):
            white |= low.replace(" ", "") in _WHITE
            unseen |= token.endswith(UNSEEN_COLOUR + "]")
            shape.append("x")  # a colour or a locale
        elif low in ("am/pm", "a/p") or (len(token) == 1 and low in "ymdhsb"):
            date = True
            shape.append("x")
        elif token.startswith(("_", "*")):
            shape.append("x")
        else:
            shown = token[1:-1] if token.startswith('"') else token.lstrip("\\")
            digits |= any(ch.isdigit() for ch in shown)
            literal.append(shown)
            shape.append("x")
    # A run of commas after a placeholder and not before one (before «.», the end or text)
    # divides by 1 000 each; between placeholders they group thousands.
    scaling = sum(len(run.group(1)) for run in re.finditer(r"0(,+)(?!,)(?=[^0]|$)", "".join(shape)))
    placeholders = "0" in shape or general
    factor = 100.0**percent / 1000.0**scaling
    hidden = (not placeholders and not date) or white or unseen
    after = re.search(r"\.([0,]*)", "".join(shape))
    decimals = after.group(1).count("0") if after else 0
    text = "".join(literal).strip()
    signed = "-" in text or "\u2212" in text or ("(" in text and ")" in text)
    return _Section(
        Shown(
            factor,
            digits,
            hidden,
            text,
            date,
            decimals,
            percent > 0,
            white=white,
            unseen_colour=unseen,
        ),
        condition,
        text_part,
        signed,
    )


@lru_cache(maxsize=256)
def _sections(code: str) -> tuple[_Section, ...]:
    parts: list[list[str]] = [[]]
    for token in _tokens(code):
        if token == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    return tuple(_section(part) for part in parts[:4])


def _holds(condition: tuple[str, float], value: float) -> bool:
    op, bound = condition
    return {
        "<": value < bound,
        "<=": value <= bound,
        ">": value > bound,
        ">=": value >= bound,
        "=": value == bound,
        "<>": value != bound,
    }[op]


def shown(code: str, value: float) -> Shown:
    """What `code` does to `value` in Excel: the section that shows it and its effect."""
    sections = [s for s in _sections(code) if not s.is_text]
    if not sections:
        return Shown()  # a text format («@») shows a number as General does
    if any(s.condition for s in sections[:2]):
        for section in sections[:2]:
            if section.condition and _holds(section.condition, value):
                return section.shown
        rest = [s for s in sections if not s.condition]
        return (rest or sections)[0].shown
    if len(sections) == 1 or value > 0 or (value == 0 and len(sections) == 2):
        return sections[0].shown
    if value < 0:
        negative = sections[1]
        if negative.signed or negative.shown.hidden:
            return negative.shown
        return replace(negative.shown, unsigned=True)
    return sections[2].shown


def as_written(code: str) -> str:
    """`code` as the workbook has it: without vrapport's UNSEEN_COLOUR marks."""
    if UNSEEN_COLOUR not in code:
        return code
    return _UNSEEN_MARK.sub(lambda found: found.group(1) or found.group(2) + "]", code)


def may_alter(code: str) -> bool:
    """Whether `code` can show some number as another (scaled, with digits of its own, as
    text or not at all); False for the plain formats of a template (#,##0, 0.0, General)
    and for dates (see shows_date)."""
    if not code or code.lower() == "general":
        return False
    sections = _sections(code)
    numbers = [s for s in sections if not s.is_text]
    unsigned = len(numbers) >= 2 and not numbers[1].signed and not numbers[1].shown.hidden
    return (
        unsigned
        or any(
            s.shown.factor != 1 or s.shown.digits or (s.shown.hidden and not s.is_text)
            for s in sections
        )
        or any(s.condition for s in sections)
    )


# Excel's last date, 31.12.9999, as a serial number: a date or time format shows a number
# beyond it (or below 0) as «####», where python-calamine reads the plain number.
LAST_DATE = 2_958_465


def shows_date(code: str) -> bool:
    """Whether `code` shows a number as a date or a time (some section of it does)."""
    return bool(code) and code.lower() != "general" and any(s.shown.date for s in _sections(code))
