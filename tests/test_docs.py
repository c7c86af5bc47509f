"""The Python examples in the README and the core guide run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [
    ROOT / "README.md",
    ROOT / "docs" / "curriculum.md",
    ROOT / "docs" / "simulators.md",
    ROOT / "docs" / "benchmark.md",
    ROOT / "docs" / "teachers_continuous.md",
    ROOT / "docs" / "teachers_people.md",
    ROOT / "docs" / "teachers_generative.md",
    ROOT / "docs" / "llm.md",
    ROOT / "docs" / "server.md",
    ROOT / "docs" / "learners.md",
]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_examples_run(path: Path, tmp_path: Path) -> None:
    blocks = python_blocks(path)
    assert blocks, f"{path.name} has no python examples"
    # A page's blocks build on each other, like a reader running them in order; run them
    # as one script so teachers defined there live in an importable __main__.
    script = tmp_path / "example.py"
    script.write_text("\n\n".join(blocks))
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
