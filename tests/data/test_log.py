"""InteractionLog: validation, ordering, duplicates, spaces and slicing."""

from __future__ import annotations

import numpy as np
import pytest

from teachkit.data import DataWarning, InteractionLog
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete


def test_rows_are_grouped_by_learner_in_file_order() -> None:
    log = InteractionLog.from_arrays(
        ["b", "a", "b", "a"], ["q1", "q2", "q2", "q1"], [1, 0, 1, 1], time=[1, 2, 3, 4]
    )
    assert log.learner_ids.tolist() == ["b", "a"]
    assert log.learners.tolist() == [0, 0, 1, 1]
    assert [log.space.names[i] for i in log.items] == ["q1", "q2", "q2", "q1"]
    assert log.position.tolist() == [0, 1, 0, 1]
    assert log.lengths.tolist() == [2, 2]


def test_skills_build_the_q_matrix() -> None:
    log = InteractionLog.from_arrays(
        ["a", "a"], ["q1", "q2"], [1, 0], skills=["add", "add;mul"], time=[1, 2]
    )
    assert log.space.skill_names == ("add", "mul")
    assert log.space.q_matrix.tolist() == [[True, False], [True, True]]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        InteractionLog.from_arrays(
            ["a", "a", "b"], ["q", "q", "r"], [1, 2, float("nan")], source="log.csv"
        )
    assert err.value.problems == [
        "correct: expected a value on every row, got NaN/empty at rows 2; drop or fill those rows before loading"
    ]
    with pytest.raises(ValidationError) as err:
        InteractionLog.from_arrays(["a", ""], ["q", "r"], [1, 2], source="log.csv")
    assert str(err.value) == (
        "log.csv (2 problems):\n"
        "  - correct: expected 0 or 1, got 2 at rows 1; knowledge tracing needs binary correctness "
        "(threshold partial credit first)\n"
        "  - learner: expected an id on every row, missing at rows 1"
    )


def test_column_lengths_must_match() -> None:
    with pytest.raises(ValidationError, match=r"time: expected 2 entries \(one per row\), got 1"):
        InteractionLog.from_arrays(["a", "a"], ["q", "r"], [1, 0], time=[1])


def test_unknown_skills_and_items_are_rejected() -> None:
    space = Discrete(["q1", "q2"], skills={"q1": ["add"], "q2": ["mul"]})
    with pytest.raises(ValidationError, match=r"skills: unknown skills 'sub'"):
        InteractionLog.from_arrays(["a"], ["q1"], [1], skills=["sub"], space=space)
    with pytest.raises(ValidationError, match=r"item: not in the given space: 'q9'"):
        InteractionLog.from_arrays(["a"], ["q9"], [1], space=space)
    with pytest.raises(ValidationError, match="tagged differently in the space: 'q1'"):
        InteractionLog.from_arrays(["a"], ["q1"], [1], skills=["mul"], space=space)


def test_an_item_has_one_set_of_skills() -> None:
    with pytest.raises(ValidationError, match="these items have several: 'q1'"):
        InteractionLog.from_arrays(["a", "b"], ["q1", "q1"], [1, 0], skills=["add", "mul"])


def test_unsorted_times_are_an_error_unless_sorting_is_asked_for() -> None:
    args = (["a", "a", "b"], ["q1", "q2", "q1"], [1, 0, 1])
    with pytest.raises(
        ValidationError,
        match=r"timestamps go backwards for 1 learner\(s\) \('a'\); pass unsorted='sort'",
    ):
        InteractionLog.from_arrays(*args, time=[5, 1, 3])
    with pytest.warns(DataWarning, match="sorted each learner's rows by time"):
        log = InteractionLog.from_arrays(*args, time=[5, 1, 3], unsorted="sort")
    assert log.time.tolist() == [1, 5, 3]
    assert [log.space.names[i] for i in log.items] == ["q2", "q1", "q1"]
    assert log.notes == (
        "timestamps go backwards for 1 learner(s) ('a'): sorted each learner's rows by time (1 inversions)",
    )


def test_duplicates_are_reported_and_handled_as_asked() -> None:
    args = (["a", "a", "a"], ["q1", "q1", "q2"], [1, 1, 0])
    with pytest.raises(
        ValidationError,
        match=r"1 duplicate row\(s\) \(same learner, item, time and correctness\); pass duplicates='drop'",
    ):
        InteractionLog.from_arrays(*args, time=[1, 1, 2])
    with pytest.warns(DataWarning, match="dropped the repeats"):
        dropped = InteractionLog.from_arrays(*args, time=[1, 1, 2], duplicates="drop")
    assert len(dropped) == 2
    with pytest.warns(DataWarning, match="kept them, as asked"):
        kept = InteractionLog.from_arrays(*args, time=[1, 1, 2], duplicates="keep")
    assert len(kept) == 3
    # without times, equal rows are separate answers
    assert len(InteractionLog.from_arrays(*args)) == 3


def test_policies_are_checked() -> None:
    with pytest.raises(
        ValidationError, match=r"unsorted: expected one of \('error', 'sort'\), got 'yes'"
    ):
        InteractionLog.from_arrays(["a"], ["q"], [1], unsorted="yes")


def test_groups_are_one_per_learner() -> None:
    log = InteractionLog.from_arrays(
        ["a", "b", "a"], ["q", "q", "r"], [1, 0, 1], groups=["x", "y", "x"]
    )
    assert log.groups is not None
    assert log.groups.tolist() == ["x", "y"]
    with pytest.raises(ValidationError, match="expected one group per learner"):
        InteractionLog.from_arrays(["a", "a"], ["q", "r"], [1, 0], groups=["x", "y"])


def test_slicing_and_respacing() -> None:
    log = InteractionLog.from_arrays(["a", "b", "a", "c"], ["q1", "q2", "q1", "q3"], [1, 0, 0, 1])
    sub = log.take_learners(np.array([2, 0]))
    assert sub.learner_ids.tolist() == ["c", "a"]
    assert sub.lengths.tolist() == [1, 2]
    rows = log.take_rows(log.correct > 0)
    assert rows.learner_ids.tolist() == ["a", "c"]
    space = Discrete(["q3", "q2", "q1", "q0"])
    moved = log.with_space(space)
    assert [space.names[i] for i in moved.items] == [log.space.names[i] for i in log.items]
    with pytest.raises(ValidationError, match="items not in the model's space: 'q3'"):
        log.with_space(Discrete(["q1", "q2"]))


def test_events_round_trip() -> None:
    log = InteractionLog.from_arrays(
        ["a", "b", "a"], ["q1", "q2", "q1"], [1, 0, 0], time=[1.0, 2.0, 3.0]
    )
    events = log.to_events()
    back = InteractionLog.from_events(events, log.space)
    assert back.learner_ids.tolist() == ["a", "b"]
    assert back.correct.tolist() == log.correct.tolist()
    assert back.time.tolist() == log.time.tolist()
