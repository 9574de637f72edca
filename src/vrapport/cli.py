"""The vrapport command line. Thin: parse options, call the library API (vrapport.api),
print with rich.

Exit codes: 0 success, 1 findings that block (validation errors), 2 usage or I/O problem.
Heavy libraries (pandas, pandera, xlsxwriter) are imported inside the commands.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
import typer.core

from vrapport.atomic import recording
from vrapport.console import console as _console
from vrapport.console import data as _data
from vrapport.console import fail as _fail
from vrapport.console import line as _line
from vrapport.outputs import missing_folders
from vrapport.service.commands import register as register_service
from vrapport.signals import INTERRUPTED, Interrupted, stop_on_signals

if TYPE_CHECKING:
    import datetime as dt

    from vrapport.findings import Finding

HELP_TEXT = "Vis denne hjelpen og avslutt."


def _norwegian_help(option: Any) -> Any:
    if option is not None:
        option.help = HELP_TEXT
    return option


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    """The usage line after the command path, in Norwegian: [VALG], then each argument
    (optional ones in brackets, repeatable ones with "..."), then a group's KOMMANDO."""
    params = command.get_params(ctx)
    pieces = ["[VALG]"] if any(p.param_type_name == "option" for p in params) else []
    for param in params:
        if param.param_type_name != "argument":
            continue
        name = _argument_name(param)
        pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, typer.core.TyperGroup):
        pieces.append("KOMMANDO [ARGUMENTER]...")
    return pieces


def _norwegian_usage(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(_usage_pieces(command, ctx)), prefix="Bruk: ")


# What click and typer add to a parameter's help, in Norwegian.
_HELP_EXTRAS = (("[required]", "[påkrevd]"), ("[default: ", "[standard: "))


def _norwegian_options(command: Any, ctx: Any, formatter: Any) -> None:
    """The Argumenter and Valg sections: each parameter's name (an argument's without its
    Python type) and its help, click's English additions translated."""
    sections: dict[str, list[tuple[str, str]]] = {"Argumenter": [], "Valg": []}
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        name, help_text = record
        for english, norwegian in _HELP_EXTRAS:
            help_text = help_text.replace(english, norwegian)
        if param.param_type_name == "argument":
            sections["Argumenter"].append((_argument_name(param), help_text))
        else:
            sections["Valg"].append((name, help_text))
    for title, rows in sections.items():
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def _argument_name(argument: Any) -> str:
    """FIL_ELLER_MAPPE..., without typer's braces and Python type."""
    name = argument.metavar or argument.name.upper()
    return f"{name}..." if argument.nargs != 1 else name


def _with_context(parse: Any, ctx: Any, args: list[str]) -> list[str]:
    """`parse(ctx, args)`, a usage error given the context it arose in: click's parser
    raises some (an option without its value) without one, and they would be printed
    without the command's usage line."""
    try:
        return list(parse(ctx, args))
    except _click_errors().UsageError as exc:
        if exc.ctx is None:
            exc.ctx = ctx
        raise


