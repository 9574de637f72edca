"""Identity and provenance: a submission is the organisation's own, its sheets are found
unambiguously and never read from hidden lookalikes, and labels are compared as people read
them. Every file here is a tampered copy of an example submission."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import EXAMPLES, PERIOD, set_cells
from vrapport import labels
from vrapport.labels import norm, quoted
from vrapport.pipeline import build
from vrapport.spec import Specs
from vrapport.validation import check_files


def checked(path: Path, specs: Specs):
    (sub,) = check_files([path], specs, PERIOD)
    return sub


def only(findings, code: str):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no {code} in {[(f.code, f.cell, f.message) for f in findings]}"
    return hits


def errors(findings) -> list[str]:
    return [str(f) for f in findings if f.severity == "error"]


def all_examples(tmp_path: Path) -> Path:
    folder = tmp_path / "innsendt"
    shutil.copytree(EXAMPLES, folder)
    return folder


def with_lookalike_sheet(
    path: Path, name: str, state: str, value: int, source: str = "Resultat"
) -> Path:
    """A copy of the sheet `source` named `name`, in `state`, with SLA for March changed."""
    workbook = openpyxl.load_workbook(path)
    copy = workbook.copy_worksheet(workbook[source])
    copy.title = name
    copy.sheet_state = state
    copy["F6"] = value
    workbook.save(path)
    return path


# --- the organisation ---------------------------------------------------------------------


def test_another_organisations_file_is_an_error_that_blocks_the_build(specs: Specs, tmp_path):
    folder = all_examples(tmp_path)
    set_cells(folder / "hr.xlsx", "_meta", {"B5": "Helse Vest IKT"})
    (finding,) = only(checked(folder / "hr.xlsx", specs).findings, "wrong-organisation")
    assert (finding.file, finding.sheet, finding.cell, finding.severity) == (
        "hr.xlsx",
        "_meta",
        "B5",
        "error",
    )
    assert "«Helse Vest IKT»" in finding.message and "«Helse Nord IKT»" in finding.message
    out = tmp_path / "rapport.xlsx"
    outcome = build([folder], PERIOD, out, specs)
    assert outcome.blocked and not out.exists()
    assert [f.code for f in outcome.findings if f.severity == "error"] == ["wrong-organisation"]


def test_a_file_stamped_with_no_organisation_is_an_error(specs: Specs, example_copy):
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"B5": None})
    (finding,) = only(checked(path, specs).findings, "wrong-organisation")
    assert finding.cell == "B5" and "«Helse Nord IKT»" in finding.message


def test_the_organisation_is_compared_as_people_read_it(specs: Specs, example_copy):
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"B5": " Helse\u00a0Nord IKT\u200b"})
    assert errors(checked(path, specs).findings) == []


def test_an_organisation_with_a_lookalike_letter_is_named_so(specs: Specs, example_copy):
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"B5": "Helse Nord IKТ"})  # Cyrillic Т
    (finding,) = only(checked(path, specs).findings, "wrong-organisation")
    assert "kyrillisk Т, ikke latinsk T" in finding.message


def test_a_meta_key_given_twice_with_another_value_is_an_error_at_the_second(
    specs: Specs, example_copy
):
    # A forged row below the real ones: read last-wins, it would make an older file current.
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"A9": "period", "B9": "2024-02"})
    sub = checked(path, specs)
    (finding,) = only(sub.findings, "conflicting-meta")
    assert (finding.sheet, finding.cell, finding.severity) == ("_meta", "B9", "error")
    assert "«period»" in finding.message and "B4" in finding.message
    assert sub.template is None and not sub.sheets
    assert sub.meta["period"] == "2024-03"


def test_a_meta_key_repeated_with_the_same_value_is_accepted(specs: Specs, example_copy):
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"A9": "period", "B9": "2024-03"})
    assert errors(checked(path, specs).findings) == []


def test_meta_keys_are_read_without_regard_to_case(specs: Specs, example_copy):
    # «Period» typed over «period»: read as the period (it was «not stamped»), and a
    # second «PERIOD» with another value is the same key given twice.
    path = set_cells(example_copy("hr.xlsx"), "_meta", {"A4": "Period"})
    sub = checked(path, specs)
    assert errors(sub.findings) == [] and sub.meta["period"] == "2024-03"
    path = set_cells(path, "_meta", {"A9": "PERIOD", "B9": "2024-02"})
    (finding,) = only(checked(path, specs).findings, "conflicting-meta")
    assert finding.cell == "B9"


def test_findings_on_a_reordered_meta_name_the_cell_the_value_is_in(specs: Specs, example_copy):
    # The organisation row moved from row 5 to row 12: the finding names B12, not B5.
    path = set_cells(
        example_copy("hr.xlsx"),
        "_meta",
        {"A5": None, "B5": None, "A12": "organisation", "B12": "Helse Vest IKT"},
    )
    (finding,) = only(checked(path, specs).findings, "wrong-organisation")
    assert finding.cell == "B12"


# --- sheets found unambiguously -----------------------------------------------------------


def test_hidden_lookalike_next_to_the_visible_sheet_is_an_error(specs: Specs, tmp_path):
    folder = all_examples(tmp_path)
    with_lookalike_sheet(folder / "okonomi.xlsx", "Resultat ", "hidden", -999_000_000)
    sub = checked(folder / "okonomi.xlsx", specs)
    (finding,) = only(sub.findings, "ambiguous-sheet")
    assert (finding.sheet, finding.severity) == ("Resultat", "error")
    assert "«Resultat» og «Resultat » (skjult)" in finding.message
    assert "result" not in sub.sheets  # neither is read: no silent choice
    assert not [f for f in sub.findings if f.code == "extra-sheet"]
    out = tmp_path / "rapport.xlsx"
    assert build([folder], PERIOD, out, specs).blocked and not out.exists()


@pytest.mark.parametrize(("state", "shown"), [("hidden", "skjult"), ("veryHidden", "svært skjult")])
def test_a_hidden_template_sheet_is_not_read(specs: Specs, example_copy, state, shown):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Resultat"].sheet_state = state
    workbook.save(path)
    sub = checked(path, specs)
    (finding,) = only(sub.findings, "hidden-sheet")
    assert (finding.sheet, finding.severity) == ("Resultat", "error")
    assert f"«Resultat» ({shown})" in finding.message
    assert "result" not in sub.sheets


def test_only_a_hidden_lookalike_is_never_read_for_figures(specs: Specs, tmp_path):
    """The visible sheet renamed away and a hidden one under the template's name: the
    report's figures cannot come from the hidden sheet."""
    folder = all_examples(tmp_path)
    path = folder / "okonomi.xlsx"
    workbook = openpyxl.load_workbook(path)
    workbook["Resultat"].title = "Resultat (kopi)"
    workbook.save(path)
    with_lookalike_sheet(path, "RESULTAT", "veryHidden", -999_000_000, "Resultat (kopi)")
    sub = checked(path, specs)
    assert "result" not in sub.sheets
    (hidden,) = only(sub.findings, "hidden-sheet")
    assert (hidden.sheet, hidden.severity) == ("RESULTAT", "error")
    (extra,) = only(sub.findings, "extra-sheet")
    assert extra.sheet == "Resultat (kopi)"
    assert build([folder], PERIOD, tmp_path / "rapport.xlsx", specs).blocked


