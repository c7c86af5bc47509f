"""``teachkit demo`` end to end, on a tiny budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from teachkit.cli import main


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quick", "--seeds", "2", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "teacher state identical: True" in printed
    assert "| teacher | posttest ↑ |" in printed
    assert "| teacher | mastered ↑ |" in printed
    assert f"report: {(out / 'report.html').resolve()}" in printed
    page = (out / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 4
    for kind in ("people", "machine"):
        for name in (
            "results.csv",
            "results.parquet",
            "summary.md",
            "learning_curves.png",
            "curriculum.png",
        ):
            assert (out / kind / name).is_file()
