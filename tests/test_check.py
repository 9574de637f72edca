"""`vrapport check`: every problem is a finding naming file, sheet and cell; never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD, cell_of, set_cells
from vrapport.cli import app
from vrapport.period import Period
from vrapport.spec import Specs
from vrapport.validation import check_files

runner = CliRunner()
PREVIOUS = EXAMPLES.parent / "2024-02"


def findings_of(path: Path, specs: Specs, period: Period | None = PERIOD):
    (sub,) = check_files([path], specs, period)
    return sub.findings


def only(findings, code: str):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no {code} in {[(f.code, f.cell) for f in findings]}"
    return hits


def test_example_submissions_are_clean(specs: Specs):
    for path in sorted(EXAMPLES.glob("*.xlsx")):
        errors = [str(f) for f in findings_of(path, specs) if f.severity == "error"]
        assert errors == [], path.name


def test_text_in_a_number_cell_names_file_sheet_and_cell(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})  # SLA, mars faktisk
    (finding,) = only(findings_of(path, specs), "not-a-number")
    assert (finding.file, finding.sheet, finding.cell) == ("okonomi.xlsx", "Resultat", "F6")
    assert finding.severity == "error"
    assert str(finding) == (
        "okonomi.xlsx › Resultat › F6: «abc» er ikke et tall "
        "(Faktisk, SLA (tjenesteavtaler), mars). Skriv bare tallet, uten tekst eller enhet "
        "(som «kr»)."
    )


def test_missing_actual_up_to_the_period_is_an_error(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F7": None})  # Prosjekt, mars
    (finding,) = only(findings_of(path, specs), "required")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", "F7", "error")
    assert "Prosjekt/oppdrag/annet" in finding.message


def test_missing_actual_after_the_period_is_fine(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    assert not [f for f in findings_of(path, specs) if f.code == "required"]


def test_actual_after_the_period_is_a_warning(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"H6": 1000})  # SLA, april
    (finding,) = only(findings_of(path, specs), "value-after-period")
    assert (finding.cell, finding.severity) == ("H6", "warning")
    assert finding.message == (
        "Faktisk er fylt ut for SLA (tjenesteavtaler), april, men rapporten gjelder mars 2024. "
        "Tallet blir ikke brukt."
    )


def test_norwegian_number_text_is_read_with_a_warning(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": "28 399 612"})
    findings = findings_of(path, specs)
    (warning,) = only(findings, "number-as-text")
    assert (warning.sheet, warning.cell, warning.severity) == ("Investeringer", "C5", "warning")
    assert not [f for f in findings if f.severity == "error"]
    (sub,) = check_files([path], specs, PERIOD)
    frame = sub.sheets["investments"].frame.set_index("_row")
    assert frame.at["project_capex", "actual_ytd"] == 28_399_612


def test_ambiguous_number_text_is_an_error(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": "1.5"})
    (finding,) = only(findings_of(path, specs), "not-a-number")
    assert finding.cell == "C5"


def test_below_minimum_names_the_cell(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Årsverk", {"B7": -3})  # februar
    (finding,) = only(findings_of(path, specs), "below-minimum")
    assert (finding.sheet, finding.cell) == ("Årsverk", "B7")


def test_choice_outside_the_list(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Kommentar", {"A5": "Diverse"})
    (finding,) = only(findings_of(path, specs), "not-in-list")
    assert (finding.sheet, finding.cell) == ("Kommentar", "A5")


def test_error_value_and_formula_without_cached_value(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F8": "=1/0", "G8": "=SUM(B8:E8)"})
    findings = findings_of(path, specs)
    cells = {f.cell: f.code for f in findings if f.severity == "error"}
    # openpyxl writes formulas without cached values: both are findings, not blanks.
    assert cells == {"F8": "formula-without-value", "G8": "formula-without-value"}


def test_submission_for_another_period(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    (finding,) = only(findings_of(path, specs, Period(2024, 4)), "wrong-period")
    assert (finding.sheet, finding.cell) == ("_meta", "B4")
    # What to do, in words for a department too (the cell is in the hidden _meta sheet).
    assert finding.message == (
        "Filen gjelder mars 2024, men rapporten gjelder april 2024. "
        "Bruk malen for april 2024 og før inn tallene der."
    )
    assert finding.to_dict()["params"] == {"stamped": "mars 2024", "period": "april 2024"}


@pytest.mark.parametrize("number_format", [None, "mmm.yy"])
def test_a_period_stored_as_a_date_in_meta_says_it_is_a_date(
    specs: Specs, example_copy, number_format: str | None
):
    """«2024-03» typed into _meta's period cell is the date 1.3.2024 to Excel: the finding
    said «Ugyldig periode «2024-03-01»» (or «45352»), not that it is a date nor what to type."""
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    cell = workbook["_meta"]["B4"]
    cell.value = dt.datetime(2024, 3, 1) if number_format is None else 45352
    if number_format is not None:
        cell.number_format = number_format
    workbook.save(path)
    (finding,) = findings_of(path, specs)
    assert (finding.sheet, finding.cell, finding.code) == ("_meta", "B4", "period-as-date")
    assert finding.message.startswith(
        "Perioden er lagret som datoen 01.03.2024, ikke som tekst på formen ÅÅÅÅ-MM"
    )
    assert "Skriv perioden med apostrof foran, '2024-03," in finding.message


def test_a_period_that_is_a_plain_number_says_how_to_write_it(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "_meta", {"B4": 45352})
    (finding,) = findings_of(path, specs)
    assert (finding.cell, finding.code) == ("B4", "bad-period")
    assert finding.message.startswith(
        "Ugyldig periode «45352». Perioden skal stå som tekst på formen ÅÅÅÅ-MM, for "
        "eksempel 2024-03."
    )


def test_meta_of_another_template(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "_meta", {"B2": "lonn"})
    (finding,) = only(findings_of(path, specs), "unknown-template")
    assert finding.cell == "B2"


def test_older_spec_version(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "_meta", {"B3": "0"})
    (finding,) = only(findings_of(path, specs), "wrong-version")
    assert finding.message == (
        f"Filen er laget fra versjon 0 av malen «okonomi», men gjeldende versjon er "
        f"{specs.template('okonomi').version}. Hent ny mal, fra innsamlingstjenesten eller fra "
        "controller."
    )


def test_missing_sheet(specs: Specs, example_copy):
    import openpyxl

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    del workbook["Likviditet"]
    workbook.save(path)
    (finding,) = only(findings_of(path, specs), "missing-sheet")
    assert finding.sheet == "Likviditet" and "mangler" in finding.message


def test_moved_table_is_still_found(specs: Specs, example_copy):
    import openpyxl

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Investeringer"]
    ws.protection.sheet = False
    ws.insert_rows(3, amount=2)
    ws.insert_cols(1)
    workbook.save(path)
    findings = findings_of(path, specs)
    assert [f for f in findings if f.severity == "error"] == []
    (sub,) = check_files([path], specs, PERIOD)
    assert sub.sheets["investments"].cells.iloc[0]["actual_ytd"] == "D7"


def _bad_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "code", "words"),
    [
        ("rapport.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not-xlsx", "PDF"),
        ("tom.xlsx", b"", "empty-file", "tom"),
        ("skadet.xlsx", b"PK\x03\x04" + b"\x00" * 200, "corrupt-file", "skadet"),
        ("html.xlsx", b"<!DOCTYPE html><html><body>x</body></html>", "not-xlsx", "HTML"),
        (
            "kryptert.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 500
            + "EncryptedPackage".encode("utf-16-le"),
            "encrypted-file",
            "kryptert",
        ),
        ("gammel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-xls", ".xls"),
    ],
)
def test_files_that_are_not_workbooks(specs, tmp_path, name, data, code, words):
    path = _bad_file(tmp_path, name, data)
    (finding,) = findings_of(path, specs)
    assert (finding.file, finding.code, finding.severity) == (name, code, "error")
    assert words in finding.message


def test_zip_that_is_not_a_workbook(specs, tmp_path):
    path = tmp_path / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    (finding,) = findings_of(path, specs)
    assert finding.code == "not-xlsx" and ".ods" in finding.message


def test_zip_bomb_is_refused_before_parsing(specs, tmp_path):
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    (finding,) = findings_of(path, specs)
    assert finding.code == "suspicious-file"


def test_xml_entities_are_refused(specs, tmp_path, example_copy):
    source = example_copy("okonomi.xlsx")
    path = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"<workbook", b'<!DOCTYPE x [<!ENTITY a "b">]><workbook', 1)
            dst.writestr(item, data)
    (finding,) = findings_of(path, specs)
    assert finding.code == "suspicious-file"


def test_input_files_are_never_modified(specs, example_copy):
    path = example_copy("okonomi.xlsx")
    before = path.read_bytes()
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03"])
    assert result.exit_code == 0
    assert path.read_bytes() == before


# --- the command line -------------------------------------------------------------------


def test_cli_check_clean_example_exits_0(specs):
    result = runner.invoke(app, ["check", str(EXAMPLES / "okonomi.xlsx"), "--period", "2024-03"])
    assert result.exit_code == 0, result.output
    assert "0 feil" in result.output


def test_cli_check_abc_names_file_sheet_cell_and_exits_1(example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    result = runner.invoke(app, ["check", str(path.parent)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "okonomi.xlsx › Resultat › F6" in result.output
    assert "«abc» er ikke et tall" in result.output


def test_cli_check_json(example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    (finding,) = [f for f in payload["findings"] if f["severity"] == "error"]
    assert finding | {"message": ""} == {
        "file": "okonomi.xlsx",
        "sheet": "Resultat",
        "cell": "F6",
        "column": "Faktisk",
        "severity": "error",
        "code": "not-a-number",
        "category": "value",
        "message": "",
        "location": "okonomi.xlsx › Resultat › F6",
        "where": {
            "file": "okonomi.xlsx",
            "sheet": "Resultat",
            "kind": "cell",
            "ref": "F6",
            "cell": "F6",
            "row": 6,
            "column_key": "actual",
            "column": "Faktisk",
        },
        "params": {"shown": "abc", "label": "SLA (tjenesteavtaler), mars"},
        "previous": False,
    }
    assert payload["files"][0]["template"] == "okonomi"
    assert len(payload["files"][0]["sha256"]) == 64


def test_cli_check_pdf_renamed_to_xlsx(tmp_path):
    path = _bad_file(tmp_path, "okonomi.xlsx", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    result = runner.invoke(app, ["check", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "okonomi.xlsx" in result.output and "PDF" in result.output
    assert "Traceback" not in result.output


def test_cli_check_missing_path_is_usage_error(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "finnes-ikke.xlsx")])
    assert result.exit_code == 2
    assert "finnes ikke" in result.output


def test_cli_check_bad_period_is_usage_error():
    result = runner.invoke(app, ["check", str(EXAMPLES), "--period", "mars"])
    assert result.exit_code == 2
    assert "ÅÅÅÅ-MM" in result.output


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_empty_folder_is_the_wrong_folder_for_check_and_build(tmp_path, command):
    """build said «Fant ingen innsendte filer» as a finding, exit 1 («rett feilene over»)."""
    folder = tmp_path / "innsendt"
    folder.mkdir()
    out = ["--period", "2024-03", "--out", str(tmp_path / "r.xlsx")] if command == "build" else []
    result = runner.invoke(app, [command, str(folder), *out])
    assert result.exit_code == 2
    assert f"Feil: fant ingen regneark å kontrollere i {folder}" in " ".join(result.output.split())
    assert not (tmp_path / "r.xlsx").exists()


def test_a_folder_of_only_a_pdf_says_what_it_passed_over(tmp_path):
    (tmp_path / "okonomi mars.pdf").write_bytes(b"%PDF-1.7\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "fant ingen regneark" in result.output and "okonomi mars.pdf" in result.output


def test_a_file_in_the_folder_that_is_no_spreadsheet_is_a_warning_naming_it(tmp_path):
    import shutil

    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    (folder / "hr.pdf").write_bytes(b"%PDF-1.7\n")  # sent instead of, or besides, the workbook
    (folder / "~$okonomi.xlsx").write_bytes(b"lock")  # Excel's lock file: not read itself
    (folder / ".DS_Store").write_bytes(b"")
    result = runner.invoke(app, ["check", str(folder), "--period", "2024-03", "--json"])
    assert result.exit_code == 0
    findings = json.loads(result.output)["findings"]
    skipped = [f for f in findings if f["code"] == "skipped-file"]
    assert [(f["file"], f["severity"]) for f in skipped] == [("hr.pdf", "warning")]
    assert "ikke et regneark (.pdf)" in skipped[0]["message"]
    # ... but the workbook it locks is open in Excel (see the test of submission-open)
    assert [(f["code"], f["file"]) for f in findings] == [
        ("skipped-file", "hr.pdf"),
        ("submission-open", "okonomi.xlsx"),
    ]


def test_feedback_copy_marks_the_cell_and_leaves_the_original(example_copy, tmp_path):
    import openpyxl

    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    before = path.read_bytes()
    out = tmp_path / "retur"
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--feedback", str(out)])
    assert result.exit_code == 1
    assert path.read_bytes() == before
    copy = openpyxl.load_workbook(out / "okonomi_tilbakemelding.xlsx")
    cell = copy["Resultat"]["F6"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "«abc» er ikke et tall" in cell.comment.text
    summary = copy.worksheets[0]
    assert summary.title == "Tilbakemelding"
    assert summary["A1"].value == "Tilbakemelding på okonomi.xlsx"
    assert summary["A2"].value.startswith("1 feil og 0 advarsler. I arkene er celler med feil")
    assert [c.value for c in summary[4]] == ["Nivå", "Ark", "Celle", "Melding"]
    assert [c.value for c in summary[5]][:3] == ["Feil", "Resultat", "F6"]
    # Printed one A4 page wide, landscape; the header in the workbook's sans-serif font.
    assert (summary.page_setup.orientation, summary.page_setup.fitToWidth) == ("landscape", 1)
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary["A4"].font.name == "Calibri" and summary["A4"].font.bold


def test_feedback_folder_must_differ_from_the_submissions(example_copy):
    path = example_copy("okonomi.xlsx")
    before = sorted(path.parent.iterdir())
    result = runner.invoke(app, ["check", str(path), "--feedback", str(path.parent)])
    assert result.exit_code == 2
    assert "--feedback må være en annen mappe enn innsendingene" in result.output
    assert "kontrollert" not in result.output  # refused before the check, not after it
    assert sorted(path.parent.iterdir()) == before
    folder = runner.invoke(app, ["check", str(path.parent), "--feedback", str(path.parent)])
    assert folder.exit_code == 2 and "kontrollert" not in folder.output


def test_feedback_for_files_without_findings_says_there_is_none(tmp_path):
    out = tmp_path / "retur"
    result = runner.invoke(
        app, ["check", str(EXAMPLES / "hr.xlsx"), "--period", "2024-03", "--feedback", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Ingen tilbakemeldinger å skrive: ingen funn i filene." in result.output
    assert list(out.iterdir()) == []


def test_damaged_member_is_a_finding_not_a_crash(specs, example_copy):
    path = example_copy("okonomi.xlsx")
    data = bytearray(path.read_bytes())
    for i in range(6000, 6100):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    (finding,) = findings_of(path, specs)
    assert (finding.code, finding.severity) == ("corrupt-file", "error")
    result = runner.invoke(app, ["check", str(path.parent), str(EXAMPLES / "ledelse.xlsx")])
    assert result.exit_code == 1  # the other file is still checked; no "Intern feil"
    assert "Intern feil" not in result.output


def test_absurd_amount_is_refused(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": 1e20})
    (finding,) = only(findings_of(path, specs), "above-maximum")
    assert finding.cell == "F6"
    assert finding.message.startswith("1E+20 er større")  # as Excel shows it, not 21 digits


@pytest.mark.parametrize("text", ["1,234", "1.234", "1.5", "12,345"])
def test_number_text_an_english_reader_would_read_differently_is_an_error(
    specs: Specs, example_copy, text
):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": text})
    (finding,) = only(findings_of(path, specs), "not-a-number")
    assert finding.cell == "C5" and f"«{text}»" in finding.message


@pytest.mark.parametrize(
    ("text", "value"), [("1.234.567", 1234567), ("1.234,5", 1234.5), ("1 234,25", 1234.25)]
)
def test_unambiguous_number_text_is_read_exactly(specs: Specs, example_copy, text, value):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": text})
    (warning,) = only(findings_of(path, specs), "number-as-text")
    from vrapport.numbers import format_plain

    assert f"lest som {format_plain(value)}." in warning.message
    (sub,) = check_files([path], specs, PERIOD)
    assert (
        sub.sheets["investments"].frame.set_index("_row").at["project_capex", "actual_ytd"] == value
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("٢٨ ٣٩٩ ٦١٢", "«٢» (U+0662)"),  # Arabic-Indic
        ("２８３９９６１２", "«２» (U+FF12)"),  # fullwidth
        ("२८३९९६१२", "«२» (U+0968)"),  # Devanagari
        ("28 399 ٦١٢", "«٦» (U+0666)"),  # one group only
        ("-٣٤,٥", "«٣» (U+0663)"),
    ],
)
def test_digits_of_another_script_in_number_text_are_an_error_not_a_number(
    specs: Specs, example_copy, text: str, named: str
):
    """Python's float() reads «٢٨ ٣٩٩ ٦١٢» as 28 399 612; Excel sees a text. It was read as
    the figure with only the number-as-text warning."""
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": text})
    findings = findings_of(path, specs)
    (finding,) = [f for f in findings if f.severity == "error"]
    assert (finding.sheet, finding.cell, finding.code) == (
        "Investeringer",
        "C5",
        "other-script-digits",
    )
    assert finding.message.startswith(f"«{text}» er ikke et tall Excel kan regne med")
    assert named in finding.message and "sifrene 0–9" in finding.message
    assert not [f for f in findings if f.code == "number-as-text"]
    (sub,) = check_files([path], specs, PERIOD)
    value = sub.sheets["investments"].frame.set_index("_row").at["project_capex", "actual_ytd"]
    assert value == text  # not a number


def test_digits_of_another_script_in_a_count_are_an_error(specs: Specs, example_copy):
    path = example_copy("brukerstotte.xlsx")
    cell = cell_of(path, "Henvendelser", "mars", "Henvendelser totalt")
    set_cells(path, "Henvendelser", {cell: "١٢٣٤"})
    (finding,) = [f for f in findings_of(path, specs) if f.severity == "error"]
    assert (finding.cell, finding.code) == (cell, "other-script-digits")
    assert "«١» (U+0661)" in finding.message


def test_a_period_in_meta_with_digits_of_another_script_is_no_period(specs, example_copy):
    """«٢٠٢٤-٠٣» in _meta was read as the period 2024-03."""
    path = set_cells(example_copy("okonomi.xlsx"), "_meta", {"B4": "٢٠٢٤-٠٣"})
    (finding,) = only(findings_of(path, specs), "bad-period")
    assert (finding.sheet, finding.cell, finding.severity) == ("_meta", "B4", "error")


def test_grid_messages_name_the_month(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"Y6": None})  # SLA, des. budsjett
    (finding,) = only(findings_of(path, specs), "required")
    assert finding.message == "Mangler verdi: Budsjett for SLA (tjenesteavtaler), desember."


def test_findings_come_in_reading_order(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F8": "x", "B7": "y", "D7": "z"})
    cells = [f.cell for f in findings_of(path, specs) if f.sheet == "Resultat"]
    assert cells == ["B7", "D7", "F8"]


def test_a_file_named_twice_is_checked_once():
    result = runner.invoke(
        app, ["check", str(EXAMPLES), str(EXAMPLES / "okonomi.xlsx"), "--period", "2024-03"]
    )
    assert result.exit_code == 0, result.output
    assert "duplicate-template" not in result.output and "To filer" not in result.output


def test_same_file_name_in_two_folders_is_told_apart(specs: Specs, tmp_path):
    import shutil

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "okonomi.xlsx", tmp_path / folder / "okonomi.xlsx")
    # Not an identical copy (those are read once): an April actual, a warning.
    set_cells(tmp_path / "b" / "okonomi.xlsx", "Resultat", {"H6": 1000})
    result = runner.invoke(app, ["check", str(tmp_path / "a"), str(tmp_path / "b"), "--json"])
    payload = json.loads(result.stdout)
    assert [f["file"] for f in payload["files"]] == ["a/okonomi.xlsx", "b/okonomi.xlsx"]
    (duplicate,) = [f for f in payload["findings"] if f["code"] == "duplicate-template"]
    assert "a/okonomi.xlsx og b/okonomi.xlsx" in duplicate["message"]


def test_files_of_different_periods_checked_together(tmp_path):
    import shutil

    shutil.copy(EXAMPLES / "okonomi.xlsx", tmp_path / "okonomi.xlsx")
    shutil.copy(EXAMPLES.parent / "2024-02" / "prosjekt.xlsx", tmp_path / "prosjekt.xlsx")
    result = runner.invoke(app, ["check", str(tmp_path), "--json"])
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "mixed-periods"]
    assert "2024-02: prosjekt.xlsx" in finding["message"]
    assert "2024-03: okonomi.xlsx" in finding["message"]


def test_feedback_copies_of_same_named_files_do_not_overwrite(tmp_path):
    import shutil

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        path = Path(shutil.copy(EXAMPLES / "okonomi.xlsx", tmp_path / folder / "okonomi.xlsx"))
        set_cells(path, "Resultat", {"F6": f"abc {folder}"})  # two files, not identical copies
    out = tmp_path / "retur"
    result = runner.invoke(
        app,
        [
            "check",
            str(tmp_path / "a"),
            str(tmp_path / "b"),
            "--period",
            "2024-03",
            "--feedback",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "a_okonomi_tilbakemelding.xlsx",
        "b_okonomi_tilbakemelding.xlsx",
    ]


def test_templates_do_not_overwrite_without_asking(tmp_path):
    first = runner.invoke(
        app, ["templates", "2024-04", "--out", str(tmp_path), "--only", "okonomi"]
    )
    assert first.exit_code == 0
    target = tmp_path / "okonomi_2024-04.xlsx"
    target.write_bytes(b"filled in by the department")
    again = runner.invoke(
        app, ["templates", "2024-04", "--out", str(tmp_path), "--only", "okonomi"]
    )
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert target.read_bytes() == b"filled in by the department"
    forced = runner.invoke(
        app, ["templates", "2024-04", "--out", str(tmp_path), "--only", "okonomi", "--overwrite"]
    )
    assert forced.exit_code == 0 and target.read_bytes().startswith(b"PK")


def test_templates_from_only_checks_what_it_prefills(tmp_path):
    import shutil

    previous = tmp_path / "forrige"
    previous.mkdir()
    shutil.copy(EXAMPLES.parent / "2024-02" / "prosjekt.xlsx", previous / "prosjekt.xlsx")
    bad = Path(shutil.copy(EXAMPLES / "okonomi.xlsx", previous / "okonomi.xlsx"))
    set_cells(bad, "Resultat", {"F6": "abc"})
    result = runner.invoke(
        app,
        [
            "templates",
            "2024-04",
            "--out",
            str(tmp_path / "maler"),
            "--only",
            "prosjekt",
            "--from",
            str(previous),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "forhåndsutfylt" in result.output


def test_unfilled_records_template_is_refused(specs: Specs, make_template):
    path = make_template("prosjekt")
    (finding,) = only(findings_of(path, specs), "too-few-rows")
    assert (finding.sheet, finding.severity) == ("Prosjekter", "error")
    assert "Er malen fylt ut?" in finding.message


def test_cost_with_the_wrong_sign_is_a_warning(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F9": -41595725})  # payroll
    findings = findings_of(path, specs)
    (finding,) = only(findings, "unexpected-sign")
    assert (finding.cell, finding.severity) == ("F9", "warning")
    assert finding.message.startswith("Personalkostnader føres normalt som positivt beløp")
    # Capitalised payroll is negative by design: no warning for it.
    assert not [f for f in findings if f.code == "unexpected-sign" and f.cell.endswith("10")]


def test_console_condenses_a_sheet_that_is_not_filled_in(make_template):
    path = make_template("okonomi")
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "180 celler mangler verdi (B6, C6, D6, E6, F6 …). Er arket fylt ut?" in result.output
    as_json = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    required = [f for f in json.loads(as_json.stdout)["findings"] if f["code"] == "required"]
    assert len(required) == 197  # JSON keeps every finding


def test_values_in_messages_look_as_in_norwegian_excel(specs: Specs, example_copy):
    import datetime as dt

    path = set_cells(
        example_copy("okonomi.xlsx"), "Resultat", {"F6": True, "F7": dt.datetime(2024, 3, 1)}
    )
    messages = {f.cell: f.message for f in findings_of(path, specs) if f.code == "not-a-number"}
    assert messages["F6"].startswith("«SANN» er ikke et tall")
    assert messages["F7"].startswith("«01.03.2024» er ikke et tall")


def test_month_rows_are_named_in_running_text(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Årsverk", {"B8": None})  # mars
    (finding,) = only(findings_of(path, specs), "required")
    assert finding.message == "Mangler verdi: Årsverk for mars."


def test_merged_input_cells_and_extra_sheets(specs: Specs, example_copy):
    import openpyxl

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Investeringer"].merge_cells("B5:C5")
    workbook.create_sheet("Notater")
    workbook.save(path)
    findings = findings_of(path, specs)
    (merged,) = only(findings, "merged-input-cells")
    assert (merged.sheet, merged.ref, merged.severity) == ("Investeringer", "B5:C5", "error")
    assert (merged.kind, merged.cell, merged.location) == (
        "range",
        "B5",
        "okonomi.xlsx › Investeringer › B5:C5",
    )
    (extra,) = only(findings, "extra-sheet")
    assert (extra.sheet, extra.severity) == ("Notater", "warning")


def test_hidden_row_with_inputs_is_warned_about(specs: Specs, example_copy):
    import openpyxl

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Resultat"].row_dimensions[9].hidden = True  # Personalkostnader
    workbook.save(path)
    (finding,) = only(findings_of(path, specs), "hidden-row")
    assert (finding.sheet, finding.cell, finding.severity) == ("Resultat", "A9", "warning")
    assert (finding.kind, finding.ref, finding.location) == (
        "row",
        "9:9",
        "okonomi.xlsx › Resultat › rad 9",
    )


# --- a bug in vrapport while checking one file ---------------------------------------------


def _broken_for(display: str, original):
    def reader(grid, sub, *args):
        if sub.display == display:
            raise KeyError("intern nøkkel")
        return original(grid, sub, *args)

    return reader


def test_a_bug_while_reading_one_file_is_reported_for_that_file(monkeypatch, tmp_path):
    import shutil

    from vrapport import reader

    folder = tmp_path / "inn"
    shutil.copytree(EXAMPLES, folder)
    monkeypatch.delenv("VRAPPORT_DEBUG", raising=False)
    monkeypatch.setitem(reader.READERS, "grid", _broken_for("okonomi.xlsx", reader._read_grid))
    result = runner.invoke(app, ["check", str(folder), "--period", "2024-03", "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    errors = [f for f in payload["findings"] if f["severity"] == "error"]
    assert [(f["file"], f["code"]) for f in errors] == [("okonomi.xlsx", "internal-error")]
    assert errors[0]["message"].startswith(
        "Feil i vrapport, ikke i filen: kontrollen av filen stoppet (KeyError: 'intern nøkkel')."
    )
    assert errors[0]["where"]["kind"] == "file"
    # Every other file was read and checked: recognised, and clean as the examples are.
    others = [f for f in payload["files"] if f["file"] != "okonomi.xlsx"]
    assert len(others) == len(list(EXAMPLES.glob("*.xlsx"))) - 1
    assert all(f["template"] and f["errors"] == 0 for f in others)


def test_a_bug_in_a_cross_check_is_not_reported_as_a_corrupt_file(monkeypatch, specs, tmp_path):
    from vrapport.checks import load_checks

    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    monkeypatch.delenv("VRAPPORT_DEBUG", raising=False)
    monkeypatch.setitem(load_checks(), "finance-signs", broken)
    okonomi, hr = EXAMPLES / "okonomi.xlsx", EXAMPLES / "hr.xlsx"
    by_file = {s.display: s for s in check_files([okonomi, hr], specs, PERIOD)}
    assert [f.code for f in by_file["okonomi.xlsx"].findings if f.severity == "error"] == [
        "internal-error"
    ]
    assert not [f for f in by_file["hr.xlsx"].findings if f.severity == "error"]
    assert "corrupt-file" not in {f.code for s in by_file.values() for f in s.findings}


def test_percent_text_in_an_amount_cell_is_an_error(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"C5": "12 %"})
    findings = findings_of(path, specs)
    (finding,) = only(findings, "percent-in-number")
    assert (finding.cell, finding.severity) == ("C5", "error")
    assert "«12 %» er en prosent" in finding.message and "uten %" in finding.message
    assert not [f for f in findings if f.code == "not-a-number"]
    assert not [f for f in findings if f.code == "number-as-text"]


@pytest.mark.parametrize("kind", ["decimal", "percent", "integer", "date", "text", "choice"])
def test_whole_column_coercion_equals_converting_each_value(kind):
    import datetime as dt

    from vrapport.coerce import COERCERS, coerce_column
    from vrapport.spec import ColumnSpec

    column = ColumnSpec("x", "X", kind, choices=("Grønn", "Gul") if kind == "choice" else ())
    values = [None, 1, 2.0, 2.5, True, " 1 234,5 ", "12 %", "1.5", "abc", " gul ", "GRØNN",
              dt.datetime(2024, 3, 1, 12), dt.date(2024, 3, 2), "01.03.2024", "2024-03-31",
              "31.02.2024", 7.0]  # fmt: skip
    converted, noted = coerce_column(values, column)
    expected = [(None, None) if v is None else COERCERS[kind](v, column) for v in values]
    assert [(type(v), v) for v in converted] == [(type(v), v) for v, _ in expected]
    assert noted == [(i, note) for i, (_, note) in enumerate(expected) if note]
    assert bool(noted) == (kind not in ("text", "choice")), "number and date text is noted"


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("decimal", [1.5, None, 2.0, -3.25]),
        ("integer", [1, None, 7]),
        ("date", [None, "date", "date"]),
        ("text", [" a ", None, "b", "  "]),
        ("choice", ["Grønn", None, " gul ", "GRØNN", "Rød", "Gul"]),
        ("choice-multiple", ["Grønn; gul", None, " gul ", "", "Blå;GRØNN"]),
        ("integer", [1, 2.0, None]),  # a whole float in an integer column becomes an int
        ("decimal", [1.0, True]),  # a bool is no number: left for validation
        ("integer", [1.0, 2.5, None, 3, float("inf"), -0.0, 2.0**60, float("nan")]),
        ("text", ["a", "b c"]),  # nothing to strip: the list comes back as it is
        ("choice", ["Grønn", "Gul", None]),  # every choice spelled as the list spells it
        ("choice-multiple", ["Grønn; Gul", "; ;"]),
    ],
)
def test_a_column_of_one_type_is_coerced_as_each_value_would_be(kind, values):
    import datetime as dt

    from vrapport.coerce import coerce_column
    from vrapport.spec import ColumnSpec

    values = [dt.date(2024, 3, 1) if v == "date" else v for v in values]
    kind, _, multiple = kind.partition("-")
    choices = ("Grønn", "Gul") if kind == "choice" else ()
    column = ColumnSpec("x", "X", kind, choices=choices, multiple=bool(multiple))
    converted, noted = coerce_column(values, column)
    one_by_one, expected_notes = coerce_column([*values, object()], column)  # no shortcut
    assert [(type(v), v) for v in converted] == [(type(v), v) for v in one_by_one[:-1]]
    assert noted == expected_notes == []
    if kind in ("text", "choice") and converted == values:
        assert converted is values  # unchanged texts: not written back


@pytest.mark.parametrize(
    ("template", "sheet", "row", "column", "label"),
    [
        ("okonomi.xlsx", "Årsverk", "April", "Årsverk", "Årsverk er fylt ut for april"),
        (
            "okonomi.xlsx",
            "Likviditet",
            "Bevegelse april",
            "Beløp (kr)",
            "Beløp (kr) er fylt ut for Bevegelse april, april",
        ),
        ("hr.xlsx", "Sykefravær", "April", "Egenmeldt i år", "Egenmeldt i år er fylt ut for april"),
        (
            "brukerstotte.xlsx",
            "Henvendelser",
            "April",
            "Henvendelser totalt",
            "Henvendelser totalt er fylt ut for april",
        ),
        (
            "nye_tjenester.xlsx",
            "Timer",
            "April",
            "Timer oppdrag",
            "Timer oppdrag er fylt ut for april",
        ),
        ("drift.xlsx", "Drift", "April", "Oppdateringer", "Oppdateringer er fylt ut for april"),
    ],
)
def test_a_figure_after_the_period_is_warned_about_on_every_month_keyed_sheet(
    specs: Specs, example_copy, template, sheet, row, column, label
):
    path = example_copy(template)
    cell = cell_of(path, sheet, row, column)
    set_cells(path, sheet, {cell: 7})
    findings = findings_of(path, specs)
    (finding,) = only(findings, "value-after-period")
    assert (finding.sheet, finding.cell, finding.severity) == (sheet, cell, "warning")
    assert finding.message.startswith(label + ", men rapporten gjelder mars 2024.")
    assert not [f for f in findings if f.severity == "error"]


def test_figures_required_all_year_are_not_after_the_period(specs: Specs, example_copy):
    """Budgets and last year's figures are filled for every month: no warning."""
    findings = findings_of(example_copy("okonomi.xlsx"), specs)
    findings += findings_of(example_copy("hr.xlsx"), specs)
    assert not [f for f in findings if f.code == "value-after-period"]


