"""Page breaks: a heading stays with what follows it; a block that would cross the bottom
of a page starts the next one; a block taller than a page is not pushed."""

from __future__ import annotations

from vrapport.report.pages import Extent, page_breaks, page_height


def test_block_that_would_cross_the_page_starts_a_new_one():
    extents = [Extent(0, 10), Extent(10, 20)]  # 150 points each
    assert page_breaks(extents, {}, page=200.0) == [10]
    assert page_breaks(extents, {}, page=300.0) == []


def test_heading_is_kept_with_the_next_block():
    extents = [Extent(0, 10), Extent(10, 11, keep_with_next=True), Extent(11, 20)]
    assert page_breaks(extents, {}, page=200.0) == [10]


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