class NorwegianCommand(typer.core.TyperCommand):
    """A command whose help (usage line, section headings, the help option) is in Norwegian,
    through click's public formatting hooks."""

    def get_help_option(self, ctx: Any) -> Any:
        return _norwegian_help(super().get_help_option(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return _with_context(super().parse_args, ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _norwegian_usage(self, ctx, formatter)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _norwegian_options(self, ctx, formatter)


class NorwegianGroup(typer.core.TyperGroup):
    """The `vrapport` group, its help in Norwegian like its commands'."""

    def get_help_option(self, ctx: Any) -> Any:
        return _norwegian_help(super().get_help_option(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return _with_context(super().parse_args, ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """An unknown command in Norwegian, with the likely one (click's text is English)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx))
            guess = f" Mente du {' eller '.join(close)}?" if close else ""
            raise _click_errors().UsageError(f"{_NORWEGIAN}ukjent kommando «{name}».{guess}", ctx)
        return super().resolve_command(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _norwegian_usage(self, ctx, formatter)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        _norwegian_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Kommandoer"):
                formatter.write_dl(
                    [(name, cmd.get_short_help_str(limit)) for name, cmd in commands]
                )


app = typer.Typer(
    cls=NorwegianGroup,
    help="vrapport: fra avdelingenes Excel-maler til styrets virksomhetsrapport.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
COLLECT_AFTER = 50_000  # allocations between collections of the youngest generation (see main)
CONDENSE_AFTER = 10  # missing values on one sheet listed one by one, at most

SchemasOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
    typer.Option(
        "--schemas", metavar="MAPPE", help="Mappe med egne spesifikasjoner (report.yaml og maler)."
    ),
]


def _version(value: bool) -> None:
    if value:
        from vrapport import __version__

        typer.echo(f"vrapport {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Vis versjonen."),
    ] = False,
) -> None:
    """vrapport: fra avdelingenes Excel-maler til styrets virksomhetsrapport."""


@contextmanager
def _usage_errors() -> Iterator[None]:
    """The library's refusals (a bad period, unreadable specs, a request it cannot carry
    out) as one Norwegian line and exit 2."""
    from vrapport.api import UsageError
    from vrapport.period import PeriodError
    from vrapport.spec import SpecError

    try:
        yield
    except (UsageError, PeriodError, _reader_unavailable()) as exc:
        raise _fail(str(exc)) from None
    except SpecError as exc:
        raise _fail(f"spesifikasjonene kan ikke leses: {exc}") from None


def _reader_unavailable() -> type[Exception]:
    """The reading worker could not start (isolation.ReaderUnavailable), imported only when
    an exception is on its way: `templates` without `--from` never loads the reader."""
    from vrapport.isolation import ReaderUnavailable

    return ReaderUnavailable


def _print_findings(findings: list[Finding], title: str) -> None:
    if not findings:
        return
    from rich.table import Table

    console = _console()
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("Nivå", no_wrap=True)
    table.add_column("Sted", overflow="fold")
    table.add_column("Melding", overflow="fold")
    for severity, location, message in _condensed(findings):
        level = "[red]feil[/]" if severity == "error" else "[yellow]advarsel[/]"
        table.add_row(level, _data(location), _data(message))
    console.print(table, soft_wrap=False)  # (a table is laid out to the width)


def _condensed(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """Rows for the console: many missing values on one sheet (a sheet not filled in) are
    one row, counting those not listed; --json keeps every finding listed."""
    from vrapport.findings import capped
    from vrapport.numbers import format_number

    findings = capped(findings)

    missing: dict[tuple[str, str], list[Finding]] = {}
    uncounted: dict[tuple[str, str], int] = {}  # missing values beyond those listed
    for finding in findings:
        if finding.code == "required":
            missing.setdefault((finding.file, finding.sheet), []).append(finding)
        elif finding.code == "more-findings" and dict(finding.params).get("code") == "required":
            uncounted[(finding.file, finding.sheet)] = int(dict(finding.params)["count"])
    rows, shown = [], set()
    for finding in findings:
        place = (finding.file, finding.sheet)
        group = missing.get(place, [])
        condensed = len(group) > CONDENSE_AFTER
        if (
            condensed
            and finding.code == "more-findings"
            and dict(finding.params).get("code") == "required"
        ):
            continue
        if finding.code == "required" and condensed:
            if place not in shown:
                shown.add(place)
                cells = ", ".join(f.cell for f in group[:5])
                count = format_number(len(group) + uncounted.get(place, 0))
                rows.append(
                    (
                        "error",
                        f"{finding.file} › {finding.sheet}",
                        f"{count} celler mangler verdi ({cells} …). Er arket fylt ut?",
                    )
                )
            continue
        rows.append((finding.severity, finding.location, finding.message))
    return rows


def _summary(counts: dict[str, Any]) -> str:
    """«8 filer kontrollert: 1 feil, 2 advarsler.», and last period's files on a line of
    their own (their findings are not this period's)."""

    from vrapport.wording import counted

    def checked(files: int, errors: int, warnings: int) -> str:
        return (
            f"{counted(files, 'fil', 'filer')} kontrollert: {counted(errors, 'feil', 'feil')}, "
            f"{counted(warnings, 'advarsel', 'advarsler')}."
        )

    line = checked(counts["files"], counts["errors"], counts["warnings"])
    if "previous" in counts:
        earlier = counts["previous"]
        line += "\nForrige periode: " + checked(
            earlier["files"], earlier["errors"], earlier["warnings"]
        )
    return line


@app.command()
def templates(
    period: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(
            metavar="PERIODE", help="Rapportperioden, f.eks. 2024-03.", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="MAPPE", help="Mappe malene skrives til.")
    ] = Path("maler"),
    only: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--only", metavar="MAL", help="Bare denne malen (kan gjentas), f.eks. okonomi."
        ),
    ] = None,
    blank: Annotated[
        bool,
        typer.Option("--blank", help="Maler uten periode (slik de ligger i templates/xlsx/)."),
    ] = False,
    from_: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--from",
            metavar="MAPPE",
            help="Mappe med forrige periodes innsendinger: forhåndsutfyller det malene "
            "henter derfra (f.eks. prosjektene og forrige status).",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Erstatt maler som finnes fra før i mappen.")
    ] = False,
    schemas: SchemasOption = None,
) -> None:
    """Lag tomme maler for perioden, én per avdeling."""
    from vrapport.api import make_templates

    if period is not None and blank:
        raise _fail("oppgi enten en periode eller --blank, ikke begge")
    if period is None and not blank:
        raise _fail("oppgi perioden (f.eks. 2024-03), eller --blank for maler uten periode")
    if from_ and blank:
        raise _fail("--from kan ikke brukes med --blank (maler uten periode)")
    created = missing_folders([out / "_"])
    with _usage_errors():
        outcome = make_templates(
            period, out, only=only, previous=from_, overwrite=overwrite, specs=schemas
        )
    if outcome.blocked:
        _print_findings(outcome.findings, "Funn i forrige periodes innsendinger")
        raise _fail("rett feilene i forrige periodes innsendinger, eller kjør uten --from", 1)
    _print_findings(
        outcome.findings,
        "Advarsler i forrige periodes innsendinger (verdiene er forhåndsutfylt slik de står)",
    )
    console = _console()
    _print_created(created)
    for written in outcome.written:
        if written.note:
            console.print(f"[yellow]Advarsel:[/] {_data(written.note)}")
        filled = ""
        if written.prefilled_from:
            filled = f" (forhåndsutfylt fra {written.prefilled_from}, {written.prefilled_period})"
        console.print(_data(f"Skrev {written.path}{filled}"))


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="FIL_ELLER_MAPPE", help="Filer eller mapper med innsendte maler."),
    ],
    period: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--period", "-p", metavar="ÅÅÅÅ-MM", help="Perioden filene skal gjelde, f.eks. 2024-03."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv funnene som JSON.")] = False,
    feedback: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--feedback",
            metavar="MAPPE",
            help="Mappe for kopier der hver feilcelle er merket og forklart "
            "(originalene endres ikke).",
        ),
    ] = None,
    previous: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--previous",
            metavar="MAPPE",
            help="Mappe med forrige periodes innsendinger: tall for lukkede måneder som er "
            "endret siden da, vises.",
        ),
    ] = None,
    schemas: SchemasOption = None,
) -> None:
    """Kontroller innsendinger: hver feil med fil, ark og celle."""
    from vrapport.api import check as check_files
    from vrapport.api import refuse_feedback_into_inputs

    with _usage_errors():
        if feedback is not None:
            refuse_feedback_into_inputs(paths, feedback)
        report = check_files(paths, period, specs=schemas, previous=previous)
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        _print_findings(report.findings, "Funn")
        _console().print(_summary(report.counts))
        if report.absent:
            names = ", ".join(f"{title} ({key})" for key, title in report.absent.items())
            _line(f"Ingen fil fra: {names}.")
    if feedback is not None:
        created = missing_folders([feedback / "_"])
        with _usage_errors():
            written = report.write_feedback(feedback)
        if not as_json:
            from vrapport.feedback import gets_copy

            _print_created(created)
            for path in written:
                _line(f"Skrev tilbakemelding {path}")
            if not any(sub.findings for sub in report.submissions):
                _console().print("Ingen tilbakemeldinger å skrive: ingen funn i filene.")
            for sub in report.submissions:
                if sub.findings and not gets_copy(sub):
                    _console().print(
                        _data(
                            f"Ingen tilbakemeldingskopi av {sub.display}: filen kunne ikke "
                            "åpnes som vrapport-mal (se funnene over)."
                        )
                    )
    if not report.valid:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def build(
    folder: Annotated[
        list[Path],
        typer.Argument(metavar="MAPPE_ELLER_FIL", help="Mappe(r) eller filer med innsendte maler."),
    ],
    period: Annotated[
        str,
        typer.Option("--period", "-p", metavar="ÅÅÅÅ-MM", help="Rapportperioden, f.eks. 2024-03."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FIL.xlsx", help="Rapportfilen som skal skrives.")
    ],
    no_narrative: Annotated[
        bool, typer.Option("--no-narrative", help="Ikke lag tekstutkast fra tallene.")
    ] = False,
    previous: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--previous",
            metavar="MAPPE",
            help="Mappe med forrige rapports innsendinger (for trender).",
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Lag også PDF (styrepakken) med LibreOffice.")
    ] = False,
    trace: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--trace",
            metavar="FIL.json",
            help="Fil for sporbarheten (tall → kildeceller) som JSON.",
        ),
    ] = None,
    build_time: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--build-time",
            metavar="TIDSPUNKT",
            help="Tidspunktet som står på Kilder, i norsk tid, f.eks. 2024-04-10T12:00 "
            "(med tidssone, f.eks. …Z, regnes det om; standard: siste lagring av "
            "innsendingene, så ombygging gir samme fil).",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Erstatt --out, PDF-en og --trace også når de ikke er laget av vrapport.",
        ),
    ] = False,
    schemas: SchemasOption = None,
) -> None:
    """Kontroller innsendingene og skriv virksomhetsrapporten (.xlsx)."""
    from vrapport.api import build as build_report

    stamp = _timestamp(build_time) if build_time is not None else None
    created = missing_folders([out, *([trace] if trace else [])])
    with _usage_errors():
        outcome = build_report(
            folder,
            period,
            out,
            previous=previous,
            narrative=not no_narrative,
            build_time=stamp,
            trace=trace,
            pdf=pdf,
            specs=schemas,
            overwrite=overwrite,
        )
    _print_findings(outcome.findings, "Funn")
    if outcome.blocked or outcome.path is None:
        _console(stderr=True).print(
            "[bold red]Rapporten ble ikke laget:[/] rett feilene over og kjør på nytt."
        )
        raise typer.Exit(EXIT_FINDINGS)
    _print_created(created)
    made = outcome.chapters - len(outcome.missing)
    lacking = f"; ikke levert: {', '.join(outcome.missing)}" if outcome.missing else ""
    _line(f"Skrev {outcome.path} ({made} av {outcome.chapters} kapitler{lacking}).")
    if outcome.trace is not None:
        _line(f"Skrev sporbarhet til {outcome.trace} ({len(outcome.lineage)} tall).")
    if outcome.pdf_error:
        raise _fail(outcome.pdf_error)
    if outcome.pdf is not None:
        _line(f"Skrev {outcome.pdf}")


