"""TargetSuccess: items in the zone of proximal development, by predicted success; with an
IRT maximum-information (computerized adaptive testing) mode and PUDF's ability rule."""

from __future__ import annotations

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_choice, check_fraction, check_positive_int
from teachkit.errors import ValidationError
from teachkit.learners import IRT, BaseLearnerModel
from teachkit.spaces import Space
from teachkit.teachers.people._base import PeopleTeacher, population_bkt

_MODES = ("target", "max_info", "pudf")


class TargetSuccess(PeopleTeacher):
    """Practise what the learner can just about do.

    ``mode="target"`` (default): among the items in the zone of proximal development
    (every prerequisite skill mastered, i.e. learner-model mastery ≥ ``mastered``, and
    some skill of the item not mastered yet), give the item whose predicted P(success)
    is closest to ``target`` (0.75: the 70-85% success band where practice
    is neither trivial nor hopeless). Without such items: the open items (all mastered:
    review), else the items without prerequisites. ``n > 1`` asks give the ``n`` closest items.

    ``mode="max_info"``: computerized adaptive testing. With an IRT model, give the item
    of maximum Fisher information at the learner's ability estimate (EAP),
    ``I_i(θ) = a_i² P_i(θ) (1 - P_i(θ))`` (Lord 1980), i.e. the item that measures the
    learner best; prerequisites are not applied (CAT selects from the whole bank).

    ``mode="pudf"``: PUDF's dynamic data selection by model ability estimation (DDS-MAE):
    the learner practises items whose IRT difficulty ``b`` is at most its estimated
    ability ``θ``, drawn uniformly among them. Every ``window`` answers the ability is
    re-estimated; when it has not improved, the admitted difficulty widens by ``widen``
    (so a stalled learner still moves on to harder material). Difficulties come from the
    IRT model's fitted ``b`` (fit it on responses first, as PUDF fits IRT to an
    "artificial crowd"); with an unfitted model every item has ``b = 0``.

    Args:
        space: a Discrete space (skills and prerequisites used by ``"target"``).
        learner_model: default a refitting BKT with forgetting (see :class:`Tutor`) for
            ``"target"``, ``IRT(space)`` (2PL) for the others, which need an
            :class:`~teachkit.learners.IRT`.
        target: the predicted success aimed at (``"target"`` mode).
        mastered: the mastery above which a prerequisite skill counts as mastered (0.75
            by default, chosen on the people zoo).
        mode: ``"target"``, ``"max_info"`` or ``"pudf"``.
        window: answers between ability re-estimates (``"pudf"``).
        widen: how far the admitted difficulty grows when ability stalls (``"pudf"``).
        seed: seeds tie-breaking and the ``"pudf"`` draws.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(["easy", "mid", "hard"])
        >>> teacher = tk.teachers.TargetSuccess(space, target=0.75, seed=0)
        >>> sorted(teacher.ask("ana", n=3))  # a new learner: all alike, ties at random
        ['easy', 'hard', 'mid']

    References:
        Vygotsky, L. S. (1978). Mind in Society (the zone of proximal development).
        Lord, F. M. (1980). Applications of Item Response Theory to Practical Testing
        Problems (maximum-information item selection).
        Meng, G., Zeng, Q., Lalor, J. P., & Yu, H. (2024). A psychology-based unified
        dynamic framework for curriculum learning (PUDF). arXiv:2408.05326.
    """

    def __init__(
        self,
        space: Space,
        *,
        learner_model: BaseLearnerModel | None = None,
        target: float = 0.75,
        mastered: float = 0.75,
        mode: str = "target",
        window: int = 5,
        widen: float = 0.25,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.learner_model = learner_model
        self.target = target
        self.mastered = mastered
        self.mode = mode
        self.window = window
        self.widen = widen
        problems: list[str] = []
        check_fraction(problems, "target", target)
        check_fraction(problems, "mastered", mastered)
        check_choice(problems, "mode", mode, _MODES)
        if not isinstance(widen, int | float) or isinstance(widen, bool) or not widen > 0:
            problems.append(f"widen: expected a number > 0, got {widen!r}")
        if problems:
            raise ValidationError("TargetSuccess", problems)
        check_positive_int("window", window, maximum=1_000_000)
        if mode == "target":
            self._model = self._own(
                "learner_model", learner_model, lambda: population_bkt(self.discrete, seed), None
            )
        else:
            self._model = self._own("learner_model", learner_model, lambda: IRT(self.discrete), IRT)
        self._level: dict[str, float] = {}  # pudf: admitted difficulty
        self._best: dict[str, float] = {}  # pudf: ability at the last re-estimate
        self._since: dict[str, int] = {}  # pudf: answers since then

    @property
    def model(self) -> BaseLearnerModel:
        """The learner model in use."""
        return self._model

    def candidates(self, learner_id: str) -> np.ndarray:
        """Item indices in the learner's zone of proximal development: every prerequisite
        skill mastered and some skill of the item not mastered yet. When there are none:
        the open items (everything mastered: review), else the items without
        prerequisites."""
        g = self._graph
        known = self._mastery(self._model, learner_id) >= self.mastered
        open_ = g.open_items(known)
        all_known = (g.q & known[None, :]).sum(axis=1) == g.q.sum(axis=1)
        zone = open_ & ~all_known
        if zone.any():
            return np.flatnonzero(zone)
        if open_.any():
            return np.flatnonzero(open_)
        return np.flatnonzero([len(r) == 0 for r in g.item_req])

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        if self.mode == "target":
            items = self.candidates(learner_id)
            p = self._predict(self._model, learner_id, items)
            return items[self._pick(-np.abs(p - self.target), n)]
        model = self._model
        assert isinstance(model, IRT)
        if self.mode == "max_info":
            theta = model.ability(learner_id)
            a, b = model.discrimination, model.difficulty
            p = 1.0 / (1.0 + np.exp(-a * (theta - b)))
            return self._pick(a**2 * p * (1 - p), n)
        b = model.difficulty
        level = self._level.get(learner_id)
        if level is None:
            level = model.ability(learner_id)
        allowed = np.flatnonzero(b <= level + 1e-12)
        if not len(allowed):  # nothing easy enough yet: the easiest items
            allowed = np.flatnonzero(b <= b.min() + 1e-12)
        return allowed[(self._rng.random(n) * len(allowed)).astype(np.int64)]

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        self._model.update(batch)
        if self.mode != "pudf":
            return
        model = self._model
        assert isinstance(model, IRT)
        for lid, mine in batch.by_learner():
            since = self._since.get(lid, 0) + len(mine)
            if since < self.window:
                self._since[lid] = since
                continue
            self._since[lid] = 0
            theta = model.ability(lid)
            best = self._best.get(lid)
            level = self._level.get(lid, theta)
            if best is not None and theta <= best + 1e-9:
                level = level + self.widen  # ability stalled: admit harder items
            else:
                level = max(level, theta)
            self._best[lid] = theta if best is None else max(best, theta)
            self._level[lid] = level
