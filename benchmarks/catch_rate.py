"""Measure the plausibility checks on realistic data: how many single-cell slips they catch
and how many false alarms untouched data gives. Prints the numbers; never asserts.

Every non-zero number of every example submission (examples/2024-03) is tampered with in
turn (×1000, ÷1000, sign flipped) in a realistic variant of its submission (every number
varied by N(0, spread)); a slip is caught when a finding names its cell. False alarms are
findings of the plausibility kinds (wrong-scale, outlier, month-copied, unexpected-sign) on
untouched variants. Also times the check on a register of 100 000 rows.

    python benchmarks/catch_rate.py [--seeds N] [--spread 0.05]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def register_timing(rows: int) -> float:
    """Seconds the plausibility check takes on a records sheet of `rows` numeric rows."""
    import numpy as np
    import pandas as pd

    from tests import realistic
    from vrapport.checks.plausibility import Settings, implausible
    from vrapport.reader import LABEL, MONTH, ROW_KEY, SheetData

    template = realistic.specs().template("kvalitet")
    spec = template.sheet("open_deviations")
    rng = np.random.default_rng(0)
    numeric = [c.key for c in spec.columns if c.numeric]
    frame = pd.DataFrame(
        {
            ROW_KEY: [str(i) for i in range(rows)],
            MONTH: None,
            LABEL: [f"rad {i}" for i in range(rows)],
        }
        | {k: rng.poisson(200, rows).astype(object) for k in numeric}
    )
    frame.loc[rows // 2, numeric[0]] = 200_000
    cells = pd.DataFrame({k: [f"B{i + 5}" for i in range(rows)] for k in numeric})
    data = SheetData(spec, spec.name, frame, cells)
    start = time.perf_counter()
    found = list(implausible(data, Settings.of(realistic.specs().report), "kvalitet"))
    elapsed = time.perf_counter() - start
    assert found, "the planted slip was not found"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="realistic variants per cell")
    parser.add_argument("--spread", type=float, default=0.05)
    args = parser.parse_args()

    from tests import realistic

    start = time.perf_counter()
    cells = realistic.cells()
    print(f"cells: {len(cells)} non-zero numbers in {len(realistic.originals())} submissions")
    alarms: Counter[str] = Counter()
    clean = 0
    for seed in range(args.seeds * 10):
        for template in realistic.originals():
            for spread in (0.0, args.spread, 3 * args.spread):
                clean += 1
                for finding in realistic.false_alarms(realistic.draw(template, seed, spread)):
                    alarms[finding.code] += 1
    print(f"false alarms: {sum(alarms.values())} in {clean} untouched submissions {dict(alarms)}")
    for tampering in realistic.TAMPERING:
        drawn = caught = reachable = reachable_caught = 0
        missed: list[str] = []
        for cell in cells:
            if tampering == "sign" and not realistic.sign_is_known(cell):
                continue
            reach = tampering == "sign" or realistic.has_reference(cell)
            for seed in range(args.seeds):
                findings = realistic.draw(cell.template, seed, args.spread, cell, tampering)
                hit = realistic.caught(findings, cell.template, cell)
                drawn += 1
                caught += hit
                reachable += reach
                reachable_caught += hit and reach
                if not hit and seed == 0:
                    missed.append(f"{cell.template}.{cell.sheet}[{cell.index}].{cell.column}")
        print(
            f"{tampering}: caught {caught}/{drawn} = {caught / drawn:.1%}; "
            f"of cells with something to compare with {reachable_caught}/{reachable} = "
            f"{reachable_caught / max(reachable, 1):.1%}; missed: {', '.join(missed) or 'none'}"
        )
    excluded = sum(not realistic.sign_is_known(c) for c in cells)
    print(f"sign: {excluded} cells excluded (their column has both signs: liquidity)")
    print(f"register of 100 000 rows: {register_timing(100_000):.2f} s")
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
