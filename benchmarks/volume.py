"""Measure vrapport at volume: enlarged copies of the example submissions, whole processes.

Every register of the examples is enlarged by a factor (order register, preparedness log,
deviation counts, projects and their risks; every added row valid), the enlarged files are
written once, and for each size one run prints: register rows, `check` and `build` wall time
(whole processes, as a user runs them), their peak memory (max RSS), the marginal cost per
register row against ×1, and the ratio to a bare python-calamine read of the same files
(also a whole process: start-up, import, every sheet of every file to Python values). With
×1 first, it also compares the example build with `python -c "import pandas, pandera,
xlsxwriter"`.

    python benchmarks/volume.py [--sizes 1 10 100 136 650] [--copies 200] [--repeat 3]
                                [--data DIR] [--src SRC]

`--data DIR` keeps the generated files (and reuses them when they are there); `--src` runs
another source tree's vrapport on the same files (e.g. `--src /work/main/src` for "before"
numbers). `--copies N` also builds N identical copies of the ×1 files in one folder (read
once each, with a warning) against the build of the eight. Prints; never asserts.

×136 is the largest size the pre-flight accepts (its limit is 20 000 rows per sheet; the
order register has 147 rows per copy); larger sizes are refused with a finding, shown below
the table.

Deviation counts are first-of-month counting dates, each at most once, so that register grows
backwards month by month only as far as March 1900 (about 1 500 rows); every other register
grows by the full factor. The previous period's project submission is enlarged the same way
as this period's, so `build --previous` compares like with like.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "examples" / "data"
PERIOD = "2024-03"
PREVIOUS_PERIOD = (2024, 2)
EARLIEST_COUNT = dt.date(1900, 3, 1)  # Excel's dates before this are off by a day

CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    workbook = CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", DATA_DIR / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _suffix(text: str, copy: int) -> str:
    return text if copy == 0 else f"{text} ({copy + 1})"


def _months_before(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def enlarge_data(template: str, data: dict[str, Any], factor: int) -> dict[str, Any]:
    """The example's fill data with every register `factor` times as long (valid rows)."""
    data = dict(data)
    if template == "nye_tjenester":
        data["orders"] = [
            order | {"id": f"{order['id']}-{copy}" if copy else order["id"]}
            for copy in range(factor)
            for order in data["orders"]
        ]
    elif template == "drift":
        data["preparedness"] = [event for _ in range(factor) for event in data["preparedness"]]
    elif template == "kvalitet":
        counts = data["open_deviations"]
        first = min(c["date"] for c in counts).date()
        extra = []
        for n in range(1, len(counts) * (factor - 1) + 1):
            day = _months_before(first, n)
            if day < EARLIEST_COUNT:
                break
            extra.append(counts[n % len(counts)] | {"date": dt.datetime(day.year, day.month, 1)})
        data["open_deviations"] = extra[::-1] + counts
    elif template == "prosjekt":
        data["projects"] = [
            row | {"project": _suffix(row["project"], copy)}
            for copy in range(factor)
            for row in data["projects"]
        ]
        data["risks"] = [
            row | {"project": _suffix(row["project"], copy)}
            for copy in range(factor)
            for row in data["risks"]
        ]
    return data


REGISTERS = {
    "nye_tjenester": ["orders"],
    "drift": ["preparedness"],
    "kvalitet": ["open_deviations"],
    "prosjekt": ["projects", "risks"],
}


def make_enlarged(factor: int, out: Path) -> tuple[Path, Path, int]:
    """Write the examples enlarged `factor` times to out/2024-03 and out/2024-02 (previous
    period's projects); returns both folders and the number of register rows."""
    from vrapport.fill import fill_template
    from vrapport.period import Period
    from vrapport.spec import load_specs
    from vrapport.templates import write_template

    specs = load_specs(ROOT / "schemas")
    current, previous = out / PERIOD, out / "2024-02"
    current.mkdir(parents=True, exist_ok=True)
    previous.mkdir(parents=True, exist_ok=True)
    rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(DATA_DIR.glob("*.py")):
            module = _module(path.stem)
            template = module.TEMPLATE
            data = enlarge_data(template, module.DATA, factor)
            rows += sum(len(data[key]) for key in REGISTERS.get(template, []))
            blank = write_template(
                specs.template(template),
                specs.report,
                Period(2024, 3),
                Path(tmp) / f"{template}.xlsx",
            )
            fill_template(blank, data, current / f"{template}.xlsx", specs)
            for extra_id, extra_period, extra_data, _ in getattr(module, "EXTRA_FILES", ()):
                blank = write_template(
                    specs.template(extra_id),
                    specs.report,
                    extra_period,
                    Path(tmp) / f"{extra_id}_{extra_period}.xlsx",
                )
                extra_data = enlarge_data(extra_id, extra_data, factor)
                fill_template(blank, extra_data, previous / f"{extra_id}.xlsx", specs)
    return current, previous, rows


REFUSED: dict[str, str] = {}  # what a run that did not exit 0 said, by size


