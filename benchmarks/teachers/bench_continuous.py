"""Benchmarks of the continuous-space teachers (issue 5).

    PYTHONPATH=. python benchmarks/teachers/bench_continuous.py speed  [--quick] [--no-ray]
    PYTHONPATH=. python benchmarks/teachers/bench_continuous.py gridtoy [--quick] [--seeds 16] [--variant 2d]
    PYTHONPATH=. python benchmarks/teachers/bench_continuous.py rl [--quick] [--seeds 8]

Each prints a table and writes JSON to ``benchmarks/results/continuous_<part>.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=["speed", "gridtoy", "rl"])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--no-ray", action="store_true", help="speed: skip the Ray actor")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--episodes", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--variant",
        action="append",
        choices=["2d", "irrelevant", "irrelevant2", "unlearnable"],
        help="gridtoy: run only these variants (repeatable; default all)",
    )
    parser.add_argument(
        "--teacher", action="append", help="gridtoy: run only these teachers (repeatable)"
    )
    args = parser.parse_args()
    start = time.time()
    if args.part == "speed":
        import speed_continuous

        rows = speed_continuous.run(args.quick, with_ray=not args.no_ray)
    elif args.part == "gridtoy":
        import gridtoy_continuous

        rows = gridtoy_continuous.run(
            args.quick, args.seeds, args.episodes, args.variant, args.teacher
        )
    else:
        import rl_continuous

        rows = rl_continuous.run(args.quick, args.seeds)
    out = args.out or RESULTS_DIR / f"continuous_{args.part}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "command": " ".join(["python", *sys.argv]),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "seconds": round(time.time() - start, 1),
    }
    out.write_text(json.dumps({"meta": meta, "results": rows}, indent=1, default=float))
    print(f"wrote {out} ({meta['seconds']} s)")


if __name__ == "__main__":
    main()
