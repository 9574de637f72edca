"""Edits of the specs (schemas/*.yaml) that do not follow the spec format are refused when the
specs load, with one Norwegian line naming the file and the key path (`file › a.b.c: …`),
whatever command loads them: never an internal error later, never a rule silently lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD
from vrapport.cli import app
from vrapport.spec import SpecError, load_specs
from vrapport.templates import write_template

runner = CliRunner()
LONG = "Beredskapshendelser og hendelseslogg"  # 36 characters
COLUMN_KEYS = (
    "key, label, type, required, choices, min, max, max_length, help, width, number_format, "
    "locked, prefill_from, carry, from_last_year, multiple"
)

# Each family: case -> ({file: (old text, new text)}, the exact message)
CRASHES = {
    "version_string": (
        {"drift.yaml": ("version: 1", "version: 'en'")},
        "drift.yaml › version: forventet et heltall, fant «en»",
    ),
    "min_string": (
        {"brukerstotte.yaml": ("min: 0", "min: null0")},
        "brukerstotte.yaml › sheets.contacts.columns.contacts.min: forventet et tall, fant «null0»",
    ),
    "sheet_name_long": (
        {"drift.yaml": ("name: Beredskap", f"name: {LONG}")},
        f"drift.yaml › sheets.preparedness.name: arknavnet «{LONG}» har 36 tegn; Excel tillater "
        "høyst 31",
    ),
    "sheet_name_char": (
        {"drift.yaml": ("name: Beredskap", "name: Bered/skap")},
        "drift.yaml › sheets.preparedness.name: arknavnet «Bered/skap» inneholder tegn Excel ikke "
        "tillater (/)",
    ),
    "sheet_name_brackets": (
        {"drift.yaml": ("name: Beredskap", "name: '[Beredskap]'")},
        "drift.yaml › sheets.preparedness.name: arknavnet «[Beredskap]» inneholder tegn Excel "
        "ikke tillater ([ ])",
    ),
    "sheet_name_dup": (
        {"drift.yaml": ("name: Kommentar", "name: drift")},
        "drift.yaml › sheets.comments.name: arknavnet «drift» er likt et annet ark «Drift» "
        "(Excel skiller ikke store og små bokstaver)",
    ),
    "sheet_name_instructions": (
        {"drift.yaml": ("name: Beredskap", "name: veiledning")},
        "drift.yaml › sheets.preparedness.name: arknavnet «veiledning» er likt malens faste ark "
        "«Veiledning» (Excel skiller ikke store og små bokstaver)",
    ),
    "sheet_name_meta": (
        {"drift.yaml": ("name: Beredskap", "name: _META")},
        "drift.yaml › sheets.preparedness.name: arknavnet «_META» er likt malens faste ark "
        "«_meta» (Excel skiller ikke store og små bokstaver)",
    ),
    "chapter_sheet_char": (
        {"report.yaml": ("sheet: 2 Økonomi", "sheet: 2 Økonomi?")},
        "report.yaml › report.chapters[1].sheet: arknavnet «2 Økonomi?» inneholder tegn Excel "
        "ikke tillater (?)",
    ),
    "chapter_sheet_long": (
        {"report.yaml": ("sheet: 2 Økonomi", f"sheet: 2 {LONG}")},
        f"report.yaml › report.chapters[1].sheet: arknavnet «2 {LONG}» har 38 tegn; Excel "
        "tillater høyst 31",
    ),
    "chapter_sheet_dup": (
        {"report.yaml": ("sheet: 3 Tjenester", "sheet: 2 økonomi")},
        "report.yaml › report.chapters[2].sheet: arknavnet «2 økonomi» står to ganger (også i "
        "report.chapters[1]); oppgi et annet sheet",
    ),
    "chapter_sheet_fixed": (
        {"report.yaml": ("sheet: 3 Tjenester", "sheet: kilder")},
        "report.yaml › report.chapters[2].sheet: arknavnet «kilder» er likt rapportens faste ark "
        "«Kilder»",
    ),
    # No sheet given: "4 Status for prosjektporteføljen" is cut to 31 characters, the name
    # chapter 5 has.
    "chapter_sheet_cut_to_a_dup": (
        {
            "report.yaml": (
                "sheet: 4 Prosjektportefølje, section: portfolio",
                "section: portfolio",
            ),
            "report.yaml ": ("sheet: 5 HR-HMS", "sheet: 4 Status for prosjektportefølje"),
        },
        "report.yaml › report.chapters[4].sheet: arknavnet «4 Status for prosjektportefølje» "
        "står to ganger (også i report.chapters[3]); oppgi et annet sheet",
    ),
    "month_pattern_year": (
        {"hr.yaml": ('months: "{month}"', 'months: "{month} {year}"')},
        "hr.yaml › sheets.sick_leave.rows.months: radnavnet «{month} {year}» kan bare ha "
        "plassholderen {month} (og «{» og «}» bare rundt den)",
    ),
    "month_pattern_brace": (
        {"drift.yaml": ('months: "{month}"', 'months: "Måned {"')},
        "drift.yaml › sheets.operations.rows.months: radnavnet «Måned {» kan bare ha "
        "plassholderen {month} (og «{» og «}» bare rundt den)",
    ),
    # A strftime code after the colon: str.format raised ValueError, «Intern feil»
    "month_pattern_format_spec": (
        {"drift.yaml": ('months: "{month}"', 'months: "{month:%b}"')},
        "drift.yaml › sheets.operations.rows.months: radnavnet «{month:%b}» kan bare ha "
        "plassholderen {month} (og «{» og «}» bare rundt den)",
    ),
    "month_pattern_conversion": (
        {"hr.yaml": ('months: "{month}"', 'months: "{month!x}"')},
        "hr.yaml › sheets.sick_leave.rows.months: radnavnet «{month!x}» kan bare ha "
        "plassholderen {month} (og «{» og «}» bare rundt den)",
    ),
    "months_back_label_unknown": (
        {
            "brukerstotte.yaml": (
                "months_back: 12\n",
                'months_back: 12\n      months_back_label: "{måned} i fjor"\n',
            )
        },
        "brukerstotte.yaml › sheets.contacts.rows.months_back_label: radnavnet «{måned} i fjor» "
        "kan bare ha plassholderen {month} (og «{» og «}» bare rundt den)",
    ),
    "min_infinite": (
        {
            "hr.yaml": (
                "        min: 0\n        max: 100000",
                "        min: -.inf\n        max: 100000",
            )
        },
        "hr.yaml › sheets.breaches.measures.count.min: må være et endelig tall, ikke -inf",
    ),
    "max_nan": (
        {"brukerstotte.yaml": ("max: 10000000", "max: .nan")},
        "brukerstotte.yaml › sheets.contacts.columns.contacts.max: må være et endelig tall, ikke "
        "nan",
    ),
}

TYPED = {
    "required_key_typo": (
        {
            "drift.yaml": (
                "        type: text\n        required: always",
                "        type: text\n        requird: always",
            )
        },
        "drift.yaml › sheets.preparedness.columns.description.requird: ukjent nøkkel; gyldige: "
        + COLUMN_KEYS,
    ),
    "min_key_typo": (
        {"brukerstotte.yaml": ("min: 0", "mni: 0")},
        "brukerstotte.yaml › sheets.contacts.columns.contacts.mni: ukjent nøkkel; gyldige: "
        + COLUMN_KEYS,
    ),
    "unknown_column_field": (
        {
            "drift.yaml": (
                "        label: Oppdateringer\n",
                "        label: Oppdateringer\n        lable: Endringer\n",
            )
        },
        "drift.yaml › sheets.operations.columns.changes.lable: ukjent nøkkel; gyldige: "
        + COLUMN_KEYS,
    ),
    "old_instructions": (
        {"drift.yaml": ("\nsheets:\n", "\nold_instructions: [Fyll ut.]\nsheets:\n")},
        "drift.yaml › old_instructions: ukjent nøkkel; gyldige: id, version, title, department, "
        "instructions, sheets, checks",
    ),
    "instructions_string": (
        {"drift.yaml": ("instructions:\n", "instructions: Fyll ut.\nold_instructions:\n")},
        "drift.yaml › instructions: forventet en liste, fant «Fyll ut.» (og 1 feil til)",
    ),
    "max_length_str": (
        {"drift.yaml": ("max_length: 1000", "max_length: tusen")},
        "drift.yaml › sheets.preparedness.columns.description.max_length: forventet et heltall, "
        "fant «tusen»",
    ),
    "type_typo": (
        {"brukerstotte.yaml": ("type: integer", "type: int")},
        "brukerstotte.yaml › sheets.contacts.columns.contacts.type: «int» er ikke gyldig; "
        "gyldige: «text», «integer», «decimal», «percent», «date» eller «choice»",
    ),
    "locked_not_bool": (
        {"drift.yaml": ("        prefill_from: date\n", "        locked: ja\n")},
        "drift.yaml › sheets.preparedness.columns.date.locked: forventet true eller false, "
        "fant «ja»",
    ),
}

DUPLICATE_KEYS = {
    "dup_yaml_key": (
        {
            "brukerstotte.yaml": (
                "        label: Telefonhenvendelser\n",
                "        label: Telefonhenvendelser\n        label: Telefoner\n",
            )
        },
        "brukerstotte.yaml › linje 36: nøkkelen «label» står to ganger i samme mapping (bare én "
        "av dem ville blitt brukt)",
    ),
    "dup_yaml_key_toplevel": (
        {"brukerstotte.yaml": ("version: 2", "version: 2\nversion: 3")},
        "brukerstotte.yaml › linje 6: nøkkelen «version» står to ganger i samme mapping (bare én "
        "av dem ville blitt brukt)",
    ),
    "dup_yaml_key_report": (
        {
            "report.yaml": (
                "  operations_months: 9\n",
                "  operations_months: 9\n  operations_months: 6\n",
            )
        },
        "report.yaml › linje 122: nøkkelen «operations_months» står to ganger i samme mapping "
        "(bare én av dem ville blitt brukt)",
    ),
}

CONSISTENCY = {
    "label_same_as_other": (
        {
            "drift.yaml": (
                "        label: Oppdateringer\n",
                "        label: Registrerte feil og hendelser\n",
            )
        },
        "drift.yaml › sheets.operations.columns: ledeteksten «Registrerte feil og hendelser» står "
        "to ganger",
    ),
    # The reader found the grid's header «Faktisk» twice (A4 and B5) and refused every
    # correctly filled file.
    "grid_row_header_same_as_measure": (
        {"okonomi.yaml": ("row_header: Regnskapslinje", "row_header: faktisk")},
        "okonomi.yaml › sheets.result.measures: ledeteksten «Faktisk» står to ganger (som "
        "«faktisk»; vrapport leser dem som like)",
    ),
    "dup_column_key": (
        {"brukerstotte.yaml": ("- key: phone", "- key: contacts")},
        "brukerstotte.yaml › sheets.contacts.columns: nøkkelen «contacts» står to ganger",
    ),
    "choice_dup_label": (
        {
            "drift.yaml": (
                "          - {key: assessment, label: Vurdering}",
                "          - {key: assessment, label: Innledning}",
            )
        },
        "drift.yaml › sheets.comments.columns.topic.choices: valget «Innledning» står to ganger",
    ),
    "min_gt_max": (
        {
            "brukerstotte.yaml": (
                "min: 0\n        max: 10000000",
                "min: 20000000\n        max: 10000000",
            )
        },
        "brukerstotte.yaml › sheets.contacts.columns.contacts: min (20000000) er større enn max "
        "(10000000)",
    ),
    "label_empty": (
        {"drift.yaml": ("        label: Oppdateringer\n", "        label: ''\n")},
        "drift.yaml › sheets.operations.columns.changes.label: kan ikke være tom",
    ),
    "status_dup": (
        {
            "report.yaml": (
                "    - {label: Gul, colour: yellow}",
                "    - {label: Grønn, colour: yellow}",
            )
        },
        "report.yaml › portfolio.statuses[1].label: «Grønn» står to ganger",
    ),
    "chapter_number_dup": (
        {"report.yaml": ("number: 5, title: HR/HMS", "number: 4, title: HR/HMS")},
        "report.yaml › report.chapters[4].number: 4 står to ganger (også i report.chapters[3])",
    ),
    "threshold_inverted": (
        {
            "report.yaml": (
                "      green: {min: 0.70}\n      yellow: {min: 0.60}",
                "      green: {min: 0.60}\n      yellow: {min: 0.70}",
            )
        },
        "report.yaml › front_page.key_figures[1]: green må være strengere enn yellow "
        "(green.min ≥ yellow.min, green.max ≤ yellow.max); tersklene er snudd",
    ),
    "threshold_min_above_max": (
        {"report.yaml": ("      green: {max: 0.05}", "      green: {min: 0.06, max: 0.05}")},
        "report.yaml › front_page.key_figures[2].green: min (0.06) er større enn max (0.05)",
    ),
}


# Edits that were accepted and then left content out of the report or a template, or a
# rule switched off, without a word (an adversarial review of spec edits, 4 December 2026).
SILENT = {
    # true was taken as version 1
    "version_true": (
        {"drift.yaml": ("version: 1", "version: true")},
        "drift.yaml › version: forventet et heltall, fant «True» (YAML leser yes/no, on/off og "
        'true/false uten anførselstegn som sann/usann; sett teksten i anførselstegn, f.eks. "Nei")',
    ),
    "template_id_twice": (
        {"kvalitet.yaml": ("id: kvalitet", "id: drift")},
        "kvalitet.yaml › id: malen «drift» er definert to ganger (også i drift.yaml); gi den en "
        "annen id",
    ),
    # A key figure's unit that does not show its fact: 0,62 shown «1», 80 breaches «0,0 mill. kr».
    "share_shown_as_a_count": (
        {
            "report.yaml": (
                "_60s_month\n      unit: percent\n      green: {min: 0.70}\n"
                "      yellow: {min: 0.60}",
                "_60s_month\n      unit: count\n      green: {min: 1}\n      yellow: {min: 0}",
            )
        },
        "report.yaml › front_page.key_figures[1].unit: «count» passer ikke med fact "
        "«tjenester.service_desk_answered_60s_month», som er en andel; bruk unit: percent",
    ),
    "count_shown_in_millions": (
        {
            "report.yaml": (
                "fact: hr.working_time_breaches_month\n      unit: count",
                "fact: hr.working_time_breaches_month\n      unit: mill",
            )
        },
        "report.yaml › front_page.key_figures[3].unit: «mill» passer ikke med fact "
        "«hr.working_time_breaches_month», som er et antall; bruk unit: count",
    ),
    "compared_with_a_series": (
        {
            "report.yaml": (
                "compare: hr.working_time_breaches_previous_month",
                "compare: tjenester.incidents",
            )
        },
        "report.yaml › front_page.key_figures[3].unit: «count» passer ikke med compare "
        "«tjenester.incidents», som er en rekke verdier per måned; velg et annet fact",
    ),
    # Keys the model took that nothing used where they stood (the row, the lock, the list of
    # choices, the target were in no template and no check).
    "row_beside_a_catalogue": (
        {
            "okonomi.yaml": (
                "rows: {catalogue: finance_lines}",
                "rows: {catalogue: finance_lines, before: [{key: x, label: Ekstra linje}]}",
            )
        },
        "okonomi.yaml › sheets.result.rows.before: radene er katalogen «finance_lines»; before "
        "kan ikke stå sammen med catalogue (raden ville ikke komme med i malen)",
    ),
    "rows_on_a_records_sheet": (
        {
            "drift.yaml": (
                "    kind: records\n    title: Beredskapslogg",
                "    kind: records\n    rows: {before: [{key: x, label: X}]}\n"
                "    title: Beredskapslogg",
            )
        },
        "drift.yaml › sheets.preparedness.rows: et records-ark har én rad per post og ingen "
        "faste rader; fjern rows (eller bruk kind: table)",
    ),
    "locked_column_on_a_table": (
        {
            "brukerstotte.yaml": (
                "      - key: first_line\n",
                "      - key: first_line\n        locked: true\n",
            )
        },
        "brukerstotte.yaml › sheets.contacts.columns.first_line.locked: låste kolonner finnes "
        "bare på records-ark; på et table-ark blir cellene ikke låst",
    ),
    "choices_on_a_number": (
        {
            "brukerstotte.yaml": (
                "      - key: first_line\n",
                "      - key: first_line\n        choices: [a, b]\n",
            )
        },
        "brukerstotte.yaml › sheets.contacts.columns.first_line.choices: gjelder bare type "
        "choice (kolonnen er integer, så valgene ville ikke bli kontrollert)",
    ),
    "targets_without_their_check": (
        {"brukerstotte.yaml": ("month-rows-in-order, explained-targets]", "month-rows-in-order]")},
        "brukerstotte.yaml › sheets.contacts.targets: målene vurderes bare av kontrollen "
        "«explained-targets», som malen ikke har i checks; legg den til, eller fjern targets",
    ),
    # The month rows gone: the chapter showed last year's months only, and its sentence said
    # the target was met «in every month of the table».
    "months_removed_from_contacts": (
        {"brukerstotte.yaml": ('      months: "{month}"\n', "")},
        "brukerstotte.yaml › sheets.contacts.rows.months: mangler; kapittel 3 "
        "Tjenester/produksjon (seksjonen «services») leser radene for årets måneder",
    ),
    # A paragraph of a topic no section places was in no chapter.
    "comment_topic_no_section_places": (
        {
            "hr.yaml": (
                "- {key: hms, label: HMS}",
                "- {key: hms, label: HMS}\n          - {key: other, label: Annet}",
            )
        },
        "hr.yaml › sheets.comments.columns.topic.choices: temaet «other» har ingen plass i "
        "rapporten (et avsnitt med det ville ikke bli vist); kapittel 5 HR/HMS (seksjonen «hr») "
        "leser bare breaches, certified, hms, long_term, short_term, sick_leave",
    ),
    # «Rød; Gul» was counted in no colour; a topic «Innledning; Vurdering» dropped the paragraph.
    "several_statuses_in_one_cell": (
        {
            "prosjekt.yaml": (
                "choices: [Grønn, Gul, Rød]",
                "choices: [Grønn, Gul, Rød]\n        multiple: true",
            )
        },
        "prosjekt.yaml › sheets.projects.columns.status.multiple: kapittel 4 Status for "
        "prosjektporteføljen (seksjonen «portfolio») leser kolonnen som ett valg per celle; "
        "fjern multiple",
    ),
    "several_topics_in_one_cell": (
        {
            "drift.yaml": (
                "        label: Tema\n        type: choice\n",
                "        label: Tema\n        type: choice\n        multiple: true\n",
            )
        },
        "drift.yaml › sheets.comments.columns.topic.multiple: kapittel 3 Tjenester/produksjon "
        "(seksjonen «services») leser kolonnen som ett valg per celle; fjern multiple",
    ),
    "status_word_unknown_to_template": (
        {"report.yaml": ("{label: Gul, colour: yellow}", "{label: Oransje, colour: yellow}")},
        "prosjekt.yaml › sheets.projects.columns.status.choices: Grønn, Gul, Rød passer ikke med "
        "report.yaml › portfolio.statuses (Grønn, Oransje, Rød); statusordene må være de samme "
        "begge steder",
    ),
    "leads_from_a_register": (
        {
            "report.yaml": (
                "leads: {template: ledelse, sheet: leads,",
                "leads: {template: ledelse, sheet: assessment,",
            )
        },
        "report.yaml › report.leads.sheet: arket «assessment» i ledelse.yaml har ingen faste "
        "rader (det er records); innledningene leses fra én rad per kapittel",
    ),
    "target_label_not_a_choice": (
        {
            "hr.yaml": (
                "label: Sykefravær totalt\n        share:",
                "label: Sykefravær i alt\n        share:",
            )
        },
        "hr.yaml › sheets.sick_leave.targets.sick_leave_total.label: «Sykefravær i alt» er ikke "
        "et valg i «Forklarer» (sheets.comments.columns.explains), så ingen kommentar kan "
        "forklare det; kjente: Sykefravær totalt",
    ),
    # The check compares the label exactly: it passed a missed target over, never judged.
    "target_label_differs_in_case": (
        {
            "hr.yaml": (
                "label: Sykefravær totalt\n        share:",
                "label: Sykefravær Totalt\n        share:",
            )
        },
        "hr.yaml › sheets.sick_leave.targets.sick_leave_total.label: «Sykefravær Totalt» er "
        "ikke et valg i «Forklarer» (sheets.comments.columns.explains), så ingen kommentar kan "
        "forklare det; kjente: Sykefravær totalt",
    ),
    "blank_rows_beyond_excel": (
        {"kvalitet.yaml": ("blank_rows: 20", "blank_rows: 2000000")},
        "kvalitet.yaml › sheets.comments.blank_rows: «2000000» er utenfor området; må være ≤ 10000",
    ),
    # No empty row and nothing pre-filled: an Excel table without a data row, which
    # xlsxwriter refuses (a warning, and a template the department cannot fill in).
    "blank_rows_none": (
        {"kvalitet.yaml": ("blank_rows: 20", "blank_rows: 0")},
        "kvalitet.yaml › sheets.comments.blank_rows: «0» er utenfor området; må være ≥ 1",
    ),
    "from_last_year_unknown_column": (
        {"hr.yaml": ("from_last_year: agreed\n", "from_last_year: agred\n")},
        "hr.yaml › sheets.sick_leave.columns.agreed_prior.from_last_year: kolonnen «agred» "
        "finnes ikke på arket; kjente: agreed, self_certified, medically_short, medically_long, "
        "agreed_prior, self_certified_prior, medically_short_prior, medically_long_prior",
    ),
    "from_last_year_unknown_row": (
        {"okonomi.yaml": ("from_last_year: [m12]", "from_last_year: [m13]")},
        "okonomi.yaml › sheets.fte.rows.year_start.from_last_year: raden «m13» finnes ikke på "
        "arket; kjente: year_start, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12",
    ),
    "prefill_from_unknown_column": (
        {"prosjekt.yaml": ("prefill_from: status", "prefill_from: statuss")},
        "prosjekt.yaml › sheets.projects.columns.previous_status.prefill_from: kolonnen "
        "«statuss» finnes ikke på arket; kjente: project, program, phase, status, schedule, "
        "cost, resources, quality, comment, previous_status, previous_schedule, previous_cost, "
        "previous_resources, previous_quality",
    ),
    "window_longer_than_template": (
        {"report.yaml": ("service_desk_months: 7", "service_desk_months: 24")},
        "report.yaml › services.service_desk_months: 24 måneder, men brukerstotte.yaml › "
        "sheets.contacts har i januar bare 13 (months_back 12 og januar); sett høyst 13, eller "
        "øk months_back",
    ),
    # A cell is read without its spaces at the ends: «Vurdering» chosen from the template's
    # own dropdown was «ikke et gyldig valg», in every correctly filled file.
    "choice_with_trailing_space": (
        {
            "drift.yaml": (
                "{key: assessment, label: Vurdering}",
                '{key: assessment, label: "Vurdering "}',
            )
        },
        "drift.yaml › sheets.comments.columns.topic.choices: valget «Vurdering » har mellomrom "
        "først eller sist; en celle leses uten dem, så valget ville aldri passe; fjern "
        "mellomrommene",
    ),
    "catalogue_choice_with_leading_space": (
        {"report.yaml": ("- {key: yellow, label: Gul}", '- {key: yellow, label: " Gul"}')},
        "drift.yaml › sheets.preparedness.columns.level.choices: valget « Gul» (fra report.yaml "
        "› catalogues.preparedness_levels) har mellomrom først eller sist; en celle leses uten "
        "dem, så valget ville aldri passe; fjern mellomrommene",
    ),
    # The report counts orders and preparedness events by the catalogue's labels: an order
    # of a category only the template offered was left out of every count, the total too
    # (13 orders reported as 11).
    "order_category_only_in_the_template": (
        {
            "nye_tjenester.yaml": (
                "choices: {catalogue: order_categories}",
                "choices: [Tjenesteleveranse, Anskaffelser og rådgivning, Frittstående "
                "programvare, Nettverk og telefoni]",
            )
        },
        "nye_tjenester.yaml › sheets.orders.columns.category.choices: Anskaffelser og "
        "rådgivning, Frittstående programvare, Nettverk og telefoni, Tjenesteleveranse passer "
        "ikke med report.yaml › catalogues.order_categories (Anskaffelser og rådgivning, "
        "Frittstående programvare, Nettverk, Tjenesteleveranse); kapittel 3 "
        "Tjenester/produksjon (seksjonen «services») leser verdiene etter katalogen, så et valg "
        "bare malen har ville ikke bli talt; skriv choices: {catalogue: order_categories}",
    ),
    "preparedness_level_only_in_the_template": (
        {
            "drift.yaml": (
                "choices: {catalogue: preparedness_levels}",
                "choices: [Grønn, Gul, Rød, Svart]",
            )
        },
        "drift.yaml › sheets.preparedness.columns.level.choices: Grønn, Gul, Rød, Svart passer "
        "ikke med report.yaml › catalogues.preparedness_levels (Grønn, Gul, Rød); kapittel 3 "
        "Tjenester/produksjon (seksjonen «services») leser verdiene etter katalogen, så et valg "
        "bare malen har ville ikke bli talt; skriv choices: {catalogue: preparedness_levels}",
    ),
    "multiple_choice_with_separator": (
        {
            "hr.yaml": (
                "{key: sick_leave_total, label: Sykefravær totalt}",
                '{key: sick_leave_total, label: "Sykefravær totalt; alle"}',
            )
        },
        "hr.yaml › sheets.comments.columns.explains.choices: valget «Sykefravær totalt; alle» "
        "har «;», som skiller valgene i en celle med flere valg; skriv det uten",
    ),
    "percent_threshold_as_whole_number": (
        {
            "report.yaml": (
                "      green: {min: 0.70}\n      yellow: {min: 0.60}",
                "      green: {min: 70}\n      yellow: {min: 60}",
            )
        },
        "report.yaml › front_page.key_figures[1].green.min: 70 er ingen andel; med unit percent "
        "skrives tersklene som andeler (0.7 for 70 %)",
    ),
    "threshold_nan": (
        {"report.yaml": ("      green: {max: 0.05}", "      green: {max: .nan}")},
        "report.yaml › front_page.key_figures[2].green.max: forventet et endelig tall, fant «nan»",
    ),
    "investment_group_unknown": (
        {"report.yaml": ("group: projects", "group: prosjekter")},
        "report.yaml › catalogues.investment_categories[0].group: «prosjekter» finnes ikke i "
        "investment_groups; kjente: projects",
    ),
    "placeholder_unclosed": (
        {"hr.yaml": ("title: Sykefravær {year} (i år)", "title: Sykefravær {year (i år)")},
        "hr.yaml › sheets.sick_leave.title: «{» står uten sin make; en plassholder skrives "
        "«{year}», uten mellomrom: «Sykefravær {year (i år) og året før (i fjor), i dagsverk»",
    ),
    "placeholder_spaced": (
        {"hr.yaml": ("title: Sykefravær {year} (i år)", "title: Sykefravær { year } (i år)")},
        "hr.yaml › sheets.sick_leave.title: «{» står uten sin make; en plassholder skrives "
        "«{year}», uten mellomrom: «Sykefravær { year } (i år) og året før (i fjor), i dagsverk»",
    ),
    "placeholder_unopened": (
        {"hr.yaml": ("title: Sykefravær {year} (i år)", "title: Sykefravær year} (i år)")},
        "hr.yaml › sheets.sick_leave.title: «}» står uten sin make; en plassholder skrives "
        "«{year}», uten mellomrom: «Sykefravær year} (i år) og året før (i fjor), i dagsverk»",
    ),
    "placeholder_in_column_help": (
        {
            "hr.yaml": (
                "help: Antall brudd av denne typen i måneden.",
                "help: Antall brudd i {period}.",
            )
        },
        "hr.yaml › sheets.breaches.measures.count.help: «{period}» fylles ikke inn i en "
        "hjelpetekst (cellens inndatamelding); skriv teksten uten plassholdere",
    ),
    "integer_bound_fraction": (
        {
            "hr.yaml": (
                "        min: 0\n        max: 100000",
                "        min: 1.5\n        max: 100000",
            )
        },
        "hr.yaml › sheets.breaches.measures.count.min: 1.5 er ikke et heltall; kolonnen har type "
        "integer",
    ),
    "instruction_beyond_a_cell": (
        {"hr.yaml": ("  - Fyll ut de gule", "  - " + "x" * 37_000 + "\n  - Fyll ut de gule")},
        "hr.yaml › instructions[0]: teksten har 37 000 tegn; den skrives i én celle, som tar "
        "høyst 32 000 tegn her (Excel: 32 767), og vrapport kutter ikke teksten. Del den opp "
        "eller forkort den",
    ),
    "bound_beyond_excels_digits": (
        {"brukerstotte.yaml": ("max: 10000000", "max: 1e300")},
        "brukerstotte.yaml › sheets.contacts.columns.contacts.max: 1e+300 er utenfor det Excel "
        "regner nøyaktig med (15 siffer); oppgi en grense på høyst 10^15",
    ),
    "number_format_with_bare_text": (
        {"okonomi.yaml": ('number_format: "#,##0.0"', 'number_format: "#,##0.0 dagsverk"')},
        "okonomi.yaml › sheets.fte.columns.fte.number_format: «#,##0.0 dagsverk» er ikke et "
        "tallformat Excel kan lese («a» utenfor anførselstegn); skriv tekst i anførselstegn, "
        "f.eks. '#,##0 \"kr\"'",
    ),
    "column_wider_than_excel": (
        {"hr.yaml": ("width: 110", "width: 100000")},
        "hr.yaml › sheets.comments.columns.text.width: «100000» er utenfor området; må være ≤ 255",
    ),
    # «Best first» was read from the list's order, whatever the colours said: Gul listed
    # before Grønn turned every improvement's arrow into ↓.
    "statuses_not_best_first": (
        {
            "report.yaml": (
                "    - {label: Grønn, colour: green}\n    - {label: Gul, colour: yellow}",
                "    - {label: Gul, colour: yellow}\n    - {label: Grønn, colour: green}",
            )
        },
        "report.yaml › portfolio.statuses[1].colour: «Grønn» (green) står etter «Gul» "
        "(yellow); statusene står med den beste først (green, yellow, red), og trendpilene "
        "sammenligner plassene i listen",
    ),
    # Two programs under one heading: the board read MoDI's projects as HIS2's.
    "program_heading_twice": (
        {"report.yaml": ("MoDI: MoDI-programmet", "MoDI: Helhetlig informasjonssikkerhet (HIS2)")},
        "report.yaml › portfolio.programs.MoDI: overskriften «Helhetlig informasjonssikkerhet "
        "(HIS2)» står to ganger (også for HIS2); prosjektene ville stått under samme overskrift",
    ),
    "program_heading_is_no_program": (
        {"report.yaml": ("MoDI: MoDI-programmet", "MoDI: prosjekter utenfor program")},
        "report.yaml › portfolio.programs.MoDI: overskriften «prosjekter utenfor program» står "
        "to ganger (også for no_program); prosjektene ville stått under samme overskrift",
    ),
    # Two categories counted on two rows of one name: the board could not tell them apart.
    "order_category_report_label_twice": (
        {
            "report.yaml": (
                "{key: network, label: Nettverk}",
                "{key: network, label: Nettverk, report_label: Tjenesteleveranser}",
            )
        },
        "report.yaml › catalogues.order_categories.network.report_label: «Tjenesteleveranser» "
        "står to ganger i nøkkeltallene for nye tjenester (også "
        "catalogues.order_categories.service_delivery.report_label); gi linjene ulike navn",
    ),
    # A group's sum line follows its last category before another group's (or none): with
    # a category between the two projects lines, «Sum prosjekter» stood twice, the first after
    # one of its two lines, both with the sum of both.
    "investment_group_split": (
        {
            "report.yaml": (
                'label: "Oppkjøp anlegg RHF, inkl FRESK"}',
                'label: "Oppkjøp anlegg RHF, inkl FRESK", group: projects}',
            )
        },
        "report.yaml › catalogues.investment_categories[3].group: kategoriene i "
        "gruppen «projects» står ikke etter hverandre (operating_capex står mellom); gruppens "
        "sumlinje står etter dens siste kategori, så flytt kategoriene sammen",
    ),
    # Next period's template was pre-filled with last period's delivery dates as numbers
    # (44928) in the text column Kunde: a template that failed its own checks.
    "prefill_from_another_type": (
        {"nye_tjenester.yaml": ("prefill_from: customer", "prefill_from: delivered")},
        "nye_tjenester.yaml › sheets.orders.columns.customer.prefill_from: kolonnen «delivered» "
        "har typen date, «customer» typen text; forhåndsutfylte verdier må ha kolonnens type",
    ),
    "from_last_year_another_type": (
        {
            "hr.yaml": (
                "from_last_year: agreed\n        label: Avtalte dagsverk i fjor\n"
                "        type: decimal",
                "from_last_year: agreed\n        label: Avtalte dagsverk i fjor\n"
                "        type: integer",
            )
        },
        "hr.yaml › sheets.sick_leave.columns.agreed_prior.from_last_year: kolonnen «agreed» "
        "har typen decimal, «agreed_prior» typen integer; forhåndsutfylte verdier må ha "
        "kolonnens type",
    ),
    # Carried over only on table and grid sheets: on a register nothing was filled in.
    "carry_on_a_register": (
        {"nye_tjenester.yaml": ("prefill_from: customer", "carry: true")},
        "nye_tjenester.yaml › sheets.orders.columns.customer.carry: brukes bare på ark av typen "
        "table eller grid (dette er records); på et register: prefill_from",
    ),
    "from_last_year_on_a_register": (
        {"nye_tjenester.yaml": ("prefill_from: customer", "from_last_year: customer")},
        "nye_tjenester.yaml › sheets.orders.columns.customer.from_last_year: brukes bare på ark "
        "av typen table (dette er records); på et register: prefill_from",
    ),
    # Thresholds of a figure shown in mill. kr are kroner: -2 (meant as -2 mill. kr) made a
    # deviation of -3 kroner red.
    "mill_threshold_in_millions": (
        {"report.yaml": ("yellow: {min: -2000000}", "yellow: {min: -2}")},
        "report.yaml › front_page.key_figures[0].yellow.min: -2 er i kroner; med unit mill "
        "skrives tersklene i kroner (-2000000 for -2 mill. kr)",
    ),
    # Compared with itself: «→ forrige måned: 258», this month's figure shown as last month's.
    "compared_with_itself": (
        {
            "report.yaml": (
                "compare: avvik.open_deviations_previous",
                "compare: avvik.open_deviations",
            )
        },
        "report.yaml › front_page.key_figures[4].compare: «avvik.open_deviations» er samme tall "
        "som fact; pilen og forrige verdi ville vist tallet selv",
    ),
    # Numbered 7 but listed first: «7.» stood first in the table of contents, before «2.».
    "chapters_out_of_order": (
        {"report.yaml": ("number: 1\n", "number: 7\n")},
        "report.yaml › report.chapters[1].number: 2 står etter 7 (report.chapters[0]); "
        "kapitlene står i rapporten i listens rekkefølge, så nummerer dem stigende",
    ),
    # «ikke skal overstige 6 % (2,5 % for langtidsfravær og 2,5 % for korttidsfravær)»: the
    # total rate is the sum of the two, so months under both targets were over the total's.
    "target_total_not_the_sum": (
        {"report.yaml": ("sick_leave_total: 0.05", "sick_leave_total: 0.06")},
        "report.yaml › targets.sick_leave_total: 0.06 er ikke summen av sick_leave_short_term "
        "og sick_leave_long_term (0.025 + 0.025 = 0.05); andelen målet gjelder er summen av de "
        "andre andelene, så målet må være det også",
    ),
    # Without report.leads the chapter leads the management filled in stood nowhere.
    "leads_left_out": (
        {"report.yaml": ("  leads: {template: ledelse, sheet: leads, column: text}\n", "")},
        "ledelse.yaml › sheets.leads: ingen del av rapporten leser arket; det avdelingen "
        "fyller ut her, ville ikke stått noe sted (innledningene leses bare med report.leads). "
        "Rapporten leser assessment",
    ),
    # Under one character wide, the template's own column was «skjult eller så smal at den
    # ikke vises» when the filled template was checked.
    "column_too_narrow_to_show": (
        {"nye_tjenester.yaml": ("width: 16", "width: 0.1")},
        "nye_tjenester.yaml › sheets.orders.columns.id.width: «0.1» er utenfor området; må "
        "være ≥ 1",
    ),
    # A column paired with itself: the scale check compared each figure with itself.
    "plausibility_pair_with_itself": (
        {"report.yaml": ("result: {actual: budget}", "result: {actual: actual}")},
        "report.yaml › plausibility.pairs.okonomi.result.actual: «actual» er paret med seg "
        "selv, så tallene sammenlignes ikke med noe; oppgi den andre kolonnen (et budsjett, i "
        "fjor)",
    ),
    # A label of spaces: the check of the template vrapport wrote found no column « ».
    "column_label_of_spaces": (
        {"nye_tjenester.yaml": ("label: Kunde", 'label: " "')},
        "nye_tjenester.yaml › sheets.orders.columns.customer.label: kan ikke være tom (teksten "
        "har bare mellomrom)",
    ),
    "chapter_title_of_spaces": (
        {"report.yaml": ("title: Økonomi", "title: '  '")},
        "report.yaml › report.chapters[1].title: kan ikke være tom (teksten har bare mellomrom)",
    ),
    # Printed as written: «Virksomhetsrapport {year} pr. 31. mars 2024» on the front page.
    "report_title_placeholder": (
        {"report.yaml": ("title: Virksomhetsrapport", 'title: "Virksomhetsrapport {year}"')},
        "report.yaml › report.title: «{year}» fylles ikke inn; rapportens titler skrives slik "
        "de står (perioden, «pr. 31. mars 2024», settes etter rapportens tittel av seg selv)",
    ),
    "chapter_title_placeholder": (
        {"report.yaml": ("title: Økonomi", 'title: "Økonomi {month}"')},
        "report.yaml › report.chapters[1].title: «{month}» fylles ikke inn; rapportens titler "
        "skrives slik de står (perioden, «pr. 31. mars 2024», settes etter rapportens tittel "
        "av seg selv)",
    ),
    # A typo in the matrix: a risk of likelihood 3 and impact 4 was out of the red zone while
    # one of impact 3 was in it.
    "red_zone_with_a_hole": (
        {"report.yaml": ("    3: [4, 5]", "    3: [3, 5]")},
        "report.yaml › risk_matrix.red_zone.3: cellen sannsynlighet 3, konsekvens 3 er rød, "
        "men ikke den med konsekvens 4; en risiko med høyere sannsynlighet eller konsekvens er "
        "minst like alvorlig",
    ),
    "red_zone_not_rising": (
        {"report.yaml": ("    2: [5]", "    2: [3, 4, 5]")},
        "report.yaml › risk_matrix.red_zone.3: cellen sannsynlighet 2, konsekvens 3 er rød, "
        "men ikke den med sannsynlighet 3; en risiko med høyere sannsynlighet eller konsekvens "
        "er minst like alvorlig",
    ),
    # Two figures under one name on the front page.
    "key_figure_label_twice": (
        {"report.yaml": ("label: Åpne avvik i DocMap", "label: AML-brudd i måneden")},
        "report.yaml › front_page.key_figures[4].label: «AML-brudd i måneden» står to ganger "
        "(også i front_page.key_figures[3])",
    ),
    # limit: min on sick leave: explanations were asked for the months under 5 %, none for
    # those the report showed over the target.
    "target_limit_the_other_way": (
        {"hr.yaml": ("limit: max", "limit: min")},
        "hr.yaml › sheets.sick_leave.targets.sick_leave_total.limit: «min», men kapittel 5 "
        "HR/HMS regner målet som ikke nådd når tallet er over det; kontrollen explained-targets "
        "ville bedt om forklaring for de andre månedene. Skriv limit: max",
    ),
    # Two rows «RESULTAT» in the result table, with different figures.
    "subtotal_label_twice": (
        {"report.yaml": ("operating_result: DRIFTSRESULTAT", "operating_result: Resultat")},
        "report.yaml › finance.subtotals.net_result: «RESULTAT» står to ganger i "
        "resultattabellen (også finance.subtotals.operating_result); gi linjene ulike navn",
    ),
    "subtotal_label_is_a_line": (
        {"report.yaml": ("operating_expenses: Driftskostnader", "operating_expenses: Annet")},
        "report.yaml › finance.subtotals.operating_expenses: «Annet» står to ganger i "
        "resultattabellen (også catalogues.finance_lines.other_costs.label); gi linjene ulike "
        "navn",
    ),
    "investment_group_label_is_a_category": (
        {
            "report.yaml": (
                "{key: projects, label: Sum prosjekter}",
                "{key: projects, label: Ordinære driftsinvesteringer HN IKT}",
            )
        },
        "report.yaml › catalogues.investment_groups.projects.label: «Ordinære "
        "driftsinvesteringer HN IKT» står to ganger i investeringstabellen (også "
        "catalogues.investment_categories.operating_capex.label); gi linjene ulike navn",
    ),
    # The percent written as a share, as the targets are (0.01 for 1 %): read as 0,01 %, so
    # nearly every variance of half a million kroner was material.
    "materiality_percent_as_a_share": (
        {"report.yaml": ("materiality_percent: 1", "materiality_percent: 0.01")},
        "report.yaml › narrative.materiality_percent: 0.01 leses som 0,01 % av budsjettet; "
        "grensen skrives i prosent, ikke som andel slik målene i targets er (1 for 1 %, ikke "
        "0.01). Skriv 1 om du mente 1 %, eller 0 for bare beløpsgrensen i materiality_kroner",
    ),
    "materiality_percent_over_100": (
        {"report.yaml": ("materiality_percent: 1", "materiality_percent: 150")},
        "report.yaml › narrative.materiality_percent: 150 er ingen prosent av budsjettet; "
        "grensen skrives i prosent fra 0 til 100 (1 for 1 %)",
    ),
    # The amount in millions: 0.5 made every variance of a krone material.
    "materiality_kroner_in_millions": (
        {"report.yaml": ("materiality_kroner: 500000", "materiality_kroner: 0.5")},
        "report.yaml › narrative.materiality_kroner: 0.5 er i kroner; grensen skrives i hele "
        "kroner (500000 for 0,5 mill. kr)",
    ),
    # The hours of last year's months missing from the template were summed as 0: the key
    # figures' «samme periode i fjor» and last year's total were printed too small.
    "hours_without_last_years_months": (
        {
            "nye_tjenester.yaml": (
                '      months_back: 12\n      months: "{month}"\n    columns:\n'
                "      - key: order_hours",
                '      months_back: 6\n      months: "{month}"\n    columns:\n'
                "      - key: order_hours",
            )
        },
        "nye_tjenester.yaml › sheets.hours.rows.months_back: arket har bare 6 av månedene i "
        "året før (months_back: 6); kapittel 3 Tjenester/produksjon (seksjonen «services») "
        "leser alle tolv (samme periode i fjor og hele fjoråret), og månedene som mangler, "
        "ville blitt talt som 0. Skriv months_back: 12",
    ),
    "hours_without_last_year": (
        {
            "nye_tjenester.yaml": (
                '      months_back: 12\n      months: "{month}"\n    columns:\n'
                "      - key: order_hours",
                '      months: "{month}"\n    columns:\n      - key: order_hours',
            )
        },
        "nye_tjenester.yaml › sheets.hours.rows.months_back: arket har bare 0 av månedene i "
        "året før (months_back mangler); kapittel 3 Tjenester/produksjon (seksjonen "
        "«services») leser alle tolv (samme periode i fjor og hele fjoråret), og månedene som "
        "mangler, ville blitt talt som 0. Skriv months_back: 12",
    ),
    # A group no category names: its sum line never stood in the investment table.
    "investment_group_without_categories": (
        {
            "report.yaml": (
                "    - {key: projects, label: Sum prosjekter}\n",
                "    - {key: projects, label: Sum prosjekter}\n"
                "    - {key: operations, label: Sum drift}\n",
            )
        },
        "report.yaml › catalogues.investment_groups[1].key: ingen kategori i "
        "investment_categories har group: operations, så sumlinjen «Sum drift» ville aldri "
        "stått i investeringstabellen; gi kategoriene som skal summeres group: operations, "
        "eller fjern gruppen",
    ),
    # A group keyed as a category: two rows of one key in the investment table.
    "investment_group_key_is_a_category": (
        {
            "report.yaml": (
                '{key: acquisitions, label: "Oppkjøp',
                '{key: projects, label: "Oppkjøp',
            )
        },
        "report.yaml › catalogues.investment_groups[0].key: «projects» er nøkkelen til to "
        "rader i investeringstabellen (også catalogues.investment_categories[3].key); gi "
        "radene ulike nøkler",
    ),
    # A finance line keyed as a subtotal: the front page took the line for the result.
    "finance_line_key_is_a_subtotal": (
        {"report.yaml": ("{key: other_costs, label: Annet", "{key: net_result, label: Annet")},
        "report.yaml › catalogues.finance_lines[10].key: «net_result» er nøkkelen til to rader "
        "i resultattabellen (også finance.subtotals.net_result); gi radene ulike nøkler",
    ),
}


# Names, titles and labels stand on one line in the templates, the report and Excel's sheet
# names: a line break made a sheet name Excel refuses, a chapter heading on two lines, a
# header the reader never found. Each: (file, old, new as YAML), the key path, the text.
ONE_LINE_TAIL = (
    "; navn, titler og ledetekster står på én linje i malene og rapporten (og Excel tillater "
    "ikke slike tegn i arknavn). Skriv teksten uten"
)
NOT_ONE_LINE = {
    "organisation_name": (
        ("report.yaml", "  name: Helse Nord IKT", '  name: "Helse Nord\\nIKT"'),
        "report.yaml › organisation.name: «Helse Nord\\nIKT» har et linjeskift (\\n)",
    ),
    "short_name": (
        ("report.yaml", "short_name: HN IKT", 'short_name: "HN\\tIKT"'),
        "report.yaml › organisation.short_name: «HN\\tIKT» har et tabulatortegn (\\t)",
    ),
    "report_title": (
        ("report.yaml", "  title: Virksomhetsrapport", '  title: "Virksomhets\\u2028rapport"'),
        "report.yaml › report.title: «Virksomhets\\u2028rapport» har et linjeskift (\\u2028)",
    ),
    "chapter_title": (
        ("report.yaml", "title: Økonomi", 'title: "Øko\\nnomi"'),
        "report.yaml › report.chapters[1].title: «Øko\\nnomi» har et linjeskift (\\n)",
    ),
    "chapter_sheet": (
        ("report.yaml", "sheet: 2 Økonomi", 'sheet: "2 Øko\\r\\nnomi"'),
        "report.yaml › report.chapters[1].sheet: arknavnet «2 Øko\\r\\nnomi» har et "
        "linjeskift (\\r)",
    ),
    "catalogue_label": (
        ("report.yaml", "label: Personalkostnader", 'label: "Personal\\x07kostnader"'),
        "report.yaml › catalogues.finance_lines[3].label: «Personal\\u0007kostnader» har et "
        "styretegn (\\u0007)",
    ),
    "program_heading": (
        ("report.yaml", "MoDI: MoDI-programmet", 'MoDI: "MoDI-\\nprogrammet"'),
        "report.yaml › portfolio.programs.MoDI: «MoDI-\\nprogrammet» har et linjeskift (\\n)",
    ),
    "template_sheet_name": (
        ("drift.yaml", "name: Beredskap", 'name: "Bered\\tskap"'),
        "drift.yaml › sheets.preparedness.name: arknavnet «Bered\\tskap» har et tabulatortegn "
        "(\\t)",
    ),
    "sheet_title": (
        ("drift.yaml", "title: Beredskapslogg", 'title: "Beredskaps\\nlogg"'),
        "drift.yaml › sheets.preparedness.title: «Beredskaps\\nlogg» har et linjeskift (\\n)",
    ),
    "column_label": (
        ("drift.yaml", "label: Dato", 'label: "Da\\u202eto"'),
        "drift.yaml › sheets.preparedness.columns.date.label: «Da\\u202eto» har et retningstegn "
        "(\\u202e), som snur teksten etter seg på skjermen",
    ),
    "row_header": (
        ("okonomi.yaml", "row_header: Kategori", 'row_header: "Kate\\ngori"'),
        "okonomi.yaml › sheets.investments.row_header: «Kate\\ngori» har et linjeskift (\\n)",
    ),
    "month_rows": (
        ("hr.yaml", 'months: "{month}"', 'months: "{month}\\n"'),
        "hr.yaml › sheets.sick_leave.rows.months: radnavnet «{month}\\n» har et linjeskift (\\n)",
    ),
    "choice": (
        ("prosjekt.yaml", "choices: [Grønn, Gul, Rød]", 'choices: [Grønn, "Gul\\n", Rød]'),
        "prosjekt.yaml › sheets.projects.columns.status.choices: valget «Gul\\n» har et "
        "linjeskift (\\n)",
    ),
}


@pytest.mark.parametrize("case", list(NOT_ONE_LINE))
def test_names_titles_and_labels_are_one_line(schemas_copy, case):
    (name, old, new), message = NOT_ONE_LINE[case]
    assert _refused(schemas_copy, {name: (old, new)}) == message + ONE_LINE_TAIL


EXPLICIT_LEADS = (
    "rows: {chapters: [okonomi, tjenester, prosjekt, hr, avvik]}",
    "rows:\n      before:\n"
    '        - {key: okonomi, label: "2. Økonomi"}\n'
    '        - {key: hr, label: "5. HR/HMS"}',
)


def test_the_leads_rows_are_labelled_as_their_chapters_are_headed(schemas_copy, tmp_path):
    """The rows of the leads sheet follow report.yaml: a chapter renamed there is renamed in
    the management's template (a copy of the title went stale)."""
    specs = load_specs(schemas_copy())
    rows = specs.templates["ledelse"].sheet("leads").rows
    assert [(r.key, r.label) for r in rows] == [
        ("okonomi", "2. Økonomi"),
        ("tjenester", "3. Tjenester/produksjon"),
        ("prosjekt", "4. Status for prosjektporteføljen"),
        ("hr", "5. HR/HMS"),
        ("avvik", "6. Avviksmeldinger i DocMap"),
    ]
    edits = {"report.yaml": ("title: HR/HMS,", "title: HR og arbeidsmiljø,")}
    specs = load_specs(_edited(schemas_copy, edits))
    template = write_template(specs.templates["ledelse"], specs.report, PERIOD, tmp_path / "l.xlsx")
    sheet = openpyxl.load_workbook(template)["Ingress"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert "5. HR og arbeidsmiljø" in labels and "5. HR/HMS" not in labels


def test_a_leads_row_with_a_stale_chapter_title_is_refused(schemas_copy):
    edits = {
        "ledelse.yaml": EXPLICIT_LEADS,
        "report.yaml": ("title: HR/HMS,", "title: HR og arbeidsmiljø,"),
    }
    assert _refused(schemas_copy, edits) == (
        "ledelse.yaml › sheets.leads.rows.hr.label: «5. HR/HMS» er ikke kapittelets "
        "overskrift «5. HR og arbeidsmiljø» (report.yaml › report.chapters[4]); skriv rows: "
        "{chapters: [hr, …]}, så følger radene kapitlenes nummer og tittel"
    )
    # As the chapter is headed, the explicit rows load.
    load_specs(_edited(schemas_copy, {"ledelse.yaml": EXPLICIT_LEADS}))


def test_rows_of_chapters_stand_alone(schemas_copy):
    edits = {
        "ledelse.yaml": (
            "rows: {chapters: [okonomi, tjenester, prosjekt, hr, avvik]}",
            "rows: {chapters: [okonomi], after: [{key: x, label: X}]}",
        )
    }
    assert _refused(schemas_copy, edits) == (
        "ledelse.yaml › sheets.leads.rows.after: radene er kapitlene; after kan ikke stå "
        "sammen med chapters (raden ville ikke komme med i malen)"
    )


def _edited(schemas_copy, edits: dict[str, tuple[str, str]]) -> Path:
    """schemas_copy with several edits of one file ("report.yaml " names report.yaml again)."""
    folder: Path = schemas_copy()
    for name, (old, new) in edits.items():
        path = folder / name.strip()
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _refused(schemas_copy, edits: dict[str, tuple[str, str]]) -> str:
    with pytest.raises(SpecError) as caught:
        load_specs(_edited(schemas_copy, edits))
    return str(caught.value)


@pytest.mark.parametrize("case", list(CRASHES))
def test_what_crashed_later_is_refused_at_load(schemas_copy, case):
    edits, message = CRASHES[case]
    assert _refused(schemas_copy, edits) == message


@pytest.mark.parametrize("case", list(TYPED))
def test_unknown_keys_and_wrong_types_are_refused(schemas_copy, case):
    edits, message = TYPED[case]
    assert _refused(schemas_copy, edits) == message


@pytest.mark.parametrize("case", list(DUPLICATE_KEYS))
def test_a_key_twice_in_one_mapping_is_refused(schemas_copy, case):
    edits, message = DUPLICATE_KEYS[case]
    assert _refused(schemas_copy, edits) == message


@pytest.mark.parametrize("case", list(CONSISTENCY))
def test_inconsistent_specs_are_refused(schemas_copy, case):
    edits, message = CONSISTENCY[case]
    assert _refused(schemas_copy, edits) == message


@pytest.mark.parametrize("case", list(SILENT))
def test_what_was_silently_lost_is_refused_at_load(schemas_copy, case):
    edits, message = SILENT[case]
    assert _refused(schemas_copy, edits) == message


@pytest.mark.parametrize(
    "case",
    [
        "status_word_unknown_to_template",
        "target_label_not_a_choice",
        "order_category_only_in_the_template",
    ],
)
def test_build_refuses_what_was_silently_lost_and_writes_nothing(schemas_copy, tmp_path, case):
    edits, message = SILENT[case]
    out = tmp_path / "r.xlsx"
    args = ["build", str(EXAMPLES), "--period", PERIOD, "--out", str(out)]
    result = runner.invoke(app, [*args, "--schemas", str(_edited(schemas_copy, edits))])
    assert result.exit_code == 2 and not out.exists()
    assert message.split(":")[0] in _one_line(result.output)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("      - key: agreed", "\t- key: agreed"),
            "hr.yaml › linje 26, kolonne 1: er ikke gyldig YAML (found character that cannot "
            "start any token). Linjen har et tabulatortegn: rykk inn med mellomrom, ikke "
            "tabulator.",
        ),
        (
            ('months: "{month}"', 'months: ["{month}"'),
            "hr.yaml › linje 25, kolonne 5: er ikke gyldig YAML (did not find expected ',' or "
            "']').",
        ),
    ],
)
def test_a_yaml_syntax_error_is_named_by_line_and_column(schemas_copy, edit, message):
    assert _refused(schemas_copy, {"hr.yaml": edit}) == message


