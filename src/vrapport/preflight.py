"""Inspect a file with the standard library alone before any spreadsheet parser sees it.

The Rust reader can abort the whole process on a crafted file, and XML parsers can be
made to run for minutes, so a file must pass these checks first: size, magic bytes, zip
structure and sizes (each member streamed with a hard cap, since zip headers can lie), the
xlsx content type, no active content (macros, ActiveX, OLE objects, data connections), no
DTDs or entities, and in every sheet the real cell references (not only the declared
dimension) inside Excel's grid and within the size limits, the merged ranges inside the
cells in use, and the shared-string table as long as it says it is. One streaming pass with
expat (a C parser) per XML member; a sheet's pass also records what the value reader cannot
see (cellscan.SheetScan: errors, formulas, hidden rows and columns), so `inspect` gives the
reading worker both from one parse. Each problem is a Finding naming the file and, where
there is one, the sheet.
"""

from __future__ import annotations

import codecs
import colorsys
import functools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from vrapport.cellscan import (
    ESCAPE,
    FILL_TYPE,
    FILLED,
    FORMULA_WITHOUT_VALUE,
    LAST_DECODED,
    NO_VALUE,
    SHARED_FOLLOWER,
    TINY_TYPE,
    TYPED,
    WHITE_TYPE,
    BookScan,
    SheetScan,
    excel_text,
    external_names,
    undecoded,
)
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.numfmt import (
    BUILTIN,
    LAST_DATE,
    NUMBER_FORMAT_MAX,
    UNSEEN_COLOUR,
    may_alter,
    shows_date,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 500
MAX_ROWS = 100_000  # a register may grow for years; ×650 of the examples is 95 550 order rows
MAX_COLS = 500
MAX_CELLS = 2_000_000  # rows × columns of a sheet's used area: what a reader holds in memory
MAX_MERGED = 5_000
MAX_SHARED_STRINGS = 1_000_000
MAX_NUMBER_FORMATS = 10_000  # custom number formats read from the styles (Excel allows ~250)
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
CHUNK = 1 << 16
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})$", re.ASCII)  # 0–9 only (see _digits)

# Active content, by what names it in member paths, content types and relationship types.
ACTIVE_CONTENT = (
    ("vbaproject", "et VBA-prosjekt (makroer)"),
    ("activex", "ActiveX-kontroller"),
    ("oleobject", "innebygde OLE-objekter"),
    ("embeddings/", "innebygde filer (OLE)"),
    ("relationships/package", "innebygde filer (OLE)"),
    ("connections", "eksterne datatilkoblinger"),
    ("querytable", "eksterne datatilkoblinger (spørringer)"),
)
CLEAN_COPY = (
    "Slike filer leses ikke. Lag en ren kopi: åpne filen i Excel, fjern kontroller, objekter "
    "og datatilkoblinger (Data › Spørringer og tilkoblinger), velg Fil › Lagre som, filtype "
    "«Excel-arbeidsbok (*.xlsx)» (ikke makroaktivert), og send den nye filen."
)


class Refused(Exception):
    """A reason to refuse the file: code, Norwegian message, sheet (or '')."""

    def __init__(self, code: str, message: str, sheet: str = "", cell: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.sheet, self.cell = code, message, sheet, cell


def _digits(text: str) -> bool:
    """Only the digits 0–9, at least one. str.isdigit() (and int()) take the digits of other
    scripts too («٥», «５», «²»: int() refuses the last); python-calamine and Excel read row
    numbers, cell references, style and text indexes in ASCII digits only, so a «٥» there
    must not be read as a position vrapport and the reader disagree on."""
    return text.isascii() and text.isdigit()


def col_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


def _spread(attrs: dict[str, str]) -> tuple[str, str] | None:
    """The range of an <f> whose result fills a range (an array formula, a what-if data
    table) and the formula as Excel shows it in each cell ("{formula}" stands for the text of
    the <f>); None for any other <f>, and for an array formula of one cell, which is an
    ordinary formula."""
    kind, ref = attrs.get("t"), attrs.get("ref", "")
    if kind == "array" and ":" in ref:
        return ref, "{{={formula}}}"
    if kind == "dataTable":
        inputs = [attrs.get("r1", ""), attrs.get("r2", "")]
        if not _true(attrs.get("dt2D")):
            inputs = inputs[:1] + [""] if _true(attrs.get("dtr")) else ["", inputs[0]]
        return ref, "{{=TABLE(" + ",".join(inputs) + ")}}"
    return None


def _spread_over(
    spreads: list[tuple[str, str]], area: _SheetArea, scan: SheetScan, where: str, sheet: str
) -> None:
    """Every cell of each range an array formula or data table fills (within the cells in
    use) gets its formula: python-calamine reads their results as typed values. At most
    MAX_CELLS cells in all (Excel's ranges do not overlap)."""
    budget = MAX_CELLS
    for ref, shown in spreads:
        corners = parse_range(ref)
        if corners is None:
            continue  # the anchor has its formula; a range Excel would not read spreads none
        a, b = corners
        top, bottom = min(a[0], b[0]), min(max(a[0], b[0]), area.rows)
        left, right = min(a[1], b[1]), min(max(a[1], b[1]), area.cols)
        budget -= max(bottom - top + 1, 0) * max(right - left + 1, 0)
        if budget < 0:
            raise Refused(
                "corrupt-file",
                f"{where} har matriseformler eller datatabeller som til sammen dekker flere "
                "celler enn arket har. Lagre filen på nytt i Excel.",
                sheet,
            )
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                cell = f"{col_letters(c)}{r}"
                if cell not in scan.special:
                    scan.formulas.setdefault(cell, shown)


def parse_ref(ref: str) -> tuple[int, int] | None:
    """'B7' -> (row 7, column 2), 1-based; None when it is not a cell reference."""
    match = _REF.match(ref)
    if not match:
        return None
    return int(match.group(2)), col_number(match.group(1))


def parse_range(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """'B7:D9' (or one cell, 'B7') -> its two corners as parse_ref gives them; None when
    either is not a cell reference."""
    first, _, last = ref.partition(":")
    a, b = parse_ref(first), parse_ref(last or first)
    return None if a is None or b is None else (a, b)


def _sniff(head: bytes, data_tail: bytes) -> str | None:
    """Name what a non-zip file is, for the message."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ENCRYPTED_MARK in data_tail:
            return "encrypted"
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if head[:4] in (b"PK\x05\x06", b"PK\x07\x08"):
        return "empty-zip"
    return None


NOT_XLSX = {
    "encrypted": (
        "encrypted-file",
        "Filen er kryptert (passordbeskyttet). Fjern passordet i Excel "
        "(Fil › Info › Beskytt arbeidsbok) og send den på nytt.",
    ),
    "ole": (
        "old-xls",
        "Filen er i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx).",
    ),
    "pdf": ("not-xlsx", "Filen er en PDF, ikke en Excel-arbeidsbok (.xlsx)."),
    "html": ("not-xlsx", "Filen er en HTML-side, ikke en Excel-arbeidsbok (.xlsx)."),
    "xml": ("not-xlsx", "Filen er en XML-fil, ikke en Excel-arbeidsbok (.xlsx)."),
    "empty-zip": ("corrupt-file", "Filen er en tom zip-fil, ikke en Excel-arbeidsbok."),
}
DAMAGED = "Filen er skadet og kan ikke åpnes som Excel-arbeidsbok. Lagre den på nytt i Excel."


def preflight(path: Path, display: str) -> list[Finding]:
    """Findings that make the file unsafe or impossible to parse (empty list: go ahead)."""
    return inspect(path, display)[0]


def inspect(
    path: Path, display: str, ready: Callable[[], None] | None = None
) -> tuple[list[Finding], BookScan]:
    """The pre-flight's findings and, from the same pass, each sheet's cell scan (by sheet
    name; empty when the file is refused). `ready` is called once the archive's directory,
    declared sizes, content types and relationships have passed (no zip bomb by its
    headers, no macro or active content), before the members are unpacked and scanned."""
    book = BookScan()

    def fail(code: str, message: str, sheet: str = "", cell: str = "") -> tuple:  # type: ignore[type-arg]
        return [Finding(display, sheet, cell, ERROR, code, message)], BookScan()

    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
            tail = handle.read(1 << 20) if head.startswith(b"\xd0\xcf") else b""
    except OSError as exc:
        return fail("unreadable-file", f"Filen kan ikke leses: {exc.strerror or 'ukjent feil'}.")
    if size == 0:
        return fail("empty-file", "Filen er tom (0 byte).")
    if size > MAX_FILE_BYTES:
        return fail(
            "file-too-large",
            f"Filen er {size / 1e6:.0f} MB; en innrapportering er "
            f"normalt under 1 MB (grense {MAX_FILE_BYTES / 1e6:.0f} MB).",
        )
    if not head.startswith(b"PK\x03\x04"):
        kind = _sniff(head, head + tail)
        if kind:
            code, message = NOT_XLSX[kind]
            return fail(code, message)
        return fail("not-xlsx", "Filen er ikke en Excel-arbeidsbok (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            links = _check_archive(archive, book, ready)
    except Refused as refused:
        return fail(refused.code, refused.message, refused.sheet, refused.cell)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        KeyError,
    ):
        return fail("corrupt-file", DAMAGED)
    if links:
        warning = [
            Finding(
                display,
                "",
                "",
                WARNING,
                "external-links",
                "Filen har koblinger til andre arbeidsbøker. "
                "Verdiene leses slik de sist ble lagret.",
            )
        ]
        return warning, book
    return [], book


class _Stream:
    """Feed one zip member to expat in chunks, never reading more than the caps allow."""

    def __init__(self) -> None:
        self.total = 0

    def parse(  # type: ignore[no-untyped-def]
        self,
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        parser: Any,
        where: str,
        on_dtd: Callable[..., None] | None = None,
        watch: Callable[[bytes], None] | None = None,
        sheet: str = "",
    ):
        def refuse_dtd(*_: Any) -> None:
            raise Refused(
                "suspicious-file",
                f"Filen inneholder en XML-DTD ({info.filename}); "
                "det brukes ikke i vanlige arbeidsbøker.",
            )

        parser.StartDoctypeDeclHandler = on_dtd or refuse_dtd
        parser.EntityDeclHandler = on_dtd or refuse_dtd
        chunk = before = b""
        try:
            for chunk in self._chunks(archive, info):
                if not before:
                    _utf8_declared(chunk, where, sheet)
                if watch is not None:
                    watch(chunk)
                parser.Parse(chunk, False)
                before = chunk
            parser.Parse(b"", True)
        except expat.ExpatError:
            if not _utf8(before[-3:] + chunk):
                raise _not_utf8(where, "", sheet) from None
            raise Refused(
                "corrupt-file",
                f"{where} er skadet (ugyldig XML) og kan ikke leses. Lagre filen på nytt i Excel.",
                sheet,
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise Refused(
                "corrupt-file",
                f"{where} er skadet (feil i komprimeringen) og kan ikke leses. "
                "Lagre filen på nytt i Excel.",
            ) from None

    def skim(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Read a non-XML member through (to check its size and checksum) and drop it."""
        try:
            for _chunk in self._chunks(archive, info):
                pass
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise Refused("corrupt-file", DAMAGED) from None

    def _chunks(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks, refused as soon as it or the whole file unpacks to
        more than the caps (zip headers may understate sizes, so the count is what is read)."""
        read = 0
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                self.total += len(chunk)
                if read > MAX_MEMBER_BYTES or self.total > MAX_TOTAL_BYTES:
                    raise Refused(
                        "suspicious-file",
                        "Filen pakker ut til mer enn en mal kan inneholde (mulig zip-bombe).",
                    )
                yield chunk


# An XML declaration's encoding (the declaration is ASCII in every encoding expat reads
# from bytes but UTF-16 and UTF-32, which a NUL among the first bytes gives away)
_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_UTF8_NAMES = (b"utf-8", b"utf8")


def _utf8_declared(head: bytes, where: str, sheet: str) -> None:
    """Refuse a part (its first bytes `head`) in another encoding than UTF-8, the one
    Excel writes: python-calamine reads every part as UTF-8 whatever it declares (a UTF-16
    or ISO-8859-1 sheet fails the whole file, or reads other text), while expat and so
    openpyxl follow the declaration, so the two readers need not read the same file."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise _not_utf8(where, "UTF-16", sheet)
    declared = _ENCODING.match(head[:512])
    if declared is not None and declared.group(1).strip().lower() not in _UTF8_NAMES:
        raise _not_utf8(where, declared.group(1).decode("ascii", "replace")[:20], sheet)


def _utf8(data: bytes) -> bool:
    """Are `data` (a chunk, possibly cut inside a character at either end) UTF-8?"""
    start = 0
    while start < min(3, len(data)) and 0x80 <= data[start] < 0xC0:
        start += 1  # the end of a character begun before
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[start:], final=False)
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8(where: str, encoding: str, sheet: str) -> Refused:
    named = f"tegnkodingen {encoding}" if encoding else "en annen tegnkoding"
    return Refused(
        "corrupt-file",
        f"{where} er lagret med {named}, ikke UTF-8 slik Excel lagrer arbeidsbøker. "
        "Ulike programmer leser da ulikt innhold, så filen kan ikke leses sikkert. Den er "
        "laget av et annet program eller endret; lagre den på nytt i Excel.",
        sheet,
    )


def xml_parser() -> Any:
    """An expat parser with namespaces (names as 'uri local') and buffered text."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    return parser


def local_name(name: str) -> str:
    """The element or attribute name without its namespace."""
    return name.rsplit(" ", 1)[-1]


def stream_parse(archive: zipfile.ZipFile, member: str, parser: Any) -> None:
    """Feed one member to `parser` in chunks, under the same caps as pre-flight (for files
    that have passed it)."""
    _Stream().parse(archive, archive.getinfo(member), parser, f"Delen {member}")


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path -> sheet name."""
    infos = {info.filename: info for info in archive.infolist()}
    return _sheet_names(_Stream(), archive, infos)


@dataclass
class _SheetArea:
    rows: int = 0
    cols: int = 0
    max_shared: int = -1
    max_shared_at: str = ""


_DIGITS = "0123456789"
_COLUMN = re.compile(r"([A-Za-z]{1,4})")  # a cell's column: no «$» (python-calamine refuses one)
# Element local names the sheet pass acts on, as small numbers (0: any other element).
_CELL, _VALUE, _FORMULA, _ROW, _COL, _MERGE, _INLINE = 1, 2, 3, 4, 5, 6, 7
_CONDITIONAL, _RULE = 8, 9
# An Excel 2010 (x14) conditional format, in the sheet's extLst, holds its number format in
# the rule (<x14:dxf><numFmt/>) and its range in an element (<xm:sqref>), not attributes.
_RULE_FORMAT, _RULE_RANGE = 10, 11
_DIMENSION = 15
# ... and its type and fill colours (<x14:dxf><font><color/></font><fill><patternFill>
# <bgColor/></patternFill></fill>): elements no cell has, looked at inside a rule only.
_RULE_FONT, _RULE_COLOR, _RULE_PATTERN, _RULE_FG, _RULE_BG = 16, 17, 18, 19, 20
# A data bar's or icon set's rule (<dataBar>, <iconSet>, also x14's): «Vis bare stolpe» or
# «Vis bare ikon» (showValue="0") shows no figure in the cells of its range.
_RULE_NO_VALUE = 21
# The sheet's default row height and column width (<sheetFormatPr>): the rows without a
# height of their own, the columns without a width of their own, are that high or wide.
_SHEET_FORMAT = 22
# The parts of an inline text (see _TextParts): watched in the sheet pass as a state, not
# an object per cell (an inline text is in every text cell of a register).
_TEXT, _RUN, _PHONETIC = 12, 13, 14
# Ranges of conditional formats whose number format may show a number otherwise, per sheet.
MAX_CONDITIONAL_FORMATS = 1000
# Cells whose value is a text: python-calamine reads comments, CDATA and references in it as
# an XML reader does. In any other cell (a number, a shared-string index, a boolean, an
# error) it does not, so there they are refused.
_TEXT_KINDS = ("str", "inlineStr")
_CELL_TYPES = frozenset(("b", "d", "e", "inlineStr", "n", "s", "str"))  # ST_CellType
# A <v> (any prefix, any attributes) whose text has a reference before its end, and the
# start tags of cells (their r and t, in either order) to find which cell it is in.
_REFERENCE_IN_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>[^<&]*&")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_CELL_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])"
    rb"(?=(?:[^>]*\sr=[\"']([^\"']*)[\"'])?)(?=(?:[^>]*\st=[\"']([^\"']*)[\"'])?)"
)
# At most these bytes of one chunk are kept in front of the next, from the last cell's start.
_WATCH_TAIL = 1 << 20


def _last_cell_start(window: bytes, end: int) -> int:
    """Where the last cell's start tag (<c …>, <x:c …>) before `end` begins in `window`,
    looked for in the 4 KiB before `end`, then in the _WATCH_TAIL bytes before it; -1 when
    there is none."""
    for reach in (4096, _WATCH_TAIL):
        low = max(0, end - reach)
        starts = [found.start() for found in _CELL_START.finditer(window, low, end)]
        if starts:
            return starts[-1]
        if low == 0:
            break
    return -1


_CODES = {
    "c": _CELL,
    "v": _VALUE,
    "f": _FORMULA,
    "row": _ROW,
    "col": _COL,
    "mergeCell": _MERGE,
    "t": _TEXT,
    "r": _RUN,
    "rPh": _PHONETIC,
    "is": _INLINE,
    "conditionalFormatting": _CONDITIONAL,
    "cfRule": _RULE,
    "numFmt": _RULE_FORMAT,
    "sqref": _RULE_RANGE,
    "dimension": _DIMENSION,
    "font": _RULE_FONT,
    "color": _RULE_COLOR,
    "patternFill": _RULE_PATTERN,
    "fgColor": _RULE_FG,
    "bgColor": _RULE_BG,
    "dataBar": _RULE_NO_VALUE,
    "iconSet": _RULE_NO_VALUE,
    "sheetFormatPr": _SHEET_FORMAT,
}
# The value of a date cell (t="d"): an ISO 8601 date, time or both (ST_Xstring, as Excel
# writes them: 2024-03-31, 2024-03-31T12:00:00, 12:00:00).
_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?|\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?$",
    re.ASCII,
)
_TRUE = ("1", "true")
_FALSE = ("0", "false")
# A boolean cell's value as python-calamine reads it (any case, white space around it); it
# refuses the whole file for any other.
_BOOLEANS = frozenset(("0", "1", "true", "false"))
# A sheet's size (<dimension ref>) as python-calamine reads it: one or two cells, letters
# then digits (a row from 1); it refuses the whole file for any other.
_DIMENSION_CELL = re.compile(r"[A-Za-z]+(\d+)", re.ASCII)
# A sheet's visibility (<sheet state>) as the format has it; python-calamine refuses the
# whole file for any other (« hidden », «Hidden»).
_SHEET_STATES = frozenset(("visible", "hidden", "veryHidden"))


