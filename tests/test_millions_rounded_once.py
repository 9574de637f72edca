"""Amounts in finding messages are rounded once, from the unrounded kroner (DESIGN §7), as
the chapter's sentences and the front page round them: 1 249 600 kr is «1,2 mill. kr», not
«1,3» from the 1 250 thousand the table shows."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import EXAMPLES, PERIOD
from tests.test_restatements import _example_data, _previous_folder
from vrapport.cli import app
from vrapport.pipeline import build

runner = CliRunner()
AMOUNT = 1_249_600  # 1 250 thousand in a table, 1,2496 million in a sentence
SHOWN = "1,2\u00a0mill.\u00a0kr"


def test_an_unexplained_variance_names_the_amount_rounded_once(make_filled):
    """Depreciation (named by no paragraph) on budget in January and February, and
    1 249 600 kr under budget in March: the month's and the year's variance are both
    1 249 600 kr (favourable, a cost under budget)."""
    data = _example_data("okonomi")
    cells = data["result"]["depreciation"]
    for month in (1, 2, 3):
        cells[("actual", month)] = cells[("budget", month)]
    cells[("actual", 3)] = cells[("budget", 3)] - AMOUNT
    path = make_filled("okonomi", data)
    result = runner.invoke(app, ["check", str(path), "--period", "2024-03", "--json"])
    found = [
        f for f in json.loads(result.stdout)["findings"] if f["code"] == "unexplained-variance"
    ]
    (depreciation,) = [f for f in found if f["message"].startswith("Avskrivninger")]
    assert depreciation["message"] == (
        f"Avskrivninger: avvik i mars {SHOWN} og hittil i år {SHOWN} er over "
        "vesentlighetsgrensen; forklar det i Kommentar (velg linjen i kolonnen «Forklarer "
        "linje»)."
    )


def test_an_unexplained_restatement_names_the_amount_rounded_once(tmp_path, make_filled, specs):
    now = float(_example_data("okonomi")["result"]["depreciation"][("actual", 1)])
    previous = _previous_folder(tmp_path, make_filled, "depreciation", now - AMOUNT)
    outcome = build([EXAMPLES], PERIOD, tmp_path / "r.xlsx", specs, previous=[previous])
    (finding,) = [f for f in outcome.findings if f.code == "unexplained-restatement"]
    assert finding.message.startswith(
        f"Avskrivninger: faktisk for januar er endret med {SHOWN} siden forrige rapport"
    )
