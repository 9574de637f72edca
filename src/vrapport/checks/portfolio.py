"""Cross-checks of the project office's template (prosjekt): project names are unique, and
every risk names a project on the Prosjekter sheet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from vrapport.checks import CheckContext, check
from vrapport.findings import ERROR, Finding
from vrapport.labels import norm

PROJECTS, RISKS, PROJECT = "projects", "risks", "project"


def _names(ctx: CheckContext) -> dict[str, str]:
    """Normalised project name -> the A1 cell it first stands in."""
    data = ctx.sub.sheets.get(PROJECTS)
    if data is None:
        return {}
    found: dict[str, str] = {}
    for index, name in data.frame[PROJECT].items():
        if isinstance(name, str) and name.strip():
            found.setdefault(norm(name), data.cell(index, PROJECT))
    return found


def _normalised(names: Iterable[Any]) -> dict[str, str]:
    """Each distinct name among `names` (a text not blank) -> its normalised form (norm),
    computed once: a register repeats the names of its projects."""
    return {name: norm(name) for name in set(names) if isinstance(name, str) and name.strip()}


@check("unique-projects", reads={PROJECTS: (PROJECT,)})
def unique_projects(ctx: CheckContext) -> Iterator[Finding]:
    """A project stands once: its status and trend would be ambiguous otherwise."""
    data = ctx.sub.sheets.get(PROJECTS)
    if data is None:
        return
    names = data.frame[PROJECT]
    normed = _normalised(names)
    filled = [normed[name] for name in names if isinstance(name, str) and name in normed]
    if len(set(filled)) == len(filled):
        return  # every project stands once
    first = _names(ctx)
    for index, name in names.items():
        if not isinstance(name, str) or not name.strip():
            continue
        cell = data.cell(index, PROJECT)
        if first[normed[name]] != cell:
            yield ctx.at(
                data,
                index,
                PROJECT,
                ERROR,
                "duplicate-project",
                f"Prosjektet «{name}» står to ganger (også i {first[normed[name]]}).",
            )


@check("risk-project-known", reads={PROJECTS: (PROJECT,), RISKS: (PROJECT,)})
def risk_project_known(ctx: CheckContext) -> Iterator[Finding]:
    """Each risk belongs to a project on the Prosjekter sheet."""
    risks = ctx.sub.sheets.get(RISKS)
    projects = ctx.sub.sheets.get(PROJECTS)
    if risks is None or projects is None:
        return
    known = set(_normalised(projects.frame[PROJECT]).values())
    normed = _normalised(risks.frame[PROJECT])
    for index, name in risks.frame[PROJECT].items():
        if not isinstance(name, str) or not name.strip() or normed[name] in known:
            continue
        yield ctx.at(
            risks,
            index,
            PROJECT,
            ERROR,
            "unknown-project",
            f"Prosjektet «{name}» finnes ikke på arket {projects.name}. Skriv navnet "
            "nøyaktig slik det står der.",
        )
