"""Measure the plausibility checks on realistic data: how many single-cell slips they catch
and how many false alarms untouched data gives, per period. Prints the numbers; never
asserts.

Periods: March 2024 (the example submissions, examples/2024-03) and periods generated from
them as departments would fill them (tests/realistic.py: June and December 2024 from
templates pre-filled from March, January 2025 from December's). Every non-zero number of
every submission is tampered with in turn (×1000, ÷1000, sign flipped, replaced by 0 as a
figure forgotten) in a realistic variant of its submission (every number varied by
N(0, spread)); a slip is caught when a finding names its cell. False alarms are findings of
the plausibility kinds (wrong-scale, outlier, month-copied, unexpected-sign, zero-figure) on
untouched variants; unexplained variances and targets there are compared with what the
figures make material and no paragraph names.
Also times the check on a register of 100 000 rows.

    python benchmarks/catch_rate.py [--seeds N] [--spread 0.05] [--periods 2024-03,2025-01]
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
    found = list(implausible(data, Settings.of(realistic.specs().report), "kvalitet", 3))
    elapsed = time.perf_counter() - start
    assert found, "the planted slip was not found"
    return elapsed


def measure(period_text: str, seeds: int, spread: float) -> None:
    """Print the false alarms and catch rates of one period's realistic submissions."""
    from tests import realistic
    from vrapport.period import Period

    period = Period.parse(period_text)
    start = time.perf_counter()
    cells = realistic.cells(period)
    templates = realistic.originals(period)
    print(f"== {period}: {len(cells)} non-zero numbers in {len(templates)} submissions")
    alarms: Counter[str] = Counter()
    clean = named = wrong = 0
    for seed in range(seeds * 10):
        for template in templates:
            for variation in (0.0, spread, 3 * spread):
                clean += 1
                sub = realistic.draw_submission(template, seed, variation, period=period)
                for finding in realistic.false_alarms(sub.findings):
                    alarms[finding.code] += 1
                found = realistic.unexplained(sub.findings, sub)
                named += len(found)
                wrong += found != realistic.due(sub, period) - realistic.tags(sub)
    print(f"false alarms: {sum(alarms.values())} in {clean} untouched submissions {dict(alarms)}")
    print(
        f"unexplained variances and targets: {named} named in those, {wrong} submissions where "
        "they were not exactly the material ones no paragraph names"
    )
    for tampering in realistic.TAMPERING:
        drawn = caught = reachable = reachable_caught = 0
        missed: list[str] = []
        for cell in cells:
            if tampering == "sign" and not realistic.sign_is_known(cell):
                continue
            reach = tampering == "sign" or realistic.has_reference(cell)
            for seed in range(seeds):
                findings = realistic.draw(cell.template, seed, spread, cell, tampering)
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
    print(f"{period}: {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3, help="realistic variants per cell")
    parser.add_argument("--spread", type=float, default=0.05)
    parser.add_argument(
        "--periods",
        default="2024-03,2024-06,2024-12,2025-01",
        help="periods to measure, comma-separated (March 2024: the examples; the others "
        "generated from them, see tests/realistic.py)",
    )
    args = parser.parse_args()
    for period in args.periods.split(","):
        measure(period.strip(), args.seeds, args.spread)
    print(f"register of 100 000 rows: {register_timing(100_000):.2f} s")


if __name__ == "__main__":
    main()
