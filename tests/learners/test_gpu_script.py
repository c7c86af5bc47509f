"""benchmarks/learners/gpu.sh --smoke runs the GPU benchmark's code path on the CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]


def test_gpu_script_smoke_runs_on_cpu(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "benchmarks/learners/gpu.sh"), "--smoke", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((tmp_path / "gpu_kt.json").read_text())
    assert [r["model"] for r in rows] == ["DKT", "SAKT", "AKT", "SimpleKT"]
    for r in rows:
        assert r["epochs_per_s"] > 0 and 0 <= r["test_auc"] <= 1