def test_a_second_meta_sheet_is_ambiguous_and_nothing_is_read(specs: Specs, example_copy):
    path = example_copy("hr.xlsx")
    workbook = openpyxl.load_workbook(path)
    forged = workbook.copy_worksheet(workbook["_meta"])
    forged.title = "_meta "
    forged["B5"] = "Helse Vest IKT"
    workbook.save(path)
    sub = checked(path, specs)
    (finding,) = only(sub.findings, "ambiguous-sheet")
    assert finding.sheet == "_meta" and "«_meta» (skjult) og «_meta »" in finding.message
    assert sub.template is None and not sub.sheets


def test_a_hidden_extra_sheet_is_named_hidden(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Notater").sheet_state = "hidden"
    workbook.save(path)
    (extra,) = only(checked(path, specs).findings, "extra-sheet")
    assert extra.message == "Arket «Notater» (skjult) er ikke en del av malen og blir ikke lest."


def test_sheet_names_match_after_normalisation(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    original = checked(path, specs).sheets["liquidity"].frame
    workbook = openpyxl.load_workbook(path)
    workbook["Likviditet"].title = " LIKVI\u00adDITET\u200b"
    workbook.save(path)
    sub = checked(path, specs)
    assert errors(sub.findings) == []
    assert sub.sheets["liquidity"].name == " LIKVI\u00adDITET\u200b"
    pd.testing.assert_frame_equal(sub.sheets["liquidity"].frame, original)


# --- labels compared as people read them --------------------------------------------------


def test_invisible_characters_in_labels_are_ignored_and_figures_unchanged(
    specs: Specs, example_copy
):
    path = example_copy("okonomi.xlsx")
    before = checked(path, specs)
    set_cells(
        path,
        "Resultat",
        {
            "A6": "SLA\u200b (tjenesteavtaler)",  # zero-width space
            "A9": "\ufeffPersonal\u00adkostnader",  # byte-order mark, soft hyphen
            "B5": "Fak\u2060tisk",  # word joiner in a measure header
        },
    )
    set_cells(path, "Investeringer", {"B4": "Årsbudsjett\u00a0(kr)"})  # no-break space
    after = checked(path, specs)
    assert errors(after.findings) == []
    assert not [f for f in after.findings if f.code in ("unknown-row", "missing-row")]
    for key in ("result", "investments"):
        pd.testing.assert_frame_equal(after.sheets[key].frame, before.sheets[key].frame)
    assert after.sheets["result"].frame.set_index("_row").loc["sla"]["actual"].tolist()[2] == (
        34_185_330
    )


def test_a_label_with_a_cyrillic_letter_is_named_in_the_message(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"A9": "Рersonalkostnader"})
    findings = checked(path, specs).findings
    (unknown,) = only(findings, "unknown-row-values")  # the row keeps its figures
    assert (unknown.sheet, unknown.cell, unknown.severity) == ("Resultat", "A9", "error")
    assert unknown.message.startswith(
        "Raden «Рersonalkostnader» (med kyrillisk Р, ikke latinsk P) finnes ikke i malen, men "
        "har verdier i "
    )
    (missing,) = only(findings, "missing-row")
    assert missing.message == (
        "Fant ikke raden «Personalkostnader». Ligner, men er ikke lik: «Рersonalkostnader» "
        "(med kyrillisk Р, ikke latinsk P) i A9."
    )


def test_a_header_with_a_lookalike_letter_is_named_in_the_message(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Investeringer", {"B4": "Årsbudsjеtt (kr)"})
    (finding,) = only(checked(path, specs).findings, "missing-column")
    assert finding.message == (
        "Fant ikke kolonnen «Årsbudsjett (kr)». Ligner, men er ikke lik: «Årsbudsjеtt (kr)» "
        "(med kyrillisk е, ikke latinsk e)."
    )


def test_invisible_characters_are_shown_where_a_label_still_differs(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"A6": "SLA\u200b\u00a0"})
    (unknown,) = only(checked(path, specs).findings, "unknown-row-values")
    assert unknown.message.startswith("Raden «SLA\\u200b\\u00a0» finnes ikke i malen, men har ")


def test_norm_and_quoted():
    assert norm(" Personal\u00adkost\u200bnader\u00a0 ") == "personalkostnader"
    assert norm("ＳＬＡ  (tjeneste\ufeffavtaler)") == "sla (tjenesteavtaler)"
    assert norm("Рersonal") != norm("Personal")  # a lookalike is not the Latin letter
    assert norm("SLA\ufe0f\u034f (tjeneste\u3164avtaler)") == "sla (tjenesteavtaler)"
    assert norm(12) == ""
    assert norm("Kommentar " * 100 + "\u200b") == norm("kommentar " * 100)  # long, uncached
    assert quoted("SLA\u200b") == "«SLA\\u200b»"
    assert quoted("SLA\U000e0101\t") == "«SLA\\U000e0101\\u0009»"
    assert quoted("Ρrοsjekt") == "«Ρrοsjekt» (med gresk Ρ, ikke latinsk P; gresk ο, ikke latinsk o)"


def test_the_invisible_characters_removed_in_one_pass_are_exactly_the_ignorable_ones():
    """`norm` removes invisible characters with one regular expression whose ranges are
    written out; they must be this Python's category Cf and the other default-ignorable
    characters, no more (except format characters of a newer Unicode) and no fewer."""
    newer = {chr(c) for c in range(0x13439, 0x13440)}  # Cf from Unicode 15
    for code in range(0x110000):
        ch = chr(code)
        if labels._ignorable(ch):
            assert labels._INVISIBLE.fullmatch(ch), hex(code)
        elif ch not in newer:
            assert not labels._INVISIBLE.fullmatch(ch), hex(code)


def test_a_sheet_renamed_with_a_lookalike_letter_is_named(specs: Specs, example_copy):
    path = example_copy("okonomi.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["Likviditet"].title = "Likvidіtet"  # Cyrillic і
    workbook.save(path)
    findings = checked(path, specs).findings
    (missing,) = only(findings, "missing-sheet")
    assert missing.message.endswith(
        "Ligner, men er ikke lik: «Likvidіtet» (med kyrillisk і, ikke latinsk i)."
    )
    (extra,) = only(findings, "extra-sheet")
    assert extra.message == (
        "Arket «Likvidіtet» (med kyrillisk і, ikke latinsk i) er ikke en del av malen og blir "
        "ikke lest."
    )


def test_a_measure_header_with_a_lookalike_letter_is_named(specs: Specs, example_copy):
    path = set_cells(example_copy("okonomi.xlsx"), "Resultat", {"B5": "Fаktisk"})  # Cyrillic а
    (finding,) = only(checked(path, specs).findings, "missing-column")
    assert finding.cell == "A5"
    assert finding.message.startswith("Fant ikke kolonnene: Faktisk januar")
    assert finding.message.endswith(
        "Ligner, men er ikke lik: «Fаktisk» (med kyrillisk а, ikke latinsk a)."
    )


def test_a_row_repeated_with_an_invisible_character_is_a_duplicate(specs: Specs, example_copy):
    path = set_cells(
        example_copy("okonomi.xlsx"), "Resultat", {"A7": "SLA (tjeneste\u200bavtaler)"}
    )
    findings = checked(path, specs).findings
    (duplicate,) = only(findings, "duplicate-row")
    assert (duplicate.cell, duplicate.severity) == ("A7", "error")
    assert duplicate.message == (
        "Raden «SLA (tjeneste\\u200bavtaler)» står to ganger (også i rad 6)."
    )
