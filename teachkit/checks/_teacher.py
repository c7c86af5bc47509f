"""check_teacher: exercise a teacher the way curricula will, and report what breaks."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch
from teachkit._component import Component
from teachkit._records import Event, Outcome
from teachkit._teacher import BaseTeacher
from teachkit._time import utcnow
from teachkit.errors import ReplayMismatchWarning, TeachkitError, ValidationError
from teachkit.spaces import Box, Discrete


class TeacherCheckError(TeachkitError, AssertionError):
    """A teacher failed one or more checks; the message lists them all."""


@dataclass
class _Script:
    """A fixed interaction: who asks how many tasks, and the outcomes they report."""

    seed: int
    rounds: int
    learners: tuple[str, ...] = ("learner-0", "learner-1", "learner-2")
    sizes: tuple[int, ...] = (1, 3, 2)
    group: int = 4
    log: list[Any] = field(default_factory=list)

    def play(
        self, teacher: BaseTeacher, start: int = 0, stop: int | None = None
    ) -> list[np.ndarray]:
        """Run rounds ``start..stop``; returns every ask's encoded tasks, in order."""
        asks: list[np.ndarray] = []
        for r in range(start, self.rounds if stop is None else stop):
            rng = np.random.default_rng([self.seed, r])
            tasks, lids = [], []
            for k, lid in enumerate(self.learners):
                n = self.sizes[(r + k) % len(self.sizes)]
                got = teacher.ask_encoded(lid, n)
                asks.append(got)
                tasks.append(got)
                lids += [lid] * n
            encoded = np.concatenate(tasks)
            m = len(lids)
            rewards = (rng.random((m, self.group)) < rng.random((m, 1))).astype(np.float64)
            outcomes = OutcomeBatch(
                score=rng.random(m),
                reward=rng.normal(size=m),
                success=(rng.random(m) < 0.5).astype(np.float64),
                rewards=rewards,
            )
            teacher.tell(
                EventBatch.build(
                    learner_ids=lids,
                    tasks=encoded,
                    outcomes=outcomes,
                    times=np.full(m, 1.7e9 + 60.0 * r),
                    assignment_ids=np.full(m, -1),
                )
            )
        return asks


