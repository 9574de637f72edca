"""Date cells and free text that could put a wrong or unreadable value into the report: a
plain number or a negative one in a date cell, a register date before 2000, and control
characters or direction overrides in a text that reaches the report. Each is a finding at
its cell."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests import corpus
from tests.conftest import EXAMPLES, PERIOD, cell_of, read_grids, set_cells, with_other_examples
from vrapport.cli import app
from vrapport.coerce import coerce_column
from vrapport.pipeline import build
from vrapport.spec import ColumnSpec, Specs
from vrapport.validation import check_files

runner = CliRunner()
LOG = "Beredskap"


def _findings(path: Path, specs: Specs) -> list[Any]:
    (sub,) = check_files([path], specs, PERIOD)
    return sub.findings


def _only(path: Path, specs: Specs) -> tuple[Any, tuple[str, str, str, str]]:
    """The one finding of `path`, and where and what it is: (sheet, cell, severity, code)."""
    (finding,) = _findings(path, specs)
    return finding, (finding.sheet, finding.cell, finding.severity, finding.code)


def _log_cell(path: Path) -> str:
    """The date cell of the preparedness log's row of 19.3.2024 (A13 in the example)."""
    workbook = openpyxl.load_workbook(path)
    ws = workbook[LOG]
    (cell,) = [c for c in ws["A"] if c.value == dt.datetime(2024, 3, 19)]
    return str(cell.coordinate)


def _write(path: Path, ref: str, value: Any, number_format: str | None = None) -> None:
    workbook = openpyxl.load_workbook(path)
    cell = workbook[LOG][ref]
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    workbook.save(path)


def _check_cli(folder: Path) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["check", str(folder), "--period", "2024-03", "--json"])
    return result.exit_code, json.loads(result.output)["findings"]


# --- a number in a date cell ------------------------------------------------------------


def test_a_plain_number_in_a_date_cell_is_an_error_saying_it_is_a_number(specs, example_copy):
    """45370 typed in a cell without a date format: Excel shows 45370, so the date meant is
    unknown (not taken as 19.3.2024)."""
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, 45370, "General")
    finding, where = _only(path, specs)
    assert where == (LOG, ref, "error", "number-in-date")
    assert finding.message == (
        "«45\u00a0370» er et tall, ikke en dato (Dato, rad 13). Skriv datoen som dd.mm.åååå."
    )
    code, shown = _check_cli(path.parent)
    assert code == 1
    assert [(f["code"], f["cell"]) for f in shown] == [("number-in-date", ref)]


def test_a_date_typed_with_a_two_digit_year_is_an_error_saying_how_to_write_it(specs, example_copy):
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, "19.03.24", "@")
    (finding,) = _findings(path, specs)
    assert (finding.cell, finding.code) == (ref, "not-a-date")
    assert finding.message == (
        "«19.03.24» er ikke en dato (Dato, rad 13). Skriv datoen som dd.mm.åååå, for "
        "eksempel 19.03.2024."
    )


@pytest.mark.parametrize("typed", ["١٩.٠٣.٢٠٢٤", "２０２４-０３-１９"])
def test_a_date_typed_with_digits_of_another_script_is_an_error_not_a_date(
    specs, example_copy, typed
):
    """«١٩.٠٣.٢٠٢٤» was read as 19.3.2024 with the date-as-text warning: Excel sees a text."""
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, typed, "@")
    finding, where = _only(path, specs)
    assert where == (LOG, ref, "error", "other-script-digits")
    assert finding.message.startswith(f"«{typed}» er ikke en dato Excel kan regne med (Dato,")
    assert "Skriv datoen på nytt med sifrene 0–9." in finding.message


def test_a_number_in_a_date_formatted_cell_is_the_date_excel_shows(specs, example_copy):
    """The same number in a cell formatted as a date is what Excel shows: 19.3.2024 (the
    review's case bered_date_number kept the template's yyyy-mm-dd format), no finding."""
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, 45370, "dd.mm.yyyy")
    assert _findings(path, specs) == []


