"""Fill a template programmatically (openpyxl), finding every cell by its labels.

Used to make the example submissions and by tests; the same label lookup as the reader,
so a filled template always reads back the way it was filled.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vrapport.atomic import atomic_path
from vrapport.reader import MONTH, ROW_KEY, read_submission
from vrapport.spec import Specs

# sheet key -> {row key: {column key: value}} for grid/table sheets (grid: column key is
# (measure key, month)); sheet key -> [ {column key: value}, ... ] for record sheets.
FillData = Mapping[str, Mapping[str, Mapping[Any, Any]] | Sequence[Mapping[str, Any]]]


class FillError(ValueError):
    """The data names a sheet, row or column the template does not have."""


def _fix_stamps(path: Path, stamp: dt.datetime) -> None:
    """Make a file openpyxl saved depend only on its content: every zip member dated `stamp`
    and the workbook's 'modified' property set to it (openpyxl writes the time of saving)."""
    members = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            members.append((info.filename, archive.read(info.filename)))
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            if name == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + when + rb"\g<2>", content)
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def fill_template(
    template: Path, data: FillData, out: Path, specs: Specs, stamp: dt.datetime | None = None
) -> Path:
    """Write a copy of `template` with `data` filled in to `out`. With `stamp`, the file's
    save time is `stamp`, so that the same data give the same bytes on every run."""
    import openpyxl

    from vrapport.celltext import put

    sub = read_submission(template, specs)
    workbook = openpyxl.load_workbook(template)
    for sheet_key, values in data.items():
        if sheet_key not in sub.sheets:
            raise FillError(f"{template.name}: no sheet {sheet_key!r}")
        sheet = sub.sheets[sheet_key]
        ws = workbook[sheet.name]
        if sheet.spec.kind == "records":
            assert isinstance(values, Sequence)
            for offset, record in enumerate(values, start=1):
                for key, value in record.items():
                    if key not in sheet.columns:
                        raise FillError(f"{sheet.name}: no column {key!r}")
                    put(ws.cell(sheet.header_row + 1 + offset, sheet.columns[key] + 1), value)
            continue
        assert isinstance(values, Mapping)
        frame = sheet.frame
        for row_key, columns in values.items():
            for column, value in columns.items():
                measure, month = column if isinstance(column, tuple) else (column, None)
                mask = frame[ROW_KEY] == row_key
                if month is not None:
                    mask &= frame[MONTH] == month
                hits = frame.index[mask]
                if len(hits) != 1 or measure not in sheet.cells.columns:
                    raise FillError(f"{sheet.name}: no cell for {row_key!r} {column!r}")
                put(ws[sheet.cell(hits[0], measure)], value)
    with atomic_path(out) as tmp:
        workbook.save(tmp)
        if stamp is not None:
            _fix_stamps(tmp, stamp)
    return out
