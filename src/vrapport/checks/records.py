"""Checks of any register (a records sheet): a row entered twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vrapport.checks import CheckContext, check
from vrapport.findings import ERROR, WARNING, Finding
from vrapport.reader import ROW_KEY

_ROW = re.compile(r"\d+$")


@check("records-not-repeated", last=True)
def records_not_repeated(ctx: CheckContext) -> Iterator[Finding]:
    """A register row equal in every column to an earlier one is a warning at the repeat:
    an event logged twice is counted twice, a paragraph printed twice. Registers with an id
    (record-ids-unique says it) and rows that already have an error are left alone."""
    refused = {
        (f.sheet, match.group())
        for f in ctx.sub.findings
        if f.severity == ERROR and (match := _ROW.search(f.ref)) is not None
    }
    for data in ctx.sub.sheets.values():
        keys = [c.key for c in data.spec.columns if c.key in data.frame.columns]
        if data.spec.kind != "records" or "id" in keys or not keys or len(data.frame) < 2:
            continue
        frame = data.frame[keys]
        if not frame.duplicated().any():  # one pass, hashed in pandas
            continue
        rows = data.frame[ROW_KEY].tolist()
        first: dict[tuple[Any, ...], str] = {}
        for index, row, *values in zip(
            frame.index, rows, *(frame[k].tolist() for k in keys), strict=True
        ):
            earlier = first.setdefault(tuple(values), row)
            if earlier != row and (data.name, row) not in refused:
                yield ctx.at(
                    data,
                    index,
                    keys[0],
                    WARNING,
                    "repeated-record",
                    f"Raden er lik rad {earlier} i alle kolonner. Er den ført to ganger? "
                    "Rapporten tar med begge.",
                )