def test_json_gives_the_place_of_every_location_kind(example_copy):
    import openpyxl

    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Investeringer"].merge_cells("B5:C5")  # a range
    workbook["Resultat"].row_dimensions[9].hidden = True  # a row
    workbook["Resultat"]["F6"] = "abc"  # a cell
    workbook.create_sheet("Notater")  # a whole sheet
    workbook.save(path)
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    assert result.exit_code == 1
    places = {
        f["code"]: (f["where"]["kind"], f["where"]["sheet"], f["where"]["ref"], f["cell"])
        for f in json.loads(result.stdout)["findings"]
    }
    assert places["merged-input-cells"] == ("range", "Investeringer", "B5:C5", "B5")
    assert places["hidden-row"] == ("row", "Resultat", "9:9", "A9")
    assert places["not-a-number"] == ("cell", "Resultat", "F6", "F6")
    assert places["extra-sheet"] == ("sheet", "Notater", "", "")


def test_the_garbage_collector_is_paused_while_files_are_checked_and_restarted(
    monkeypatch, specs: Specs
):
    import gc

    from vrapport import validation

    during: list[bool] = []
    validate = validation.validate_submission

    def recording(sub, specs, period):
        during.append(gc.isenabled())
        return validate(sub, specs, period)

    monkeypatch.setattr(validation, "validate_submission", recording)
    assert gc.isenabled()
    check_files([EXAMPLES / "hr.xlsx", EXAMPLES / "okonomi.xlsx"], specs, PERIOD)
    assert during == [False, False]
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left so
    try:
        check_files([EXAMPLES / "hr.xlsx"], specs, PERIOD)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (dt.date(2023, 1, 5), "05.01.2023"),
        (dt.datetime(2023, 1, 5, 8, 30), "05.01.2023"),
        (True, "SANN"),
    ],
)
def test_a_date_or_truth_value_in_a_text_cell_is_a_finding_at_its_cell(
    specs: Specs, example_copy, value, shown
):
    path = set_cells(example_copy("nye_tjenester.xlsx"), "Leverte oppdrag", {"B6": value})
    findings = findings_of(path, specs)
    assert not [f for f in findings if f.code == "internal-error"]
    (finding,) = only(findings, "not-text")
    assert (finding.sheet, finding.cell, finding.severity) == ("Leverte oppdrag", "B6", "error")
    assert finding.message.startswith(f"«{shown}» er ikke tekst (")


