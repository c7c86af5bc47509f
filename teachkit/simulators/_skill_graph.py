"""SkillGraphStudent: people learning skills with prerequisites, forgetting and spacing."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch, OutcomeBatch, filled
from teachkit._component import Component
from teachkit._validation import Checker, check_seed
from teachkit.simulators._base import Simulator
from teachkit.simulators._common import T0, check_tasks
from teachkit.simulators._graphs import SkillGraph, arithmetic_graph, random_graph
from teachkit.simulators._skill_dynamics import (
    grown_stability,
    p_correct,
    readiness,
    retrievability,
    theta,
)
from teachkit.simulators._skill_graph_oracle import SkillGraphOracle
from teachkit.spaces import Discrete

PRESETS = ("arithmetic", "random")


class SkillGraphStudent(Simulator, Component):
    """A population of students learning skills linked by a prerequisite DAG.

    Tasks are items; each item exercises one or more skills and has an IRT difficulty
    ``b_i`` and discrimination ``a_i``. Learner ``l`` has traits drawn from the population:
    learning rate ``eta_l``, forgetting rate ``phi_l``, slip ``s_l`` and guess ``g_l``
    (each the given mean times LogNormal(0, ``trait_spread``); slip clipped to [0, 0.4],
    guess to [0, 0.45]). Per learner and skill ``k`` the hidden state is the learned
    mastery ``m`` in [0, 1], a memory stability ``S`` (hours) and the time of last practice.

    The model, at virtual time ``t`` (hours):

    * retrievability (FSRS-4.5 power curve) ``R = (1 + phi_l (t - t_last) / (9 S))^-1``;
      effective mastery ``e = m R``; ability ``theta = 6 (e - 0.5)``;
    * an attempt at item ``i`` succeeds with
      ``P = g_l + (1 - s_l - g_l) sigmoid(a_i (min_{k in i} theta_k - b_i))``
      (skills are conjunctive: the weakest one decides);
    * after the attempt, for every skill ``k`` of the item:
      ``m += eta_l rho_k (1 - m) c`` with ``c = 1`` after a success and
      ``error_gain`` after a failure, and readiness
      ``rho_k = prereq_floor + (1 - prereq_floor) min_{j in pre(k)} min(1, e_j / mastery_threshold)``
      (unmastered prerequisites cut learning down to ``prereq_floor``);
      ``S *= 1 + 0.05 + spacing_gain S^-0.2 (exp(2 (1 - R)) - 1)`` with ``R`` the
      retrievability at the review (the FSRS stability increase shape: a review at lower
      retrievability strengthens memory more, massed practice barely does); ``t_last = t``.
    * Initial state: ``m ~ prior_mastery 0.5^depth_k U(0.5, 1.5)`` (clipped to [0, 1]), with
      ``depth_k`` the longest prerequisite chain below ``k``; ``S = initial_stability``;
      ``t_last = 0``.

    The clock: each attempt takes ``seconds_per_task``; after every ``steps_per_session``
    steps comes a ``session_gap`` (hours) without practice. Events carry the attempt's
    time (``T0 = 1.7e9`` POSIX seconds plus the virtual clock), ``score`` and ``success``
    (1 correct, 0 wrong) and ``duration``: never the hidden state.

    Measures (means over learners; nothing changes): ``posttest``, the expected score
    on the whole item bank now (each item once); ``retention``, the same after
    ``retention_delay`` more hours without practice; ``mastered``, the fraction of skills
    with ``e >= mastery_threshold``; ``mastered_all``, the fraction of learners whose
    learned mastery ``m`` reached the threshold on every skill; ``time_to_mastery``, the
    mean number of steps they took (NaN while none has).

    Presets: ``"arithmetic"``, 12 skills from counting to fraction arithmetic with 41
    items (see :mod:`teachkit.simulators._graphs`); ``"random"``, a random DAG of
    ``n_skills`` (default 100) skills with ``items_per_skill`` (default 10) items each,
    drawn from ``seed``.

    Args:
        n_learners: population size.
        seed: seeds the graph (random preset), the traits and the outcomes.
        preset: ``"arithmetic"`` or ``"random"``.
        n_skills, items_per_skill: sizes of the random preset.
        tasks_per_step: attempts per learner per :meth:`step`.
        steps_per_session, session_gap: the study schedule.
        seconds_per_task: duration of one attempt.
        learn_rate, forget_rate, slip, guess, trait_spread: the population's traits.
        prior_mastery: mean initial mastery of the root skills.
        mastery_threshold: effective mastery that counts as mastered.
        prereq_floor: fraction of learning left when prerequisites are not mastered.
        error_gain: learning from a failed attempt relative to a success.
        initial_stability: initial memory stability, hours.
        spacing_gain: strength of the spacing effect.
        retention_delay: hours until the ``retention`` test.

    Example:
        >>> import teachkit as tk
        >>> sim = tk.simulators.SkillGraphStudent(100, seed=0)
        >>> teacher = tk.teachers.Uniform(sim.space, seed=0)
        >>> for _ in range(20):
        ...     tasks = [teacher.ask_encoded(lid) for lid in sim.learner_ids]
        ...     teacher.tell(sim.step(np.stack(tasks)))
        >>> 0.0 <= sim.measures()["posttest"] <= 1.0
        True

    References:
        Ye, Su & Cao (2022). A stochastic shortest path algorithm for optimizing spaced
        repetition scheduling. KDD (FSRS; its forgetting curve and stability-increase shape).
        Anderson (1993). Rules of the Mind (ACT-R: practice, decay and spacing).
        Lord (1980). Applications of Item Response Theory (the 2PL with slip and guess).
    """

    oracle_type = SkillGraphOracle
    primary: ClassVar[str] = "posttest"
    directions: ClassVar[dict[str, bool]] = {
        "retention": True,
        "mastered": True,
        "mastered_all": True,
        "time_to_mastery": False,
    }
    higher_is_better: ClassVar[bool] = True
    _derived: ClassVar[tuple[str, ...]] = ("_graph", "_space", "_ids_rep", "_version")

    def __init__(
        self,
        n_learners: int = 1,
        *,
        seed: int | None = None,
        preset: str = "arithmetic",
        n_skills: int | None = None,
        items_per_skill: int | None = None,
        tasks_per_step: int = 1,
        steps_per_session: int = 20,
        session_gap: float = 24.0,
        seconds_per_task: float = 60.0,
        learn_rate: float = 0.15,
        forget_rate: float = 1.0,
        slip: float = 0.1,
        guess: float = 0.15,
        trait_spread: float = 0.3,
        prior_mastery: float = 0.5,
        mastery_threshold: float = 0.8,
        prereq_floor: float = 0.1,
        error_gain: float = 0.5,
        initial_stability: float = 6.0,
        spacing_gain: float = 2.0,
        retention_delay: float = 168.0,
    ) -> None:
        check = Checker("SkillGraphStudent")
        check.integer("n_learners", n_learners, 1, 1_000_000)
        check_seed("SkillGraphStudent", seed)
        check.choice("preset", preset, PRESETS)
        if preset == "arithmetic":
            for name, value in (("n_skills", n_skills), ("items_per_skill", items_per_skill)):
                if value is not None:
                    check.problems.append(
                        f"{name}: only the 'random' preset takes it (the arithmetic graph is "
                        f"fixed), got {value!r}; pass preset='random' or leave it out"
                    )
        if n_skills is not None:
            check.integer("n_skills", n_skills, 2, 5000)
        if items_per_skill is not None:
            check.integer("items_per_skill", items_per_skill, 1, 100)
        check.integer("tasks_per_step", tasks_per_step, 1, 100_000)
        check.integer("steps_per_session", steps_per_session)
        check.number("session_gap", session_gap, 0.0)
        check.number("seconds_per_task", seconds_per_task, 0.0)
        check.number("learn_rate", learn_rate, 0.0, 1.0)
        check.number("forget_rate", forget_rate, 0.0)
        check.number("slip", slip, 0.0, 0.4)
        check.number("guess", guess, 0.0, 0.45)
        check.number("trait_spread", trait_spread, 0.0, 2.0)
        check.number("prior_mastery", prior_mastery, 0.0, 1.0)
        check.number("mastery_threshold", mastery_threshold, 0.05, 1.0)
        check.number("prereq_floor", prereq_floor, 0.0, 1.0)
        check.number("error_gain", error_gain, 0.0, 1.0)
        check.number("initial_stability", initial_stability, 1e-3)
        check.number("spacing_gain", spacing_gain, 0.0)
        check.number("retention_delay", retention_delay, 0.0)
        check.done()
        super().__init__(n_learners, seed=seed)
        self.preset = preset
        self.n_skills = n_skills
        self.items_per_skill = items_per_skill
        self.tasks_per_step = tasks_per_step
        self.steps_per_session = steps_per_session
        self.session_gap = session_gap
        self.seconds_per_task = seconds_per_task
        self.learn_rate = learn_rate
        self.forget_rate = forget_rate
        self.slip = slip
        self.guess = guess
        self.trait_spread = trait_spread
        self.prior_mastery = prior_mastery
        self.mastery_threshold = mastery_threshold
        self.prereq_floor = prereq_floor
        self.error_gain = error_gain
        self.initial_stability = initial_stability
        self.spacing_gain = spacing_gain
        self.retention_delay = retention_delay

        if preset == "arithmetic":
            self._graph: SkillGraph = arithmetic_graph()
        else:
            self._graph = random_graph(
                100 if n_skills is None else n_skills,
                10 if items_per_skill is None else items_per_skill,
                seed,
            )
        self._space = self._graph.space()
        self._ids_rep = np.repeat(self.learner_ids, tasks_per_step)
        self._ids_rep.setflags(write=False)  # shared by every batch this simulator returns
        self._version = 0

        rng = np.random.default_rng(seed)
        n, k = self.n_learners, len(self._graph.skills)

        def trait(mean: float, high: float) -> np.ndarray:
            # + 0.0: numpy refuses a spread of -0.0, which the range check lets through
            return np.clip(mean * rng.lognormal(0.0, trait_spread + 0.0, n), 0.0, high)

        self._eta = trait(learn_rate, 1.0)
        self._phi = trait(forget_rate, np.inf)
        self._slip = trait(slip, 0.4)
        self._guess = trait(guess, 0.45)
        prior = prior_mastery * 0.5 ** self._graph.depth.astype(np.float64)
        self._m = np.clip(prior[None, :] * rng.uniform(0.5, 1.5, (n, k)), 0.0, 1.0)
        self._s = np.full((n, k), float(initial_stability))
        self._last = np.zeros((n, k))
        self._t = 0.0  # hours
        self._steps = 0
        self._mastered_at = np.full(n, np.nan)
        self._n_mastered = (self._m >= mastery_threshold).sum(axis=1)
        self._rng = rng

    # -- the protocol ---------------------------------------------------------------------------
    @property
    def space(self) -> Discrete:
        return self._space

    @property
    def graph(self) -> SkillGraph:
        """The skill graph and item parameters (public knowledge, like a syllabus)."""
        return self._graph

    def step(self, tasks: np.ndarray) -> EventBatch:
        n, per = self.n_learners, self.tasks_per_step
        tasks = check_tasks("SkillGraphStudent.step", tasks, n, per, self._space.n)
        g = self._graph
        rows = np.arange(n)[:, None]
        correct = np.empty((n, per))
        times = np.empty(per)
        for c in range(per):
            item = tasks[:, c]
            p, sk, valid, skc, r, m = self._attempt(item)
            ok = self._rng.random(n) < p
            phi = self._phi[:, None]
            # Readiness from the prerequisites' effective mastery (n, M, P).
            pre = g.prerequisites[skc]
            pre_valid = (pre >= 0) & valid[:, :, None]
            prc = np.where(pre_valid, pre, 0)
            rows3 = rows[:, :, None]
            pre_e = self._m[rows3, prc] * retrievability(
                self._t - self._last[rows3, prc], self._s[rows3, prc], phi[:, :, None]
            )
            rho = readiness(pre_e, pre_valid, self.mastery_threshold, self.prereq_floor)
            gain = np.where(ok, 1.0, self.error_gain)[:, None]
            new_m = m + self._eta[:, None] * rho * (1.0 - m) * gain
            new_s = grown_stability(self._s[rows, skc], r, self.spacing_gain)
            li, ki = np.nonzero(valid)
            kk = sk[li, ki]
            thr = self.mastery_threshold
            crossed = (new_m[li, ki] >= thr) & (self._m[li, kk] < thr)  # m never decreases
            np.add.at(self._n_mastered, li[crossed], 1)
            self._m[li, kk] = new_m[li, ki]
            self._s[li, kk] = new_s[li, ki]
            self._last[li, kk] = self._t
            correct[:, c] = ok
            times[c] = self._t
            self._t += self.seconds_per_task / 3600.0
        self._steps += 1
        if self._steps % self.steps_per_session == 0:
            self._t += self.session_gap
        done = np.isnan(self._mastered_at) & (self._n_mastered == len(g.skills))
        self._mastered_at[done] = self._steps
        self._version += 1
        flat = correct.ravel()
        outcomes = OutcomeBatch(
            score=flat, success=flat, duration=filled(n * per, self.seconds_per_task)
        )
        return EventBatch.build(
            learner_ids=self._ids_rep,
            tasks=tasks.ravel().copy(),
            outcomes=outcomes,
            times=np.tile(T0 + 3600.0 * times, n),
            assignment_ids=np.full(n * per, -1, dtype=np.int64),
        )

    def _attempt(self, item: np.ndarray) -> tuple[np.ndarray, ...]:
        """P(correct) of every learner on its ``item`` now, and the gathered skill state."""
        g = self._graph
        rows = np.arange(self.n_learners)[:, None]
        sk = g.item_skills[item]  # (n, M)
        valid = sk >= 0
        skc = np.where(valid, sk, 0)
        r = retrievability(self._t - self._last[rows, skc], self._s[rows, skc], self._phi[:, None])
        m = self._m[rows, skc]
        th = np.where(valid, theta(m * r), np.inf).min(axis=1)
        p = p_correct(th, g.discrimination[item], g.difficulty[item], self._slip, self._guess)
        return p, sk, valid, skc, r, m

    def attempt_probabilities(self, items: np.ndarray) -> np.ndarray:
        """Hidden: each learner's P(correct) on ``items[l]`` now (oracles and logs only)."""
        items = check_tasks("attempt_probabilities", items, self.n_learners, 1, self._space.n)
        return self._attempt(items[:, 0])[0]

    def effective_mastery(self, delay: float = 0.0, learners: Any = None) -> np.ndarray:
        """``e = m R`` per learner and skill, ``delay`` hours from now (hidden: oracles only)."""
        idx = slice(None) if learners is None else np.asarray(learners)
        r = retrievability(self._t + delay - self._last[idx], self._s[idx], self._phi[idx][:, None])
        out: np.ndarray = self._m[idx] * r
        return out

    def item_probabilities(self, delay: float = 0.0) -> np.ndarray:
        """Expected P(correct) per learner and item ``delay`` hours from now, ``(n, I)``."""
        g = self._graph
        valid = g.item_skills >= 0
        cols = np.where(valid, g.item_skills, 0)
        out = np.empty((self.n_learners, len(g.items)))
        chunk = max(1, 2_000_000 // cols.size)  # bound the (chunk, I, M) temporaries
        for lo in range(0, self.n_learners, chunk):
            rows = np.arange(lo, min(lo + chunk, self.n_learners))
            th = theta(self.effective_mastery(delay, rows))
            th_items = np.where(valid[None], th[:, cols], np.inf).min(axis=2)
            out[rows] = p_correct(
                th_items,
                g.discrimination[None, :],
                g.difficulty[None, :],
                self._slip[rows, None],
                self._guess[rows, None],
            )
        return out

    def measures(self) -> dict[str, float]:
        done = ~np.isnan(self._mastered_at)
        return {
            "posttest": float(self.item_probabilities().mean()),
            "retention": float(self.item_probabilities(self.retention_delay).mean()),
            "mastered": float((self.effective_mastery() >= self.mastery_threshold).mean()),
            "mastered_all": float(done.mean()),
            "time_to_mastery": float(self._mastered_at[done].mean()) if done.any() else np.nan,
        }

    def truth(self, learners: Any = None) -> dict[str, Any]:
        """The hidden state (copies), for all learners or the rows ``learners``.

        Keys: ``mastery``, ``stability``, ``last_practice`` (``(n, K)``), ``time`` (hours),
        ``steps``, the traits ``learn_rate``, ``forget_rate``, ``slip``, ``guess`` (``(n,)``),
        the graph (``item_skills``, ``prerequisites``, ``difficulty``,
        ``discrimination``) and the model constants.
        """
        idx = slice(None) if learners is None else np.asarray(learners)
        g = self._graph
        return {
            "mastery": self._m[idx].copy(),
            "stability": self._s[idx].copy(),
            "last_practice": self._last[idx].copy(),
            "time": self._t,
            "steps": self._steps,
            "learn_rate": self._eta[idx].copy(),
            "forget_rate": self._phi[idx].copy(),
            "slip": self._slip[idx].copy(),
            "guess": self._guess[idx].copy(),
            "item_skills": g.item_skills,
            "prerequisites": g.prerequisites,
            "difficulty": g.difficulty,
            "discrimination": g.discrimination,
            "mastery_threshold": self.mastery_threshold,
            "prereq_floor": self.prereq_floor,
            "error_gain": self.error_gain,
            "spacing_gain": self.spacing_gain,
        }

    def _set_state(self, state: dict[str, Any]) -> None:
        super()._set_state(state)
        self._version += 1
