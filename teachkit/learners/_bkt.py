"""Bayesian Knowledge Tracing with forgetting, per-item guess/slip and per-group priors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._validation import check_learner_id, check_positive_int
from teachkit.data._log import InteractionLog
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.learners import _bkt_em as em
from teachkit.learners import _bkt_numba
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.spaces import Discrete


class BKT(BaseLearnerModel):
    """Bayesian Knowledge Tracing: each skill is a two-state hidden Markov model.

    A learner either knows a skill or not. Before the first answer they know it with
    probability ``prior``; after each answer an unknown skill becomes known with
    probability ``learn`` and, with ``forgets=True``, a known one is forgotten with
    probability ``forget``. A learner who knows the skill slips with probability ``slip``;
    one who does not guesses right with probability ``guess``. An item tagged with several
    skills updates each of them with its answer, and its predicted P(correct) is the mean
    of the per-skill predictions (pyKT's late fusion).

    Parameters are fitted by expectation-maximization (Baum-Welch), run from ``restarts``
    random starting points; for each skill the start with the highest likelihood wins. The
    forward-backward pass is vectorized over every sequence of every skill and every
    restart at once (see ``_bkt_em``); there is no Python loop over learners.

    Args:
        space: items with skill tags (None: adopt the fitted log's).
        forgets: fit a forgetting probability per skill (otherwise it is 0, as in
            Corbett & Anderson).
        per_item: one guess and slip per (item, skill) pair instead of per skill (pyBKT's
            ``multigs``).
        group_priors: one prior per (learner group, skill), from the log's ``groups``
            (pyBKT's ``multiprior``); learners without a group use the pooled prior.
        restarts: random restarts of EM.
        max_iter: EM iterations at most.
        tol: stop when no (restart, skill) log-likelihood changes by more than ``tol``
            (pyBKT's criterion and default).
        engine: the E-step: ``"numpy"`` (vectorized, always available), ``"numba"`` (a
            compiled kernel, parallel over sequences; ``pip install 'teachkit[fast]'``) or
            ``"auto"`` (numba when installed). Both compute the same thing.
        seed: seeds the random starting points.

    Deviations: the guess and slip are not bounded below 0.5 (like pyBKT); probabilities
    are clipped to [1e-6, 1 - 1e-6] after each M-step to keep the likelihood finite.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, truth = bkt_log(n_learners=200, n_skills=2, seed=0)
        >>> model = BKT(seed=0).fit(log)
        >>> bool(abs(model.params()["learn"]["s0"] - truth["learn"][0]) < 0.1)
        True

    References:
        Corbett, A. T., & Anderson, J. R. (1994). Knowledge tracing: Modeling the
        acquisition of procedural knowledge. User Modeling and User-Adapted Interaction, 4.
        Pardos, Z. A., & Heffernan, N. T. (2010). Modeling individualization in a Bayesian
        networks implementation of knowledge tracing (per-group priors). UMAP.
        Badrinath, A., Wang, F., & Pardos, Z. (2021). pyBKT: An accessible Python library of
        Bayesian knowledge tracing models. EDM.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        forgets: bool = False,
        per_item: bool = False,
        group_priors: bool = False,
        restarts: int = 5,
        max_iter: int = 100,
        tol: float = 0.005,
        engine: str = "auto",
        seed: int | None = None,
    ) -> None:
        check_positive_int("restarts", restarts)
        if engine not in ("auto", "numpy", "numba"):
            raise ValidationError(
                "BKT", [f"engine: expected 'auto', 'numpy' or 'numba', got {engine!r}"]
            )
        check_positive_int("max_iter", max_iter)
        if isinstance(tol, bool) or not isinstance(tol, int | float | np.number) or not tol > 0:
            raise ValidationError("BKT", [f"tol: expected a number > 0, got {tol!r}"])
        self.forgets = forgets
        self.per_item = per_item
        self.group_priors = group_priors
        self.restarts = restarts
        self.max_iter = max_iter
        self.tol = tol
        self.engine = engine
        self._groups: dict[str, str] = {}
        super().__init__(space, seed=seed)

    # -- parameters -----------------------------------------------------------------------------
    def _init_params(self) -> None:
        q = self._q
        n_items, n_skills = q.shape
        k = int(q.sum(axis=1).max())
        self._skills_pad = np.zeros((n_items, k), dtype=np.int64)
        self._mask = np.zeros((n_items, k), dtype=bool)
        self._gs_pad = np.zeros((n_items, k), dtype=np.int64)
        pair = np.full(q.shape, -1, dtype=np.int64)
        pair[q] = np.arange(int(q.sum()))
        for i in range(n_items):
            sk = np.flatnonzero(q[i])
            self._skills_pad[i, : len(sk)] = sk
            self._mask[i, : len(sk)] = True
            self._gs_pad[i, : len(sk)] = pair[i, sk] if self.per_item else sk
        self._pair = pair
        n_gs = int(q.sum()) if self.per_item else n_skills
        self._prior = np.full(n_skills, 0.3)
        self._learn = np.full(n_skills, 0.1)
        self._forget = np.full(n_skills, 0.02 if self.forgets else 0.0)
        self._guess = np.full(n_gs, 0.2)
        self._slip = np.full(n_gs, 0.1)
        self._group_names: list[str] = []
        self._group_prior = np.zeros((0, n_skills))
        self._loglik = float("nan")

    def params(self) -> dict[str, Any]:
        """The fitted parameters by skill name (guess/slip by ``"item/skill"`` when per item)."""
        skills = self.space_.skill_names
        out: dict[str, Any] = {
            name: dict(zip(skills, getattr(self, f"_{name}").tolist()))
            for name in ("prior", "learn", "forget")
        }
        if self.per_item:
            names = self.space_.names
            keys = [f"{names[i]}/{skills[k]}" for i, k in zip(*np.nonzero(self._q))]
        else:
            keys = list(skills)
        out["guess"] = dict(zip(keys, self._guess.tolist()))
        out["slip"] = dict(zip(keys, self._slip.tolist()))
        if self._group_names:
            out["group_prior"] = {
                g: dict(zip(skills, row.tolist()))
                for g, row in zip(self._group_names, self._group_prior)
            }
        out["loglik"] = self._loglik
        return out

    def assign_group(self, learner_id: str, group: str) -> None:
        """Start ``learner_id`` (not seen yet) from ``group``'s fitted prior."""
        check_learner_id(learner_id)
        if learner_id in self._index:
            raise ValidationError(
                "assign_group", [f"learner {learner_id!r} already has a state; assign groups first"]
            )
        if str(group) not in self._group_names:
            known = (
                ", ".join(self._group_names)
                or "none (fit with group_priors=True on a log with groups)"
            )
            raise ValidationError(
                "assign_group", [f"unknown group {group!r}; fitted groups: {known}"]
            )
        self._groups[learner_id] = str(group)
        self._rows([learner_id], create=True)  # starts the learner at the group's prior

    # -- fitting --------------------------------------------------------------------------------
    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from tqdm.auto import tqdm

        q = self._q
        n_skills = q.shape[1]
        rows, skill = np.nonzero(q[log.items])
        item = log.items[rows]
        learner = log.learners[rows]
        gs = self._pair[item, skill] if self.per_item else skill
        if self.group_priors and log.groups is not None:
            self._group_names = sorted(set(log.groups.tolist()))
            code = {g: j for j, g in enumerate(self._group_names)}
            gcode = np.array([code[g] for g in log.groups.tolist()], dtype=np.int64)
            prior_idx = gcode[learner] * n_skills + skill
            n_prior = len(self._group_names) * n_skills
            self._groups = {str(lid): str(g) for lid, g in zip(log.learner_ids, log.groups)}
        else:
            prior_idx, n_prior = skill, n_skills
        use_numba = self.engine == "numba" or (self.engine == "auto" and _bkt_numba.available())
        if self.engine == "numba" and not _bkt_numba.available():
            raise MissingDependencyError(
                "BKT(engine='numba') needs numba: pip install 'teachkit[fast]'"
            )
        make = em.seq_layout if use_numba else em.layout
        lay = make(learner * n_skills + skill, log.correct[rows], skill, gs, prior_idx)
        R = self.restarts
        rng = self._rng
        p = em.Params(
            prior=rng.uniform(0.1, 0.9, (R, n_prior)),
            learn=rng.uniform(0.02, 0.5, (R, n_skills)),
            forget=rng.uniform(0.01, 0.2, (R, n_skills))
            if self.forgets
            else np.zeros((R, n_skills)),
            guess=rng.uniform(0.05, 0.4, (R, len(self._guess))),
            slip=rng.uniform(0.05, 0.4, (R, len(self._slip))),
        )
        sums = em._Sums(lay, R, n_skills, p.guess.shape[1], n_prior)

        buffers = [np.zeros((R, len(lay.obs))) for _ in range(4)] if use_numba else []

        def step(p: em.Params, active: np.ndarray) -> tuple[em.Params, np.ndarray]:
            if use_numba:
                return _bkt_numba.em_step(lay, p, self.forgets, sums, active, buffers)
            return em.em_step(lay, p, n_skills, self.forgets, sums)

        # Each (restart, skill) pair is its own EM run, as in pyBKT: it stops when its
        # log-likelihood changes by at most tol, and is skipped from then on.
        gs_skill = np.nonzero(q)[1] if self.per_item else np.arange(n_skills)
        prior_skill = np.arange(n_prior) % n_skills
        active = np.ones((R, n_skills), dtype=bool)
        last = np.full((R, n_skills), -np.inf)
        ll = np.full((R, n_skills), np.nan)  # log-likelihood of the final p
        with tqdm(total=self.max_iter, desc="BKT EM", disable=not progress, leave=False) as bar:
            for _ in range(self.max_iter):
                new, got = step(p, active)
                bar.update(1)
                done = active & (np.abs(got - last) <= self.tol)
                ll[done] = got[done]
                active &= ~done
                p = em.Params(
                    prior=np.where(active[:, prior_skill], new.prior, p.prior),
                    learn=np.where(active, new.learn, p.learn),
                    forget=np.where(active, new.forget, p.forget),
                    guess=np.where(active[:, gs_skill], new.guess, p.guess),
                    slip=np.where(active[:, gs_skill], new.slip, p.slip),
                )
                last = np.where(active, got, last)
                if not active.any():
                    break
        if active.any():  # max_iter reached: the likelihood of the last update
            _, got = step(p, active)
            ll[active] = got[active]
        best = np.argmax(ll, axis=0)  # per skill
        ks = np.arange(n_skills)
        self._loglik = float(ll[best, ks].sum())
        self._learn = p.learn[best, ks]
        self._forget = p.forget[best, ks]
        self._guess = p.guess[best[gs_skill], np.arange(len(gs_skill))]
        self._slip = p.slip[best[gs_skill], np.arange(len(gs_skill))]
        prior_all = p.prior[best[prior_skill], np.arange(n_prior)]
        if n_prior > n_skills:
            self._group_prior = prior_all.reshape(-1, n_skills)
            first = lay.first
            counts = np.bincount(lay.prior[first], minlength=n_prior).reshape(-1, n_skills)
            w = counts / np.maximum(counts.sum(axis=0), 1)
            self._prior = (self._group_prior * w).sum(axis=0)
        else:
            self._prior = prior_all

    # -- learner state --------------------------------------------------------------------------
    def _new_state(self, k: int) -> State:
        return {"known": np.repeat(self._prior[None, :], k, axis=0)}

    def _rows(self, learner_ids: Sequence[str], *, create: bool) -> np.ndarray:
        new = [x for x in dict.fromkeys(learner_ids) if x not in self._index] if create else []
        rows = super()._rows(learner_ids, create=create)
        if new and self._group_names:
            code = {g: j for j, g in enumerate(self._group_names)}
            for lid in new:
                g = self._groups.get(lid)
                if g in code:
                    self._state["known"][self._index[lid]] = self._group_prior[code[g]]
        return rows

    def _slots(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._skills_pad[items], self._gs_pad[items], self._mask[items]

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        sk, gs, mask = self._slots(items)
        pk = np.take_along_axis(state["known"], sk, axis=1)
        p = pk * (1.0 - self._slip[gs]) + (1.0 - pk) * self._guess[gs]
        return (p * mask).sum(axis=1) / mask.sum(axis=1)

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        sk, gs, mask = self._slots(items)
        known = state["known"].copy()
        pk = np.take_along_axis(known, sk, axis=1)
        o = correct[:, None] > 0
        e1 = np.where(o, 1.0 - self._slip[gs], self._slip[gs])
        e0 = np.where(o, self._guess[gs], 1.0 - self._guess[gs])
        post = pk * e1 / np.maximum(pk * e1 + (1.0 - pk) * e0, 1e-12)
        nxt = post * (1.0 - self._forget[sk]) + (1.0 - post) * self._learn[sk]
        r, c = np.nonzero(mask)
        known[r, sk[r, c]] = nxt[r, c]
        return {"known": known}

    def _mastery_state(self, state: State, rows: np.ndarray) -> np.ndarray:
        return state["known"]

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> BKT:
        return cls(space, restarts=2, max_iter=20, seed=seed)
