"""The LLM post-training curricula follow their papers' rules (golden values, errors)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

import teachkit as tk
from teachkit.errors import ValidationError
from teachkit.integrations.gate import AdmissionGate
from teachkit.teachers.machine._vcrl import normalized_variance

LEVELS = tk.spaces.Discrete(["L0", "L1", "L2", "L3"])


def batch(tasks: list[int], rewards: list[list[float]]) -> tk.EventBatch:
    n = len(tasks)
    return tk.EventBatch.build(
        learner_ids=["llm"] * n,
        tasks=np.array(tasks),
        outcomes=tk.OutcomeBatch(rewards=rewards),
        times=np.zeros(n),
        assignment_ids=[-1] * n,
    )


def test_group_stats() -> None:
    b = batch([0, 1, 2], [[1, 1, 1, 1], [1, 0, 1, 0], [0, 0, 0, 1]])
    stats = b.group_stats()
    assert stats.pass_rate.tolist() == [1.0, 0.5, 0.25]
    assert stats.variance.tolist() == [0.0, 0.25, 0.1875]
    assert stats.abs_advantage.round(4).tolist() == [0.0, 1.0, 0.866]
    scaled = batch([0], [[2.0, 0.0, 3.0, 1.0]]).group_stats(threshold=2.0)
    assert scaled.pass_rate.tolist() == [0.5]
    assert math.isnan(batch([0], [[2.0, 0.0]]).group_stats().pass_rate[0])  # not in [0, 1]


def test_adarft_moves_its_target_by_tanh_of_the_reward_gap() -> None:
    t = tk.teachers.AdaRFT(LEVELS, step_size=1.0, sensitivity=2.0, target_reward=0.5, seed=0)
    assert t.ask("llm", 3) == ["L0", "L0", "L0"]
    t.tell(batch([0, 0], [[1, 1, 1, 1], [1, 1, 1, 0]]))  # R = 0.875
    assert t.target == pytest.approx(math.tanh(2 * 0.375))
    t.tell(batch([1], [[0, 0, 0, 0]]))  # R = 0: down, clipped at the easiest difficulty
    assert t.target == pytest.approx(max(0.0, math.tanh(0.75) + math.tanh(-1.0)))
    for _ in range(20):
        t.tell(batch([3], [[1, 1, 1, 1]]))
    assert t.target == 3.0 and t.ask("llm", 2) == ["L3", "L3"]
    distinct = tk.teachers.AdaRFT(LEVELS, difficulty=[10, 40, 20, 30], capacity=1, seed=0)
    assert distinct.ask("llm", 5) == ["L0", "L2", "L3", "L1", "L0"]
    with pytest.raises(ValidationError, match="difficulty: expected 4 finite numbers"):
        tk.teachers.AdaRFT(LEVELS, difficulty=[1, 2])
    with pytest.raises(ValidationError, match="success rates in \\[0, 1\\]"):
        t.tell(batch([0], [[5.0, 0.0]]))


def test_vcrl_normalized_variance_and_replay_bank() -> None:
    r = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1]], dtype=float)
    p = normalized_variance(r.var(axis=1), np.array([4, 4, 4]))
    assert p.round(4).tolist() == [1.0, 0.75, 0.0]  # k(G-k)/(G(G-1)) over G/(4(G-1))
    odd = normalized_variance(np.array([np.var([1, 0, 0])]), np.array([3]))
    assert odd.round(4).tolist() == [1.0]  # (G+1)/(4G) is the odd-G maximum
    t = tk.teachers.VCRL(LEVELS, threshold=0.8, initial_threshold=0.8, warmup_steps=0, seed=0)
    t.tell(batch([1, 2, 3], [[1, 0, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0]]))
    assert t.bank() == {1: 0.1}
    tasks = t.ask_encoded("llm", 16)
    # the first known low-variance draw (L2 or L3) became L1, the bank's only prompt
    assert (tasks == 1).sum() >= 1 and t.bank() == {}
    with pytest.raises(ValidationError, match="group rewards or advantages"):
        t.tell(tk.Event("llm", "L0", tk.Outcome(score=1.0), datetime.now(UTC)))


def test_e2h_schedules_move_from_easy_to_hard() -> None:
    g = tk.teachers.E2H(LEVELS, total_steps=10, schedule="gaussian", sigma=0.3, seed=0)
    start = g.tier_probabilities()
    assert start.argmax() == 0 and start[0] > start[3]
    for _ in range(10):
        g.tell(batch([0], [[1, 0]]))
    assert g.tier_probabilities().argmax() == 3 and g.step == 10
    c = tk.teachers.E2H(LEVELS, total_steps=4, schedule="cosine", seed=0)
    for _ in range(2):
        c.tell(batch([0], [[1, 0]]))
    assert c.tier_probabilities().round(3).tolist() == [0.25, 0.25, 0.25, 0.25]  # halfway
    tiers = tk.teachers.E2H(LEVELS, tiers=[0, 0, 5, 5], total_steps=4, seed=0)
    probs = tiers.probabilities()  # two tiers (renumbered 0, 1), shared by their tasks
    assert tiers.tier_probabilities().shape == (2,) and probs[0] == probs[1] > probs[2] == probs[3]
    with pytest.raises(ValidationError, match="tiers: expected 4 integers >= 0"):
        tk.teachers.E2H(LEVELS, tiers=[0, 1])


def test_difficulty_predictor_ranks_unseen_prompts_from_references() -> None:
    feats = np.array([[1.0, 0.0], [0.95, 0.05], [0.0, 1.0], [0.05, 0.95]])
    t = tk.teachers.DifficultyPredictor(
        tk.spaces.Discrete(4), features=feats, references=[0, 2], tau=0.05, seed=0
    )
    assert sorted(t.ask_encoded("llm", 2).tolist()) == [0, 2]  # references need rollouts
    t.tell(batch([0, 2], [[1, 1, 1, 1], [1, 0, 1, 0]]))
    pred = t.predicted()
    assert pred[1] > 0.9 and abs(pred[3] - 0.5) < 0.1  # neighbours inherit the references'
    picks = t.ask_encoded("llm", 200)  # references fresh: none due; pick near 0.5
    assert (np.isin(picks, [2, 3])).mean() > 0.9
    with pytest.raises(ValidationError, match="features: expected a finite array of shape"):
        tk.teachers.DifficultyPredictor(tk.spaces.Discrete(4), features=np.ones((3, 2)))
    with pytest.raises(ValidationError, match="references: expected a count or task indices"):
        tk.teachers.DifficultyPredictor(tk.spaces.Discrete(4), references=[7])


def test_data_env_teacher_explores_then_follows_gains() -> None:
    skills = tk.spaces.Discrete(["a", "b", "c"])
    t = tk.teachers.DataEnvTeacher(skills, learned=0.9, seed=0)
    assert sorted(t.ask_encoded("s", 3).tolist()) == [0, 1, 2]
    t.tell(batch([0, 1, 2], [[0.2], [0.3], [0.95]]))  # first evaluation: accuracies
    t.ask_encoded("s", 4)
    t.tell(batch([0, 1, 2], [[0.6], [0.3], [0.95]]))  # "a" gained, "b" did not
    pr = t.priorities()
    assert pr[2] == 0.0 and pr[0] > pr[1]  # mastered: no data; data helped "a" most


def test_admission_gate_band_and_errors() -> None:
    gate = AdmissionGate(rule="band", low=0.3, high=0.7, threshold=1.0)
    keep = gate.admit([[1, 0, 0, 0], [1, 1, 0, 0], [2, 2, 2, 0]])
    assert keep.tolist() == [False, True, False] and gate.kept == 1
    with pytest.raises(ValidationError, match="low, high: expected low < high"):
        AdmissionGate(rule="band", low=0.5, high=0.5)
    with pytest.raises(ValidationError, match="rewards: expected an array of shape"):
        gate.admit([1.0, 0.0])
    with pytest.raises(ValidationError, match="rule='band' needs pass rates"):
        AdmissionGate(rule="band").admit([[2.0, 0.0]])
