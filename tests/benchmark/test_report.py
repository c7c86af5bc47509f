"""Report files from a small run, and ``teachkit bench`` end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teachkit.benchmark import load_rows, run, write_report
from teachkit.cli import main
from tests.benchmark._toy import ChainStudent, PlaneStudent

PNG = b"\x89PNG\r\n\x1a\n"

SUITE = """
description = "toy chain"
seeds = 3
steps = 12
eval_every = 4

[simulator]
name = "tests.benchmark._toy:ChainStudent"
n_learners = 4

[[teachers]]
name = "uniform"

[[teachers]]
name = "sequential"
params = { threshold = 0.6, window = 3 }

[[teachers]]
name = "oracle"
"""


@pytest.mark.parametrize("cls", [ChainStudent, PlaneStudent])
def test_report_files(tmp_path: Path, cls: type) -> None:
    rows = list(
        run((lambda s: cls(3, seed=s), ["uniform", "oracle"]), seeds=2, steps=6, eval_every=2)
    )
    paths = write_report(
        rows, tmp_path, space=cls(1).space, primary=cls.primary, config={"k": "v"}, bins=4
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths.values())
    for key in ("learning_curves", "curriculum"):
        assert paths[key].read_bytes()[:8] == PNG
    page = paths["report"].read_text()
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 2
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing to fetch: self-contained
    assert "<td>oracle</td>" in page and "&quot;k&quot;: &quot;v&quot;" in page
    assert f"| teacher | {cls.primary} ↑ |" in paths["summary_md"].read_text()
    assert load_rows(paths["results_parquet"]) == rows


def test_bench_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "chain.toml"
    suite.write_text(SUITE)
    out = tmp_path / "out"
    code = main(
        ["bench", "--suite", str(suite), "--allow", "tests.benchmark", "--teachers", "uniform,oracle", "--seeds", "2",
         "--steps", "8", "--out", str(out), "--no-progress"]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "| teacher | mastery ↑ | solved ↑ | wins vs uniform (mastery) |" in printed
    assert f"report: {out / 'report.html'}" in printed
    rows = load_rows(out / "results.csv")
    assert {r["teacher"] for r in rows} == {"uniform", "oracle"}
    assert {r["seed"] for r in rows} == {0, 1}
    assert max(r["step"] for r in rows) == 8
    for name in (
        "summary.md",
        "summary.csv",
        "learning_curves.png",
        "curriculum.png",
        "results.parquet",
    ):
        assert (out / name).is_file()


def test_bench_list_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "chain.toml").write_text(SUITE)
    (tmp_path / "broken.toml").write_text(SUITE.replace("seeds = 3", "seeds = 0"))
    monkeypatch.setenv("TEACHKIT_SUITES", str(tmp_path))
    assert main(["bench", "--list", "--allow", "tests.benchmark"]) == 0
    listed = capsys.readouterr().out
    assert "chain" in listed and "3 teachers, 3 seeds, 12 steps: toy chain" in listed
    assert "broken" in listed and "invalid" in listed
    assert main(["bench", "--suite", "chian"]) == 2
    assert "unknown suite: 'chian' (did you mean 'chain'?)" in capsys.readouterr().err
    assert (
        main(["bench", "--suite", "chain", "--allow", "tests", "--teachers", "uniform,orcale"]) == 2
    )
    assert "did you mean 'oracle'" in capsys.readouterr().err
    assert main(["bench"]) == 2
    assert "--suite: expected a suite name" in capsys.readouterr().err