def _print_created(folders: list[Path]) -> None:
    """The output folders a command created (those it was about to create that now exist)."""
    for folder in folders:
        if folder.is_dir():
            _line(f"Opprettet mappen {folder}{os.sep}")


def _timestamp(text: str) -> dt.datetime:
    import datetime

    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"«{text}» er ikke et tidspunkt på formen 2024-04-10T12:00") from None


register_service(app)  # serve, token, status (the collection service)
for _command in app.registered_commands:
    if _command.cls in (None, typer.core.TyperCommand):
        _command.cls = NorwegianCommand


def skip_hypothesis() -> None:
    """Keep pandera from importing hypothesis in this process (the command line's).

    When hypothesis is installed (the dev extra), pandera imports it on the first validation,
    0.2–0.3 s, only to offer data-generating strategies (`schema.strategy()`), which vrapport
    never uses; without it pandera validates the same and says strategies need hypothesis.
    A None in sys.modules makes `import hypothesis` fail as if it were not installed. Only
    where nothing has imported it yet (under pytest its plugin has, and this does nothing).
    """
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]


def main() -> None:
    """Entry point. An unexpected error is reported in one line (exit 2), not a traceback;
    set VRAPPORT_DEBUG=1 to see the traceback."""

    skip_hypothesis()
    _collect_less()
    try:
        _run()
    finally:
        # Nothing allocated now is freed before exit: a final collection would walk every
        # object pandas and pandera made (about 0.15 s of a 1 s build).
        gc.freeze()


