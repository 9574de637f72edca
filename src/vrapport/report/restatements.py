"""The report's sheet of restatements: every figure the previous report showed (a closed
month, a register's rows of it, the year's budget and limits) that differs from last
period's submission (`build --previous`), so the board sees that history changed, and the
line on the front page that counts them."""

from __future__ import annotations

from collections.abc import Sequence

from vrapport.history import Restatement
from vrapport.report.model import HeaderCell, Row, Section, Table, Text
from vrapport.report.sheetnames import RESTATEMENTS_SHEET

TITLE = "Endringer i lukkede måneder"
WIDTHS = (16.0, 14.0, 34.0, 12.0, 26.0, 16.0, 16.0, 16.0, 14.0)


def _format(item: Restatement) -> str:
    values = (item.old, item.new)
    whole = all(isinstance(v, int) or (isinstance(v, float) and v.is_integer()) for v in values)
    return "#,##0" if whole else "#,##0.0"


def front_line(items: Sequence[Restatement]) -> str:
    """The sheet's line in the front page's contents: the figures changed (a month's figure,
    a register's count for a month) and, apart, the register rows deleted, added or changed
    (one row of the sheet may stand for many, past its cap): one deleted order is one changed
    count and one row, not «2 tall»."""
    figures = sum(1 for item in items if item.kind != "record")
    rows = sum(item.rows for item in items if item.kind == "record")
    if not rows:
        return f"{TITLE}: {figures} tall endret siden forrige rapport"
    shown = f"{rows} {'rad' if rows == 1 else 'rader'}"
    return f"{TITLE}: {figures} tall og {shown} endret siden forrige rapport"


def restatements_section(items: Sequence[Restatement]) -> Section:
    rows = tuple(
        Row(
            f"r{i}",
            item.template,
            (
                item.sheet,
                item.line,
                item.when,
                item.column,
                item.old,
                item.new,
                item.difference,
                item.cell,
            ),
            number_format=_format(item),
        )
        for i, item in enumerate(items)
    )
    header = (
        tuple(
            HeaderCell(text)
            for text in (
                "Mal",
                "Ark",
                "Linje / rad",
                "Måned",
                "Kolonne",
                "Forrige rapport",
                "Nå",
                "Endring",
                "Celle",
            )
        ),
    )
    blocks = (
        Text(TITLE, "heading1"),
        Text(
            "Tall som forrige rapport allerede viste, og som er endret i innsendingene siden "
            "da: måneder den hadde lukket, rader i registrene for de månedene, og årets budsjett "
            "og rammer («året»). Tallene i rapporten bygger på de nye tallene.",
        ),
        Table(
            "restatements",
            TITLE,
            header,
            rows,
            number_format="#,##0",
            column_widths=WIDTHS,
        ),
    )
    return Section("restatements", RESTATEMENTS_SHEET, TITLE, blocks, contents=front_line(items))