def check_teacher(teacher: BaseTeacher, *, rounds: int = 24, seed: int = 0) -> None:
    """Check that a teacher keeps the contract curricula rely on.

    It checks, on fresh clones of ``teacher`` (the instance itself is not changed):

    * hyperparameters: every constructor argument is stored under its name; ``clone()``,
      ``repr`` and a ``to_config``/``from_config`` round trip work;
    * determinism: two clones with the same seed make the same choices over a scripted
      interaction with several learners and batch sizes;
    * every task asked for lies in the space, in the encoded form the space expects;
    * state: ``state_dict`` captures everything, so a clone loaded with the state halfway
      through makes exactly the same later choices (through the byte codec too);
    * curricula: a curriculum reloaded from its log makes the same next choices;
    * bad input: wrong learner ids, ``n < 1``, tasks outside the space and non-events are
      rejected with a ValidationError;
    * a growing item bank (Discrete spaces with named tasks, unless the teacher declares
      ``grows = False``): a curriculum adds tasks and
      retires some; the teacher moves onto the new space deterministically (two
      curricula grown alike end alike, and a reload from the log matches), hands out only
      tasks of the new space and never a retired one.

    Raises:
        TeacherCheckError: listing every failed check.

    Example:
        >>> import teachkit as tk
        >>> from teachkit.checks import check_teacher
        >>> check_teacher(tk.teachers.Uniform(tk.spaces.Discrete(3), seed=0))
    """
    if not isinstance(teacher, BaseTeacher):
        raise TeacherCheckError(
            f"expected a BaseTeacher subclass instance, got {type(teacher).__name__}"
        )
    failures: list[str] = []

    def check(name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {exc}")

    seeded = {"seed": seed} if "seed" in teacher._param_names() else {}
    script = _Script(seed=seed, rounds=rounds)

    def fresh() -> BaseTeacher:
        return teacher.clone(**seeded)

    check("hyperparameters", lambda: _check_params(teacher))
    check("determinism", lambda: _check_determinism(fresh, script))
    check("asks inside the space", lambda: _check_inside(fresh(), script))
    check("state round trip", lambda: _check_state(fresh, script))
    check("curriculum reload", lambda: _check_curriculum(fresh, script))
    check("bad input", lambda: _check_bad_input(fresh()))
    space = teacher.space
    if isinstance(space, Discrete) and not space.counted and teacher.grows:
        check("growing item bank", lambda: _check_growth(fresh, script))
    if failures:
        lines = "\n".join(f"  - {f}" for f in failures)
        raise TeacherCheckError(
            f"{type(teacher).__name__} failed {len(failures)} check(s):\n{lines}"
        )


def _check_params(teacher: BaseTeacher) -> None:
    params = teacher.get_params()
    clone = teacher.clone()
    assert type(clone) is type(teacher), "clone() returned another type"
    assert clone.to_config() == teacher.to_config(), "clone() changed the hyperparameters"
    rebuilt = Component.from_config(teacher.to_config())
    assert rebuilt.to_config() == teacher.to_config(), "to_config/from_config is not a round trip"
    text = repr(teacher)
    assert text.startswith(type(teacher).__name__), f"repr should start with the class name: {text}"
    assert "space" in params, "the space must be a constructor argument named 'space'"


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def _check_determinism(fresh: Callable[[], BaseTeacher], script: _Script) -> None:
    first, second = script.play(fresh()), script.play(fresh())
    assert _same(first, second), "two teachers built alike chose differently on the same outcomes"


def _check_inside(teacher: BaseTeacher, script: _Script) -> None:
    for encoded in script.play(teacher):
        for task in teacher.space.decode(encoded):
            assert teacher.space.contains(task), f"asked for {task!r}, which is outside the space"


def _check_state(fresh: Callable[[], BaseTeacher], script: _Script) -> None:
    half = script.rounds // 2
    original = fresh()
    script.play(original, 0, half)
    copy = fresh()
    copy.load_state_bytes(original.state_bytes())
    via_dict = fresh()
    via_dict.load_state_dict(original.state_dict())
    later = script.play(original, half)
    assert _same(later, script.play(copy, half)), (
        "a teacher restored from state_bytes() chose differently"
    )
    assert _same(later, script.play(via_dict, half)), (
        "a teacher restored from state_dict() chose differently"
    )


def _check_curriculum(fresh: Callable[[], BaseTeacher], script: _Script) -> None:
    from teachkit.curriculum import Curriculum
    from teachkit.curriculum._curriculum import config_modules

    cur = Curriculum(fresh(), snapshot_every=7)
    rng = np.random.default_rng(script.seed)
    for r in range(script.rounds):
        for k, lid in enumerate(script.learners):
            n = script.sizes[(r + k) % len(script.sizes)]
            batch = cur.ask_many(lid, n)
            rewards = (rng.random((n, script.group)) < 0.5).astype(np.float64)
            cur.tell_many(
                batch,
                OutcomeBatch(score=rng.random(n), reward=rng.normal(size=n), rewards=rewards),
            )
    # What the running curriculum would choose next, on a copy of its teacher...
    expected = fresh()
    expected.load_state_bytes(cur.teacher.state_bytes())
    # ...and what a curriculum rebuilt from the log (snapshot + replay) does choose.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayMismatchWarning)
        loaded = Curriculum.load(
            cur.storage, cur.name, allow=config_modules(cur.teacher.to_config())
        )
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes(), (
        "the reloaded teacher's state differs from the running teacher's"
    )
    for lid in script.learners:
        got = loaded.ask_many(lid, 2).encoded
        assert np.array_equal(got, expected.ask_encoded(lid, 2)), (
            "a reloaded curriculum chose differently from the running one"
        )


def _growth_args(space: Discrete) -> dict[str, Any]:
    """Two new tasks: one on an existing skill, one on a new skill that needs an old one."""
    new = ["⊕ grown-a", "⊕ grown-b"]
    args: dict[str, Any] = {"tasks": new}
    if space.tagged:
        first = space.skill_names[0]
        args["skills"] = {new[0]: [first], new[1]: ["⊕ grown-skill"]}
        if space.prerequisite_level == "skills":
            args["prerequisites"] = {"⊕ grown-skill": [first]}
    if space.prerequisite_level == "tasks" or (not space.tagged and space.prerequisites):
        args["prerequisites"] = {new[1]: [space.names[0]]}
    return args


def _grown_curriculum(fresh: Callable[[], BaseTeacher], script: _Script) -> tuple[Any, list[str]]:
    from teachkit.curriculum import Curriculum

    ticks = iter(range(10**9))

    def clock() -> datetime:  # the same times in both runs: outcomes carry the clock's time
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=30 * next(ticks))

    cur = Curriculum(fresh(), snapshot_every=5, clock=clock)
    rng = np.random.default_rng(script.seed)

    def rounds(k: int) -> list[str]:
        asked: list[str] = []
        for _ in range(k):
            for lid in script.learners:
                batch = cur.ask_many(lid, 2)
                asked += [str(t) for t in batch.tasks]
                cur.tell_many(
                    batch,
                    OutcomeBatch(
                        score=rng.random(2),
                        reward=rng.normal(size=2),
                        rewards=(rng.random((2, script.group)) < 0.5).astype(np.float64),
                    ),
                )
        return asked

    rounds(4)
    space = cur.space
    args = _growth_args(space)
    grown = cur.add_tasks(args.pop("tasks"), **args)
    asked = rounds(4)
    retired = [grown.names[0], grown.names[-2]]
    cur.retire_tasks(retired)
    asked_after = rounds(6)
    bad = sorted(set(asked_after) & set(retired))
    assert not bad, f"handed out retired tasks {bad}"
    outside = sorted(set(asked + asked_after) - set(grown.names))
    assert not outside, f"handed out tasks outside the grown space: {outside}"
    return cur, asked + asked_after


