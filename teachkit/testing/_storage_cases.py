"""Curricula on a storage: the cases of bad input that every storage must treat the same.

:class:`CurriculumCases` runs a whole :class:`~teachkit.Curriculum` on the storage under
test (the ``storage`` fixture of :class:`~teachkit.testing.storage.StorageConformance`):
assignments of another curriculum, empty batches, ids and names outside the rules of
:mod:`teachkit._validation`. Each case checks the error and that nothing was written (the
op count and the last sequence number are unchanged).
"""

from __future__ import annotations

import json
import sys
import uuid
import zlib
from typing import Any

import numpy as np
import pytest

from teachkit._batch import OutcomeBatch
from teachkit._records import Outcome
from teachkit.curriculum import Curriculum
from teachkit.errors import (
    CurriculumNotFoundError,
    StorageError,
    UnknownAssignmentError,
    ValidationError,
)
from teachkit.spaces import Discrete
from teachkit.storages import BaseStorage, InMemoryStorage
from teachkit.teachers import Uniform

BAD_IDS: list[tuple[str, Any]] = [
    ("empty", ""),
    ("NUL byte", "a\x00b"),
    ("control character", "a\x07b"),
    ("newline", "line\nbreak"),
    ("lone surrogate", "a\ud800b"),
    ("too long", "x" * 201),
    ("1 MB", "y" * 1_000_000),
    ("not a string", 7),
]
"""Learner ids, curriculum names and task names that no storage may accept."""


def _curriculum(storage: BaseStorage, name: str | None = None, tasks: Any = ("p", "q")) -> Any:
    space = Discrete(list(tasks))
    return Curriculum(
        Uniform(space, seed=0), storage, f"cases-{uuid.uuid4().hex[:12]}" if name is None else name
    )


def _unchanged(cur: Any, ops: int) -> None:
    assert cur.ops == ops
    assert cur.storage.last_seq(cur.storage_id) == ops


