"""The hostile-workbook corpus: damaged and crafted files made from the real example
submissions by rewriting zip members (nothing binary is committed). Each maker writes one
file into a folder and returns its path."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from vrapport.preflight import col_number

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

Edit = Callable[[bytes], bytes] | bytes | None


def rewrite(
    source: Path,
    target: Path,
    edits: dict[str, Edit] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Copy the workbook `source` to `target`, replacing members: a callable edits the old
    bytes, bytes replace (or add) the member, None removes it."""
    edits = dict(edits or {})
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", compression) as dst:
        for item in src.infolist():
            if item.filename in edits:
                edit = edits.pop(item.filename)
                if edit is None:
                    continue
                data = edit(src.read(item)) if callable(edit) else edit
            else:
                data = src.read(item)
            dst.writestr(item.filename, data)
        for name, edit in edits.items():
            if isinstance(edit, bytes):
                dst.writestr(name, edit)
    return target


def sheet_member(source: Path, sheet: str) -> str:
    """The zip member holding `sheet` of the workbook `source`."""
    with zipfile.ZipFile(source) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, sheet
    target = re.search(rf'<Relationship[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target, rid.group(1)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def add_cell(ref: str, value: str = "1", row_attrs: str = "") -> Callable[[bytes], bytes]:
    """An edit that appends a row holding one numeric cell at `ref` to the sheet data."""
    row = re.sub(r"[A-Z]+", "", ref)

    def edit(data: bytes) -> bytes:
        cell = f'<row r="{row}"{row_attrs}><c r="{ref}"><v>{value}</v></c></row>'.encode()
        return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return edit


def add_merge(ref: str) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
        if b"<mergeCells" in data:
            return re.sub(
                rb"(<mergeCells[^>]*>)", rb"\1" + f'<mergeCell ref="{ref}"/>'.encode(), data
            )
        return data.replace(b"</sheetData>", b"</sheetData>" + merge, 1)

    return edit


def _rels_add(relation: str) -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b"</Relationships>", relation.encode() + b"</Relationships>")


def _types_add(override: str) -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b"</Types>", override.encode() + b"</Types>")


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(
    declared: int, actual: int, index: int = 0, first: str = ""
) -> dict[str, Edit]:
    """A shared-string table declaring `declared` entries and holding `actual`, and a cell
    (Resultat!A40) showing entry `index`; `first`: the first entry's parts (<t>, <r>, <rPh>)
    instead of <t>tekst 0</t>."""
    items = "".join(
        f"<si>{first if i == 0 and first else f'<t>tekst {i}</t>'}</si>" for i in range(actual)
    )
    sst = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN_NS.decode()}" count="{declared}" '
        f'uniqueCount="{declared}">{items}</sst>'
    ).encode()
    member = sheet_member(EXAMPLES / "okonomi.xlsx", "Resultat")
    return {
        "xl/sharedStrings.xml": sst,
        "[Content_Types].xml": _types_add(
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
        ),
        "xl/_rels/workbook.xml.rels": _rels_add(
            f'<Relationship Id="rId99" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        ),
        member: lambda d: d.replace(
            b"</sheetData>",
            f'<row r="40"><c r="A40" t="s"><v>{index}</v></c></row>'.encode() + b"</sheetData>",
            1,
        ),
    }


def active_part(part: str, content_type: str, relation: str, data: bytes = b"\xd0\xcf") -> dict:
    """A workbook carrying an active part (VBA project, ActiveX control, OLE object, data
    connection) under a plain .xlsx content type."""
    return {
        part: data,
        "[Content_Types].xml": _types_add(
            f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        ),
        "xl/_rels/workbook.xml.rels": _rels_add(
            f'<Relationship Id="rId98" Type="{relation}" Target="{part.removeprefix("xl/")}"/>'
        ),
    }


def understated_sizes(source: Path, target: Path) -> Path:
    """A copy whose sheet member really unpacks to 60 MB while its zip headers (local and
    central) say 2 kB."""
    member = sheet_member(source, "Resultat")
    padding = b"<!-- " + b"x" * (60 * 1024 * 1024) + b" -->"
    rewrite(source, target, {member: lambda d: d.replace(b"<sheetData>", padding + b"<sheetData>")})
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(member)
    data = bytearray(target.read_bytes())
    fake = (2048).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = fake  # local header
    entry = bytes(data).rfind(member.encode()) - 46  # central directory entry
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 24 : entry + 28] = fake
    target.write_bytes(bytes(data))
    return target


