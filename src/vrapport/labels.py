"""Labels compared as people read them, and shown as they really are.

`norm` is the one normalisation every label, header and sheet name is matched with: Unicode
compatibility form (NFKC: full-width letters, ligatures, no-break spaces become plain ones),
invisible characters removed (Unicode category Cf: zero-width space and joiners, byte-order
mark, soft hyphen, direction marks; and the other default-ignorable ones: variation
selectors, the combining grapheme joiner, Hangul fillers), runs of white space as one space,
no space at either end, case folded. Letters that only look Latin (Cyrillic Р, Greek Ο) are not
mapped: a label holding one does not match, and `shown` / `lookalikes` say why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

# Cyrillic and Greek letters that look like Latin ones: letter -> the Latin letter it mimics.
LOOKALIKES = {
    **dict(zip("АВСЕНІЈКМОРЅТХУаеіјорсѕухԁһӏԛԝ", "ABCEHIJKMOPSTXYaeijopcsyxdhlqw", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ", "ABEZHIKMNOPTYXaikvoptux", strict=True)),
}
_SCRIPTS = {"CYRILLIC": "kyrillisk", "GREEK": "gresk"}
# Default-ignorable characters outside category Cf (Unicode's DerivedCoreProperties).
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_IGNORABLE = frozenset(chr(c) for a, b in _IGNORABLE_RANGES for c in range(a, b + 1))
# Category Cf (Unicode 15.1), so a text is searched for them in one pass: tests check the
# ranges against this Python's unicodedata.
_FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_INVISIBLE = re.compile(
    "["
    + "".join(
        f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in sorted(_IGNORABLE_RANGES + _FORMAT_RANGES)
    )
    + "]"
)
_CACHED_UP_TO = 256  # labels are short; long texts (comments) are normalised uncached


def _ignorable(ch: str) -> bool:
    return ch in _IGNORABLE or unicodedata.category(ch) == "Cf"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split()).casefold()  # split: the white space of `\s`


_norm_cached = lru_cache(maxsize=8192)(_normalise)


def norm(text: Any) -> str:
    """The form labels are compared in ("" for anything that is not text)."""
    if not isinstance(text, str):
        return ""
    return _norm_cached(text) if len(text) <= _CACHED_UP_TO else _normalise(text)


def norm_each(texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(text, `norm(text)`) for each of `texts`, without the cache: for the many texts of a
    register, each seen once, that would only push the labels out of it."""
    return ((text, _normalise(text)) for text in texts)


def _invisible(ch: str) -> bool:
    """A character a reader cannot see or tell from a plain space (a newline is seen)."""
    if ch in " \n":
        return False
    return _ignorable(ch) or unicodedata.category(ch) in ("Cc", "Zs", "Zl", "Zp")


def code_point(ch: str) -> str:
    """How a character nobody can see is written in a message: `\\u200b`."""
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def shown(text: Any) -> str:
    """`text` as it really is: every invisible character written as its code (`SLA\\u200b`)."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(code_point(ch) if _invisible(ch) else ch for ch in text)


def lookalikes(text: Any) -> list[str]:
    """The letters of other scripts in `text` that pass for Latin ones, in Norwegian, once
    each, in order: ["kyrillisk Р, ikke latinsk P"]."""
    found = []
    for ch in dict.fromkeys(str(text)):
        latin = LOOKALIKES.get(ch)
        if latin is not None:
            script = unicodedata.name(ch).split(" ")[0]
            found.append(f"{_SCRIPTS[script]} {ch}, ikke latinsk {latin}")
    return found


_AS_LATIN = str.maketrans(LOOKALIKES)


def skeleton(text: Any) -> str:
    """What `text` looks like to a reader: `norm` with the lookalike letters read as the Latin
    ones. A label whose skeleton is a template label but whose `norm` is not is that label in
    disguise."""
    return norm(text.translate(_AS_LATIN)) if isinstance(text, str) else ""


def quoted(text: Any) -> str:
    """`text` in guillemets as it really is, and what makes it differ from what it looks
    like: «SLA\\u200b», «Рersonalkostnader» (med kyrillisk Р, ikke latinsk P)."""
    similar = lookalikes(text)
    note = f" (med {'; '.join(similar)})" if similar else ""
    return f"«{shown(text)}»{note}"