def test_the_yaml_loader_stays_the_c_one_where_libyaml_is_there():
    from vrapport.spec import YAML_LOADER, _UniqueKeyLoader

    assert issubclass(_UniqueKeyLoader, YAML_LOADER)
    if hasattr(yaml, "CSafeLoader"):
        assert issubclass(_UniqueKeyLoader, yaml.CSafeLoader)


def test_a_cut_default_sheet_name_is_used(schemas_copy):
    """A chapter without `sheet:` gets "number title", cut to Excel's 31 characters."""
    edits = {
        "report.yaml": ("sheet: 4 Prosjektportefølje, section: portfolio", "section: portfolio")
    }
    specs = load_specs(_edited(schemas_copy, edits))
    assert specs.report.chapter("prosjekt").sheet == "4 Status for prosjektportefølje"


def _one_line(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize("case", list(CRASHES))
@pytest.mark.parametrize("command", ["templates", "check"])
def test_the_commands_refuse_what_crashed_before(schemas_copy, tmp_path: Path, case, command):
    edits, message = CRASHES[case]
    assert _one_line(message) in _refused_by(schemas_copy, tmp_path, command, edits)


def _refused_by(schemas_copy, tmp_path: Path, command: str, edits) -> str:  # type: ignore[no-untyped-def]
    """`command` run with the edited specs: exit 2, one message, nothing written; its text."""
    out = tmp_path / "ut"
    args = {
        "templates": ["templates", "2024-03", "--out", str(out)],
        "check": ["check", str(EXAMPLES), "--period", "2024-03"],
    }[command]
    result = runner.invoke(app, [*args, "--schemas", str(_edited(schemas_copy, edits))])
    assert result.exit_code == 2, result.output
    text = _one_line(result.output)
    assert "Intern feil" not in text and "Traceback" not in text
    assert not out.exists()
    return text


# A column a chapter reads as a number has a number type in the spec.
COLUMN_TYPES = {
    "text_type_count": (
        {
            "brukerstotte.yaml": (
                "        label: Telefonhenvendelser\n        type: integer",
                "        label: Telefonhenvendelser\n        type: text",
            )
        },
        "brukerstotte.yaml › sheets.contacts.columns.phone.type: «text» passer ikke; kapittel 3 "
        "Tjenester/produksjon (seksjonen «services») leser kolonnen som et antall; gyldige: "
        "integer",
    ),
    "decimal_count": (
        {
            "brukerstotte.yaml": (
                "        label: Henvendelser totalt\n        type: integer",
                "        label: Henvendelser totalt\n        type: decimal",
            )
        },
        "brukerstotte.yaml › sheets.contacts.columns.contacts.type: «decimal» passer ikke; "
        "kapittel 3 Tjenester/produksjon (seksjonen «services») leser kolonnen som et antall; "
        "gyldige: integer",
    ),
    "amount_as_date": (
        {
            "okonomi.yaml": (
                "        label: Budsjett\n        type: decimal",
                "        label: Budsjett\n        type: date",
            )
        },
        "okonomi.yaml › sheets.result.columns.budget.type: «date» passer ikke; kapittel 2 "
        "Økonomi (seksjonen «finance») leser kolonnen som et tall; gyldige: integer, decimal, "
        "percent",
    ),
    # A likelihood typed as text was read as no number: the risk was in no matrix cell, and
    # the report said no risk was in the red zone.
    "risk_likelihood_as_text": (
        {
            "prosjekt.yaml": (
                "        label: Sannsynlighet\n        type: integer",
                "        label: Sannsynlighet\n        type: text",
            )
        },
        "prosjekt.yaml › sheets.risks.columns.likelihood.type: «text» passer ikke; kapittel 4 "
        "Status for prosjektporteføljen (seksjonen «portfolio») leser kolonnen som et antall; "
        "gyldige: integer",
    ),
    # A delivery date typed as text was counted in no month.
    "delivery_date_as_text": (
        {
            "nye_tjenester.yaml": (
                "        label: Levert dato\n        type: date",
                "        label: Levert dato\n        type: text",
            )
        },
        "nye_tjenester.yaml › sheets.orders.columns.delivered.type: «text» passer ikke; "
        "kapittel 3 Tjenester/produksjon (seksjonen «services») leser kolonnen som en dato; "
        "gyldige: date",
    ),
    "deviation_count_date_as_text": (
        {
            "kvalitet.yaml": (
                "        label: Telledato\n        type: date",
                "        label: Telledato\n        type: text",
            )
        },
        "kvalitet.yaml › sheets.open_deviations.columns.date.type: «text» passer ikke; "
        "kapittel 6 Avviksmeldinger i DocMap (seksjonen «quality») leser kolonnen som en dato; "
        "gyldige: date",
    ),
    # A status typed as free text (with the previous one) escaped the check that its words
    # are the portfolio's.
    "project_status_as_text": (
        {
            "prosjekt.yaml": (
                "        label: Status totalt\n        type: choice\n        required: always\n"
                "        choices: [Grønn, Gul, Rød]\n",
                "        label: Status totalt\n        type: text\n        required: always\n",
            ),
            "prosjekt.yaml ": (
                "        label: Forrige status totalt\n        type: choice\n"
                "        choices: [Grønn, Gul, Rød]\n",
                "        label: Forrige status totalt\n        type: text\n",
            ),
        },
        "prosjekt.yaml › sheets.projects.columns.status.type: «text» passer ikke; kapittel 4 "
        "Status for prosjektporteføljen (seksjonen «portfolio») leser kolonnen som et valg fra "
        "en liste; gyldige: choice",
    ),
}


@pytest.mark.parametrize("case", list(COLUMN_TYPES))
def test_a_column_read_as_a_number_must_be_one(schemas_copy, case):
    edits, message = COLUMN_TYPES[case]
    assert _refused(schemas_copy, edits) == message


# YAML anchors and aliases: the specs need none, and nested aliases (a "billion laughs") make
# whatever walks the loaded object exponential in the file's size. Refused from the parser's
# events at the first one, naming the file and its line.
BOMB = "".join(
    f"bomb_{level}: &{level} [" + ",".join([f"*{previous}" if previous else "x"] * 9) + "]\n"
    for previous, level in zip(["", *"abcdefghi"], "abcdefghij", strict=True)
)
ANCHORS = {
    # the reviewer's case, ten levels deep: 9**10 strings if expanded
    "alias_bomb": ({"drift.yaml": ("\nsheets:\n", f"\n{BOMB}sheets:\n")}, "&a"),
    "anchor_and_alias": (
        {
            "drift.yaml": ("label: Oppdateringer", "label: &upd Oppdateringer"),
            "drift.yaml ": (
                "help: Antall gjennomførte oppdateringer (endringer) i måneden.",
                "help: *upd",
            ),
        },
        "&upd",
    ),
    "alias_alone": (
        {
            "drift.yaml": (
                "help: Antall gjennomførte oppdateringer (endringer) i måneden.",
                "help: *x",
            )
        },
        "*x",
    ),
    "merge_key": (
        {
            "report.yaml": (
                "  operations_months: 9\n",
                "  operations_months: 9\n  <<: *defaults\n",
            )
        },
        "*defaults",
    ),
}


@pytest.mark.parametrize("case", list(ANCHORS))
def test_yaml_anchors_and_aliases_are_refused_naming_file_and_line(schemas_copy, case):
    edits, shown = ANCHORS[case]
    folder = _edited(schemas_copy, edits)
    name = next(iter(edits)).strip()
    text = (folder / name).read_text(encoding="utf-8")
    line = text.count("\n", 0, text.index(shown)) + 1
    kind = "alias" if shown.startswith("*") else "anker"
    with pytest.raises(SpecError) as caught:
        load_specs(folder)
    assert str(caught.value) == (
        f"{name} › linje {line}: YAML-{kind} «{shown}» er ikke tillatt i spesifikasjonene (ingen "
        "ankre eller alias, &navn og *navn); skriv verdien ut der den skal stå"
    )


def test_ampersands_and_asterisks_in_texts_are_no_anchors(schemas_copy):
    edits = {
        "drift.yaml": (
            "help: Antall gjennomførte oppdateringer (endringer) i måneden.",
            "help: Oppdateringer & endringer * 1 i måneden (&ikke *alias).",
        )
    }
    specs = load_specs(_edited(schemas_copy, edits))
    column = specs.template("drift").sheet("operations").column("changes")
    assert column.help == "Oppdateringer & endringer * 1 i måneden (&ikke *alias)."


@pytest.mark.parametrize("command", ["templates", "check"])
def test_the_commands_refuse_an_alias_bomb(schemas_copy, tmp_path: Path, command):
    edits, _ = ANCHORS["alias_bomb"]
    text = _refused_by(schemas_copy, tmp_path, command, edits)
    assert "drift.yaml › linje" in text and "YAML-anker «&a» er ikke tillatt" in text


# Excel's limits for a data validation's texts (PROMPT_MAX = 255 for an input message, in
# UTF-16 units as Excel counts): a help text longer than that used to be cut with «…» in the
# template; now the spec is refused when it loads.
LIMIT = (
    "Excel viser høyst 255 tegn i en celles inndatamelding (datavalidering), og vrapport "
    "kutter ikke teksten. Forkort den"
)
LEVEL_HELP = "        help: Beredskapsnivået hendelsen ble håndtert på."
EXCEL_LIMITS = {
    # xlsxwriter left the page footer out (an English warning on stderr)
    "footer": (
        {"report.yaml": ("name: Helse Nord IKT", "name: " + "Helse Nord IKT " * 15)},
        "report.yaml › organisation.name og report.title gir en bunntekst på 285 tegn på "
        "rapportens sider; Excel tillater høyst 255. Bruk kortere navn",
    ),
    "column_help": (
        {"drift.yaml": (LEVEL_HELP, "        help: " + "x" * 256)},
        f"drift.yaml › sheets.preparedness.columns.level.help: hjelpeteksten har 256 tegn; {LIMIT}",
    ),
    # a records sheet is an Excel table: Excel repaired the file of a longer column name
    "table_column_name": (
        {
            "drift.yaml": (
                "        label: Nivå\n",
                "        label: " + "Nivå på beredskapen " * 13 + "\n",
            )
        },
        "drift.yaml › sheets.preparedness.columns.level.label: 259 tegn; på et records-ark er "
        "kolonnene en Excel-tabell, der en kolonneoverskrift kan ha høyst 255 tegn. Forkort "
        "den, og legg forklaringen i help",
    ),
    # 128 characters, 256 as Excel counts them
    "column_help_emoji": (
        {"drift.yaml": (LEVEL_HELP, "        help: " + "👍" * 128)},
        "drift.yaml › sheets.preparedness.columns.level.help: hjelpeteksten har 256 tegn (slik "
        "Excel teller: emoji og andre tegn utenfor grunnplanet teller to); " + LIMIT,
    ),
    # without a help text, the label is the input message
    "label_as_prompt": (
        {
            "drift.yaml": ("        label: Oppdateringer\n", "        label: " + "O" * 256 + "\n"),
            "drift.yaml ": (
                "        help: Antall gjennomførte oppdateringer (endringer) i måneden.\n",
                "",
            ),
        },
        "drift.yaml › sheets.operations.columns.changes.label: ledeteksten (inndatameldingen "
        f"når help mangler) har 256 tegn; {LIMIT}",
    ),
    "fixed_row_help": (
        {
            "okonomi.yaml": (
                'label: "Ved årsskiftet (31.12. i fjor)", carry: true,',
                f'label: "Ved årsskiftet (31.12. i fjor)", help: {"z" * 256}, carry: true,',
            )
        },
        "okonomi.yaml › sheets.fte.rows.before.year_start.help: hjelpeteksten har 256 tegn; "
        + LIMIT,
    ),
    "catalogue_help": (
        {
            "report.yaml": (
                '      help: "Samlet arbeidstid over 13 timer i løpet av 24 timer (AML § 10-6 '
                'åttende ledd)."',
                "      help: " + "y" * 300,
            )
        },
        "report.yaml › catalogues.working_time_breach_types[0].help: hjelpeteksten har 300 "
        f"tegn; {LIMIT}",
    ),
}


@pytest.mark.parametrize("case", list(EXCEL_LIMITS))
def test_texts_excel_would_cut_are_refused(schemas_copy, case):
    edits, message = EXCEL_LIMITS[case]
    assert _refused(schemas_copy, edits) == message


def test_a_help_text_of_255_characters_stands_whole_in_the_template(schemas_copy, tmp_path):
    help_text = "Nivå " + "x" * 249 + "."
    specs = load_specs(
        _edited(schemas_copy, {"drift.yaml": (LEVEL_HELP, f"        help: {help_text}")})
    )
    path = write_template(specs.template("drift"), specs.report, PERIOD, tmp_path / "drift.xlsx")
    rules = openpyxl.load_workbook(path)["Beredskap"].data_validations.dataValidation
    assert help_text in [r.prompt for r in rules]


def test_a_column_of_the_narrowest_width_passes_its_own_check(schemas_copy, tmp_path):
    """The narrowest width a spec takes (1) is wide enough for the check not to find the
    column hidden."""
    from vrapport.fill import fill_template

    folder = _edited(schemas_copy, {"nye_tjenester.yaml": ("width: 16", "width: 1")})
    specs = load_specs(folder)
    blank = write_template(
        specs.template("nye_tjenester"), specs.report, PERIOD, tmp_path / "blank.xlsx"
    )
    record = {"id": "NT-1", "title": "T", "category": "Nettverk", "customer": "K"}
    record["delivered"] = dt.date(2024, 3, 1)
    (tmp_path / "inn").mkdir()
    fill_template(blank, {"orders": [record]}, tmp_path / "inn" / "nt.xlsx", specs)
    result = runner.invoke(app, ["check", str(tmp_path / "inn"), "--schemas", str(folder)])
    assert "skjult" not in result.output and "så smal" not in result.output, result.output


def test_a_choice_outside_a_fixed_set_lists_the_choices_in_norwegian(schemas_copy):
    edits = {"report.yaml": ("  scale_severity: error", "  scale_severity: errror")}
    assert _refused(schemas_copy, edits) == (
        "report.yaml › plausibility.scale_severity: «errror» er ikke gyldig; gyldige: «error» "
        "eller «warning»"
    )


def test_a_spec_saved_as_yml_is_named_not_ignored(schemas_copy):
    folder = schemas_copy()
    (folder / "hr.yaml").rename(folder / "hr.yml")
    with pytest.raises(SpecError) as caught:
        load_specs(folder)
    assert str(caught.value) == (
        "hr.yml: spesifikasjonene heter .yaml; gi filen navnet hr.yaml (ellers leses den ikke)"
    )


def test_a_spec_not_saved_as_utf8_is_named_by_line(schemas_copy):
    folder = schemas_copy()
    path = folder / "drift.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1", errors="replace"))
    line = text[: min(text.index(c) for c in "æøåÆØÅ" if c in text)].count("\n") + 1
    with pytest.raises(SpecError) as caught:
        load_specs(folder)
    assert str(caught.value).startswith(
        f"drift.yaml › linje {line}: filen er ikke lagret som UTF-8"
    )


