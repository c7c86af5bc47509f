"""Nothing is lost: reload equivalence, SIGKILL in the middle of tells, concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import teachkit as tk
from teachkit.spaces import Box, Discrete
from teachkit.teachers import BaseTeacher, Sequential, Uniform
from tests.conftest import schema_url_kwargs

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = ["ann", "bob", "cid"]
FIXED = datetime(2026, 1, 1, tzinfo=UTC)

TEACHERS = {
    "sequential-discrete": lambda: Sequential(
        Discrete(["a", "b", "c", "d"]), window=2, threshold=0.5, seed=5
    ),
    "sequential-box": lambda: Sequential(
        Box([0, 0], [1, 1]), stages=4, window=2, threshold=0.5, spread=0.2, seed=3
    ),
    "uniform": lambda: Uniform(Discrete(7), seed=11),
}

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("ask"), st.sampled_from(LEARNERS), st.integers(1, 3)),
        st.tuples(st.just("tell"), st.integers(0, 50), st.floats(0, 1)),
        st.tuples(st.just("tell_many"), st.integers(1, 4), st.floats(0, 1)),
        st.tuples(st.just("record"), st.sampled_from(LEARNERS), st.floats(0, 1)),
        st.tuples(st.just("reload")),
    ),
    max_size=40,
)


class _Pair:
    """The same program run on a curriculum that never stops and on one that reloads."""

    def __init__(self, make: object, snapshot_every: int, url: str) -> None:
        self.steady = tk.Curriculum(
            make(), snapshot_every=snapshot_every, lease=None, clock=lambda: FIXED
        )  # type: ignore[operator]
        self.url = url
        self.other = tk.Curriculum(
            make(),
            storage=url,
            name="p",
            snapshot_every=snapshot_every,
            lease=None,
            clock=lambda: FIXED,
        )  # type: ignore[operator]
        self.open: list[int] = []

    def ask(self, learner: str, n: int) -> None:
        a, b = self.steady.ask_many(learner, n), self.other.ask_many(learner, n)
        assert a.tasks == b.tasks, "a reloaded curriculum chose differently"
        assert a.ids.tolist() == b.ids.tolist()
        self.open += a.ids.tolist()

    def tell(self, ids: list[int], score: float) -> None:
        outcomes = [tk.Outcome(score=score)] * len(ids)
        assert self.steady.tell_many(ids, outcomes) == self.other.tell_many(ids, outcomes)
        self.open = [i for i in self.open if i not in ids]

    def record(self, learner: str, score: float) -> None:
        task = self.steady.space.sample(np.random.default_rng(int(score * 1000)))
        self.steady.record(learner, task, tk.Outcome(score=score))
        self.other.record(learner, task, tk.Outcome(score=score))

    def reload(self) -> None:
        self.other.close()
        self.other = tk.Curriculum.load(self.url, "p", clock=lambda: FIXED)


@given(
    ops=OPS, snapshot_every=st.sampled_from([1, 2, 5, 1000]), kind=st.sampled_from(sorted(TEACHERS))
)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_reloaded_curriculum_makes_the_same_next_choices(
    ops: list[tuple], snapshot_every: int, kind: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pair = _Pair(TEACHERS[kind], snapshot_every, f"sqlite:///{tmp}/p.db")
        for op in ops:
            if op[0] == "ask":
                pair.ask(op[1], op[2])
            elif op[0] == "tell" and pair.open:
                pair.tell([pair.open[op[1] % len(pair.open)]], op[2])
            elif op[0] == "tell_many" and pair.open:
                pair.tell(pair.open[: op[1]], op[2])
            elif op[0] == "record":
                pair.record(op[1], op[2])
            elif op[0] == "reload":
                pair.reload()
        pair.reload()
        assert pair.other.teacher.state_bytes() == pair.steady.teacher.state_bytes()
        for learner in LEARNERS:
            pair.ask(learner, 2)
        pair.other.close()


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests._workers", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_sigkill_in_the_middle_of_tells_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    url = f"sqlite:///{db}"
    tk.Curriculum(Sequential(Discrete(["a", "b", "c"]), window=3), storage=url, name="k").close()
    returned: list[int] = []
    for kill_after in (40, 130, 25):
        child = _start("tell_stream", url, "k")
        assert child.stdout is not None
        lines = 0
        while lines < kill_after:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(
                    f"worker died early: {child.stderr.read() if child.stderr else ''}"
                )
            returned += [int(x) for x in line.split()]
            lines += 1
        child.send_signal(signal.SIGKILL)  # mid-stream: it is busy with the next ask or tell
        child.wait(timeout=30)
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cur = tk.Curriculum.load(url, "k")
    told = {e.assignment_id for e in cur.events()}
    missing = set(returned) - told
    assert not missing, f"tells that returned but are not in the log: {sorted(missing)[:10]}"
    assert len(told) == len(cur.events())  # no duplicates
    cur.tell(cur.ask("after"), tk.Outcome(score=1.0))  # and it keeps working


@pytest.mark.slow
@pytest.mark.postgres
def test_concurrent_processes_share_one_postgres_curriculum(
    postgres_schema: tuple[str, str],
) -> None:
    url, schema = postgres_schema
    storage = tk.storages.SQLStorage(url, engine_kwargs=schema_url_kwargs(schema))
    cur = tk.Curriculum(
        Sequential(Discrete(["a", "b", "c"]), window=2), storage=storage, name="shared"
    )
    workers, rounds = 4, 40
    children = [_start("share", url, "shared", schema, str(w), str(rounds)) for w in range(workers)]
    told: list[int] = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        told += json.loads(out.strip().splitlines()[-1])
    expected_per_worker = (rounds // 2) * 1 + (rounds // 2) * 3
    assert len(told) == workers * expected_per_worker
    assert len(set(told)) == len(told), "two processes were handed the same assignment id"
    assert sorted(told) == list(range(1, len(told) + 1)), "assignment ids have gaps"
    events = cur.events()
    ids = [e.assignment_id for e in events]
    assert len(ids) == len(set(ids)) == len(told), "an event was lost or duplicated"
    ops = list(storage.read_ops(cur._info.id))
    assert [op.seq for op in ops] == list(range(1, len(ops) + 1))
    # Every process's view is the log's: a fresh load equals the catching-up handle.
    cur.ask("final")
    fresh = tk.Curriculum.load(storage, "shared")
    assert fresh.teacher.state_bytes() == cur.teacher.state_bytes()
    storage.close()


def test_teachers_in_the_property_test_are_real() -> None:
    for make in TEACHERS.values():
        assert isinstance(make(), BaseTeacher)
