"""Pre-fill a period's templates from last period's submissions.

`vrapport templates PERIOD --from DIR`: a column of a records sheet whose spec names
`prefill_from` takes, row by row, the value of that column in the previous period's
submission of the same template. The project office's template, for instance, gets last
month's projects (name, program and phase, still editable) and their status in the locked
"Forrige …" columns, which the report compares with to draw trend arrows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vrapport.findings import ERROR, Finding
from vrapport.period import Period
from vrapport.reader import Submission
from vrapport.spec import SpecError, Specs, TemplateSpec
from vrapport.validation import check_duplicates, check_files, collect_files

PrefillRows = dict[str, list[dict[str, Any]]]


@dataclass
class Previous:
    """Last period's submissions by template id, and what checking them found."""

    submissions: dict[str, Submission] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def load_previous(paths: Iterable[Path], specs: Specs, period: Period) -> Previous:
    """Read and check the submissions in `paths`, each against the period stamped in it,
    which must be earlier than `period`."""
    submissions = check_files(collect_files(paths), specs, None)
    previous = Previous()
    for sub in submissions:
        stamped = sub.meta.get("period", "")
        if sub.template is not None and (not stamped or stamped >= str(period)):
            sub.add(
                "",
                "",
                ERROR,
                "previous-not-earlier",
                f"Filen skal gjelde en tidligere periode enn {period}, men gjelder "
                f"{stamped or 'ingen periode'}.",
            )
        previous.findings += sub.findings
        if sub.template is not None:
            previous.submissions.setdefault(sub.template_id, sub)
    previous.findings += check_duplicates(submissions)
    return previous


def prefill_columns(spec: TemplateSpec) -> dict[str, dict[str, str]]:
    """Per records sheet, column key -> the previous period's column it is filled from."""
    found: dict[str, dict[str, str]] = {}
    for sheet in spec.sheets:
        sources = {c.key: c.prefill_from for c in sheet.columns if c.prefill_from}
        if not sources:
            continue
        where = f"{spec.id}.{sheet.key}"
        if sheet.kind != "records":
            raise SpecError(f"{where}: prefill_from brukes bare på ark av typen records")
        keys = {c.key for c in sheet.columns}
        unknown = sorted(s for s in sources.values() if s not in keys)
        if unknown:
            raise SpecError(f"{where}: prefill_from viser til ukjent kolonne {', '.join(unknown)}")
        found[sheet.key] = sources
    return found


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value


def prefill_rows(spec: TemplateSpec, previous: Submission) -> PrefillRows:
    """The rows to pre-fill in `spec`'s template from `previous` (a checked submission of
    the same template), in the order they stood there."""
    rows: PrefillRows = {}
    for sheet_key, sources in prefill_columns(spec).items():
        data = previous.sheets.get(sheet_key)
        if data is None:
            continue
        rows[sheet_key] = [
            {key: _plain(record.get(source)) for key, source in sources.items()}
            for record in data.frame.to_dict("records")
        ]
    return rows
