"""Registers compared with the previous report: a record of a closed month deleted, added late
or moved to another month changes the counts the board already saw. Each month whose count
changed is a row on Endringer («Beredskap i februar: 4 → 3»), and so is each record that
changed it: a finding at its cell (a deleted one at its sheet, named as it was), counted on
the front page. Records of the open month are no restatements."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD, find_label, read_grids
from tests.test_restatements import _example_data
from vrapport.cli import app
from vrapport.period import Period
from vrapport.pipeline import build

runner = CliRunner()
FEBRUARY = Period(2024, 2)
# The columns of an Endringer row: Mal, Ark, Linje / rad, Måned, Kolonne, Forrige rapport, Nå,
# Endring, Celle.


def _previous(
    tmp_path: Path,
    make_filled: Any,
    template: str,
    data: dict[str, Any],
    period: Period = FEBRUARY,
) -> Path:
    """Last period's folder (February) with `template` filled with `data`."""
    folder = tmp_path / "forrige"
    folder.mkdir(exist_ok=True)
    made = make_filled(template, data, period=period, name=f"{template}_{period}.xlsx")
    shutil.move(made, folder / f"{template}.xlsx")
    return folder


def _february_drift() -> dict[str, Any]:
    """The example drift submission as February's: its window June 2023 to February 2024."""
    data = _example_data("drift")
    data["operations"].pop("m03")
    data["operations"]["p06"] = {"incidents": 500, "changes": 150}
    return data


def _build(tmp_path: Path, specs: Any, previous: Path, current: Path = EXAMPLES) -> Any:
    out = tmp_path / "rapport.xlsx"
    outcome = build([current], PERIOD, out, specs, previous=[previous])
    assert not outcome.blocked, [str(f) for f in outcome.findings if f.severity == "error"]
    return outcome, read_grids(out)


def _endringer(grids: dict[str, Any], template: str) -> list[list[Any]]:
    return [
        [v for v in row if v not in ("", None)]
        for row in grids["Endringer"]
        if row[:1] == [template]
    ]


def _front_count(grids: dict[str, Any]) -> tuple[int, int]:
    """The front page's count: (figures changed, register rows changed)."""
    (hit,) = find_label(grids, r"^endringer i lukkede måneder: \d+ tall", "Forside")
    text = grids["Forside"][hit[1]][hit[2]]
    found = re.fullmatch(
        r"Endringer i lukkede måneder: (\d+) tall(?: og (\d+) rad(?:er)?)? endret siden "
        r"forrige rapport",
        text,
    )
    assert found, text
    return int(found[1]), int(found[2] or 0)


def _changed(outcome: Any, file: str) -> list[Any]:
    return [f for f in outcome.findings if f.code == "changed-since-previous" and f.file == file]


