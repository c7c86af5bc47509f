"""Elo ratings for learners and items (Pelánek's adaptation to education)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from teachkit._validation import check_number
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._base import BaseLearnerModel, State
from teachkit.spaces import Discrete


class Elo(BaseLearnerModel):
    """Elo ratings: P(correct) = sigmoid(theta_learner - d_item), both updated by each answer.

    After an answer with outcome ``o`` (1 correct, 0 not) and prediction ``p``, the learner's
    skill moves by ``K(n_learner) (o - p)`` and the item's difficulty by ``-K(n_item) (o - p)``,
    where ``K(n) = alpha / (1 + beta n)`` shrinks with the number of answers ``n`` already
    seen (Pelánek's uncertainty function), so new learners and items move fast and settle.

    :meth:`fit` replays the log in time order (all learners interleaved by timestamp),
    which is Elo's estimation procedure; :meth:`update` keeps adapting item difficulties
    online (``update_items=False`` freezes them). :meth:`predict_log` holds item
    difficulties fixed at their fitted values, so evaluation never learns from the answers
    it scores. Within one ``update`` call, answers of different learners at the same
    position in their sequences move item difficulties together.

    Args:
        space: items; None: adopt the log's.
        alpha, beta: the uncertainty function ``K(n) = alpha / (1 + beta n)``.
        update_items: whether online updates also move item difficulties.

    Example:
        >>> from teachkit.data.synthetic import irt_log
        >>> log, truth = irt_log(n_learners=300, n_items=10, model="1pl", seed=0)
        >>> model = Elo().fit(log)
        >>> bool(np.corrcoef(model.difficulty, truth["b"])[0, 1] > 0.9)
        True

    References:
        Elo, A. E. (1978). The rating of chessplayers, past and present.
        Pelánek, R. (2016). Applications of the Elo rating system in adaptive educational
        systems. Computers & Education, 98, 169-179.
    """

    frozen: ClassVar[dict[str, Any]] = {"update_items": False}

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        alpha: float = 1.0,
        beta: float = 0.05,
        update_items: bool = True,
        seed: int | None = None,
    ) -> None:
        if (
            check_number([], "alpha", alpha) is None
            or check_number([], "beta", beta) is None
            or not alpha > 0
            or not beta >= 0
        ):
            raise ValidationError(
                "Elo", [f"expected alpha > 0 and beta >= 0, got {alpha!r}, {beta!r}"]
            )
        self.alpha = alpha
        self.beta = beta
        self.update_items = update_items
        super().__init__(space, seed=seed)

    def _init_params(self) -> None:
        self._d = np.zeros(self.space_.n)
        self._n_item = np.zeros(self.space_.n)

    @property
    def difficulty(self) -> np.ndarray:
        """Item difficulties in ``space_.names`` order."""
        return self._d.copy()

    def _k(self, n: np.ndarray) -> np.ndarray:
        return self.alpha / (1.0 + self.beta * n)

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        from tqdm.auto import tqdm

        # Replay in global time order; rows of one time step touch distinct learners, and
        # repeated items within a step are applied with np.add.at.
        t = np.where(np.isnan(log.time), log.position.astype(np.float64), log.time)
        rank = np.unique(t, return_inverse=True)[1]
        state = self._new_state(log.n_learners)
        pos = log.position
        keys = rank * (int(pos.max()) + 1) + pos
        order = np.argsort(keys, kind="stable")
        bounds = np.flatnonzero(np.diff(keys[order])) + 1
        for idx in tqdm(
            np.split(order, bounds), desc="Elo", disable=None if progress else True, leave=False
        ):
            lr, it = log.learners[idx], log.items[idx]
            theta, n = state["theta"][lr], state["n"][lr]
            p = 1.0 / (1.0 + np.exp(-(theta - self._d[it])))
            err = log.correct[idx] - p
            state["theta"][lr] = theta + self._k(n) * err
            state["n"][lr] = n + 1
            np.add.at(self._d, it, -self._k(self._n_item[it]) * err)
            np.add.at(self._n_item, it, 1.0)

    def _new_state(self, k: int) -> State:
        return {"theta": np.zeros(k), "n": np.zeros(k)}

    def _predict_state(self, state: State, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(state["theta"] - self._d[items])))

    def _step_state(
        self,
        state: State,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> State:
        err = correct - self._predict_state(state, items, time)
        if self.update_items and not self._frozen:
            np.add.at(self._d, items, -self._k(self._n_item[items]) * err)
            np.add.at(self._n_item, items, 1.0)
        return {"theta": state["theta"] + self._k(state["n"]) * err, "n": state["n"] + 1}
