"""The examples of docs/learners.md's section on AKT, simpleKT and PSI-KT run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]
HEADING = "## Attention models and PSI-KT"


def section_blocks() -> list[str]:
    text = (ROOT / "docs" / "learners.md").read_text()
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


def test_section_examples_run(tmp_path: Path) -> None:
    blocks = section_blocks()
    assert len(blocks) == 3
    script = tmp_path / "example.py"
    script.write_text("\n\n".join(blocks))
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "AKT" in result.stdout and "SimpleKT" in result.stdout
