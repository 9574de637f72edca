"""Random edits of the specs, as a controller's slips in an editor would make them: a key
deleted or renamed, a value of the wrong type, a list entry doubled or moved, a text cut,
doubled or given braces. Whatever the edit, loading says what is wrong (a SpecError naming
the file) or the specs load, and then templates, check and build run without an internal
error: never a crash the user would see as «Intern feil»."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vrapport
from vrapport.spec import SpecError, load_specs

from .conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "schemas"
DOCUMENTS = {p.name: yaml.safe_load(p.read_text("utf-8")) for p in sorted(SCHEMAS.glob("*.yaml"))}
SPEC_FILES = sorted(p.name for p in SCHEMAS.glob("*.yaml"))

# Values of the wrong type or at a limit, for any place in any spec.
ODD: list[Any] = [None, "", 0, -1, 1, 13, 10**12, 0.5, True, [], {}, "x" * 300, "{year}",
                  "{", "{month", "=SUM(A1)", "😀", " ", "a\nb", "2024-13", "0%", "[Red]0",
                  "Sheet!A1", "[x]", "*", "to_period", "decimal", "text", "records", "grid",
                  float("nan"), float("inf")]  # fmt: skip


def _places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


def _texts(document: Any) -> list[str]:
    return [v for _, v in _places(document) if isinstance(v, str)] or ["x"]


def _typed(value: Any, document: Any, rng: random.Random) -> Any:
    """Another value of the same type: what a slip in an editor keeps valid YAML."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice([0, 1, -1, value + 1, value - 1, value * 10, 12, 13, 2**31])
    if isinstance(value, float):
        return rng.choice([0.0, 1.0, -value, value * 100, 1e-9, 0.999999])
    if isinstance(value, str):
        return rng.choice([
            value + " ", value.upper(), value[:1], value * 3, "{" + value + "}", value + "{month}",
            "", value.replace(" ", ""), rng.choice(_texts(document)), value + "%",
        ])  # fmt: skip
    return rng.choice(ODD)


def edit(document: Any, rng: random.Random) -> str:
    """One random edit of `document`, in place; what was done, for the failure message.
    The depth first, then a place at that depth: a top-level key is as likely to be hit as
    a column's help text, though there are a hundred times fewer of them."""
    paths = [p for p, _ in _places(document) if p]
    depth = rng.choice(sorted({len(p) for p in paths}))
    path = rng.choice([p for p in paths if len(p) == depth])
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    kind = rng.choice(["delete", "odd", "typed", "typed", "typed", "text", "double", "move",
                       "rename"])  # fmt: skip
    if kind == "delete":
        del parent[key]
    elif kind == "double" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "move" and isinstance(parent, list) and len(parent) > 1:
        other = rng.randrange(len(parent))
        parent[key], parent[other] = parent[other], parent[key]
    elif kind == "rename" and isinstance(parent, dict):
        parent[rng.choice([f"{key}s", rng.choice(_texts(document))])] = parent.pop(key)
    elif kind == "text":
        parent[key] = rng.choice(_texts(document))
    elif kind == "typed":
        parent[key] = _typed(parent[key], document, rng)
    else:
        kind = "odd"
        parent[key] = copy.deepcopy(rng.choice(ODD))
    return f"{kind} {'.'.join(map(str, path))}"


def edited_specs(folder: Path, rng: random.Random) -> list[str]:
    """Write the specs with one to three random edits (report.yaml the likeliest) into
    `folder`; the edits made."""
    documents = copy.deepcopy(DOCUMENTS)
    made = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        name = rng.choice([*SPEC_FILES, "report.yaml", "report.yaml"])
        made.append(f"{name}: {edit(documents[name], rng)}")
    folder.mkdir(parents=True)
    for name, document in documents.items():
        (folder / name).write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return made


def _loads_or_says_why(folder: Path, made: list[str]) -> vrapport.Specs | None:
    try:
        return load_specs(folder)
    except SpecError as refused:
        message = str(refused)
        assert message and "Traceback" not in message, made
        assert any(message.startswith(name) or name in message for name in SPEC_FILES), (
            made,
            message,
        )
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_an_edited_spec_loads_or_is_refused_naming_its_file(tmp_path_factory, rng):
    folder = tmp_path_factory.mktemp("edit") / "schemas"
    made = edited_specs(folder, rng)
    _loads_or_says_why(folder, made)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_specs_that_load_after_an_edit_make_templates_check_and_build(tmp_path_factory, rng):
    work = tmp_path_factory.mktemp("edit")
    made = edited_specs(work / "schemas", rng)
    specs = _loads_or_says_why(work / "schemas", made)
    if specs is None:
        return
    vrapport.make_templates("2024-03", work / "templates", specs=specs)
    vrapport.check([EXAMPLES], "2024-03", specs=specs)
    outcome = vrapport.build(
        [EXAMPLES],
        "2024-03",
        work / "rapport.xlsx",
        previous=[EXAMPLES.parent / "2024-02"],
        specs=specs,
    )
    assert outcome.blocked or (work / "rapport.xlsx").is_file(), made
