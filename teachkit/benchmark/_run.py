"""The harness loop: every teacher on the same simulated population, seed by seed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from teachkit._teacher import BaseTeacher
from teachkit.benchmark._suite import Suite, TeacherSpec, _check_suite
from teachkit.errors import ValidationError
from teachkit.simulators import Simulator
from teachkit.spaces import Box, Discrete, Space

Row = dict[str, Any]
"""One result: ``suite, simulator, teacher, seed, step, kind, measure, value, better``."""

COLUMNS = ("suite", "simulator", "teacher", "seed", "step", "kind", "measure", "value", "better")
"""The columns of every row, in order.

``kind`` is ``"measure"`` (a value of ``sim.measures()`` after ``step`` steps) or
``"chosen"`` (how many tasks the teacher chose in a histogram cell ``measure`` during the
eval window ending at ``step``; only non-empty cells are reported). ``better`` is
``"higher"`` or ``"lower"`` where the simulator declares the measure's direction, else
``""``.
"""

SimulatorFactory = Callable[[int], Simulator]
TeacherLike = str | TeacherSpec | tuple[str, Mapping[str, Any]] | type[BaseTeacher]


def teacher_seed(seed: int) -> int:
    """The teacher's seed on paired seed ``seed``: derived from it, but independent of the
    simulator's stream (the same for every teacher, so they share their luck too)."""
    return int(np.random.SeedSequence([int(seed), 0x7EAC4]).generate_state(1)[0])


def directions(sim: Simulator | type[Simulator]) -> dict[str, str]:
    """Measure -> ``"higher"``/``"lower"``: the primary measure's direction, plus any the
    simulator declares in an optional ``directions: dict[str, bool]`` class attribute
    (True = higher is better)."""
    cls = sim if isinstance(sim, type) else type(sim)
    out = {
        str(k): "higher" if v else "lower"
        for k, v in (getattr(cls, "directions", None) or {}).items()
    }
    out[cls.primary] = "higher" if cls.higher_is_better else "lower"
    return out


def task_labels(space: Space, bins: int = 10) -> list[str]:
    """The histogram cells ``"chosen"`` rows are reported under, in plotting order: task
    names for a Discrete space; ``"i"`` (one dimension) or ``"i,j"`` (bins over the first
    two dimensions) bin indices for a Box space."""
    if isinstance(space, Discrete):
        return [str(n) for n in space.names]
    assert isinstance(space, Box)
    if space.dim == 1:
        return [str(i) for i in range(bins)]
    return [f"{i},{j}" for i in range(bins) for j in range(bins)]


def _cells(space: Space, tasks: np.ndarray, bins: int) -> np.ndarray:
    """The histogram cell (index into ``task_labels``) of each chosen task."""
    if isinstance(space, Discrete):
        return np.asarray(tasks, dtype=np.int64).reshape(-1)
    assert isinstance(space, Box)
    x = np.asarray(tasks, dtype=np.float64).reshape(-1, space.dim)
    width = np.where(space.high > space.low, space.high - space.low, 1.0)
    idx = np.clip(np.floor((x - space.low) / width * bins).astype(np.int64), 0, bins - 1)
    return idx[:, 0] if space.dim == 1 else idx[:, 0] * bins + idx[:, 1]


def _spec(t: TeacherLike) -> TeacherSpec:
    if isinstance(t, TeacherSpec):
        return t
    if isinstance(t, str):
        return TeacherSpec(t if ":" in t else t.strip().lower())
    if isinstance(t, type) and issubclass(t, BaseTeacher):
        return TeacherSpec(f"{t.__module__}:{t.__qualname__}", label=t.__name__.lower())
    if isinstance(t, tuple) and len(t) == 2 and isinstance(t[0], str) and isinstance(t[1], Mapping):
        return TeacherSpec(t[0], dict(t[1]))
    raise ValidationError(
        "teachers",
        [f"expected a name, a (name, params) pair, a TeacherSpec or a teacher class, got {t!r}"],
    )


def _build(spec: TeacherSpec, cls: Any, sim: Simulator, seed: int) -> BaseTeacher:
    try:
        teacher = (
            sim.oracle(seed) if cls is None else cls(sim.space, seed=seed, **dict(spec.params))
        )
        if spec.per_learner and cls is not None:
            from teachkit.teachers import PerLearner

            teacher = PerLearner(sim.space, teacher=teacher, seed=seed)
    except ValidationError as exc:
        raise ValidationError(
            f"teacher {spec.label!r} on {type(sim).__name__}", [str(exc)]
        ) from exc
    if not isinstance(teacher, BaseTeacher):
        raise ValidationError(
            f"teacher {spec.label!r}", [f"expected a BaseTeacher, got {type(teacher).__name__}"]
        )
    return teacher


