"""The storage conformance suite: subclass :class:`StorageConformance` and give it storages.

    class TestMyStorage(StorageConformance):
        @pytest.fixture
        def storage(self):
            s = MyStorage(...)
            yield s
            s.close()

Every test works on curricula with fresh, unique names, so a storage shared with other
tests is fine.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest

from teachkit._batch import EventBatch
from teachkit.errors import CurriculumExistsError, CurriculumNotFoundError
from teachkit.storages._base import (
    ABANDONED,
    OPEN,
    TOLD,
    AskOp,
    BaseStorage,
    ChangeOp,
    TellOp,
)
from teachkit.testing._storage_cases import CurriculumCases

NAN = float("nan")


def rows(
    learners: list[str],
    tasks: list[str],
    assignment_ids: list[int],
    *,
    score: list[float] | None = None,
    rewards: list[list[float] | None] | None = None,
) -> tuple[EventBatch, list[str]]:
    """``(batch, task texts)`` for ``append_tell`` (scores default to 1.0, other columns
    partly missing)."""
    n = len(tasks)
    return (
        EventBatch(
            learner_ids=np.array(learners, dtype=object),
            tasks=np.arange(n),  # storages keep the task texts, not the encoded tasks
            score=np.array(score if score is not None else [1.0] * n, dtype=np.float64),
            reward=np.array([NAN if i % 2 else 0.5 * i for i in range(n)], dtype=np.float64),
            success=np.array([1.0, 0.0, NAN][:n] + [NAN] * max(0, n - 3), dtype=np.float64),
            duration=np.full(n, NAN),
            time=np.arange(n, dtype=np.float64) + 1.7e9,
            assignment_ids=np.asarray(assignment_ids, dtype=np.int64),
            rewards=tuple(None if r is None else np.asarray(r, dtype=np.float64) for r in rewards)
            if rewards is not None
            else (None,) * n,
            advantages=(None,) * n,
        ),
        tasks,
    )


class StorageConformance(CurriculumCases):
    """Contract tests every storage must pass; subclasses provide a ``storage`` fixture.

    It includes :class:`~teachkit.testing._storage_cases.CurriculumCases`: whole curricula
    on the storage, fed bad input, must fail the same way on every storage and write
    nothing."""

    @pytest.fixture
    def storage(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError("subclasses provide a `storage` fixture")

    @staticmethod
    def new(storage: BaseStorage, config: dict[str, Any] | None = None) -> int:
        name = f"conformance-{uuid.uuid4().hex[:12]}"
        return storage.create_curriculum(name, config or {"teacher": {"x": 1}}, b"state-0").id

    # -- curricula ----------------------------------------------------------------------------
    def test_create_get_list_delete(self, storage: BaseStorage) -> None:
        name = f"c-{uuid.uuid4().hex[:8]}"
        info = storage.create_curriculum(name, {"teacher": {"a": [1, 2]}}, b"s0")
        got = storage.get_curriculum(name)
        assert (got.id, got.name, got.config) == (info.id, name, {"teacher": {"a": [1, 2]}})
        assert name in storage.list_curricula()
        assert storage.latest_snapshot(info.id) == (0, b"s0")
        storage.delete_curriculum(name)
        assert name not in storage.list_curricula()
        with pytest.raises(CurriculumNotFoundError):
            storage.get_curriculum(name)

    def test_create_twice_raises(self, storage: BaseStorage) -> None:
        name = f"c-{uuid.uuid4().hex[:8]}"
        storage.create_curriculum(name, {}, b"")
        with pytest.raises(CurriculumExistsError, match="already exists"):
            storage.create_curriculum(name, {}, b"")

    def test_unknown_name_suggests_a_near_one(self, storage: BaseStorage) -> None:
        name = f"spelling-{uuid.uuid4().hex[:6]}"
        storage.create_curriculum(name, {}, b"")
        with pytest.raises(CurriculumNotFoundError, match="did you mean"):
            storage.get_curriculum(name[:-1] + "x")

    # -- ops ----------------------------------------------------------------------------------
    def test_asks_get_gapless_seqs_and_ids(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            assert tx.last_seq == 0
            assert tx.append_ask("a", ["t1", "t2"], 10.0, 20.0) == (1, 1)
        with storage.transaction(cid) as tx:
            assert tx.last_seq == 1
            assert tx.append_ask("b", ["t3"], 11.0, None) == (2, 3)
        ops = list(storage.read_ops(cid))
        assert [(type(o), o.seq) for o in ops] == [(AskOp, 1), (AskOp, 2)]
        first = ops[0]
        assert isinstance(first, AskOp)
        assert (first.learner_id, first.tasks, first.first_id) == ("a", ["t1", "t2"], 1)

    def test_tell_records_rows_and_marks_told(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_ask("a", ["t1", "t2", "t3"], 10.0, 20.0)
        told, texts = rows(
            ["a", "a"], ["t1", "t3"], [1, 3], score=[0.25, 1.0], rewards=[[1.0, 0.0], None]
        )
        with storage.transaction(cid) as tx:
            assert tx.append_tell(told, texts) == 2
        with storage.transaction(cid) as tx:
            found = tx.lookup(np.array([3, 2, 1, 99]))
        assert found.status.tolist() == [TOLD, OPEN, TOLD, -1]
        assert found.tasks == ["t3", "t2", "t1", None]
        assert found.learner_ids == ["a", "a", "a", None]
        back = storage.read_events(cid)
        assert back.tasks == ["t1", "t3"]
        assert back.seq.tolist() == [2, 2]
        np.testing.assert_array_equal(back.score, [0.25, 1.0])
        np.testing.assert_array_equal(back.reward, told.reward)
        np.testing.assert_array_equal(back.success, told.success)
        assert np.isnan(back.duration).all()
        np.testing.assert_array_equal(back.time, told.time)
        assert back.rewards == ["[1.0, 0.0]", None]
        assert back.assignment_ids.tolist() == [1, 3]
        assert [a.id for a in storage.open_assignments(cid)] == [2]

    def test_events_without_assignment(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_tell(*rows(["z"], ["t9"], [-1]))
        assert storage.read_events(cid).assignment_ids.tolist() == [-1]

    def test_exception_rolls_everything_back(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_ask("a", ["t1"], 1.0, None)

        class Boom(Exception):
            pass

        def failing_op() -> None:
            with storage.transaction(cid) as tx:
                tx.append_ask("a", ["t2"], 2.0, None)
                tx.append_tell(*rows(["a"], ["t1"], [1]))
                raise Boom

        with pytest.raises(Boom):
            failing_op()
        with storage.transaction(cid) as tx:
            assert tx.last_seq == 1
            assert tx.lookup(np.array([1, 2])).status.tolist() == [OPEN, -1]
            assert tx.append_ask("a", ["t3"], 3.0, None) == (2, 2)
        assert len(storage.read_events(cid)) == 0

    def test_read_ops_interleaves_asks_and_tells_in_order(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        script = ["ask", "tell", "ask", "ask", "tell", "tell", "ask"]
        next_id = 1
        for i, kind in enumerate(script):
            with storage.transaction(cid) as tx:
                if kind == "ask":
                    tx.append_ask(f"l{i}", [f"t{i}"], float(i), None)
                    next_id += 1
                else:
                    tx.append_tell(*rows([f"l{i}"], [f"t{i}"], [-1]))
        ops = list(storage.read_ops(cid))
        assert [op.seq for op in ops] == list(range(1, len(script) + 1))
        assert ["ask" if isinstance(op, AskOp) else "tell" for op in ops] == script
        later = list(storage.read_ops(cid, after=4))
        assert [op.seq for op in later] == [5, 6, 7]
        with storage.transaction(cid) as tx:
            assert [op.seq for op in tx.read_ops(2)] == [3, 4, 5, 6, 7]
        tell = ops[1]
        assert isinstance(tell, TellOp)
        assert tell.rows.tasks == ["t1"]

    def test_abandon_expired(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_ask("a", ["t1", "t2"], 0.0, 5.0)
            tx.append_ask("b", ["t3"], 0.0, 50.0)
            tx.append_ask("c", ["t4"], 0.0, None)
        with storage.transaction(cid) as tx:
            tx.append_tell(*rows(["a"], ["t1"], [1]))
        with storage.transaction(cid) as tx:
            assert tx.abandon_expired(4.0) == []
        with storage.transaction(cid) as tx:
            gone = tx.abandon_expired(10.0)
        assert [(a.id, a.status) for a in gone] == [(2, ABANDONED)]
        with storage.transaction(cid) as tx:
            assert tx.abandon_expired(10.0) == []
            assert tx.lookup(np.array([1, 2, 3, 4])).status.tolist() == [
                TOLD,
                ABANDONED,
                OPEN,
                OPEN,
            ]
        assert storage.get_assignment(cid, 2).status == ABANDONED  # type: ignore[union-attr]
        assert storage.get_assignment(cid, 99) is None
        assert [a.id for a in storage.open_assignments(cid, "b")] == [3]

    def test_a_told_abandoned_assignment_counts_as_told(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_ask("a", ["t1"], 0.0, 1.0)
        with storage.transaction(cid) as tx:
            tx.abandon_expired(2.0)
            tx.append_tell(*rows(["a"], ["t1"], [1]))
        with storage.transaction(cid) as tx:
            assert tx.lookup(np.array([1])).status.tolist() == [TOLD]

    def test_snapshots(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        storage.put_snapshot(cid, 5, b"five")
        storage.put_snapshot(cid, 9, b"nine")
        storage.put_snapshot(cid, 9, b"nine again")  # idempotent, the first one stays
        assert storage.latest_snapshot(cid) == (9, b"nine")
        assert storage.latest_snapshot(cid, upto=8) == (5, b"five")
        assert storage.latest_snapshot(cid, upto=0) == (0, b"state-0")

    def test_read_events_of_one_learner(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        with storage.transaction(cid) as tx:
            tx.append_tell(*rows(["a", "b", "a"], ["t1", "t2", "t3"], [-1, -1, -1]))
        assert storage.read_events(cid, "a").tasks == ["t1", "t3"]
        assert storage.read_events(cid, "nobody").tasks == []

    def test_large_batches_round_trip(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        n = 2500
        tasks = [f"t{i % 37}" for i in range(n)]
        with storage.transaction(cid) as tx:
            assert tx.append_ask("a", tasks, 0.0, None) == (1, 1)
        with storage.transaction(cid) as tx:
            ids = np.arange(1, n + 1)
            tx.append_tell(*rows(["a"] * n, tasks, ids.tolist(), score=list(np.linspace(0, 1, n))))
        with storage.transaction(cid) as tx:
            assert (tx.lookup(np.arange(1, n + 1)).status == TOLD).all()
            odd = np.arange(1, n + 1, 7)  # not contiguous: looked up in chunks
            assert tx.lookup(odd).tasks == [tasks[i - 1] for i in odd]
        ops = list(storage.read_ops(cid))
        assert [len(op.tasks) if isinstance(op, AskOp) else len(op.rows) for op in ops] == [n, n]  # type: ignore[union-attr]

    # -- change ops, request ids, pages -------------------------------------------------------
    def test_change_ops_are_logged_in_order(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        assert storage.latest_change(cid) is None
        with storage.transaction(cid) as tx:
            tx.append_ask("a", ["t1"], 1.0, None)
        with storage.transaction(cid) as tx:
            assert tx.append_change({"class": "X", "params": {"n": 2}}, b"grown", 2.0) == 2
        with storage.transaction(cid) as tx:
            tx.append_tell(*rows(["a"], ["t1"], [1]))
        ops = list(storage.read_ops(cid))
        assert [type(op) for op in ops] == [AskOp, ChangeOp, TellOp]
        change = ops[1]
        assert isinstance(change, ChangeOp)
        assert (change.seq, change.config, change.state) == (
            2,
            {"class": "X", "params": {"n": 2}},
            b"grown",
        )
        latest = storage.latest_change(cid)
        assert latest is not None and (latest.seq, latest.state) == (2, b"grown")
        assert storage.last_seq(cid) == 3
        with storage.transaction(cid) as tx:
            assert [type(op) for op in tx.read_ops(1)] == [ChangeOp, TellOp]

    def test_a_rolled_back_change_leaves_nothing(self, storage: BaseStorage) -> None:
        cid = self.new(storage)

        def failing() -> None:
            with storage.transaction(cid) as tx:
                tx.append_change({}, b"x", 1.0)
                raise KeyError("boom")

        with pytest.raises(KeyError):
            failing()
        assert storage.latest_change(cid) is None
        assert storage.last_seq(cid) == 0

    def test_request_ids(self, storage: BaseStorage) -> None:
        cid, other = self.new(storage), self.new(storage)
        with storage.transaction(cid) as tx:
            assert tx.find_request("r1") is None
            seq, _ = tx.append_ask("a", ["t1"], 1.0, None)
            tx.put_request("r1", seq, "f" * 64, '{"id": 1}', 100.0)
        with storage.transaction(cid) as tx:
            found = tx.find_request("r1")
            assert found is not None
            assert (found.op_seq, found.fingerprint, found.response) == (1, "f" * 64, '{"id": 1}')
            tx.append_ask("a", ["t2"], 2.0, None)
            tx.put_request("r2", 2, "g" * 64, "{}", 200.0)
        with storage.transaction(other) as tx:
            assert tx.find_request("r1") is None  # request ids are per curriculum

        def failing() -> None:
            with storage.transaction(cid) as tx:
                tx.put_request("r3", 2, "h" * 64, "{}", 300.0)
                raise KeyError("rolled back")

        with pytest.raises(KeyError):
            failing()
        with storage.transaction(cid) as tx:
            assert tx.find_request("r3") is None
            assert tx.prune_requests(150.0) == 1
        with storage.transaction(cid) as tx:
            assert tx.find_request("r1") is None
            assert tx.find_request("r2") is not None

    def test_event_pages_end_on_op_boundaries(self, storage: BaseStorage) -> None:
        cid = self.new(storage)
        for learners in (["a"], ["b", "a", "b"], ["a"], ["b", "b"]):
            with storage.transaction(cid) as tx:
                n = len(learners)
                tx.append_tell(*rows(learners, [f"t{i}" for i in range(n)], [-1] * n))
        page = storage.read_event_page(cid, after=0, limit=2)
        assert page.seq.tolist() == [1, 2, 2, 2]  # op 2 comes whole
        page = storage.read_event_page(cid, after=2, limit=2)
        assert page.seq.tolist() == [3, 4, 4]
        assert len(storage.read_event_page(cid, after=4, limit=2)) == 0
        mine = storage.read_event_page(cid, after=0, limit=1, learner_id="b")
        assert (mine.seq.tolist(), mine.learner_ids) == ([2, 2], ["b", "b"])
        assert storage.read_event_page(cid, after=0, limit=100).seq.tolist() == [
            1,
            2,
            2,
            2,
            3,
            4,
            4,
        ]