def _cell_of(path: Path, sheet: str, text: str, header: str) -> str:
    """The cell under the header `header` on the row holding `text`."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    grid = read_grids(path)[sheet]
    row = next(r for r, line in enumerate(grid) if text in line)
    column = next(line.index(header) for line in grid if header in line)
    return xl_rowcol_to_cell(row, column)


def test_a_deleted_preparedness_event_of_a_closed_month_is_a_restatement(
    tmp_path, make_filled, specs
):
    """February's report counted an event of 20 February that the March log no longer has:
    February had 4 events (1, 13, 20, 27 Feb), now 3."""
    data = _february_drift()
    log = [e for e in data["preparedness"] if e["date"] < dt.date(2024, 3, 1)]
    deleted = {"date": dt.date(2024, 2, 20), "level": "Rød", "description": "Brann i serverrom."}
    data["preparedness"] = [*log, deleted]
    now = _example_data("drift")["preparedness"]
    february_now = sum(1 for e in now if (e["date"].year, e["date"].month) == (2024, 2))
    assert february_now == 3
    previous = _previous(tmp_path, make_filled, "drift", data)
    outcome, grids = _build(tmp_path, specs, previous)

    rows = _endringer(grids, "Drift")
    assert rows == [
        [
            "Drift",
            "Beredskap",
            "Beredskap",
            "februar",
            "Antall",
            february_now + 1,
            february_now,
            -1,
        ],
        [
            "Drift",
            "Beredskap",
            "20.02.2024, Rød, Brann i serverrom.",
            "februar",
            "Rad",
            "med",
            "slettet",
        ],
    ]
    assert _front_count(grids) == (1, 1)
    count, record = _changed(outcome, "drift.xlsx")
    assert (count.sheet, count.ref, record.sheet, record.ref) == ("Beredskap", "", "Beredskap", "")
    assert count.message.startswith("Beredskap i februar: 4 → 3 siden forrige rapport")
    assert record.message == (
        "«20.02.2024, Rød, Brann i serverrom.» står i forrige rapports fil (forrige periode: "
        f"drift.xlsx, Beredskap, rad {5 + len(log)}), men er ikke lenger med; den lå i februar, "
        "som forrige rapport allerede viste; Beredskap i februar: 4 → 3."
    )


def test_the_open_month_and_an_unchanged_register_are_no_restatements(tmp_path, make_filled, specs):
    """The March events are new in March's log, and the closed months are as reported: no
    row, no finding, no Endringer sheet."""
    data = _february_drift()
    data["preparedness"] = [e for e in data["preparedness"] if e["date"] < dt.date(2024, 3, 1)]
    previous = _previous(tmp_path, make_filled, "drift", data)
    outcome, grids = _build(tmp_path, specs, previous)
    assert _changed(outcome, "drift.xlsx") == []
    assert "Endringer" not in grids


def test_a_register_changed_throughout_lists_its_months_and_the_first_records(
    tmp_path, make_filled, specs, monkeypatch
):
    """Beyond MAX_RECORD_ROWS records, one row says how many more; every changed month is
    still a row (here: 2 records listed, the other 3 of 5 deleted events counted)."""
    from vrapport import history

    monkeypatch.setattr(history, "MAX_RECORD_ROWS", 3)
    data = _february_drift()
    log = [e for e in data["preparedness"] if e["date"] < dt.date(2024, 3, 1)]
    extra = [
        {"date": dt.date(2024, month, day), "level": "Grønn", "description": f"Hendelse {day}."}
        for month, day in ((1, 3), (1, 4), (2, 5), (2, 6), (2, 7))
    ]
    data["preparedness"] = [*log, *extra]
    previous = _previous(tmp_path, make_filled, "drift", data)
    outcome, grids = _build(tmp_path, specs, previous)
    rows = _endringer(grids, "Drift")
    assert [r[2:] for r in rows] == [
        ["Beredskap", "januar", "Antall", 4, 2, -2],
        ["Beredskap", "februar", "Antall", 6, 3, -3],
        ["03.01.2024, Grønn, Hendelse 3.", "januar", "Rad", "med", "slettet"],
        ["04.01.2024, Grønn, Hendelse 4.", "januar", "Rad", "med", "slettet"],
        ["3 endringer til", "Rad"],
    ]
    assert _front_count(grids) == (2, 5)
    last = _changed(outcome, "drift.xlsx")[-1]
    assert (last.sheet, last.ref) == ("Beredskap", "")
    assert last.message.startswith("3 endringer til av rader i Beredskap siden forrige rapport")


def _order_data() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = _example_data("nye_tjenester")
    return data, data["orders"]


def _count(orders: list[dict[str, Any]], year: int, month: int) -> int:
    return sum(1 for o in orders if (o["delivered"].year, o["delivered"].month) == (year, month))


def test_an_order_moved_to_another_month_and_one_added_late_change_their_months_counts(
    tmp_path, make_filled, specs
):
    """Orders have an id: an order whose delivery date moved from January to February is a
    change at its date cell (January −1, February +1); an order of October 2023 that
    February's register did not have is new at its row (October 2023 +1)."""
    now_orders = _example_data("nye_tjenester")["orders"]
    data, orders = _order_data()
    orders = [o for o in orders if o["delivered"] < dt.date(2024, 3, 1)]
    moved = next(o for o in orders if o["delivered"].year == 2024 and o["delivered"].month == 2)
    late = next(o for o in orders if o["delivered"].year == 2023 and o["delivered"].month == 10)
    moved_before = dt.date(2024, 1, 31)
    moved_now = moved["delivered"]
    moved["delivered"] = moved_before
    data["orders"] = [o for o in orders if o["id"] != late["id"]]
    previous = _previous(tmp_path, make_filled, "nye_tjenester", data)
    outcome, grids = _build(tmp_path, specs, previous)

    january, february = _count(now_orders, 2024, 1), _count(now_orders, 2024, 2)
    october = _count(now_orders, 2023, 10)
    path = EXAMPLES / "nye_tjenester.xlsx"
    late_cell = _cell_of(path, "Leverte oppdrag", late["id"], "Levert dato")
    moved_cell = _cell_of(path, "Leverte oppdrag", moved["id"], "Levert dato")
    rows = _endringer(grids, "Nye tjenester")
    assert rows == [
        [
            "Nye tjenester",
            "Leverte oppdrag",
            "Leverte oppdrag",
            "oktober 2023",
            "Antall",
            october - 1,
            october,
            1,
        ],
        [
            "Nye tjenester",
            "Leverte oppdrag",
            "Leverte oppdrag",
            "januar",
            "Antall",
            january + 1,
            january,
            -1,
        ],
        [
            "Nye tjenester",
            "Leverte oppdrag",
            "Leverte oppdrag",
            "februar",
            "Antall",
            february - 1,
            february,
            1,
        ],
        [
            "Nye tjenester",
            "Leverte oppdrag",
            f"Oppdrags-ID {moved['id']}",
            "januar",
            "Levert dato",
            "31.01.2024",
            moved_now.strftime("%d.%m.%Y"),
            moved_cell,
        ],
        [
            "Nye tjenester",
            "Leverte oppdrag",
            f"Oppdrags-ID {late['id']}",
            "oktober 2023",
            "Rad",
            "ikke med",
            "ny",
            late_cell,
        ],
    ]
    assert _front_count(grids) == (3, 2)
    findings = _changed(outcome, "nye_tjenester.xlsx")
    assert [(f.sheet, f.ref) for f in findings] == [("Leverte oppdrag", "")] * 3 + [
        ("Leverte oppdrag", moved_cell),
        ("Leverte oppdrag", late_cell),
    ]
    assert findings[1].message.startswith(
        f"Leverte oppdrag i januar: {january + 1} → {january} siden forrige rapport"
    )
    assert findings[3].message == (
        f"Levert dato for Oppdrags-ID {moved['id']} er endret siden forrige rapport: "
        f"31.01.2024 → {moved_now.strftime('%d.%m.%Y')}; Leverte oppdrag i januar: "
        f"{january + 1} → {january}; Leverte oppdrag i februar: {february - 1} → {february}."
    )
    assert "oktober 2023, som forrige rapport allerede viste" in findings[4].message
    assert f"Leverte oppdrag i oktober 2023: {october - 1} → {october}" in findings[4].message


