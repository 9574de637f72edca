"""Load on the collection service: `vrapport serve` on 127.0.0.1 (a fresh data folder), the
eight departments uploading their example workbook VERSIONS times each, all departments at
once (one client thread per department, each upload waiting for its findings). Prints
whether every upload was recorded and the upload-to-findings latency (p50, p95, max).
Target: p95 <= 2 s on a 2-core machine. Loopback only; never asserts.

    python benchmarks/serve_load.py [--versions 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.service_support import EXAMPLES, make_tokens, running_server  # noqa: E402
from vrapport.service.core import expected_templates  # noqa: E402
from vrapport.spec import load_specs  # noqa: E402

PERIOD = "2024-03"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", type=int, default=5)
    args = parser.parse_args()

    import httpx2

    templates = expected_templates(load_specs(ROOT / "schemas"))
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        tokens = make_tokens(data, templates)
        with running_server(data) as url:
            controller = {"Authorization": f"Bearer {tokens.controller}"}
            httpx2.post(f"{url}/api/periods/{PERIOD}", headers=controller).raise_for_status()

            def department(template: str) -> list[tuple[float, int, str]]:
                content = (EXAMPLES / f"{template}.xlsx").read_bytes()
                headers = {"Authorization": f"Bearer {tokens.departments[template]}"}
                done = []
                with httpx2.Client(timeout=120) as client:
                    for _ in range(args.versions):
                        start = time.perf_counter()
                        response = client.put(
                            f"{url}/api/periods/{PERIOD}/submissions/{template}",
                            content=content,
                            headers=headers,
                        )
                        elapsed = time.perf_counter() - start
                        status = response.json().get("status", "") if response.is_success else ""
                        done.append((elapsed, response.status_code, status))
                return done

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(templates)) as pool:
                results = [r for rs in pool.map(department, templates) for r in rs]
            wall = time.perf_counter() - start
            board = httpx2.get(f"{url}/api/periods/{PERIOD}/status", headers=controller).json()
    latencies = [r[0] for r in results]
    ok = sum(code == 200 and status == "levert" for _, code, status in results)
    recorded = sum(s["versions"] for s in board["submissions"])
    expected = len(templates) * args.versions
    print(f"uploads: {len(results)} sent, {ok} answered 200 levert, {recorded} recorded")
    print(f"all {expected} recorded: {'yes' if recorded == expected else 'NO'}")
    print(
        f"upload-to-findings latency: p50 {statistics.median(latencies):.2f} s, "
        f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s"
    )
    print(f"wall time {wall:.1f} s, {len(results) / wall:.1f} uploads/s")


if __name__ == "__main__":
    main()
