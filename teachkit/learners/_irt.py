"""Item response theory (1PL to 4PL): item parameters by marginal maximum likelihood,
abilities tracked online as a posterior on a grid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from teachkit._validation import check_choice_now, check_positive_int
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.spaces import Discrete


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: Any) -> Any:
    return np.log(p) - np.log1p(-p)


class IRT(BaseLearnerModel):
    """Item response theory: P(correct) = c_i + (d_i - c_i) sigmoid(a_i (theta - b_i)).

    Each item has a difficulty ``b``; in the 2PL and up a discrimination ``a`` (1 in the
    1PL/Rasch model); in the 3PL a guessing asymptote ``c`` (P(correct) of a learner far
    below the item; 0 otherwise); in the 4PL also an upper asymptote ``d = 1 - slip``
    (P(correct) of a learner far above it; 1 otherwise). Each learner has an ability
    ``theta`` with a standard normal prior.

    :meth:`fit` estimates item parameters by marginal maximum likelihood with EM over a
    quadrature grid of abilities (Bock & Aitkin), with weak priors on ``b`` (N(0, 3^2))
    and ``log a`` (N(0, 0.5^2)) to keep rarely answered items finite. The 3PL and 4PL
    maximize the same marginal posterior directly, over all item parameters at once, by
    L-BFGS (its gradient is the expected complete-data gradient under each learner's
    ability posterior, Louis' identity, so one function evaluation is one E-step); EM is
    slow to converge for the asymptotes. Priors: ``c`` ~ Beta(5, 17) (BILOG-MG's default,
    mode 0.2) and ``1 - d`` ~ Beta(2, 12) (mode 0.08), besides those on ``a`` and ``b``.
    Each learner's ability is a posterior over the same grid, updated exactly by Bayes'
    rule after each answer (online), so ``predict`` is the posterior-mean probability
    (EAP) and an unknown learner gets the population average.

    Args:
        space: items (skill tags only matter for ``mastery``); None: adopt the log's.
        model: ``"1pl"``, ``"2pl"``, ``"3pl"`` or ``"4pl"``.
        grid: quadrature points on [-6, 6].
        max_iter: EM iterations at most; ``tol``: stop when the marginal log-likelihood
            gains less than ``tol`` per answer (3PL/4PL: L-BFGS iterations at most, and
            its relative tolerance on the objective).
        slope_prior: standard deviation of the normal prior on ``log a`` (2PL and up;
            BILOG-MG's default 0.5, Mislevy 1986); None: no prior on ``a``.
        guess_prior: Beta(alpha, beta) prior on the 3PL/4PL guessing asymptote ``c``
            (default (5, 17): BILOG-MG's, mode 0.2); None: flat.
        slip_prior: Beta(alpha, beta) prior on the 4PL's ``1 - d`` (default (2, 12), mode
            0.08); None: flat. Both Beta parameters must be >= 1 (a proper, bounded
            log density). The estimates are then Bayes modal (MAP) over the marginal
            likelihood; stronger priors do not rescue the 4PL's discrimination at a few
            thousand answers per item (see BENCHMARKS.md, issue 16).

    Example:
        >>> from teachkit.data.synthetic import irt_log
        >>> log, truth = irt_log(n_learners=300, n_items=10, model="1pl", seed=0)
        >>> model = IRT(model="1pl").fit(log)
        >>> bool(abs(model.difficulty - truth["b"]).max() < 0.5)
        True

    References:
        Rasch, G. (1960). Probabilistic models for some intelligence and attainment tests.
        Birnbaum, A. (1968). Some latent trait models and their use in inferring an
        examinee's ability. In Lord & Novick, Statistical theories of mental test scores.
        Barton, M. A., & Lord, F. M. (1981). An upper asymptote for the three-parameter
        logistic item-response model. ETS Research Report 81-20 (the 4PL).
        Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item
        parameters: application of an EM algorithm. Psychometrika, 46(4).
        Mislevy, R. J. (1986). Bayes modal estimation in item response models.
            Psychometrika, 51(2) (the priors on ``a`` and ``c``).
        Loken, E., & Rulison, K. L. (2010). Estimation of a four-parameter item response
            theory model. British Journal of Mathematical and Statistical Psychology, 63(3).
        Louis, T. A. (1982). Finding the observed information matrix when using the EM
        algorithm. JRSS B, 44(2) (the gradient of the marginal likelihood).
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        model: str = "2pl",
        grid: int = 41,
        max_iter: int = 200,
        tol: float = 1e-5,
        slope_prior: float | None = 0.5,
        guess_prior: Sequence[float] | None = (5.0, 17.0),
        slip_prior: Sequence[float] | None = (2.0, 12.0),
        seed: int | None = None,
    ) -> None:
        check_choice_now("IRT", "model", model, ("1pl", "2pl", "3pl", "4pl"))
        check_positive_int("grid", grid, minimum=5)
        check_positive_int("max_iter", max_iter)
        problems: list[str] = []
        if slope_prior is not None and not (
            isinstance(slope_prior, (int, float))
            and not isinstance(slope_prior, bool)
            and np.isfinite(slope_prior)
            and slope_prior > 0
        ):
            problems.append(
                f"slope_prior: expected a positive standard deviation of log a, or None "
                f"for no prior; got {slope_prior!r}"
            )
        for name, value in (("guess_prior", guess_prior), ("slip_prior", slip_prior)):
            if value is None:
                continue
            ok = (
                not isinstance(value, (str, bytes))
                and isinstance(value, Sequence)
                and len(value) == 2
                and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)
                    for v in value
                )
                and all(v >= 1 for v in value)
            )
            if not ok:
                problems.append(
                    f"{name}: expected two Beta parameters (alpha, beta), each >= 1 (e.g. "
                    f"(5, 17)), or None for no prior; got {value!r}"
                )
        if problems:
            raise ValidationError("IRT", problems)
        self.slope_prior = None if slope_prior is None else float(slope_prior)
        self.guess_prior = None if guess_prior is None else tuple(float(v) for v in guess_prior)
        self.slip_prior = None if slip_prior is None else tuple(float(v) for v in slip_prior)
        self.model = model
        self.grid = grid
        self.max_iter = max_iter
        self.tol = tol
        super().__init__(space, seed=seed)

    def _init_params(self) -> None:
        n = self.space_.n
        self._theta = np.linspace(-6.0, 6.0, self.grid)
        w = np.exp(-0.5 * self._theta**2)
        self._log_prior = np.log(w / w.sum())
        self._b = np.zeros(n)
        self._a = np.ones(n)
        self._c = np.full(n, 0.2 if self.model in ("3pl", "4pl") else 0.0)
        self._d = np.full(n, 0.95 if self.model == "4pl" else 1.0)

    @property
    def difficulty(self) -> np.ndarray:
        """Item difficulties ``b``, in ``space_.names`` order."""
        return self._b.copy()

    @property
    def discrimination(self) -> np.ndarray:
        """Item discriminations ``a`` (all 1 for the 1PL)."""
        return self._a.copy()

    @property
    def guessing(self) -> np.ndarray:
        """Lower asymptotes ``c``: P(correct) far below the item (0 below the 3PL)."""
        return self._c.copy()

    @property
    def slipping(self) -> np.ndarray:
        """``1 - d``: P(wrong) far above the item (0 below the 4PL)."""
        return 1.0 - self._d

    def ability(self, learner_id: str) -> float:
        """The posterior mean ability (EAP) of a learner (0 for an unknown one)."""
        state = self._gather(self._rows([learner_id], create=False))
        w = _normalize(state["logpost"])
        return float((w @ self._theta)[0])

    # -- fitting --------------------------------------------------------------------------------
    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from scipy import sparse
        from tqdm.auto import tqdm

        n_rows, n_items = len(log), self.space_.n
        theta = self._theta
        y = log.correct
        by_learner = sparse.csr_matrix(
            (np.ones(n_rows), (log.learners, np.arange(n_rows))), shape=(log.n_learners, n_rows)
        )
        by_item = sparse.csr_matrix(
            (np.ones(n_rows), (log.items, np.arange(n_rows))), shape=(n_items, n_rows)
        )
        if self.model in ("3pl", "4pl"):
            self._fit_asymptotes(log, by_learner, by_item)
            return
        a, b = self._a.copy(), self._b.copy()
        last = -np.inf
        with tqdm(
            total=self.max_iter, desc="IRT EM", disable=None if progress else True, leave=False
        ) as bar:
            for _ in range(self.max_iter):
                logits = a[log.items, None] * (theta[None, :] - b[log.items, None])
                ll_rows = -np.logaddexp(0.0, np.where(y[:, None] > 0, -logits, logits))
                post = by_learner @ ll_rows + self._log_prior[None, :]  # (n_learners, q)
                marg = np.logaddexp.reduce(post, axis=1)
                w = np.exp(post - marg[:, None])
                total = float(marg.sum())
                w_rows = w[log.learners]
                n_iq = np.asarray(by_item @ w_rows)
                r_iq = np.asarray(by_item @ (w_rows * y[:, None]))
                a, b = self._m_step(a, b, n_iq, r_iq)
                bar.update(1)
                if (total - last) / n_rows < self.tol:
                    break
                last = total
        self._a, self._b = a, b

    def _fit_asymptotes(self, log: InteractionLog, by_learner: Any, by_item: Any) -> None:
        """3PL/4PL: maximize the marginal log posterior of all item parameters by L-BFGS.

        Unconstrained coordinates per item: ``log a``, ``b``, ``logit c`` and (4PL)
        ``logit(1 - d)``. One evaluation is one E-step over the quadrature grid; the
        gradient of log p(answers) with respect to an item's parameters is the sum over
        grid points of the expected counts times the gradient of that point's log
        likelihood (Louis' identity).
        """
        from scipy.optimize import minimize

        theta = self._theta
        y = log.correct
        n_items = self.space_.n
        four = self.model == "4pl"
        # start: difficulty from each item's proportion correct
        seen = np.bincount(log.items, minlength=n_items)
        right = np.bincount(log.items, weights=y, minlength=n_items)
        prop = np.clip((right + 1.0) / (seen + 2.0), 0.3, 0.97)
        start = [
            np.zeros(n_items),
            -_logit((prop - 0.2) / 0.8 * 0.9 + 0.05),
            np.full(n_items, _logit(0.2)),
        ]
        if four:
            start.append(np.full(n_items, _logit(0.05)))
        x0 = np.concatenate(start)

        def unpack(x: np.ndarray) -> tuple[np.ndarray, ...]:
            la, b, gc = x[:n_items], x[n_items : 2 * n_items], x[2 * n_items : 3 * n_items]
            gs = x[3 * n_items :] if four else np.full(n_items, -np.inf)
            return la, b, _sigmoid(gc), _sigmoid(gs)

        def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
            la, b, c, s = unpack(x)
            a, d = np.exp(la), 1.0 - s
            f = _sigmoid(a[:, None] * (theta[None, :] - b[:, None]))  # (items, q)
            p = np.clip(c[:, None] + (d - c)[:, None] * f, 1e-12, 1.0 - 1e-12)
            lp, lq = np.log(p), np.log1p(-p)
            ll_rows = np.where(y[:, None] > 0, lp[log.items], lq[log.items])
            post = by_learner @ ll_rows + self._log_prior[None, :]
            marg = np.logaddexp.reduce(post, axis=1)
            w_rows = np.exp(post - marg[:, None])[log.learners]
            n = np.asarray(by_item @ w_rows)
            r = np.asarray(by_item @ (w_rows * y[:, None]))
            dl_dp = r / p - (n - r) / (1.0 - p)  # (items, q)
            slope = (d - c)[:, None] * f * (1.0 - f)
            g_la = (dl_dp * slope * a[:, None] * (theta[None, :] - b[:, None])).sum(1)
            g_b = -(dl_dp * slope * a[:, None]).sum(1)
            g_c = (dl_dp * (1.0 - f)).sum(1) * c * (1.0 - c)
            total = float(marg.sum())
            # priors (defaults): b ~ N(0, 3^2), log a ~ N(0, 0.5^2), c ~ Beta(5, 17),
            # 1 - d ~ Beta(2, 12); a Beta(al, be) log density in logit coordinates has
            # gradient (al - 1)(1 - c) - (be - 1) c
            total -= float((b**2).sum() / 18.0)
            g_b -= b / 9.0
            if self.slope_prior is not None:
                var = self.slope_prior**2
                total -= float((la**2).sum() / (2.0 * var))
                g_la -= la / var
            if self.guess_prior is not None:
                al, be = self.guess_prior[0] - 1.0, self.guess_prior[1] - 1.0
                total += float((al * np.log(c) + be * np.log1p(-c)).sum())
                g_c += al * (1.0 - c) - be * c
            grads = [g_la, g_b, g_c]
            if four:
                g_s = -(dl_dp * f).sum(1) * s * (1.0 - s)
                if self.slip_prior is not None:
                    al, be = self.slip_prior[0] - 1.0, self.slip_prior[1] - 1.0
                    total += float((al * np.log(s) + be * np.log1p(-s)).sum())
                    g_s += al * (1.0 - s) - be * s
                grads.append(g_s)
            return -total / len(y), -np.concatenate(grads) / len(y)

        res = minimize(
            objective,
            x0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter, "ftol": self.tol, "gtol": 1e-7},
        )
        la, b, c, s = unpack(res.x)
        self._a, self._b, self._c, self._d = np.exp(la), b, c, 1.0 - s

    def _m_step(
        self, a: np.ndarray, b: np.ndarray, n: np.ndarray, r: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Maximize each item's expected complete-data log posterior (vectorized Newton on
        ``(log a, b)`` with step halving, so every accepted step goes uphill)."""
        theta = self._theta[None, :]
        two = self.model != "1pl"
        # precision of the log-slope prior (0: none; the 1PL fixes a = 1)
        prec = 0.0 if self.slope_prior is None or not two else 1.0 / self.slope_prior**2

        def objective(la: np.ndarray, b: np.ndarray) -> np.ndarray:
            z = np.exp(la)[:, None] * (theta - b[:, None])
            ll = r * -np.logaddexp(0.0, -z) + (n - r) * -np.logaddexp(0.0, z)
            return ll.sum(1) - b**2 / 18.0 - 0.5 * prec * la**2

        la = np.log(a)
        current = objective(la, b)
        for _ in range(25):
            a = np.exp(la)
            d = theta - b[:, None]
            p = _sigmoid(a[:, None] * d)
            resid = r - n * p  # d/dlogit
            info = n * p * (1 - p)
            g_b = -(a[:, None] * resid).sum(1) - b / 9.0
            h_bb = -(a[:, None] ** 2 * info).sum(1) - 1.0 / 9.0
            if two:
                g_la = (a[:, None] * d * resid).sum(1) - prec * la
                h_ll = (
                    -(a[:, None] ** 2 * d**2 * info).sum(1) + (a[:, None] * d * resid).sum(1) - prec
                )
                h_lb = (a[:, None] ** 2 * d * info).sum(1) - (a[:, None] * resid).sum(1)
                det = h_ll * h_bb - h_lb**2
                ok = (det > 1e-9) & (h_ll < 0)
                safe = np.where(ok, det, 1.0)
                step_l = np.where(
                    ok, (h_bb * g_la - h_lb * g_b) / safe, g_la / np.minimum(h_ll, -1.0)
                )
                step_b = np.where(ok, (h_ll * g_b - h_lb * g_la) / safe, g_b / h_bb)
            else:
                step_l = np.zeros_like(la)
                step_b = g_b / h_bb
            step_l, step_b = np.clip(step_l, -1, 1), np.clip(step_b, -2, 2)
            scale = np.ones_like(la)
            for _ in range(20):  # halve the steps that would go downhill
                trial = objective(la - scale * step_l, b - scale * step_b)
                worse = trial < current
                if not worse.any():
                    break
                scale = np.where(worse, scale / 2, scale)
            moved = trial >= current
            la = np.where(moved, la - scale * step_l, la)
            b = np.where(moved, b - scale * step_b, b)
            current = np.where(moved, trial, current)
            if np.max(np.abs(scale * step_l) + np.abs(scale * step_b)) < 1e-8:
                break
        return np.exp(la), b

    # -- learner state --------------------------------------------------------------------------
    def _new_state(self, k: int) -> State:
        return {"logpost": np.repeat(self._log_prior[None, :], k, axis=0)}

    def _p_grid(self, items: np.ndarray) -> np.ndarray:
        f = _sigmoid(self._a[items, None] * (self._theta[None, :] - self._b[items, None]))
        if self.model in ("1pl", "2pl"):
            return f
        c, d = self._c[items, None], self._d[items, None]
        return c + (d - c) * f

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        w = _normalize(state["logpost"])
        return (w * self._p_grid(items)).sum(axis=1)

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        p = self._p_grid(items)
        lik = np.where(correct[:, None] > 0, p, 1.0 - p)
        post = state["logpost"] + np.log(np.maximum(lik, 1e-300))
        return {"logpost": post - post.max(axis=1, keepdims=True)}

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> IRT:
        return cls(space, max_iter=20, seed=seed)


def _normalize(logpost: np.ndarray) -> np.ndarray:
    w = np.exp(logpost - logpost.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)
