"""The board workbook as a whole: front page, chapter 1, Kilder and lineage, print setup,
determinism, atomic writes, user text kept as text, and the PDF board pack."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD, find_label, read_grids, row_values, set_cells
from vrapport.cli import app
from vrapport.outputs import is_board_pack
from vrapport.pdf import board_workbook, page_count, soffice
from vrapport.period import Period
from vrapport.pipeline import BuildOutcome, build
from vrapport.report.model import Report, Table, Text
from vrapport.spec import Specs

runner = CliRunner()


def test_front_page_title_contents_and_key_figures(example_report: Path, specs: Specs):
    workbook = openpyxl.load_workbook(example_report)
    front = workbook.worksheets[0]
    assert front.title == "Forside"
    assert front["A1"].value == "Virksomhetsrapport pr. 31. mars 2024"
    links = {
        c.value: c.hyperlink.location
        for row in front.iter_rows()
        for c in row
        if c.hyperlink is not None
    }
    chapters = [c for c in specs.report.chapters if c.sheet in workbook.sheetnames]
    for chapter in chapters:
        assert links[f"{chapter.number}. {chapter.title}"].replace("'", "") == f"{chapter.sheet}!A1"
    assert links["Kilder"] == "Kilder!A1"
    # Sheets follow the chapters' order, with Kilder last.
    assert workbook.sheetnames == ["Forside", *(c.sheet for c in chapters), "Kilder"]
    figure = next(r for r in front.iter_rows() if r[0].value and "avvik mot budsjett" in r[0].value)
    assert figure[1].value == pytest.approx(1.333, abs=0.001)  # mill. kr, from the inputs
    assert figure[1].fill.fgColor.rgb.endswith("63BE7B")  # green: better than budget
    assert figure[2].value.startswith("Grønn")


def _front_links(path: Path) -> dict[str, str]:
    front = openpyxl.load_workbook(path)["Forside"]
    return {
        c.value: c.hyperlink.location.replace("'", "").removesuffix("!A1")
        for row in front.iter_rows()
        for c in row
        if c.hyperlink is not None
    }


def test_board_pack_contents_list_what_it_holds(example_outcome: BuildOutcome, tmp_path: Path):
    """The board pack leaves Kilder out, so its front page does not list it; the workbook's
    does. Every line of either contents links to a sheet of its own workbook, in order."""
    assert example_outcome.report is not None and example_outcome.path is not None
    pack = board_workbook(example_outcome.report, tmp_path / "styre.xlsx")
    for path, kilder in ((example_outcome.path, True), (pack, False)):
        sheets = openpyxl.load_workbook(path).sheetnames
        links = _front_links(path)
        assert ("Kilder" in links) is kilder and ("Kilder" in sheets) is kilder
        assert list(links.values()) == sheets[1:]  # every sheet but the front page itself


def test_ceo_assessment_and_chapter_leads(report_grids):
    texts = [v for row in report_grids["1 Adm. direktørs vurdering"] for v in row if v]
    assert texts[0] == "1. Administrerende direktørs vurdering"
    assert texts[1].startswith("Helse Nord IKT er inne i en hektisk periode")
    assert any(
        t.startswith("Regnskapet pr. mars viser et positivt budsjettavvik på 1,3 mill.")
        for t in texts
    )


def test_kilder_lists_every_input_with_checksum(report_grids):
    grid = report_grids["Kilder"]
    for path in sorted(EXAMPLES.glob("*.xlsx")):
        row = next(r for r in grid if r and r[0] == path.name)
        assert hashlib.sha256(path.read_bytes()).hexdigest() in row
        assert row[3] == "2024-03"  # period


def test_kilder_shows_whole_numbers_without_a_decimal_separator(example_report):
    """«#,##0.###» shows 34 185 as «34 185,» in Excel (the separator stays without digits
    after it): a whole value gets «#,##0», a fraction (a share) keeps its three decimals."""
    sheet = openpyxl.load_workbook(example_report)["Kilder"]
    formats: dict[bool, set[str]] = {True: set(), False: set()}
    for (cell,) in sheet.iter_rows(min_col=5, max_col=5):
        if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
            formats[float(cell.value).is_integer()].add(cell.number_format)
    assert formats[True] and "." not in "".join(formats[True]), formats
    assert formats[False] == {"#,##0.###"}