def run() -> NoReturn:
    """The `vrapport` command (and `python -m vrapport`): `main`, then the process ends at
    once (see _exit_now). `main` itself raises SystemExit, for callers in the same process."""
    _open_standard_descriptors()
    try:
        main()
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(EXIT_OK)


def _open_standard_descriptors() -> None:
    """Give a closed standard input, output or error (`vrapport build … >&- 2>&-`, a service
    manager) the null device. Otherwise the next file or pipe opened takes its number: the
    reading worker would inherit its own pipe as its output, and every file would be reported
    as having stopped the reader. Python has already set sys.stdout and sys.stderr to None for
    a closed descriptor; what the command prints is dropped, as the caller asked."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)  # the lowest free number: `descriptor`
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)


def _exit_now(code: str | int | None) -> NoReturn:
    """End the process once the command is done: output flushed and the exit handlers run
    (the reading worker stopped, temporary files removed), then `os._exit`, without tearing
    down the interpreter (as mypy ends its runs). The teardown would free, one by one, every
    object pandas and pandera made, and finalise their modules: 20–50 ms of an example build
    that has nothing left to say. `code` as `sys.exit` takes it (None: 0; a text: printed,
    exit 1). Under a profiler or tracer (pyinstrument, cProfile, coverage), which writes its
    results as the interpreter ends, the process ends the ordinary way."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    if code is None:
        status = EXIT_OK
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # what the interpreter's own exit runs first
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (`>&-`)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(status)