@pytest.mark.parametrize("number", [-1, -1e6, 0])
def test_zero_or_a_negative_number_in_a_date_cell_is_no_misleading_midnight(
    specs, example_copy, number
):
    """python-calamine reads a number below 1 in a date-formatted cell as a time of day
    (00:00 for -1 and 0): the finding says what the cell can hold, not «00:00:00»."""
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, number)  # the cell keeps the template's date format
    (finding,) = _findings(path, specs)
    assert (finding.cell, finding.severity, finding.code) == (ref, "error", "time-in-date")
    assert "00:00" not in finding.message
    assert finding.message.startswith(
        "Cellen har et tall som er 0 eller negativt i datoformat (Excel viser ###### eller "
        "00.01.1900), ikke en dato (Dato, rad 13)."
    )


def test_a_fraction_in_a_date_cell_names_the_time_it_shows(specs, example_copy):
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    _write(path, ref, -1.25)
    (finding,) = _findings(path, specs)
    assert (finding.cell, finding.code) == (ref, "time-in-date")
    assert "klokkeslettet 18:00 (eller et tall under 1 i datoformat)" in finding.message


def test_a_negative_number_in_a_date_cell_blocks_the_build(specs, example_copy, tmp_path):
    path = example_copy("drift.xlsx")
    _write(path, _log_cell(path), -1)
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["build", str(path.parent), "--period", "2024-03", "--out", str(out)]
    )
    assert result.exit_code == 1 and not out.exists()


# --- a date before 2000 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "name", "label", "column"),
    [
        (LOG, "drift.xlsx", None, "Dato"),
        ("Leverte oppdrag", "nye_tjenester.xlsx", "NT-2024-001", "Levert dato"),
    ],
)
@pytest.mark.parametrize("date", [dt.datetime(1900, 3, 1), dt.datetime(1999, 12, 31)])
def test_a_date_before_2000_is_an_error_and_not_also_left_out_of_the_count(
    specs, example_copy, sheet, name, label, column, date
):
    path = example_copy(name)
    ref = _log_cell(path) if label is None else cell_of(path, sheet, label, column)
    set_cells(path, sheet, {ref: date})
    finding, where = _only(path, specs)  # no date-before-range beside it
    assert where == (sheet, ref, "error", "date-too-early")
    shown = f"{date.day}.{date.month}.{date.year}"
    assert finding.message.startswith(f"{column} {shown} er før 1.1.2000 og er trolig feilskrevet")


def test_a_deviation_count_dated_before_2000_is_an_error_not_a_month_left_out(
    specs, example_copy, tmp_path
):
    """1.2.1924 typed for 1.2.2024: the count fell out of the report's thirteen months, the
    month vanished from the board's table without a word."""
    path = example_copy("kvalitet.xlsx")
    sheet = "Åpne avvik"
    cells = openpyxl.load_workbook(path)[sheet].iter_rows()
    ref = next(c.coordinate for row in cells for c in row if c.value == dt.datetime(2024, 2, 1))
    set_cells(path, sheet, {ref: dt.datetime(1924, 2, 1)})
    finding, where = _only(path, specs)
    assert where == (sheet, ref, "error", "date-too-early")
    assert finding.message.startswith("Telledato 1.2.1924 er før 1.1.2000")
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["build", str(path.parent), "--period", "2024-03", "--out", str(out)]
    )
    assert result.exit_code == 1 and not out.exists()


def test_a_date_from_2000_before_last_year_stays_a_warning(specs, example_copy):
    path = example_copy("drift.xlsx")
    ref = _log_cell(path)
    set_cells(path, LOG, {ref: dt.datetime(2000, 1, 1)})
    (finding,) = _findings(path, specs)
    assert (finding.cell, finding.severity, finding.code) == (ref, "warning", "date-before-range")


def test_the_1900_date_blocks_the_build_instead_of_changing_a_count(example_copy, tmp_path):
    """Before: a warning, the row left out of March's count and the drafted sentence."""
    path = example_copy("drift.xlsx")
    set_cells(path, LOG, {_log_cell(path): dt.datetime(1900, 3, 1)})
    out = tmp_path / "rapport.xlsx"
    result = runner.invoke(
        app, ["build", str(path.parent), "--period", "2024-03", "--out", str(out)]
    )
    assert result.exit_code == 1 and not out.exists()
    code, shown = _check_cli(path.parent)
    assert code == 1 and [f["code"] for f in shown] == ["date-too-early"]


