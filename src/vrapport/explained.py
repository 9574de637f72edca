"""What a submission's comment paragraphs say they explain: the labels chosen in a column of
several choices of its comment sheet (finance: «Forklarer linje», key figures: «Forklarer»)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vrapport.spec import split_choices

if TYPE_CHECKING:
    from vrapport.reader import Submission


def explained(sub: Submission) -> tuple[set[str], str, str, tuple[str, ...]]:
    """The labels the submission's paragraphs name in a column of several choices, that
    sheet's name, the column's label and its choices (empty when there is no such column)."""
    for data in sub.sheets.values():
        column = data.spec.several_choices
        if column is not None and column.key in data.frame:
            named = {
                label
                for value in data.frame[column.key]
                if isinstance(value, str)
                for label in split_choices(value)
            }
            return named, data.name, column.label, column.choices
    return set(), "", "", ()