def test_a_changed_count_of_open_deviations_is_restated_with_its_month(
    tmp_path, make_filled, specs
):
    """A register of numbers: the count of 1 February changed 240 → 252 (a row gone, a row
    new, and the month's figure); the count of 1 March, which February's report showed as
    its closing count, is compared too; 1 April (this report's) is not."""
    data = _example_data("kvalitet")
    counts = data["open_deviations"]
    feb = next(c for c in counts if c["date"] == dt.datetime(2024, 2, 1))
    now_feb = feb["open"]
    feb["open"] = 240
    data["open_deviations"] = [c for c in counts if c["date"] < dt.datetime(2024, 4, 1)]
    march = next(c for c in data["open_deviations"] if c["date"] == dt.datetime(2024, 3, 1))
    now_march = march["open"]
    march["open"] = now_march + 1
    previous = _previous(tmp_path, make_filled, "kvalitet", data)
    outcome, grids = _build(tmp_path, specs, previous)
    rows = _endringer(grids, "Kvalitet (avviksmeldinger)")
    path = EXAMPLES / "kvalitet.xlsx"
    feb_cell = _cell_of(path, "Åpne avvik", now_feb, "Antall åpne avvik")
    march_cell = _cell_of(path, "Åpne avvik", now_march, "Antall åpne avvik")
    label = "Antall åpne avvik"
    assert [r[2:] for r in rows] == [
        ["Åpne avvik", "februar", label, 240, now_feb, now_feb - 240],
        ["Åpne avvik", "mars", label, now_march + 1, now_march, -1],
        # Without an id, a row gone and a row new on the same date are one row changed.
        ["Telledato 01.02.2024", "februar", label, 240, now_feb, now_feb - 240, feb_cell],
        ["Telledato 01.03.2024", "mars", label, now_march + 1, now_march, -1, march_cell],
    ]
    assert _front_count(grids) == (2, 2)
    findings = _changed(outcome, "kvalitet.xlsx")
    assert [(f.sheet, f.ref) for f in findings] == [("Åpne avvik", "")] * 2 + [
        ("Åpne avvik", feb_cell),
        ("Åpne avvik", march_cell),
    ]
    assert findings[0].message.startswith(
        f"Antall åpne avvik i februar (Åpne avvik): 240 → {now_feb} siden forrige rapport"
    )
    assert findings[2].message == (
        f"Antall åpne avvik for Telledato 01.02.2024 er endret siden forrige rapport: "
        f"240 → {now_feb}; Antall åpne avvik i februar: 240 → {now_feb}."
    )