def test_lineage_maps_figures_to_source_cells(report_grids):
    grid = report_grids["Kilder"]
    rows = [r for r in grid if r and r[0] == "2 Økonomi"]
    sla_march = next(
        r for r in rows if r[2] == "SLA (tjenesteavtaler)" and r[3] == "Mars 2024 · Faktisk"
    )
    assert sla_march[4] == 34185
    assert sla_march[5] == "okonomi.xlsx › Resultat › F6"
    ytd = next(
        r
        for r in rows
        if r[2] == "SLA (tjenesteavtaler)" and r[3] == "Mars 2024, hittil i år · Faktisk"
    )
    assert ytd[5] == "okonomi.xlsx › Resultat › B6, D6, F6"
    revenue = next(r for r in rows if r[2] == "Driftsinntekter" and r[3] == "Mars 2024 · Budsjett")
    assert revenue[5] == "okonomi.xlsx › Resultat › G6:G8"


def test_every_sheet_prints_a4_landscape_fit_to_width(example_report: Path):
    workbook = openpyxl.load_workbook(example_report)
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (1 is the file format's default, so it may be left out), any height.
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
        assert "Virksomhetsrapport pr. 31. mars 2024 – side &P av &N" in ws.oddFooter.right.text
        assert ws.print_title_rows.replace("$", "") == "1:1"


def test_two_builds_are_byte_identical(specs: Specs, tmp_path: Path):
    first = build([EXAMPLES], PERIOD, tmp_path / "a.xlsx", specs)
    second = build([EXAMPLES], PERIOD, tmp_path / "b.xlsx", specs)
    assert not first.blocked
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert first.build_time == second.build_time


def test_build_time_option_is_written_on_kilder(tmp_path: Path):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app,
        [
            "build",
            str(EXAMPLES),
            "--period",
            "2024-03",
            "--out",
            str(out),
            "--build-time",
            "2024-04-10T12:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert find_label(read_grids(out), r"10\.04\.2024 12:00", "Kilder")


def test_user_text_that_looks_like_a_formula_stays_text(specs: Specs, tmp_path: Path):
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    path = folder / "okonomi.xlsx"
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Kommentar"]["B11"]  # the Likviditet paragraph
    cell.value = '=HYPERLINK("http://x","y")'
    cell.data_type = "s"  # typed as text, as Excel stores a text-formatted cell
    workbook.save(path)
    outcome = build([folder], PERIOD, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["2 Økonomi"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_blocked_build_writes_nothing_and_keeps_an_existing_report(example_copy, tmp_path: Path):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"F6": "abc"})
    out = tmp_path / "rapport.xlsx"
    out.write_bytes(b"the previous report")  # not a vrapport report: replaced only with --overwrite
    result = runner.invoke(
        app,
        ["build", str(path.parent), "--period", "2024-03", "--out", str(out), "--overwrite"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    assert "okonomi.xlsx › Resultat › F6" in result.output
    assert out.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["innsendt", "rapport.xlsx"]


def test_build_of_a_wrong_period_is_blocked(tmp_path: Path):
    result = runner.invoke(
        app,
        ["build", str(EXAMPLES), "--period", "2024-04", "--out", str(tmp_path / "r.xlsx")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    assert "gjelder mars 2024, men rapporten gjelder april 2024" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_build_usage_errors_exit_2(tmp_path: Path):
    assert (
        runner.invoke(
            app, ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(tmp_path / "r.pdf")]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app,
            [
                "build",
                str(tmp_path / "nei"),
                "--period",
                "2024-03",
                "--out",
                str(tmp_path / "r.xlsx"),
            ],
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app,
            [
                "build",
                str(EXAMPLES),
                "--period",
                "2024-03",
                "--out",
                str(tmp_path / "r.xlsx"),
                "--build-time",
                "i går",
            ],
        ).exit_code
        == 2
    )


def test_trace_json_matches_kilder(tmp_path: Path):
    out, trace = tmp_path / "r.xlsx", tmp_path / "spor.json"
    result = runner.invoke(
        app,
        ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out), "--trace", str(trace)],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(trace.read_text(encoding="utf-8"))
    assert payload["period"] == "2024-03"
    assert {f["file"] for f in payload["files"]} >= {"okonomi.xlsx", "ledelse.xlsx"}
    figure = next(
        f
        for f in payload["figures"]
        if f["row"] == "RESULTAT" and f["column"] == "Mars 2024, hittil i år · Avvik"
    )
    assert figure["value"] == 1333
    assert figure["source"].startswith("okonomi.xlsx › Resultat › ")


def test_no_narrative_drops_the_drafted_sentences(tmp_path: Path):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out), "--no-narrative"]
    )
    assert result.exit_code == 0
    grids = read_grids(out)
    assert not find_label(grids, "^utkast fra tallene")
    assert row_values(grids, r"^resultat$", "2 Økonomi")[:7] == [
        -581,
        -1029,
        447,
        -2364,
        -3697,
        1333,
        0,
    ]


def test_cli_help_does_not_import_pandas_or_pandera():
    code = (
        "import sys, vrapport.cli; "
        "print(sorted(m for m in ('pandas', 'pandera', 'xlsxwriter', 'openpyxl') "
        "if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "templates" in result.output and "check" in result.output and "build" in result.output


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_board_pack_has_a_page_per_chapter(tmp_path: Path, example_outcome: BuildOutcome):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out), "--pdf"]
    )
    assert result.exit_code == 0, result.output
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert is_board_pack(pdf)  # a rebuild may replace it without --overwrite
    sheets = openpyxl.load_workbook(out).sheetnames
    assert page_count(pdf) >= len(sheets) - 1  # every sheet but Kilder (audit, not board)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for heading in (
            "Virksomhetsrapport pr. 31. mars 2024",
            "1. Administrerende direktørs",
            "2. Økonomi",
            "3. Tjenester/produksjon",
            "4. Status for prosjektporteføljen",
            "5. HR/HMS",
            "6. Avviksmeldinger i DocMap",
        ):
            assert heading in text, heading
        assert "95 644" in text.replace("\u00a0", " ")  # Norwegian digit grouping
        assert "Sporbarhet" not in text  # Kilder stays in the workbook
        pages = [[line.strip() for line in page.splitlines()] for page in text.split("\f")]
        assert "Innhold" in pages[0] and "Kilder" not in pages[0]  # nor in the contents
        assert example_outcome.report is not None  # the same report, with --previous
        _headings_on_the_page_of_their_tables(example_outcome.report, pages)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_pdf_named_in_norwegian_is_made_where_the_norwegian_locale_is_missing(tmp_path: Path):
    """LibreOffice, run in a locale the machine does not have (nb_NO.UTF-8 here), falls back
    to ASCII and could not open «Økonomi styret.xlsx»: exit 2, «LibreOffice ga ingen
    PDF-fil», the workbook written and the PDF not."""
    out = tmp_path / "Økonomi styret.xlsx"
    result = runner.invoke(
        app, ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out), "--pdf"]
    )
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")