def test_a_bare_no_read_as_false_gets_a_hint_to_quote_it(schemas_copy):
    edits = {"prosjekt.yaml": ("Gjennomføring, Avslutning]", "Gjennomføring, No]")}
    message = _refused(schemas_copy, edits)
    assert message.startswith("prosjekt.yaml › sheets.projects.columns.phase.choices[3]: ")
    assert (
        "fant «False» (YAML leser yes/no" in message and 'anførselstegn, f.eks. "Nei")' in message
    )


def test_a_comma_that_ended_a_text_in_braces_gets_a_hint_to_quote_it(schemas_copy):
    edits = {"report.yaml": ("title: HR/HMS, sheet:", "title: HR, HMS og arbeidsmiljø, sheet:")}
    message = _refused(schemas_copy, edits)
    assert message.startswith("report.yaml › report.chapters[4].HMS og arbeidsmiljø: ukjent")
    assert message.endswith('må stå i anførselstegn: title: "HR, HMS og arbeidsmiljø")')


@pytest.mark.parametrize(
    "code",
    [
        '#,##0 "kr"',
        "[Red]-#,##0",
        "General",
        "@",
        '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-',
        "0.00E+00",
        "# ?/?",
    ],
)
def test_number_formats_excel_reads_are_accepted(schemas_copy, code):
    escaped = code.replace("\\", "\\\\").replace('"', '\\"')
    edits = {"okonomi.yaml": ('number_format: "#,##0.0"', f'number_format: "{escaped}"')}
    specs = load_specs(_edited(schemas_copy, edits))
    assert specs.templates["okonomi"].sheet("fte").column("fte").number_format == code