def _first_error(text: str) -> str:
    """The first error of `check --json` output, else the text itself (shortened)."""
    try:
        findings = json.loads(text)["findings"]
        first = next(f for f in findings if f["severity"] == "error")
        return f"{first['location']}: {first['message']}"
    except (ValueError, KeyError, StopIteration, TypeError):
        return " ".join(text.split())[:300]


def timed(command: list[str], env: dict[str, str], repeat: int, label: str = "") -> tuple:
    """The fastest of `repeat` runs (the machine is shared: the minimum is the least
    disturbed), with the highest peak memory seen."""
    runs = [run(command, env, label) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def run(command: list[str], env: dict[str, str], label: str = "") -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one whole process (its output is kept,
    in a file, only to say why when it fails)."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and label:
            output.seek(0)
            REFUSED.setdefault(label, _first_error(output.read().decode(errors="replace")))
    return wall, usage.ru_maxrss / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 136, 650])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (min)")
    parser.add_argument("--copies", type=int, default=200, help="identical copies (0: none)")
    parser.add_argument("--data", type=Path, help="keep (and reuse) the generated files here")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="vrapport to measure")
    args = parser.parse_args()

    env = os.environ | {"PYTHONPATH": str(args.src.resolve())}
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        base = args.data or Path(tmp)
        results = []
        for factor in args.sizes:
            folder = base / f"x{factor}"
            marker = folder / "rows.txt"
            if marker.exists():
                current, previous = folder / PERIOD, folder / "2024-02"
                rows = int(marker.read_text())
            else:
                current, previous, rows = make_enlarged(factor, folder)
                marker.write_text(str(rows))
            files = [str(p) for p in sorted(current.glob("*.xlsx"))]
            bare, bare_mb, _ = timed([python, "-c", CALAMINE_READ, *files], env, args.repeat)
            check, check_mb, check_rc = timed(
                [python, "-m", "vrapport", "check", str(current), "--period", PERIOD, "--json"],
                env,
                args.repeat,
                f"×{factor}",
            )
            out = Path(tmp) / f"rapport_x{factor}.xlsx"
            build, build_mb, build_rc = timed(
                [
                    python, "-m", "vrapport", "build", str(current), "--period", PERIOD,
                    "--previous", str(previous), "--out", str(out),
                ],
                env,
                args.repeat,
                f"×{factor}",
            )  # fmt: skip
            results.append(
                (factor, rows, bare, check, check_mb, check_rc, build, build_mb, build_rc)
            )
            print(f"×{factor}: done", file=sys.stderr, flush=True)
        copies = None
        if args.copies:
            current = base / f"x{args.sizes[0]}" / PERIOD
            folder = Path(tmp) / "copies"
            folder.mkdir()
            for n in range(args.copies):
                for path in current.glob("*.xlsx"):
                    shutil.copy(path, folder / f"{path.stem}_{n:03d}.xlsx")
            out = Path(tmp) / "rapport_copies.xlsx"
            command = [python, "-m", "vrapport", "build", str(folder), "--period", PERIOD]
            previous = str(current.parent / "2024-02")
            copies = timed([*command, "--previous", previous, "--out", str(out)], env, args.repeat)
    base_rows, base_check, base_build = results[0][1], results[0][3], results[0][6]
    print(
        "| size | register rows | calamine read | check | build | check peak | build peak "
        "| check µs/row | build µs/row | check ÷ read | build ÷ read |"
    )
    print("| --- " * 11 + "|")
    for factor, rows, bare, check, cmb, crc, build, bmb, brc in results:
        extra = rows - base_rows
        per_check = f"{(check - base_check) / extra * 1e6:.0f}" if extra > 0 else "–"
        per_build = f"{(build - base_build) / extra * 1e6:.0f}" if extra > 0 else "–"
        check_s = f"{check:.2f} s" + ("" if crc in (0,) else f" (exit {crc})")
        build_s = f"{build:.2f} s" + ("" if brc == 0 else f" (exit {brc})")
        print(
            f"| ×{factor} | {rows:,} | {bare:.2f} s | {check_s} | {build_s} | {cmb:.0f} MB "
            f"| {bmb:.0f} MB | {per_check} | {per_build} | {check / bare:.1f} | "
            f"{build / bare:.1f} |"
        )
    if args.sizes[0] == 1:
        imports, _, _ = timed(
            [python, "-c", "import pandas, pandera, xlsxwriter"], env, args.repeat
        )
        print(
            f"\nExample build (×1) {base_build:.2f} s against "
            f'`python -c "import pandas, pandera, xlsxwriter"` {imports:.2f} s: '
            f"{base_build / imports:.1f}×"
        )
    for label, text in REFUSED.items():
        print(f"\n{label}: {text[:400]}")
    if copies is not None:
        wall, peak, code = copies
        status = "" if code == 0 else f", exit {code}"
        print(
            f"\n{args.copies} identical copies of the ×{args.sizes[0]} files in one folder: "
            f"build {wall:.2f} s ({wall / base_build:.1f}× the build of one set{status}), "
            f"peak {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
