"""The example report compared with a committed expected workbook, part by part, the way
XlsxWriter's own tests compare its output with files made by Excel: both files are unzipped,
the list of parts must be the same, and each XML part must hold the same elements in the same
order. A failure names the part and the first element that differs.

The expected file is the report built from the examples with a fixed build time. When a
change to the report is intended, rebuild it and review the difference before committing:

    PYTHONPATH=src python -m vrapport build examples/2024-03 --period 2024-03 \\
        --previous examples/2024-02 --build-time 2024-04-10T12:00 \\
        --out tests/expected/Virksomhetsrapport_2024-03.xlsx
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import vrapport
from tests.conftest import EXAMPLES, ROOT

EXPECTED = ROOT / "tests" / "expected" / "Virksomhetsrapport_2024-03.xlsx"
PREVIOUS = ROOT / "examples" / "2024-02"
BUILD_TIME = dt.datetime(2024, 4, 10, 12, 0)
REGENERATE = (
    "PYTHONPATH=src python -m vrapport build examples/2024-03 --period 2024-03 "
    "--previous examples/2024-02 --build-time 2024-04-10T12:00 --out "
    "tests/expected/Virksomhetsrapport_2024-03.xlsx"
)
# Parts, and elements within a part (regular expressions over one element's text), left out
# of the comparison. None today: the build is deterministic (docProps/core.xml's dates are
# the period's last day, Kilder's time is the build time), so every part is compared whole.
IGNORED_PARTS: frozenset[str] = frozenset()
IGNORED_ELEMENTS: dict[str, tuple[str, ...]] = {}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name not in IGNORED_PARTS
        }


def _elements(part: str, data: bytes) -> list[str]:
    """An XML part as its list of elements (split between tags, as XlsxWriter's tests do),
    without the ignored ones."""
    text = data.decode("utf-8").strip()
    elements = re.split(r">\s*<", text)
    ignored = [re.compile(p) for p in IGNORED_ELEMENTS.get(part, ())]
    return [e for e in elements if not any(p.search(e) for p in ignored)]


def _first_difference(part: str, got: bytes, expected: bytes) -> str | None:
    if not part.endswith((".xml", ".rels")):
        return None if got == expected else f"{part}: the bytes differ"
    mine, theirs = _elements(part, got), _elements(part, expected)
    for index, (a, b) in enumerate(zip(mine, theirs, strict=False)):
        if a != b:
            return f"{part}, element {index}: got <{a}>, expected <{b}>"
    if len(mine) != len(theirs):
        return f"{part}: {len(mine)} elements, expected {len(theirs)}"
    return None


def test_example_report_matches_the_expected_workbook(tmp_path):
    out = tmp_path / "rapport.xlsx"
    outcome = vrapport.build([EXAMPLES], "2024-03", out, previous=[PREVIOUS], build_time=BUILD_TIME)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    got, expected = _parts(out), _parts(EXPECTED)
    assert sorted(got) == sorted(expected), f"the parts differ; if intended: {REGENERATE}"
    differences = [
        d for part in expected if (d := _first_difference(part, got[part], expected[part]))
    ]
    assert not differences, (
        "the report differs from tests/expected (first difference per part):\n  "
        + "\n  ".join(differences)
        + f"\nIf the change is intended, review it and rebuild the expected file:\n  {REGENERATE}"
    )


def test_the_comparison_names_the_differing_part(tmp_path):
    """The comparison itself can fail, and says where."""
    expected = _parts(EXPECTED)
    sheet = next(p for p in expected if p.startswith("xl/worksheets/"))
    changed = expected[sheet].replace(b"<v>", b"<v>9", 1)
    assert _first_difference(sheet, changed, expected[sheet]).startswith(f"{sheet}, element ")
    assert _first_difference(sheet, expected[sheet], expected[sheet]) is None
