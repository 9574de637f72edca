"""Chapter 4, Prosjektportefølje: status with colours, words and trend arrows; the red-zone
risks decided by the configured risk matrix; the prosjekt template's checks; and pre-filling
last period's status with `vrapport templates PERIOD --from DIR`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD, ROOT, read_grids, set_cells
from vrapport.cli import app
from vrapport.consolidate.portfolio import (
    LEGEND,
    RED_ZONE_TITLE,
    projects,
    red_zone,
    risk_matrix,
    status_scale,
)
from vrapport.period import Period
from vrapport.pipeline import build
from vrapport.reader import read_submission
from vrapport.report.styles import TRAFFIC
from vrapport.reportfile import RiskMatrixSettings
from vrapport.spec import SpecError, Specs, load_specs
from vrapport.validation import validate_submission

runner = CliRunner()
SHEET = "4 Prosjektportefølje"
PREVIOUS = ROOT / "examples" / "2024-02"
DIMENSIONS = ("status", "schedule", "cost", "resources", "quality")
G, Y, R = "Grønn", "Gul", "Rød"

# The seed's table «Risikoen fra prosjektene rapportert i rød sone», row by row, exactly as
# printed: (Prosjekt, RISIKOBESKRIVELSE, TILTAK/KOMMENTARER).
SEED_RED_ZONE = [
    (
        "Regional applikasjonsforvaltning",
        (
            "Risiko for at det kan være utfordrende å få på plass de aktuelle ressurser og dermed "
            "den fremgangen som ønskes"
        ),
        "Tett dialog med ressurseiere hos foretaksgruppen",
    ),
    (
        "Regional applikasjonsforvaltning",
        (
            "OU-omstilling i H IKT, samt uklare ansvarsforhold og organisering av "
            "tjenesteforvaltningen"
        ),
        (
            "Involvere sentrale ressurser som kan bidra til avklaring av tjeneste og "
            "applikasjonsansvar"
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        (
            "Det kommer mange leveranser til sykehusene i april, og mesteparten må klargjøres "
            "allerede i mars, slik at vi ikke blir forsinket når leverandørene kommer for å sette "
            "opp utstyret. Nettverk har flagget at de ikke har kapasitet til å ta unna alle "
            "oppdragene."
        ),
        (
            "Løsningsdesignere, utførende og nettverk må jobbe tett sammen. Vi kan ikke basere oss "
            "på bestillinger, vi har ikke tid til misforståelser."
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        (
            "Ny og uprøvd sonemodell og design på nettverk. Det er stor usikkerhet rundt hvor mye "
            "ekstra arbeid dette vil medføre frem til modell og arbeidsmetodikk er godt kjent både "
            "i fagteamene og hos nettverk selv. Selve sonemodellen er ferdig, men nettverket "
            "fungerer fortsatt ikke på de to nye sykehusene. PCer etc. får ikke nett. Så det "
            "gjenstår noe arbeid med å ferdigstille nettverket."
        ),
        (
            "God informasjon, sjekklister, og tett samarbeid mellom utførende i fagteamene og "
            "nettverk. Her er vi også avhengige av at Assetprosjektet leverer god dokumentasjon på "
            "hvordan Asset-portalen skal brukes og at den testes grundig før de store leveranse i "
            "april."
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        "Prosjektet vil ha store behov for ressurser i fra HNIKT.",
        (
            "Kartlegge behovet for ressurser, lage oversikt for når det er behov for de ulike "
            "ressursene og være tidlig ute med ressursforespørslene. Jobbe tett sammen med "
            "fagteamene for å få prioritering på byggesakene."
        ),
    ),
    (
        "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH",
        "Manglende finansiering/uavklart finansieringsmodell mtp inntekter",
        (
            "Endringer ut over budsjettforslag må enten gis som tilleggsfinansiering til "
            "prosjektet, eller delfinansieres av tilvalgene."
        ),
    ),
    (
        "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH",
        "Prosjektene behov tar lengre tid enn ventet, og forsinket fremdriften.",
        (
            "Skaffe oversikt over behovene, samt identifisere og gjennomføre tiltak for å "
            "forhindre forsinkelser."
        ),
    ),
    (
        "Helhetlig informasjonssikkerhet 2 – RSMA",
        "Prosjektet blir forsinket på grunn av manglende intern ressurstilgang og kompetanse",
        (
            "Ressurssituasjonen følges tett i ukemøter. Løpende vurdering av situasjonen og "
            "håndtering av aktivitetene. Ressurstilgang følges opp med seksjonsledere."
        ),
    ),
    (
        "Helhetlig informasjonssikkerhet 2 – RSMA",
        (
            "Prosjektet blir forsinket på grunn av manglende leveranser i interne og eksterne "
            "avhengigheter"
        ),
        "Prosjektet følger opp",
    ),
]


Grid = list[list[Any]]


def table(grid: Grid, title: str) -> tuple[list[Any], list[list[Any]]]:
    """The header row and the data rows (label first, blanks as "") of the table `title`."""
    top = next(r for r, row in enumerate(grid) if row and row[0] == title)
    rows = []
    for row in grid[top + 2 :]:
        if not row[0] or row[0] == LEGEND:
            break
        rows.append(row)
    return grid[top + 1], rows


def compact(row: list[Any]) -> list[Any]:
    """A row without the blank cells that merged (spanned) cells leave."""
    return [v for v in row if v != ""]


def status_title(period: Period = PERIOD) -> str:
    return f"Status for prosjektene {period.as_of}"


def status_rows(grid: Grid) -> dict[str, list[Any]]:
    """Project -> [phase, status, schedule, cost, resources, quality, comment] (groups left out)."""
    _, rows = table(grid, status_title())
    return {row[0]: row[1:8] for row in rows if any(v != "" for v in row[1:])}


def submission_frames(path: Path, specs: Specs) -> dict[str, pd.DataFrame]:
    sub = read_submission(path, specs)
    validate_submission(sub, specs, None)
    assert not [f for f in sub.findings if f.severity == "error"], sub.findings
    return {key: data.frame for key, data in sub.sheets.items()}


# --- the example report -------------------------------------------------------------------


def test_red_zone_table_holds_exactly_the_seeds_nine_risks(report_grids):
    header, rows = table(report_grids[SHEET], RED_ZONE_TITLE)
    assert compact(header) == ["Prosjekt", "RISIKOBESKRIVELSE", "TILTAK/KOMMENTARER"]
    assert [tuple(compact(row)) for row in rows] == SEED_RED_ZONE


def test_red_zone_is_decided_by_the_matrix_and_sorted_by_score(report_grids, specs: Specs):
    risks = submission_frames(EXAMPLES / "prosjekt.xlsx", specs)["risks"]
    matrix = risk_matrix(specs.report.model.risk_matrix)
    score = {r.description: r.likelihood * r.impact for r in risks.itertuples()}
    red = [r.description for r in risks.itertuples() if matrix.is_red(r.likelihood, r.impact)]
    outside = [r.description for r in risks.itertuples() if r.description not in red]
    _, rows = table(report_grids[SHEET], RED_ZONE_TITLE)
    shown = [compact(row)[1] for row in rows]
    assert sorted(shown) == sorted(red)
    assert [score[d] for d in shown] == sorted((score[d] for d in shown), reverse=True)
    assert shown != red, "the example lists its risks out of order, so sorting is exercised"
    # At least five risks lie outside the red zone, and none of them is printed anywhere.
    assert len(outside) >= 5
    printed = {v for row in report_grids[SHEET] for v in row if isinstance(v, str)}
    assert not printed & set(outside)
    # One of them scores as high as a red one: the matrix decides by cell, not by score.
    assert max(score[d] for d in outside) >= min(score[d] for d in shown)


def test_red_zone_is_introduced_by_the_seeds_sentence(report_grids):
    texts = [row[0] for row in report_grids[SHEET] if row and isinstance(row[0], str)]
    sentence = next(t for t in texts if t.startswith("Oversikten under viser enkeltrisikoen"))
    assert "likevel totalt sett vurderes som tilfredsstillende" in sentence
    assert texts.index(sentence) < texts.index(RED_ZONE_TITLE)


def test_every_project_shows_status_word_and_arrow(report_grids, specs: Specs):
    rows = status_rows(report_grids[SHEET])
    frame = submission_frames(EXAMPLES / "prosjekt.xlsx", specs)["projects"]
    assert list(rows) == list(frame["project"])
    for record in frame.to_dict("records"):
        cells = rows[record["project"]][1:6]
        for cell, key in zip(cells, DIMENSIONS, strict=True):
            word, _, arrow = cell.partition(" ")
            assert word == record[key]
            new = record["previous_status"] is None
            assert (arrow == "") if new else arrow in ("↑", "→", "↓"), (record["project"], cell)


def test_arrows_for_improved_worsened_unchanged_and_new_projects(report_grids):
    rows = status_rows(report_grids[SHEET])
    # Gul in February, Grønn now; Grønn → Gul; unchanged; established after February.
    assert rows["Innføring av Microsoft 365"][1] == "Grønn ↑"
    assert rows["Helhetlig informasjonssikkerhet 2 – RSMA"][1] == "Gul ↓"
    assert rows["Innføring av regional tilgangsstyring (IAM2)"][1] == "Grønn →"
    assert rows["Allmenn skyplattform (SKY)"][1] == "Grønn"
    assert rows["RPA"][1:6] == ["Grønn"] * 5
    # Dimensions have their own arrows: the hospitals' schedule slipped, overall unchanged.
    assert rows["Nye UNN og Hammerfest sykehus"][1:3] == ["Gul →", "Rød ↓"]


def test_status_cells_are_traffic_lights(example_report: Path, specs: Specs):
    scale = status_scale(specs.report.model.portfolio)
    ws = openpyxl.load_workbook(example_report)[SHEET]
    seen: dict[str, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            word = str(cell.value or "").partition(" ")[0]
            if cell.column > 1 and word in scale.labels and cell.row < _counts_row(ws):
                colour = TRAFFIC[scale.colour(word) or ""]
                assert cell.fill.fgColor.rgb.upper().endswith(colour.lstrip("#").upper()), (
                    cell.coordinate,
                    cell.value,
                )
                seen[word] = seen.get(word, 0) + 1
    assert set(seen) == {G, Y, R}
    assert sum(seen.values()) == 12 * 5


def _counts_row(ws) -> int:
    return next(c.row for c in ws["A"] if c.value == "Antall prosjekter per status")


def test_status_table_is_grouped_by_program(report_grids):
    _, rows = table(report_grids[SHEET], status_title())
    labels = [row[0] for row in rows]
    headings = [row[0] for row in rows if all(v == "" for v in row[1:])]
    assert headings == [
        "Helhetlig informasjonssikkerhet (HIS2)",
        "MoDI-programmet",
        "Prosjekter utenfor program",
    ]
    his2 = labels.index("Helhetlig informasjonssikkerhet (HIS2)")
    assert labels[his2 + 1 : his2 + 3] == [
        "Innføring av regional tilgangsstyring (IAM2)",
        "Helhetlig informasjonssikkerhet 2 – RSMA",
    ]
    assert labels.index("Prosjekter utenfor program") < labels.index("RPA")


def test_count_per_status(report_grids, specs: Specs):
    frame = submission_frames(EXAMPLES / "prosjekt.xlsx", specs)["projects"]
    _, rows = table(report_grids[SHEET], "Antall prosjekter per status")
    counts = {row[0]: row[1] for row in rows}
    expected = frame["status"].value_counts()
    assert counts == {
        G: expected.get(G, 0),
        Y: expected.get(Y, 0),
        R: expected.get(R, 0),
        "Totalt": len(frame),
    }
    assert counts[G] == 7 and counts[R] == 0


def test_chapter_carries_the_project_offices_commentary(report_grids):
    texts = [row[0] for row in report_grids[SHEET] if row and isinstance(row[0], str)]
    assert any(
        t.startswith("Etter første kvartal er statusen i prosjektporteføljen") for t in texts
    )
    assert any("Regional sikkerhetsmonitoring og analyse (RSMA)" in t for t in texts)
    summary = next(t for t in texts if t.startswith("Nedenfor vises et sammendrag"))
    assert summary == (
        "Nedenfor vises et sammendrag av status på Helse Nord IKTs prosjektportefølje. "
        "Piler indikerer utvikling siden forrige rapportering."
    )
    assert texts.index(summary) < texts.index(status_title())


def test_risk_table_texts_wrap_in_merged_cells(example_report: Path):
    ws = openpyxl.load_workbook(example_report)[SHEET]
    top = next(c.row for c in ws["A"] if c.value == RED_ZONE_TITLE)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"B{top + 2}:E{top + 2}", f"F{top + 2}:I{top + 2}"} <= merged
    assert ws.cell(top + 2, 2).alignment.wrap_text
    assert ws.row_dimensions[top + 5].height > 45  # the long hospital risk is several lines


# --- consolidation, as pure functions ---------------------------------------------------


def test_risk_matrix_comes_from_configuration_cell_by_cell(specs: Specs):
    matrix = risk_matrix(specs.report.model.risk_matrix)
    assert matrix.is_red(2, 5) and not matrix.is_red(5, 2)  # same score, different cells
    assert not any(matrix.is_red(1, impact) for impact in range(1, 6))
    frame = pd.DataFrame(
        [
            {"project": "A", "description": "lav", "likelihood": 1, "impact": 1},
            {"project": "A", "description": "høy", "likelihood": 2, "impact": 5},
            {"project": "B", "description": "høyest", "likelihood": 5, "impact": 5},
        ]
    )
    assert [r.description for r in red_zone(frame, matrix)] == ["høyest", "høy"]
    everything = risk_matrix(RiskMatrixSettings(red_zone={k: [1, 2, 3, 4, 5] for k in range(1, 6)}))
    assert [r.description for r in red_zone(frame, everything)] == ["høyest", "høy", "lav"]


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("", "report.yaml › risk_matrix: mangler; kapittel 4 .* leser det"),
        (
            "risk_matrix: {red_zone: {6: [1]}}",
            r"risk_matrix\.red_zone\[6\]: «6» er utenfor området; må være ≤ 5",
        ),
        (
            "risk_matrix: {red_zone: {5: [0]}}",
            r"risk_matrix\.red_zone\[5\]\[0\]: «0» er utenfor området; må være ≥ 1",
        ),
    ],
)
def test_a_broken_risk_matrix_is_refused_when_the_specs_load(schemas_copy, zone, message):
    folder = schemas_copy()
    path = folder / "report.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("risk_matrix:"), text.index("targets:")
    path.write_text(text[:start] + zone + "\n\n" + text[end:], encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_specs(folder)


def test_status_words_of_template_and_configuration_agree(specs: Specs):
    scale = status_scale(specs.report.model.portfolio)
    sheet = specs.template("prosjekt").sheet("projects")
    for key in DIMENSIONS:
        assert sheet.column(key).choices == scale.labels
        assert sheet.column(f"previous_{key}").choices == scale.labels
        assert sheet.column(f"previous_{key}").locked
    assert set(scale.colours) <= set(TRAFFIC)


def _project(name: str, statuses: tuple[str, ...], previous: tuple[str | None, ...] = ()):
    row: dict[str, Any] = {"project": name, "program": None, "phase": "Gjennomføring"}
    row |= dict(zip(DIMENSIONS, statuses, strict=True))
    return row | {f"previous_{d}": p for d, p in zip(DIMENSIONS, previous, strict=False)}


def test_previous_status_from_template_column_else_previous_submission(specs: Specs):
    scale = status_scale(specs.report.model.portfolio)
    now = pd.DataFrame(
        [
            _project("Med kolonne", (G,) * 5, (R,) * 5),
            _project("Uten kolonne", (G,) * 5),
            _project("Ny", (Y,) * 5),
        ]
    )
    before = pd.DataFrame([_project("Med kolonne", (G,) * 5), _project("uten KOLONNE", (Y,) * 5)])
    found = {p.name: p for p in projects(now, before)}
    assert found["Med kolonne"].cell("status", scale) == "Grønn ↑"  # the locked column wins
    assert found["Uten kolonne"].cell("status", scale) == "Grønn ↑"  # matched by name
    assert found["Ny"].cell("status", scale) == "Gul" and found["Ny"].is_new
    assert {p.name: p.cell("status", scale) for p in projects(now)}["Uten kolonne"] == "Grønn"


# --- building with --previous -------------------------------------------------------------

NOW = [
    _project("Bedre", (G, G, G, G, G)),
    _project("Dårligere", (R, Y, G, G, G)),
    _project("Uendret", (Y, Y, Y, Y, Y)),
    _project("Nytt", (G, G, G, G, G)),
]
BEFORE = [
    _project("Bedre", (Y, G, G, G, G)),
    _project("Dårligere", (G, G, G, G, G)),
    _project("Uendret", (Y, Y, Y, Y, Y)),
]


def test_build_previous_option_gives_the_arrows(make_filled, specs: Specs, tmp_path: Path):
    current = make_filled("prosjekt", {"projects": NOW}, name="innsendt/prosjekt.xlsx")
    make_filled("prosjekt", {"projects": BEFORE}, Period(2024, 2), name="forrige/prosjekt.xlsx")
    out = tmp_path / "rapport.xlsx"
    outcome = build([current.parent], PERIOD, out, specs, previous=[tmp_path / "forrige"])
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    rows = status_rows(read_grids(out)[SHEET])
    assert [rows[name][1] for name in ("Bedre", "Dårligere", "Uendret", "Nytt")] == [
        "Grønn ↑",
        "Rød ↓",
        "Gul →",
        "Grønn",
    ]
    assert rows["Dårligere"][2] == "Gul ↓"
    # Without the previous report nothing is compared, and no arrow is drawn.
    alone = build([current.parent], PERIOD, tmp_path / "uten.xlsx", specs)
    assert not alone.blocked
    rows = status_rows(read_grids(tmp_path / "uten.xlsx")[SHEET])
    assert {cells[1] for cells in rows.values()} == {G, R, Y}
    (section,) = [s for s in alone.report.sections if s.key == "prosjekt"]
    assert section.facts["new_projects"] == 4 and section.facts["red_zone_risks"] == 0


# --- vrapport check --------------------------------------------------------------------------


def _risk_cell(path: Path, description: str, column: str) -> str:
    """The A1 cell of `column` on the Risikoer row of the risk described by `description`."""
    ws = openpyxl.load_workbook(path)["Risikoer"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Prosjekt" for c in r))
    col = next(c.column_letter for c in header if c.value == column)
    row = next(c.row for c in ws["B"] if c.value == description)
    return f"{col}{row}"


def _check_json(path: Path) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_check_refuses_a_risk_naming_an_unknown_project(example_copy):
    path = example_copy("prosjekt.xlsx")
    cell = _risk_cell(path, SEED_RED_ZONE[0][1], "Prosjekt")
    set_cells(path, "Risikoer", {cell: "Prosjekt som ikke finnes"})
    code, findings = _check_json(path)
    assert code == 1
    (finding,) = [f for f in findings if f["severity"] == "error"]
    assert (finding["sheet"], finding["cell"], finding["code"]) == (
        "Risikoer",
        cell,
        "unknown-project",
    )
    assert "«Prosjekt som ikke finnes» finnes ikke på arket Prosjekter" in finding["message"]


def test_check_refuses_a_likelihood_of_7_naming_its_cell(example_copy):
    path = example_copy("prosjekt.xlsx")
    cell = _risk_cell(path, SEED_RED_ZONE[4][1], "Sannsynlighet")
    set_cells(path, "Risikoer", {cell: 7})
    code, findings = _check_json(path)
    assert code == 1
    (finding,) = [f for f in findings if f["severity"] == "error"]
    assert (finding["file"], finding["sheet"], finding["cell"]) == (
        "prosjekt.xlsx",
        "Risikoer",
        cell,
    )
    assert finding["code"] == "above-maximum"
    assert finding["message"].startswith("7")
    assert "større enn største tillatte verdi 5 (Sannsynlighet" in finding["message"]
    result = runner.invoke(app, ["check", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and f"prosjekt.xlsx › Risikoer › {cell}" in result.output


def test_check_refuses_a_project_listed_twice(example_copy):
    path = example_copy("prosjekt.xlsx")
    ws = openpyxl.load_workbook(path)["Prosjekter"]
    first = next(c for c in ws["A"] if c.value == "RPA")
    set_cells(path, "Prosjekter", {f"A{first.row - 1}": "rpa"})
    code, findings = _check_json(path)
    assert code == 1
    (finding,) = [f for f in findings if f["code"] == "duplicate-project"]
    assert finding["cell"] == f"A{first.row}"


# --- vrapport templates PERIOD --from DIR --------------------------------------------------


def test_templates_from_prefills_last_periods_projects_and_locked_status(
    tmp_path: Path, specs: Specs
):
    result = runner.invoke(
        app,
        [
            "templates",
            "2024-03",
            "--from",
            str(PREVIOUS),
            "--only",
            "prosjekt",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "forhåndsutfylt" in result.output
    path = tmp_path / "prosjekt_2024-03.xlsx"
    before = submission_frames(PREVIOUS / "prosjekt.xlsx", specs)["projects"]
    ws = openpyxl.load_workbook(path)["Prosjekter"]
    assert ws.protection.sheet
    header = [c.value for c in ws[4]]
    at = {label: index for index, label in enumerate(header)}
    for offset, record in enumerate(before.to_dict("records")):
        row = ws[5 + offset]
        assert row[at["Prosjekt"]].value == record["project"]
        assert row[at["Prosjekt"]].protection.locked is False
        assert row[at["Status totalt"]].value is None
        assert row[at["Status totalt"]].protection.locked is False
        assert row[at["Forrige status totalt"]].value == record["status"]
        assert row[at["Forrige fremdrift"]].value == record["schedule"]
        assert row[at["Forrige status totalt"]].protection.locked is True
    # The pre-filled template reads back with the previous status in its frame.
    sub = read_submission(path, specs)
    frame = sub.sheet("projects").frame
    assert list(frame["previous_status"]) == list(before["status"])
    assert list(frame["project"]) == list(before["project"])


def test_prefilled_template_filled_in_gives_arrows_without_previous_folder(
    tmp_path: Path, specs: Specs
):
    runner.invoke(
        app,
        [
            "templates",
            "2024-03",
            "--from",
            str(PREVIOUS),
            "--only",
            "prosjekt",
            "--out",
            str(tmp_path),
        ],
    )
    path = tmp_path / "prosjekt_2024-03.xlsx"
    ws = openpyxl.load_workbook(path)["Prosjekter"]
    at = {c.value: c.column_letter for c in ws[4]}
    values = {}
    for row in range(5, ws.max_row + 1):
        if ws[f"{at['Prosjekt']}{row}"].value:
            for label in ("Status totalt", "Fremdrift", "Kostnad", "Ressurser", "Kvalitet/omfang"):
                values[f"{at[label]}{row}"] = R
    set_cells(path, "Prosjekter", values)
    folder = tmp_path / "innsendt"
    folder.mkdir()
    path.rename(folder / path.name)
    out = tmp_path / "rapport.xlsx"
    outcome = build([folder], PERIOD, out, specs)
    assert not outcome.blocked, [str(f) for f in outcome.findings]
    rows = status_rows(read_grids(out)[SHEET])
    assert rows["Innføring av regional tilgangsstyring (IAM2)"][1] == "Rød ↓"
    assert rows["Sentral meldingstjener"][2] == "Rød →"


def test_a_removed_project_leaves_no_record(tmp_path: Path, specs: Specs):
    runner.invoke(
        app,
        [
            "templates",
            "2024-03",
            "--from",
            str(PREVIOUS),
            "--only",
            "prosjekt",
            "--out",
            str(tmp_path),
        ],
    )
    path = tmp_path / "prosjekt_2024-03.xlsx"
    # The user clears the project's own cells; the locked "Forrige …" cells stay.
    set_cells(path, "Prosjekter", {"A5": None, "B5": None, "C5": None})
    sub = read_submission(path, specs)
    frame = sub.sheet("projects").frame
    assert "Innføring av regional tilgangsstyring (IAM2)" not in set(frame["project"])
    assert "5" not in set(frame["_row"])


def test_templates_from_refuses_a_submission_that_is_not_earlier(tmp_path: Path):
    result = runner.invoke(
        app,
        [
            "templates",
            "2024-02",
            "--from",
            str(PREVIOUS),
            "--only",
            "prosjekt",
            "--out",
            str(tmp_path),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2  # the wrong folder: a usage error (one file: see test_check)
    assert "ikke en periode før 2024-02" in " ".join(result.output.split())
    assert not list(tmp_path.glob("*.xlsx"))


def test_templates_from_needs_a_period(tmp_path: Path):
    result = runner.invoke(
        app, ["templates", "--blank", "--from", str(PREVIOUS), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert not list(tmp_path.glob("*.xlsx"))


def test_column_values_are_those_of_to_dict_records():
    """Sections read a register's columns with column_values: the values to_dict("records")
    gives (NumPy scalars and pd.NA as Python's), Nones for a column the frame lacks."""
    import numpy as np

    from vrapport.consolidate.base import column_values

    frame = pd.DataFrame(
        {
            "plain": pd.Series(["Grønn", None, 3, 2.5], dtype=object),
            "numpy": pd.Series([np.int64(4), np.float64(1.5), pd.NA, True], dtype=object),
            "dates": pd.to_datetime(["2024-03-01", None, "2024-01-31", "2023-12-01"]),
            "floats": [1.0, float("nan"), 2.0, 3.0],
            "text": pd.Series(["a", "b", None, "c"], dtype="string"),
        }
    )
    records = frame.to_dict("records")
    for column in frame.columns:
        values = column_values(frame, column)
        expected = [record[column] for record in records]
        assert [(type(v), repr(v)) for v in values] == [(type(v), repr(v)) for v in expected]
    assert column_values(frame, "absent") == [None] * 4


def test_two_status_words_of_one_colour_are_both_counted_in_it(tmp_path: Path):
    """A controller's fourth status word in an existing colour (Oransje, yellow like Gul): the
    colour's count holds the projects of both words. It held only the last word's."""
    from vrapport.fill import fill_template
    from vrapport.templates import write_template

    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    text = text.replace(
        "    - {label: Rød, colour: red}\n",
        "    - {label: Oransje, colour: yellow}\n    - {label: Rød, colour: red}\n",
    )
    risks = "      fact: prosjekt.red_zone_risks\n"
    assert risks in text
    text = text.replace(
        "    - label: Risikoer i rød sone\n",
        "    - label: Prosjekter i gult\n      fact: prosjekt.projects_yellow\n      unit: count\n"
        "      green: {max: 9}\n    - label: Risikoer i rød sone\n",
    )
    report.write_text(text, encoding="utf-8")
    prosjekt = folder / "prosjekt.yaml"
    words = prosjekt.read_text(encoding="utf-8").replace(
        "[Grønn, Gul, Rød]", "[Grønn, Gul, Oransje, Rød]"
    )
    prosjekt.write_text(words, encoding="utf-8")
    specs = load_specs(folder)
    blank = write_template(specs.template("prosjekt"), specs.report, PERIOD, tmp_path / "b.xlsx")
    rows = [_project("A", (Y,) * 5), _project("B", ("Oransje",) * 5), _project("C", (G,) * 5)]
    (tmp_path / "inn").mkdir()
    fill_template(blank, {"projects": rows}, tmp_path / "inn" / "prosjekt.xlsx", specs)
    outcome = build([tmp_path / "inn"], PERIOD, tmp_path / "r.xlsx", specs)
    assert not outcome.blocked, [f.message for f in outcome.findings if f.severity == "error"]
    front = openpyxl.load_workbook(tmp_path / "r.xlsx")["Forside"]
    yellow = next(r for r in front.iter_rows() if r[0].value == "Prosjekter i gult")
    assert yellow[1].value == 2
