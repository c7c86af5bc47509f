"""Handles sharing a curriculum: refresh, peek, mastery, the read-only teacher, request ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import teachkit as tk
from teachkit import Curriculum, Outcome
from teachkit.errors import ReadOnlyTeacherError, ValidationError
from teachkit.spaces import Discrete
from teachkit.teachers import Tutor, Uniform

SPACE = Discrete(
    ["1+1", "2+3", "2x3", "4x5"],
    skills={"1+1": ["add"], "2+3": ["add"], "2x3": ["mul"], "4x5": ["mul"]},
    prerequisites={"mul": ["add"]},
)


def _pair(tmp_path: Path) -> tuple[Curriculum, Curriculum]:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    a = Curriculum(Tutor(SPACE, seed=0), storage=url, name="maths")
    return a, Curriculum.load(url, "maths")


def test_refresh_catches_up_with_another_handle(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    for i in range(5):
        a.tell(a.ask("ana"), Outcome(success=i % 2 == 0))
    assert b.ops == 0 and b.refresh() == 10 and b.ops == 10
    assert b.refresh() == 0  # nothing new: one indexed read
    assert b.teacher.state_bytes() == a.teacher.state_bytes()
    assert b.mastery("ana") == a.mastery("ana")
    assert set(b.mastery("ana") or {}) == {"add", "mul"}
    a.tell(a.ask("ana"), Outcome(success=True))
    assert b.mastery("ana") == a.mastery("ana")  # mastery refreshes by itself
    assert b.due_reviews("ana") == a.due_reviews("ana") == []


def test_peek_shows_the_next_ask_and_changes_nothing(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    a.tell(a.ask("ana"), Outcome(success=True))
    before = b.teacher.state_bytes() if b.refresh() else b""
    ops = a.storage.last_seq(a.storage_id)
    assert b.peek("ana", 3) == b.peek("ana", 3)
    assert b.teacher.state_bytes() == before and a.storage.last_seq(a.storage_id) == ops
    assert b.peek("ana", 3) == list(a.ask_many("ana", 3).tasks)
    assert b.peek("bo") == [b.ask("bo").task]
    with pytest.raises(ValidationError, match="n: expected"):
        b.peek("ana", 0)


def test_the_teacher_is_read_only() -> None:
    cur = Curriculum(Tutor(SPACE, seed=0))
    cur.tell(cur.ask("ana"), Outcome(success=True))
    view = cur.teacher
    assert isinstance(view, Tutor) and view.mastered == 0.95 and view.plan("ana")
    with pytest.raises(
        ReadOnlyTeacherError, match=r"Tutor\.ask would change the curriculum's teacher"
    ):
        view.ask("ana")
    with pytest.raises(ReadOnlyTeacherError, match=r"curriculum\.peek"):
        view.tell([])
    with pytest.raises(ReadOnlyTeacherError, match=r"BKT\.update"):
        view.model.update([])
    with pytest.raises(ReadOnlyTeacherError, match="cannot set 'mastered'"):
        view.mastered = 0.5
    with pytest.raises(ReadOnlyTeacherError):
        view.load_state_dict(view.state_dict())
    assert view._steps == {"ana": 1}
    learn = view.model._learn  # an array attribute of the model: read-only through the view
    with pytest.raises(ValueError, match="read-only"):
        learn[0] = 0.5
    mine = view.copy()
    mine.ask("ana")  # a copy is the user's own
    assert type(mine) is Tutor and cur.ops == 2
    assert cur.teacher.state_bytes() != mine.state_bytes()
    again = Curriculum(cur.teacher)  # another curriculum takes a copy
    again.ask("ana")
    assert cur.ops == 2


def test_request_ids_make_asks_and_tells_happen_once(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    first = a.ask("ana", request_id="r-1")
    assert b.ask("ana", request_id="r-1") == first  # a retry from another process
    assert a.ops == 1 and b.refresh() == 0
    event = a.tell(first.id, Outcome(success=True), request_id="t-1")
    again = b.tell(first.id, Outcome(success=True), request_id="t-1")
    assert again == event and len(a.events()) == 1
    with pytest.raises(
        ValidationError,
        match=r"request_id: 'r-1' already identifies another request \(op 1\), not this ask",
    ):
        a.ask("bo", request_id="r-1")
    with pytest.raises(ValidationError, match="not this tell"):
        a.tell(first.id, Outcome(success=False), request_id="t-1")
    with pytest.raises(ValidationError, match="request_id: expected a non-empty string"):
        a.ask("ana", request_id="")
    events = a.record_many(
        ["x", "y"], ["1+1", "2x3"], [Outcome(score=1.0), Outcome(score=0.0)], request_id="imp"
    )
    assert (
        a.record_many(
            ["x", "y"], ["1+1", "2x3"], [Outcome(score=1.0), Outcome(score=0.0)], request_id="imp"
        )
        == events
    )
    assert len(a.events()) == 3


def test_record_many_checks_everything_first() -> None:
    cur = Curriculum(Uniform(SPACE, seed=0))
    with pytest.raises(ValidationError, match="unknown task 'nope'"):
        cur.record_many(["a", "b"], ["1+1", "nope"], [Outcome(score=1.0)] * 2)
    with pytest.raises(ValidationError, match="expected as many tasks and outcomes"):
        cur.record_many(["a"], ["1+1", "2x3"], [Outcome(score=1.0)])
    assert cur.ops == 0 and cur.record_many([], [], []) == []
    got = cur.record_many(["a", "b"], ["1+1", "2x3"], tk.OutcomeBatch(score=np.array([1.0, 0.5])))
    assert [(e.learner_id, e.task, e.outcome.score) for e in got] == [
        ("a", "1+1", 1.0),
        ("b", "2x3", 0.5),
    ]
    assert cur.ops == 1


def test_threads_sharing_a_handle_keep_the_teacher_equal_to_the_log(tmp_path: Path) -> None:
    # Regression: an op's sequence number was recorded after the lock was released, so
    # another thread could replay that op into the teacher a second time.
    import threading
    import warnings

    from teachkit.errors import ReplayMismatchWarning

    url = f"sqlite:///{tmp_path / 'threads.db'}"
    cur = Curriculum(Tutor(SPACE, seed=0), storage=url, name="maths")

    def work(name: str) -> None:
        for i in range(30):
            a = cur.ask(name)
            cur.tell(a.id, Outcome(success=i % 3 != 0))
            cur.mastery(name)

    threads = [threading.Thread(target=work, args=(f"t{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayMismatchWarning)
        loaded = Curriculum.load(url, "maths")
    assert loaded.ops == cur.ops == 240
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes()
