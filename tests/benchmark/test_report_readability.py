"""The report reads clearly: measures never reached say so; heatmap labels are not cut."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from teachkit.benchmark import summarize, to_markdown, win_rate
from teachkit.benchmark._plots import plot_curriculum
from teachkit.benchmark._report import _table_html
from teachkit.spaces import Discrete

NAN = math.nan


def steps_rows(values: dict[str, list[float]]) -> list[dict[str, Any]]:
    return [
        {"suite": "s", "simulator": "sim", "teacher": t, "seed": seed, "step": 100,
         "kind": "measure", "measure": "steps_to_target", "value": v, "better": "lower"}
        for t, vals in values.items()
        for seed, v in enumerate(vals)
    ]  # fmt: skip


def test_a_measure_never_reached_reads_not_reached() -> None:
    rows = steps_rows({"uniform": [NAN, NAN, NAN], "sec": [40.0, NAN, 60.0]})
    by = {r["teacher"]: r for r in summarize(rows)}
    assert by["uniform"]["n_reached"] == 0 and math.isnan(by["uniform"]["mean"])
    assert by["sec"]["n_reached"] == 2 and by["sec"]["mean"] == 50.0  # over the seeds that did
    assert by["sec"]["win_rate"] == pytest.approx((1 + 0.5 + 1) / 3)  # NaN vs NaN: a tie
    md = to_markdown(summarize(rows), primary="steps_to_target")
    assert "| uniform | not reached | — |" in md
    assert "50.000 ± " in md and "(reached 2/3)" in md
    assert "nan" not in md.lower()
    page = _table_html(summarize(rows), "steps_to_target", "uniform")
    assert "not reached" in page and "(reached 2/3)" in page and "nan" not in page.lower()


def test_not_reached_is_worse_than_any_value_in_either_direction() -> None:
    assert win_rate({0: NAN, 1: 5.0}, {0: 3.0, 1: NAN}, "lower") == (0.5, 2)
    assert win_rate({0: NAN, 1: 5.0}, {0: 3.0, 1: NAN}, "higher") == (0.5, 2)
    assert win_rate({0: NAN}, {0: 3.0}, "lower") == (0.0, 1)


def test_long_task_names_are_not_cut_from_the_heatmap(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.image

    names = [f"a-rather-long-prompt-category-name/{k}" for k in range(6)]
    space = Discrete(names)
    rows = [
        {"teacher": t, "seed": 0, "step": step, "kind": "chosen", "measure": name,
         "value": float(1 + k), "better": ""}
        for t in ("uniform", "sec")
        for step in (10, 20)
        for k, name in enumerate(names)
    ]  # fmt: skip
    path = plot_curriculum(rows, tmp_path / "heat.png", space=space)
    image = matplotlib.image.imread(path)
    rgb = image[..., :3]
    # The labels sit left of the first panel: a cut label leaves ink on the image's edge.
    assert np.all(rgb[:, :2] > 0.95), "ink on the left edge: a task label was cut"
    ink_columns = np.flatnonzero((rgb < 0.5).any(axis=(0, 2)))
    assert ink_columns.min() > 2