class CurriculumCases:
    """Whole-curriculum cases on the storage of the ``storage`` fixture."""

    # -- defect: assignments are checked by a token, not by name ------------------------------
    def test_an_assignment_of_another_curriculum_of_the_same_name_is_refused(
        self, storage: BaseStorage
    ) -> None:
        name = f"same-{uuid.uuid4().hex[:8]}"
        other = _curriculum(InMemoryStorage(), name, tasks=("x", "y"))
        mine = _curriculum(storage, name)
        theirs, own = other.ask("alice"), mine.ask("bob")
        assert theirs.id == own.id == 1 and theirs.curriculum == own.curriculum
        assert theirs.curriculum_uid != own.curriculum_uid == mine.uid
        batch = other.ask_many("alice", 3)
        for attempt in (
            lambda: mine.tell(theirs, Outcome(score=1.0)),
            lambda: mine.tell_many([(theirs, Outcome(score=1.0))]),
            lambda: mine.tell_many([theirs], OutcomeBatch(score=np.ones(1))),
            lambda: mine.tell_many(batch, OutcomeBatch(score=np.array([1.0, 0.0, 1.0]))),
            lambda: mine.tell_many(list(batch), [Outcome(score=1.0)] * 3),
        ):
            with pytest.raises(ValidationError, match="another curriculum of the same name"):
                attempt()
            _unchanged(mine, 1)
        assert mine.tell(own, Outcome(score=1.0)) is not None  # its own still works
        _unchanged(mine, 2)

    def test_a_recreated_curriculum_refuses_the_old_ones_assignments(
        self, storage: BaseStorage
    ) -> None:
        name = f"again-{uuid.uuid4().hex[:8]}"
        old = _curriculum(storage, name)
        stale = old.ask("alice")
        storage.delete_curriculum(name)
        new = _curriculum(storage, name)
        new.ask("alice")
        with pytest.raises(ValidationError, match="another curriculum of the same name"):
            new.tell(stale, Outcome(score=1.0))
        _unchanged(new, 1)

    def test_read_back_and_reloaded_assignments_carry_the_token(self, storage: BaseStorage) -> None:
        cur = _curriculum(storage)
        a = cur.ask("alice")
        again = Curriculum.load(storage, cur.name)
        assert again.uid == cur.uid
        assert [x.curriculum_uid for x in again.assignments()] == [cur.uid]
        assert again.tell(a, Outcome(score=0.5)) is not None

    # -- defect: an empty batch is a no-op everywhere -----------------------------------------
    def test_an_empty_batch_writes_nothing(self, storage: BaseStorage) -> None:
        cur = _curriculum(storage)
        cur.tell(cur.ask("alice"), Outcome(score=1.0))
        assert cur.tell_many([], OutcomeBatch(score=np.empty(0))) == 0
        assert cur.tell_many([], []) == 0
        assert cur.tell_many([]) == 0
        assert cur.record_many([], [], OutcomeBatch(score=np.empty(0))) == []
        _unchanged(cur, 2)
        again = Curriculum.load(storage, cur.name)
        assert again.ops == 2
        assert len(again.events()) == 1

    # -- defect: ids and names follow one rule on every storage -------------------------------
    @pytest.mark.parametrize(("why", "bad"), BAD_IDS, ids=[w for w, _ in BAD_IDS])
    def test_bad_learner_ids_are_refused_before_writing(
        self, storage: BaseStorage, why: str, bad: Any
    ) -> None:
        cur = _curriculum(storage)
        cur.tell(cur.ask("alice"), Outcome(score=1.0))
        for attempt in (
            lambda: cur.ask(bad),
            lambda: cur.ask_many(bad, 2),
            lambda: cur.record(bad, "p", Outcome(score=1.0)),
            lambda: cur.record_many(["bob", bad], ["p", "q"], [Outcome(score=1.0)] * 2),
            lambda: cur.events(bad),
            lambda: cur.assignments(bad),
            lambda: cur.ask("alice", request_id=bad),
        ):
            with pytest.raises(ValidationError):
                attempt()
            _unchanged(cur, 2)

    @pytest.mark.parametrize(("why", "bad"), BAD_IDS, ids=[w for w, _ in BAD_IDS])
    def test_bad_curriculum_names_are_refused(
        self, storage: BaseStorage, why: str, bad: Any
    ) -> None:
        before = storage.list_curricula()
        with pytest.raises(ValidationError, match="curriculum name"):
            _curriculum(storage, bad)
        with pytest.raises(ValidationError):
            Curriculum.load(storage, bad)
        for call in (storage.get_curriculum, lambda n: storage.create_curriculum(n, {}, b"")):
            with pytest.raises(ValidationError):
                call(bad)
        assert storage.list_curricula() == before

    @pytest.mark.parametrize(("why", "bad"), BAD_IDS, ids=[w for w, _ in BAD_IDS])
    def test_bad_task_names_are_refused(self, storage: BaseStorage, why: str, bad: Any) -> None:
        if why == "too long":
            bad = "t" * 1001  # task names may be longer than ids, up to 1000 characters
        with pytest.raises(ValidationError, match=r"tasks\[0\]"):
            Discrete([bad, "c"])
        cur = _curriculum(storage)
        with pytest.raises(ValidationError):
            cur.add_tasks([bad])
        with pytest.raises(ValidationError):
            cur.record("alice", bad, Outcome(score=1.0))
        _unchanged(cur, 0)

    def test_the_longest_allowed_ids_round_trip(self, storage: BaseStorage) -> None:
        learner, task = "é" * 200, "ü" * 1000
        cur = _curriculum(storage, "n" * 200 if isinstance(storage, InMemoryStorage) else None)
        cur.add_tasks([task])
        cur.record(learner, task, Outcome(score=1.0))
        a = cur.ask(learner, request_id="r" * 200)
        cur.tell(a, Outcome(score=0.0))
        again = Curriculum.load(storage, cur.name)
        assert next((e.learner_id, e.task) for e in again.events()) == (learner, task)

    # -- damaged or hostile stored data -------------------------------------------------------
    def test_a_damaged_snapshot_is_a_storage_error_and_the_log_rebuilds_it(
        self, storage: BaseStorage
    ) -> None:
        cur = _curriculum(storage)
        for i in range(4):
            cur.tell(cur.ask(f"l{i % 2}"), Outcome(score=float(i % 2)))
        state = cur.teacher.state_bytes()
        for blob in (b"\x00junk", zlib.compress(b'{"version": 1'), _rng_named("seed")):
            storage.put_snapshot(cur.storage_id, cur.ops + len(blob), blob)
            with pytest.raises(StorageError, match=r"snapshot after op \d+ .* is damaged"):
                Curriculum.load(storage, cur.name)
        rebuilt = Curriculum.load(storage, cur.name, snapshots=False)
        assert rebuilt.teacher.state_bytes() == state
        _unchanged(rebuilt, 8)

    @pytest.mark.parametrize("path", ["this:s", "os:system", "teachkit.testing.generators:X"])
    def test_a_stored_class_path_outside_the_registry_is_never_imported(
        self, storage: BaseStorage, path: str
    ) -> None:
        name = f"hostile-{uuid.uuid4().hex[:8]}"
        teacher = Uniform(Discrete(["a"]), seed=0)
        config = {"teacher": {"class": path, "params": {}}, "uid": "x"}
        storage.create_curriculum(name, config, teacher.state_bytes())
        before = set(sys.modules)
        with pytest.raises(ValidationError, match="not a registered teachkit class"):
            Curriculum.load(storage, name)
        assert "this" not in set(sys.modules) - before

    def test_loading_a_missing_curriculum_writes_nothing(self, storage: BaseStorage) -> None:
        before = storage.list_curricula()
        with pytest.raises(CurriculumNotFoundError):
            Curriculum.load(storage, f"nobody-{uuid.uuid4().hex[:8]}")
        assert storage.list_curricula() == before

    def test_out_of_range_assignment_ids_are_unknown_everywhere(self, storage: BaseStorage) -> None:
        cur = _curriculum(storage)
        cur.ask("alice")
        for aid in (2**70, 2**63, -1, 0, 99):
            with pytest.raises(UnknownAssignmentError):
                cur.get_assignment(aid)
        for bad in ("1", 1.0, True, None):
            with pytest.raises(ValidationError, match="integer assignment id"):
                cur.get_assignment(bad)
        assert cur.get_assignment(np.int64(1))[1] == "open"


def _rng_named(name: str) -> bytes:
    """A snapshot whose Generator names a bit generator that is not in the table."""
    rng = {"__tk__": "rng", "bit_generator": name, "state": {}}
    return zlib.compress(
        json.dumps({"version": 1, "class": "Uniform", "state": {"_rng": rng}}).encode()
    )
