"""The LLM-like and continuous families of the zoo, and the CategoryStudent options they use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from teachkit.benchmark import Suite, run
from teachkit.errors import ValidationError
from teachkit.registry import simulator_class
from teachkit.simulators import CategoryStudent, zoo


@pytest.mark.parametrize("family", ["llm", "continuous"])
def test_members_are_fixed_data_and_the_splits_do_not_overlap(family: str) -> None:
    tune, heldout = zoo.members(family, "tune"), zoo.members(family, "heldout")
    assert tune == zoo.members(family, "tune")  # drawn from the members' own seeds
    assert {m.name for m in tune}.isdisjoint({m.name for m in heldout})
    assert {m.split for m in tune} == {"tune"} and {m.split for m in heldout} == {"heldout"}
    # the held-out part has a kind that the tuning part never shows
    assert {m.kind for m in heldout} - {m.kind for m in tune}
    for m in tune + heldout:
        sim = simulator_class(m.simulator)(m.n_learners, seed=0, **m.params)
        assert m.measure in sim.measures()
        Suite.from_zoo(m, ["uniform"], seeds=1)


def test_llm_members_cover_the_ranges_of_the_issue() -> None:
    every = zoo.members("llm", "tune") + zoo.members("llm", "heldout")
    levels = {m.params["n_levels"] for m in every}
    assert min(levels) >= 4 and max(levels) <= 12 and len(levels) >= 5
    assert {m.params["group_size"] for m in every} == {4, 8, 16}
    assert any(m.params["drift"] > 0 for m in every)
    assert any("level_offsets" in m.params for m in every)
    assert (
        max(m.params["transfer_up"] for m in every) - min(m.params["transfer_up"] for m in every)
        > 0.3
    )
    assert all(0.0 < m.params["target"] <= 0.85 for m in every)


def test_continuous_members_vary_spread_dimensions_and_unlearnable_regions() -> None:
    every = zoo.members("continuous", "tune") + zoo.members("continuous", "heldout")
    assert len({m.params["cells"] for m in every}) >= 3
    assert {m.params["irrelevant_dims"] for m in every} >= {0, 1} or any(
        m.params["irrelevant_dims"] >= 2 for m in every
    )
    walls = [m for m in every if "unlearnable" in m.params]
    assert walls and all([0, 0] not in m.params["unlearnable"] for m in walls)


def test_a_zoo_member_runs_through_the_harness() -> None:
    member = zoo.members("llm", "tune")[0]
    suite = Suite.from_zoo(member, ["uniform", "pass_rate_band"], seeds=1)
    rows = list(run(suite.with_overrides(steps=5)))
    assert {r["teacher"] for r in rows} == {"uniform", "pass_rate_band"}


def test_level_offsets_move_each_level_and_are_checked() -> None:
    plain = CategoryStudent(1, seed=0, n_levels=3, n_ood=0)
    shifted = CategoryStudent(1, seed=0, n_levels=3, n_ood=0, level_offsets=[0.0, -2.0, 1.0])
    diff = plain.truth()["logits"] - shifted.truth()["logits"]
    np.testing.assert_allclose(diff, [[0.0, -2.0, 1.0]])
    with pytest.raises(ValidationError, match=r"level_offsets: expected 4 finite numbers"):
        CategoryStudent(1, n_levels=3, n_ood=1, level_offsets=[0.0, 1.0])


def test_report_score_gives_outcome_only_events() -> None:
    sim = CategoryStudent(1, seed=0, report="score")
    batch = sim.step(np.zeros((1, sim.tasks_per_step), dtype=np.int64))
    assert all(r is None for r in batch.rewards)
    grouped = CategoryStudent(1, seed=0).step(np.zeros((1, sim.tasks_per_step), dtype=np.int64))
    np.testing.assert_allclose(batch.score, grouped.reward)  # the same rollouts, pass rate only
    with pytest.raises(ValidationError, match="report"):
        CategoryStudent(1, report="everything")


def test_the_zoo_llm_script_writes_ratios_against_uniform(tmp_path: Path) -> None:
    import importlib.util
    import json

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "teachers" / "zoo_llm.py"
    spec = importlib.util.spec_from_file_location("zoo_llm_script", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "zoo.json"
    args = ["--split", "tune", "--seeds", "1", "--members", "1", "--teacher", "pass_rate_band"]
    assert script.main([*args, "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    summary = data["summary"]
    assert summary["uniform"]["median_ratio"] == 1.0
    assert 0.0 < summary["pass_rate_band"]["median_ratio"] < 1.0  # ladder/0: it wins
    assert script.parse_teacher("sec:alpha=0.8,decay_unsampled=true").params == {
        "alpha": 0.8,
        "decay_unsampled": True,
    }


def test_the_zoo_llm_script_takes_a_fixed_target_budget_and_student_settings(
    tmp_path: Path,
) -> None:
    import importlib.util
    import json

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "teachers" / "zoo_llm.py"
    spec = importlib.util.spec_from_file_location("zoo_llm_script_fixed", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "fixed.json"
    args = ["--split", "tune", "--seeds", "1", "--members", "1", "--teacher", "oracle"]
    fixed = ["--target", "0.99", "--budget", "30", "--student", '{"prompt_spread": 0.3}']
    assert script.main([*args, *fixed, "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert (data["target"], data["budget"], data["student"]) == (0.99, 30, {"prompt_spread": 0.3})
    # 0.99 is out of reach in 30 steps: every run counts as the budget + 1
    assert data["steps"]["llm/ladder/0"] == {"uniform": [31.0], "oracle": [31.0]}
