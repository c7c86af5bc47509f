"""Curriculum: asking, telling, errors, leases, reloads and recovery."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import teachkit as tk
from teachkit import Assignment, Curriculum, Outcome, OutcomeBatch
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    CurriculumNotFoundError,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.spaces import Box, Discrete
from teachkit.storages import InMemoryStorage
from teachkit.storages._memory import _MemoryTransaction
from teachkit.teachers import Sequential, Uniform

SPACE = Discrete(["add", "sub", "mul"])


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def make(**kwargs: object) -> Curriculum:
    return Curriculum(Uniform(SPACE, seed=0), **kwargs)  # type: ignore[arg-type]


def test_ask_and_tell_in_every_shape() -> None:
    cur = make()
    a = cur.ask("alice")
    assert isinstance(a, Assignment) and a.curriculum == "default" and a.task in SPACE.names
    event = cur.tell(a, Outcome(score=1.0))
    assert event is not None and event.assignment_id == a.id and event.task == a.task
    b = cur.ask("alice")
    assert cur.tell(b.id, Outcome(score=0.0)).outcome.score == 0.0  # type: ignore[union-attr]
    batch = cur.ask_many("agent", 4)
    assert len(batch) == 4 and [x.id for x in batch] == batch.ids.tolist()
    assert batch.tasks == [x.task for x in batch]
    assert (
        cur.tell_many([(batch[0], Outcome(score=1.0)), (int(batch.ids[1]), Outcome(reward=2.0))])
        == 2
    )
    assert cur.tell_many(batch[2:], [Outcome(score=0.5), Outcome(success=True)]) == 2
    more = cur.ask_many("agent", 3)
    assert cur.tell_many(more, OutcomeBatch(score=[1, 0, 1], rewards=[[1, 0], [0, 0], [1, 1]])) == 3
    events = cur.events()
    assert len(events) == 9 and [e.learner_id for e in events[:2]] == ["alice", "alice"]
    assert events[-1].outcome.rewards == (1.0, 1.0) and events[-1].outcome.reward == 1.0
    assert cur.events("alice")[1].outcome.score == 0.0
    assert cur.assignments() == [] and cur.ops == 9  # 4 asks and 5 tells


def test_record_unassigned_practice() -> None:
    cur = Curriculum(Sequential(SPACE, window=1))
    cur.record("bob", "add", Outcome(score=1.0))
    assert cur.ask("bob").task == "sub"
    assert cur.events("bob")[0].assignment_id is None
    with pytest.raises(ValidationError, match="unknown task 'dvi'"):
        cur.record("bob", "dvi", Outcome(score=1.0))


def test_tell_errors_and_skip_if_finished() -> None:
    cur = make()
    a = cur.ask("alice")
    cur.tell(a, Outcome(score=1.0))
    with pytest.raises(
        AssignmentFinishedError,
        match=f"assignments {a.id} were already told; pass skip_if_finished=True",
    ):
        cur.tell(a, Outcome(score=1.0))
    assert cur.tell(a, Outcome(score=1.0), skip_if_finished=True) is None
    with pytest.raises(UnknownAssignmentError, match="never handed out assignment ids 999"):
        cur.tell(999, Outcome(score=1.0))
    batch = cur.ask_many("x", 2)
    assert (
        cur.tell_many(
            [(a, Outcome(score=1.0)), (batch[0], Outcome(score=0.0))], skip_if_finished=True
        )
        == 1
    )
    assert len(cur.events()) == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c, b: c.tell(b[0], 1.0),
            "outcome: expected an Outcome, got float; e.g. tk.Outcome(score=1.0)",
        ),
        (
            lambda c, b: c.tell("3", Outcome(score=1)),
            "[0]: expected an Assignment or its integer id, got '3'",
        ),
        (
            lambda c, b: c.tell_many([b[0], b[1]]),
            "expected (assignment, outcome) pairs, got Assignment at positions 0, 1",
        ),
        (
            lambda c, b: c.tell_many(b, [Outcome(score=1)]),
            "expected one outcome per assignment (3), got 1",
        ),
        (
            lambda c, b: c.tell_many(b, [1, 2, 3]),
            "expected Outcome objects, got int at positions 0, 1, 2",
        ),
        (
            lambda c, b: c.tell_many([b[0], b[0]], [Outcome(score=1)] * 2),
            "each assignment may be told once, repeated: 1",
        ),
        (
            lambda c, b: c.tell_many(b, OutcomeBatch(score=[1, 0, 7])),
            "score: expected numbers in [0, 1], got others at rows 2",
        ),
        (lambda c, b: c.ask(""), "learner_id: expected a non-empty string, got ''"),
        (lambda c, b: c.ask_many("x", 0), "n: expected an integer >= 1, got 0"),
        (
            lambda c, b: c.tell(
                Assignment(1, "x", "add", b.created, None, "other"), Outcome(score=1)
            ),
            "assignment 1 belongs to curriculum 'other', not 'default'",
        ),
    ],
)
def test_bad_input_is_rejected_before_anything_is_written(call: object, message: str) -> None:
    cur = make()
    batch = cur.ask_many("x", 3)
    before = (cur.ops, len(cur.events()))
    with pytest.raises(ValidationError) as info:
        call(cur, batch)  # type: ignore[operator]
    assert message in str(info.value)
    assert (cur.ops, len(cur.events())) == before
    assert len(cur.assignments()) == 3


def test_a_batch_with_one_unknown_id_records_nothing() -> None:
    cur = make()
    batch = cur.ask_many("x", 2)
    with pytest.raises(UnknownAssignmentError):
        cur.tell_many([batch[0], 77], [Outcome(score=1)] * 2)
    assert cur.events() == [] and len(cur.assignments()) == 2


def test_teacher_validation_rejects_before_writing() -> None:
    class NeedsGroups(Uniform):
        def validate(self, batch: tk.EventBatch) -> None:
            if any(r is None for r in batch.rewards):
                raise ValidationError("NeedsGroups", ["expected group rewards"])

    cur = Curriculum(NeedsGroups(SPACE, seed=0))
    a = cur.ask("x")
    with pytest.raises(ValidationError, match="expected group rewards"):
        cur.tell(a, Outcome(score=1.0))
    assert cur.events() == [] and cur.assignments()[0].id == a.id
    assert cur.tell(a, Outcome(rewards=[1, 0])) is not None


def test_names_load_and_load_if_exists(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    cur = Curriculum(Sequential(SPACE, window=2), storage=url, name="math")
    cur.tell(cur.ask("ann"), Outcome(score=1.0))
    with pytest.raises(CurriculumExistsError, match="a curriculum named 'math' already exists"):
        Curriculum(Sequential(SPACE, window=2), storage=url, name="math")
    again = Curriculum(Sequential(SPACE, window=2), storage=url, name="math", load_if_exists=True)
    assert again.ops == 2 and again.teacher._recent == {"ann": [1.0]}  # type: ignore[attr-defined]
    with pytest.raises(CurriculumExistsError, match="with a different teacher"):
        Curriculum(Uniform(SPACE), storage=url, name="math", load_if_exists=True)
    with pytest.raises(
        CurriculumNotFoundError, match=r"no curriculum named 'maths'.*did you mean 'math'"
    ):
        Curriculum.load(url, "maths")
    with pytest.raises(ValidationError, match=r"expected a URL like 'sqlite:///run\.db'"):
        Curriculum(Uniform(SPACE), storage="run.db")
    with pytest.raises(ValidationError, match="name: expected a non-empty string"):
        Curriculum(Uniform(SPACE), name="")


def test_leases_expire_into_abandoned_and_are_reported() -> None:
    clock = Clock()
    seen: list[list[Assignment]] = []
    cur = make(lease=timedelta(minutes=10), clock=clock, on_abandon=seen.append)
    a = cur.ask("alice")
    b = cur.ask("bob")
    clock.advance(minutes=5)
    cur.tell(b, Outcome(score=1.0))
    assert seen == []
    clock.advance(minutes=6)
    cur.ask("carol")  # any op notices expired leases
    assert [[x.id for x in batch] for batch in seen] == [[a.id]]
    assert cur.get_assignment(a.id)[1] == "abandoned"
    assert cur.get_assignment(b.id)[1] == "told"
    assert [x.learner_id for x in cur.assignments()] == ["carol"]
    # A late outcome is still data: it is recorded, never dropped.
    assert cur.tell(a, Outcome(score=0.0)) is not None
    assert cur.get_assignment(a.id)[1] == "told"
    clock.advance(hours=1)
    assert [x.learner_id for x in cur.expire()] == ["carol"]


def test_abandoned_without_a_callback_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    cur = make(lease=timedelta(seconds=30), clock=clock)
    cur.ask_many("agent", 2)
    clock.advance(minutes=1)
    with caplog.at_level(logging.WARNING, logger="teachkit"):
        assert len(cur.expire()) == 2
    assert "2 assignment(s) abandoned after their lease ended: ids 1, 2" in caplog.text


def test_no_lease_never_expires() -> None:
    clock = Clock()
    cur = make(lease=None, clock=clock)
    a = cur.ask("x")
    assert a.expires is None
    clock.advance(days=400)
    assert cur.expire() == []


def test_a_failed_commit_leaves_no_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    cur = Curriculum(Sequential(SPACE, window=1), snapshot_every=2)
    cur.tell(cur.ask("ann"), Outcome(score=1.0))
    a = cur.ask("ann")
    state = cur.teacher.state_bytes()
    real = _MemoryTransaction.commit

    def broken(self: _MemoryTransaction) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(_MemoryTransaction, "commit", broken)
    with pytest.raises(OSError, match="disk full"):
        cur.tell(a, Outcome(score=1.0))  # the teacher learned it, the log did not
    monkeypatch.setattr(_MemoryTransaction, "commit", real)
    assert cur.get_assignment(a.id)[1] == "open"
    assert cur.ask("bob").task == "add"  # the next op rebuilds the teacher from the log
    assert cur.teacher.stage_of("ann") == 1  # type: ignore[attr-defined]
    loaded = Curriculum.load(cur.storage, cur.name)
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes() == state


def test_two_handles_on_one_storage_see_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = Curriculum(Sequential(SPACE, window=1), storage=url, name="s")
    second = Curriculum.load(url, "s")
    a = first.ask("ann")
    second.tell(a.id, Outcome(score=1.0))  # told from "another process"
    assert first.ask("ann").task == "sub"  # first caught up on second's tell
    assert second.ops == 2 and first.ops == 3


def test_snapshots_are_taken_periodically() -> None:
    storage = InMemoryStorage()
    cur = Curriculum(Uniform(SPACE, seed=1), storage=storage, snapshot_every=3)
    for _ in range(5):
        cur.tell(cur.ask("x"), Outcome(score=1.0))
    assert storage.latest_snapshot(1)[0] == 9
    cur.snapshot()
    assert storage.latest_snapshot(1)[0] == 10


def test_threads_share_one_curriculum() -> None:
    cur = make()
    ids: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        for _ in range(25):
            a = cur.ask(name)
            cur.tell(a, Outcome(score=1.0))
            with lock:
                ids.append(a.id)

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == list(range(1, 101)) and len(cur.events()) == 100


def test_box_curricula_store_tasks_exactly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'box.db'}"
    cur = Curriculum(Uniform(Box([0, 0], [1, 1e-9]), seed=3), storage=url, name="b")
    batch = cur.ask_many("bot", 5)
    cur.tell_many(batch, OutcomeBatch(reward=np.arange(5.0)))
    loaded = Curriculum.load(url, "b")
    assert [e.task for e in loaded.events()] == batch.tasks
    expected = cur.teacher.clone()
    expected.load_state_bytes(cur.teacher.state_bytes())
    assert loaded.ask("bot").task == expected.ask("bot")[0]


def test_repr() -> None:
    assert repr(make()) == (
        "Curriculum(name='default', teacher=Uniform(space=Discrete(['add', 'sub', 'mul']), seed=0), "
        "storage='memory://', ops=0)"
    )


def test_outcomes_are_validated_once_per_tell_through_a_curriculum_and_a_wrapper() -> None:
    calls: list[int] = []

    class Counting(tk.teachers.Uniform):
        def validate(self, batch: tk.EventBatch) -> None:
            calls.append(len(batch))

    space = tk.spaces.Discrete(["a", "b"])
    wrapped = tk.teachers.PerLearner(space, teacher=Counting(space, seed=0), seed=0)
    cur = tk.Curriculum(wrapped)
    cur.tell(cur.ask("ana"), tk.Outcome(score=1.0))
    batch = cur.ask_many("bo", 3)
    cur.tell_many(batch, tk.OutcomeBatch(score=[1.0, 0.0, 1.0]))
    assert calls == [1, 3]