def run(
    target: Suite | tuple[SimulatorFactory, Sequence[TeacherLike]],
    *,
    seeds: int | Sequence[int] | None = None,
    steps: int | None = None,
    eval_every: int | None = None,
    bins: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[Row]:
    """Run teachers on a simulator over paired seeds; yield one flat row per result.

    For each seed ``s`` and each teacher, a fresh simulator is built with seed ``s`` (so
    every teacher faces the same population) and the teacher with
    :func:`teacher_seed` ``(s)``. Each step every learner asks for ``sim.tasks_per_step``
    tasks, the simulator plays them, and the teacher is told the outcomes; the
    population is measured before the first step, every ``eval_every`` steps and after
    the last.

    Args:
        target: a :class:`Suite`, or ``(factory, teachers)`` where ``factory(seed)``
            builds a simulator and ``teachers`` are registered names (``"oracle"`` for
            the simulator's oracle), ``(name, params)`` pairs, :class:`TeacherSpec` or
            teacher classes.
        seeds: a number of seeds (``0 .. n-1``) or the seeds; overrides the suite's
            (default 4 for a factory).
        steps: practice steps per run; overrides the suite's (required for a factory).
        eval_every: measure every this many steps (default: the suite's, else steps // 10).
        bins: histogram bins per dimension for Box tasks (default: the suite's, else 10).
        progress: called with 1 after every step (e.g. ``tqdm.update``).

    Yields:
        dicts with the keys of :data:`COLUMNS`; ``pandas.DataFrame(list(rows))`` works.

    Example:
        >>> from teachkit.benchmark import run
        >>> rows = run((make_sim, ["uniform", "oracle"]), seeds=2, steps=20)  # doctest: +SKIP
    """
    if isinstance(target, Suite):
        suite = target.with_overrides(seeds=seeds, steps=steps)
        params = dict(suite.simulator_params)
        sim_cls = suite.simulator_class()
        n_learners = suite.n_learners

        def build(s: int) -> Simulator:
            sim: Simulator = sim_cls(n_learners, seed=s, **params)
            return sim

        factory: SimulatorFactory = build
        specs = list(suite.teachers)
        seed_list = list(suite.seeds)
        n_steps = suite.steps
        every = eval_every if eval_every is not None else suite.eval_every
        n_bins = bins if bins is not None else suite.bins
        suite_name, sim_name = suite.name, suite.simulator
        allow = suite.allow
    else:
        if not (isinstance(target, tuple) and len(target) == 2 and callable(target[0])):
            raise ValidationError(
                "run", [f"expected a Suite or a (simulator factory, teachers) pair, got {target!r}"]
            )
        factory, teachers = target
        specs = [_spec(t) for t in teachers]
        # a class passed as an object is the caller's own code: its module is allowed
        allow = tuple(dict.fromkeys(t.__module__ for t in teachers if isinstance(t, type)))
        if steps is None:
            raise ValidationError(
                "run", ["steps: required when running a (factory, teachers) pair"]
            )
        n_steps = steps
        every = eval_every if eval_every is not None else max(1, n_steps // 10)
        n_bins = 10 if bins is None else bins
        seeds = 4 if seeds is None else seeds
        seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
        check = Suite(
            name="run",
            simulator="?",
            teachers=tuple(specs),
            seeds=tuple(seed_list),
            steps=n_steps,
            eval_every=every,
            bins=n_bins,
            allow=allow,
        )
        problems = _check_suite(check, simulator=False)
        if problems:
            raise ValidationError("run", problems)
        suite_name, sim_name = "", ""
    classes = [s.resolve(allow) for s in specs]
    for seed in seed_list:
        for spec, cls in zip(specs, classes):
            yield from _one(
                factory, spec, cls, seed, n_steps, every, n_bins, suite_name, sim_name, progress
            )


def _one(
    factory: SimulatorFactory,
    spec: TeacherSpec,
    cls: Any,
    seed: int,
    steps: int,
    every: int,
    bins: int,
    suite_name: str,
    sim_name: str,
    progress: Callable[[int], Any] | None,
) -> Iterator[Row]:
    sim = factory(seed)
    if not isinstance(sim, Simulator):
        raise ValidationError(
            "run", [f"the factory must build a teachkit Simulator, got {type(sim).__name__}"]
        )
    teacher = _build(spec, cls, sim, teacher_seed(seed))
    base = {
        "suite": suite_name,
        "simulator": sim_name or type(sim).__name__,
        "teacher": spec.label,
        "seed": int(seed),
    }
    better = directions(sim)
    labels = task_labels(sim.space, bins)
    counts = np.zeros(len(labels), dtype=np.int64)

    def measured(step: int) -> Iterator[Row]:
        for name, value in sim.measures().items():
            yield {
                **base,
                "step": step,
                "kind": "measure",
                "measure": str(name),
                "value": float(value),
                "better": better.get(str(name), ""),
            }

    yield from measured(0)
    ids = sim.learner_ids.tolist()
    k = int(sim.tasks_per_step)
    for t in range(1, steps + 1):
        tasks = np.stack([teacher.ask_encoded(lid, k) for lid in ids])
        teacher.tell(sim.step(tasks))
        counts += np.bincount(_cells(sim.space, tasks, bins), minlength=len(labels))
        if t % every == 0 or t == steps:
            yield from measured(t)
            for i in np.flatnonzero(counts).tolist():
                yield {
                    **base,
                    "step": t,
                    "kind": "chosen",
                    "measure": labels[i],
                    "value": float(counts[i]),
                    "better": "",
                }
            counts[:] = 0
        if progress is not None:
            progress(1)
