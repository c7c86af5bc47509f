"""The figures of docs/benchmark.md: the demo's two comparisons, copied into docs/img/.

Run from the repository root: ``PYTHONPATH=. python benchmarks/benchmark/figures.py``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from teachkit.benchmark import run_suite
from teachkit.cli._demo import demo_suites

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, suite in demo_suites(seeds=4, quick=False):
            result = run_suite(suite, Path(tmp) / kind, progress=False, write_page=False)
            print(result.markdown)
            for name in ("learning_curves", "curriculum"):
                target = IMG / f"benchmark_{kind}_{name}.png"
                shutil.copyfile(Path(tmp) / kind / f"{name}.png", target)
                print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
