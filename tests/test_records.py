"""Checks of any register (vrapport.checks.records): a row entered twice."""

from __future__ import annotations

import openpyxl

from tests.conftest import PERIOD
from vrapport.validation import check_files


def _repeat_row(path, sheet: str, source: int, target: int, columns: int) -> None:  # type: ignore[no-untyped-def]
    workbook = openpyxl.load_workbook(path)
    for c in range(1, columns + 1):
        workbook[sheet].cell(target, c).value = workbook[sheet].cell(source, c).value
    workbook.save(path)


def test_a_preparedness_event_logged_twice_is_a_warning_at_the_repeat(specs, example_copy):
    path = example_copy("drift.xlsx")
    _repeat_row(path, "Beredskap", 13, 14, 3)
    (sub,) = check_files([path], specs, PERIOD)
    found = [(f.sheet, f.cell, f.severity) for f in sub.findings if f.code == "repeated-record"]
    assert found == [("Beredskap", "A14", "warning")]
    (finding,) = [f for f in sub.findings if f.code == "repeated-record"]
    assert finding.message.startswith("Raden er lik rad 13 i alle kolonner.")


def test_rows_that_differ_in_one_column_or_have_an_id_are_not_repeats(specs, example_copy):
    drift = example_copy("drift.xlsx")
    _repeat_row(drift, "Beredskap", 13, 14, 2)  # same date and level, another description
    workbook = openpyxl.load_workbook(drift)
    workbook["Beredskap"].cell(14, 3).value = "Et annet strømbrudd samme dag."
    workbook.save(drift)
    orders = example_copy("nye_tjenester.xlsx")  # a register with ids: duplicate-id's task
    workbook = openpyxl.load_workbook(orders)
    sheet = workbook["Leverte oppdrag"]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Oppdrags-ID")
    last = max(r for r in range(header, sheet.max_row + 1) if sheet.cell(r, 1).value)
    for c in range(1, sheet.max_column + 1):
        sheet.cell(last + 1, c).value = sheet.cell(header + 1, c).value
    workbook.save(orders)
    (sub, other) = check_files([drift, orders], specs, PERIOD)
    assert [f for f in [*sub.findings, *other.findings] if f.code == "repeated-record"] == []
    assert "duplicate-id" in {f.code for f in other.findings}
