"""Measure vrapport's speed on this machine: CLI start-up, template generation, checking
and building the example report. Prints a table of medians; never asserts.

    python benchmarks/bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "2024-03"
PREVIOUS = ROOT / "examples" / "2024-02"


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from vrapport.files import collect_files
    from vrapport.period import Period
    from vrapport.pipeline import build
    from vrapport.spec import load_specs
    from vrapport.templates import write_template
    from vrapport.validation import check_files

    specs = load_specs()
    period = Period(2024, 3)
    files = collect_files([EXAMPLES])
    previous = [PREVIOUS] if PREVIOUS.is_dir() else None
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        results["vrapport --help (process)"] = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "vrapport", "--help"], check=True, capture_output=True
            ),
            args.repeat,
        )
        results[f"templates: all {len(specs.templates)}"] = timed(
            lambda: [
                write_template(s, specs.report, period, out / f"{s.id}.xlsx")
                for s in specs.templates.values()
            ],
            args.repeat,
        )
        results[f"check: {len(files)} example files"] = timed(
            lambda: check_files(files, specs, period), args.repeat
        )
        results["build: example report"] = timed(
            lambda: build([EXAMPLES], period, out / "r.xlsx", specs, previous=previous), args.repeat
        )
    width = max(len(k) for k in results)
    print(f"{'what':<{width}}  median     min      (n={args.repeat})")
    for name, times in results.items():
        median, best = statistics.median(times) * 1000, min(times) * 1000
        print(f"{name:<{width}}  {median:7.1f} ms {best:7.1f} ms")


if __name__ == "__main__":
    main()