@pytest.mark.parametrize(
    "code", ["dd.mm.yyyy", "[$-414]d. mmmm yyyy", "d/m/yy", "dd.mm.yyyy hh:mm", "dd.mm.yyyy;@"]
)
def test_date_formats_excel_reads_are_accepted(schemas_copy, code):
    edits = {
        "nye_tjenester.yaml": ("type: date\n", f'type: date\n        number_format: "{code}"\n')
    }
    specs = load_specs(_edited(schemas_copy, edits))
    column = specs.templates["nye_tjenester"].sheet("orders").column("delivered")
    assert column.number_format == code


# A date column's format shows the day, the month and the year: under a number or time
# format every date of the filled-in template was an error of its own check (read as a
# number or a time), and under «mm.yyyy» a count dated the 15th looked right.
@pytest.mark.parametrize(
    ("code", "what"),
    [
        (
            "0",
            "er ikke et datoformat: 19.03.2024 vises som tallet 45370, og kontrollen av den "
            "utfylte malen leser hver dato som et tall (number-in-date)",
        ),
        ("#,##0", "er ikke et datoformat: 19.03.2024 vises som tallet 45370"),
        ("General", "er ikke et datoformat"),
        ("@", "er tekstformatet: en dato som skrives inn, lagres som tekst og ikke som dato"),
        (
            "h:mm AM/PM",
            "viser bare klokkeslettet, og kontrollen av den utfylte malen leser hver dato som "
            "et klokkeslett (time-in-date)",
        ),
        ("[h]:mm", "viser bare klokkeslettet"),
        ("mm.yyyy", "viser ikke dagen i datoen"),
        ("mmm yyyy", "viser ikke dagen i datoen"),
        ("dd.mm", "viser ikke året i datoen"),
        ("yyyy", "viser ikke dagen og måneden i datoen"),
        ("dd.mm.yyyy", None),
        ("dd.hh.yyyy", "viser ikke måneden i datoen"),
        ("dd.mmmmm.yyyy", "viser ikke måneden i datoen (mmmmm viser bare månedens forbokstav)"),
        ("dddd mm.yyyy", "viser ikke dagen i datoen (ddd og dddd viser ukedagen)"),
        ("hh:mm dd", "viser ikke måneden og året i datoen"),
        ("[White]dd.mm.yyyy", "viser datoen med hvit skrift"),
        ("[>=45000]dd.mm.yyyy;0", "har en betingelse"),
    ],
)
def test_date_formats_that_hide_the_date_are_refused(schemas_copy, code, what):
    edits = {"kvalitet.yaml": ("type: date\n", f'type: date\n        number_format: "{code}"\n')}
    if what is None:
        load_specs(_edited(schemas_copy, edits))
        return
    message = _refused(schemas_copy, edits)
    assert message.startswith(
        f"kvalitet.yaml › sheets.open_deviations.columns.date.number_format: «{code}» {what}"
    ), message
    assert message.endswith(
        "; en datokolonne viser dag, måned og år, f.eks. «dd.mm.yyyy», så avdelingen ser "
        "datoen som kommer i rapporten"
    )


