"""Page breaks: a heading stays with what follows it, and with the table or chart its
introduction leads to; a block that would cross the bottom of a page starts the next one; a
block taller than a page is not pushed."""

from __future__ import annotations

from collections.abc import Iterator

import xlsxwriter

from vrapport.pipeline import BuildOutcome
from vrapport.report.model import Report, Section
from vrapport.report.pages import DEFAULT_ROW, Extent, page_breaks, page_height
from vrapport.report.writer import _SheetWriter, laid_out


def test_block_that_would_cross_the_page_starts_a_new_one():
    extents = [Extent(0, 10), Extent(10, 20)]  # 150 points each
    assert page_breaks(extents, {}, page=200.0) == [10]
    assert page_breaks(extents, {}, page=300.0) == []


def test_heading_is_kept_with_the_next_block():
    extents = [Extent(0, 10), Extent(10, 11, "heading"), Extent(11, 20)]
    assert page_breaks(extents, {}, page=200.0) == [10]


def test_heading_and_its_introduction_stay_with_the_table():
    # The AML section's shape: heading, «Tabellen nedenfor viser …», the table. The heading
    # and the sentence fit on the first page, the table does not: all three go to the next.
    extents = [
        Extent(0, 8, "text"),
        Extent(8, 9, "heading"),
        Extent(9, 11, "text"),
        Extent(11, 21, "table"),
    ]
    assert page_breaks(extents, {}, page=200.0) == [8]


def test_texts_between_a_heading_and_its_chart_stay_with_it():
    extents = [
        Extent(0, 6, "table"),
        Extent(6, 7, "heading"),
        Extent(7, 9, "text"),
        Extent(9, 11, "text"),
        Extent(11, 18, "chart"),
    ]
    assert page_breaks(extents, {}, page=200.0) == [6]


def test_a_text_right_before_a_table_introduces_it():
    extents = [Extent(0, 10, "table"), Extent(10, 12, "text"), Extent(12, 20, "table")]
    assert page_breaks(extents, {}, page=200.0) == [10]


def test_commentary_after_a_table_stays_with_it_not_with_the_next_chart():
    # Texts after a table comment on it; the chart after them may start the next page alone.
    extents = [
        Extent(0, 1, "heading"),
        Extent(1, 8, "table"),
        Extent(8, 10, "text"),
        Extent(10, 12, "text"),
        Extent(12, 20, "chart"),
    ]
    assert page_breaks(extents, {}, page=200.0) == [12]


def test_in_a_group_taller_than_a_page_the_looser_bonds_give_way():
    # A chapter heading, many paragraphs, the table's introduction and the table: too tall
    # for one page together. The heading stays with its first paragraph, the introduction
    # with the table, and the paragraphs between fill the pages.
    extents = [
        Extent(0, 1, "heading"),
        *(Extent(1 + 2 * k, 3 + 2 * k, "text") for k in range(5)),
        Extent(11, 13, "text"),  # fits at the bottom of the first page, its table does not
        Extent(13, 20, "table"),
    ]
    assert page_breaks(extents, {}, page=200.0) == [11]
    assert page_breaks(extents[:2] + extents[-2:], {}, page=200.0) == []
    tall = [Extent(0, 1, "heading"), Extent(1, 40, "table")]
    assert page_breaks([Extent(0, 5, "text"), *tall], {}, page=200.0) == []


def test_taller_than_a_page_is_not_pushed():
    extents = [Extent(0, 2), Extent(2, 100)]
    assert page_breaks(extents, {}, page=300.0) == []


def test_custom_row_heights_count():
    extents = [Extent(0, 1), Extent(1, 2)]
    assert page_breaks(extents, {0: 150.0, 1: 100.0}, page=200.0) == [1]


def test_a_wider_sheet_holds_more_rows_per_page():
    assert page_height(2000.0, 0.0) > page_height(1000.0, 0.0) > page_height(500.0, 0.0)


def test_report_charts_are_not_split_by_page_breaks(example_report):
    import openpyxl

    workbook = openpyxl.load_workbook(example_report)
    for ws in workbook.worksheets:
        breaks = [b.id for b in ws.row_breaks.brk]
        for chart in ws._charts:
            top = chart.anchor._from.row
            assert not [b for b in breaks if top < b < top + 17], (ws.title, top, breaks)


def _written(report: Report) -> Iterator[tuple[Section, _SheetWriter]]:
    """Each sheet of `report` as the writer lays it out (into a workbook never saved)."""
    workbook = xlsxwriter.Workbook("unused.xlsx", {"in_memory": True})
    yield from laid_out(workbook, report)


def test_report_headings_start_on_the_page_of_what_they_head(example_outcome: BuildOutcome):
    """In every sheet of the example report, a heading is on the page of the block after
    it, and of the table or chart after its introduction where the lot fits on a page (the
    AML heading in chapter 5 was left at the bottom of a page with its sentence, its table
    on the next)."""
    assert example_outcome.report is not None
    checked = 0
    for section, writer in _written(example_outcome.report):
        breaks = writer.ws.hbreaks

        def page(row: int, breaks: list[int] = breaks) -> int:
            return sum(1 for b in breaks if b <= row)

        extents = writer.extents
        for i, extent in enumerate(extents[:-1]):
            if extent.kind != "heading":
                continue
            assert page(extent.first) == page(extents[i + 1].first), (section.sheet, extent)
            end = i + 1
            while end < len(extents) - 1 and extents[end].kind == "text":
                end += 1
            if extents[end].kind not in ("table", "chart"):
                continue
            rows = range(extent.first, extents[end].end)
            if sum(writer.heights.get(r, DEFAULT_ROW) for r in rows) <= writer.page():
                assert page(extent.first) == page(extents[end].first), (section.sheet, extent)
                checked += 1
    assert checked >= 10  # the example has that many headings over a table or chart