def col_letters(col: int) -> str:
    """3 -> 'C' (1-based)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _true(value: str | None, meaning: tuple[str, str] = _TRUE) -> bool:
    """Is an xsd:boolean attribute `value` one of `meaning` ("1"/"true", or _FALSE)? The
    schema collapses the whitespace around it: hidden=" 1" hides a row in LibreOffice."""
    return value is not None and value.strip() in meaning


# Below these a row (height in points) or a column (width in characters) shows no figure:
# a row of ht="0.1" is a line, a column of width="0.01" fits not even a «#».
MIN_ROW_HEIGHT = 4.0
MIN_COL_WIDTH = 1.0


def _gaps(ranges: list[tuple[int, int]], last: int) -> list[tuple[int, int]]:
    """The runs of 1..`last` in none of `ranges` (1-based, inclusive)."""
    gaps: list[tuple[int, int]] = []
    at = 1
    for low, high in sorted(ranges):
        if low > at:
            gaps.append((at, min(low - 1, last)))
        at = max(at, high + 1)
        if at > last:
            return gaps
    gaps.append((at, last))
    return gaps


def _unseen(size: str | None, least: float) -> bool:
    """Is a row height or column width given as less than `least`: hidden in Excel, or as
    good as hidden?"""
    if size is None:
        return False
    try:
        return float(size) < least
    except ValueError:
        return False


class _Remark(Exception):
    """A sheet's Excel 2010 conditional formats need cell styles marked with their colours
    (FILLED) that the styles did not: `marks`, style -> its mark."""

    def __init__(self, marks: dict[str, str]) -> None:
        super().__init__()
        self.marks = marks


class _Rerun(Exception):
    """The namespace-free pass over a sheet met a name it cannot vouch for: scan the sheet
    again with the namespace-aware parser, which decides as before."""


_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_XML_URI = "http://www.w3.org/XML/1998/namespace"
_RESERVED_URIS = (_XML_URI, "http://www.w3.org/2000/xmlns")


def _qname(name: str) -> tuple[str, str]:
    """'x:c' -> ('x', 'c'), 'c' -> ('', 'c'); _Rerun for a name a namespace-aware parser may
    reject (more than one colon, an empty part, a part not starting with a letter or _)."""
    prefix, colon, local = name.partition(":")
    if not colon:
        return "", name
    if not prefix or not local or ":" in local or {prefix[0], local[0]} - _NAME_START:
        raise _Rerun
    return prefix, local


def _declared(key: str, uri: str, bound: dict[str, str]) -> bool:
    """Is attribute `key` a namespace declaration (then add a prefix's binding to `bound`)?
    _Rerun for one the namespace-aware parser may refuse: a reserved prefix or namespace,
    an undeclared prefix, white space in the namespace name (the parser's separator)."""
    if key == "xmlns":
        prefix = ""
    elif key.startswith("xmlns:"):
        prefix = _qname(key)[1]
        if prefix in ("xml", "xmlns") or not uri:
            raise _Rerun
    else:
        return False
    if uri.startswith(_RESERVED_URIS) or not uri.isprintable() or " " in uri:
        raise _Rerun
    if prefix:
        bound[prefix] = uri
    return True


def _expanded(key: str, bound: dict[str, str]) -> tuple[str, str]:
    """An attribute name as (namespace, local name); _Rerun when its prefix is not bound."""
    prefix, local = _qname(key)
    if not prefix:
        return "", local
    uri = _XML_URI if prefix == "xml" else bound.get(prefix)
    if uri is None:
        raise _Rerun
    return uri, local


def _scan_sheet(  # type: ignore[no-untyped-def]
    stream: _Stream,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    sheet: str,
    odd_styles: dict[str, str] | None = None,
    shared_texts: dict[int, str] | None = None,
    colours: _Colours | None = None,
):
    """The sheet's pass (_scan_pass), first with a parser that leaves names as written and
    reads them itself (at ×650 the big sheets take 0.8 of the time); when that one meets a
    name it cannot vouch for, the namespace-aware parser's pass decides, as it always did.
    When the sheet's own (Excel 2010) conditional formats need cell styles marked with
    their colours that the styles did not (_Remark), the sheet is scanned again so."""
    read = stream.total

    def scan(styles: dict[str, str] | None):  # type: ignore[no-untyped-def]
        try:
            return _scan_pass(stream, archive, info, sheet, False, styles, shared_texts, colours)
        except _Rerun:
            stream.total = read
            return _scan_pass(stream, archive, info, sheet, True, styles, shared_texts, colours)

    try:
        return scan(odd_styles)
    except _Remark as remark:
        stream.total = read
        return scan({**(odd_styles or {}), **remark.marks})


def _scan_pass(  # type: ignore[no-untyped-def]
    stream: _Stream,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    sheet: str,
    namespaces: bool,
    odd_styles: dict[str, str] | None = None,
    shared_texts: dict[int, str] | None = None,
    colours: _Colours | None = None,
):
    """One streaming pass over a sheet: its used area from the real cell positions (refused
    outside Excel's grid or the limits, merged ranges outside the used area, shared-string
    indexes past the table), and what the value reader cannot see (SheetScan).

    A cell's position is its `r` attribute or, without one, the column after the previous
    cell's in the current row; a `<row r>` sets the row, and the row after it is the next
    one (also for a `<row>` without `r`, and for a cell outside any row), as python-calamine
    places cells (tests/test_cellscan.py compares the two). A cell or row inside a cell is
    refused, and so are a cell or a row twice or out of order: Excel writes each once, in
    order, and "repairs" a file that is not, after which what it shows need not be what the
    reader reads (it keeps the last of two cells at one place).

    With `namespaces` the parser checks and expands namespaces ('uri local'). Without, it
    gives names as written ('x:c'), and the pass finds what the namespace-aware parser would
    refuse or read differently from the names it has not seen before: a prefix declared on
    the root element holds everywhere; below the root, a declaration's element and what is
    inside it are checked element by element (the extensions at a sheet's end); anything
    the pass cannot vouch for raises _Rerun (a colon in a processing instruction, a DTD, a
    prefix that is not bound, two attributes that are one with namespaces, ...)."""
    where = f"Arket «{sheet}»" if sheet else f"Delen {info.filename}"
    odd_styles = odd_styles or {}
    # Styles showing a number as a date or time: a cell of them is recorded only when its
    # number is one such a format cannot show (past Excel's last date, below 0), since
    # python-calamine gives the number itself only then (a date in range it reads as a date).
    date_styles = {
        style
        for style, code in odd_styles.items()
        if code not in (WHITE_TYPE, FILL_TYPE, TINY_TYPE) and shows_date(marked_format(code))
    }
    # the cell styles an Excel 2010 conditional format needs marked with their colours
    # (_Colours.differing) and the styles did not mark: style -> its mark
    unmarked: dict[str, str] = {}
    marked: set[str] = set()  # the TYPED codes whose styles are looked at
    dated: str | None = None  # the format of the current cell, when a date style
    area = _SheetArea()
    scan = SheetScan()
    special, formulas, hidden_rows = scan.special, scan.formulas, scan.hidden_rows
    merged: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    codes: dict[str, int] = {}  # element name (with namespace) -> _CODES number
    columns: dict[str, int] = {}  # column letters as written -> number (within MAX_COLS)
    text: list[str] = []
    plain: set[str] = set()  # attribute names (as written) known to be read alike either way
    root_bound: dict[str, str] = {}  # prefix -> namespace, declared on the root element
    scope: list[tuple[str, dict[str, str]]] = []  # below a declaration: name read, bindings
    if namespaces:
        parser = xml_parser()
    else:
        parser = expat.ParserCreate()
        parser.buffer_text = True
    row = 1  # the current row: set by <row r>, the next one after each </row>
    at_row = at_col = 0  # the current (last opened) cell's position
    last_row = last_col = 0  # the previous cell's position (at_col starts again in a row)
    max_row = max_col = 0
    in_cell = flagged = False  # inside a <c>; it needs a record at its end (error, formula)
    kind: str | None = None  # the cell's t attribute
    formula: str | None = None  # its <f> text, once it has one
    group: str | None = None  # its <f>'s shared-formula group (si), when t="shared"
    # its <f>'s range and how Excel shows the formula, when it fills a range (t="array",
    # t="dataTable"): each cell of it holds the formula's result
    spread: tuple[str, str] | None = None
    spreads: list[tuple[str, str]] = []  # (range, formula as shown) of every such formula
    valued = False  # the current cell has had its <v>
    inlined = False  # ... or its inline text (<is>)
    # Inside an inline text: 1 nothing yet, 2 a <t> of its own, 3 a run (0: not inside one);
    # depth: inside a run or a phonetic reading, whose <t> is not the text's own.
    parts = depth = 0
    leaders: dict[str, tuple[str, str]] = {}  # group -> the cell and formula that head it
    value: str | None = None  # its <v> text, when it was needed
    collecting = 0  # _VALUE or _FORMULA while collecting that element's text
    # The digits of the last cell or row reference read and their row (within the limits):
    # a cell reference that ends with them is in that row. (A string no reference ends with.)
    row_digits, row_number, row_cut = "-", 0, -1
    conditional = [""]  # the sqref of the <conditionalFormatting> being read
    # <sheetFormatPr>'s default row height, column width too small to show a figure
    # (MIN_ROW_HEIGHT, MIN_COL_WIDTH); the columns of a width of their own (1-based)
    unseen_default = [False, False]
    widths: list[tuple[int, int]] = []
    # its x14 rules' number formats that may alter a number; None outside one
    rule_formats: list[str] | None = None
    # an Excel 2010 rule's own style (<x14:dxf>): its type colour, its fill colour, inside
    # its <font>, inside a solid <patternFill>, and its number format's code when it has
    # colours («[Red]»: judged on its fill at the rule's end, _format_colours)
    rule_style: list[Any] = [None, None, False, False, ""]

    def outside(ref: str, cell: str = "") -> Refused:
        return Refused(
            "sheet-too-large",
            f"{where} har innhold i {ref}, langt utenfor malens område (grense {MAX_ROWS} rader "
            f"og {MAX_COLS} kolonner). Slett radene og kolonnene etter tabellen og lagre på nytt.",
            sheet,
            cell,
        )

    def bad_ref(ref: str) -> Refused:
        return Refused(
            "corrupt-file",
            f"{where} har en ugyldig cellereferanse «{ref[:20]}». Lagre filen på nytt i Excel.",
            sheet,
        )

    def out_of_order(place: str, after: str) -> Refused:
        # Excel writes rows and cells in order, each once; it "repairs" a file that has one
        # twice or out of order, and what it then shows need not be what a reader reads.
        return Refused(
            "corrupt-file",
            f"{where} har {place} to ganger eller i feil rekkefølge (etter {after}); Excel "
            "ville reparere filen, og da er det ikke sikkert at tallene som vises er de som "
            "leses. Lagre filen på nytt i Excel.",
            sheet,
            place if not place.startswith("rad") else "",
        )

    def column(letters: str, ref: str) -> int:
        match = _COLUMN.fullmatch(letters)
        if match is None:
            raise bad_ref(ref)
        number = col_number(match.group(1))
        if number <= MAX_COLS:
            columns[letters] = number
        return number

    def learn(name: str) -> int:
        if namespaces:
            local = local_name(name)
        else:
            prefix, local = _qname(name)
            if prefix and prefix not in root_bound:
                raise _Rerun
        code = codes[name] = _CODES.get(local, 0)
        return code

    def vet(name: str, attrs: dict[str, str]) -> bool:
        """An element with attribute names not in `plain`: learn them, or (below the root, on
        a namespace declaration) check the element and its insides in scope. True when the
        element has been dealt with."""
        if namespaces:
            plain.update(attrs)
            return False
        if scope:  # (scoped_start checked it)
            return False
        declares = [key for key in attrs if _declared(key, attrs[key], {})]
        if declares and codes:
            parser.StartElementHandler = scoped_start
            parser.EndElementHandler = scoped_end
            scoped_start(name, attrs)
            return True
        for key in declares:  # the root element's
            _declared(key, attrs[key], root_bound)
        if len(set(root_bound.values())) < len(root_bound):
            raise _Rerun  # (two prefixes for one namespace: attributes could clash)
        for key in attrs:
            if key not in declares:
                _expanded(key, root_bound)
                plain.add(key)
        return False

    def scoped_start(name: str, attrs: dict[str, str]) -> None:
        bound = dict(scope[-1][1] if scope else root_bound)
        names = [key for key in attrs if not _declared(key, attrs[key], bound)]
        if len({_expanded(key, bound) for key in names}) < len(names):
            raise _Rerun
        prefix, local = _qname(name)
        if prefix and prefix not in bound:
            raise _Rerun
        scope.append((local, bound))
        start(local, attrs)

    def scoped_end(name: str) -> None:
        local = scope.pop()[0]
        if not scope:
            parser.StartElementHandler = start
            parser.EndElementHandler = end
        end(local)

    def rerun(*_: Any) -> None:
        raise _Rerun

    def instruction(target: str, data: str) -> None:
        if ":" in target:
            raise _Rerun
        markup_in_cell()

    def position(ref: str) -> tuple[int, int]:
        """A cell's `r` as (row, column), refused when it is not a cell reference or lies
        outside Excel's grid or the limits."""
        nonlocal row_digits, row_number, row_cut
        letters = ref.rstrip(_DIGITS)
        c = columns.get(letters) or column(letters, ref)
        digits = ref[len(letters) :]
        if not digits or len(digits) > 8:
            raise bad_ref(ref)
        r = int(digits)
        if r > MAX_ROWS or c > MAX_COLS or r < 1:
            if r > EXCEL_ROWS or c > EXCEL_COLS or r < 1:
                raise bad_ref(ref)
            raise outside(ref, f"{col_letters(c)}{r}")
        # The next cells are most likely in this row: the fast path in start() needs only
        # their letters looked up.
        row_digits, row_number, row_cut = digits, r, -len(digits)
        return r, c

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, at_row, at_col, max_row, max_col, in_cell, flagged, kind, formula, value
        nonlocal collecting, row_digits, row_number, row_cut, group, last_row, last_col
        nonlocal spread, valued, rule_formats, dated, inlined, parts, depth
        if attrs and not plain.issuperset(attrs) and vet(name, attrs):
            return
        try:
            code = codes[name]
        except KeyError:
            code = learn(name)
        if code == _TEXT:
            if parts and not depth:
                if parts != 1:
                    raise in_parts()
                parts = 2
            return
        if code == _CELL:
            ref = attrs.get("r")
            if ref is None:
                r, c = row, at_col + 1
                if c > MAX_COLS or r > MAX_ROWS:
                    raise outside(f"kolonne {c}, rad {r}")
            elif ref.endswith(row_digits) and (c := columns.get(ref[:row_cut], 0)):
                # Known column letters (valid, no digit at their end) and the digits of a
                # reference already checked to be a row inside the limits.
                r = row_number
            else:
                r, c = position(ref)
            if in_cell:  # (a <v> or <f> being collected is always inside the cell)
                raise Refused(
                    "corrupt-file",
                    f"{where} har en celle inne i en annen celle ({col_letters(c)}{r}). "
                    "Lagre filen på nytt i Excel.",
                    sheet,
                )
            if r < last_row or (r == last_row and c <= last_col):
                raise out_of_order(f"{col_letters(c)}{r}", f"{col_letters(last_col)}{last_row}")
            at_row, at_col = last_row, last_col = r, c
            if r > max_row:
                max_row = r
            if c > max_col:
                max_col = c
            in_cell = True
            kind = attrs.get("t")
            if kind is not None and kind not in _CELL_TYPES:
                # python-calamine fails on the whole file, naming no cell
                place = f"{col_letters(c)}{r}"
                raise Refused(
                    "corrupt-file",
                    f"{where}, celle {place}: celletypen «{kind[:20]}» finnes ikke i "
                    "Excel-formatet. Filen er skadet eller laget av et annet program; lagre "
                    "den på nytt i Excel.",
                    sheet,
                    place,
                )
            flagged = kind == "e"
            if odd_styles and kind in (None, "n"):
                style = attrs.get("s", "0")
                if style not in odd_styles and not (_digits(style) and style[0] != "0"):
                    # s="014" or " 14" is style 14 to every reader
                    style = str(int(style)) if _digits(style.strip()) else style
                if style in date_styles:
                    dated = odd_styles[style]
                elif style in odd_styles:
                    scan.formats[f"{col_letters(c)}{r}"] = odd_styles[style]
            formula = value = None
            valued = inlined = False
        elif not code:
            return
        elif code == _VALUE:
            if in_cell:
                if valued:  # which of the two a reader takes is anybody's guess
                    raise two_values()
                valued = True
            # The text is needed for a shared-string index, an error and a formula's result;
            # a plain value's is not (a <v> before its <f> leaves the formula without one).
            if in_cell and (kind == "s" or kind == "d" or kind == "b" or flagged or dated):
                collecting = _VALUE
                text.clear()
                parser.CharacterDataHandler = text.append
        elif code == _FORMULA:
            if in_cell:
                formula = ""
                group = attrs.get("si") if attrs.get("t") == "shared" else None
                spread = _spread(attrs)
                flagged = True
                collecting = _FORMULA
                text.clear()
                parser.CharacterDataHandler = text.append
        elif code == _INLINE:
            if in_cell and kind != "inlineStr":
                # Excel reads an inline text only in a cell of that type (t="inlineStr");
                # python-calamine reads it in any cell.
                raise damaged_cell(
                    "teksten i cellen er lagret slik Excel ikke "
                    "leser den (som innebygd tekst uten celletypen for det). Lagre filen på "
                    "nytt i Excel."
                )
            if in_cell:  # an inline text is the cell's value as a <v> is
                if valued:
                    raise two_values()
                valued = inlined = True
                parts, depth = 1, 0
        elif code == _RUN or code == _PHONETIC:
            if parts:
                if code == _RUN:
                    if parts == 2:
                        raise in_parts()
                    parts = 3
                depth += 1
        elif code == _ROW:
            ref = attrs.get("r")
            if in_cell:
                raise Refused(
                    "corrupt-file",
                    f"{where} har en rad inne i cellen {col_letters(at_col)}{at_row}. "
                    "Lagre filen på nytt i Excel.",
                    sheet,
                )
            if ref is not None:
                if not _digits(ref) or len(ref) > 8 or not 1 <= int(ref) <= EXCEL_ROWS:
                    raise bad_ref(f"rad {ref}")
                if int(ref) < row:
                    raise out_of_order(f"rad {int(ref)}", f"rad {row - 1}")
                row = int(ref)
                if row <= MAX_ROWS:
                    row_digits, row_number, row_cut = ref, row, -len(ref)
            height = attrs.get("ht")
            if (
                _true(attrs.get("hidden"))
                or _unseen(height, MIN_ROW_HEIGHT)
                or (height is None and unseen_default[0])
            ):
                if row <= MAX_ROWS:
                    hidden_rows.add(row)
        elif code == _COL:
            # xsd:unsignedInt: min=" 6" is column 6 to LibreOffice
            low, high = attrs.get("min", "").strip(), attrs.get("max", "").strip()
            if _true(attrs.get("hidden")) or _unseen(attrs.get("width"), MIN_COL_WIDTH):
                if _digits(low) and _digits(high):
                    scan.hidden_cols.append((int(low), int(high)))
            elif attrs.get("width") is not None and _digits(low) and _digits(high):
                widths.append((int(low), int(high)))
        elif code == _SHEET_FORMAT:
            unseen_default[0] = _unseen(attrs.get("defaultRowHeight"), MIN_ROW_HEIGHT)
            unseen_default[1] = _unseen(attrs.get("defaultColWidth"), MIN_COL_WIDTH)
        elif code == _CONDITIONAL:
            conditional[0] = attrs.get("sqref", "")
            rule_formats = []
        elif code == _RULE_FORMAT and rule_formats is not None:
            number = _number_id(attrs.get("numFmtId"))
            shown_as = attrs.get("formatCode", "")
            if len(shown_as) > NUMBER_FORMAT_MAX:
                raise Refused("corrupt-file", _too_long(shown_as), sheet)
            shown_as = shown_as or (BUILTIN.get(int(number), "") if _digits(number) else "")
            if "[" in shown_as and colours is not None:
                rule_style[4] = shown_as
            elif shown_as and may_alter(shown_as):
                rule_formats.append(shown_as)
        elif code == _RULE_RANGE and rule_formats:
            collecting = _RULE_RANGE
            text.clear()
            parser.CharacterDataHandler = text.append
        elif code == _RULE_NO_VALUE:
            if rule_formats is None or not _true(attrs.get("showValue"), _FALSE):
                return
            if not conditional[0]:  # Excel 2010's: its range (<xm:sqref>) comes after it
                rule_formats.append(NO_VALUE)
            for ref in conditional[0].split():
                corners = parse_range(ref)
                if corners is not None and len(scan.conditional_formats) < MAX_CONDITIONAL_FORMATS:
                    scan.conditional_formats.append((*corners, NO_VALUE))
        elif code >= _RULE_FONT:
            if rule_formats is None:
                return
            if code == _RULE_FONT:
                rule_style[2] = True
            elif code == _RULE_COLOR and rule_style[2]:
                rule_style[0] = _colour(attrs)
            elif code == _RULE_PATTERN:
                pattern = attrs.get("patternType")
                rule_style[3] = pattern is None or pattern.strip() == "solid"
            elif rule_style[3] and (code == _RULE_BG or rule_style[1] is None):
                rule_style[1] = _colour(attrs)
        elif code == _RULE:
            rule_style[:] = [None, None, False, False, ""]
            # Excel shows a cell in the rule's range with the rule's format (its dxf) while
            # the rule holds: a number format there may show the number otherwise.
            shown_as = odd_styles.get(f"dxf:{_number_id(attrs.get('dxfId'))}", "")
            for ref in conditional[0].split() if shown_as else ():
                corners = parse_range(ref)
                if corners is not None and len(scan.conditional_formats) < MAX_CONDITIONAL_FORMATS:
                    scan.conditional_formats.append((*corners, shown_as))
        elif code == _DIMENSION:
            size = attrs.get("ref", "")
            if not _is_dimension(size):
                raise Refused(
                    "corrupt-file",
                    f"{where} har en ugyldig størrelse «{size[:20]}» (området arket sier det "
                    "bruker). Filen er skadet eller laget av et annet program; lagre den på nytt "
                    "i Excel.",
                    sheet,
                )
        elif code == _MERGE:
            ref = attrs.get("ref", "")
            corners = parse_range(ref)
            if corners is None:
                raise bad_ref(ref)
            merged.append((ref, *corners))
            if len(merged) > MAX_MERGED:
                raise Refused(
                    "sheet-too-large",
                    f"{where} har mer enn {MAX_MERGED} sammenslåtte områder.",
                    sheet,
                )

    def end(name: str) -> None:
        nonlocal row, at_col, in_cell, flagged, formula, value, collecting, spread, rule_formats
        nonlocal dated, parts, depth
        code = codes[name]
        if not code or code == _TEXT:
            return
        if code == _RUN or code == _PHONETIC:
            if parts:
                depth -= 1
            return
        if code == _INLINE:
            parts = 0
            return
        if collecting:
            if code != collecting:
                return
            parser.CharacterDataHandler = None
            got = "".join(text)
            if collecting == _FORMULA:
                formula = got
            elif collecting == _RULE_RANGE:
                for ref in got.split():
                    corners = parse_range(ref)
                    if corners is None:
                        continue
                    for shown_as in rule_formats or ():
                        if len(scan.conditional_formats) < MAX_CONDITIONAL_FORMATS:
                            scan.conditional_formats.append((*corners, shown_as))
            else:
                value = got
                if kind == "s":
                    shared(got.strip())
            collecting = 0
        elif code == _CONDITIONAL:
            rule_formats = None
        elif code == _RULE_FONT:
            rule_style[2] = False
        elif code == _RULE_PATTERN:
            rule_style[3] = False
        elif code == _RULE and rule_formats is not None and colours is not None:
            if rule_style[4]:
                shown_as = _format_colours(rule_style[4], colours.rgb(rule_style[1]), colours)
                if may_alter(shown_as):
                    rule_formats.append(shown_as)
            unseen = colours.rule(colours.rgb(rule_style[0]), colours.rgb(rule_style[1]))
            if unseen:
                rule_formats.append(unseen)
            if unseen and unseen.startswith(TYPED) and unseen not in marked:
                marked.add(unseen)
                for style in colours.differing(unseen):
                    if odd_styles.get(style) != colours.records[style]:
                        unmarked[style] = colours.records[style]
        elif code == _CELL:
            in_cell = False
            if kind == "b" and value is not None and value.strip().lower() not in _BOOLEANS:
                raise damaged_cell(
                    f"sannhetsverdien «{value.strip()[:20]}» finnes "
                    "ikke i Excel-formatet (der er den 0 eller 1). Filen er skadet eller "
                    "laget av et annet program; lagre den på nytt i Excel."
                )
            if kind == "inlineStr" and valued and not inlined:
                # Excel keeps an inline text in <is>; python-calamine reads a <v> there as empty
                raise damaged_cell(
                    "cellen er lagret som tekst, men verdien står der "
                    "Excel aldri lagrer en tekst, og den leses som tom. Filen er skadet eller "
                    "laget av et annet program; lagre den på nytt i Excel."
                )
            if kind == "d" and value is not None and not _ISO_DATE.match(value.strip()):
                # Excel's date cells hold ISO 8601 text; python-calamine took a number there
                # as the text of a number, and the figure reached the report
                raise damaged_cell(
                    "cellen er lagret som dato, men verdien "
                    f"«{value.strip()[:20]}» er ingen dato. Lagre filen på nytt i Excel."
                )
            if dated is not None:
                if value and not 0 <= _serial(value) <= LAST_DATE:
                    scan.formats[f"{col_letters(at_col)}{at_row}"] = dated
                dated = None
            if flagged:
                flagged = False
                ref = f"{col_letters(at_col)}{at_row}"
                if kind == "e":
                    special[ref] = value or "#FEIL"
                elif not value:
                    special[ref] = FORMULA_WITHOUT_VALUE
                elif spread is not None:
                    shown = spread[1].format(formula=formula or "")
                    formulas[ref] = shown
                    spreads.append((spread[0], shown))
                    spread = None
                elif formula:
                    formulas[ref] = "=" + formula
                    if group is not None:
                        leaders.setdefault(group, (ref, formulas[ref]))
                else:  # a shared formula's follower: its text is its group leader's
                    formulas[ref] = SHARED_FOLLOWER
                    if group is not None and group in leaders:
                        scan.followers[ref] = leaders[group]
        elif code == _ROW:
            row += 1
            at_col = 0

    def shared(index: str) -> None:
        if not _digits(index):
            raise Refused(
                "corrupt-file",
                f"{where}, celle {col_letters(at_col)}{at_row}: tekstreferansen «{index[:20]}» "
                "er ugyldig. Lagre filen på nytt i Excel.",
                sheet,
            )
        number = int(index)
        if number > area.max_shared:
            area.max_shared, area.max_shared_at = number, f"{col_letters(at_col)}{at_row}"
        if shared_texts and number in shared_texts:
            scan.texts[f"{col_letters(at_col)}{at_row}"] = shared_texts[number]

    def in_parts() -> Refused:
        return damaged_cell(
            "teksten i cellen er lagret i flere deler slik Excel ikke "
            "leser den (programmer som leser den likevel, setter delene sammen). Lagre filen "
            "på nytt i Excel."
        )

    def damaged_cell(what: str) -> Refused:
        """corrupt-file at the cell being read: «{where}, celle F6: {what}»."""
        place = f"{col_letters(at_col)}{at_row}"
        return Refused("corrupt-file", f"{where}, celle {place}: {what}", sheet, place)

    def two_values() -> Refused:
        return damaged_cell("cellen har to verdier lagret. Lagre filen på nytt i Excel.")

    def markup_in_cell(*_: Any) -> None:
        if in_cell and kind not in _TEXT_KINDS:
            raise unlike_value()

    def unlike_value(place: str = "") -> Refused:
        place = place or f"{col_letters(at_col)}{at_row}"
        return Refused(
            "corrupt-file",
            f"{where}, celle {place}: verdien er lagret med XML-kode (en kommentar, en "
            "CDATA-del eller en tegnreferanse) som Excel aldri skriver, og som leses "
            "ulikt av ulike programmer. Lagre filen på nytt i Excel.",
            sheet,
            place,
        )

    tail = b""

    def cell_before(window: bytes, at: int) -> tuple[str, str]:
        """The reference and type (r, t) of the last cell opened before `at` in `window`."""
        start = _last_cell_start(window, at)
        opened = _CELL_TAG.match(window, start) if start >= 0 else None
        ref, kind_of = opened.groups(b"") if opened else (b"", b"")
        return ref.decode("ascii", "replace")[:12], kind_of.decode("ascii", "replace")

    def watch(chunk: bytes) -> None:
        """A character or entity reference in a value that is not a text: python-calamine
        reads «<v>&#49;65</v>» as empty and «<v>1&amp;65</v>» as 1 (expat: 165, 1&65). The
        bytes from the last cell's start tag on are kept for the next chunk, so a cell cut
        between two chunks is seen whole (a cell Excel writes is far below the bound)."""
        nonlocal tail
        window = tail + chunk
        if b"&" in window:
            for found in _REFERENCE_IN_VALUE.finditer(window):
                ref, kind_of = cell_before(window, found.start())
                if kind_of not in _TEXT_KINDS:
                    raise unlike_value(ref)
        if b"_x" in window:
            _escaped_inline(window, scan.texts)
        at = _last_cell_start(window, len(window))
        tail = window[at:] if at >= 0 else window[-64:]

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CommentHandler = markup_in_cell
    parser.StartCdataSectionHandler = markup_in_cell
    if not namespaces:
        parser.ProcessingInstructionHandler = instruction
    else:
        parser.ProcessingInstructionHandler = markup_in_cell
    stream.parse(archive, info, parser, where, None if namespaces else rerun, watch, sheet)
    if unmarked:
        raise _Remark(unmarked)
    if unseen_default[1]:  # the columns of no width of their own are too narrow
        scan.hidden_cols.extend(_gaps(widths + scan.hidden_cols, MAX_COLS))
    area.rows, area.cols = max_row, max_col
    if area.rows * area.cols > MAX_CELLS:
        raise Refused(
            "sheet-too-large",
            f"{where} bruker {area.rows} rader × {area.cols} kolonner; det er langt mer enn "
            "malen. Slett tomme rader og kolonner etter tabellen og lagre på nytt.",
            sheet,
        )
    _spread_over(spreads, area, scan, where, sheet)
    for ref, (r0, c0), (r1, c1) in merged:
        if r1 < r0 or c1 < c0 or r1 > max(area.rows, 1) or c1 > max(area.cols, 1):
            raise Refused(
                "merged-outside-sheet",
                f"{where} har sammenslåtte celler {ref} utenfor cellene som er i bruk. "
                "Opphev sammenslåingen (Hjem › Slå sammen og midtstill) og lagre på nytt.",
                sheet,
            )
    return area, scan


_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")


def _escaped_inline(window: bytes, texts: dict[str, str]) -> None:
    """Each inline text in `window` (bytes of a sheet, from a cell's start on) with an escape
    python-calamine leaves undecoded: its cell -> its text as Excel shows it, in `texts`. A
    cell not whole in the window is left to the next (which starts at the last cell's start);
    a cell without its position (`r`, which Excel always writes) is left as it is read."""
    for found in ESCAPE.finditer(window):
        if int(found.group(1), 16) <= LAST_DECODED:
            continue
        start = _last_cell_start(window, found.start())
        opened = _CELL_TAG.match(window, start) if start >= 0 else None
        closed = _CELL_END.search(window, found.end())
        if opened is None or closed is None:
            continue
        ref, kind = (part.decode("ascii", "replace") for part in opened.groups(b""))
        if kind != "inlineStr" or not ref or ref in texts:
            continue
        text = _inline_text(window[start : closed.end()])
        if text is not None and undecoded(text.encode("utf-8", "surrogatepass")):
            texts[ref] = excel_text(text)


def _inline_text(cell: bytes) -> str | None:
    """The text of one inline-text cell's XML (its <t>, or its runs' <t>; not a phonetic
    reading's), None when the bytes do not parse on their own."""
    text: list[str] = []
    depth = [0]
    parser = expat.ParserCreate()  # (names as written: a prefix needs no declaration here)

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "rPh":
            depth[0] += 1
        elif tag == "t" and not depth[0]:
            parser.CharacterDataHandler = text.append

    def end(name: str) -> None:
        parser.CharacterDataHandler = None
        if name.rpartition(":")[2] == "rPh":
            depth[0] -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = None
    try:
        parser.Parse(cell, True)
    except expat.ExpatError:
        return None
    return "".join(text)


class _TextParts:
    """The parts of one shared string's text (<si>; a cell's inline <is> is followed the same
    way in the sheet pass): Excel's format
    gives it one <t> of its own or rich-text runs (<r><t>), never two <t> or a <t> beside
    runs. python-calamine and LibreOffice join what they find («34185330» and «9» made
    341 853 309), Excel does not open the file; so such a text is refused. A phonetic
    reading (<rPh><t>) is not part of the text."""

    def __init__(self) -> None:
        self.own = self.runs = self.depth = 0  # depth: inside an <r> or <rPh>

    def start(self, tag: str) -> None:
        if tag in ("r", "rPh"):
            self.depth += 1
            self.runs += tag == "r"
        elif tag == "t" and not self.depth:
            self.own += 1

    def end(self, tag: str) -> None:
        if tag in ("r", "rPh"):
            self.depth -= 1

    @property
    def joined(self) -> bool:
        return self.own > 1 or (self.own > 0 and self.runs > 0)


def _count_shared(
    stream: _Stream, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[int, dict[int, str]]:
    """The real number of entries in the shared-string table, and the entries (by index)
    python-calamine reads otherwise than Excel shows them, as Excel shows them (see
    cellscan.excel_text); refuses a table that declares more than it has (a reader would
    reserve memory for what it declares). The entries' texts are read only when the table
    has an escape python-calamine leaves undecoded (a second pass, for such a file alone)."""
    declared: dict[str, int] = {}
    count = [0]
    parts = [_TextParts()]
    escaped = [False]
    tail = [b""]  # the last bytes of the chunk before: an escape cut between two is seen

    def watch(chunk: bytes) -> None:
        if not escaped[0] and undecoded(tail[0] + chunk):
            escaped[0] = True
        tail[0] = chunk[-8:]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "si":
            count[0] += 1
            if count[0] > MAX_SHARED_STRINGS:
                raise Refused("sheet-too-large", "Filen har for mange tekster.")
            parts[0] = _TextParts()
        elif tag in ("t", "r", "rPh"):
            parts[0].start(tag)
        elif tag == "sst":
            for key in ("count", "uniqueCount"):
                value = attrs.get(key)
                if value is not None:
                    declared[key] = int(value) if _digits(value) else -1

    def end(name: str) -> None:
        tag = local_name(name)
        if tag in ("r", "rPh"):
            parts[0].end(tag)
        elif tag == "si" and parts[0].joined:
            raise Refused(
                "corrupt-file",
                f"Tekst nr. {count[0]} i teksttabellen er lagret i flere deler slik Excel ikke "
                "leser den (programmer som leser den likevel, setter delene sammen). Filen "
                "er skadet eller manipulert; lagre den på nytt i Excel.",
            )

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    stream.parse(archive, info, parser, "Teksttabellen i filen", watch=watch)
    unique = declared.get("uniqueCount")
    if unique is not None and (unique < 0 or unique > count[0]):
        raise Refused(
            "corrupt-file",
            f"Teksttabellen i filen sier den har {unique} tekster, men har {count[0]}. "
            "Filen er skadet eller manipulert; lagre den på nytt i Excel.",
        )
    if declared.get("count", 0) < 0:
        raise Refused("corrupt-file", DAMAGED)
    texts = _escaped_texts(stream, archive, info) if escaped[0] else {}
    return count[0], texts


def _escaped_texts(
    stream: _Stream, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> dict[int, str]:
    """The shared texts (by index) with an escape python-calamine leaves undecoded, as
    Excel shows them: the text of each <si>, its runs' but not its phonetic readings'."""
    found: dict[int, str] = {}
    text: list[str] = []
    index, depth = [-1], [0]  # depth: inside an <rPh>

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "si":
            index[0] += 1
            text.clear()
        elif tag == "rPh":
            depth[0] += 1
        elif tag == "t" and not depth[0]:
            parser.CharacterDataHandler = text.append

    def end(name: str) -> None:
        tag = local_name(name)
        parser.CharacterDataHandler = None
        if tag == "rPh":
            depth[0] -= 1
        elif tag == "si" and text:
            joined = "".join(text)
            if undecoded(joined.encode("utf-8", "surrogatepass")):
                found[index[0]] = excel_text(joined)

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    read = stream.total
    stream.parse(archive, info, parser, "Teksttabellen i filen")
    stream.total = read  # (the same bytes again: not counted twice against the cap)
    return found


def _relations(
    stream: _Stream, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "Relationship":
            found.append(attrs)

    parser = xml_parser()
    parser.StartElementHandler = start
    stream.parse(archive, info, parser, f"Delen {info.filename}")
    return found


def _sheet_names(
    stream: _Stream,
    archive: zipfile.ZipFile,
    infos: dict[str, zipfile.ZipInfo],
    book: BookScan | None = None,
) -> dict[str, str]:
    """Worksheet member path -> sheet name, from the workbook and its relationships (and in
    `book`, whether the workbook asks for a full recalculation when opened and whether its
    results are stored rounded as they are shown)."""
    if "xl/workbook.xml" not in infos or "xl/_rels/workbook.xml.rels" not in infos:
        return {}
    sheets: dict[str, str] = {}
    definitions: dict[str, list[str]] = {}  # defined name (in capitals) -> its text

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local_name(name)
        if tag == "sheet":
            ids = [v for k, v in attrs.items() if local_name(k) == "id"]
            if len(ids) > 1 or (ids and ids[0] in sheets):
                # which of them a reader follows is anybody's guess
                raise Refused(
                    "corrupt-file",
                    f"Arbeidsboken viser til arket «{attrs.get('name', '')}» på flere måter. "
                    "Filen er skadet eller manipulert; lagre den på nytt i Excel.",
                )
            sheets[ids[0] if ids else ""] = attrs.get("name", "")
            state = attrs.get("state")
            if state is not None and state not in _SHEET_STATES:
                raise Refused(
                    "corrupt-file",
                    f"Arket «{attrs.get('name', '')}» har synligheten «{state[:20]}», som ikke "
                    "finnes i Excel-formatet (bare synlig, skjult eller svært skjult); programmer "
                    "leser det ulikt. Filen er skadet eller manipulert; lagre den på nytt i Excel.",
                    attrs.get("name", ""),
                )
        elif tag == "workbookPr":
            system = attrs.get("date1904")
            if system is not None and _true(system) and system not in _TRUE:
                # python-calamine reads only «1» and «true» as the 1904 date system; the
                # schema, and LibreOffice, collapse the white space of « 1 »
                raise Refused(
                    "corrupt-file",
                    f"Arbeidsboken angir datosystemet (1904) som «{system[:20]}», som "
                    "programmer leser ulikt: alle datoer kan bli lest fire år feil. Filen er "
                    "skadet eller manipulert; lagre den på nytt i Excel.",
                )
        elif tag == "calcPr" and book is not None:
            book.recalc_on_load |= _true(attrs.get("fullCalcOnLoad"))
            book.precision_as_displayed |= _true(attrs.get("fullPrecision"), _FALSE)
        elif tag == "definedName" and book is not None:
            text = definitions.setdefault(attrs.get("name", "").upper(), [])
            parser.CharacterDataHandler = text.append

    def end(name: str) -> None:
        parser.CharacterDataHandler = None

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    stream.parse(archive, infos["xl/workbook.xml"], parser, "Arbeidsboken")
    if book is not None and definitions:
        book.external_names = external_names({n: "".join(t) for n, t in definitions.items()})
    paths: dict[str, str] = {}
    members = {n.casefold(): n for n in infos}  # a part is found whatever the case of its name
    relations = _relations(stream, archive, infos["xl/_rels/workbook.xml.rels"])
    ids = [rel.get("Id") for rel in relations]
    if len(set(ids)) != len(ids):
        raise Refused(
            "corrupt-file",
            "Arbeidsbokens liste over deler har samme id to ganger. Filen er skadet eller "
            "manipulert; lagre den på nytt i Excel.",
        )
    targets: dict[str, str] = {}  # relationship id -> the member it names
    for rel in relations:
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        full = posixpath.normpath(full)
        full = members.get(full.casefold(), full)
        if target:
            targets[rel.get("Id", "")] = full
        if rel.get("Id") in sheets and target:
            if full in paths:
                raise Refused(
                    "corrupt-file",
                    f"Arkene «{paths[full]}» og «{sheets[rel['Id']]}» er samme del av filen. "
                    "Filen er skadet eller manipulert; lagre den på nytt i Excel.",
                )
            paths[full] = sheets[rel["Id"]]
        elif rel.get("Type", "").endswith("/styles") and target and book is not None:
            book.styles_part = full
    for rid, sheet in sheets.items():
        if targets.get(rid) not in infos:
            # python-calamine fails on the whole file, naming nothing
            raise Refused(
                "corrupt-file",
                f"Arket «{sheet}» finnes ikke i filen: arbeidsboken viser til en del av filen "
                "som mangler. Filen er skadet; lagre den på nytt i Excel.",
                sheet,
            )
    return paths


def _is_dimension(ref: str) -> bool:
    """Is `ref` a sheet size python-calamine reads (see _DIMENSION_CELL)?"""
    corners = ref.split(":")
    return len(corners) <= 2 and all(
        (found := _DIMENSION_CELL.fullmatch(corner)) is not None and int(found.group(1)) > 0
        for corner in corners
    )


def _too_long(code: str) -> str:
    # what the part past Excel's limit does is the reader's guess
    return (
        f"Filen har et tallformat på {len(code)} tegn; Excel tillater høyst "
        f"{NUMBER_FORMAT_MAX}. Filen er skadet eller manipulert; lagre den på nytt i Excel."
    )


def _number_id(value: str | None) -> str:
    """A numFmtId as the number it is (xsd:unsignedInt: «09» and « 9 » are 9 to a reader)."""
    text = (value or "").strip()
    return str(int(text)) if _digits(text) else (value or "")


def _serial(text: str) -> float:
    """A <v>'s number, as a date serial (0 when it is no number: not a date's concern)."""
    try:
        return float(text)
    except ValueError:
        return 0.0


BLACK, WHITE = "000000", "FFFFFF"
# The theme's colours as <color theme="N"> numbers them (Excel swaps the first two pairs
# of the theme's own order): 0 lt1 («Bakgrunn 1»), 1 dk1 («Tekst 1»), 2 lt2, 3 dk2, 4-9
# accent1-6, 10 hlink, 11 folHlink.
THEME_SLOTS = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)
# The default Office theme's colours (Excel 2013 and later), for a workbook without a theme
OFFICE_THEME = (
    "FFFFFF",
    "000000",
    "E7E6E6",
    "44546A",
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "FFC000",
    "5B9BD5",
    "70AD47",
    "0563C1",
    "954F72",
)
# Excel's palette (<color indexed="N">, 0-63), as openpyxl.styles.colors.COLOR_INDEX has it
# (a test compares the two); 64 and 65 are the system's colours, no colour of their own.
PALETTE = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "800000 008000 000080 808000 800080 008080 C0C0C0 808080 "
    "9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF "
    "000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF "
    "00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 "
    "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 "
    "003366 339966 003300 333300 993300 993366 333399 333333"
).split()
_HEX = re.compile(r"[0-9A-Fa-f]{6}")
# a number format's colour («[Red]», «[Color10]»), not inside quotes
_FORMAT_COLOUR = re.compile(
    r'("[^"]*")|\[\s*(black|blue|cyan|green|magenta|red|white|yellow|color\s*(\d{1,2}))\s*\]',
    re.IGNORECASE,
)
# Excel's colour names in number formats; «[ColorN]» is the palette's N + 7th (_Colours)
_NAMED_COLOURS = {
    "black": BLACK,
    "blue": "0000FF",
    "cyan": "00FFFF",
    "green": "00FF00",
    "magenta": "FF00FF",
    "red": "FF0000",
    "white": WHITE,
    "yellow": "FFFF00",
}
# White type is readable on a fill of at least this contrast ratio to white (WCAG 2's
# ratio, (L1 + 0.05) / (L2 + 0.05) of relative luminances; 3 is its least for large text
# and for what a user must see of a control): white on Excel's dark blue 1F3864, on
# «Tekst 1» or «Tekst 2», on accent 4472C4 is seen; on the input cells' FFF2CC, on grey
# A5A5A5 it is not.
WHITE_TYPE_CONTRAST = 3.0
# Type passes for white when its contrast ratio to white is below this: FAFAFA, «Hvit,
# Bakgrunn 1, mørkere 5 %» F2F2F2 (1.1), «mørkere 15 %» D9D9D9 (1.4), yellow FFFF00 (1.1);
# not «mørkere 25 %» BFBFBF (1.8), the grey of muted type, nor any colour people type
# figures in (Excel's green 00B050 is 2.9). Such type is judged as white is: hidden where
# its contrast to the fill is below WHITE_TYPE_CONTRAST.
NEAR_WHITE_CONTRAST = 1.5
# Type of a size below this (points) is too small to read: Excel and LibreOffice draw a
# figure in 1-3 pt type (<font><sz val="1"/>) as a speck of 1-4 pixels at 100 % zoom. The
# templates' type is 8-11 pt, and 4 pt is the least any of them could use for a footnote.
LEAST_TYPE_SIZE = 4.0
# cell styles' colours judged under the conditional formats' (_Colours.differing), at most:
# a template has tens of styles and a few formats; millions are a crafted file
MAX_COLOUR_CHECKS = 2_000_000


def _number_formats(
    stream: _Stream,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    theme: tuple[str, ...],
) -> tuple[dict[str, str], _Colours]:
    """The cell styles (their index in cellXfs, as a cell's `s` attribute writes it) whose
    number format can show a number other than it is stored (numfmt.may_alter), and that
    format's code; and so the conditional formats' styles (`dxf:N`, N their index in dxfs).
    A style whose type nobody sees (unseen_in: white type on no fill or a light one, type
    of its fill's colour) shows no figure either: WHITE_TYPE, FILL_TYPE; nor one (or a
    conditional format's) of type too small to read: TINY_TYPE. A number format's colours
    («[Red]») are judged on the fill they are shown on (_format_colours): a cell style's on
    its fill, a conditional format's on its own (none: the window's white). A conditional
    format giving the type colour or the fill colour only is judged with the cell's own
    (_Colours); the cell styles that needs are marked (FILLED). The work is per style, once
    per file; the sheet pass looks up each cell's style. `theme`: the workbook's theme
    colours (_theme_colours), which <color theme="N"> names."""
    codes = {str(number): code for number, code in BUILTIN.items()}
    odd: dict[str, str] = {}
    in_xfs, in_palette = False, False
    fonts: list[str | None] = []  # per <font> of <fonts>: its colour (_colour), None: automatic
    tiny: set[str] = set()  # the <font>s of <fonts> (their index) of type too small to read
    fills: list[str | None] = []  # per <fill> of <fills>: the colour of its solid fill
    xfs: list[tuple[str, str, str]] = []  # per cell style: its format code, font and fill
    # per conditional format's style (<dxf>) not odd by its number format: its index and
    # its type colour and fill colour (None: none of its own)
    dxfs: list[tuple[int, str | None, str | None]] = []
    palette: list[str] = []  # the workbook's own <indexedColors>, when it has them
    # where the element being read is: "fonts", "fills" (of the cell styles) or ""
    part = ""
    in_font = False  # inside a <font> (of <fonts> or of a <dxf>)
    solid = False  # inside a <patternFill patternType="solid">
    dxf = -1  # the index of the <dxf> being read (a conditional format's style), or -1
    dxf_font: str | None = None  # the colour of that <dxf>'s type, and of its fill
    dxf_fill: str | None = None
    dxf_tiny = False  # that <dxf>'s type is too small to read (LEAST_TYPE_SIZE)
    dxf_code = ""  # that <dxf>'s number format's code
    # per <dxf> of a number format with colours («[Red]»): its index, that code and its fill
    # colour (None: none of its own), judged when the colours are known (_format_colours)
    coloured: list[tuple[int, str, str | None]] = []

    def format_code(attrs: dict[str, str]) -> str:
        code = attrs.get("formatCode", "")
        if len(code) > NUMBER_FORMAT_MAX:
            raise Refused("corrupt-file", _too_long(code))
        return code

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_xfs, dxf, part, in_font, solid, dxf_font, dxf_fill, dxf_tiny, dxf_code
        nonlocal in_palette
        tag = local_name(name)
        if tag == "fonts" or tag == "fills":
            part = tag
        elif tag == "font":
            in_font = True
            if part == "fonts" and dxf < 0:
                fonts.append(None)
        elif tag == "fill" and part == "fills" and dxf < 0:
            fills.append(None)
        elif tag == "patternFill":
            solid = (attrs.get("patternType") or "").strip() == "solid"
            if dxf >= 0 and attrs.get("patternType") is None:
                solid = True  # a conditional format's fill is solid unless it says otherwise
        elif tag == "color" and in_font:
            if dxf >= 0:
                dxf_font = _colour(attrs)
            elif part == "fonts" and fonts:
                fonts[-1] = _colour(attrs)
        elif tag == "sz" and in_font and _unseen(attrs.get("val"), LEAST_TYPE_SIZE):
            if dxf >= 0:
                dxf_tiny = True
            elif part == "fonts" and fonts:
                tiny.add(str(len(fonts) - 1))
        elif tag in ("fgColor", "bgColor") and solid:
            # a cell style's solid fill is its fgColor; a conditional format's its bgColor
            if dxf >= 0 and (tag == "bgColor" or dxf_fill is None):
                dxf_fill = _colour(attrs)
            elif dxf < 0 and part == "fills" and tag == "fgColor" and fills:
                fills[-1] = _colour(attrs)
        elif tag == "numFmt" and dxf >= 0:
            dxf_code = format_code(attrs) or codes.get(_number_id(attrs.get("numFmtId")), "")
        elif tag == "numFmt" and len(codes) < MAX_NUMBER_FORMATS:
            number, code = _number_id(attrs.get("numFmtId")), format_code(attrs)
            # an id defined twice, or a built-in one redefined (Excel shows its own): which
            # a reader shows is a guess, so a format that alters the number is kept
            if not may_alter(codes.get(number, "")):
                codes[number] = code
        elif tag == "dxfs":
            dxf, part = -1, ""
        elif tag == "dxf":
            dxf += 1
            dxf_font = dxf_fill = None
            dxf_tiny, dxf_code = False, ""
        elif tag == "cellXfs":
            in_xfs, part = True, ""
        elif tag == "xf" and in_xfs:
            code = codes.get(_number_id(attrs.get("numFmtId", "0")), "")
            xfs.append(
                (code, _number_id(attrs.get("fontId", "0")), _number_id(attrs.get("fillId", "0")))
            )
        elif tag == "indexedColors":
            in_palette = True
        elif tag == "rgbColor" and in_palette:
            palette.append(attrs.get("rgb", ""))

    def end(name: str) -> None:
        nonlocal in_xfs, dxf, part, in_font, solid, in_palette
        tag = local_name(name)
        if tag == "cellXfs":
            in_xfs = False
        elif tag == "fonts" or tag == "fills":
            part = ""
        elif tag == "font":
            in_font = False
        elif tag == "patternFill":
            solid = False
        elif tag == "dxf" and dxf_tiny:
            odd[f"dxf:{dxf}"] = TINY_TYPE  # no figure is read in it, whatever its format
        elif tag == "dxf":
            if "[" in dxf_code:  # its colours are judged on its fill, or the window's white
                coloured.append((dxf, dxf_code, dxf_fill))
            elif dxf_code and may_alter(dxf_code):
                odd[f"dxf:{dxf}"] = dxf_code
            if not (dxf_code and may_alter(dxf_code)) and (dxf_font or dxf_fill):
                dxfs.append((dxf, dxf_font, dxf_fill))
        elif tag == "dxfs":
            dxf = -1
        elif tag == "indexedColors":
            in_palette = False

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    stream.parse(archive, info, parser, "Stilene i filen")
    colours = _Colours(theme, palette)
    font_rgb = [colours.rgb(key) for key in fonts]
    fill_rgb = [colours.rgb(key) for key in fills]
    for index, (code, font, fill) in enumerate(xfs):
        style = str(index)
        type_ = _at(font_rgb, font) or BLACK
        back = _at(fill_rgb, fill)
        unseen = unseen_in(type_, back)
        if code and "[" in code:
            code = _format_colours(code, back, colours)
        if unseen:
            odd[style] = unseen
        elif font in tiny:
            odd[style] = TINY_TYPE
        elif code and (may_alter(code) or shows_date(code)):
            odd[style] = code
            colours.add(style, type_, back, code)  # its mark, if a rule needs it, keeps it
        else:
            colours.add(style, type_, back)
    for number, code, fill_key in coloured:
        code = _format_colours(code, colours.rgb(fill_key), colours)
        if may_alter(code):
            odd[f"dxf:{number}"] = code
    marked: set[str] = set()  # the TYPED codes whose cell styles are marked
    for number, font_key, fill_key in dxfs:
        rule = colours.rule(colours.rgb(font_key), colours.rgb(fill_key))
        if rule is not None:
            odd[f"dxf:{number}"] = rule
        if rule is not None and rule.startswith(TYPED) and rule not in marked:
            marked.add(rule)
            for style in colours.differing(rule):
                odd[style] = colours.records[style]
    return odd, colours


def _format_colours(code: str, back: str | None, colours: _Colours) -> str:
    """A number format's `code` with its colours judged on the cell's fill `back` (None:
    none): white seen there is dropped (numfmt takes «[White]» for hidden), and any other
    colour unseen there (unseen_in: red on red, yellow on white) marked for numfmt
    (UNSEEN_COLOUR, «[Red!]»). A quoted text stays as it is."""

    def judged(found: re.Match[str]) -> str:
        if found.group(1):
            return found.group(1)
        name = found.group(2).lower()
        number = found.group(3)
        if number is not None:
            index = int(number) + 7
            rgb = colours.palette[index] if 8 <= index < len(colours.palette) else None
        else:
            rgb = _NAMED_COLOURS[name]
        if rgb is None:
            return found.group()
        unseen = unseen_in(rgb, back)
        if _same(rgb, WHITE):
            return found.group() if unseen else ""
        return found.group()[:-1] + UNSEEN_COLOUR + "]" if unseen else found.group()

    return _FORMAT_COLOUR.sub(judged, code)


def _at(colours: list[str | None], index: str) -> str | None:
    """The colour of a font's or fill's index (None: none, or no such font or fill)."""
    number = int(index) if _digits(index) else -1
    return colours[number] if 0 <= number < len(colours) else None


def _luminance(rgb: str) -> float:
    """WCAG 2's relative luminance of the colour `rgb` (RRGGBB)."""
    linear = []
    for at in (0, 2, 4):
        channel = int(rgb[at : at + 2], 16) / 255
        linear.append(channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _light(rgb: str) -> bool:
    """Is white type unreadable on a fill of colour `rgb` (WHITE_TYPE_CONTRAST)?"""
    return 1.05 / (_luminance(rgb) + 0.05) < WHITE_TYPE_CONTRAST


def _contrast(one: str, other: str) -> float:
    """WCAG 2's contrast ratio of two colours (RRGGBB): 1 (none) to 21."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=4096)
def unseen_in(type_: str, fill: str | None) -> str | None:
    """Is a figure in type of colour `type_` (RRGGBB) on the fill `fill` (RRGGBB, None: no
    fill, the window's white) seen? WHITE_TYPE: white type on no fill or a light one
    (_light); FILL_TYPE: type of the fill's own colour (_same, however the two are written:
    by value, theme colour and tint, palette index); None: seen. Type that passes for white
    (NEAR_WHITE_CONTRAST: FAFAFA, F2F2F2) is white where its contrast to the fill is below
    WHITE_TYPE_CONTRAST, as white is."""
    back = fill or WHITE
    if _same(type_, WHITE) and _light(back):
        return WHITE_TYPE
    if _same(type_, back):
        return FILL_TYPE
    near_white = _contrast(type_, WHITE) < NEAR_WHITE_CONTRAST
    return WHITE_TYPE if near_white and _contrast(type_, back) < WHITE_TYPE_CONTRAST else None


# Two colours are the same when no channel (of 0-255) differs by more than this: what the
# rounding of a tint leaves between a theme colour and the value Excel shows for it, and
# far below what an eye tells apart. (Not a contrast ratio: red on a green of its
# luminance has a ratio of 1 and is seen.)
SAME_COLOUR = 3


def _same(one: str, other: str) -> bool:
    return one == other or all(
        abs(int(one[at : at + 2], 16) - int(other[at : at + 2], 16)) <= SAME_COLOUR
        for at in (0, 2, 4)
    )


# FILLED's "fill type" (then, for a style of a number format of its own, a space and that
# format's code) and TYPED's "type fill" (_Colours): what a number format's code that
# happens to begin like them is not taken for
_CELL_MARK = re.compile(r"(?:-|[0-9A-F]{6}) [0-9A-F]{6}(?= |$)")
_RULE_MARK = re.compile(r"(?:-|[0-9A-F]{6}) (?:-|[0-9A-F]{6})")


def marked_colours(code: str, rule: bool = False) -> str | None:
    """The colours of a cell style's FILLED mark (`rule`: a conditional format's TYPED
    code), without the prefix and the number format it may hold (marked_format); None
    when `code` is none (a number format's code)."""
    if rule:
        if code.startswith(TYPED) and _RULE_MARK.fullmatch(code, len(TYPED)):
            return code[len(TYPED) :]
        return None
    if code.startswith(FILLED) and (found := _CELL_MARK.match(code, len(FILLED))):
        return found.group()
    return None


def marked_format(code: str) -> str:
    """The number format's code a cell style's record (SheetScan.formats) holds: `code`
    itself, the one after a FILLED mark's colours, or "" for a mark of colours alone."""
    colours = marked_colours(code)
    if colours is None:
        return code
    return code[len(FILLED) + len(colours) + 1 :]


def rule_unseen(rule: str, record: str | None) -> str | None:
    """unseen_in while a conditional format whose style gives only the type colour or the
    fill colour holds (`rule`: its TYPED code without the prefix, "type fill", «-» for the
    one it does not give), on a cell whose own colours are `record` (a FILLED code without
    the prefix, "fill type"; None: a cell style with none marked, which every such format
    sees as no fill and automatic, black, type: see _Colours.differing)."""
    rule_type, rule_fill = rule.split(" ")
    fill, type_ = record.split(" ") if record else ("-", BLACK)
    type_ = type_ if rule_type == "-" else rule_type
    fill = fill if rule_fill == "-" else rule_fill
    return unseen_in(type_, None if fill == "-" else fill)


class _Colours:
    """A workbook's colours: <color> elements' keys (_colour) as RGB, by its theme and
    palette; and the cell styles not otherwise odd by their colours (fill, type), for the
    conditional formats that give only the type or only the fill colour."""

    def __init__(self, theme: tuple[str, ...], palette: list[str]) -> None:
        self.theme = theme
        own = [rgb.strip()[-6:] for rgb in palette]
        self.palette = [
            own[n].upper() if n < len(own) and _HEX.fullmatch(own[n]) else PALETTE[n]
            for n in range(len(PALETTE))
        ]
        self.records: dict[str, str] = {}  # cell style -> its colours, as FILLED marks them
        self.by_record: dict[str, set[str]] = {}  # their colours ("fill type") -> styles
        self.checks = 0  # the colours judged for differing (MAX_COLOUR_CHECKS)
        self._differing: dict[str, set[str]] = {}  # TYPED code -> differing (its work once)

    def rgb(self, key: str | None) -> str | None:
        """The colour (RRGGBB) of a key of _colour; None for none or one not known."""
        if key is None:
            return None
        kind, _, value = key.partition(":")
        if kind == "rgb":
            return value
        if kind == "indexed":
            number = int(value) if _digits(value) else -1
            return self.palette[number] if 0 <= number < len(self.palette) else None
        slot, _, tint = value.partition(":")
        number = int(slot) if _digits(slot) else -1
        if not 0 <= number < len(self.theme):
            return None
        return _tinted(self.theme[number], float(tint)) if float(tint) else self.theme[number]

    def add(self, style: str, type_: str, fill: str | None, code: str = "") -> None:
        """Record a cell style's colours; `code`: its number format's, when it is one
        vrapport looks at (its mark holds it after the colours: marked_format)."""
        record = f"{fill or '-'} {type_}"
        self.records[style] = FILLED + record + (f" {code}" if code else "")
        self.by_record.setdefault(record, set()).add(style)

    def rule(self, type_: str | None, fill: str | None) -> str | None:
        """The code of a conditional format's style of type colour `type_` and fill `fill`
        (None: not its own), for the cells under it: WHITE_TYPE or FILL_TYPE when it hides
        a figure on any cell; TYPED and "type fill" when it does on some (rule_unseen);
        None when it hides none."""
        if type_ is not None and fill is not None:
            return unseen_in(type_, fill)
        if type_ is None and fill is None:
            return None
        rule = f"{type_ or '-'} {fill or '-'}"
        hides = rule_unseen(rule, None) is not None or self.differing(TYPED + rule)
        return TYPED + rule if hides else None

    def differing(self, code: str) -> set[str]:
        """The cell styles a conditional format of TYPED `code` judges otherwise than a
        cell with no fill and automatic type (rule_unseen's None): those the sheet pass must
        mark with their colours (white type is seen on a dark fill, a black fill shows type
        that is not black, a fill hides type of its colour...)."""
        found = self._differing.get(code)
        if found is None:
            found = self._differing[code] = self._differs(code)
        return found

    def _differs(self, code: str) -> set[str]:
        rule = code[len(TYPED) :]
        default = rule_unseen(rule, None)
        self.checks += len(self.by_record)
        if self.checks > MAX_COLOUR_CHECKS:
            raise Refused(
                "suspicious-file",
                "Filen har uvanlig mange ulike cellestiler og betingede formateringer med "
                "farger; det er ikke mulig å kontrollere om tall skjules. Lagre filen på nytt "
                "fra malen.",
            )
        return {
            style
            for record, styles in self.by_record.items()
            if rule_unseen(rule, record) != default
            for style in styles
        }


def _tinted(rgb: str, tint: float) -> str:
    """A theme colour with its tint applied, as Excel does: the lightness (HLS) darkened by
    `tint` below 0, lightened towards white above."""
    tint = max(-1.0, min(1.0, tint))
    red, green, blue = (int(rgb[at : at + 2], 16) / 255 for at in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, lightness, saturation))


def _colour(color: dict[str, str]) -> str | None:
    """A <color>, <fgColor> or <bgColor> element's colour (its attributes) as a key of its
    value (rgb:RRGGBB, any alpha), theme colour and tint (theme:N:tint) or palette index
    (indexed:N), which _Colours.rgb gives as RGB; None for the automatic colour, the
    system's (palette 64, 65) and what is none of these."""
    rgb = color.get("rgb", "").strip().upper()
    if rgb:
        return f"rgb:{rgb[-6:]}" if len(rgb) in (6, 8) and _HEX.fullmatch(rgb[-6:]) else None
    if "theme" in color:
        tint = color.get("tint", "").strip()
        try:
            shade = round(float(tint), 4) if tint else 0.0
        except ValueError:
            return None
        if shade != shade:  # NaN
            return None
        return f"theme:{color['theme'].strip()}:{shade}"
    indexed = color.get("indexed", "").strip()
    return f"indexed:{indexed}" if indexed and indexed not in ("64", "65") else None


def _theme_colours(
    stream: _Stream, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[str, ...]:
    """The theme's colours in THEME_SLOTS order, from its first colour scheme: a slot's
    <a:srgbClr val> or <a:sysClr lastClr>; the Office theme's where it gives none."""
    found: dict[str, str] = {}
    slot = ""
    schemes = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal slot, schemes
        tag = local_name(name)
        if tag == "clrScheme":
            schemes += 1
        elif schemes != 1:
            return
        elif tag in THEME_SLOTS:
            slot = tag
        elif slot and slot not in found:
            value = attrs.get("val" if tag == "srgbClr" else "lastClr", "").strip()
            if tag in ("srgbClr", "sysClr") and _HEX.fullmatch(value):
                found[slot] = value.upper()

    def end(name: str) -> None:
        nonlocal slot
        if local_name(name) in THEME_SLOTS:
            slot = ""

    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    stream.parse(archive, info, parser, "Fargetemaet i filen")
    return tuple(found.get(s, OFFICE_THEME[n]) for n, s in enumerate(THEME_SLOTS))


def _application(stream: _Stream, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """docProps/app.xml's <Application>: the program that saved the file."""
    found: list[str] = []
    parser = xml_parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        parser.CharacterDataHandler = found.append if local_name(name) == "Application" else None

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: setattr(parser, "CharacterDataHandler", None)
    stream.parse(archive, info, parser, f"Delen {info.filename}")
    return "".join(found)


def _active_content(names: list[str], content_types: bytes, relation_types: list[str]) -> str:
    haystack = [n.lower() for n in names] + [t.lower() for t in relation_types]
    lowered = content_types.decode("utf-8", "replace").lower()
    found = []
    for needle, what in ACTIVE_CONTENT:
        if needle in lowered or any(needle in h for h in haystack):
            if what not in found:
                found.append(what)
    return ", ".join(found)


def _check_archive(
    archive: zipfile.ZipFile, book: BookScan, ready: Callable[[], None] | None = None
) -> list[str]:
    """Refuse the archive (raise Refused) or return the members it links out through; fills
    `book` with each sheet's cell scan and how the formula results were computed. `ready()`
    once the headers and the small members have passed (see inspect)."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(infos) > MAX_MEMBERS:
        raise Refused(
            "suspicious-file", f"Filen har {len(infos)} deler; det er for mange for en mal."
        )
    # Part names ignore case (OPC), and python-calamine's zip reader takes a «\» for a «/»
    # (of xl/worksheets/sheet2.xml and xl\worksheets\sheet2.xml it read the second)
    slashed = [n.replace("\\", "/") for n in names]
    if len({n.casefold() for n in slashed}) != len(names):
        raise Refused("suspicious-file", "Filen har dupliserte deler og kan være manipulert.")
    if any(n.startswith("/") or ".." in n.split("/") for n in slashed):
        raise Refused("suspicious-file", "Filen har ugyldige stier og kan være manipulert.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise Refused(
                "suspicious-file",
                "Filen pakker ut til mer enn en mal kan inneholde (mulig zip-bombe).",
            )
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1024 * 1024
        ):
            raise Refused(
                "suspicious-file", "Filen er uvanlig sterkt komprimert (mulig zip-bombe)."
            )
    if "[Content_Types].xml" not in names:
        if "mimetype" in names:
            raise Refused(
                "not-xlsx",
                "Filen er et OpenDocument-regneark (.ods). Lagre den som Excel-arbeidsbok (.xlsx).",
            )
        raise Refused("not-xlsx", "Filen er en zip-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    by_name = {info.filename: info for info in infos}
    stream = _Stream()
    content_types = _read_capped(archive, by_name["[Content_Types].xml"], stream)
    if XLSM_MAIN.encode() in content_types:
        raise Refused(
            "macro-workbook",
            "Filen er en makroaktivert arbeidsbok (.xlsm). Lagre den som "
            "vanlig Excel-arbeidsbok (.xlsx).",
        )
    if XLSX_MAIN.encode() not in content_types:
        raise Refused("not-xlsx", "Filen er en Office-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    stream.parse(archive, by_name["[Content_Types].xml"], xml_parser(), "Innholdslisten i filen")
    relation_types: list[str] = []
    theme: zipfile.ZipInfo | None = None  # the workbook's theme (its colours)
    members = {name.casefold(): info for name, info in by_name.items()}
    for info in infos:
        if info.filename.endswith(".rels"):
            relations = _relations(stream, archive, info)
            relation_types += [r.get("Type", "") for r in relations]
            if info.filename == "xl/_rels/workbook.xml.rels":
                for rel in relations:
                    target = rel.get("Target", "")
                    if rel.get("Type", "").endswith("/theme") and target and theme is None:
                        full = posixpath.join("xl", target) if target[0] != "/" else target[1:]
                        theme = members.get(posixpath.normpath(full).casefold())
    active = _active_content(names, content_types, relation_types)
    if active:
        raise Refused("active-content", f"Filen inneholder aktivt innhold: {active}. {CLEAN_COPY}")
    if ready is not None:
        ready()
    sheets = _sheet_names(stream, archive, by_name, book)
    styles = by_name.get(book.styles_part)
    if theme is not None and (
        not theme.filename.lower().startswith("xl/theme/") or theme.filename in sheets
    ):
        theme = None  # (a sheet, and any other part, is read as what it is)
    colours = _theme_colours(stream, archive, theme) if theme is not None else OFFICE_THEME
    odd_styles, palette = (
        _number_formats(stream, archive, styles, colours)
        if styles is not None
        else ({}, _Colours(colours, []))
    )
    shared_count: int | None = None
    # The shared texts python-calamine reads otherwise than Excel shows them (by index),
    # known before the sheets are scanned, so each cell showing one is found in their pass.
    shared_texts: dict[int, str] = {}
    areas: dict[str, _SheetArea] = {}

    def is_sheet(name: str) -> bool:
        # A sheet is wherever the workbook's relationships put it, not only in worksheets/.
        return name in sheets or (name.startswith("xl/worksheets/") and name.endswith(".xml"))

    def skipped(info: zipfile.ZipInfo) -> bool:
        name = info.filename
        return name.endswith(".rels") or name in ("xl/workbook.xml", "[Content_Types].xml")

    for info in infos:
        if not skipped(info) and info is not styles and not is_sheet(info.filename):
            if info.filename.lower().endswith("sharedstrings.xml"):
                shared_count, shared_texts = _count_shared(stream, archive, info)
    for info in infos:
        name = info.filename
        if skipped(info):
            continue
        if info is styles or info is theme:
            continue  # (parsed above)
        if is_sheet(name):
            areas[name], scan = _scan_sheet(
                stream, archive, info, sheets.get(name, ""), odd_styles, shared_texts, palette
            )
            if name in sheets:
                book.sheets[sheets[name]] = scan
        elif name == "docProps/app.xml":
            book.application = _application(stream, archive, info)
        elif name.lower().endswith("sharedstrings.xml"):
            continue  # (parsed above)
        elif name.endswith(".xml"):
            stream.parse(archive, info, xml_parser(), f"Delen {name}")
        else:
            stream.skim(archive, info)
    for name, area in areas.items():
        if area.max_shared >= (shared_count or 0):
            sheet = sheets.get(name, "")
            raise Refused(
                "corrupt-file",
                f"Arket «{sheet}», celle {area.max_shared_at}, viser til tekst nr. "
                f"{area.max_shared + 1}, men filen har bare {shared_count or 0} tekster. "
                "Filen er skadet; lagre den på nytt i Excel.",
                sheet,
            )
    return [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, stream: _Stream) -> bytes:
    parts, read = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                read += len(chunk)
                if read > 1024 * 1024:
                    raise Refused("suspicious-file", "Innholdslisten i filen er unormalt stor.")
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise Refused("corrupt-file", DAMAGED) from None
    return b"".join(parts)


def made_by_vrapport(path: Path) -> bool:
    """Is `path` a report vrapport wrote (its properties say "Laget av vrapport")? Read
    with the same caps as pre-flight; anything that is not such a workbook is False."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = _read_capped(archive, archive.getinfo("docProps/core.xml"), _Stream())
            names = _sheet_names(_Stream(), archive, {i.filename: i for i in archive.infolist()})
    except (Refused, zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError):
        return False
    return b"Laget av vrapport" in core and {"Forside", "Kilder"} <= set(names.values())
