"""Norwegian running text shared by messages, pages and drafted sentences: counted nouns and
lists of names."""

from __future__ import annotations

from collections.abc import Sequence

from vrapport.numbers import format_number

# Names a sentence lists before it summarises the rest ("… og 1 180 andre prosjekter").
LISTED_NAMES = 10


def listing(names: Sequence[str], plural: str, limit: int = LISTED_NAMES, last: str = "og") -> str:
    """'A', 'A og B', 'A, B og C' (`last`: the word before the last name, 'eller' for
    choices); more than `limit` names: the first `limit` and the number of the others
    ('A, B, …, J og 1 180 andre prosjekter'), so a sentence stays readable however long the
    register."""
    names = list(names)
    if len(names) > limit + 1:
        rest = f"{format_number(len(names) - limit)} andre {plural}"
        return ", ".join(names[:limit]) + f" {last} " + rest
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {last} " + names[-1]


def counted(number: int, singular: str, plural: str) -> str:
    """«1 advarsel», «2 advarsler», «1 180 prosjekter»: the number in Norwegian digits
    groups and the noun that agrees with it."""
    return f"{format_number(number)} {singular if number == 1 else plural}"