def _check_growth(fresh: Callable[[], BaseTeacher], script: _Script) -> None:
    from teachkit.curriculum import Curriculum
    from teachkit.curriculum._curriculum import config_modules

    cur, asked = _grown_curriculum(fresh, script)
    twin, twin_asked = _grown_curriculum(fresh, script)
    assert asked == twin_asked, "two curricula grown alike chose differently"
    for lid in script.learners:
        assert cur.peek(lid, 3) == twin.peek(lid, 3), (
            "two curricula grown alike would choose differently next"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReplayMismatchWarning)
        loaded = Curriculum.load(
            cur.storage, cur.name, allow=config_modules(cur.teacher.to_config())
        )
    assert loaded.teacher.state_bytes() == cur.teacher.state_bytes(), (
        "a curriculum reloaded after growing holds another teacher state"
    )
    for lid in script.learners:
        assert loaded.peek(lid, 3) == cur.peek(lid, 3), (
            "a curriculum reloaded after growing would choose differently"
        )


def _check_bad_input(teacher: BaseTeacher) -> None:
    space = teacher.space
    for bad_call, what in [
        (lambda: teacher.ask_encoded("", 1), "an empty learner id"),
        (lambda: teacher.ask_encoded(7, 1), "a non-string learner id"),  # type: ignore[arg-type]
        (lambda: teacher.ask_encoded("x", 0), "n=0"),
        (lambda: teacher.tell(["not an event"]), "a list of strings"),  # type: ignore[list-item]
        (lambda: teacher.tell(_outside_event(space)), "a task outside the space"),
    ]:
        try:
            bad_call()
        except ValidationError:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{what} raised {type(exc).__name__}, expected ValidationError"
            ) from None
        raise AssertionError(f"{what} was accepted, expected a ValidationError")


def _outside_event(space: Any) -> Event:
    if isinstance(space, Discrete):
        task: Any = "\u2205 not a task"
    elif isinstance(space, Box):
        task = tuple(float(h) + 1.0 for h in space.high)
    else:  # pragma: no cover - a third-party space
        task = object()
    return Event("x", task, Outcome(score=1.0), utcnow())