def _is_text(block: object) -> bool:
    return isinstance(block, Text) and not block.style.startswith("heading")


def _headings_on_the_page_of_their_tables(report: Report, pages: list[list[str]]) -> None:
    """Each sub-heading followed by (texts and) a titled table is printed on the page of
    the table's title: in chapter 5 the AML heading ended page 12, its table began 13."""
    checked = 0
    for section in report.sections[1:]:
        blocks = section.blocks
        for i, block in enumerate(blocks[:-1]):
            if not (isinstance(block, Text) and block.style in ("heading2", "heading3")):
                continue
            end = i + 1
            while end < len(blocks) - 1 and _is_text(blocks[end]):
                end += 1
            table = blocks[end]
            if not (isinstance(table, Table) and table.title):
                continue
            where = [n for n, page in enumerate(pages) if table.title in page]
            assert where, table.title
            assert block.text in pages[where[0]], (block.text, table.title, where[0] + 1)
            checked += 1
    assert checked >= 5


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app,
        ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out), "--pdf"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2
    assert "LibreOffice" in result.output
    assert out.exists()  # the workbook itself was made


def test_key_figure_panel_has_traffic_lights_and_trends(example_report: Path):
    front = openpyxl.load_workbook(example_report)["Forside"]
    rows = {r[0].value: r for r in front.iter_rows() if isinstance(r[0].value, str)}

    def figure(prefix: str):
        return next(row for label, row in rows.items() if label.startswith(prefix))

    answered = figure("Andel telefonsamtaler besvart innen 60 sekunder")
    assert round(answered[1].value * 100) == 62  # March, as the seed's user-support table
    assert answered[1].fill.fgColor.rgb.endswith("FFD966")  # yellow: below the 70 % target
    # February: 67 % in the seed; lower is worse here.
    assert answered[2].value == "Gul. ↓ forrige måned: 66,7\u00a0% (dårligere)"
    deviations = figure("Åpne avvik i DocMap")
    assert deviations[1].value == 258
    assert deviations[2].value == "Rød. ↑ forrige måned: 234 (dårligere)"  # more is worse
    breaches = figure("AML-brudd i måneden")
    assert breaches[1].value == 80 and "forrige måned: 67" in breaches[2].value
    assert figure("Risikoer i rød sone")[1].value == 9
    sick = figure("Sykefravær hittil i år")
    assert sick[1].value > 0.05  # above the 5 % target all quarter, as the seed says
    assert not sick[1].fill.fgColor.rgb.endswith("63BE7B")


