"""An FSRS-style memory model: difficulty, stability and retrievability of every card."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from teachkit._time import from_timestamp
from teachkit._validation import check_learner_id, check_number, check_positive_int
from teachkit.data import _fsrs
from teachkit.data._log import InteractionLog
from teachkit.errors import ValidationError
from teachkit.learners._base import BaseLearnerModel, State, _seconds
from teachkit.learners._bkt_em import layout
from teachkit.learners._fsrs_fit import fit_weights
from teachkit.spaces import Discrete


class MemoryModel(BaseLearnerModel):
    """A model of forgetting: P(recall) of each (learner, item) card decays with time.

    Each card has a difficulty ``D`` and a stability ``S`` (the days after which recall
    falls to 90%); ``predict`` is its retrievability ``R = (1 + F t / S) ** -w20`` ``t``
    days after its last review, and each review updates ``S`` and ``D`` with the FSRS-6
    equations (see ``_fsrs``). :meth:`fit` fits the 21 weights to a review log by
    minimizing the log loss of R before every review that comes at least
    ``min_interval_days`` after the previous one (FSRS's own choice: same-day repeats say
    little about memory), starting from the published FSRS-6 defaults. A card never
    reviewed is predicted at the log's first-review recall rate.

    :meth:`next_review` says when to review a card for a target retention, and
    :meth:`due` lists the items whose recall has fallen below it.

    Args:
        space: items (cards); None: adopt the log's.
        grades: how outcomes become FSRS grades. ``"binary"``: a failure is Again (1), a
            success Good (3). ``"four"``: the score holds ``(rating - 1) / 3`` for ratings
            1..4 (what :func:`teachkit.data.read_review_log` writes).
        min_interval_days: reviews closer than this to the previous one are not fitted.
        max_iter: L-BFGS-B iterations at most.

    Deviations from FSRS-6: elapsed time is measured in fractional days, not whole days;
    the optimizer is L-BFGS-B on the full log instead of Adam on mini-batches of each
    card's first 64 reviews; there is no learning-steps scheduler (this is a model of
    memory, not a scheduler).

    Example:
        >>> from teachkit.data.synthetic import review_log
        >>> log, _ = review_log(n_cards=30, reviews=6, seed=0)
        >>> model = MemoryModel(grades="four", max_iter=5).fit(log)
        >>> 0 < model.predict("u0", "c0") < 1
        True

    References:
        Ye, J., Su, J., & Cao, Y. (2022). A stochastic shortest path algorithm for
        optimizing spaced repetition scheduling. KDD. (the DSR model FSRS builds on)
        Open Spaced Repetition. FSRS-6 algorithm description and default parameters,
        https://github.com/open-spaced-repetition/fsrs4anki/wiki/The-Algorithm
    """

    uses_time = True

    def __init__(
        self,
        space: Discrete | None = None,
        *,
        grades: str = "binary",
        min_interval_days: float = 1.0,
        max_iter: int = 200,
        seed: int | None = None,
    ) -> None:
        if not isinstance(grades, str) or grades not in ("binary", "four"):
            raise ValidationError(
                "MemoryModel", [f"grades: expected 'binary' or 'four', got {grades!r}"]
            )
        if (
            check_number([], "min_interval_days", min_interval_days) is None
            or not min_interval_days >= 0
        ):
            raise ValidationError(
                "MemoryModel", [f"min_interval_days: expected >= 0, got {min_interval_days!r}"]
            )
        check_positive_int("max_iter", max_iter)
        self.grades = grades
        self.min_interval_days = min_interval_days
        self.max_iter = max_iter
        super().__init__(space, seed=seed)

    def _init_params(self) -> None:
        self._w = _fsrs.DEFAULT_W.copy()
        self._p_new = 0.5
        self._loss = float("nan")

    @property
    def weights(self) -> np.ndarray:
        """The 21 FSRS-6 weights in use."""
        return self._w.copy()

    def _grade(self, correct: np.ndarray, score: np.ndarray) -> np.ndarray:
        if self.grades == "binary":
            return np.where(correct > 0, 3, 1).astype(np.int64)
        return np.where(correct > 0, np.clip(np.rint(score * 3) + 1, 2, 4), 1).astype(np.int64)

    # -- fitting --------------------------------------------------------------------------------
    def _cards(self, log: InteractionLog) -> tuple[object, np.ndarray, np.ndarray, np.ndarray]:
        """Reviews laid out time-major per card, with grades and days since the last review."""
        if np.isnan(log.time).any():
            raise ValidationError(
                "MemoryModel", ["every review needs a time; the log has rows without one"]
            )
        card = log.learners * self.space_.n + log.items
        order = np.lexsort((log.time, card))
        k, t = card[order], log.time[order]
        days = np.r_[np.inf, np.diff(t) / _fsrs.DAY]
        days[np.r_[True, k[1:] != k[:-1]]] = np.inf
        src = np.empty(len(order), dtype=np.int64)
        src[order] = np.arange(len(order))
        zeros = np.zeros(len(k), dtype=np.int64)
        lay = layout(k, log.correct[order], zeros, zeros, zeros)
        back = order[lay.source]  # time-major position -> log row
        grades = self._grade(log.correct, log.score)[back]
        return lay, grades, days[lay.source], back

    def _fit(self, log: InteractionLog, progress: bool) -> None:
        lay, grades, days, back = self._cards(log)
        first = lay.first  # type: ignore[attr-defined]
        self._p_new = float(np.clip(log.correct[back][first].mean(), 0.01, 0.99))
        scored = ~first & (days >= self.min_interval_days)
        if scored.sum() < 10:
            raise ValidationError(
                "MemoryModel.fit",
                [
                    f"expected at least 10 reviews {self.min_interval_days:g}+ days after the "
                    f"previous one, got {int(scored.sum())}; the log is too short to fit memory"
                ],
            )
        self._w, self._loss = fit_weights(
            grades,
            days,
            lay.offsets,  # type: ignore[attr-defined]
            lay.n_active,  # type: ignore[attr-defined]
            scored,
            log.correct[back],
            max_iter=self.max_iter,
            progress=progress,
        )

    # -- card state -----------------------------------------------------------------------------
    def _new_state(self, k: int) -> State:
        return {}

    def _empty_state(self) -> State:
        return {
            "card": np.zeros(0, dtype=np.int64),
            "s": np.zeros(0),
            "d": np.zeros(0),
            "last": np.zeros(0),
        }

    def _find(self, rows: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = rows * self.space_.n + items
        cards = self._state["card"]
        pos = np.searchsorted(cards, keys)
        found = (rows >= 0) & (pos < len(cards))
        found[found] = cards[pos[found]] == keys[found]
        return pos, found

    def _predict_rows(self, rows: np.ndarray, items: np.ndarray, time: np.ndarray) -> np.ndarray:
        pos, found = self._find(rows, items)
        out = np.full(len(items), self._p_new)
        if found.any():
            st = self._state
            p = pos[found]
            days = (time[found] - st["last"][p]) / _fsrs.DAY
            out[found] = _fsrs.retrievability(self._w, days, st["s"][p])
        return out

    def _step_rows(
        self,
        rows: np.ndarray,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> None:
        pos, found = self._find(rows, items)
        g = self._grade(correct, score)
        st = self._state
        if found.any():
            p = pos[found]
            days = (time[found] - st["last"][p]) / _fsrs.DAY
            st["s"][p], st["d"][p] = _fsrs.update(self._w, st["s"][p], st["d"][p], days, g[found])
            st["last"][p] = time[found]
        new = ~found
        if new.any():
            s, d = _fsrs.initial(self._w, g[new])
            keys = np.concatenate([st["card"], rows[new] * self.space_.n + items[new]])
            order = np.argsort(keys, kind="stable")
            for name, add in (("s", s), ("d", d), ("last", time[new])):
                st[name] = np.concatenate([st[name], add])[order]
            st["card"] = keys[order]

    # -- scheduling -----------------------------------------------------------------------------
    def next_review(self, learner_id: str, task: str, *, retention: float = 0.9) -> datetime:
        """When recall of ``task`` is predicted to fall to ``retention`` (UTC).

        A card never reviewed is due at once (the current time).
        """
        check_learner_id(learner_id)
        _check_retention(retention)
        rows = self._rows([learner_id], create=False)
        pos, found = self._find(rows, self.space_.encode([task]))
        if not found[0]:
            return from_timestamp(self._now())
        s, last = self._state["s"][pos[0]], self._state["last"][pos[0]]
        days = float(_fsrs.interval(self._w, np.array([s]), retention)[0])
        return from_timestamp(float(last)) + timedelta(days=days)

    def due(
        self, learner_id: str, *, retention: float = 0.9, at: datetime | float | None = None
    ) -> list[str]:
        """Items the learner has reviewed whose recall at ``at`` (default now) is below
        ``retention``, most forgotten first."""
        check_learner_id(learner_id)
        _check_retention(retention)
        row = self._rows([learner_id], create=False)[0]
        if row < 0:
            return []
        n = self.space_.n
        st = self._state
        mine = (st["card"] // n) == row
        now = self._now() if at is None else _seconds(at)
        r = _fsrs.retrievability(self._w, (now - st["last"][mine]) / _fsrs.DAY, st["s"][mine])
        items = st["card"][mine] % n
        low = r < retention
        order = np.argsort(r[low], kind="stable")
        return [self.space_.names[i] for i in items[low][order].tolist()]

    @classmethod
    def _example(cls, space: Discrete, seed: int) -> MemoryModel:
        return cls(space, max_iter=3, seed=seed)


def _check_retention(retention: float) -> None:
    if not 0 < retention < 1:
        raise ValidationError("retention", [f"expected a probability in (0, 1), got {retention!r}"])
