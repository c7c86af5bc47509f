"""Performance factors analysis: a logistic model of prior successes and failures per skill."""

from __future__ import annotations

import numpy as np

from teachkit._validation import check_number
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.spaces import Discrete


class PFA(BaseLearnerModel):
    """Performance factors analysis (PFA).

    For an item exercising skills ``K``, ``logit P(correct) = sum over k in K of
    (beta_k + gamma_k s_k + rho_k f_k)``, where ``s_k`` and ``f_k`` count the learner's
    earlier correct and incorrect answers on skill ``k``. The parameters are fitted by
    L2-regularized logistic regression (L-BFGS); a learner's state is the two count
    vectors, updated after every answer.

    Args:
        space: items with skill tags; None: adopt the log's.
        item_difficulty: add a per-item intercept (the "PFA with item difficulty" variant);
            the original uses per-skill intercepts only.
        l2: ridge penalty on all weights.

    Example:
        >>> from teachkit.data.synthetic import bkt_log
        >>> log, _ = bkt_log(n_learners=200, n_skills=2, seed=0)
        >>> model = PFA().fit(log)
        >>> bool(model.params()["gamma"]["s0"] > 0)
        True

    References:
        Pavlik, P. I., Cen, H., & Koedinger, K. R. (2009). Performance factors analysis:
        a new alternative to knowledge tracing. AIED.
    """

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        item_difficulty: bool = False,
        l2: float = 1e-3,
        seed: int | None = None,
    ) -> None:
        if check_number([], "l2", l2) is None or not l2 >= 0:
            raise ValidationError("PFA", [f"l2: expected a number >= 0, got {l2!r}"])
        self.item_difficulty = item_difficulty
        self.l2 = l2
        super().__init__(space, seed=seed)

    def _init_params(self) -> None:
        n_items, n_skills = self._q.shape
        self._beta = np.zeros(n_skills)
        self._gamma = np.full(n_skills, 0.1)
        self._rho = np.zeros(n_skills)
        self._item = np.zeros(n_items)

    def params(self) -> dict[str, dict[str, float]]:
        """Fitted weights by skill (and item intercepts when ``item_difficulty``)."""
        skills = self.space_.skill_names
        out = {
            k: dict(zip(skills, getattr(self, f"_{k}").tolist())) for k in ("beta", "gamma", "rho")
        }
        if self.item_difficulty:
            out["item"] = dict(zip(self.space_.names, self._item.tolist()))
        return out

    def _counts(self, log: InteractionLog) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Expanded (row, skill) entries with the learner's earlier successes and failures."""
        rows, skill = np.nonzero(self._q[log.items])
        key = log.learners[rows] * self._q.shape[1] + skill
        order = np.lexsort((rows, key))
        k, y = key[order], log.correct[rows[order]]
        new = np.r_[True, k[1:] != k[:-1]]
        start = np.maximum.accumulate(np.where(new, np.arange(len(k)), 0))
        cs = np.cumsum(y) - y  # successes before, over the whole array
        cn = np.arange(len(k)) - start
        s_before = cs - (cs[start] if len(k) else 0)
        s = np.empty(len(k))
        f = np.empty(len(k))
        s[order] = s_before
        f[order] = cn - s_before
        return rows, skill, s, f

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from scipy.optimize import minimize

        rows, skill, s, f = self._counts(log)
        n_items, n_skills = self._q.shape
        y = log.correct
        n = len(y)
        sizes = [n_skills, n_skills, n_skills, n_items if self.item_difficulty else 0]

        def unpack(w: np.ndarray) -> list[np.ndarray]:
            return np.split(w, np.cumsum(sizes)[:-1])

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            beta, gamma, rho, item = unpack(w)
            z = np.bincount(rows, beta[skill] + gamma[skill] * s + rho[skill] * f, minlength=n)
            if self.item_difficulty:
                z = z + item[log.items]
            p = 1.0 / (1.0 + np.exp(-z))
            nll = np.logaddexp(0.0, np.where(y > 0, -z, z)).sum() / n
            e = (p - y) / n  # d nll / dz
            ee = e[rows]
            grad = [
                np.bincount(skill, ee, n_skills),
                np.bincount(skill, ee * s, n_skills),
                np.bincount(skill, ee * f, n_skills),
            ]
            if self.item_difficulty:
                grad.append(np.bincount(log.items, e, n_items))
            g = np.concatenate(grad) + 2 * self.l2 * w / n
            return float(nll + self.l2 * (w @ w) / n), g

        w0 = np.zeros(sum(sizes))
        res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
        self._beta, self._gamma, self._rho, item = unpack(res.x)
        if self.item_difficulty:
            self._item = item

    def _new_state(self, k: int) -> State:
        n_skills = self._q.shape[1]
        return {"s": np.zeros((k, n_skills)), "f": np.zeros((k, n_skills))}

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        q = self._q[items]
        z = (q * (self._beta + self._gamma * state["s"] + self._rho * state["f"])).sum(axis=1)
        z = z + self._item[items]
        return 1.0 / (1.0 + np.exp(-z))

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        q = self._q[items]
        return {
            "s": state["s"] + q * correct[:, None],
            "f": state["f"] + q * (1.0 - correct[:, None]),
        }
