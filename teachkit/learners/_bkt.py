"""Bayesian Knowledge Tracing with forgetting, per-item guess/slip and per-group priors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._records import Event
from teachkit._validation import check_choice_now, check_learner_id, check_positive_int
from teachkit.data._log import InteractionLog
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.learners import _bkt_em as em
from teachkit.learners import _bkt_numba
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.learners._inputs import _steps
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
        refit: population learning: keep every answer told online (:meth:`update`) and
            refit the parameters from all of them, every learner's sequence together,
            once ``refit`` answers have arrived and again each time their number has
            doubled (so all refits together cost about two fits of the final log); None:
            online answers never move the parameters.
        shrinkage: how many answers the parameters in use before the first refit (the
            defaults, or those of an offline :meth:`fit`) count for: each refitted
            parameter of a skill is ``(n theta_fit + shrinkage theta_before) / (n +
            shrinkage)`` with ``n`` the skill's answers (first answers, for the prior),
            so skills with little data stay near the defaults.
        pool: how far the shrinkage's anchor moves from the parameters in use before
            the first refit toward the class's pooled estimate: the answer-weighted mean
            of the refitted parameter over every skill (empirical Bayes partial pooling,
            Efron & Morris 1975; Gelman et al. 2013, ch. 5). 0 (the default): the anchor
            is the parameters before the first refit; 1: each skill's guess, slip, learn,
            forget and prior shrink toward what the class shows across all skills, so a
            course whose answers are all noisy (high guess and slip) pulls its sparse
            skills toward high guess and slip too instead of toward the defaults.
        max_guess_slip: a bound on ``guess + slip`` for the parameters a population
            refit finds (None: no bound). At ``guess + slip >= 1`` a right answer no
            longer says the skill is known (the degenerate BKT models of Beck & Chang
            2007 and Baker, Corbett & Aleven 2008); a refitted pair over the bound is
            scaled down to it, keeping its ratio, before the shrinkage. (The papers
            bound the fit itself; this projects the EM optimum afterwards.)
        seed: seeds the random starting points.

    Population learning. With ``refit`` set, a model that one teacher uses for a whole
    class learns the skills' parameters from the class: after a refit, every learner's
    state is rebuilt by replaying its answers with the new parameters. A refit happens
    only at the end of an :meth:`update`, and draws its EM starting points from the
    model's own generator, so replaying the same updates (a reloaded curriculum) refits
    identically. The kept answers are part of the model's state (three numbers each).

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
        Efron, B., & Morris, C. (1975). Data analysis using Stein's estimator and its
        generalizations. JASA 70 (``pool``: shrinkage toward the pooled mean).
        Gelman, A., et al. (2013). Bayesian Data Analysis, 3rd ed., ch. 5 (hierarchical
        models, partial pooling).
        Beck, J. E., & Chang, K. (2007). Identifiability: a fundamental problem of student
        modeling. User Modeling (``max_guess_slip``).
        Baker, R. S. J. d., Corbett, A. T., & Aleven, V. (2008). More accurate student
        modeling through contextual estimation of slip and guess probabilities in
        Bayesian knowledge tracing. ITS.
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
        refit: int | None = None,
        shrinkage: float = 50.0,
        pool: float = 0.0,
        max_guess_slip: float | None = None,
        seed: int | None = None,
    ) -> None:
        if max_guess_slip is not None and (
            isinstance(max_guess_slip, bool)
            or not isinstance(max_guess_slip, int | float | np.number)
            or not (0 < max_guess_slip <= 1)
        ):
            raise ValidationError(
                "BKT",
                [f"max_guess_slip: expected a number in (0, 1] or None, got {max_guess_slip!r}"],
            )
        check_positive_int("restarts", restarts)
        if (
            isinstance(pool, bool)
            or not isinstance(pool, int | float | np.number)
            or not (0 <= pool <= 1)
        ):
            raise ValidationError(
                "BKT", [f"pool: expected a number in [0, 1] (0: no pooling), got {pool!r}"]
            )
        if refit is not None:
            check_positive_int("refit", refit)
        if (
            isinstance(shrinkage, bool)
            or not isinstance(shrinkage, int | float)
            or not (0 <= shrinkage < float("inf"))
        ):
            raise ValidationError(
                "BKT", [f"shrinkage: expected a finite number >= 0 (answers), got {shrinkage!r}"]
            )
        check_choice_now("BKT", "engine", engine, ("auto", "numpy", "numba"))
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
        self.refit = refit
        self.shrinkage = shrinkage
        self.pool = pool
        self.max_guess_slip = max_guess_slip
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
        self._evidence = np.zeros(n_skills)  # answers per skill behind the parameters

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
        q = self._q
        n_skills = q.shape[1]
        rows, skill = self._expand(log.items)
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
        gs_skill = np.nonzero(q)[1] if self.per_item else np.arange(n_skills)
        prior_skill = np.arange(n_prior) % n_skills
        if use_numba:
            # One compiled EM run per (restart, skill), in parallel: no padding, no lock-step
            # iterations, each pair stops when it converges.
            slay = _bkt_numba.skill_layout(
                learner, skill, log.correct[rows], gs, prior_idx, n_skills
            )
            p, ll, _ = _bkt_numba.fit_em(slay, p, self.forgets, self.max_iter, self.tol)
            _, first = np.unique(learner * n_skills + skill, return_index=True)
            first_prior = prior_idx[first]
        else:
            p, ll, first_prior = self._fit_numpy(
                learner * n_skills + skill, log.correct[rows], skill, gs, prior_idx,
                p, gs_skill, prior_skill, progress,
            )  # fmt: skip
        self._evidence = np.bincount(skill, minlength=n_skills).astype(np.float64)
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
            counts = np.bincount(first_prior, minlength=n_prior).reshape(-1, n_skills)
            w = counts / np.maximum(counts.sum(axis=0), 1)
            self._prior = (self._group_prior * w).sum(axis=0)
        else:
            self._prior = prior_all

    def _fit_numpy(
        self,
        seq: np.ndarray,
        obs: np.ndarray,
        skill: np.ndarray,
        gs: np.ndarray,
        prior_idx: np.ndarray,
        p: em.Params,
        gs_skill: np.ndarray,
        prior_skill: np.ndarray,
        progress: bool,
    ) -> tuple[em.Params, np.ndarray, np.ndarray]:
        """Vectorized EM over every (restart, skill) pair in lock-step (the numpy engine)."""
        from tqdm.auto import tqdm

        n_skills = p.learn.shape[1]
        R = p.learn.shape[0]
        lay = em.layout(seq, obs, skill, gs, prior_idx)
        first_prior = lay.prior[lay.first]
        sums = em._Sums(lay, R, n_skills, p.guess.shape[1], p.prior.shape[1])
        kept: np.ndarray = np.ones(n_skills, dtype=bool)  # skills the layout holds
        # Each (restart, skill) pair is its own EM run, as in pyBKT: it stops when its
        # log-likelihood changes by at most tol, and is skipped from then on.
        active = np.ones((R, n_skills), dtype=bool)
        last = np.full((R, n_skills), -np.inf)
        ll = np.full((R, n_skills), np.nan)  # log-likelihood of the final p
        with tqdm(
            total=self.max_iter, desc="BKT EM", disable=None if progress else True, leave=False
        ) as bar:
            for _ in range(self.max_iter):
                new, got = em.em_step(lay, p, n_skills, self.forgets, sums)
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
                # Drop the answers of skills every restart has finished once they are a
                # third of the layout: converged pairs cost nothing from then on (their
                # parameters and likelihoods are kept by the masks above).
                live: np.ndarray = np.asarray(active.any(axis=0))
                if np.count_nonzero(kept[skill] & ~live[skill]) * 3 > np.count_nonzero(kept[skill]):
                    kept = live
                    sub = kept[skill]
                    lay = em.layout(seq[sub], obs[sub], skill[sub], gs[sub], prior_idx[sub])
                    sums = em._Sums(lay, R, n_skills, p.guess.shape[1], p.prior.shape[1])
        if active.any():  # max_iter reached: the likelihood of the last update
            _, got = em.em_step(lay, p, n_skills, self.forgets, sums)
            ll[active] = got[active]
        return p, ll, first_prior

    # -- whole logs at once -----------------------------------------------------------------------
    def _expand(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(answer, skill) entries of answers to ``items``: the answer index and the skill of
        each, answers in order, an answer's skills in skill order (``np.nonzero(q[items])``
        without building the ``(n, n_skills)`` matrix)."""
        q = self._q
        _, skill_of = np.nonzero(q)  # row-major: grouped by item, skills ascending
        counts = q.sum(axis=1)
        ptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        per = counts[items]
        entry_row = np.repeat(np.arange(len(items), dtype=np.int64), per)
        if len(entry_row) == len(items):  # one skill per answered item
            return entry_row, skill_of[ptr[items]]
        starts = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(per, out=starts[1:])
        within = np.arange(len(entry_row), dtype=np.int64) - starts[entry_row]
        return entry_row, skill_of[ptr[items][entry_row] + within]

    def _forward(
        self, rows: np.ndarray, items: np.ndarray, correct: np.ndarray, known: np.ndarray
    ) -> np.ndarray:
        """Filter every (state row, skill) sequence of a log at once.

        ``rows[i]`` is the state row (into ``known``) of answer ``i``; answers are in time
        order per row. Returns each answer's one-step-ahead P(correct) and leaves in
        ``known`` each touched (row, skill)'s P(known) after its last answer: the same
        numbers as ``_predict_state``/``_step_state`` applied answer by answer, but
        vectorized over sequences (one numpy pass per position in a learner-skill
        sequence, not per position in a learner's whole log).
        """
        n_skills = self._q.shape[1]
        entry_row, skill = self._expand(items)
        gs = self._pair[items[entry_row], skill] if self.per_item else skill
        seq = rows[entry_row] * n_skills + skill
        uniq, code = np.unique(seq, return_inverse=True)
        code = code.ravel()
        lay = em.layout(code, correct[entry_row], skill, gs, code)
        p = em.Params(
            prior=known[uniq // n_skills, uniq % n_skills][None, :],
            learn=self._learn[None, :],
            forget=self._forget[None, :],
            guess=self._guess[None, :],
            slip=self._slip[None, :],
        )
        pred_tm, post_tm, _ = em.forward(lay, p)
        pk = np.empty(len(seq))
        pk[lay.source] = pred_tm[0]
        p_entry = pk * (1.0 - self._slip[gs]) + (1.0 - pk) * self._guess[gs]
        n = len(items)
        out = np.bincount(entry_row, p_entry, minlength=n) / np.bincount(entry_row, minlength=n)
        last = ~lay.has_next
        k_last = lay.skill[last]
        nxt = (
            self._learn[k_last]
            + (1.0 - self._learn[k_last] - self._forget[k_last]) * post_tm[0, last]
        )
        s_last = uniq[code[lay.source[last]]]
        known[s_last // n_skills, s_last % n_skills] = nxt
        return out

    def _absorb(self, log: InteractionLog) -> None:
        rows = self._rows([str(x) for x in log.learner_ids.tolist()], create=True)[log.learners]
        self._forward(rows, log.items, log.correct, self._state["known"])

    def predict_log(self, log: InteractionLog) -> np.ndarray:
        """One-step-ahead P(correct) for every row of ``log``, in its row order (see
        :meth:`BaseLearnerModel.predict_log`); vectorized over learner-skill sequences."""
        log = self._as_log(log, sort=True, adopt=False)
        known = np.repeat(self._prior[None, :], log.n_learners, axis=0)
        if self._group_names:
            code = {g: j for j, g in enumerate(self._group_names)}
            for k, lid in enumerate(log.learner_ids.tolist()):
                g = self._groups.get(str(lid))
                if g in code:
                    known[k] = self._group_prior[code[g]]
        return self._forward(log.learners, log.items, log.correct, known)

    # -- population learning --------------------------------------------------------------------
    def _reset_learners(self) -> None:
        super()._reset_learners()
        self._hist = np.zeros((3, 0))  # rows: learner row, item, correct
        self._hist_n = 0
        self._next_refit = self.refit
        self._anchor: dict[str, np.ndarray] | None = None
        self._anchor_evidence: np.ndarray | None = None
        self._refits = 0

    def seeded(self, *, refit: int | None = 200, shrinkage: float = 50.0) -> BKT:
        """A model for a new curriculum that starts from this model's parameters (fitted
        offline, e.g. by ``teachkit fit``, or on a past log) with no learners, and
        refits them from the new curriculum's own answers with those parameters as the
        anchor of the shrinkage.

        Example:
            >>> from teachkit.data.synthetic import bkt_log
            >>> log, _ = bkt_log(n_learners=50, n_skills=2, seed=0)
            >>> past = BKT(forgets=True, restarts=2, seed=0).fit(log)
            >>> model = past.seeded(refit=200)
            >>> model.params()["learn"] == past.params()["learn"], model.learners()
            (True, [])
        """
        model = self.clone(refit=refit, shrinkage=shrinkage, space=self.space_)
        for name in ("prior", "learn", "forget", "guess", "slip"):
            setattr(model, f"_{name}", getattr(self, f"_{name}").copy())
        model._group_names = list(self._group_names)
        model._group_prior = self._group_prior.copy()
        model._loglik = self._loglik
        model._fitted = self._fitted
        model._evidence = self._answers_behind()
        return model

    def prior_evidence(self) -> np.ndarray:
        """Per skill: the answers behind the parameters this model started from, before its
        own population refits (those of the offline fit a :meth:`seeded` model copied; 0
        for the defaults)."""
        anchor = getattr(self, "_anchor_evidence", None)  # (states stored before: None)
        return anchor.copy() if anchor is not None else self._answers_behind()

    def _answers_behind(self) -> np.ndarray:
        """Per skill: the answers behind the current parameters (a state stored before this
        was kept says 0)."""
        evidence = getattr(self, "_evidence", None)
        if evidence is None:
            return np.zeros(self._q.shape[1])
        return np.asarray(evidence, dtype=np.float64).copy()

    @property
    def refits(self) -> int:
        """How many population refits have run."""
        return self._refits

    def update(self, events: Event | Sequence[Event] | EventBatch | InteractionLog) -> None:
        """Fold new answers into the learners' states; with ``refit``, keep them and refit
        the parameters from every kept answer when their number reaches the schedule."""
        log = self._as_log(events, sort=False, adopt=False)
        if not len(log):
            return
        self._absorb(log)
        if self.refit is None or self._frozen:
            return
        rows = self._rows([str(x) for x in log.learner_ids.tolist()], create=False)
        self._keep(np.stack([rows[log.learners], log.items, log.correct]).astype(np.float64))
        if self._next_refit is not None and self._hist_n >= self._next_refit:
            self._population_refit()
            self._next_refit = 2 * self._hist_n

    def _keep(self, cols: np.ndarray) -> None:
        n, add = self._hist_n, cols.shape[1]
        if n + add > self._hist.shape[1]:  # grow by doubling: appends stay amortized O(1)
            grown = np.zeros((3, max(2 * self._hist.shape[1], n + add, 64)))
            grown[:, :n] = self._hist[:, :n]
            self._hist = grown
        self._hist[:, n : n + add] = cols
        self._hist_n = n + add

    def _population_refit(self) -> None:
        """Refit from every kept answer, shrink toward the anchor, replay the states."""
        h = self._hist[:, : self._hist_n]
        rows = h[0].astype(np.int64)
        items = h[1].astype(np.int64)
        correct = h[2]
        uniq, learners = np.unique(rows, return_inverse=True)
        log = InteractionLog(
            space=self.space_,
            learner_ids=np.array([str(r) for r in uniq.tolist()], dtype=object),
            learners=learners.astype(np.int64),
            items=items,
            correct=correct,
            score=correct.copy(),
            time=np.full(len(items), np.nan),
        )
        names = ("prior", "learn", "forget", "guess", "slip")
        if self._anchor is None:
            self._anchor = {k: getattr(self, f"_{k}").copy() for k in names}
            self._anchor_evidence = self.prior_evidence()
        # every refit searches from fresh random restarts: continuing from the previous
        # refit's optimum (one start) was cheaper but stuck in poor optima (BKT's EM is
        # not identifiable enough): the median share of the oracle's gain on the people
        # zoo's tune split fell from 0.60 to 0.43
        self._fit(log, False)
        if self.max_guess_slip is not None:
            total = self._guess + self._slip
            scale = np.where(total > self.max_guess_slip, self.max_guess_slip / total, 1.0)
            self._guess = self._guess * scale
            self._slip = self._slip * scale
        # answers behind each parameter: per skill (first answers for the prior), per
        # guess/slip slot
        q = self._q
        r, sk = np.nonzero(q[log.items])
        n_skill = np.bincount(sk, minlength=q.shape[1]).astype(np.float64)
        first = log.position[r] == 0
        n_first = np.bincount(sk[first], minlength=q.shape[1]).astype(np.float64)
        gs = self._pair[log.items[r], sk] if self.per_item else sk
        n_gs = np.bincount(gs, minlength=len(self._guess)).astype(np.float64)
        s = float(self.shrinkage)
        for name, n in (
            ("prior", n_first),
            ("learn", n_skill),
            ("forget", n_skill),
            ("guess", n_gs),
            ("slip", n_gs),
        ):
            anchor = self._anchor[name]
            fitted = np.where(n > 0, np.nan_to_num(getattr(self, f"_{name}")), anchor)
            if self.pool > 0 and n.sum() > 0:
                # partial pooling: shrink toward the class's answer-weighted estimate
                # across skills (as much of it as ``pool`` says) instead of the defaults
                pooled = float((n * fitted).sum() / n.sum())
                anchor = (1.0 - self.pool) * anchor + self.pool * pooled
            setattr(self, f"_{name}", (n * fitted + s * anchor) / np.maximum(n + s, 1e-12))
        if not self.forgets:
            self._forget = np.zeros_like(self._forget)
        # every kept learner starts again from the new prior and replays its answers
        fresh = self._new_state(len(uniq))
        for key, value in fresh.items():
            self._state[key][uniq] = value
        for idx in _steps(log):
            self._step_rows(
                uniq[log.learners[idx]],
                log.items[idx],
                log.correct[idx],
                log.score[idx],
                log.time[idx],
            )
        self._evidence = self._evidence + self.prior_evidence()  # the blend rests on both
        self._refits += 1

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
