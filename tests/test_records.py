"""Outcome, Event, Assignment, OutcomeBatch and EventBatch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from teachkit import Assignment, Event, EventBatch, Outcome, OutcomeBatch
from teachkit.errors import ValidationError
from teachkit.spaces import Box, Discrete

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_outcome_normalizes() -> None:
    o = Outcome(score=1, success=np.bool_(True), rewards=[1, 0, 0, 1], duration=3)
    assert o.score == 1.0 and isinstance(o.score, float)
    assert o.success is True and o.reward == 0.5 and o.rewards == (1.0, 0.0, 0.0, 1.0)
    local = datetime(2026, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert Outcome(reward=-3.5, time=local).time == T0


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome(score=0.25),
        Outcome(reward=-2.0, success=False, duration=1.5, time=T0),
        Outcome(rewards=[1, 0], advantages=[0.7, -0.7]),
    ],
)
def test_records_round_trip(outcome: Outcome) -> None:
    assert Outcome.from_dict(outcome.to_dict()) == outcome
    event = Event("alice", "add", outcome, T0, assignment_id=4)
    assert Event.from_dict(event.to_dict()) == event
    box_event = Event("bot", (0.5, 1.0), outcome, T0)
    assert Event.from_dict(box_event.to_dict()) == box_event


def test_assignment_round_trip_and_lease() -> None:
    a = Assignment(7, "alice", "add", T0, T0 + timedelta(hours=1), "math")
    assert Assignment.from_dict(a.to_dict()) == a
    assert a.lease == timedelta(hours=1)


OUTCOME_ERRORS = [
    (
        dict(score=1.5),
        "score: expected a number in [0, 1], got 1.5; scores live in [0, 1], pass raw values as reward=",
    ),
    (dict(score=float("nan")), "score: expected a finite number, got nan"),
    (dict(reward=float("inf")), "reward: expected a finite number, got inf"),
    (dict(reward="3"), "reward: expected a number, got '3' (str)"),
    (dict(score=True), "score: expected a number, got True (bool)"),
    (dict(success=2), "success: expected True, False or None, got 2"),
    (dict(rewards=[]), "rewards: expected a non-empty list of numbers, got an empty one"),
    (dict(rewards=[1, float("nan")]), "rewards: expected finite numbers, got [1]=nan"),
    (
        dict(rewards=[1, 0], advantages=[1.0]),
        "advantages: expected one per rollout (2 rewards), got 1",
    ),
    (dict(score=1, duration=-1), "duration: expected a number in [0, inf], got -1.0"),
    (
        dict(score=1, time=datetime(2026, 1, 1)),
        "time: expected a timezone-aware datetime, got the naive 2026-01-01T00:00:00",
    ),
    (dict(score=1, time="yesterday"), "time: expected a datetime, got 'yesterday' (str)"),
    ({}, "expected at least one of score, reward, rewards or success, got none of them"),
]


@pytest.mark.parametrize(
    ("kwargs", "message"), OUTCOME_ERRORS, ids=[m[:30] for _, m in OUTCOME_ERRORS]
)
def test_outcome_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Outcome(**kwargs)
    assert message in str(info.value)


def test_outcome_reports_every_problem_at_once() -> None:
    with pytest.raises(ValidationError) as info:
        Outcome(score=2, reward=float("nan"), duration=-1)
    assert len(info.value.problems) == 3


def test_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="unknown key 'scor' \\(did you mean 'score'\\?\\)"):
        Outcome.from_dict({"scor": 1.0})


def test_outcome_batch_validates_columns() -> None:
    ok = OutcomeBatch(score=[0.0, 1.0], rewards=[[1, 0], [1, 1]])
    assert ok.n == 2 and ok.reward.tolist() == [0.5, 1.0]  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as info:
        OutcomeBatch(score=[0.5, 1.5, float("nan")], success=[1, 2, 0], duration=[-1, 0, 0])
    text = str(info.value)
    assert "score: expected finite numbers, got NaN/inf at rows 2" in text
    with pytest.raises(ValidationError, match="expected 2 rows like the other columns, got 3"):
        OutcomeBatch(score=[0.1, 0.2], reward=[1, 2, 3])
    with pytest.raises(
        ValidationError, match="score: expected numbers in \\[0, 1\\], got others at rows 1"
    ):
        OutcomeBatch(score=[0.5, 1.5])
    with pytest.raises(ValidationError, match="expected an array of shape \\(n, G\\) with G >= 1"):
        OutcomeBatch(rewards=[1, 0])
    with pytest.raises(ValidationError, match="expected at least one of"):
        OutcomeBatch()


def test_event_batch_columns_signal_and_advantages() -> None:
    space = Discrete(["a", "b"])
    events = [
        Event("x", "a", Outcome(score=0.5), T0, 1),
        Event("y", "b", Outcome(reward=3.0, rewards=[1, 0, 1, 0]), T0, None),
        Event("x", "b", Outcome(success=True, rewards=[1, 1], advantages=[0.2, -0.2]), T0, 3),
    ]
    batch = EventBatch.from_events(events, space)
    assert batch.tasks.tolist() == [0, 1, 1]
    assert batch.signal().tolist() == [0.5, 3.0, 1.0]
    adv = batch.group_advantages()
    assert adv[0] is None
    np.testing.assert_allclose(adv[1], [1, -1, 1, -1], atol=1e-5)  # type: ignore[arg-type]
    np.testing.assert_allclose(adv[2], [0.2, -0.2])  # type: ignore[arg-type]
    assert batch.assignment_ids.tolist() == [1, -1, 3]
    assert [lid for lid, _ in batch.by_learner()] == ["x", "y"]
    # Recorded outcomes carry their resolved time, so they stand on their own.
    assert batch.events(space) == [
        Event(
            e.learner_id,
            e.task,
            Outcome.from_dict({**e.outcome.to_dict(), "time": T0}),
            T0,
            e.assignment_id,
        )
        for e in events
    ]
    assert len(batch.take(np.array([True, False, True]))) == 2


def test_event_batch_rejects_tasks_outside_the_space() -> None:
    with pytest.raises(ValidationError, match="unknown task 'c'"):
        EventBatch.from_events([Event("x", "c", Outcome(score=1.0), T0)], Discrete(["a", "b"]))
    with pytest.raises(ValidationError, match="task outside the space"):
        EventBatch.from_events([Event("x", (2.0,), Outcome(score=1.0), T0)], Box([0], [1]))
