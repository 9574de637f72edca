"""Recompute a simple formula from the values read for its sheet, to find stale results.

A formula in an input cell is read with the result stored in the file. When a spreadsheet
application computed that result it is used, but the file may have been changed since (by a
program, or by hand in the XML): the stored result is then not what the formula gives. So
the formulas that can be recomputed safely are, and the reader compares.

The evaluable subset, everything else is refused (`evaluate` returns None):

- number literals; references to cells of the same sheet (`D6`, `$D$6`, any case);
- `+ - * / ^`, unary minus and plus, postfix `%`, parentheses, with Excel's precedence
  (negation binds tighter than `^`: `-2^2` is 4; `^` is left-associative: `2^3^2` is 64);
- SUM, MIN, MAX, AVERAGE, COUNT over numbers, cell references and ranges of the same
  sheet (`SUM(B6:E6)`), and ROUND(number, digits) (half away from zero, of the number to
  15 significant digits, as Excel).

A referenced cell takes the value read for it: a number, or blank (0 in arithmetic, left
out by the functions, as in Excel). A referenced cell that holds a formula itself (a helper
cell beside the table) takes what that formula gives, recomputed the same way, so a stale
result is found also when it is passed on through other cells (F6 `=Z6`, Z6 `=Z7*2` with an
old result); where that formula is outside the subset, or the chain is longer than
`MAX_CHAIN` or circular, its stored result, which is what Excel used. Refused: text (also a
number typed as text), truth values, dates, error values and formulas without a result
among the referenced cells; references to other sheets or workbooks, names, whole columns
or rows, array literals, functions outside the set, comparisons and `&`; a result Excel
would show as an error (division by zero, 0^0, a root of a negative number, overflow); a
cell beyond the grid that was read; a formula that refers to its own cell; a shared
formula's follower that could not be given its own text (cellscan.SheetScan.formula moves
the leader's to it; unresolved, it is SHARED_FOLLOWER, which is no formula).

Caps keep the work proportional to the file whatever a crafted formula says: its length
(`MAX_LENGTH`), the cells its ranges cover (`MAX_CELLS`, and `Evaluator`'s budget for all
formulas of a sheet), and its nesting (`MAX_DEPTH`).

The tokens come from openpyxl's formula tokenizer (imported only when a sheet has a formula
to recompute); the parser checks every token itself (a number is a number only as Excel
writes one: openpyxl also calls `inf` and `1_0` numbers).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from xlsxwriter.utility import xl_rowcol_to_cell

from vrapport.numbers import is_number, round_half_away

if TYPE_CHECKING:
    from openpyxl.formula.tokenizer import Token

MAX_LENGTH = 1000  # characters of a formula (Excel allows 8192; input cells need few)
MAX_CELLS = 10_000  # cells the ranges of one formula may cover
SHEET_CELLS = 100_000  # cells all formulas of one sheet may read through ranges together
MAX_DEPTH = 32  # nesting of parentheses, functions and signs
MAX_ROUND_DIGITS = 100
MAX_CHAIN = 50  # formulas recomputed through one another (F6 =Z6, Z6 =Z7*2, ...)

_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_MAX_ROW, _MAX_COL = 1_048_576, 16_384
_FUNCTIONS = frozenset({"SUM", "MIN", "MAX", "AVERAGE", "COUNT", "ROUND"})


class Refused(Exception):
    """The formula is outside what is recomputed."""


class _Needs(Exception):  # noqa: N818 - a request, not an error
    """The formula refers to a cell with a formula not recomputed yet (0-based position)."""

    def __init__(self, position: tuple[int, int]) -> None:
        self.position = position


class Formulas(Protocol):
    """A sheet's formulas (cellscan.SheetScan): the cells that hold one, and each one's text."""

    formulas: dict[str, str]

    def formula(self, cell: str) -> str | None: ...


_UNKNOWN = object()


def close(stored: float, computed: float) -> bool:
    """Equal within floating-point tolerance (what different summation orders give)."""
    return math.isclose(stored, computed, rel_tol=1e-9, abs_tol=1e-6)


def _position(ref: str) -> tuple[int, int]:
    """'$D$6' -> (5, 3), 0-based; Refused for what is not a cell of Excel's grid (then it
    would be a name: XFE1 is one)."""
    match = _CELL.fullmatch(ref)
    if match is None:
        raise Refused(ref)
    letters, digits = match.groups()
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    row = int(digits)
    if not (1 <= row <= _MAX_ROW and col <= _MAX_COL):
        raise Refused(ref)
    return row - 1, col - 1


def _checked(value: float) -> float:
    if not math.isfinite(value):
        raise Refused("not finite")  # Excel: #NUM!
    return value


def _power(base: float, exponent: float) -> float:
    if base == 0 and exponent <= 0:
        raise Refused("0^0")  # Excel: #NUM! or #DIV/0!
    if base < 0 and not exponent.is_integer():
        raise Refused("root of a negative number")  # Excel: #NUM!
    try:
        return _checked(base**exponent)
    except OverflowError:
        raise Refused("overflow") from None


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise Refused("division by zero")  # Excel: #DIV/0!
    return a / b


_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
}


class Evaluator:
    """Recompute formulas against one sheet's values: `grid` as the reader read it (0-based
    rows of cells, "" or None for blank) and `special`, the sheet's error cells and formulas
    without a result (A1 -> text) that the grid shows as blank. `budget`: the cells all
    formulas evaluated here may read through ranges."""

    def __init__(
        self,
        grid: Sequence[Sequence[Any]],
        special: Mapping[str, str],
        budget: int = SHEET_CELLS,
        formulas: Formulas | None = None,
    ) -> None:
        self.grid = grid
        self.special = special
        self._special_at: set[tuple[int, int]] | None = None
        self.budget = budget
        self.source = formulas
        self._formula_at: set[tuple[int, int]] | None = None
        self._known: dict[tuple[int, int], float | None] = {}  # None: use the stored result

    def evaluate(self, formula: str, at: str) -> float | None:
        """What `formula` ("=..." as the scan records it) in cell `at` gives with the sheet's
        values, or None when it is outside the evaluable subset."""
        try:
            position = _position(at)
            tokens = _formula_tokens(formula)
        except Refused:
            return None
        if tokens is None:
            return None
        return self._solve(position, tokens)

    def _solve(self, position: tuple[int, int], tokens: list[Token]) -> float | None:
        """The formula's value, the formulas of the cells it refers to recomputed first
        (without recursion: a formula that needs another one is run again once that one is
        known; the budget pays for every run)."""
        stack = [(position, tokens)]
        while True:
            at, current = stack[-1]
            try:
                value: float | None = _Parser(self, current, at).run()
            except Refused:
                value = None
            except _Needs as needs:
                positions = [p for p, _ in stack]
                if needs.position in positions:  # circular: the circle's cells keep results
                    cycle = positions.index(needs.position)
                    self._known.update((p, None) for p, _ in stack[cycle:])
                    del stack[cycle:]
                    if not stack:
                        return None
                    continue
                needed = self._tokens_at(needs.position)
                if needed is None or len(stack) > MAX_CHAIN:
                    self._known[needs.position] = None
                else:
                    stack.append((needs.position, needed))
                continue
            stack.pop()
            if not stack:
                return value
            self._known[at] = value

    def _tokens_at(self, position: tuple[int, int]) -> list[Token] | None:
        assert self.source is not None
        formula = self.source.formula(xl_rowcol_to_cell(*position))
        try:
            return _formula_tokens(formula) if formula is not None else None
        except Refused:
            return None

    def _special(self, r: int, c: int) -> bool:
        if not self.special:
            return False
        if self._special_at is None:
            self._special_at = {_position(ref) for ref in self.special}
        return (r, c) in self._special_at

    def _formula(self, r: int, c: int) -> bool:
        if self.source is None or not self.source.formulas:
            return False
        if self._formula_at is None:
            self._formula_at = {_position(ref) for ref in self.source.formulas}
        return (r, c) in self._formula_at

    def cell(self, r: int, c: int) -> float | None:
        """The number in a cell, None when blank; Refused for anything else. A cell with a
        formula: what the formula gives, when it can be recomputed."""
        if r >= len(self.grid) or c >= len(self.grid[r]) or self._special(r, c):
            raise Refused("beyond what was read, or an error")
        if self._formula(r, c):
            known = self._known.get((r, c), _UNKNOWN)
            if known is _UNKNOWN:
                raise _Needs((r, c))
            if known is not None:
                return float(known)  # type: ignore[arg-type]
        value = self.grid[r][c]
        if value is None or (isinstance(value, str) and value == ""):
            return None
        if is_number(value):
            return float(value)
        raise Refused("not a number")

    def take(self, cells: int) -> None:
        if cells > self.budget:
            raise Refused("too many cells")
        self.budget -= cells


def _formula_tokens(formula: str) -> list[Token] | None:
    """The tokens of a formula that may be recomputed, None for one that may not."""
    if not formula.startswith("=") or len(formula) > MAX_LENGTH:
        return None
    return _tokens(formula)


def _tokens(formula: str) -> list[Token]:
    from openpyxl.formula.tokenizer import Token, Tokenizer

    try:
        items = Tokenizer(formula).items
    except Exception:  # TokenizerError, and IndexError/AssertionError on unbalanced input
        raise Refused("not tokenized") from None
    return [t for t in items if t.type != Token.WSPACE]


class _Parser:
    """Recursive descent over the tokens, evaluating as it goes."""

    def __init__(self, sheet: Evaluator, tokens: list[Token], at: tuple[int, int]) -> None:
        self.sheet, self.tokens, self.at = sheet, tokens, at
        self.pos = 0
        self.cells = MAX_CELLS

    def run(self) -> float:
        value = self.expression(0)
        if self.pos != len(self.tokens):
            raise Refused("trailing tokens")
        return _checked(value)

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise Refused("unexpected end")
        self.pos += 1
        return token

    def infix(self, operators: str) -> str | None:
        token = self.peek()
        if token is not None and token.type == "OPERATOR-INFIX" and token.value in operators:
            self.pos += 1
            return str(token.value)
        return None

    def expression(self, depth: int) -> float:
        if depth > MAX_DEPTH:
            raise Refused("too deep")
        value = self.term(depth)
        while (op := self.infix("+-")) is not None:
            value = _checked(_BINARY[op](value, self.term(depth)))
        return value

    def term(self, depth: int) -> float:
        value = self.power(depth)
        while (op := self.infix("*/")) is not None:
            value = _checked(_BINARY[op](value, self.power(depth)))
        return value

    def power(self, depth: int) -> float:
        value = self.percent(depth)
        while self.infix("^") is not None:
            value = _power(value, self.percent(depth))
        return value

    def percent(self, depth: int) -> float:
        value = self.signed(depth)
        while (token := self.peek()) is not None and token.type == "OPERATOR-POSTFIX":
            self.pos += 1
            value /= 100
        return value

    def signed(self, depth: int) -> float:
        token = self.peek()
        if token is not None and token.type == "OPERATOR-PREFIX":
            if depth > MAX_DEPTH:
                raise Refused("too deep")
            self.pos += 1
            value = self.signed(depth + 1)
            return -value if token.value == "-" else value
        return self.primary(depth)

    def primary(self, depth: int) -> float:
        token = self.next()
        if token.type == "OPERAND" and token.subtype == "NUMBER":
            if not _NUMBER.fullmatch(token.value):
                raise Refused(token.value)
            return _checked(float(token.value))
        if token.type == "OPERAND" and token.subtype == "RANGE":
            r, c = self.reference(token.value)
            value = self.sheet.cell(r, c)
            return 0.0 if value is None else value  # blank is 0 in arithmetic
        if token.type == "PAREN" and token.subtype == "OPEN":
            value = self.expression(depth + 1)
            closing = self.next()
            if closing.type != "PAREN" or closing.subtype != "CLOSE":
                raise Refused("unbalanced")
            return value
        if token.type == "FUNC" and token.subtype == "OPEN":
            return self.function(str(token.value)[:-1].upper(), depth + 1)
        raise Refused(str(token.value))  # text, truth values, errors, arrays, operators

    def reference(self, ref: str) -> tuple[int, int]:
        """One cell of this sheet (not the formula's own)."""
        position = _position(ref)
        if position == self.at:
            raise Refused("circular")
        return position

    def numbers(self, ref: str) -> tuple[int, list[float]]:
        """The numbers in a cell or range given as a function's argument (blanks left out)."""
        first, _, last = ref.partition(":")
        (r0, c0), (r1, c1) = self.reference(first), self.reference(last or first)
        top, bottom, left, right = min(r0, r1), max(r0, r1), min(c0, c1), max(c0, c1)
        area = (bottom - top + 1) * (right - left + 1)
        if area > self.cells:
            raise Refused("range too large")
        self.cells -= area
        self.sheet.take(area)
        if top <= self.at[0] <= bottom and left <= self.at[1] <= right:
            raise Refused("circular")
        found: list[float] = []
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                value = self.sheet.cell(r, c)
                if value is not None:
                    found.append(value)
        return area, found

    def arguments(self, depth: int) -> list[tuple[int, list[float]]]:
        """Each argument as (the cells it refers to, its numbers): a reference alone as an
        argument is read as a range (its blanks left out); anything else is one value (0
        cells)."""
        found: list[tuple[int, list[float]]] = []
        closing = self.peek()
        if closing is not None and closing.type == "FUNC" and closing.subtype == "CLOSE":
            self.pos += 1
            return found
        while True:
            token, after = self.peek(), self.tokens[self.pos + 1 : self.pos + 2]
            if (
                token is not None
                and token.type == "OPERAND"
                and token.subtype == "RANGE"
                and after
                and after[0].type in ("SEP", "FUNC")
            ):
                self.pos += 1
                found.append(self.numbers(str(token.value)))
            else:
                found.append((0, [self.expression(depth)]))
            end = self.next()
            if end.type == "FUNC" and end.subtype == "CLOSE":
                return found
            if end.type != "SEP" or end.value != ",":
                raise Refused("bad argument list")

    def function(self, name: str, depth: int) -> float:
        if name not in _FUNCTIONS or depth > MAX_DEPTH:
            raise Refused(name)
        args = self.arguments(depth)
        if name == "ROUND":
            if len(args) != 2:
                raise Refused("ROUND takes two arguments")
            number, digits = (_scalar(arg) for arg in args)
            places = math.trunc(digits)
            if abs(places) > MAX_ROUND_DIGITS:
                raise Refused("digits")
            # Excel rounds the number as it holds it, to 15 significant digits: 470*1,005 is
            # 472,35 there (472,34999999999997 in binary), and ROUND(…;1) 472,4.
            return _checked(round_half_away(float(f"{number:.15g}"), places))
        if not args:
            raise Refused("no arguments")
        values = [v for _, numbers in args for v in numbers]
        if name == "SUM":
            return _checked(math.fsum(values))
        if name == "COUNT":
            return float(len(values))
        if name == "AVERAGE":
            if not values:
                raise Refused("average of nothing")  # Excel: #DIV/0!
            return _checked(math.fsum(values) / len(values))
        if not values:
            return 0.0  # MIN and MAX of no numbers, as in Excel
        return min(values) if name == "MIN" else max(values)


def _scalar(arg: tuple[int, list[float]]) -> float:
    """One value of an argument: a reference to one cell gives its number (blank: 0); a
    range is refused (Excel would take the cell in the formula's row or column)."""
    cells, numbers = arg
    if cells > 1:
        raise Refused("a range where one value is expected")
    return numbers[0] if numbers else 0.0


def recompute(
    formula: str, at: str, grid: Sequence[Sequence[Any]], special: Mapping[str, str]
) -> float | None:
    """What `formula` in cell `at` gives with the sheet's values (see `Evaluator`), or None."""
    return Evaluator(grid, special).evaluate(formula, at)
