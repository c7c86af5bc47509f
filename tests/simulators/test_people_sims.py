"""SkillGraphStudent: invariants, determinism, validation, oracle and synthetic logs."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

import teachkit as tk
from teachkit.checks import check_teacher
from teachkit.errors import ValidationError
from teachkit.learners import IRT
from teachkit.simulators import SkillGraphOracle, SkillGraphStudent, skill_graph_log


def run(sim: SkillGraphStudent, teacher: tk.teachers.BaseTeacher, steps: int) -> None:
    for _ in range(steps):
        tasks = np.stack([teacher.ask_encoded(lid, sim.tasks_per_step) for lid in sim.learner_ids])
        teacher.tell(sim.step(tasks))


def items(sim: SkillGraphStudent, name: str) -> np.ndarray:
    return np.full((sim.n_learners, sim.tasks_per_step), sim.space.index(name))


def test_space_exposes_items_skills_and_prerequisites() -> None:
    sim = SkillGraphStudent(2, seed=0)
    space = sim.space
    assert space.n == 41 and len(space.skill_names) == 12
    assert space.skills_of("subtraction/easy") == ("subtraction",)
    assert set(space.skills_of("mixed/addition+subtraction")) == {"addition", "subtraction"}
    assert set(space.prerequisites_of("long_division")) == {"division", "subtraction_borrow"}
    assert space.task_order()[0].startswith("counting")


def test_random_preset_builds_a_dag_with_items_per_skill() -> None:
    sim = SkillGraphStudent(3, seed=4, preset="random", n_skills=50, items_per_skill=10)
    assert len(sim.space.skill_names) == 50 and sim.space.n == 500
    assert sim.space.prerequisites  # a non-trivial DAG (Discrete rejects cycles)
    main = sim.graph.item_skills[:, 0]
    assert np.array_equal(np.bincount(main, minlength=50), np.full(50, 10))
    other = SkillGraphStudent(3, seed=5, preset="random", n_skills=50)
    assert not np.array_equal(sim.graph.difficulty, other.graph.difficulty)


def test_probabilities_stay_in_range() -> None:
    sim = SkillGraphStudent(40, seed=1)
    run(sim, tk.teachers.Uniform(sim.space, seed=1), 30)
    p = sim.item_probabilities()
    assert p.shape == (40, sim.space.n)
    assert np.all((p >= 0) & (p <= 1))
    q = sim.attempt_probabilities(np.zeros((40, 1), dtype=np.int64))
    assert np.all((q >= 0) & (q <= 1))
    e = sim.effective_mastery()
    assert np.all((e >= 0) & (e <= 1))
    m = sim.measures()
    for key in ("posttest", "retention", "mastered", "mastered_all"):
        assert 0.0 <= m[key] <= 1.0


def test_prerequisites_gate_learning() -> None:
    sim = SkillGraphStudent(2, seed=0, error_gain=1.0, prereq_floor=0.1)
    add, sub = sim.graph.skills.index("addition"), sim.graph.skills.index("subtraction")
    sim._eta[:] = 0.2
    sim._m[:, sub] = 0.2
    sim._m[0, add] = 0.0  # learner 0 has not mastered the prerequisite
    sim._m[1, add] = 1.0  # learner 1 has
    before = sim._m[:, sub].copy()
    sim.step(items(sim, "subtraction/easy"))
    gain = sim._m[:, sub] - before
    assert gain[1] == pytest.approx(0.2 * 0.8)
    assert gain[0] == pytest.approx(0.1 * gain[1])  # cut down to prereq_floor


def test_forgetting_decays_with_time() -> None:
    sim = SkillGraphStudent(5, seed=2)
    e = [sim.effective_mastery(delay).mean() for delay in (0.0, 24.0, 168.0, 1000.0)]
    assert all(a > b for a, b in itertools.pairwise(e))
    m = sim.measures()
    assert m["retention"] < m["posttest"]


def test_spacing_strengthens_memory() -> None:
    def stability(gap: float) -> float:
        sim = SkillGraphStudent(1, seed=3, steps_per_session=1, session_gap=gap)
        for _ in range(2):
            sim.step(items(sim, "counting/easy"))
        return float(sim._s[0, 0])

    massed, spaced = stability(0.0), stability(24.0)
    assert spaced > 1.5 * massed
    # A stronger memory is retrieved better after the same delay.
    r = 1.0 / (1.0 + 168.0 / (9.0 * np.array([massed, spaced])))
    assert r[1] > r[0]


def test_clock_sessions_and_event_times() -> None:
    sim = SkillGraphStudent(2, seed=0, steps_per_session=2, session_gap=10.0, tasks_per_step=2)
    times = [sim.step(np.zeros((2, 2), dtype=np.int64)).time for _ in range(3)]
    assert times[0][1] - times[0][0] == pytest.approx(60.0)
    assert times[2][0] - times[1][1] == pytest.approx(60.0 + 10.0 * 3600.0)
    assert np.all(np.diff(np.concatenate([t[:2] for t in times])) > 0)


def test_deterministic_under_seed() -> None:
    def play(seed: int) -> tuple[np.ndarray, dict[str, float]]:
        sim = SkillGraphStudent(30, seed=seed)
        rng = np.random.default_rng(0)
        scores = [sim.step(rng.integers(0, sim.space.n, (30, 1))).score for _ in range(15)]
        return np.concatenate(scores), sim.measures()

    a, b, c = play(7), play(7), play(8)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    assert not np.array_equal(a[0], c[0])


def test_state_round_trip_gives_the_same_future() -> None:
    sim = SkillGraphStudent(10, seed=1)
    rng = np.random.default_rng(0)
    for _ in range(5):
        sim.step(rng.integers(0, sim.space.n, (10, 1)))
    copy = sim.clone()
    copy.load_state_bytes(sim.state_bytes())
    tasks = rng.integers(0, sim.space.n, (10, 1))
    assert np.array_equal(sim.step(tasks).score, copy.step(tasks).score)
    assert sim.measures() == copy.measures()


def test_measures_do_not_change_the_state() -> None:
    sim = SkillGraphStudent(10, seed=1)
    sim.step(np.zeros((10, 1), dtype=np.int64))
    before = sim.state_bytes()
    sim.measures()
    sim.truth()
    assert sim.state_bytes() == before


def test_time_to_mastery_is_nan_until_mastered() -> None:
    sim = SkillGraphStudent(3, seed=0, learn_rate=1.0, trait_spread=0.0, error_gain=1.0)
    assert np.isnan(sim.measures()["time_to_mastery"])
    sim._m[0, 1:] = 0.99  # learner 0 knows everything but counting
    sim._n_mastered[0] = sim._m.shape[1] - 1
    sim.step(items(sim, "place_value/easy"))
    assert np.isnan(sim.measures()["time_to_mastery"])
    sim.step(items(sim, "counting/easy"))  # eta = 1 and no prerequisites: learned at once
    m = sim.measures()
    assert m["time_to_mastery"] == 2.0 and m["mastered_all"] == pytest.approx(1 / 3)
    assert np.array_equal(sim._n_mastered, (sim._m >= 0.8).sum(axis=1))


def test_events_carry_outcomes_only() -> None:
    sim = SkillGraphStudent(4, seed=0, tasks_per_step=3)
    batch = sim.step(np.ones((4, 3), dtype=np.int64))
    assert len(batch) == 12
    assert batch.learner_ids.tolist() == [f"s{i}" for i in range(4) for _ in range(3)]
    assert set(np.unique(batch.score)) <= {0.0, 1.0}
    assert np.array_equal(batch.score, batch.success)
    assert np.all(np.isnan(batch.reward))
    assert all(r is None for r in batch.rewards)
    # Nothing in the batch refers back to the simulator or its hidden arrays.
    for value in (getattr(batch, f.name) for f in dataclasses.fields(batch)):
        assert not isinstance(value, SkillGraphStudent)
        if isinstance(value, np.ndarray) and value.dtype != object:
            assert not np.shares_memory(value, sim._m)


@pytest.mark.parametrize(
    ("tasks", "needle"),
    [
        (np.zeros((3, 2), dtype=np.int64), "shape (3, 1)"),
        (np.full((3, 1), 41), "expected indices in [0, 40]"),
        (np.full((3, 1), -1), "expected indices in [0, 40]"),
        (np.full((3, 1), 0.5), "expected integer task indices"),
        (np.array([["counting/easy"]] * 3), "expected integer task indices"),
    ],
)
def test_step_rejects_bad_tasks(tasks: np.ndarray, needle: str) -> None:
    sim = SkillGraphStudent(3, seed=0)
    with pytest.raises(ValidationError, match=r"SkillGraphStudent\.step") as err:
        sim.step(tasks)
    assert needle in str(err.value)


def test_bad_params_are_reported_together() -> None:
    with pytest.raises(ValidationError) as err:
        SkillGraphStudent(0, preset="arithmatic", slip=0.9, learn_rate=-1)
    text = str(err.value)
    assert "did you mean 'arithmetic'" in text
    assert "n_learners" in text and "slip" in text and "learn_rate" in text
    with pytest.raises(ValidationError, match="only the 'random' preset takes it"):
        SkillGraphStudent(2, n_skills=50)
    with pytest.raises(ValidationError, match="n_skills"):
        SkillGraphStudent(2, preset="random", n_skills=1)
    with pytest.raises(ValidationError, match="seed"):
        SkillGraphStudent(2, seed="x")  # type: ignore[arg-type]


def test_oracle_beats_uniform_on_fixed_seeds() -> None:
    results = {}
    for name in ("uniform", "oracle"):
        sim = SkillGraphStudent(30, seed=11)
        teacher = tk.teachers.Uniform(sim.space, seed=0) if name == "uniform" else sim.oracle(0)
        run(sim, teacher, 60)
        results[name] = sim.measures()
    assert results["oracle"]["posttest"] > results["uniform"]["posttest"] + 0.05
    assert results["oracle"]["mastered"] > results["uniform"]["mastered"]


def test_oracle_prefers_ready_skills_and_reads_the_truth() -> None:
    sim = SkillGraphStudent(1, seed=0)
    oracle = sim.oracle(0)
    gains = oracle.gains(0)
    assert gains.shape == (sim.space.n,)
    best = sim.space.names[int(np.argmax(gains))]
    # At the start nothing deep is ready: the best item exercises a shallow skill.
    skill = sim.space.skills_of(best)[0]
    assert sim.graph.depth[sim.graph.skills.index(skill)] <= 1
    assert oracle.ask("s0", 3) == [
        sim.space.names[i] for i in np.argsort(-gains, kind="stable")[:3]
    ]


def test_oracle_keeps_the_teacher_contract() -> None:
    oracle = SkillGraphStudent(3, seed=0).oracle(seed=0)
    check_teacher(oracle, rounds=8)
    assert "SkillGraphOracle" not in tk.teachers.__all__
    with pytest.raises(ValidationError, match="simulator"):
        SkillGraphOracle(oracle.space, simulator="nope")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="horizon"):
        SkillGraphOracle(oracle.space, simulator=oracle.simulator, horizon=-1.0)
    with pytest.raises(ValidationError, match="simulator's own space"):
        SkillGraphOracle(tk.spaces.Discrete(3), simulator=SkillGraphStudent(1, seed=0))


def test_skill_graph_log_returns_the_generating_truth() -> None:
    log, truth = skill_graph_log(60, steps=30, seed=3)
    assert len(log) == 60 * 30 and log.n_learners == 60
    assert log.space == SkillGraphStudent(1).space
    assert truth["p_correct"].shape == (len(log),)
    assert np.all((truth["p_correct"] >= 0) & (truth["p_correct"] <= 1))
    assert np.all(np.diff(log.time.reshape(60, 30), axis=1) > 0)
    assert abs(log.correct.mean() - truth["p_correct"].mean()) < 0.03
    assert np.all(truth["final_mastery"] >= truth["initial_mastery"])
    again, _ = skill_graph_log(60, steps=30, seed=3)
    assert np.array_equal(again.correct, log.correct)


def test_irt_recovers_item_difficulty_from_a_skill_graph_log() -> None:
    # Without learning, abilities are static and a 1PL fit should rank items like the
    # truth: the item's b against the population's ability on its main skill.
    log, truth = skill_graph_log(400, steps=30, seed=0, learn_rate=0.0)
    model = IRT(model="1pl").fit(log)
    main = truth["item_skills"][:, 0]
    ability = 6.0 * (truth["initial_mastery"].mean(axis=0)[main] - 0.5)
    effective = truth["difficulty"] - ability
    assert np.corrcoef(model.difficulty, effective)[0, 1] > 0.75


def test_oracle_horizon_weighs_forgetting() -> None:
    sim = SkillGraphStudent(2, seed=0)
    now = sim.oracle(0).gains(0)
    week = SkillGraphOracle(sim.space, simulator=sim, horizon=168.0).gains(0)
    assert np.all(np.isfinite(week)) and not np.allclose(now, week)
    assert week.max() < now.max()  # a gain judged a week later has partly faded
