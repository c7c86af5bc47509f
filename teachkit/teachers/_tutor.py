"""Tutor: the flagship teacher for people: new material in the zone of proximal
development along a goal-directed plan, and spaced review of what is learned."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from teachkit._batch import EventBatch
from teachkit.errors import ValidationError
from teachkit.learners import BKT, BaseLearnerModel, MemoryModel
from teachkit.spaces import Space
from teachkit.teachers._path import goal_indices, plan_path, practice_cost
from teachkit.teachers._people import PeopleTeacher, check_fraction


class Tutor(PeopleTeacher):
    """One teacher that plans, teaches new material and reviews, with sensible defaults.

    Two learner models: a knowledge model (``learner_model``, BKT by default) says which
    skills are mastered and how likely each item is to be answered correctly; a memory
    model (``memory_model``, FSRS-6 by default) says how well what was learned is still
    recalled. Each ask:

    1. **Plan** (as :class:`PathPlanner`): the weak skills each goal needs, cheapest goal
       first, prerequisites first. The *frontier* is the plan's skills whose
       prerequisites are all mastered; once the goals are reached, every weak skill
       whose prerequisites are mastered.
    2. **New material** (as :class:`TargetSuccess`, plus learning progress): every open
       item exercising a frontier skill is worth
       ``new_value * (1 - |p - target|) + progress_weight * LP - plan_weight * k / K``,
       with ``p`` its predicted success, ``LP`` the recent learning progress of its skills
       (a moving average of how much their mastery moved per answer, as in the
       learning-progress teachers of Oudeyer et al.), and ``k / K`` how far down the plan
       its skill is.
    3. **Review** (as :class:`SpacedReview`, per skill): a skill learned earlier (once
       mastered) whose recall has fallen below ``retention`` is worth ``1 - R``, where
       ``R`` is the memory model's recall of its most recently practised item at the
       learner's clock; its open items get that value.

    The items of highest value are given (ties at random; items given recently are
    slightly preferred less, to vary practice). With nothing left to learn or review,
    the least recalled learned skill is practised.

    Args:
        space: a Discrete space with skills and prerequisites.
        goals: goal skill names (default: the skills nothing else requires).
        learner_model: knowledge model on ``space`` (default ``BKT(space)``).
        memory_model: memory model on ``space`` (default ``MemoryModel(space)``).
        target: predicted success aimed at for new material.
        mastered: mastery above which a skill counts as learned.
        retention: recall below which a learned skill is due for review.
        new_value: the worth of a perfectly pitched new item against a review (a due
            skill is reviewed first when ``1 - R`` exceeds it).
        progress_weight: weight of learning progress.
        plan_weight: preference for skills early in the plan.
        seed: seeds tie-breaking.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(
        ...     ["1+1", "2+3", "2x3", "6/3"],
        ...     skills={"1+1": "add", "2+3": "add", "2x3": "mul", "6/3": "div"},
        ...     prerequisites={"mul": ["add"], "div": ["mul"]})
        >>> tutor = tk.teachers.Tutor(space, seed=0)
        >>> tutor.ask("ana")[0] in ("1+1", "2+3")
        True

    References:
        Corbett & Anderson (1994), knowledge tracing; Vygotsky (1978) and the target
        success band; Oudeyer, Gottlieb & Lopes (2016), Intrinsic motivation, curiosity
        and learning (learning progress); Ye, Su & Cao (2022), FSRS; see also
        :class:`PathPlanner`, :class:`TargetSuccess` and :class:`SpacedReview`.
    """

    def __init__(
        self,
        space: Space,
        *,
        goals: Sequence[str] | None = None,
        learner_model: BaseLearnerModel | None = None,
        memory_model: BaseLearnerModel | None = None,
        target: float = 0.75,
        mastered: float = 0.95,
        retention: float = 0.9,
        new_value: float = 0.3,
        progress_weight: float = 0.5,
        plan_weight: float = 0.2,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.goals = goals
        self.learner_model = learner_model
        self.memory_model = memory_model
        self.target = target
        self.mastered = mastered
        self.retention = retention
        self.new_value = new_value
        self.progress_weight = progress_weight
        self.plan_weight = plan_weight
        problems: list[str] = []
        for name in ("target", "mastered", "retention"):
            check_fraction(problems, name, getattr(self, name))
        for name in ("new_value", "progress_weight", "plan_weight"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v < float("inf"):
                problems.append(f"{name}: expected a finite number >= 0, got {v!r}")
        if problems:
            raise ValidationError("Tutor", problems)
        self._goals = goal_indices(self.discrete, goals, "Tutor")
        self._model = self._own("learner_model", learner_model, lambda: BKT(self.discrete), None)
        self._memory = self._own(
            "memory_model", memory_model, lambda: MemoryModel(self.discrete), None
        )
        self._learned: dict[str, np.ndarray] = {}  # per skill: mastered at some point
        self._progress: dict[str, np.ndarray] = {}  # per skill: moving |Δ mastery|
        self._last: dict[str, np.ndarray] = {}  # per item: time last practised (NaN never)
        self._given: dict[str, np.ndarray] = {}  # per item: the learner's step when last given

    _derived = ("_graph", "_goals")

    @property
    def model(self) -> BaseLearnerModel:
        """The knowledge model in use."""
        return self._model

    @property
    def memory(self) -> BaseLearnerModel:
        """The memory model in use."""
        return self._memory

    def _skill_recall(self, learner_id: str) -> np.ndarray:
        """Per skill: recall of its most recently practised item (NaN: never practised)."""
        g = self._graph
        last = self._last.get(learner_id)
        out = np.full(g.n_skills, np.nan)
        if last is None:
            return out
        recall = self._predict(self._memory, learner_id, np.arange(g.n_items))
        for s in range(g.n_skills):
            items = g.items_of[s]
            t = last[items]
            if np.isfinite(t).any():
                out[s] = recall[items[np.nanargmax(t)]]
        return out

    def values(self, learner_id: str) -> np.ndarray:
        """The worth of giving each item now (-inf: not a candidate)."""
        g = self._graph
        mastery = self._mastery(self._model, learner_id)
        weak = mastery < self.mastered
        cost = practice_cost(self._model, mastery, self.mastered, 0.1)
        plan = plan_path(g, mastery, self.mastered, self._goals, cost)
        ready = [s for s in plan if not weak[g.pre[s]].any()]
        if not ready:
            ready = [s for s in g.order.tolist() if weak[s] and not weak[g.pre[s]].any()]
        position = np.full(g.n_skills, np.inf)
        position[plan] = np.arange(len(plan))
        depth = max(len(plan), 1)
        open_ = g.open_items(~weak)
        values = np.full(g.n_items, -np.inf)
        # new material
        frontier = np.zeros(g.n_skills, dtype=bool)
        frontier[ready] = True
        p = self._predict(self._model, learner_id, np.arange(g.n_items))
        progress = self._progress.get(learner_id, np.zeros(g.n_skills))
        for i in np.flatnonzero(open_).tolist():
            sk = g.skills_of[i]
            on = sk[frontier[sk]]
            if not len(on):
                continue
            k = position[on].min()
            k = 0.0 if not np.isfinite(k) else k / depth
            values[i] = (
                self.new_value * (1.0 - abs(p[i] - self.target))
                + self.progress_weight * float(progress[sk].mean())
                - self.plan_weight * k
            )
        # review
        learned = self._learned.get(learner_id, np.zeros(g.n_skills, dtype=bool))
        recall = self._skill_recall(learner_id)
        due = learned & np.isfinite(recall) & (recall < self.retention)
        for s in np.flatnonzero(due).tolist():
            items = g.items_of[s]
            items = items[open_[items]] if open_[items].any() else items
            values[items] = np.maximum(values[items], 1.0 - recall[s])
        if not np.isfinite(values).any():  # nothing to learn or due: the least recalled
            if learned.any():
                r = np.where(learned & np.isfinite(recall), recall, np.inf)
                values[g.items_of[int(np.argmin(r))]] = 0.0
            else:
                values[:] = -mastery[[sk.min() for sk in g.skills_of]]
        return values

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        g = self._graph
        values = self.values(learner_id)
        given = self._given.setdefault(learner_id, np.full(g.n_items, -1, dtype=np.int64))
        step = self._steps.get(learner_id, 0)
        recency = np.where(given >= 0, 1e-3 / (1.0 + step - given), 0.0)
        chosen = self._pick(np.where(np.isfinite(values), values - recency, -np.inf), n)
        given[chosen] = step
        return chosen

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        g = self._graph
        lids = list(dict.fromkeys(batch.learner_ids.tolist()))
        before = {lid: self._mastery(self._model, lid) for lid in lids}
        self._model.update(batch)
        self._memory.update(batch)
        for i, lid in enumerate(batch.learner_ids.tolist()):
            last = self._last.setdefault(lid, np.full(g.n_items, np.nan))
            last[int(batch.tasks[i])] = batch.time[i]
        for lid, mine in batch.by_learner():
            after = self._mastery(self._model, lid)
            touched = g.q[mine.tasks].any(axis=0)
            prog = self._progress.setdefault(lid, np.zeros(g.n_skills))
            delta = np.abs(after - before[lid]) / max(len(mine), 1)
            prog[touched] = 0.7 * prog[touched] + 0.3 * delta[touched]
            learned = self._learned.setdefault(lid, np.zeros(g.n_skills, dtype=bool))
            learned |= after >= self.mastered
