"""Excel's limits are never exceeded by what vrapport writes, however long its texts: long
body texts continue on the next rows, long citations on the next rows of Kilder, long lists in
drafted sentences are summarised; the writer itself cuts nothing it has not been asked to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import read_grids
from vrapport import lineage
from vrapport.lineage import FEW_CELLS, compress, compress_coords, parse_cells, split_citation
from vrapport.period import Period
from vrapport.report.front import CITATION_CHARS, sources_section
from vrapport.report.model import HeaderCell, Report, Row, Section, Table, Text
from vrapport.report.writer import MAX_CELL_CHARS, MAX_ROW_HEIGHT, fit_cell, write_report
from vrapport.wording import listing

SENTENCE = "Prosjektet leverer i tråd med planen og innenfor budsjett. "


def _report(*blocks) -> Report:
    return Report(
        "Virksomhetsrapport", "Helse Nord IKT", Period(2024, 3), (Section("s", "S", "S", blocks),)
    )


def _row_heights(path: Path, sheet: str) -> list[float]:
    import openpyxl

    ws = openpyxl.load_workbook(path)[sheet]
    return [d.height for d in ws.row_dimensions.values() if d.height is not None]


def test_long_body_text_continues_on_the_next_rows_in_full(tmp_path: Path):
    text = SENTENCE * 1500  # 90 000 characters: more than a cell holds
    out = write_report(_report(Text(text.strip()), Text("Neste avsnitt.")), tmp_path / "r.xlsx")
    grid = read_grids(out)["S"]
    cells = [v for row in grid for v in row if isinstance(v, str) and v]
    assert all(len(v) <= MAX_CELL_CHARS for v in cells)
    assert len(cells) > 3 and cells[-1] == "Neste avsnitt."
    # Nothing lost, nothing repeated: the pieces are the text, in order.
    assert " ".join(cells[:-1]).split() == text.split()
    assert max(_row_heights(out, "S")) <= MAX_ROW_HEIGHT


def test_a_table_cell_beyond_excels_limit_is_cut_visibly_not_an_internal_error(tmp_path: Path):
    huge = "x" * (MAX_CELL_CHARS + 10)
    table = Table("t", "T", ((HeaderCell(""), HeaderCell("A")),), (Row("r", huge, (huge,)),))
    grid = read_grids(write_report(_report(table), tmp_path / "r.xlsx"))["S"]
    texts = [v for row in grid for v in row if isinstance(v, str) and v.startswith("xx")]
    assert [len(t) for t in texts] == [MAX_CELL_CHARS, MAX_CELL_CHARS]
    assert all(t.endswith(" …") for t in texts)
    assert fit_cell("kort") == "kort"


def test_long_citations_continue_on_the_next_rows_of_kilder(tmp_path: Path):
    rows = np.arange(4, 60_000, 2)  # every other row: no run to compress
    citation = "nye_tjenester.xlsx › Leverte oppdrag › " + compress_coords(
        rows, np.full(len(rows), 3)
    )
    assert len(citation) > MAX_CELL_CHARS
    record = {"sheet": "3 Tjenester", "table": "Oppdrag", "row": "Nettverk", "column": "I år"}
    section = sources_section(
        [],
        [record | {"value": 7, "source": citation}],
        "1",
        dt.datetime(2024, 4, 2),
    )
    out = write_report(Report("V", "O", Period(2024, 3), (section,)), tmp_path / "r.xlsx")
    grid = read_grids(out)["Kilder"]
    lines = [row for row in grid if any(isinstance(v, str) and "xlsx ›" in v for v in row)]
    sources = [v for row in lines for v in row if isinstance(v, str) and "xlsx ›" in v]
    assert len(sources) > 1 and all(len(s) <= CITATION_CHARS for s in sources)
    assert all(s.startswith("nye_tjenester.xlsx › Leverte oppdrag › ") for s in sources)
    cited = [c for s in sources for c in s.rpartition(" › ")[2].split(", ")]
    assert cited == [f"D{r + 1}" for r in rows]
    values = [
        v for row in lines for v in row if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    assert values == [7]  # the value stands once, on the first row
    assert max(_row_heights(out, "Kilder")) <= MAX_ROW_HEIGHT


def test_citations_are_runs_per_column():
    assert compress([f"B{r}" for r in range(5, 15005)]) == "B5:B15004"
    assert compress(["B6", "C6", "B7", "C7", "F6"]) == "B6:C7, F6"
    assert compress(["C9", "A1", "A2", "A4", "C8"]) == "A1:A2, A4, C8:C9"
    assert compress([]) == ""


_addresses = st.lists(
    st.one_of(
        st.none(),
        st.just(""),
        st.builds(
            lambda dollar1, letters, dollar2, row, lower: (
                f"{dollar1}{letters.lower() if lower else letters}{dollar2}{row}"
            ),
            st.sampled_from(["", "$"]),
            st.text("ABCXYZ", min_size=1, max_size=3),
            st.sampled_from(["", "$"]),
            st.integers(1, 9_999_999),
            st.booleans(),
        ),
    ),
    max_size=30,
)


@given(_addresses)
def test_cell_addresses_are_parsed_as_xlsxwriter_reads_each(addresses: list[str | None]):
    from xlsxwriter.utility import xl_cell_to_rowcol

    rows, cols = parse_cells(pd.Series(addresses, dtype=object))
    expected = [xl_cell_to_rowcol(a.upper()) if a else (-1, -1) for a in addresses]
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == expected


# Blocks of a small sheet (runs, rectangles, their neighbours), cells outside any block and
# cells without an address (negative).
_block = st.tuples(st.integers(0, 6), st.integers(1, 4), st.integers(0, 4), st.integers(1, 3)).map(
    lambda b: [(r, c) for r in range(b[0], b[0] + b[1]) for c in range(b[2], b[2] + b[3])]
)
_cells = st.tuples(
    st.lists(_block, max_size=4),
    st.lists(
        st.one_of(
            st.tuples(st.integers(-1, 8), st.integers(-1, 5)),
            st.tuples(st.integers(0, 3_000_000), st.integers(0, 16_383)),
        ),
        max_size=12,
    ),
).map(lambda parts: ([cell for block in parts[0] for cell in block] + parts[1])[:FEW_CELLS])


@given(_cells)
def test_a_few_cells_are_compressed_as_the_array_way_does(cells: list[tuple[int, int]]):
    rows = np.array([r for r, _ in cells], dtype=np.int64)
    cols = np.array([c for _, c in cells], dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lineage, "FEW_CELLS", -1)  # every citation the array way
        expected = compress_coords(rows, cols)
    assert compress_coords(rows, cols) == expected


def test_cell_addresses_other_than_letters_then_digits_are_parsed_the_general_way():
    rows, cols = parse_cells(pd.Series(["B2", "$c12345678"], dtype=object))  # 8 digits
    assert (rows.tolist(), cols.tolist()) == ([1, 12_345_677], [1, 2])
    with pytest.raises(ValueError):
        parse_cells(pd.Series(["A1", "A1B2"], dtype=object))


def test_split_citation_keeps_every_range_once():
    citation = "f.xlsx › Ark › " + ", ".join(f"A{r}" for r in range(1, 2000, 2))
    pieces = split_citation(citation, 200)
    assert all(len(p) <= 200 and p.startswith("f.xlsx › Ark › ") for p in pieces)
    assert ", ".join(p.removeprefix("f.xlsx › Ark › ") for p in pieces) == citation.removeprefix(
        "f.xlsx › Ark › "
    )
    assert split_citation("f › s › A1", 200) == ["f › s › A1"]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "P1"),
        (2, "P1 og P2"),
        (11, "P1, P2, P3, P4, P5, P6, P7, P8, P9, P10 og P11"),
        (1190, "P1, P2, P3, P4, P5, P6, P7, P8, P9, P10 og 1\u00a0180 andre prosjekter"),
    ],
)
def test_long_lists_in_drafted_sentences_are_summarised(count: int, expected: str):
    assert listing([f"P{n}" for n in range(1, count + 1)], "prosjekter") == expected


def test_a_table_that_fits_is_written_as_the_checked_path_writes_it(tmp_path: Path, monkeypatch):
    """A table known to fit the sheet takes the writer's fast path (formats per kind of row,
    merged cells written once); the bytes are those of the path that checks every cell."""
    import decimal

    from vrapport.report import writer

    values = (
        ("tekst", 1, 2.5, "", None, True),
        ("", None, 3, "x" * (MAX_CELL_CHARS // 2 + 1), np.float64(1.5), decimal.Decimal("2.5")),
        (None, "lang " * 10, False, 7, "y", "z"),
        (4,),
    )
    rows = tuple(
        Row(
            f"r{i}",
            f"Rad {i}",
            v,
            ("normal", "bold", "total", "normal")[i],
            "0.0" if i == 1 else None,
            ("red", None, "green", None, None, "#ABCDEF") if i == 2 else None,
        )
        for i, v in enumerate(values)
    )
    header = ((HeaderCell(""), *(HeaderCell(f"K{c}") for c in range(6))),)
    tables = (
        Table("spans", "Med sammenslåtte celler", header, rows, column_spans=(1, 3, 1, 2, 1, 2)),
        Table("plain", "Uten", header, rows, column_formats=("0%", None, "0.00")),
        Table("wide", "Bred", header, rows, column_widths=(30, 10, 12, 14, 16, 18, 20)),
    )
    report = _report(Text("Tabeller", "heading1"), *tables)
    fast = write_report(report, tmp_path / "fast.xlsx").read_bytes()
    checked = []
    monkeypatch.setattr(
        writer._SheetWriter,
        "_rows_within_limits",
        lambda self, *args: checked.append(1) or writer._SheetWriter._rows(self, *args),
    )
    slow = write_report(report, tmp_path / "slow.xlsx").read_bytes()
    assert len(checked) == len(tables)
    assert fast == slow


def test_a_small_report_is_assembled_in_memory_with_the_same_parts(tmp_path: Path, monkeypatch):
    """Up to IN_MEMORY_ROWS table rows the report is assembled in memory, beyond through
    temporary files; the parts are the same either way (only their dates in the zip
    differ, fixed in both), and each way gives the same bytes every time."""
    import zipfile

    from vrapport.report import writer

    rows = tuple(Row(f"r{i}", f"Rad {i}", (i, i * 1.5, "tekst")) for i in range(40))
    table = Table("t", "Tabell", ((HeaderCell(""), *(HeaderCell(k) for k in "ABC")),), rows)
    report = _report(Text("Tabell", "heading1"), table)

    def written(name: str) -> tuple[set[tuple[int, ...]], dict[str, bytes]]:
        with zipfile.ZipFile(write_report(report, tmp_path / name)) as archive:
            dates = {info.date_time for info in archive.infolist()}
            return dates, {n: archive.read(n) for n in archive.namelist()}

    small_dates, small = written("small.xlsx")
    monkeypatch.setattr(writer, "IN_MEMORY_ROWS", len(rows) - 1)
    large_dates, large = written("large.xlsx")
    assert small_dates == {(1980, 1, 1, 0, 0, 0)}  # in memory
    assert large_dates != small_dates  # through temporary files
    assert small == large
    assert written("again.xlsx")[1] == large


def test_a_merged_text_beyond_excels_limit_in_utf16_is_an_error_not_cut_silently(
    tmp_path: Path,
):
    from vrapport.report.writer import WriteError

    wide = "\N{GRINNING FACE}" * (MAX_CELL_CHARS // 2 + 10)  # two UTF-16 units each
    header = ((HeaderCell(""), HeaderCell("A")),)
    table = Table("t", "T", header, (Row("r", "Rad", (wide,)),), column_spans=(2,))
    with pytest.raises(WriteError, match="tekst"):
        write_report(_report(table), tmp_path / "r.xlsx")


@pytest.mark.parametrize("lead", ["Linjeleie", "Linjeleie _x2014_ Annet", "_x2014_"])
def test_a_paragraph_with_a_bold_lead_keeps_text_excel_would_read_as_an_escape(
    tmp_path: Path, lead: str
):
    """«_x2014_» typed in a comment is that text, not «—», and the paragraph keeps its bold
    lead: xlsxwriter escapes such text twice in a rich string's run (the report showed
    «_x005F_x2014_»), so no run holds a whole one. Read back by python-calamine and
    openpyxl as written; the lead, and only the lead, is a bold run."""
    import re
    import zipfile

    import openpyxl

    text = f"{lead}: kostnaden _x2014_x2014_ og _x00E5_ står som skrevet_x0041_"
    out = write_report(
        _report(Text(text, lead=lead), Text("Uten ledd _x0041_.")), tmp_path / "r.xlsx"
    )
    cells = [v for row in read_grids(out)["S"] for v in row if isinstance(v, str) and v]
    assert cells == [text, "Uten ledd _x0041_."]
    sheet = openpyxl.load_workbook(out, rich_text=True)["S"]
    (rich,) = [c.value for row in sheet.iter_rows() for c in row if c.value and c.row == 1]
    assert str(rich) == text
    bold = "".join(r.text for r in rich if not isinstance(r, str) and r.font.b)
    assert bold == lead
    with zipfile.ZipFile(out) as archive:
        shared = archive.read("xl/sharedStrings.xml").decode()
    (si,) = [si for si in re.findall(r"<si>(.*?)</si>", shared) if "<r>" in si]
    runs = re.findall(r"<r><rPr>(.*?)</rPr><t[^>]*>(.*?)</t></r>", si)
    assert "".join(t for p, t in runs if "<b/>" in p) == lead
    assert "".join(t for _, t in runs) == text
    assert not any(re.search("_x[0-9a-fA-F]{4}_", t) for _, t in runs)
