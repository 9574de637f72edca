"""The vrapport command line. Thin: parse options, call the library, print with rich.

Exit codes: 0 success, 1 findings that block (validation errors), 2 usage or I/O problem.
Heavy libraries (pandas, pandera, xlsxwriter) are imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from vrapport.findings import Finding
    from vrapport.period import Period
    from vrapport.spec import Specs

app = typer.Typer(
    help="vrapport: fra avdelingenes Excel-maler til styrets virksomhetsrapport.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
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


def _console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    # No emoji codes: «:warning:» in a cell is printed as typed.
    return Console(stderr=stderr, highlight=False, soft_wrap=False, emoji=False)


# Control characters other than tab and newline, shown as escapes instead of being sent to the
# terminal (an ESC in a cell must not move the cursor or recolour the screen).
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)}


def _data(value: object) -> str:
    """Text from a file, a path or an exception, ready to be put into console markup: printed
    verbatim, never read as markup (`[/b]`, `[inkl. sosiale kostnader]`)."""
    from rich.markup import escape

    return escape(str(value).translate(_CONTROLS))


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """`message` is data: it may name paths and quote what a file holds."""
    _console(stderr=True).print(f"[bold red]Feil:[/] {_data(message)}")
    return typer.Exit(code)


def _period(text: str) -> Period:
    from vrapport.period import Period, PeriodError

    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise _fail(str(exc)) from None


def _specs(folder: Path | None) -> Specs:
    from vrapport.spec import SpecError, load_specs

    try:
        return load_specs(folder)
    except SpecError as exc:
        raise _fail(f"spesifikasjonene kan ikke leses: {exc}") from None


def _print_findings(findings: list[Finding], title: str) -> None:
    from rich.table import Table

    console = _console()
    if not findings:
        return
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("Nivå", no_wrap=True)
    table.add_column("Sted", overflow="fold")
    table.add_column("Melding", overflow="fold")
    for severity, location, message in _condensed(findings):
        level = "[red]feil[/]" if severity == "error" else "[yellow]advarsel[/]"
        table.add_row(level, _data(location), _data(message))
    console.print(table)


def _condensed(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """Rows for the console: many missing values on one sheet (a sheet not filled in) are
    one row; --json keeps every finding."""
    missing: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.code == "required":
            missing.setdefault((finding.file, finding.sheet), []).append(finding)
    rows, shown = [], set()
    for finding in findings:
        group = missing.get((finding.file, finding.sheet), [])
        if finding.code == "required" and len(group) > CONDENSE_AFTER:
            if (finding.file, finding.sheet) not in shown:
                shown.add((finding.file, finding.sheet))
                cells = ", ".join(f.cell for f in group[:5])
                rows.append(
                    (
                        "error",
                        f"{finding.file} › {finding.sheet}",
                        f"{len(group)} celler mangler verdi ({cells} …). Er arket fylt ut?",
                    )
                )
            continue
        rows.append((finding.severity, finding.location, finding.message))
    return rows


def _summary(findings: list[Finding], files: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    noun = "fil" if files == 1 else "filer"
    warned = "advarsel" if warnings == 1 else "advarsler"
    return f"{files} {noun} kontrollert: {errors} feil, {warnings} {warned}."


@app.command()
def templates(
    period: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(
            metavar="[PERIODE]", help="Rapportperioden, f.eks. 2024-03.", show_default=False
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
    from vrapport.fill import fill_template
    from vrapport.prefill import carried_values, load_previous, prefill_rows
    from vrapport.templates import template_filename, write_template

    if period is not None and blank:
        raise _fail("oppgi enten en periode eller --blank, ikke begge")
    if period is None and not blank:
        raise _fail("oppgi perioden (f.eks. 2024-03), eller --blank for maler uten periode")
    if from_ and blank:
        raise _fail("--from kan ikke brukes med --blank (maler uten periode)")
    missing = [p for p in from_ or [] if not p.exists()]
    if missing:
        raise _fail("finnes ikke: " + ", ".join(str(p) for p in missing))
    the_period = _period(period) if period else None
    specs = _specs(schemas)
    wanted = only or sorted(specs.templates)
    unknown = [t for t in wanted if t not in specs.templates]
    if unknown:
        known = ", ".join(sorted(specs.templates))
        raise _fail(f"ukjent mal {', '.join(unknown)}; kjente: {known}")
    if out.exists() and not out.is_dir():
        raise _fail(f"{out} finnes og er ikke en mappe")
    targets = [out / template_filename(specs.template(t), the_period) for t in wanted]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        names = ", ".join(str(t) for t in existing)
        raise _fail(f"finnes fra før: {names}. Bruk --overwrite for å erstatte dem.")
    previous = load_previous(from_, specs, the_period) if from_ and the_period else None
    if previous is not None:
        # Only the files that will pre-fill a wanted template need to be free of errors.
        used = {s.display for t, s in previous.submissions.items() if t in wanted}
        blocking = [f for f in previous.findings if f.severity == "error" and f.file in used]
        if blocking:
            _print_findings(blocking, "Funn i forrige periodes innsendinger")
            raise _fail("rett feilene i forrige periodes innsendinger, eller kjør uten --from", 1)
    console = _console()
    for template_id, target in zip(wanted, targets, strict=True):
        spec = specs.template(template_id)
        source = previous.submissions.get(template_id) if previous else None
        prefill = prefill_rows(spec, source) if source else None
        if previous is not None and source is None:
            console.print(
                f"[yellow]Advarsel:[/] fant ingen innsending av «{_data(template_id)}» i "
                f"{_data(', '.join(str(p) for p in from_ or []))}; malen er ikke forhåndsutfylt."
            )
        carried = carried_values(spec, source, the_period) if source and the_period else {}
        try:
            path = write_template(spec, specs.report, the_period, target, prefill)
            if carried:
                fill_template(path, carried, path, specs)
        except OSError as exc:
            raise _fail(f"kan ikke skrive {target}: {exc.strerror or exc}") from None
        note = f" (forhåndsutfylt fra {source.display})" if prefill or carried else ""
        console.print(_data(f"Skrev {path}{note}"))


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FIL_ELLER_MAPPE...", help="Filer eller mapper med innsendte maler."
        ),
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
    schemas: SchemasOption = None,
) -> None:
    """Kontroller innsendinger: hver feil med fil, ark og celle."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail("finnes ikke: " + ", ".join(str(p) for p in missing))
    the_period = _period(period) if period else None
    specs = _specs(schemas)

    from vrapport.validation import check_duplicates, check_files, check_periods, collect_files

    files = collect_files(paths)
    if not files:
        raise _fail("fant ingen filer å kontrollere i " + ", ".join(str(p) for p in paths))
    submissions = check_files(files, specs, the_period)
    findings = [f for sub in submissions for f in sub.findings] + check_duplicates(submissions)
    if the_period is None:
        findings += check_periods(submissions)
    if as_json:
        payload = {
            "files": [
                {
                    "file": s.display,
                    "template": s.template_id,
                    "sha256": s.sha256,
                    "errors": sum(f.severity == "error" for f in s.findings),
                    "warnings": sum(f.severity == "warning" for f in s.findings),
                }
                for s in submissions
            ],
            "findings": [f.to_dict() for f in findings],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_findings(findings, "Funn")
        _console().print(_summary(findings, len(files)))
    if feedback is not None:
        _write_feedback(submissions, feedback, quiet=as_json)
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


def _write_feedback(submissions, folder: Path, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    from vrapport.feedback import write_feedback

    inputs = {s.path.resolve().parent for s in submissions}
    if folder.resolve() in inputs:
        raise _fail("--feedback må være en annen mappe enn innsendingene")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        written = [p for s in submissions if (p := write_feedback(s, folder, taken)) is not None]
    except OSError as exc:
        reason = exc.strerror or exc
        raise _fail(f"kan ikke skrive tilbakemeldinger til {folder}: {reason}") from None
    if not quiet:
        for path in written:
            _console().print(_data(f"Skrev tilbakemelding {path}"))


@app.command()
def build(
    folder: Annotated[
        list[Path],
        typer.Argument(help="Mappe(r) eller filer med innsendte maler."),
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
            help="Tidspunktet som står på Kilder, f.eks. 2024-04-10T12:00 "
            "(standard: siste lagring av innsendingene, så ombygging gir samme fil).",
        ),
    ] = None,
    schemas: SchemasOption = None,
) -> None:
    """Kontroller innsendingene og skriv virksomhetsrapporten (.xlsx)."""
    missing = [p for p in [*folder, *(previous or [])] if not p.exists()]
    if missing:
        raise _fail("finnes ikke: " + ", ".join(str(p) for p in missing))
    if out.suffix.lower() != ".xlsx":
        raise _fail(f"rapportfilen må slutte på .xlsx: {out}")
    if out.exists() and out.is_dir():
        raise _fail(f"{out} er en mappe")
    the_period = _period(period)
    stamp = _timestamp(build_time) if build_time else None
    _refuse_inputs_as_outputs(
        [*folder, *(previous or [])],
        [out, *([out.with_suffix(".pdf")] if pdf else []), *([trace] if trace else [])],
    )
    specs = _specs(schemas)

    from vrapport.pipeline import build as build_report

    try:
        outcome = build_report(
            folder,
            the_period,
            out,
            specs,
            narrative=not no_narrative,
            previous=previous,
            build_time=stamp,
        )
    except OSError as exc:
        raise _fail(f"kan ikke skrive {out}: {exc.strerror or exc}") from None
    _print_findings(outcome.findings, "Funn")
    if outcome.blocked or outcome.path is None:
        _console(stderr=True).print(
            "[bold red]Rapporten ble ikke laget:[/] rett feilene over og kjør på nytt."
        )
        raise typer.Exit(EXIT_FINDINGS)
    chapters = len(outcome.report.sections) - 2  # the front page and Kilder are not chapters
    made = chapters - len(outcome.missing)
    lacking = f"; ikke levert: {', '.join(outcome.missing)}" if outcome.missing else ""
    _console().print(_data(f"Skrev {outcome.path} ({made} av {chapters} kapitler{lacking})."))
    if trace is not None:
        _write_trace(trace, outcome)
        _console().print(_data(f"Skrev sporbarhet til {trace} ({len(outcome.lineage)} tall)."))
    if pdf:
        from vrapport.pdf import PdfError, board_pack

        try:
            made = board_pack(outcome.report, out.with_suffix(".pdf"))
        except PdfError as exc:
            raise _fail(str(exc)) from None
        _console().print(_data(f"Skrev {made}"))


def _refuse_inputs_as_outputs(inputs: list[Path], outputs: list[Path]) -> None:
    """Input files are never modified: an output that names one of them is a usage error."""
    from vrapport.validation import collect_files

    taken = {p.resolve() for p in collect_files(inputs)}
    clash = [o for o in outputs if o.resolve() in taken]
    if clash:
        raise _fail(f"{clash[0]} er en av innsendingene; velg et annet navn for rapporten")


def _timestamp(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"«{text}» er ikke et tidspunkt på formen 2024-04-10T12:00") from None


def _write_trace(path: Path, outcome) -> None:  # type: ignore[no-untyped-def]
    from vrapport.atomic import atomic_path

    payload = {
        "report": outcome.report.heading,
        "period": str(outcome.report.period),
        "build_time": outcome.build_time.isoformat() if outcome.build_time else None,
        "files": [vars(f) for f in outcome.files],
        "figures": outcome.lineage,
    }
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        raise _fail(f"kan ikke skrive {path}: {exc.strerror or exc}") from None


def main() -> None:
    """Entry point. An unexpected error is reported in one line (exit 2), not a traceback;
    set VRAPPORT_DEBUG=1 to see the traceback."""
    import os

    try:
        app()
    except Exception as exc:  # noqa: BLE001 - the last guard before the user's terminal
        if os.environ.get("VRAPPORT_DEBUG"):
            raise
        _console(stderr=True).print(
            f"[bold red]Intern feil:[/] {type(exc).__name__}: {_data(exc)}\n"
            "Ingen filer er endret. Kjør med VRAPPORT_DEBUG=1 for detaljer, og meld feilen."
        )
        sys.exit(EXIT_USAGE)