# The check of a filled-in template finds a cell whose format shows another number than it
# holds, unless it is the spec's own format: such a spec format is refused when it loads.
@pytest.mark.parametrize(
    ("code", "what"),
    [
        (";;;", "skjuler det (for 1234.5"),
        ("0;;", "skjuler det (for -1234.5"),
        ("[White]0", "viser det med hvit skrift (for 1234.5"),
        ("#,##0,", "deler det på 1000 (for 1234.5"),
        ("0%", "ganger det med 100 (for 1234.5"),
        ("dd.mm.yyyy", "viser det som dato eller klokkeslett (for 1234.5"),
        ("#,##0;#,##0", "viser negative tall uten minustegn (for -1234.5"),
        ('0"000"', "viser sifre som ikke er en del av tallet (for 1234.5"),
    ],
)
def test_number_formats_that_show_another_number_are_refused(schemas_copy, code, what):
    escaped = code.replace('"', '\\"')
    edits = {"okonomi.yaml": ('number_format: "#,##0.0"', f'number_format: "{escaped}"')}
    assert _refused(schemas_copy, edits) == (
        f"okonomi.yaml › sheets.fte.columns.fte.number_format: «{code}» {what} i en kolonne "
        "av type decimal); malen ville vist et annet tall enn det som kommer i rapporten"
    )


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (
            {"drift.yaml": ("name: Beredskap", "name: Ｄrift")},
            "drift.yaml › sheets.preparedness.name: arknavnet «Ｄrift» er likt et annet ark "
            "«Drift» (vrapport leser dem som like: usynlige tegn og ulike former av samme tegn "
            "teller ikke)",
        ),
        (
            {"drift.yaml": ("label: Tekst", "label: Tema\u00ad")},
            "drift.yaml › sheets.comments.columns: ledeteksten «Tema\\u00ad» står to ganger (som "
            "«Tema»; vrapport leser dem som like)",
        ),
    ],
)
def test_names_the_reader_reads_as_one_are_refused_as_it_reads_them(
    schemas_copy, edits, message
) -> None:
    """A full-width «Ｄ» or a soft hyphen: the spec loaded, and every file made from the
    template was refused (ambiguous-sheet, duplicate-column) with advice to rename what only
    the spec can change."""
    assert _refused(schemas_copy, edits) == message
