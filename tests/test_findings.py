"""The finding registry: every code used in src/ is registered, with a category and a
default severity; a finding with an unknown code or a malformed place cannot be made."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vrapport.findings import CODES, ERROR, WARNING, Finding, location_kind, row_ref

SRC = Path(__file__).resolve().parent.parent / "src" / "vrapport"
KEBAB = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")
# The code argument of the ways a finding is made: Finding(file, sheet, ref, severity, code,
# ...), Finding.make(code, ...), Submission.add(sheet, ref, severity, code, ...),
# CheckContext.at(data, index, key, severity, code, ...).
CODE_ARGUMENT = {"Finding": 4, "make": 0, "add": 3, "at": 4}
# Kebab-case literals in src/ that are not finding codes.
# encodings, HTTP header values, Excel's built-in date formats (vrapport.numfmt.BUILTIN)
NOT_CODES = {"utf-8", "utf-16-le", "no-referrer", "no-store", "mm-dd-yy", "d-mmm-yy", "d-mmm"}
NOT_CODES |= {"mmm-yy"}


def _check_names(tree: ast.AST) -> set[str]:
    """The names of named cross-checks: @check("name") (spec vocabulary, not codes)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if (
                    isinstance(deco, ast.Call)
                    and getattr(deco.func, "id", "") == "check"
                    and deco.args
                    and isinstance(deco.args[0], ast.Constant)
                ):
                    names.add(deco.args[0].value)
    return names


def codes_used_in_src() -> dict[str, str]:
    """Every literal code argument of a finding constructor, and every kebab-case string
    literal in src/ (except check names and NOT_CODES), with the first place it occurs."""
    trees = {
        p: ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(SRC.rglob("*.py"))
        if p.name != "findings.py"  # the registry itself
    }
    checks = set().union(*(_check_names(t) for t in trees.values()))
    used: dict[str, str] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                position = CODE_ARGUMENT.get(name)
                given = [k.value for k in node.keywords if k.arg == "code"]
                if position is not None and len(node.args) > position:
                    given.append(node.args[position])
                for arg in given:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        used.setdefault(arg.value, f"{path.relative_to(SRC)}:{node.lineno}")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEBAB.match(node.value)
                and node.value not in checks | NOT_CODES
            ):
                used.setdefault(node.value, f"{path.relative_to(SRC)}:{node.lineno}")
    return used


def test_every_code_used_in_src_is_registered():
    unregistered = {c: where for c, where in codes_used_in_src().items() if c not in CODES}
    assert not unregistered, f"register these in vrapport/findings.py CODES: {unregistered}"


def test_the_collector_sees_the_codes_of_every_layer():
    used = codes_used_in_src()
    layers = ("not-xlsx", "missing-sheet", "not-a-number", "duplicate-id", "changed-since-previous")
    for code in layers:
        assert code in used
    assert "actuals-after-period" not in used  # a check name, not a code


def test_every_code_has_a_category_and_a_severity():
    categories = {"file", "structure", "value", "cross-check", "plausibility", "history"}
    for name, code in CODES.items():
        assert code.name == name and CODE.match(name)
        assert code.category in categories and code.severity in (ERROR, WARNING)
    assert {c.category for c in CODES.values()} == categories


def test_an_unknown_code_cannot_be_made():
    with pytest.raises(ValueError, match="unregistered finding code 'no-such-code'"):
        Finding("a.xlsx", "Resultat", "F6", ERROR, "no-such-code", "x")


def test_a_malformed_place_cannot_be_made():
    with pytest.raises(ValueError, match="not an A1"):
        Finding("a.xlsx", "Resultat", "f6", ERROR, "required", "x")


@pytest.mark.parametrize(
    ("sheet", "ref", "kind", "cell", "text"),
    [
        ("", "", "file", "", "a.xlsx"),
        ("Resultat", "", "sheet", "", "a.xlsx › Resultat"),
        ("Resultat", "F6", "cell", "F6", "a.xlsx › Resultat › F6"),
        ("Resultat", "B5:C6", "range", "B5", "a.xlsx › Resultat › B5:C6"),
        ("Resultat", row_ref(9), "row", "A9", "a.xlsx › Resultat › rad 9"),
    ],
)
def test_every_location_kind(sheet, ref, kind, cell, text):
    finding = Finding("a.xlsx", sheet, ref, WARNING, "hidden-row", "m", "Faktisk", key="actual")
    assert location_kind(sheet, ref) == kind == finding.kind
    assert (finding.cell, finding.location) == (cell, text)
    where = finding.to_dict()["where"]
    assert (where["kind"], where["ref"], where["cell"]) == (kind, ref, cell)
    assert (where["column_key"], where["column"]) == ("actual", "Faktisk")


def test_message_rendered_from_the_template():
    finding = Finding.make(
        "required", "a.xlsx", "Resultat", "F6", column="Faktisk", key="actual", label="mars"
    )
    assert finding.message == "Mangler verdi: Faktisk for mars."
    assert (finding.severity, finding.category) == ("error", "value")
    assert finding.to_dict()["params"] == {"label": "mars"}
    with pytest.raises(ValueError, match="no message template"):
        Finding.make("duplicate-template", "a.xlsx")
