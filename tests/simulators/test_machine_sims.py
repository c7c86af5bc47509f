"""GridToyStudent, ClassIncrementalStudent and their oracles: invariants and regressions."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.simulators import (
    ClassIncrementalOracle,
    ClassIncrementalStudent,
    GridToyOracle,
    GridToyStudent,
    Simulator,
)


def cell_point(sim: GridToyStudent, *cell: int) -> np.ndarray:
    """The centre of a cell, with zeros in the irrelevant dimensions."""
    relevant = (np.array(cell, dtype=np.float64) + 0.5) / sim.cells
    return np.concatenate([relevant, np.zeros(sim.irrelevant_dims)])


def play(sim: GridToyStudent, *cell: int, times: int = 1) -> np.ndarray:
    """Every learner plays ``cell`` ``times`` times in one step; returns the rewards."""
    tasks = np.tile(cell_point(sim, *cell), (sim.n_learners, times, 1))
    return sim.step(tasks).reward.reshape(sim.n_learners, times)


def uniform_run(sim: GridToyStudent, teacher: tk.teachers.BaseTeacher, steps: int, k: int) -> None:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid, k) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))


# -- GridToyStudent -----------------------------------------------------------------------------
def test_grid_follows_the_protocol() -> None:
    sim = GridToyStudent(3, seed=0, irrelevant_dims=1)
    assert isinstance(sim, Simulator)
    assert isinstance(sim.space, tk.spaces.Box) and sim.space.dim == 3
    assert sim.learner_ids.tolist() == ["s0", "s1", "s2"]
    batch = sim.step(np.full((3, 2, 3), 0.05))
    assert len(batch) == 6 and batch.learner_ids.tolist() == ["s0", "s0", "s1", "s1", "s2", "s2"]
    assert sim.primary in sim.measures()


def test_origin_cell_learns_and_reward_is_competence_after_the_episode() -> None:
    sim = GridToyStudent(1, seed=0)
    rewards = play(sim, 0, 0, times=3)
    assert rewards.tolist() == [[0.01, 0.02, 0.03]]
    assert sim.truth()["competence"][0, 0, 0] == 3


def test_locked_cell_does_not_learn_until_a_previous_neighbour_reaches_75() -> None:
    sim = GridToyStudent(1, seed=0)
    assert play(sim, 1, 0, times=5).tolist() == [[0.0] * 5]
    play(sim, 0, 0, times=74)
    assert play(sim, 1, 0).tolist() == [[0.0]]  # origin at 74: still locked
    play(sim, 0, 0)  # origin reaches 75
    for cell in [(1, 0), (0, 1), (1, 1)]:  # after it along x, along y, and diagonally
        assert play(sim, *cell).tolist() == [[0.01]]
    assert play(sim, 2, 0).tolist() == [[0.0]]  # two steps away: locked
    assert play(sim, 2, 2).tolist() == [[0.0]]


def test_only_cells_just_before_count_as_previous_neighbours() -> None:
    sim = GridToyStudent(1, seed=0)
    play(sim, 0, 0, times=75)
    play(sim, 1, 1, times=75)
    # (1, 1) unlocks (2, 1), (1, 2), (2, 2) but not the cells before it, e.g. (0, 2)...
    for cell in [(2, 1), (1, 2), (2, 2)]:
        assert play(sim, *cell).tolist() == [[0.01]]
    assert play(sim, 0, 2).tolist() == [[0.0]]
    assert play(sim, 3, 3).tolist() == [[0.0]]


def test_competence_caps_at_100_and_mastered_means_above_75() -> None:
    sim = GridToyStudent(2, seed=0)
    play(sim, 0, 0, times=75)
    assert sim.measures()["mastered"] == 0.0  # exactly 75 unlocks but is not mastered
    play(sim, 0, 0)
    assert sim.measures()["mastered"] == pytest.approx(1.0)  # 1 cell of 100, in %
    rewards = play(sim, 0, 0, times=50)
    assert rewards.max() == 1.0 and sim.truth()["competence"].max() == 100


def test_rewards_stay_in_unit_interval_under_uniform_tasks() -> None:
    sim = GridToyStudent(4, seed=1, dims=3, cells=3)
    teacher = tk.teachers.Uniform(sim.space, seed=1)
    for _ in range(30):
        batch = sim.step(np.stack([teacher.ask_encoded(lid, 100) for lid in sim.learner_ids]))
        assert ((batch.reward >= 0) & (batch.reward <= 1)).all()
        assert np.array_equal(batch.score, batch.reward)
    assert 0 < sim.measures()["mastered"] <= 100


@pytest.mark.parametrize("params", [{}, {"unlearnable": 0.2}, {"dims": 3, "cells": 4}])
def test_a_batch_of_episodes_equals_the_same_episodes_one_by_one(params: dict) -> None:
    batched, single = GridToyStudent(3, seed=1, **params), GridToyStudent(3, seed=1, **params)
    teachers = [batched.oracle(seed=0), tk.teachers.Uniform(batched.space, seed=0)]
    for step in range(16):
        teacher = teachers[step % 2]
        tasks = np.stack([teacher.ask_encoded(lid, 60) for lid in batched.learner_ids])
        together = batched.step(tasks).reward.reshape(3, 60)
        apart = np.hstack([single.step(tasks[:, j : j + 1]).reward[:, None] for j in range(60)])
        assert np.array_equal(together, apart)
    assert np.array_equal(batched.truth()["competence"], single.truth()["competence"])
    assert batched.measures()["mastered"] > 0


def test_value_one_falls_in_the_last_cell() -> None:
    sim = GridToyStudent(1, seed=0)
    assert sim.cell_of(np.array([[1.0, 1.0]])).tolist() == [99]
    assert sim.cell_of(np.array([[0.0, 0.99]])).tolist() == [9]


def test_irrelevant_dimensions_change_nothing() -> None:
    rng = np.random.default_rng(3)
    relevant = rng.random((2, 400, 2)) * 0.3
    plain = GridToyStudent(2, seed=0)
    extra = GridToyStudent(2, seed=0, irrelevant_dims=3)
    noise = rng.random((2, 400, 3))
    a = plain.step(relevant)
    b = extra.step(np.concatenate([relevant, noise], axis=2))
    assert np.array_equal(a.reward, b.reward)
    assert np.array_equal(plain.truth()["competence"], extra.truth()["competence"])
    assert extra.space.names[2:] == ("irrelevant0", "irrelevant1", "irrelevant2")


def test_unlearnable_cells_stay_at_zero_and_block_their_successors() -> None:
    sim = GridToyStudent(1, seed=0, unlearnable=[(1, 0), (0, 1), (1, 1)])
    play(sim, 0, 0, times=100)
    for cell in [(1, 0), (0, 1), (1, 1)]:
        assert play(sim, *cell, times=80).max() == 0.0
    assert play(sim, 2, 1).tolist() == [[0.0]]
    m = sim.measures()
    assert m["mastered"] == pytest.approx(1.0)
    assert m["mastered_learnable"] == pytest.approx(100 / 97)
    assert sim.truth()["learnable"].sum() == 97


def test_unlearnable_fraction_is_drawn_from_the_seed_and_spares_the_origin() -> None:
    a = GridToyStudent(1, seed=5, unlearnable=0.3).truth()["learnable"]
    b = GridToyStudent(1, seed=5, unlearnable=0.3).truth()["learnable"]
    c = GridToyStudent(1, seed=6, unlearnable=0.3).truth()["learnable"]
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert (~a).sum() == round(0.3 * 99) and a[0, 0]


def test_grid_is_deterministic_under_a_seed() -> None:
    def run() -> tuple[np.ndarray, dict[str, float]]:
        sim = GridToyStudent(3, seed=4, unlearnable=0.2)
        uniform_run(sim, tk.teachers.Uniform(sim.space, seed=4), steps=20, k=40)
        return sim.truth()["competence"], sim.measures()

    (c1, m1), (c2, m2) = run(), run()
    assert np.array_equal(c1, c2) and m1 == m2


def test_grid_rejects_bad_tasks_with_clear_messages() -> None:
    sim = GridToyStudent(2, seed=0)
    with pytest.raises(ValidationError, match=r"expected shape \(2, k, 2\).*got \(2, 2\)"):
        sim.step(np.zeros((2, 2)))
    with pytest.raises(ValidationError, match=r"expected shape \(2, k, 2\).*got \(3, 1, 2\)"):
        sim.step(np.zeros((3, 1, 2)))
    with pytest.raises(ValidationError, match=r"finite values in \[0, 1\]"):
        sim.step(np.full((2, 1, 2), 1.5))
    with pytest.raises(ValidationError, match="finite values"):
        sim.step(np.full((2, 1, 2), np.nan))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dims": 0}, "dims"),
        ({"cells": -1}, "cells"),
        ({"unlearnable": 1.5}, r"fraction in \[0, 1\)"),
        ({"unlearnable": [(0, 0)]}, "origin cell"),
        ({"unlearnable": [(3, 12)]}, r"2 integers in \[0, 10\)"),
        ({"unlearnable": "half"}, "fraction or a list"),
        ({"dims": 8}, "at most 16,000,000 cell-neighbour links"),
    ],
)
def test_grid_rejects_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        GridToyStudent(1, seed=0, **kwargs)  # type: ignore[arg-type]


def test_grid_truth_is_a_copy() -> None:
    sim = GridToyStudent(1, seed=0)
    play(sim, 0, 0, times=3)
    truth = sim.truth()
    truth["competence"][...] = 99
    assert sim.truth()["competence"][0, 0, 0] == 3


# -- teachers cannot reach the truth --------------------------------------------------------------
def test_teachers_see_only_the_events() -> None:
    """The batch a teacher is told holds outcomes and tasks, no reference to the learner."""
    sim = GridToyStudent(2, seed=0)
    batch = sim.step(np.zeros((2, 1, 2)))
    for name in batch.__slots__:  # type: ignore[attr-defined]
        value = getattr(batch, name)
        assert not isinstance(value, GridToyStudent)
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, sim._competence)
    teacher = tk.teachers.Uniform(sim.space, seed=0)
    assert all(not isinstance(v, GridToyStudent) for v in vars(teacher).values())


# -- the grid oracle ------------------------------------------------------------------------------
def test_grid_oracle_beats_uniform_on_fixed_seeds() -> None:
    scores = {}
    for name in ("uniform", "oracle"):
        sim = GridToyStudent(4, seed=0, unlearnable=0.1, irrelevant_dims=1)
        teacher = sim.oracle(seed=0) if name == "oracle" else tk.teachers.Uniform(sim.space, seed=0)
        uniform_run(sim, teacher, steps=40, k=100)
        scores[name] = sim.measures()["mastered"]
    assert scores["oracle"] > scores["uniform"] + 30, scores


def test_grid_oracle_asks_for_frontier_cells() -> None:
    sim = GridToyStudent(1, seed=0)
    oracle = sim.oracle(seed=0)
    assert isinstance(oracle, GridToyOracle)
    assert set(sim.cell_of(oracle.ask_encoded("s0", 10)).tolist()) == {0}
    play(sim, 0, 0, times=80)
    cells = set(sim.cell_of(oracle.ask_encoded("s0", 30)).tolist())
    assert cells == {1, 10, 11}  # (0, 1), (1, 0), (1, 1): unlocked and not mastered


def test_grid_oracle_plans_a_batch_without_overshooting() -> None:
    sim = GridToyStudent(1, seed=0)
    oracle = sim.oracle(seed=0)
    tasks = oracle.ask_encoded("s0", 300)
    sim.step(tasks[None])
    competence = sim.truth()["competence"]
    assert competence.sum() == 300  # every planned episode raised a competence...
    assert competence.max() == 76  # ...and none went to a cell already mastered


def test_grid_oracle_is_deterministic_and_restores_its_state() -> None:
    sim = GridToyStudent(2, seed=0)
    a, b = sim.oracle(seed=3), sim.oracle(seed=3)
    assert np.array_equal(a.ask_encoded("s1", 5), b.ask_encoded("s1", 5))
    c = a.clone()
    c.load_state_dict(a.state_dict())
    assert np.array_equal(a.ask_encoded("s0", 5), c.ask_encoded("s0", 5))
    assert sim.space.check_encoded(a.ask_encoded("s0", 7), 7).shape == (7, 2)


def test_grid_oracle_errors_are_clear() -> None:
    sim = GridToyStudent(2, seed=0)
    oracle = sim.oracle(seed=0)
    with pytest.raises(ValidationError, match=r"one of this simulator's learners 's0' \.\. 's1'"):
        oracle.ask_encoded("alice", 1)
    with pytest.raises(ValidationError, match="cannot be rebuilt from a stored configuration"):
        oracle.to_config()
    with pytest.raises(ValidationError, match=r"build the oracle with sim\.oracle\(seed\)"):
        GridToyOracle(sim.space, simulator=ClassIncrementalStudent(1, seed=0), seed=0)
    with pytest.raises(ValidationError):
        oracle.ask_encoded("s0", 0)


# -- ClassIncrementalStudent ----------------------------------------------------------------------
def test_class_incremental_follows_the_protocol() -> None:
    sim = ClassIncrementalStudent(2, seed=0)
    assert isinstance(sim, Simulator)
    assert sim.space.names == tuple(str(c) for c in range(10))
    batch = sim.step(np.array([[0, 1], [2, 2]]))
    assert batch.learner_ids.tolist() == ["s0", "s0", "s1", "s1"]
    assert batch.tasks.tolist() == [0, 1, 2, 2]
    assert ((batch.score >= 0) & (batch.score <= 1)).all()
    assert ((batch.reward >= 0) & (batch.reward <= 1)).all()
    assert set(sim.measures()) == {"accuracy", "seen_accuracy", "auc", "forgetting"}
    assert sim.primary == "accuracy"


def test_class_incremental_teachers_see_only_the_events() -> None:
    sim = ClassIncrementalStudent(2, seed=0, chunk=20)
    batch = sim.step(np.array([[0], [1]]))
    for name in batch.__slots__:  # type: ignore[attr-defined]
        value = getattr(batch, name)
        assert not isinstance(value, ClassIncrementalStudent)
        if isinstance(value, np.ndarray) and value.dtype != object:
            for hidden in (sim._acc, sim._best, sim._X):
                assert not np.shares_memory(value, hidden)


def test_class_incremental_outcome_is_accuracy_before_and_after_the_pass() -> None:
    sim = ClassIncrementalStudent(1, seed=0)
    before = sim.truth()["accuracy"][0, 3]
    batch = sim.step(np.array([[3]]))
    assert batch.score[0] == before == 0.0  # an untrained model knows nothing
    assert batch.reward[0] == sim.truth()["accuracy"][0, 3] > 0.9


def test_accuracy_rises_on_trained_classes() -> None:
    sim = ClassIncrementalStudent(1, seed=0)
    curve = sim.run_order(["0", "1", "2", "0", "1", "2"])
    acc = sim.truth()["accuracy"][0]
    assert acc[:3].min() > 0.8 and acc[3:].max() == 0.0
    assert curve[-1] > curve[0]
    m = sim.measures()
    assert m["seen_accuracy"] == pytest.approx(acc[:3].mean())
    assert m["accuracy"] == pytest.approx(acc.mean())
    assert m["auc"] == pytest.approx(curve.mean())
    assert 0.0 <= m["forgetting"] <= 1.0


def test_naive_fine_tuning_forgets_and_replay_remembers() -> None:
    order = [str(c) for c in range(5)]
    naive = ClassIncrementalStudent(1, seed=0, replay=0)
    naive.run_order(order)
    replay = ClassIncrementalStudent(1, seed=0, replay=200)
    replay.run_order(order)
    assert naive.measures()["forgetting"] > 0.5 > replay.measures()["forgetting"]
    assert replay.measures()["seen_accuracy"] > naive.measures()["seen_accuracy"]


@pytest.mark.parametrize("model", ["sgd", "mlp"])
def test_class_incremental_is_deterministic_under_a_seed(model: str) -> None:
    def run(seed: int) -> tuple[np.ndarray, dict[str, float]]:
        sim = ClassIncrementalStudent(2, seed=seed, model=model, chunk=40)
        batch = sim.step(np.array([[0, 5, 0], [1, 1, 7]]))
        return np.concatenate([batch.score, batch.reward]), sim.measures()

    (a, ma), (b, mb), (c, _) = run(3), run(3), run(4)
    assert np.array_equal(a, b) and ma == mb
    assert not np.array_equal(a, c)


@pytest.mark.slow  # generating mnist1d takes a few seconds
def test_class_incremental_runs_on_mnist1d_with_an_mlp() -> None:
    pytest.importorskip("mnist1d")
    sim = ClassIncrementalStudent(1, seed=0, dataset="mnist1d", model="mlp", chunk=100)
    sim.run_order(["0", "1", "0", "1"])
    acc = sim.truth()["accuracy"][0]
    assert acc[:2].mean() > 0.5


def test_class_incremental_rejects_bad_input() -> None:
    sim = ClassIncrementalStudent(2, seed=0)
    with pytest.raises(
        ValidationError, match=r"expected encoded classes of shape \(2, k\).*got \(2,\)"
    ):
        sim.step(np.array([0, 1]))
    with pytest.raises(ValidationError, match=r"integer class indices in \[0, 10\)"):
        sim.step(np.array([[0], [10]]))
    with pytest.raises(ValidationError, match=r"integer class indices"):
        sim.step(np.array([[0.5], [1.0]]))
    with pytest.raises(ValidationError, match="unknown task 'eleven'"):
        sim.run_order(["0", "eleven"])
    with pytest.raises(ValidationError, match="non-empty list of class names"):
        sim.run_order([])
    with pytest.raises(ValidationError) as err:
        ClassIncrementalStudent(1, dataset="cifar", model="svm", lr=-1)
    assert len(err.value.problems) == 3 and "did" not in str(err.value).lower()


# -- the class-incremental oracle -----------------------------------------------------------------
def test_class_incremental_oracle_beats_uniform_on_fixed_seeds() -> None:
    scores = {}
    for name in ("uniform", "oracle"):
        sim = ClassIncrementalStudent(2, seed=0, chunk=60)
        teacher = sim.oracle(seed=0) if name == "oracle" else tk.teachers.Uniform(sim.space, seed=0)
        uniform_run_discrete(sim, teacher, steps=20)
        scores[name] = sim.measures()["accuracy"]
    assert scores["oracle"] > scores["uniform"] + 0.05, scores


def uniform_run_discrete(
    sim: ClassIncrementalStudent, teacher: tk.teachers.BaseTeacher, steps: int
) -> None:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid, 1) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))


def test_class_incremental_oracle_picks_the_weakest_class() -> None:
    sim = ClassIncrementalStudent(1, seed=0)
    sim.run_order([str(c) for c in range(9)])
    oracle = sim.oracle(seed=0)
    assert isinstance(oracle, ClassIncrementalOracle) and oracle.strategy == "lowest"
    assert oracle.ask("s0") == ["9"]  # never taught: accuracy 0
    assert oracle.ask_encoded("s0", 3)[0] == 9


def test_class_incremental_greedy_oracle_looks_ahead_without_changing_the_learner() -> None:
    sim = ClassIncrementalStudent(1, seed=0, chunk=30)
    sim.run_order(["0", "1"])
    truth = sim.truth()
    oracle = sim.oracle(0, strategy="greedy")
    first = oracle.ask_encoded("s0", 2)
    assert np.array_equal(sim.truth()["accuracy"], truth["accuracy"])  # lookahead on copies
    assert first[0] >= 2  # a class not taught yet gains the most
    again = sim.oracle(0, strategy="greedy").ask_encoded("s0", 2)
    assert np.array_equal(first, again)
    with pytest.raises(ValidationError, match="strategy"):
        sim.oracle(0, strategy="best")
