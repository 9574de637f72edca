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
another source tree's vrapport on the same files; given twice (`--src OLD/src --src src`),
both trees are measured on the same files with their runs interleaved, so a busy machine
disturbs both alike (before/after numbers). CPU time is printed beside wall time: on a
shared machine it is the steadier of the two. `--copies N` also builds N identical copies
of the ×1 files in one folder (read once each, with a warning) against the build of the
eight. Prints; never asserts.

The pre-flight accepts up to 100 000 rows per sheet (the
order register has 147 rows per copy); larger sizes are refused with a finding, shown below
the table.

Deviation counts are first-of-month counting dates, each at most once, so that register grows
backwards month by month only as far as March 1900 (about 1 500 rows); every other register
grows by the full factor. The previous period's project submission is enlarged the same way
as this period's, so `build --previous` compares like with like.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "examples" / "data"
PERIOD = "2024-03"
PREVIOUS_PERIOD = (2024, 2)
EARLIEST_COUNT = dt.date(2000, 1, 1)  # vrapport.period.EARLIEST_DATE: before, a typing error

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
        data["preparedness"] = [  # (not the same row twice: that is a repeated-record warning)
            event | {"description": _suffix(event["description"], copy)}
            for copy in range(factor)
            for event in data["preparedness"]
        ]
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


@dataclass
class Runs:
    """Repeated runs of one command: the fastest wall time (the machine is shared: the
    minimum is the least disturbed), the least CPU time, the highest peak memory."""

    wall: float = float("inf")
    cpu: float = float("inf")
    peak: float = 0.0
    code: int = 0

    def add(self, wall: float, cpu: float, peak: float, code: int) -> None:
        self.wall, self.cpu = min(self.wall, wall), min(self.cpu, cpu)
        self.peak, self.code = max(self.peak, peak), code


def run(command: list[str], env: dict[str, str], into: Runs, label: str = "") -> None:
    """One whole process: wall and CPU seconds (its own and its reaped children's, such as
    the reading worker), peak RSS in MB, exit code. Its output is kept, in a file, only to
    say why when it fails."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and label:
            output.seek(0)
            REFUSED.setdefault(label, _first_error(output.read().decode(errors="replace")))
    into.add(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def _table(name: str, rows: list[tuple[int, int, Runs, Runs, Runs]]) -> None:
    print(f"\n{name}\n")
    print(
        "| size | register rows | calamine read | check | build | check CPU | build CPU "
        "| check peak | build peak | check µs/row | build µs/row | check ÷ read | build ÷ read |"
    )
    print("| --- " * 13 + "|")
    _, base_rows, _, base_check, base_build = rows[0]
    for factor, count, bare, check, build in rows:
        extra = count - base_rows
        per = [f"{(r.wall - b.wall) / extra * 1e6:.0f}" if extra > 0 else "–"
               for r, b in ((check, base_check), (build, base_build))]  # fmt: skip
        shown = [f"{r.wall:.2f} s" + ("" if r.code == 0 else f" (exit {r.code})")
                 for r in (check, build)]  # fmt: skip
        print(
            f"| ×{factor} | {count:,} | {bare.wall:.2f} s | {shown[0]} | {shown[1]} "
            f"| {check.cpu:.2f} s | {build.cpu:.2f} s | {check.peak:.0f} MB | {build.peak:.0f} MB "
            f"| {per[0]} | {per[1]} | {check.wall / bare.wall:.1f} | {build.wall / bare.wall:.1f} |"
        )


def compiled(tree: Path) -> None:
    """Byte-compile a source tree before it is timed, as pip does when it installs a
    package. An editable tree has no .pyc files until an import writes them, and none is
    ever written under PYTHONDONTWRITEBYTECODE=1 (set on some machines here): every vrapport
    module would be compiled anew in every process (about 0.1 s of the example build), while
    pandas and pandera, installed, load theirs."""
    compileall.compile_dir(tree, quiet=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 136, 650])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (min)")
    parser.add_argument("--copies", type=int, default=200, help="identical copies (0: none)")
    parser.add_argument("--data", type=Path, help="keep (and reuse) the generated files here")
    parser.add_argument(
        "--src",
        type=Path,
        action="append",
        help="vrapport source tree to measure; give it twice to compare (runs interleaved)",
    )
    args = parser.parse_args()

    trees = [p.resolve() for p in args.src or [ROOT / "src"]]
    for tree in trees:
        compiled(tree)
    envs = {t: os.environ | {"PYTHONPATH": str(t)} for t in trees}
    python = sys.executable
    results: dict[Path, list[tuple[int, int, Runs, Runs, Runs]]] = {t: [] for t in trees}
    copies: dict[Path, Runs] = {t: Runs() for t in trees}
    imports = Runs()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.data or Path(tmp)
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
            out = Path(tmp) / f"rapport_x{factor}.xlsx"
            check_cmd = [python, "-m", "vrapport", "check", str(current), "--period", PERIOD,
                         "--json"]  # fmt: skip
            build_cmd = [python, "-m", "vrapport", "build", str(current), "--period", PERIOD,
                         "--previous", str(previous), "--out", str(out)]  # fmt: skip
            bare = Runs()
            measured = {t: (Runs(), Runs()) for t in trees}
            for _ in range(args.repeat):
                run([python, "-c", CALAMINE_READ, *files], envs[trees[0]], bare)
                if factor == 1:  # beside the example's runs, so that load disturbs both alike
                    run([python, "-c", "import pandas, pandera, xlsxwriter"], envs[trees[0]],
                        imports)  # fmt: skip
                for tree in trees:
                    label = f"{tree} ×{factor}"
                    run(check_cmd, envs[tree], measured[tree][0], label)
                    out.unlink(missing_ok=True)
                    run(build_cmd, envs[tree], measured[tree][1], label)
            for tree in trees:
                results[tree].append((factor, rows, bare, *measured[tree]))
            print(f"×{factor}: done", file=sys.stderr, flush=True)
        if args.copies:
            current = base / f"x{args.sizes[0]}" / PERIOD
            folder = Path(tmp) / "copies"
            folder.mkdir()
            for n in range(args.copies):
                for path in current.glob("*.xlsx"):
                    shutil.copy(path, folder / f"{path.stem}_{n:03d}.xlsx")
            out = Path(tmp) / "rapport_copies.xlsx"
            previous = current.parent / "2024-02"
            command = [python, "-m", "vrapport", "build", str(folder), "--period", PERIOD,
                       "--previous", str(previous), "--out", str(out)]  # fmt: skip
            for _ in range(args.repeat):
                for tree in trees:
                    out.unlink(missing_ok=True)
                    run(command, envs[tree], copies[tree])
    for tree in trees:
        _table(str(tree), results[tree])
        build_one = results[tree][0][4]
        if args.sizes[0] == 1:
            print(
                f"\nExample build (×1) {build_one.wall:.2f} s against "
                f'`python -c "import pandas, pandera, xlsxwriter"` {imports.wall:.2f} s: '
                f"{build_one.wall / imports.wall:.1f}×, {build_one.wall - imports.wall:.2f} s "
                "over the imports"
            )
        if args.copies:
            runs = copies[tree]
            status = "" if runs.code == 0 else f", exit {runs.code}"
            print(
                f"\n{args.copies} identical copies of the ×{args.sizes[0]} files in one folder: "
                f"build {runs.wall:.2f} s ({runs.wall / build_one.wall:.1f}× the build of one "
                f"set{status}), peak {runs.peak:.0f} MB"
            )
    for label, text in REFUSED.items():
        print(f"\n{label}: {text[:400]}")


if __name__ == "__main__":
    main()
