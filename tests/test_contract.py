"""The spec–code contract, checked when the specs load: a controller's edit of schemas/ that
breaks what the code reads is refused by `templates`, `check` and `build` alike, with exit 2,
one Norwegian line naming the YAML file and the key, and nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, ROOT, set_cells, with_other_examples
from vrapport.cli import app
from vrapport.spec import SpecError, load_specs

runner = CliRunner()

# (edits to a copy of schemas/, the message expected, as a regex)
CASES = {
    "check-name typo": (
        {
            "okonomi.yaml": (
                "checks: [finance-signs, explained-variances]",
                "checks: [finance-sign, explained-variances]",
            )
        },
        r"okonomi\.yaml › sheets\.result\.checks: «finance-sign» finnes ikke; "
        r"kjente: .*finance-signs",
    ),
    "renamed column key": (
        {"okonomi.yaml": ("key: actual_ytd", "key: actual_ytd_kr")},
        r"okonomi\.yaml › sheets\.investments\.columns: «actual_ytd» mangler; kapittel 2 Økonomi "
        r"\(seksjonen «finance»\) leser den; kjente: actual_ytd_kr, annual_budget",
    ),
    "removed target": (
        {"report.yaml": ("  sick_leave_total: 0.05\n", "")},
        r"report\.yaml › targets\.sick_leave_total: mangler; kapittel 5 HR/HMS \(seksjonen «hr»\) "
        r"leser målet",
    ),
    "key figure without target": (
        {"hr.yaml": ("      - key: sick_leave_total\n", "      - key: sick_leave_all\n")},
        r"report\.yaml › targets\.sick_leave_all: mangler; hr\.yaml › sheets\.sick_leave\.targets "
        r"leser målet",
    ),
    "key figure of an unknown column": (
        {"brukerstotte.yaml": ("        share: [answered_60s]", "        share: [answered]")},
        r"brukerstotte\.yaml.*targets\.service_desk_answered_60s: kolonnen «answered» finnes ikke",
    ),
    "renamed comment topic": (
        {
            "okonomi.yaml": (
                "{key: liquidity, label: Likviditet}",
                "{key: likviditet, label: Likviditet}",
            )
        },
        r"okonomi\.yaml › sheets\.comments\.columns\.topic\.choices: temaet «liquidity» mangler; "
        r"kapittel 2 Økonomi .* kjente: .*likviditet",
    ),
    "front-page fact typo": (
        {
            "report.yaml": (
                "fact: okonomi.net_result_ytd_variance",
                "fact: okonomi.net_result_ytd_varianse",
            )
        },
        r"report\.yaml › front_page\.key_figures\[0\]\.fact: «okonomi\.net_result_ytd_varianse» "
        r"finnes ikke; kjente: .*okonomi\.net_result_ytd_variance",
    ),
}


def _one_line(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_spec_is_refused_at_load(schemas_copy, case):
    edits, message = CASES[case]
    with pytest.raises(SpecError, match=message):
        load_specs(schemas_copy(edits))


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", ["templates", "check", "build"])
def test_every_command_refuses_a_broken_spec_and_writes_nothing(
    schemas_copy, tmp_path: Path, case, command
):
    edits, message = CASES[case]
    schemas = schemas_copy(edits)
    out = tmp_path / "ut"
    args = {
        "templates": ["templates", "2024-03", "--out", str(out)],
        "check": ["check", str(EXAMPLES), "--period", "2024-03", "--feedback", str(out)],
        "build": ["build", str(EXAMPLES), "--period", "2024-03", "--out", str(out / "r.xlsx")],
    }[command]
    result = runner.invoke(app, [*args, "--schemas", str(schemas)])
    assert result.exit_code == 2, result.output
    text = _one_line(result.output)
    assert re.search(message, text), text
    assert "Intern feil" not in text and "Traceback" not in text
    assert not out.exists()


def test_the_packaged_specs_keep_the_contract():
    specs = load_specs(ROOT / "schemas")
    services = specs.report.chapter("tjenester")
    assert services.roles == {
        "support": "brukerstotte",
        "new_services": "nye_tjenester",
        "operations": "drift",
    }


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (
            {"report.yaml": ("section: finance", "section: finans")},
            r"report\.yaml › report\.chapters\[1\]\.section: «finans» finnes ikke; kjente: "
            r"ceo, finance, hr, portfolio, quality, services",
        ),
        (
            {
                "report.yaml": (
                    "templates: [brukerstotte, nye_tjenester, drift]",
                    "templates: [brukerstotte, drift]",
                )
            },
            r"report\.yaml › report\.chapters\[2\]\.templates: 2 maler oppgitt; seksjonen "
            r"«services» leser 3 \(roller: support, new_services, operations\)",
        ),
        (
            {"report.yaml": ("templates: [okonomi]", "templates: [økonomi2]")},
            r"report\.yaml › report\.chapters\[1\]\.templates\[0\]: «økonomi2» er ikke en "
            r"gyldig nøkkel",
        ),
        (
            {"report.yaml": ("templates: [okonomi]", "templates: [finans]")},
            r"report\.yaml › report\.chapters\[1\]\.templates: malen «finans» finnes ikke",
        ),
        (
            {"report.yaml": ("narrative:", "narrativ:")},
            r"report\.yaml › narrativ: ukjent nøkkel; gyldige: version, organisation, report, ",
        ),
        (
            {"report.yaml": ("materiality_percent: 1", "materiality_percent: mye")},
            r"report\.yaml › narrative\.materiality_percent: forventet et tall, fant «mye»",
        ),
        (
            {"report.yaml": ("unit: mill", "unit: millioner")},
            r"report\.yaml › front_page\.key_figures\[0\]\.unit: «millioner» er ikke gyldig; "
            r"gyldige: «mill», «percent» eller «count»",
        ),
        (
            {"report.yaml": ("compare: hr.sick_leave_prior_ytd", "compare: hr.sick_leave_prior")},
            r"report\.yaml › front_page\.key_figures\[2\]\.compare: «hr\.sick_leave_prior» "
            r"finnes ikke",
        ),
        (
            {"ledelse.yaml": ("prosjekt, hr, avvik]", "prosjekt, hms, avvik]")},
            r"ledelse\.yaml › sheets\.leads\.rows\.chapters: «hms» er ikke et kapittel i "
            r"report\.yaml; kjente: ledelse, okonomi, tjenester, prosjekt, hr, avvik",
        ),
        (
            {"hr.yaml": ("checks: [lost-within-agreed,", "checks: [lost-within-agred,")},
            r"hr\.yaml › sheets\.sick_leave\.checks: «lost-within-agred» finnes ikke",
        ),
        (
            {
                "nye_tjenester.yaml": (
                    "- key: id\n        prefill_from: id\n",
                    "- key: order_id\n        prefill_from: order_id\n",
                )
            },
            r"nye_tjenester\.yaml › sheets\.orders\.columns: «id» mangler; kontrollen "
            r"«record-ids-unique» leser den; kjente: .*order_id",
        ),
        (
            {
                "drift.yaml": (
                    "checks: [operations-window,",
                    "checks: [service-desk-counts, operations-window,",
                )
            },
            r"drift\.yaml › sheets: arket «contacts» mangler; kontrollen «service-desk-counts» "
            r"leser det",
        ),
        (
            {"hr.yaml": ("- key: agreed_prior\n", "- key: agreed_last_year\n")},
            r"hr\.yaml › sheets\.sick_leave\.columns: «agreed_prior» mangler; kontrollen "
            r"«lost-within-agreed» leser den",
        ),
        (  # a target defined more narrowly than the rate the chapter prints against it
            {
                "hr.yaml": (
                    "share: [self_certified, medically_short, medically_long]",
                    "share: [self_certified]",
                )
            },
            r"hr\.yaml › sheets\.sick_leave\.targets\.sick_leave_total\.share: "
            r"\[self_certified\] er ikke slik kapittel 5 HR/HMS regner tallet: "
            r"sum\(self_certified, medically_short, "
            r"medically_long\) / sum\(agreed\); kontrollen explained-targets ville vurdert et "
            r"annet tall enn rapporten viser\. Skriv share: \[self_certified, medically_short, "
            r"medically_long\]",
        ),
        (
            {"brukerstotte.yaml": ("        of: [phone]\n", "        of: [contacts]\n")},
            r"brukerstotte\.yaml › sheets\.contacts\.targets\.service_desk_answered_60s\.of: "
            r"\[contacts\] er ikke slik kapittel 3 .* regner tallet: sum\(answered_60s\) / "
            r"sum\(phone\)",
        ),
        (  # a target read by nothing: a misspelt override was ignored
            {
                "report.yaml": (
                    "  sick_leave_total: 0.05\n",
                    "  sick_leave_total: 0.05\n  sick_leave_totl: 0.045\n",
                )
            },
            r"report\.yaml › targets\.sick_leave_totl: målet leses av ingen seksjon eller mal; "
            r"kjente: .*sick_leave_total",
        ),
        (  # a comparison's label without the comparison: ignored
            {
                "report.yaml": (
                    "      fact: okonomi.net_result_ytd_variance\n",
                    "      fact: okonomi.net_result_ytd_variance\n      compare_label: i fjor\n",
                )
            },
            r"report\.yaml › front_page\.key_figures\[0\].*compare_label: gjelder "
            r"sammenligningen i compare, som mangler",
        ),
        (  # a second column of several choices, before the one the comments are read by
            {
                "okonomi.yaml": (
                    "      - key: lines\n",
                    "      - key: tags\n        label: Stikkord\n        type: choice\n"
                    "        multiple: true\n        choices: [Lønn, Drift]\n"
                    "      - key: lines\n",
                )
            },
            r"okonomi\.yaml › sheets\.comments\.columns\.lines\.multiple: malen har allerede "
            r"en kolonne med flere valg \(sheets\.comments\.columns\.tags\)",
        ),
        (  # the investment table read another catalogue's rows: a KeyError once all filled
            {
                "okonomi.yaml": (
                    "rows: {catalogue: investment_categories}",
                    "rows: {catalogue: order_categories}",
                )
            },
            r"okonomi\.yaml › sheets\.investments\.rows: radene er katalogen "
            r"«order_categories»; kapittel 2 Økonomi \(seksjonen «finance»\) leser én rad per "
            r"post i report\.yaml › catalogues\.investment_categories\. Skriv rows: "
            r"\{catalogue: investment_categories\}",
        ),
        (  # the result table's lines as fixed rows, not the line catalogue
            {
                "okonomi.yaml": (
                    "rows: {catalogue: finance_lines}",
                    "rows:\n      before:\n        - {key: sla, label: SLA}",
                )
            },
            r"okonomi\.yaml › sheets\.result\.rows: radene er ikke en katalog; kapittel 2 "
            r"Økonomi .* catalogues\.finance_lines",
        ),
    ],
)
def test_other_contract_breaches_name_the_key(schemas_copy, edits, message):
    with pytest.raises(SpecError, match=message):
        load_specs(schemas_copy(edits))


def test_templates_may_be_mapped_to_roles(schemas_copy):
    mapped = "templates: {operations: drift, support: brukerstotte, new_services: nye_tjenester}"
    folder = schemas_copy(
        {"report.yaml": ("templates: [brukerstotte, nye_tjenester, drift]", mapped)}
    )
    assert load_specs(folder).report.chapter("tjenester").roles == {
        "support": "brukerstotte",
        "new_services": "nye_tjenester",
        "operations": "drift",
    }


def test_yaml_is_read_with_the_c_loader_when_there_is_one():
    import yaml

    from vrapport.spec import YAML_LOADER

    assert YAML_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _texts(path: Path, sheet: str) -> list[str]:
    from tests.conftest import read_grids

    return [str(v) for row in read_grids(path)[sheet] for v in row if isinstance(v, str)]


def test_a_renamed_topic_label_keeps_the_paragraph_in_its_place(
    schemas_copy, example_copy, tmp_path: Path
):
    """The code places a comment by its topic's key; the label users choose lives in the spec,
    so a controller may rename it (and the departments choose the new label)."""
    import openpyxl

    folder = schemas_copy(
        {
            "okonomi.yaml": (
                "{key: liquidity, label: Likviditet}",
                "{key: liquidity, label: Kontanter}",
            )
        }
    )
    path = example_copy("okonomi.xlsx")
    book = openpyxl.load_workbook(path)
    for row in book["Kommentar"].iter_rows():
        for cell in row:
            if cell.value == "Likviditet":
                cell.value = "Kontanter"
    book.save(path)
    out = tmp_path / "r.xlsx"
    args = ["build", str(path.parent), "--period", "2024-03", "--out", str(out)]
    result = runner.invoke(app, [*args, "--schemas", str(folder)])
    assert result.exit_code == 0, result.output
    texts = _texts(out, "2 Økonomi")
    paragraph = texts.index("Likviditetssituasjonen er tilfredsstillende.")
    assert texts.index("Likviditet") < paragraph  # under the Likviditet heading, as before


def test_figures_are_numbered_by_their_chapter(schemas_copy, example_copy, tmp_path: Path):
    """The seed numbers chapter 5's figures 6.1–6.3 (its own slip); vrapport numbers them by
    the chapter they stand in, whatever its number."""
    # (chapter 6 renumbered too: the chapters are numbered in their order)
    hr = "title: HR/HMS, sheet: 5 HR-HMS, section: hr, templates: [hr]}\n    - {key: avvik, number:"
    folder = schemas_copy({"report.yaml": (f"number: 5, {hr} 6,", f"number: 7, {hr} 8,")})
    # The leads' rows are labelled by the chapters' numbers: the management's file made
    # from the renumbered template says «7. HR/HMS».
    leads = example_copy("ledelse.xlsx")
    labels = {
        "7. HR/HMS": "5. HR/HMS",
        "8. Avviksmeldinger i DocMap": "6. Avviksmeldinger i DocMap",
    }
    sheet = openpyxl.load_workbook(leads)["Ingress"]
    cells = {c.coordinate: new for new, old in labels.items() for row in sheet.iter_rows()
             for c in row if c.value == old}  # fmt: skip
    assert len(cells) == 2
    set_cells(leads, "Ingress", cells)
    out = tmp_path / "r.xlsx"
    args = [
        "build",
        str(with_other_examples(leads.parent)),
        "--period",
        "2024-03",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, [*args, "--schemas", str(folder)])
    assert result.exit_code == 0, result.output
    from tests.test_hr import charts

    titles = sorted(t for t in charts(out) if t.startswith("Figur"))
    assert titles == [
        "Figur 7.1 Sykefravær Helse Nord IKT samlet",
        "Figur 7.2 Egen- og legemeldt fravær",
        "Figur 7.3 Kort- og langtidsfravær",
    ]


def _report_edited(schemas_copy, *edits: tuple[str, str]) -> Path:
    """A copy of schemas/ with several text edits of report.yaml, each old text required."""
    folder = schemas_copy()
    path = folder / "report.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return folder


# Sick leave's target raised to 5,5 % (its parts with it), as a controller would.
TARGET_RAISED = (
    ("sick_leave_total: 0.05", "sick_leave_total: 0.055"),
    ("sick_leave_long_term: 0.025", "sick_leave_long_term: 0.03"),
)


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (  # the front page judged against 5 % while chapter 5 judged against 5,5 %
            TARGET_RAISED,
            r"report\.yaml › front_page\.key_figures\[2\]\.green\.max: 0\.05 er ikke målet; "
            r"kapittel 5 HR/HMS vurderer tallet mot targets\.sick_leave_total \(0\.055, vist "
            r"«5,5\s%»\), så forsiden ville vist en annen vurdering enn kapittelet\. Skriv "
            r"green: \{max: 0\.055\}",
        ),
        (  # the threshold followed, the label still said «(mål 5 %)»
            (*TARGET_RAISED, ("green: {max: 0.05}", "green: {max: 0.055}")),
            r"report\.yaml › front_page\.key_figures\[2\]\.label: «Sykefravær hittil i år "
            r"\(mål 5 %\)» nevner 5\s%, men kapittel 5 HR/HMS vurderer tallet mot "
            r"targets\.sick_leave_total .*\(«5,5\s%»\)",
        ),
        (  # the service desk's target changed, the front page's threshold not
            (("service_desk_answered_60s: 0.70", "service_desk_answered_60s: 0.75"),),
            r"report\.yaml › front_page\.key_figures\[1\]\.green\.min: 0\.7 er ikke målet; "
            r"kapittel 3 Tjenester/produksjon vurderer tallet mot "
            r"targets\.service_desk_answered_60s \(0\.75, vist «75\s%»\)",
        ),
        (  # judged on the wrong side: a sick leave under the target was never green
            (("green: {max: 0.05}\n      yellow: {max: 0.06}", "green: {min: 0.05}"),),
            r"report\.yaml › front_page\.key_figures\[2\]\.green\.max: mangler; kapittel 5",
        ),
        (  # a floor as well: a sick leave of 0,5 % would not have been green
            (("green: {max: 0.05}", "green: {min: 0.01, max: 0.05}"),),
            r"report\.yaml › front_page\.key_figures\[2\]\.green\.min: 0\.01: kapittel 5 .*"
            r"Fjern green\.min",
        ),
        (  # a target the chapter writes rounded: «71 %» while it judged against 70,5 %
            (
                ("service_desk_answered_60s: 0.70", "service_desk_answered_60s: 0.705"),
                ("green: {min: 0.70}", "green: {min: 0.705}"),
            ),
            r"report\.yaml › targets\.service_desk_answered_60s: 0\.705 vises som «71\s%» i "
            r"kapittel 3 Tjenester/produksjon, som vurderer tallene mot 0\.705",
        ),
        (  # a part of the sick-leave target the chapter writes rounded: «2,8 %»
            (
                ("sick_leave_short_term: 0.025", "sick_leave_short_term: 0.0275"),
                ("sick_leave_long_term: 0.025", "sick_leave_long_term: 0.0225"),
            ),
            r"report\.yaml › targets\.sick_leave_short_term: 0\.0275 vises som «2,8\s%» i "
            r"kapittel 5 HR/HMS, som vurderer tallene mot 0\.0275.* Skriv 0\.028",
        ),
        (  # green taken from the target, and a yellow stricter than it
            (("green: {max: 0.05}\n      yellow: {max: 0.06}", "yellow: {max: 0.04}"),),
            r"report\.yaml › front_page\.key_figures\[2\]\.yellow: er strengere enn målet",
        ),
    ],
)
def test_a_key_figure_is_judged_against_its_chapters_target(schemas_copy, edits, message):
    with pytest.raises(SpecError, match=message):
        load_specs(_report_edited(schemas_copy, *edits))


def test_a_key_figure_without_green_is_judged_against_the_target(schemas_copy):
    folder = _report_edited(
        schemas_copy,
        *TARGET_RAISED,
        ("Sykefravær hittil i år (mål 5 %)", "Sykefravær hittil i år (mål 5,5 %)"),
        ("      green: {max: 0.05}\n", ""),
        ("      green: {min: 0.70}\n", ""),
    )
    figures = load_specs(folder).report.model.front_page.key_figures
    assert (figures[2].green.min, figures[2].green.max) == (None, 0.055)
    assert (figures[1].green.min, figures[1].green.max) == (0.7, None)
    assert figures[2].yellow.max == 0.06
