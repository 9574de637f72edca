"""The terminal, for the command-line modules only: one rich console set-up, and text from
files, paths and exceptions made safe to print through it.

rich reads `[...]` as markup and `:name:` as emoji codes; a label `[/b]` would end a command in
a traceback and `okonomi [endelig].xlsx` would lose a word. Every value that is not vrapport's
own wording goes through `data` before it is put into a printed string.
"""

from __future__ import annotations

from typing import Any

import typer

EXIT_USAGE = 2

# Control characters other than tab and newline, shown as escapes instead of being sent to the
# terminal (an ESC in a cell must not move the cursor or recolour the screen).
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)}


def console(stderr: bool = False) -> Any:
    """A rich Console: no highlighting, no emoji codes («:warning:» in a cell is printed as
    typed), lines not wrapped (a path cut at the 80 columns of a pipe could not be copied;
    tables are laid out to the width). Typed Any so that rich is imported only when
    something is printed."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def line(value: object) -> None:
    """Print a line of data (a path, a file name, vrapport's own words around them) as it
    is: what `console().print(data(value))` prints, without importing rich, which a
    successful build needs for nothing else (15 ms of its 0.8 s). Controls are shown as
    escapes, as `data` shows them; tabs are expanded as rich expands them."""
    import sys

    from vrapport.files import printable

    stream = sys.stdout
    if stream is None:  # started with the descriptor closed (`>&-`): dropped, as asked
        return
    text = printable(str(value).translate(_CONTROLS))
    stream.write("\n".join(part.expandtabs(8) for part in text.split("\n")) + "\n")
    stream.flush()


def data(value: object) -> str:
    """Text from a file, a path or an exception, ready to be put into console markup: printed
    verbatim, never read as markup (`[/b]`, `[inkl. sosiale kostnader]`)."""
    from rich.markup import escape

    from vrapport.files import printable

    return escape(printable(str(value).translate(_CONTROLS)))


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print `message` as an error on stderr and return the exit to raise. `message` is data:
    it may name paths and quote what a file holds."""
    console(stderr=True).print(f"[bold red]Feil:[/] {data(message)}")
    return typer.Exit(code)
