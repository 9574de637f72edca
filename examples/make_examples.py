"""Make the example submissions in examples/2024-03/ from the generated templates.

Each module in examples/data/ names a TEMPLATE and its DATA (see vrapport.fill for the
shape). The figures are chosen so that the built report prints every figure of the
reference report (Virksomhetsrapport pr. 31. mars 2024) exactly.

    python examples/make_examples.py                 # rewrites examples/2024-03/*.xlsx
    python examples/make_examples.py okonomi hr      # only these templates
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from vrapport.fill import fill_template
from vrapport.period import Period
from vrapport.spec import load_specs
from vrapport.templates import write_template

HERE = Path(__file__).resolve().parent
PERIOD = Period(2024, 3)


def data_modules() -> list[ModuleType]:
    modules = []
    for path in sorted((HERE / "data").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


def main(only: list[str], out_dir: Path = HERE / str(PERIOD)) -> None:
    specs = load_specs()
    with tempfile.TemporaryDirectory() as tmp:
        for module in data_modules():
            template_id = module.TEMPLATE
            if only and template_id not in only:
                continue
            blank = write_template(
                specs.template(template_id), specs.report, PERIOD, Path(tmp) / f"{template_id}.xlsx"
            )
            out = fill_template(blank, module.DATA, out_dir / f"{template_id}.xlsx", specs)
            print(f"wrote {out}")
            for extra in getattr(module, "EXTRA_FILES", ()):
                # (template id, period, data, file name relative to examples/): e.g. the
                # previous period's submission that trend arrows compare with.
                extra_id, extra_period, extra_data, name = extra
                blank = write_template(
                    specs.template(extra_id),
                    specs.report,
                    extra_period,
                    Path(tmp) / f"{extra_id}_{extra_period}.xlsx",
                )
                print(f"wrote {fill_template(blank, extra_data, HERE / name, specs)}")


if __name__ == "__main__":
    main(sys.argv[1:])