def test_a_changed_level_of_a_closed_event_is_a_restatement_at_its_cell(
    tmp_path, make_filled, specs
):
    """The event of 1 February was Grønn in February's log, Gul now: February's count stays 3
    (no count row), the level's is the row, at the Nivå cell."""
    data = _february_drift()
    data["preparedness"] = [e for e in data["preparedness"] if e["date"] < dt.date(2024, 3, 1)]
    event = next(e for e in data["preparedness"] if e["date"] == dt.date(2024, 2, 1))
    assert event["level"] == "Gul"
    event["level"] = "Grønn"
    previous = _previous(tmp_path, make_filled, "drift", data)
    outcome, grids = _build(tmp_path, specs, previous)
    cell = _cell_of(EXAMPLES / "drift.xlsx", "Beredskap", event["description"], "Nivå")
    assert _endringer(grids, "Drift") == [
        ["Drift", "Beredskap", "Dato 01.02.2024", "februar", "Nivå", "Grønn", "Gul", cell]
    ]
    assert _front_count(grids) == (0, 1)
    (finding,) = _changed(outcome, "drift.xlsx")
    assert (finding.sheet, finding.ref, finding.column) == ("Beredskap", cell, "Nivå")
    assert finding.message == (
        "Nivå for Dato 01.02.2024 er endret siden forrige rapport: Grønn → Gul."
    )


def test_check_previous_reports_a_register_change_at_its_cell(tmp_path, make_filled):
    """`check --previous --json`: the late order is a finding at its row's date cell and in
    `restatements` with its kind; exit 0 (a warning)."""
    data, orders = _order_data()
    orders = [o for o in orders if o["delivered"] < dt.date(2024, 3, 1)]
    late = orders[0]
    data["orders"] = orders[1:]
    previous = _previous(tmp_path, make_filled, "nye_tjenester", data)
    path = EXAMPLES / "nye_tjenester.xlsx"
    result = runner.invoke(
        app, ["check", str(path), "--period", "2024-03", "--previous", str(previous), "--json"]
    )
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    changed = [f for f in payload["findings"] if f["code"] == "changed-since-previous"]
    cell = _cell_of(path, "Leverte oppdrag", late["id"], "Levert dato")
    assert [(f["sheet"], f["cell"]) for f in changed] == [
        ("Leverte oppdrag", ""),
        ("Leverte oppdrag", cell),
    ]
    kinds = [(r["kind"], r["line"], r["old"], r["new"]) for r in payload["restatements"]]
    january = _count(orders, 2023, 1)
    assert kinds == [
        ("count", "Leverte oppdrag", january - 1, january),
        ("record", f"Oppdrags-ID {late['id']}", "ikke med", "ny"),
    ]


def _drift_data(period: Period, events: list[tuple[dt.date, str, str]]) -> dict[str, Any]:
    """A drift submission for `period` with every month row filled and the log `events`."""
    rows = [f"p{m:02d}" for m in range(1, 13)] + [f"m{m:02d}" for m in range(1, period.month + 1)]
    return {
        "operations": {row: {"incidents": 100, "changes": 10} for row in rows},
        "preparedness": [{"date": d, "level": lvl, "description": t} for d, lvl, t in events],
    }


def test_december_seen_from_january_is_closed_and_the_year_dropped_is_not(tmp_path, make_filled):
    """January 2024 against December 2023: December's event deleted is «desember 2023»; the
    2022 event the January log may no longer hold, and January's own event, are nothing."""
    june = (dt.date(2023, 6, 10), "Gul", "Juni-hendelse.")
    december = (dt.date(2023, 12, 12), "Rød", "Desember-hendelse.")
    old = [(dt.date(2022, 11, 5), "Grønn", "Gammel hendelse."), june, december]
    previous = _previous(
        tmp_path, make_filled, "drift", _drift_data(Period(2023, 12), old), Period(2023, 12)
    )
    now = [june, (dt.date(2024, 1, 8), "Grønn", "Januar-hendelse.")]
    path = make_filled("drift", _drift_data(Period(2024, 1), now), period=Period(2024, 1))
    result = runner.invoke(
        app, ["check", str(path), "--period", "2024-01", "--previous", str(previous), "--json"]
    )
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    items = [
        (r["kind"], r["line"], r["month"], r["year"], r["old"], r["new"])
        for r in payload["restatements"]
    ]
    assert items == [
        ("count", "Beredskap", 12, 2023, 1, 0),
        ("record", "12.12.2023, Rød, Desember-hendelse.", 12, 2023, "med", "slettet"),
    ]
    messages = [f["message"] for f in payload["findings"] if f["code"] == "changed-since-previous"]
    assert messages[0].startswith("Beredskap i desember 2023: 1 → 0 siden forrige rapport")
    assert "den lå i desember 2023, som forrige rapport allerede viste" in messages[1]
