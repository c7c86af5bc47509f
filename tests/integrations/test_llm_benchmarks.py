"""The LLM benchmark scripts run their first steps on CPU (tiny models built locally)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.llm.arith import carries, exact_match, problems
from benchmarks.llm.countdown import problem, reward, solved

ROOT = Path(__file__).resolve().parents[2]


def test_arithmetic_problems_and_reward() -> None:
    cols = problems([0, 3], 2, seed=0)
    assert cols["level"] == ["C0", "C0", "C3", "C3"]
    a, b = (int(x) for x in cols["prompt"][2][:-1].split("+"))
    assert cols["answer"][2] == str(a + b)[::-1] and 100 <= a < 1000
    assert carries(a, b) == 3 and carries(123, 456) == 0 and carries(199, 1) == 2
    assert exact_match(["12", " 9"], ["12", "8"]) == [1.0, 0.0]


def test_countdown_problems_are_solvable_and_checked() -> None:
    import numpy as np

    prompt, _target, nums = problem(3, np.random.default_rng(0))
    assert prompt.startswith("Using ") and len(nums) == 3
    assert solved(f"{nums[0]}+{nums[1]}+{nums[2]}", nums[0] + nums[1] + nums[2], nums)
    assert not solved(f"{nums[0]}+{nums[1]}", nums[0] + nums[1], nums)  # a number unused
    assert not solved("__import__('os')", 0, [])
    assert reward(["3*4-2", "3*4"], [10, 12], [[2, 3, 4], [2, 3, 4]]) == [1.0, 0.0]
    chat = [[{"role": "assistant", "content": "so <answer>(3-2)*4</answer>"}]]
    assert reward(chat, [4], [[2, 3, 4]]) == [1.0]


@pytest.mark.slow
def test_gpu_script_runs_its_first_steps_on_cpu(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "benchmarks/llm/gpu.py",
        "--model",
        "tiny",
        "--teachers",
        "sec",
        "--seeds",
        "1",
        "--steps",
        "2",
        "--prompts",
        "2",
        "--generations",
        "2",
        "--max-new",
        "4",
        "--pool",
        "4",
        "--eval-per-level",
        "2",
        "--eval-every",
        "1",
        "--out",
        str(tmp_path),
    ]
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((tmp_path / "sec-0.json").read_text())
    assert [row["step"] for row in run["curve"]] == [1, 2]
    assert set(run["curve"][0]) >= {"N3", "N4", "N5", "tokens_per_s"}
    assert run["teachkit/groups_told"] == 4.0
