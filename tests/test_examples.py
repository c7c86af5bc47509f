"""Every script under examples/ runs as written (the LLM ones build their tiny models)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").rglob("*.py"))
SLOW = {"grpo_trl.py"}  # trains a (tiny) model with TRL: tens of seconds on a busy machine


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.slow) if p.name in SLOW else p for p in EXAMPLES],
    ids=[str(p.relative_to(ROOT / "examples")) for p in EXAMPLES],
)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4