def calamine_unguarded(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that hands the file to python-calamine with no pre-flight, as the
    reader did before: what the isolation alone must survive."""
    from python_calamine import CalamineWorkbook

    from vrapport.isolation import Workbook

    workbook = CalamineWorkbook.from_path(str(path))
    book = Workbook(sheet_names=list(workbook.sheet_names))
    for name in book.sheet_names:
        book.grids[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return book


def stalls(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that never finishes on a file named 'heng*' (a parser stuck in a
    loop), and reads other files normally."""
    import time

    from vrapport.isolation import read_workbook

    if path.name.startswith("heng"):
        time.sleep(600)
    return read_workbook(path, display)


def filled_down(column: str, value: str, first: int, last: int) -> Callable[[bytes], bytes]:
    """An edit that fills `value` down `column` from row `first` to `last`, as the fill
    handle does."""

    def edit(data: bytes) -> bytes:
        def cell(r: int) -> str:
            return f'<c r="{column}{r}" t="inlineStr"><is><t>{value}</t></is></c>'

        return with_cells(data, {r: cell(r) for r in range(first, last + 1)}, column)

    return edit


def with_cells(data: bytes, cells: dict[int, str], column: str) -> bytes:
    """A sheet's XML with `cells` (row -> the cell's XML, in `column`) put in their rows in
    order, replacing what that column held there, as Excel writes it: rows and cells in
    order, each once (the pre-flight refuses a file that is not)."""
    text = data.decode()
    head, rest = text.split("<sheetData>", 1) if "<sheetData>" in text else (text, "")
    if not rest:  # <sheetData/>
        head, _, tail = text.partition("<sheetData/>")
        body = ""
    else:
        body, tail = rest.split("</sheetData>", 1)
    rows: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for match in re.finditer(r'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', body, re.S):
        found = re.findall(r'(<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>))', match.group(3) or "")
        rows[int(match.group(1))] = (
            match.group(2),
            [(col_number(letters), xml) for xml, letters in found],
        )
    wanted = col_number(column)
    for r, xml in cells.items():
        attrs, old = rows.get(r, ("", []))
        rows[r] = (attrs, sorted([c for c in old if c[0] != wanted] + [(wanted, xml)]))
    out = "".join(
        f'<row r="{r}"{attrs}>' + "".join(x for _, x in row_cells) + "</row>"
        for r, (attrs, row_cells) in sorted(rows.items())
    )
    return f"{head}<sheetData>{out}</sheetData>{tail}".encode()


def formula_at(ref: str, formula: str, value: str, attrs: str = "") -> Callable[[bytes], bytes]:
    """An edit that turns cell `ref` into a formula with the stored result `value` (`attrs`:
    the <f> element's attributes, e.g. ' t="shared" si="0"')."""

    def edit(data: bytes) -> bytes:
        cell = f'<c r="{ref}"><f{attrs}>{formula}</f><v>{value}</v></c>'.encode()
        pattern = rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode()
        new, count = re.subn(pattern, lambda _: cell, data, count=1)  # (no escapes in `cell`)
        assert count == 1, ref
        return new

    return edit


def shared_formula(formula: str, stored: dict[str, str], group: str = "0") -> Edit:
    """An edit that turns the cells of `stored` (cell -> stored result, the first the group's
    leader) into one shared formula, as Excel writes a formula filled down: the text once, at
    the leader, `<f t="shared" si="0"/>` at the others."""
    cells = list(stored)
    span = f"{cells[0]}:{cells[-1]}"

    def edit(data: bytes) -> bytes:
        data = formula_at(
            cells[0], formula, stored[cells[0]], f' t="shared" ref="{span}" si="{group}"'
        )(data)
        for ref in cells[1:]:
            data = formula_at(ref, "", stored[ref], f' t="shared" si="{group}"')(data)
        return data

    return edit


def saved_by(application: str, recalc_on_load: bool) -> dict[str, Edit]:
    """Edits that make a workbook look saved by `application`, asking (or not) for a full
    recalculation when it is opened."""
    flag = ' fullCalcOnLoad="1"' if recalc_on_load else ""
    return {
        "docProps/app.xml": lambda d: re.sub(
            rb"<Application>[^<]*</Application>",
            f"<Application>{application}</Application>".encode(),
            d,
        ),
        "xl/workbook.xml": lambda d: re.sub(
            rb"<calcPr[^>]*/>", f'<calcPr calcId="191029"{flag}/>'.encode(), d
        ),
    }


def hide_column(first: int, last: int) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        col = f'<col min="{first}" max="{last}" width="9" hidden="1"/>'.encode()
        return data.replace(b"</cols>", col + b"</cols>", 1)

    return edit


MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({
    "returncode": done.returncode,
    "seconds": time.perf_counter() - start,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "stdout": done.stdout,
    "stderr": done.stderr,
}))
"""
CLI_MAIN = "import sys; sys.argv[0] = 'vrapport'; from vrapport.cli import main; main()"


def run_measured(args: list[str], env: dict[str, str], timeout: float = 120) -> dict:
    """Run the vrapport command line with `args` in a fresh process; its exit code, wall
    time, peak memory (the largest resident set of it and its worker) and output."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-c", CLI_MAIN, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def logged(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that notes each file it is asked to read (its display name, a line
    in the file named by $VRAPPORT_TEST_LOG), then reads it as calamine_unguarded does."""
    import os

    with open(os.environ["VRAPPORT_TEST_LOG"], "a", encoding="utf-8") as log:
        log.write(display + "\n")
    return calamine_unguarded(path, display)


def unwinds(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that ends the worker with an exception no `except Exception` stops
    (SystemExit) on a file named 'vekk*', as a parser's panic once did, and reads other files
    as calamine_unguarded does (each noted, see `logged`)."""
    if path.name.startswith("vekk"):
        raise SystemExit(3)
    return logged(path, display)


def aborting_values(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that reads as read_overlapped does, except that the values thread
    aborts the whole process 0.5 s into a file named 'krasj*' (as python-calamine does on
    some files, also ones pre-flight goes on to refuse); other files are read after a 1 s
    pause, so a thread left running on the file before would end the worker meanwhile."""
    import os
    import time

    from vrapport import isolation

    def values(book, source: Path) -> None:  # type: ignore[no-untyped-def]
        if source.name.startswith("krasj"):
            time.sleep(0.5)
            os.abort()
        read_values(book, source)

    read_values = getattr(isolation, "_unpatched_values", isolation._read_values)
    isolation._unpatched_values = read_values  # type: ignore[attr-defined]
    isolation._read_values = values  # type: ignore[assignment]
    if not path.name.startswith("krasj"):
        time.sleep(1)
    return isolation.read_overlapped(path, display)


def signals_itself(path: Path, display: str):  # type: ignore[no-untyped-def]
    """A worker target that ends its own process with the signal named by the file's name
    ('SIGKILL-….xlsx', as the OOM killer or an administrator would stop the worker;
    'SIGABRT-…', as a parser's abort would); other files are read as usual."""
    import os
    import signal
    import time

    from vrapport import isolation

    name = path.name.partition("-")[0]
    if name.startswith("SIG"):
        os.kill(os.getpid(), getattr(signal, name))
        time.sleep(60)
    return isolation.read_workbook(path, display)


def signals_itself_once(path: Path, display: str):  # type: ignore[no-untyped-def]
    """As signals_itself, but only the first time the file is read (a marker file beside it
    says it was)."""
    marker = path.with_name(path.name + ".signalled")
    if path.name.startswith("SIG") and not marker.exists():
        marker.touch()
        return signals_itself(path, display)
    from vrapport import isolation

    return isolation.read_workbook(path, display)