def test_every_value_finding_is_given_the_fields_its_message_names():
    """Each value code's message template gets every field it names (not-text once had no
    «shown»: a date in a text cell made the whole file an internal error)."""
    from string import Formatter

    from vrapport.findings import CODES
    from vrapport.reader import SpecialCell
    from vrapport.spec import ColumnSpec
    from vrapport.validation import _params

    column = ColumnSpec("x", "Kolonne", choices=("a", "b"), min=0, max=10, max_length=5)
    checked = []
    for code in CODES.values():
        if code.category != "value" or not code.template:
            continue
        value = SpecialCell("#DIV/0!") if code.name == "error-value" else dt.date(2024, 1, 5)
        named = {field for _, field, _, _ in Formatter().parse(code.template) if field}
        given = set(_params(code.name, value, column, "rad 5")) | {"column", "sheet"}
        assert named <= given, code.name
        checked.append(code.name)
    assert {"not-text", "not-a-date", "too-long", "error-value"} <= set(checked)


def test_checking_a_folder_names_the_templates_no_file_was_found_for(tmp_path: Path):
    import shutil

    folder = Path(shutil.copytree(EXAMPLES, tmp_path / "inn"))
    (folder / "hr.xlsx").unlink()
    result = runner.invoke(app, ["check", str(folder), "--period", "2024-03"])
    assert result.exit_code == 0, result.output
    assert "Ingen fil fra: HR/HMS (hr)." in " ".join(result.output.split())
    as_json = runner.invoke(app, ["check", str(folder), "--period", "2024-03", "--json"])
    assert json.loads(as_json.output)["absent"] == {"hr": "HR/HMS"}
    for complete in ([str(EXAMPLES)], [str(EXAMPLES / "okonomi.xlsx")]):  # a file: no word
        done = runner.invoke(app, ["check", *complete, "--period", "2024-03", "--json"])
        assert json.loads(done.output)["absent"] == {}


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    """«økonomi.xlsx» from an old Windows share: the name's byte F8 is no UTF-8. The file is
    read like any other (python-calamine could not open such a path: «Filen er skadet»), its
    findings name it `\\xf8konomi.xlsx`, the JSON is valid UTF-8, and its feedback copy keeps
    the original bytes."""
    import os

    folder = tmp_path / "innsendt"
    folder.mkdir()
    name = os.fsdecode(b"\xf8konomi.xlsx")
    try:
        path = folder / name
        path.write_bytes((EXAMPLES / "okonomi.xlsx").read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    set_cells(path, "Resultat", {"F6": "abc"})
    (folder / os.fsdecode(b"notat\xe6.pdf")).write_bytes(b"%PDF-1.7")
    args = [
        "check",
        str(folder),
        "--period",
        "2024-03",
        "--json",
        "--feedback",
        str(tmp_path / "r"),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout_bytes.decode("utf-8"))  # strict: valid UTF-8
    found = {(f["file"], f["cell"], f["code"]) for f in report["findings"]}
    assert ("\\xf8konomi.xlsx", "F6", "not-a-number") in found
    assert ("notat\\xe6.pdf", "", "skipped-file") in found
    assert not any(f["code"] == "corrupt-file" for f in report["findings"])
    assert os.listdir(os.fsencode(tmp_path / "r")) == [b"\xf8konomi_tilbakemelding.xlsx"]


def test_previous_naming_this_periods_own_files_is_a_usage_error(tmp_path):
    for command in (
        ["check", str(EXAMPLES), "--period", "2024-03", "--previous", str(EXAMPLES)],
        ["build", str(EXAMPLES), "-p", "2024-03", "--previous", str(EXAMPLES / "hr.xlsx")]
        + ["--out", str(tmp_path / "r.xlsx")],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "--previous gir de samme filene som innsendingene" in " ".join(result.output.split())
        assert "kontrollert" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_previous_of_this_or_a_later_period_is_a_usage_error_not_a_finding_per_file(tmp_path):
    message = "filene oppgitt som forrige periodes gjelder 2024-03, ikke en periode før 2024-02"
    out = tmp_path / "r.xlsx"
    for command in (
        ["build", str(PREVIOUS), "-p", "2024-02", "--previous", str(EXAMPLES), "--out", str(out)],
        ["check", str(PREVIOUS), "-p", "2024-02", "--previous", str(EXAMPLES)],
        ["templates", "2024-02", "--from", str(EXAMPLES), "--out", str(tmp_path / "maler")],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []


def test_last_periods_findings_are_counted_apart_from_this_periods(tmp_path):
    earlier = tmp_path / "februar"
    earlier.mkdir()
    (earlier / "prosjekt.xlsx").write_bytes((PREVIOUS / "prosjekt.xlsx").read_bytes())
    set_cells(earlier / "prosjekt.xlsx", "Prosjekter", {"D5": "Lilla"})
    args = ["check", str(EXAMPLES), "--period", "2024-03", "--previous", str(earlier)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # last period's error still stops the check
    text = " ".join(result.output.split())
    assert "8 filer kontrollert: 0 feil, 0 advarsler." in text
    assert "Forrige periode: 1 fil kontrollert: 1 feil, 0 advarsler." in text
    payload = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert [(f["file"], f["cell"], f["previous"]) for f in payload["findings"]] == [
        ("forrige periode: prosjekt.xlsx", "D5", True)
    ]
    counts = payload["counts"]
    assert counts == {
        "files": 8,
        "errors": 0,
        "warnings": 0,
        "previous": {"files": 1, "errors": 1, "warnings": 0},
    }


def test_one_file_of_this_period_among_last_periods_is_an_error_at_that_file(tmp_path):
    earlier = tmp_path / "februar"
    earlier.mkdir()
    (earlier / "prosjekt.xlsx").write_bytes((PREVIOUS / "prosjekt.xlsx").read_bytes())
    (earlier / "hr.xlsx").write_bytes((EXAMPLES / "hr.xlsx").read_bytes())  # March's, by mistake
    args = ["check", str(EXAMPLES), "-p", "2024-03", "--previous", str(earlier), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    wrong = [
        f for f in json.loads(result.stdout)["findings"] if f["code"] == "previous-not-earlier"
    ]
    assert [f["file"] for f in wrong] == ["forrige periode: hr.xlsx"]
    assert [f["previous"] for f in wrong] == [True]


def test_a_deleted_row_says_how_to_put_it_back(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Resultat"].delete_rows(7)  # Prosjekt/oppdrag/annet
    workbook.save(path)
    (finding,) = only(findings_of(path, specs), "missing-row")
    assert (finding.sheet, finding.severity) == ("Resultat", "error")
    assert finding.message == (
        "Fant ikke raden «Prosjekt/oppdrag/annet». Sett inn raden igjen, med "
        "«Prosjekt/oppdrag/annet» i kolonne A som i malen."
    )


def test_a_long_path_is_printed_on_one_line(tmp_path):
    """rich wrapped a plain line at the 80 columns of a pipe: «…/Rapport styret ⏎ æøå.xlsx»
    could not be copied."""
    folder = tmp_path / ("en lang mappe med mellomrom " * 3).strip()
    folder.mkdir()
    out = folder / "Virksomhetsrapport styret æøå mars 2024.xlsx"
    result = runner.invoke(
        app,
        ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out)],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    assert f"Skrev {out} (6 av 6 kapitler)." in result.output.splitlines()


@pytest.mark.parametrize(
    ("lock", "program"), [("~$hr.xlsx", "Excel"), (".~lock.hr.xlsx#", "LibreOffice")]
)
def test_a_submission_open_in_a_spreadsheet_program_is_a_warning(
    tmp_path: Path, specs: Specs, lock: str, program: str
):
    """hr.xlsx still open in Excel when the controller checks the folder: what HR typed and
    has not saved is not in the file read; the lock file beside it says so."""
    import shutil

    import vrapport

    folder = tmp_path / "mars"
    shutil.copytree(EXAMPLES, folder)
    (folder / lock).write_bytes(b"\x0bola \x00")
    report = vrapport.check([folder], PERIOD, specs=specs)
    (warning,) = [f for f in report.findings if f.code == "submission-open"]
    assert (warning.file, warning.sheet, warning.ref, warning.severity) == (
        "hr.xlsx",
        "",
        "",
        "warning",
    )
    assert f"Filen er åpen i {program} (låsefilen {lock} finnes)" in warning.message
    result = runner.invoke(app, ["check", str(folder), "--period", str(PERIOD), "--json"])
    assert result.exit_code == 0, result.output
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert codes == ["submission-open"]
    built = vrapport.build([folder], PERIOD, tmp_path / "r.xlsx", specs=specs)
    assert not built.blocked
    assert [f.file for f in built.findings if f.code == "submission-open"] == ["hr.xlsx"]
    (folder / lock).unlink()
    assert vrapport.check([folder], PERIOD, specs=specs).findings == []