def _collect_less() -> None:
    """A command is one short run that imports pandas, pandera and pydantic (hundreds of
    thousands of objects): with CPython's default thresholds the cyclic collector runs
    hundreds of times over objects that live as long as the process. Collect after 50 000
    allocations instead of 700 (memory at ×650 registers: measured in benchmarks/volume.py)."""
    _, second, third = gc.get_threshold()
    gc.set_threshold(COLLECT_AFTER, second, third)


def _run() -> None:
    errors = _click_errors()
    stop_on_signals()
    with recording() as written:
        _run_command(errors, written)


def _run_command(errors: Any, written: list[Path]) -> None:
    try:
        code = app(standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:  # `vrapport` alone: the help
        exc.show()
        sys.exit(EXIT_USAGE)
    except errors.UsageError as exc:
        _usage_failure(exc)
    except errors.ClickException as exc:
        _console(stderr=True).print(f"[bold red]Feil:[/] {_data(exc.format_message())}")
        sys.exit(exc.exit_code)
    except typer.Abort:
        _console(stderr=True).print("Avbrutt.")
        sys.exit(1)
    except Interrupted as interrupted:  # temporary files are removed on the way out
        _console(stderr=True).print(_interrupted(written))
        sys.exit(128 + interrupted.signum)
    except Exception as exc:  # noqa: BLE001 - the last guard before the user's terminal
        if os.environ.get("VRAPPORT_DEBUG"):
            raise
        _console(stderr=True).print(
            f"[bold red]Intern feil:[/] {type(exc).__name__}: {_data(exc)}\n"
            "Ingen filer er endret. Kjør med VRAPPORT_DEBUG=1 for detaljer, og meld feilen."
        )
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _interrupted(written: list[Path]) -> str:
    """What an interrupted command leaves: no file half-written, and the files it had
    finished (a template run stopped after three of eight), named."""
    done = [path for path in dict.fromkeys(written) if path.exists()]
    if not done:
        return INTERRUPTED
    names = ", ".join(str(path) for path in done)
    return f"Avbrutt. Ingen fil er skrevet halvveis; ferdig skrevet før avbruddet: {_data(names)}."


def _click_errors() -> Any:
    """The exceptions of the click typer runs on (typer ≥ 0.20 carries its own copy)."""
    try:
        from typer._click import exceptions
    except ImportError:  # an older typer, on click itself
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


def _usage_text(exc: Any) -> str:
    """click's usage error in Norwegian, naming the option or argument it is about; an error
    of a kind not known here keeps click's own text."""
    errors = _click_errors()
    if isinstance(exc, errors.MissingParameter) and exc.param is not None:
        if exc.param.param_type_name == "option":
            return f"valget {max(exc.param.opts, key=len)} mangler"
        return f"argumentet {_param_name(exc.param)} mangler"
    if isinstance(exc, errors.NoSuchOption):
        guess = f" Mente du {' eller '.join(exc.possibilities)}?" if exc.possibilities else ""
        return f"ukjent valg {exc.option_name}.{guess}"
    if isinstance(exc, errors.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"valget {_spelled_out(exc.option_name, exc.ctx)} trenger en verdi"
        return f"{exc.option_name} er brukt feil ({exc.message})"
    if isinstance(exc, errors.BadParameter):
        name = exc.param_hint or _param_name(exc.param)
        return f"ugyldig verdi for {name}: {_value_error(exc)}"
    message = exc.format_message()
    if message.startswith(_NORWEGIAN):
        return message.removeprefix(_NORWEGIAN)
    extra = _EXTRA_ARGUMENTS.match(message)
    if extra:
        return f"for mange argumenter: {extra.group(1)} (se bruken under)"
    return f"ugyldig bruk ({message})"


_NORWEGIAN = "\x00"  # leads a usage error vrapport raised itself, its text already Norwegian
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", re.S)


def _spelled_out(flag: str, ctx: Any) -> str:
    """`-o (--out)` for a short flag, so the message says which option it is."""
    for param in ctx.command.params if ctx is not None else []:
        names = getattr(param, "opts", [])
        if flag in names and (longest := max(names, key=len)) != flag:
            return f"{flag} ({longest})"
    return flag


# typer's value coercion (pydantic) by error type, in Norwegian.
_VALUE_ERRORS = {
    "int_parsing": "«{input}» er ikke et heltall",
    "int_from_float": "«{input}» er ikke et heltall",
    "float_parsing": "«{input}» er ikke et tall",
    "bool_parsing": "«{input}» er verken ja eller nei",
}


def _value_error(exc: Any) -> str:
    """Why a value was refused: typer's coercion error in Norwegian where it is known."""
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if errors and errors[0].get("type") in _VALUE_ERRORS:
        return _VALUE_ERRORS[errors[0]["type"]].format(input=str(errors[0].get("input", ""))[:40])
    return str(exc.message)


def _param_name(param: Any) -> str:
    """An option by its longest flag, an argument by its metavar (or name in capitals)."""
    if param is None:
        return "en verdi"
    if param.param_type_name == "option":
        return str(max(param.opts, key=len))
    return str(getattr(param, "metavar", None) or (param.name or "").upper())


def _usage_failure(exc: Any) -> None:
    """A usage error as a Norwegian line, the command's usage line and where help is; exit 2."""
    console = _console(stderr=True)
    console.print(f"[bold red]Feil:[/] {_data(_usage_text(exc))}")
    if exc.ctx is not None:
        console.print(_data(exc.ctx.get_usage()))
        console.print(_data(f"Se «{exc.ctx.command_path} -h» for hjelp."))
    sys.exit(EXIT_USAGE)
