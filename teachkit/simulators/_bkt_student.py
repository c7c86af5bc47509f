"""BKTStudent: people whose skills follow Bayesian Knowledge Tracing with forgetting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch, filled
from teachkit._component import Component
from teachkit._validation import Checker, check_seed
from teachkit.simulators._base import Simulator
from teachkit.simulators._bkt_oracle import BKTOracle
from teachkit.simulators._common import T0, check_tasks, sigmoid
from teachkit.spaces import Discrete

_PER_SKILL = ("prior", "learn", "guess", "slip", "forget", "decay")
_BOUNDS = {
    "prior": (0.0, 1.0),
    "learn": (0.0, 1.0),
    "guess": (0.0, 0.5),
    "slip": (0.0, 0.5),
    "forget": (0.0, 1.0),
    "decay": (0.0, None),
}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1.0 - 1e-6)
    out: np.ndarray = np.log(p / (1.0 - p))
    return out


class BKTStudent(Simulator, Component):
    """A population of students whose every skill is a two-state BKT model, with forgetting.

    Skill ``k`` has its own parameters: the chance it is known at the start ``prior_k``,
    learning ``learn_k`` (unknown -> known after a practice), forgetting per practice
    ``forget_k`` (known -> unknown after a practice: practising what is known can cost),
    forgetting over time away ``decay_k`` (per day: a known skill is still known after
    ``t`` days with probability ``exp(-decay_k t)``), and the answer model: a learner who
    knows the skill slips with ``slip_k``, one who does not guesses right with
    ``guess_k``. Each parameter is a number (every skill alike) or one value per skill.

    Learner heterogeneity: learner ``l`` has an ability ``z_l ~ Normal(0, learner_spread)``
    that shifts every learning rate on the logit scale, ``learn_lk = sigmoid(logit(learn_k)
    + z_l)``, and half as much the prior. Prerequisites (skill names to lists of skill
    names): while a prerequisite of ``k`` is not known, learning ``k`` happens at
    ``prereq_floor`` times the rate.

    Each skill has ``items_per_skill`` items (``"k3.i0"``...), alike. Every step each
    learner practises one item: it answers by the answer model, then the skill transitions
    (learn or forget per practice), then the clock moves ``seconds_per_task`` and, after
    every ``steps_per_session`` steps, ``session_gap`` hours; every known skill decays
    over the elapsed time. Events carry ``score``/``success`` (1 right, 0 wrong), time and
    duration, never the hidden state.

    Measures (means over learners and skills; nothing changes): ``posttest`` (primary),
    the expected score on a delayed post-test, one item per skill ``retention_delay``
    hours from now; ``immediate``, the same now; ``known``, the fraction of skills known.

    Args:
        n_learners: class size.
        seed: seeds the learners (abilities, initial states) and the outcomes.
        n_skills: number of skills (names ``k0 .. k{n-1}``).
        items_per_skill: items per skill.
        prior, learn, guess, slip, forget, decay: per-skill parameters (see above).
        prerequisites: ``{skill: [prerequisite skills]}`` (a DAG), public in the space.
        prereq_floor: learning left while a prerequisite is unknown.
        learner_spread: standard deviation of the learners' logit ability.
        steps_per_session, session_gap, seconds_per_task: the study schedule.
        retention_delay: hours until the delayed post-test.

    Example:
        >>> import teachkit as tk
        >>> sim = tk.simulators.BKTStudent(40, seed=0, n_skills=5, forget=0.02, decay=0.1)
        >>> teacher = tk.teachers.Uniform(sim.space, seed=0)
        >>> for _ in range(10):
        ...     tasks = [teacher.ask_encoded(lid) for lid in sim.learner_ids]
        ...     teacher.tell(sim.step(np.stack(tasks)))
        >>> 0.0 <= sim.measures()["posttest"] <= 1.0
        True

    References:
        Corbett, A. T., & Anderson, J. R. (1994). Knowledge tracing. User Modeling and
        User-Adapted Interaction, 4 (the two-state model, guess and slip).
        Khajah, M., Lindsey, R. V., & Mozer, M. C. (2016). How deep is knowledge tracing?
        EDM (forgetting per practice and individual abilities in BKT).
        Qiu, Y. et al. (2011). Does time matter? Modeling the effect of time with Bayesian
        knowledge tracing. EDM (forgetting over time away).
    """

    oracle_type = BKTOracle
    primary: ClassVar[str] = "posttest"
    directions: ClassVar[dict[str, bool]] = {"immediate": True, "known": True}
    higher_is_better: ClassVar[bool] = True
    _derived: ClassVar[tuple[str, ...]] = ("_space", "_ids_rep", "_params", "_pre", "_version")

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        n_skills: int = 10,
        items_per_skill: int = 1,
        prior: float | Sequence[float] = 0.1,
        learn: float | Sequence[float] = 0.15,
        guess: float | Sequence[float] = 0.2,
        slip: float | Sequence[float] = 0.1,
        forget: float | Sequence[float] = 0.02,
        decay: float | Sequence[float] = 0.05,
        prerequisites: Mapping[str, Sequence[str]] | None = None,
        prereq_floor: float = 0.2,
        learner_spread: float = 0.5,
        steps_per_session: int = 20,
        session_gap: float = 24.0,
        seconds_per_task: float = 60.0,
        retention_delay: float = 168.0,
    ) -> None:
        check = Checker("BKTStudent")
        check.integer("n_learners", n_learners)
        check_seed("BKTStudent", seed)
        check.integer("n_skills", n_skills, 1, 10_000)
        check.integer("items_per_skill", items_per_skill, 1, 1000)
        values = {
            "prior": prior,
            "learn": learn,
            "guess": guess,
            "slip": slip,
            "forget": forget,
            "decay": decay,
        }
        arrays: dict[str, np.ndarray] = {}
        for name, value in values.items():
            low, high = _BOUNDS[name]
            arr = np.atleast_1d(np.asarray(value, dtype=object))
            if arr.ndim != 1 or len(arr) not in (1, n_skills if isinstance(n_skills, int) else 1):
                check.problem(
                    f"{name}: expected a number or {n_skills!r} numbers (one per skill), "
                    f"got {len(arr)} values"
                )
                continue
            before = len(check.problems)
            for j, v in enumerate(arr.tolist()):
                check.number(f"{name}[{j}]" if len(arr) > 1 else name, v, low, high)
            if len(check.problems) == before:
                arrays[name] = np.broadcast_to(arr.astype(np.float64), (int(n_skills),)).copy()
        check.number("prereq_floor", prereq_floor, 0.0, 1.0)
        check.number("learner_spread", learner_spread, 0.0, 5.0)
        check.integer("steps_per_session", steps_per_session)
        check.number("session_gap", session_gap, 0.0)
        check.number("seconds_per_task", seconds_per_task, 0.0)
        check.number("retention_delay", retention_delay, 0.0)
        check.done()
        skills = [f"k{j}" for j in range(n_skills)]
        pre = {str(k): [str(d) for d in v] for k, v in (prerequisites or {}).items()}
        for node, deps in pre.items():
            for name in [node, *deps]:
                if name not in skills:
                    check.problem(
                        f"prerequisites: unknown skill {name!r}; skills are k0 .. k{n_skills - 1}"
                    )
        check.done()
        super().__init__(n_learners, seed=seed)
        self.n_skills = n_skills
        self.items_per_skill = items_per_skill
        self.prior = prior
        self.learn = learn
        self.guess = guess
        self.slip = slip
        self.forget = forget
        self.decay = decay
        self.prerequisites = prerequisites
        self.prereq_floor = prereq_floor
        self.learner_spread = learner_spread
        self.steps_per_session = steps_per_session
        self.session_gap = session_gap
        self.seconds_per_task = seconds_per_task
        self.retention_delay = retention_delay

        items = [f"{s}.i{i}" for s in skills for i in range(items_per_skill)]
        tags = {item: item.split(".")[0] for item in items}
        # Discrete validates the DAG (a cycle is an error there)
        self._space = Discrete(items, skills=tags, prerequisites=pre or None)
        self._params = arrays
        self._pre = np.zeros((n_skills, n_skills), dtype=bool)  # [k, j]: j is a prereq of k
        for node, deps in pre.items():
            for d in deps:
                self._pre[skills.index(node), skills.index(d)] = True
        self._ids_rep = self.learner_ids.copy()
        self._ids_rep.setflags(write=False)
        self._version = 0

        rng = np.random.default_rng(seed)
        n = self.n_learners
        z = rng.normal(0.0, learner_spread, n) if learner_spread > 0 else np.zeros(n)
        self._learn_l = sigmoid(_logit(arrays["learn"])[None, :] + z[:, None])
        p0 = sigmoid(_logit(arrays["prior"])[None, :] + 0.5 * z[:, None])
        self._known = rng.random((n, n_skills)) < p0
        self._t = 0.0  # hours
        self._steps = 0
        self._rng = rng

    # -- the protocol ---------------------------------------------------------------------------
    @property
    def space(self) -> Discrete:
        return self._space

    def step(self, tasks: np.ndarray) -> EventBatch:
        n, k = self.n_learners, self.n_skills
        tasks = check_tasks("BKTStudent.step", tasks, n, 1, self._space.n)[:, 0]
        p = self._params
        skill = tasks // self.items_per_skill
        rows = np.arange(n)
        known = self._known[rows, skill]
        p_right = np.where(known, 1.0 - p["slip"][skill], p["guess"][skill])
        right = self._rng.random(n) < p_right
        ready = ~(self._pre[skill] & ~self._known).any(axis=1)
        rate = self._learn_l[rows, skill] * np.where(ready, 1.0, self.prereq_floor)
        u = self._rng.random(n)
        self._known[rows, skill] = np.where(known, u >= p["forget"][skill], u < rate)
        times = np.full(n, T0 + 3600.0 * self._t)
        dt = self.seconds_per_task / 3600.0
        self._steps += 1
        if self._steps % self.steps_per_session == 0:
            dt += self.session_gap
        self._t += dt
        keep = np.exp(-p["decay"] * dt / 24.0)
        self._known &= self._rng.random((n, k)) < keep[None, :]
        self._version += 1
        flat = right.astype(np.float64)
        return EventBatch.build(
            learner_ids=self._ids_rep,
            tasks=tasks.copy(),
            outcomes=OutcomeBatch(
                score=flat, success=flat, duration=filled(n, self.seconds_per_task)
            ),
            times=times,
            assignment_ids=np.full(n, -1, dtype=np.int64),
        )

    def expected_score(self, delay: float = 0.0) -> np.ndarray:
        """Hidden: each learner's expected score per skill ``delay`` hours from now, ``(n, K)``."""
        p = self._params
        still = self._known * np.exp(-p["decay"] * delay / 24.0)[None, :]
        out: np.ndarray = still * (1.0 - p["slip"]) + (1.0 - still) * p["guess"]
        return out

    def measures(self) -> dict[str, float]:
        return {
            "posttest": float(self.expected_score(self.retention_delay).mean()),
            "immediate": float(self.expected_score().mean()),
            "known": float(self._known.mean()),
        }

    def truth(self) -> dict[str, Any]:
        """The per-skill parameters (``prior``, ``learn``, ``guess``, ``slip``, ``forget``,
        ``decay``), the prerequisite matrix ``pre[k, j]``, ``prereq_floor``,
        ``retention_delay`` and ``items_per_skill``, plus the hidden state (``known``,
        ``learner_learn``, ``time``): copies. The oracle reads only the parameters."""
        return {
            **{name: self._params[name].copy() for name in _PER_SKILL},
            "pre": self._pre.copy(),
            "prereq_floor": self.prereq_floor,
            "retention_delay": self.retention_delay,
            "items_per_skill": self.items_per_skill,
            "known": self._known.copy(),
            "learner_learn": self._learn_l.copy(),
            "time": self._t,
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._version += 1
