"""Summary math against hand-computed values; CSV/Parquet round trips."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from teachkit.benchmark import (
    load_rows,
    run,
    save_rows,
    summarize,
    t_interval,
    to_markdown,
    win_rate,
)
from teachkit.errors import ValidationError
from tests.benchmark._toy import ChainStudent


def rows_of(
    values: dict[str, list[float]], better: str = "higher", step: int = 10
) -> list[dict[str, Any]]:
    return [
        {"suite": "s", "simulator": "sim", "teacher": t, "seed": seed, "step": st,
         "kind": "measure", "measure": "m", "value": v if st == step else -1.0, "better": better}
        for t, vals in values.items()
        for seed, v in enumerate(vals)
        for st in (0, step)
    ]  # fmt: skip


def test_t_interval_by_hand() -> None:
    # mean 2.5, sample sd sqrt(5/3), t(0.975, 3) = 3.182446305284263
    low, high = t_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2
    assert low == pytest.approx(2.5 - half, rel=1e-12)
    assert high == pytest.approx(2.5 + half, rel=1e-12)
    assert all(math.isnan(x) for x in t_interval([1.0]))


def test_win_rate_counts_ties_half_and_respects_direction() -> None:
    teacher = {0: 0.5, 1: 0.7, 2: 0.6, 3: 0.1}
    base = {0: 0.4, 1: 0.7, 2: 0.9, 3: 0.0, 4: 1.0}  # seed 4 has no pair
    assert win_rate(teacher, base, "higher") == (pytest.approx((1 + 0.5 + 0 + 1) / 4), 4)
    assert win_rate(teacher, base, "lower") == (pytest.approx((0 + 0.5 + 1 + 0) / 4), 4)
    rate, n = win_rate(teacher, base, "")
    assert math.isnan(rate) and n == 4


def test_summarize_uses_the_final_step() -> None:
    rows = rows_of({"uniform": [0.2, 0.4, 0.3], "tscl": [0.5, 0.3, 0.6]})
    by = {r["teacher"]: r for r in summarize(rows)}
    tscl = by["tscl"]
    assert tscl["step"] == 10 and tscl["n"] == 3 and tscl["n_paired"] == 3
    assert tscl["mean"] == pytest.approx(14 / 30)
    assert tscl["std"] == pytest.approx(
        math.sqrt(((0.5 - 14 / 30) ** 2 + (0.3 - 14 / 30) ** 2 + (0.6 - 14 / 30) ** 2) / 2)
    )
    assert (tscl["ci_low"], tscl["ci_high"]) == pytest.approx(t_interval([0.5, 0.3, 0.6]))
    assert tscl["win_rate"] == pytest.approx(2 / 3)
    assert math.isnan(by["uniform"]["win_rate"])


def test_summarize_lower_is_better_and_missing_baseline() -> None:
    rows = rows_of({"uniform": [5.0, 5.0], "fast": [3.0, 6.0]}, better="lower")
    assert {r["teacher"]: r["win_rate"] for r in summarize(rows)}["fast"] == 0.5
    only = rows_of({"fast": [3.0, 6.0]})
    assert math.isnan(summarize(only)[0]["win_rate"])
    assert summarize(rows, baseline="fast")[0]["win_rate"] == 0.5  # uniform vs fast


def test_markdown_table() -> None:
    md = to_markdown(summarize(rows_of({"uniform": [0.2, 0.4], "tscl": [0.5, 0.6]})), primary="m")
    lines = md.splitlines()
    assert lines[2] == "| teacher | m ↑ | wins vs uniform (m) |"
    half = (t_interval([0.5, 0.6])[1] - t_interval([0.5, 0.6])[0]) / 2
    assert lines[5] == f"| tscl | 0.550 ± {half:.3f} | 1.00 |"
    assert lines[4].endswith("| — |")


def test_csv_and_parquet_round_trip(tmp_path: Path) -> None:
    rows = list(
        run((lambda s: ChainStudent(3, seed=s, n_tasks=3), ["uniform", "oracle"]), seeds=2, steps=6)
    )
    rows.append({**rows[0], "measure": "broken", "value": float("nan"), "better": ""})
    csv, parquet = save_rows(rows, tmp_path)
    for path in (csv, parquet):
        back = load_rows(path)
        assert len(back) == len(rows)
        assert back[:-1] == rows[:-1]
        assert (
            math.isnan(back[-1]["value"]) and back[-1]["better"] == "" and back[-1]["suite"] == ""
        )
        assert type(back[0]["seed"]) is int and type(back[0]["value"]) is float


def test_load_rows_rejects_other_files(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValidationError, match=r"expected a \.csv or \.parquet file"):
        load_rows(tmp_path / "x.json")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValidationError, match="missing columns: suite, simulator"):
        load_rows(tmp_path / "x.csv")