def test_missing_department_keeps_its_chapter_with_a_notice(specs: Specs, tmp_path: Path):
    folder = tmp_path / "innsendt"
    folder.mkdir()
    shutil.copy(EXAMPLES / "okonomi.xlsx", folder)
    outcome = build([folder], PERIOD, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked
    assert {f.code for f in outcome.findings} == {"missing-submission"}
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames == ["Forside", *(c.sheet for c in specs.report.chapters), "Kilder"]
    hr = [c.value for row in workbook["5 HR-HMS"].iter_rows() for c in row if c.value]
    assert hr == [
        "5. HR/HMS",
        "Ikke levert: kapittelet mangler fordi det ikke kom inn noen "
        "innsending fra «HR/HMS» for mars 2024.",
    ]


def test_only_missing_chapters_is_an_error(specs: Specs, tmp_path: Path):
    folder = tmp_path / "tom"
    folder.mkdir()
    shutil.copy(EXAMPLES.parent / "2024-02" / "prosjekt.xlsx", folder)
    outcome = build([folder], Period(2024, 2), tmp_path / "r.xlsx", specs)
    assert not outcome.blocked  # prosjekt alone makes a chapter
    empty = tmp_path / "ingen"
    empty.mkdir()
    assert build([empty], PERIOD, tmp_path / "s.xlsx", specs).blocked
    assert not (tmp_path / "s.xlsx").exists()


def test_version_and_short_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("vrapport ")
    assert runner.invoke(app, ["-h"]).exit_code == 0


def test_lineage_covers_every_chapter_with_figures(tmp_path: Path):
    trace = tmp_path / "spor.json"
    result = runner.invoke(
        app,
        [
            "build",
            str(EXAMPLES),
            "--period",
            "2024-03",
            "--out",
            str(tmp_path / "r.xlsx"),
            "--trace",
            str(trace),
            "--previous",
            str(EXAMPLES.parent / "2024-02"),
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(trace.read_text(encoding="utf-8"))["figures"]
    sheets = {f["sheet"] for f in figures}
    assert sheets == {
        "2 Økonomi",
        "3 Tjenester",
        "4 Prosjektportefølje",
        "5 HR-HMS",
        "6 Avviksmeldinger",
    }
    green = next(f for f in figures if f["sheet"] == "4 Prosjektportefølje" and f["row"] == "Grønn")
    assert green["value"] == 7 and green["source"].startswith("prosjekt.xlsx › Prosjekter › D")


def test_a_missing_department_is_marked_on_the_key_figure_panel(specs: Specs, tmp_path: Path):
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    (folder / "hr.xlsx").unlink()
    result = runner.invoke(
        app,
        ["build", str(folder), "--period", "2024-03", "--out", str(tmp_path / "r.xlsx")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0
    assert "(5 av 6 kapitler; ikke levert: HR/HMS)" in result.output
    front = openpyxl.load_workbook(tmp_path / "r.xlsx")["Forside"]
    notes = {r[0].value: r[2].value for r in front.iter_rows() if isinstance(r[0].value, str)}
    assert notes["Sykefravær hittil i år (mål 5 %)"] == "Ikke levert"
    assert notes["AML-brudd i måneden"] == "Ikke levert"
    # The front page says the report is partial, as the service's partial build does.
    texts = [c.value for row in front.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Delvis rapport: uten 5. HR/HMS." in texts


def test_report_may_not_overwrite_a_submission(tmp_path: Path):
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    before = (folder / "okonomi.xlsx").read_bytes()
    result = runner.invoke(
        app, ["build", str(folder), "--period", "2024-03", "--out", str(folder / "okonomi.xlsx")]
    )
    assert result.exit_code == 2 and "innsendingene" in result.output
    assert (folder / "okonomi.xlsx").read_bytes() == before


def test_a_report_and_its_pdf_among_the_submissions_are_skipped(specs: Specs, tmp_path: Path):
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    first = build([folder], PERIOD, folder / "Virksomhetsrapport.xlsx", specs)
    assert not first.blocked
    (folder / "Virksomhetsrapport.pdf").write_bytes(b"%PDF-1.7 board pack")
    again = build([folder], PERIOD, tmp_path / "r.xlsx", specs)
    assert not again.blocked, [str(f) for f in again.findings if f.severity == "error"]
    assert "report-file" in {f.code for f in again.findings}


def test_previous_period_other_than_last_month_is_warned_about(specs: Specs, tmp_path: Path):
    previous = tmp_path / "eldre"
    previous.mkdir()
    shutil.copy(EXAMPLES.parent / "2024-02" / "prosjekt.xlsx", previous / "prosjekt.xlsx")
    outcome = build([EXAMPLES], Period(2024, 4), tmp_path / "r.xlsx", specs, previous=[previous])
    # (the March examples are refused for April; what matters is the previous file's warning)
    codes = {f.code for f in outcome.findings}
    assert "previous-not-last-month" in codes


def test_subheadings_without_content_are_left_out(specs: Specs, tmp_path: Path):
    result = runner.invoke(
        app,
        [
            "build",
            str(EXAMPLES),
            "--period",
            "2024-03",
            "--out",
            str(tmp_path / "r.xlsx"),
            "--no-narrative",
        ],
    )
    assert result.exit_code == 0
    grid = read_grids(tmp_path / "r.xlsx")["2 Økonomi"]
    texts = [row[0] for row in grid if row and isinstance(row[0], str) and row[0]]
    index = texts.index("Inntekter")  # the department's commentary still follows it
    assert texts[index + 1].startswith(
        "SLA (tjenesteavtaler), Prosjekt/oppdrag/annet og Viderefakturering: Avviket på inntekter"
    )


def test_changed_history_is_reported_at_its_cell(specs: Specs, tmp_path: Path):
    previous, current = tmp_path / "februar", tmp_path / "mars"
    previous.mkdir()
    shutil.copytree(EXAMPLES, current)
    set_cells(
        Path(shutil.copy(EXAMPLES / "okonomi.xlsx", previous / "okonomi.xlsx")),
        "_meta",
        {"B4": "2024-02"},
    )
    set_cells(current / "okonomi.xlsx", "Resultat", {"B6": 37_621_701})  # SLA, January actual
    outcome = build([current], PERIOD, tmp_path / "r.xlsx", specs, previous=[previous])
    assert not outcome.blocked
    (change,) = [f for f in outcome.findings if f.code == "changed-since-previous"]
    assert (change.file, change.sheet, change.cell, change.severity) == (
        "okonomi.xlsx",
        "Resultat",
        "B6",
        "warning",
    )
    assert change.message.endswith("→ 37\u00a0621\u00a0701.")
    assert "Faktisk for SLA (tjenesteavtaler), januar er endret siden forrige rapport" in (
        change.message
    )


def test_a_project_no_longer_reported_is_mentioned(specs: Specs, tmp_path: Path):
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    workbook = openpyxl.load_workbook(folder / "prosjekt.xlsx")
    ws = workbook["Prosjekter"]
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "iFront")
    ws.delete_rows(row)
    risks = workbook["Risikoer"]
    for row in sorted(
        (r[0].row for r in risks.iter_rows() if r[0].value == "iFront"), reverse=True
    ):
        risks.delete_rows(row)
    workbook.save(folder / "prosjekt.xlsx")
    outcome = build(
        [folder], PERIOD, tmp_path / "r.xlsx", specs, previous=[EXAMPLES.parent / "2024-02"]
    )
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    texts = [
        v
        for row in read_grids(tmp_path / "r.xlsx")["4 Prosjektportefølje"]
        for v in row
        if isinstance(v, str)
    ]
    assert any("Ikke lenger med siden forrige rapportering: iFront." in t for t in texts)


def _saved_at(source: Path, target: Path, stamp: str) -> None:
    """A copy of `source` whose 'last saved' property (docProps/core.xml) is `stamp`."""
    import re
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]+", rb"\g<1>" + stamp.encode(), data)
            new.writestr(item, data)


@pytest.mark.parametrize(
    ("stamp", "shown"),
    [("2024-04-02T22:30:00Z", "03.04.2024 00:30"), ("2024-01-15T08:05:00Z", "15.01.2024 09:05")],
)
def test_kilder_shows_the_inputs_save_time_in_norwegian_time(
    tmp_path: Path, stamp: str, shown: str
):
    folder = tmp_path / "inn"
    folder.mkdir()
    _saved_at(EXAMPLES / "okonomi.xlsx", folder / "okonomi.xlsx", stamp)
    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["build", str(folder), "--period", "2024-03", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert find_label(
        read_grids(out), rf"Innsendingene sist lagret: {re.escape(shown)} \(norsk tid\)", "Kilder"
    )


def test_a_build_time_with_a_timezone_is_shown_in_norwegian_time(tmp_path: Path):
    out = tmp_path / "r.xlsx"
    args = ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out)]
    result = runner.invoke(app, [*args, "--build-time", "2024-04-10T10:00+00:00"])
    assert result.exit_code == 0, result.output
    assert find_label(
        read_grids(out), r"Byggetidspunkt \(oppgitt\): 10\.04\.2024 12:00 \(norsk tid\)", "Kilder"
    )


def test_an_ampersand_in_the_report_title_is_printed_in_the_footer(schemas_copy, tmp_path: Path):
    """«&» starts a code in an Excel footer: «Drift & økonomi» was printed «Drift økonomi»
    («&T» would have printed the time)."""
    from vrapport.spec import load_specs

    folder = schemas_copy({"report.yaml": ("title: Virksomhetsrapport", "title: Drift & Tall")})
    out = tmp_path / "r.xlsx"
    build([EXAMPLES], PERIOD, out, load_specs(folder))
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    footer = re.search(r"<oddFooter>(.*?)</oddFooter>", sheet)
    assert footer and footer.group(1) == (
        "&amp;LHelse Nord IKT&amp;RDrift &amp;&amp; Tall pr. 31. mars 2024 – side &amp;P av &amp;N"
    )


def test_headers_over_figures_stand_at_the_right(example_report: Path):
    """Month headers were centred over right-aligned figures (they read as the column's
    left); a header over several columns, or over text, stays centred."""
    sheet = openpyxl.load_workbook(example_report)["2 Økonomi"]
    label = next(c for c in sheet["A"] if c.value == "1000 kr")  # «Resultat per måned»
    january = sheet.cell(label.row, 2)
    assert (january.value, january.alignment.horizontal) == ("Jan", "right")
    assert label.alignment.horizontal == "left"
    top = next(c for row in sheet.iter_rows() for c in row if c.value == "Mars 2024")
    assert top.alignment.horizontal == "center"  # over three columns
    actual = sheet.cell(top.row + 1, top.column)
    assert (actual.value, actual.alignment.horizontal) == ("Faktisk", "right")
    risks = openpyxl.load_workbook(example_report)["4 Prosjektportefølje"]
    texts = {c.value: c for row in risks.iter_rows() for c in row if isinstance(c.value, str)}
    assert texts["RISIKOBESKRIVELSE"].alignment.horizontal == "center"


def test_a_key_figure_without_a_value_keeps_its_line_and_says_so(specs: Specs):
    """A chapter that is there but gave no value for a key figure (no count, no budget) made
    the figure vanish from the panel: the board saw five figures instead of six, unmarked."""
    from vrapport.report.front import key_figures

    config = specs.report.model.front_page.key_figures
    facts = {entry.fact: 1.0 for entry in config}
    gone = config[0].fact
    facts[gone] = None
    panel = key_figures(config, facts)
    assert [item.label for item in panel.items] == [entry.label for entry in config]
    (item,) = [item for item in panel.items if item.label == config[0].label]
    assert (item.value, item.status, item.note) == (None, None, "Ikke rapportert")
    noted = key_figures(config, facts, notes={gone: "Mangler budsjett"})
    assert noted.items[0].note == "Mangler budsjett"