# --- control characters in free text ----------------------------------------------------

TEXT = ColumnSpec("text", "Tekst", "text")


@pytest.mark.parametrize(
    ("typed", "kept", "named"),
    [
        ("Likvid\x07itet\x00 ok\x1b[31m", "Likviditet ok[31m", ["\\u0007", "\\u0000", "\\u001b"]),
        ("god \u202eRTL\u202c og \u2066x\u2069", "god RTL og x", ["\\u202e", "\\u202c", "\\u2066"]),
        ("C1\x85 og \x9f", "C1 og", ["\\u0085", "\\u009f"]),
        ("to \x07 ord og \x07\x07  tre", "to ord og  tre", ["\\u0007"]),  # no space added
        ("Linje1\nLinje2\tTab", "Linje1\nLinje2 Tab", None),  # a line break stays, no note
        ("a\r\nb\rc", "a\nb\nc", None),
        ("👨\u200d👩 sol\u00adhyphen", "👨\u200d👩 sol\u00adhyphen", None),  # joiners stay
    ],
)
def test_a_text_loses_control_and_direction_characters_with_a_note(typed, kept, named):
    for values in ([typed], [None, typed, "plain"], [typed, 1.0]):  # every path of a column
        out, notes = coerce_column(values, TEXT)
        assert out[values.index(typed)] == kept
        if named is None:
            assert notes == []
        else:
            ((position, note),) = notes
            assert position == values.index(typed)
            assert note.startswith(
                "Teksten har tegn som ikke vises, og de tas ikke med i rapporten: "
            )
            assert all(code in note for code in named), note


def test_a_plain_register_column_is_left_as_it_is():
    values = ["a", "b\nc", None, " d "]
    out, notes = coerce_column(values, TEXT)
    assert (out, notes) == (["a", "b\nc", None, "d"], [])


def _comment_cell(path: Path) -> str:
    return cell_of(path, "Kommentar", "Likviditetssituasjonen er tilfredsstillende.", "Tekst")


def test_a_comment_with_a_direction_override_is_a_warning_and_reaches_the_report_clean(
    specs, example_copy, tmp_path
):
    path = example_copy("okonomi.xlsx")
    ref = _comment_cell(path)
    set_cells(path, "Kommentar", {ref: "Likviditeten er god \u202eRTL\u202c\tnå"})
    finding, where = _only(path, specs)
    assert where == ("Kommentar", ref, "warning", "control-characters")
    assert "retningstegn \\u202e og retningstegn \\u202c" in finding.message
    folder = with_other_examples(path.parent)
    out = tmp_path / "rapport.xlsx"
    outcome = build([folder], PERIOD, out, specs)
    assert not outcome.blocked
    texts = [v for g in read_grids(out).values() for row in g for v in row if isinstance(v, str)]
    assert "Likviditeten er god RTL nå" in texts
    assert not any("\u202e" in t or "\u202c" in t for t in texts)
    code, shown = _check_cli(folder)
    assert code == 0 and [(f["code"], f["cell"]) for f in shown] == [("control-characters", ref)]


def test_a_number_in_a_duration_format_is_shown_as_excel_shows_it(tmp_path: Path) -> None:
    """python-calamine reads a number formatted [h]:mm as a duration; a finding shows it as
    Excel does (45118 → «1082832:00»), not as Python's «45118 days, 0:00:00»."""

    def duration(styles: bytes) -> bytes:
        return re.sub(rb'formatCode="yyyy-mm-dd"', b'formatCode="[h]:mm"', styles, count=1)

    path = corpus.rewrite(
        EXAMPLES / "drift.xlsx", tmp_path / "drift.xlsx", {"xl/styles.xml": duration}
    )
    result = CliRunner().invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    messages = [f["message"] for f in json.loads(result.output)["findings"]]
    assert result.exit_code == 1 and not any("days" in m for m in messages), messages
    assert any(re.match(r"«\d+:00» er ikke en dato", m) for m in messages), messages
