"""CategoryStudent: GRPO groups, learnability, gating, transfer, forgetting, oracle."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.simulators import CategoryOracle, CategoryStudent


def on(sim: CategoryStudent, level: int) -> np.ndarray:
    return np.full((sim.n_learners, sim.tasks_per_step), level, dtype=np.int64)


def run(sim: CategoryStudent, teacher: tk.teachers.BaseTeacher, steps: int) -> None:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid, sim.tasks_per_step) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))


def test_presets_name_their_levels() -> None:
    sec = CategoryStudent(seed=0, preset="sec")
    assert sec.space.names == ("easy", "medium", "hard")
    assert sec.levels[-1] == "ood1" and sec.tasks_per_step == 16
    dump = CategoryStudent(seed=0, preset="dump")
    assert dump.space.names[0] == "kk3" and dump.space.n == 12
    assert dump.levels[-1] == "kk15" and dump.tasks_per_step == 32
    custom = CategoryStudent(seed=0, n_levels=5, n_ood=2, batch_size=4, group_size=4)
    assert custom.space.n == 5 and len(custom.levels) == 7


def test_events_are_grpo_groups() -> None:
    sim = CategoryStudent(2, seed=0, batch_size=6, group_size=8)
    batch = sim.step(np.tile(np.arange(3), (2, 2)))
    assert len(batch) == 12
    assert batch.learner_ids.tolist() == ["s0"] * 6 + ["s1"] * 6
    for r, a, mean, ok in zip(batch.rewards, batch.advantages, batch.reward, batch.success):
        assert r is not None and a is not None and r.shape == (8,)
        assert set(np.unique(r)) <= {0.0, 1.0}
        assert mean == pytest.approx(r.mean()) and ok == float(r.mean() >= 0.5)
        assert np.allclose(a, (r - r.mean()) / (r.std() + 1e-6))
    assert np.all(np.isnan(batch.score))


def test_zero_variance_groups_teach_nothing() -> None:
    sim = CategoryStudent(1, seed=0, prompt_spread=0.0, transfer_up=0.5)
    sim._c[:] = -40.0  # every rollout fails
    before = sim._c.copy()
    batch = sim.step(on(sim, 1))
    assert all(r.sum() == 0 for r in batch.rewards)
    assert np.array_equal(sim._c, before)
    assert sim.measures()["zero_variance"] == 1.0


def test_learning_at_the_frontier_lifts_the_level_and_the_next() -> None:
    sim = CategoryStudent(1, seed=0, prompt_spread=0.0)
    sim._c[0] = [3.0, 0.0, -3.0, -6.0]
    before = sim._c.copy()
    sim.step(on(sim, 1))
    gain = sim._c[0] - before[0]
    assert gain[1] > 0
    assert gain[2] == pytest.approx(sim.transfer_up * gain[1])
    assert gain[3] == pytest.approx(sim.transfer_up**2 * gain[1])
    assert gain[0] == pytest.approx(sim.transfer_down * gain[1])


def test_a_level_is_learned_once_the_one_below_is_solid() -> None:
    def gain(below: float) -> float:
        sim = CategoryStudent(1, seed=0, prompt_spread=0.0, gate_floor=0.05, solid=0.5)
        sim._c[0] = [below, 0.0, -3.0, -6.0]
        sim.step(on(sim, 1))
        return float(sim._c[0, 1])

    solid, shaky = gain(5.0), gain(-5.0)  # same rollouts: level 1's p is the same
    assert solid > 0
    acc = 1.0 / (1.0 + np.exp(5.0))
    assert shaky == pytest.approx(solid * (0.05 + 0.95 * acc / 0.5))


def test_forgetting_pulls_back_and_drift_moves() -> None:
    sim = CategoryStudent(1, seed=0, forgetting=0.1, prompt_spread=0.0)
    sim._c = sim._c0 + 2.0
    sim._c[0, 0] = 40.0  # train on a level that is always solved: no learning at all
    sim.step(on(sim, 0))
    assert np.allclose(sim._c[0, 1:], sim._c0[0, 1:] + 1.8)
    drifting = CategoryStudent(1, seed=0, drift=0.5)
    drifting._c[:] = -40.0
    before = drifting._c.copy()
    drifting.step(on(drifting, 0))
    assert not np.allclose(drifting._c, before)


def test_measures_and_steps_to_target() -> None:
    sim = CategoryStudent(2, seed=0, target=0.0)
    m = sim.measures()
    assert np.isnan(m["steps_to_target"]) and np.isnan(m["zero_variance"])
    assert m["reached_target"] == 0.0
    for key in ("test_accuracy", "accuracy", "ood_accuracy", "acc_easy", "acc_ood1"):
        assert 0.0 <= m[key] <= 1.0
    assert m["acc_easy"] > m["acc_medium"] > m["acc_hard"] > m["acc_ood1"]
    sim.step(on(sim, 0))
    m = sim.measures()
    assert m["steps_to_target"] == 1.0 and m["reached_target"] == 1.0
    assert 0.0 <= m["zero_variance"] <= 1.0


def test_deterministic_under_seed() -> None:
    def play(seed: int) -> list[np.ndarray]:
        sim = CategoryStudent(2, seed=seed)
        return [sim.step(on(sim, k % 3)).reward for k in range(6)]

    a, b, c = play(1), play(1), play(2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_state_round_trip() -> None:
    sim = CategoryStudent(2, seed=3)
    sim.step(on(sim, 0))
    copy = sim.clone()
    copy.load_state_dict(sim.state_dict())
    assert np.array_equal(sim.step(on(sim, 1)).reward, copy.step(on(copy, 1)).reward)


@pytest.mark.parametrize(
    ("tasks", "needle"),
    [
        (np.zeros((1, 3), dtype=np.int64), "shape (1, 16)"),
        (np.full((1, 16), 3), "expected indices in [0, 2]"),
        (np.full((1, 16), 1.5), "expected integer task indices"),
    ],
)
def test_step_rejects_bad_tasks(tasks: np.ndarray, needle: str) -> None:
    with pytest.raises(ValidationError, match=r"CategoryStudent\.step") as err:
        CategoryStudent(seed=0).step(tasks)
    assert needle in str(err.value)


def test_bad_params_are_reported_together() -> None:
    with pytest.raises(ValidationError) as err:
        CategoryStudent(preset="dumb", group_size=1, forgetting=2.0, initial_accuracy=1.0)
    text = str(err.value)
    assert "did you mean 'dump'" in text
    assert "group_size" in text and "forgetting" in text and "initial_accuracy" in text


def test_oracle_beats_uniform_on_fixed_seeds() -> None:
    for preset, steps in (("sec", 60), ("dump", 80)):
        result = {}
        for name in ("uniform", "oracle"):
            sim = CategoryStudent(2, seed=5, preset=preset)
            teacher = tk.teachers.Uniform(sim.space, seed=0) if name == "uniform" else sim.oracle(0)
            run(sim, teacher, steps)
            result[name] = sim.measures()
        assert result["oracle"]["test_accuracy"] > result["uniform"]["test_accuracy"], preset
        assert result["oracle"]["zero_variance"] < result["uniform"]["zero_variance"], preset


def test_oracle_picks_the_frontier() -> None:
    sim = CategoryStudent(1, seed=0, prompt_spread=0.0)
    sim._c[0] = [6.0, 0.0, -6.0, -9.0]
    oracle = sim.oracle(0)
    assert oracle.ask("s0", 3) == ["medium"] * 3
    assert oracle.gains([0]).shape == (1, 3)


def test_oracle_keeps_the_teacher_contract() -> None:
    oracle = CategoryStudent(2, seed=0).oracle(seed=0)
    check_teacher(oracle, rounds=8)
    assert "CategoryOracle" not in tk.teachers.__all__
    with pytest.raises(
        ValidationError, match="expected a simulator whose oracle is a CategoryOracle"
    ):
        CategoryOracle(oracle.space, simulator=object())  # type: ignore[arg-type]


def test_sources_are_separate_ladders_with_some_transfer() -> None:
    sim = CategoryStudent(1, seed=0, n_sources=3, prompt_spread=0.0, transfer_across=0.2)
    assert sim.space.names[:4] == (
        "countdown/easy",
        "countdown/medium",
        "countdown/hard",
        "zebra/easy",
    )
    assert sim.space.n == 9 and sim.levels[9:] == ["countdown/ood1", "zebra/ood1", "arc/ood1"]
    start = sim.measures()
    assert start["acc_countdown/easy"] > start["acc_zebra/easy"] > start["acc_arc/easy"]
    sim._c[0, :] = 0.0
    sim._c[0, 0] = -2.0  # countdown/easy not solid
    sim._c[0, 3] = 5.0  # zebra/easy solid
    gates = sim.gates(sim._c)[0]
    assert gates[0] == 1.0 and gates[3] == 1.0  # first levels are always ready
    assert gates[4] == 1.0 and gates[1] < 1.0  # zebra/medium ready, countdown/medium less
    before = sim._c.copy()
    sim.step(np.full((1, 16), sim.space.index("zebra/medium")))
    gain = sim._c[0] - before[0]
    own = gain[4]
    assert own > 0
    assert gain[1] == pytest.approx(0.2 * own)  # countdown/medium, same level, other source
    assert gain[5] == pytest.approx(0.5 * own)  # zebra/hard, the next level
    assert gain[10] == pytest.approx(0.25 * own)  # zebra/ood1, two levels up
