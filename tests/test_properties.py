"""Properties of the public API under generated input (issue 12).

Whatever ids, names, scores, batch shapes and orders arrive, every call ends in a result
or a :class:`~teachkit.errors.TeachkitError`, and a call that fails writes nothing: the
curriculum's op count and the storage's last sequence are unchanged. The same sequences
run on the in-memory storage and on SQLite. ``benchmarks/core/fuzz.py`` runs the same
kind of input at scale (10,000 cases per entry point); these tests keep a fast sample of
it in the suite.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import teachkit as tk
from teachkit.errors import TeachkitError

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_TEXT = st.sampled_from(
    ["", " ", "a\x00b", "\ud800", "x" * 5000, "../x", "/abs", "名前", "default", "\n", "0.5"]
)
TEXT = st.one_of(st.text(max_size=30), HOSTILE_TEXT)
NUMBER = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.sampled_from([np.float32(0.5), np.int64(1), np.uint64(2**64 - 1), np.array(0.25)]),
)
ANY = st.one_of(
    NUMBER,
    TEXT,
    st.booleans(),
    st.none(),
    st.binary(max_size=5),
    st.complex_numbers(max_magnitude=2),
    st.lists(st.one_of(NUMBER, st.booleans(), TEXT), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
LEARNER = st.one_of(st.sampled_from(["alice", "bob"]), TEXT, ANY)


def result_or_teachkit_error(call: Callable[[], Any]) -> bool:
    """Run ``call``; True when it raised a TeachkitError, False when it returned. Anything
    else propagates and fails the test."""
    try:
        call()
    except TeachkitError:
        return True
    return False


# -- records ----------------------------------------------------------------------------------
@SETTINGS
@given(value=st.one_of(NUMBER, TEXT, st.booleans(), st.binary(max_size=3), st.complex_numbers()))
def test_outcome_and_batch_agree_on_every_score(value: Any) -> None:
    one = result_or_teachkit_error(lambda: tk.Outcome(score=value))
    column = result_or_teachkit_error(lambda: tk.OutcomeBatch(score=[value]))
    mixed = result_or_teachkit_error(lambda: tk.OutcomeBatch(score=[0.5, value, 1.0]))
    assert one == column == mixed, (value, one, column, mixed)


@SETTINGS
@given(
    kwargs=st.dictionaries(
        st.sampled_from(
            ["score", "reward", "success", "rewards", "advantages", "duration", "time"]
        ),
        ANY,
        max_size=4,
    )
)
def test_outcome_from_anything(kwargs: dict[str, Any]) -> None:
    result_or_teachkit_error(lambda: tk.Outcome(**kwargs))


@SETTINGS
@given(
    n=st.integers(0, 4),
    columns=st.dictionaries(
        st.sampled_from(["score", "reward", "success", "duration", "rewards", "advantages"]),
        st.one_of(
            st.lists(st.one_of(NUMBER, st.booleans(), TEXT, st.none()), max_size=4),
            st.lists(st.lists(NUMBER, min_size=0, max_size=3), max_size=4),
            ANY,
        ),
        max_size=3,
    ),
)
def test_outcome_batch_from_any_columns(n: int, columns: dict[str, Any]) -> None:
    result_or_teachkit_error(lambda: tk.OutcomeBatch(**columns))


# -- spaces and teachers ----------------------------------------------------------------------
@SETTINGS
@given(
    tasks=st.one_of(st.lists(ANY, max_size=5), st.lists(TEXT, min_size=1, max_size=5), ANY),
    prerequisites=st.one_of(
        st.none(),
        st.dictionaries(TEXT, st.one_of(TEXT, st.lists(TEXT, max_size=2), ANY), max_size=2),
        st.lists(st.tuples(TEXT, TEXT), max_size=2),
    ),
    low=st.one_of(NUMBER, st.lists(NUMBER, max_size=3), ANY),
    high=st.one_of(NUMBER, st.lists(NUMBER, max_size=3), ANY),
)
def test_spaces_from_anything(tasks: Any, prerequisites: Any, low: Any, high: Any) -> None:
    result_or_teachkit_error(lambda: tk.spaces.Discrete(tasks, prerequisites=prerequisites))
    result_or_teachkit_error(lambda: tk.spaces.Box(low, high))
    data = {"type": "discrete", "tasks": tasks, "prerequisites": prerequisites}
    result_or_teachkit_error(lambda: tk.spaces.Space.from_dict(data, allow=()))


CHEAP_TEACHERS = ["uniform", "sequential", "tscl", "target_difficulty", "mastery", "alp_gmm"]


@SETTINGS
@given(
    name=st.sampled_from(CHEAP_TEACHERS),
    seed=st.one_of(st.integers(-(2**70), 2**70), ANY),
    param=st.integers(0, 100),
    value=ANY,
    order=st.one_of(st.none(), st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=5), ANY),
)
def test_teachers_from_anything(name: str, seed: Any, param: int, value: Any, order: Any) -> None:
    import inspect

    from teachkit.registry import teacher_class

    cls = teacher_class(name)
    space = (
        tk.spaces.Discrete(["a", "b", "c"])
        if tk.spaces.Discrete in cls.spaces
        else tk.spaces.Box([0, 0], [1, 1])
    )
    names = [p for p in inspect.signature(cls).parameters if p not in ("space", "seed")]
    kwargs = {names[param % len(names)]: value} if names else {}
    result_or_teachkit_error(lambda: cls(space, seed=seed))
    result_or_teachkit_error(lambda: cls(space, seed=0, **kwargs))
    if name == "sequential":
        result_or_teachkit_error(lambda: cls(space, order=order))


# -- a curriculum under generated sequences of calls --------------------------------------------
OUTCOME = st.one_of(
    st.builds(tk.Outcome, score=st.floats(0, 1)),
    st.builds(tk.Outcome, success=st.booleans()),
    ANY,
)
OP = st.one_of(
    st.tuples(st.just("ask"), LEARNER),
    st.tuples(st.just("ask_many"), LEARNER, st.one_of(st.integers(-3, 40), ANY)),
    st.tuples(st.just("peek"), LEARNER, st.one_of(st.integers(-3, 10), ANY)),
    st.tuples(st.just("tell"), st.integers(0, 12), OUTCOME, st.booleans()),
    st.tuples(st.just("tell_id"), st.one_of(st.integers(-(2**70), 2**70), ANY), OUTCOME),
    st.tuples(
        st.just("tell_many"),
        st.lists(st.integers(0, 12), max_size=5),
        st.one_of(
            st.lists(OUTCOME, max_size=5),
            st.builds(
                lambda s: tk.OutcomeBatch(score=np.clip(s, 0, 1)),
                st.lists(st.floats(0, 1), max_size=5),
            ),
            ANY,
        ),
    ),
    st.tuples(
        st.just("tell_many_pairs"), st.lists(st.tuples(st.integers(0, 12), OUTCOME), max_size=4)
    ),
)


def run_ops(cur: tk.Curriculum, ops: list[tuple[Any, ...]]) -> None:
    handed: list[Any] = []  # assignments handed out, by position (some told already)

    def pick(i: int) -> Any:
        return handed[i % len(handed)] if handed else i

    for op in ops:
        kind = op[0]
        calls: dict[str, Callable[[], Any]] = {
            "ask": lambda op=op: handed.append(cur.ask(op[1])),
            "ask_many": lambda op=op: handed.extend(list(cur.ask_many(op[1], op[2]))[:6]),
            "peek": lambda op=op: cur.peek(op[1], op[2]),
            "tell": lambda op=op: cur.tell(pick(op[1]), op[2], skip_if_finished=op[3]),
            "tell_id": lambda op=op: cur.tell(op[1], op[2]),
            "tell_many": lambda op=op: cur.tell_many([pick(i) for i in op[1]], op[2]),
            "tell_many_pairs": lambda op=op: cur.tell_many([(pick(i), o) for i, o in op[1]]),
        }
        before = (cur.ops, cur.storage.last_seq(cur.storage_id))
        if result_or_teachkit_error(calls[kind]):
            after = (cur.ops, cur.storage.last_seq(cur.storage_id))
            assert after == before, f"{op!r} failed but wrote: {before} -> {after}"


def teacher(kind: str) -> Any:
    if kind == "discrete":
        return tk.teachers.TSCL(tk.spaces.Discrete(["add", "sub", "mul"]), seed=0)
    return tk.teachers.Uniform(tk.spaces.Box([0, 0], [1, 1]), seed=0)


@SETTINGS
@given(kind=st.sampled_from(["discrete", "box"]), ops=st.lists(OP, max_size=12))
def test_curriculum_in_memory(kind: str, ops: list[tuple[Any, ...]]) -> None:
    run_ops(tk.Curriculum(teacher(kind), lease=None), ops)


@pytest.fixture(scope="module")
def sqlite_url() -> Any:
    with tempfile.TemporaryDirectory() as d:
        yield f"sqlite:///{Path(d) / 'properties.db'}"


@settings(SETTINGS, max_examples=30)
@given(
    kind=st.sampled_from(["discrete", "box"]),
    name=st.one_of(st.text(min_size=1, max_size=12), HOSTILE_TEXT),
    ops=st.lists(OP, max_size=10),
)
def test_curriculum_on_sqlite(sqlite_url: str, kind: str, name: str, ops: list[Any]) -> None:
    storage = tk.storages.get_storage(sqlite_url)
    before = storage.list_curricula()
    try:
        cur = tk.Curriculum(teacher(kind), storage=storage, name=name, load_if_exists=True)
    except TeachkitError:
        assert storage.list_curricula() == before  # a rejected name created nothing
        storage.close()
        return
    run_ops(cur, ops)
    cur.close()
    storage.close()


@SETTINGS
@given(value=st.one_of(NUMBER, st.booleans(), TEXT, st.none()))
def test_fractions_and_numpy_scalars_follow_the_rule(value: Any) -> None:
    # the rule, stated once: a single number, not a boolean, text or bytes, finite, in [0, 1]
    expected_ok = (
        not isinstance(value, bool | str | bytes | np.bool_)
        and value is not None
        and isinstance(value, int | float | Fraction | np.number | np.ndarray)
        and np.isfinite(float(value))
        and 0 <= float(value) <= 1
    ) if not (isinstance(value, int) and abs(value) > 2**1000) else False  # fmt: skip
    assert (not result_or_teachkit_error(lambda: tk.Outcome(score=value))) == expected_ok
