"""ACCEL's buffer, replay and edit rules on the corridor generator."""

from __future__ import annotations

import numpy as np
import pytest

import teachkit as tk
from teachkit._batch import EventBatch, OutcomeBatch
from teachkit.errors import ValidationError
from teachkit.spaces import Generated
from teachkit.teachers import ACCEL
from teachkit.testing.generators import Corridors


def tell(teacher: ACCEL, tasks: np.ndarray, advantages: np.ndarray) -> None:
    n = len(tasks)
    teacher.tell(
        EventBatch.build(
            learner_ids=["agent"] * n,
            tasks=tasks,
            outcomes=OutcomeBatch(reward=np.zeros(n), advantages=advantages),
            times=np.zeros(n),
            assignment_ids=np.full(n, -1),
        )
    )


@pytest.fixture
def space() -> Generated:
    return Generated(Corridors(longest=8))


def test_new_levels_are_evaluated_only_and_enter_the_buffer(space: Generated) -> None:
    accel = ACCEL(space, buffer_size=3, min_fill=1.0, replay_prob=1.0, seed=0)
    first = accel.ask_encoded("agent", 3)
    assert accel.train_mask("agent").tolist() == [False, False, False]
    assert all(t.origin == "sample" for t in first)
    # positive value loss: mean max(A, 0) -> 0.5, 1.0, 0.0
    tell(accel, first, np.array([[1.0, 0.0], [2.0, 0.0], [-1.0, 0.0]]))
    levels, scores = accel.buffer()
    assert levels == list(first) and scores.tolist() == [0.5, 1.0, 0.0]


def test_full_buffer_keeps_the_highest_scores(space: Generated) -> None:
    accel = ACCEL(space, buffer_size=2, min_fill=1.0, replay_prob=0.0, seed=0)
    a = accel.ask_encoded("agent", 2)
    tell(accel, a, np.array([[0.4], [0.2]]))
    b = accel.ask_encoded("agent", 2)
    tell(accel, b, np.array([[0.1], [0.3]]))  # 0.1 stays out; 0.3 evicts 0.2
    levels, scores = accel.buffer()
    assert levels == [a[0], b[1]] and scores.tolist() == [0.4, 0.3]
    c = accel.ask_encoded("agent", 1)
    tell(accel, c, np.array([[0.3]]))  # a tie keeps the buffered level
    assert accel.buffer()[0] == [a[0], b[1]]


def test_replays_train_and_their_edits_are_evaluated_next(space: Generated) -> None:
    accel = ACCEL(space, buffer_size=2, min_fill=1.0, replay_prob=1.0, seed=3)
    new = accel.ask_encoded("agent", 2)
    tell(accel, new, np.array([[1.0], [0.5]]))
    replay = accel.ask_encoded("agent", 2)
    assert accel.train_mask("agent").tolist() == [True, True]
    assert set(replay) <= set(new)
    tell(accel, replay, np.array([[0.2], [0.2]]))
    edits = accel.pending_edits()
    assert [e.parent for e in edits] == [t.id for t in replay]
    assert all(
        e.origin == "mutate" and space.rebuild(e, parent=p) == e for e, p in zip(edits, replay)
    )
    handed = accel.ask_encoded("agent", 3)
    assert list(handed[:2]) == edits and accel.train_mask("agent").tolist() == [False, False, True]


def test_replays_wait_for_min_fill(space: Generated) -> None:
    accel = ACCEL(space, buffer_size=4, min_fill=0.75, replay_prob=1.0, seed=0)
    tell(accel, accel.ask_encoded("agent", 2), np.ones((2, 1)))
    accel.ask_encoded("agent", 2)
    assert not accel.train_mask("agent").any()  # 2 of 4 buffered: below min_fill
    tell(accel, accel.ask_encoded("agent", 1), np.ones((1, 1)))
    accel.ask_encoded("agent", 2)
    assert accel.train_mask("agent").all()


def test_scores_from_returns_and_successes(space: Generated) -> None:
    accel = ACCEL(space, buffer_size=4, min_fill=1.0, score="max_mc", seed=0)
    tasks = accel.ask_encoded("agent", 1)
    accel.tell(
        EventBatch.build(
            learner_ids=["agent"] * 2,
            tasks=np.concatenate([tasks, tasks]),
            outcomes=OutcomeBatch(reward=[0.8, 0.2]),
            times=np.zeros(2),
            assignment_ids=[-1, -1],
        )
    )
    assert accel.buffer()[1].tolist() == pytest.approx([0.6])  # R_max 0.8 - R 0.2
    learn = ACCEL(space, buffer_size=4, min_fill=1.0, score="learnability", seed=0)
    tasks = learn.ask_encoded("agent", 1)
    learn.tell(
        EventBatch.build(
            learner_ids=["agent"] * 2,
            tasks=np.concatenate([tasks, tasks]),
            outcomes=OutcomeBatch(success=[1, 0]),
            times=np.zeros(2),
            assignment_ids=[-1, -1],
        )
    )
    assert learn.buffer()[1].tolist() == [0.25]


def test_positive_value_loss_needs_advantages_and_params_are_checked(space: Generated) -> None:
    accel = ACCEL(space, seed=0)
    cur = tk.Curriculum(accel)
    a = cur.ask("agent")
    with pytest.raises(ValidationError, match="needs the episode's advantages"):
        cur.tell(a, tk.Outcome(reward=1.0))
    assert cur.events() == []
    with pytest.raises(ValidationError) as err:
        ACCEL(space, replay_prob=2.0, score="regret")
    assert len(err.value.problems) == 2
    with pytest.raises(ValidationError, match="works on Generated spaces"):
        ACCEL(tk.spaces.Discrete(3))


def test_curriculum_marks_evaluation_only_assignments(space: Generated) -> None:
    cur = tk.Curriculum(ACCEL(space, buffer_size=2, min_fill=1.0, replay_prob=1.0, seed=0))
    batch = cur.ask_many("agent", 2)
    assert batch.train.tolist() == [False, False] and not batch[0].train
    cur.tell_many(batch, tk.OutcomeBatch(reward=[1.0, 0.0], advantages=[[1.0], [0.5]]))
    assert cur.ask("agent").train is True
    robust = tk.Curriculum(tk.teachers.RobustPLR(tk.spaces.Discrete(50), seed=0))
    assert robust.ask("agent").train is False  # an empty buffer: a new level, scored only
