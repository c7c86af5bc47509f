"""Tutor: the flagship teacher for people: new material in the zone of proximal
development along a goal-directed plan, and spaced review of what is learned."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_fraction
from teachkit.errors import ValidationError
from teachkit.learners import BKT, BaseLearnerModel, MemoryModel
from teachkit.spaces import Discrete, Space
from teachkit.teachers.people._base import PeopleTeacher, min_known
from teachkit.teachers.people._path import goal_indices, plan_path, practice_cost


class Tutor(PeopleTeacher):
    """One teacher that plans, teaches new material and reviews, with sensible defaults.

    Two learner models: a knowledge model (``learner_model``, BKT by default) says how
    well each skill is known and how likely each item is to be answered correctly; a
    memory model (``memory_model``, FSRS-6 by default, per skill) says how well what was
    learned is still recalled. Every ask values each item by the progress it is
    expected to bring, in post-test units, and gives the best:

    1. **Plan** (as :class:`PathPlanner`): the weak skills (mastery below ``mastered``)
       that the goals need, cheapest goal first, prerequisites first. Only these count
       as new material (once the goals are reached: every weak skill).
    2. **New material**, by expected learning progress within the prerequisite
       frontier: for each planned skill ``s`` the knowledge model's expected mastery
       gain of one more answer, ``(1 - m_s) learn_s`` (BKT's learning transition), plus
       ``progress_weight`` times its measured learning progress (a moving average of how
       far its mastery moved per answer, as in the learning-progress teachers of
       Oudeyer et al.), gated softly by the prerequisites: times
       ``min(1, min_j m_j / mastered)`` over its prerequisites ``j``. An item adds up its
       skills' gains, each weighted by the skill's share of the item bank; it is gated
       the same way by the prerequisites of its skills that it does not exercise itself
       (an item whose main skill is far from ready mostly fails and teaches its other
       skills little), and pitched by target success: times
       ``1 - target_weight |p - target|`` with ``p`` its predicted success.
    3. **Spaced review**: a skill mastered earlier whose recall ``R`` (memory model, at
       the learner's clock) has fallen below ``retention`` is worth ``m_s (1 - R)``, the
       knowledge a review brings back, weighted by its share; every item of the skill
       gets it (on top of any new-material value).

    Ties go at random, and items given recently are slightly less preferred, to vary
    practice. :meth:`gains` shows both parts, :meth:`plan` the plan.

    Args:
        space: a Discrete space with skills and prerequisites.
        goals: goal skill names (default: the skills nothing else requires).
        learner_model: knowledge model on ``space`` (default ``BKT(space)``).
        memory_model: memory model (default ``MemoryModel``, FSRS-6 default weights) on
            ``tutor.skill_space`` (``memory_level="skills"``) or on ``space``
            (``"items"``).
        target: predicted success aimed at for new material.
        target_weight: how strongly items far from ``target`` are discounted (0: not).
        mastered: mastery above which a skill counts as learned.
        retention: recall below which a learned skill is due for review.
        progress_weight: weight of measured learning progress.
        learn: the learning rate assumed per answer when the knowledge model is not BKT.
        memory_level: ``"skills"``: memory is tracked per skill, every answer reviewing
            each skill of its item (practising any addition item refreshes addition);
            ``"items"``: per item, and a skill's recall is that of its latest item.
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
        >>> tutor.plan("ana")
        ['add', 'mul', 'div']

    References:
        Corbett & Anderson (1994), knowledge tracing (the BKT learning transition);
        Vygotsky (1978) and the target success band; Oudeyer, Gottlieb & Lopes (2016),
        Intrinsic motivation, curiosity and learning (learning progress); Ye, Su & Cao
        (2022), FSRS; see also :class:`PathPlanner`, :class:`TargetSuccess` and
        :class:`SpacedReview`.
    """

    def __init__(
        self,
        space: Space,
        *,
        goals: Sequence[str] | None = None,
        learner_model: BaseLearnerModel | None = None,
        memory_model: BaseLearnerModel | None = None,
        target: float = 0.75,
        target_weight: float = 0.25,
        mastered: float = 0.95,
        retention: float = 0.8,
        progress_weight: float = 1.0,
        learn: float = 0.1,
        memory_level: str = "skills",
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.memory_level = memory_level
        self.goals = goals
        self.learner_model = learner_model
        self.memory_model = memory_model
        self.target = target
        self.target_weight = target_weight
        self.mastered = mastered
        self.retention = retention
        self.progress_weight = progress_weight
        self.learn = learn
        problems: list[str] = []
        for name in ("target", "mastered", "retention", "learn"):
            check_fraction(problems, name, getattr(self, name))
        check_fraction(problems, "target_weight", target_weight, closed=True)
        v = progress_weight
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v < float("inf"):
            problems.append(f"progress_weight: expected a finite number >= 0, got {v!r}")
        if problems:
            raise ValidationError("Tutor", problems)
        self._goals = goal_indices(self.discrete, goals, "Tutor")
        self._model = self._own("learner_model", learner_model, lambda: BKT(self.discrete), None)
        if memory_level not in ("skills", "items"):
            raise ValidationError(
                "Tutor", [f"memory_level: expected 'skills' or 'items', got {memory_level!r}"]
            )
        self._memory = self._own_memory(memory_model)
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

    @property
    def skill_space(self) -> Discrete:
        """The skills as a space of their own (what a skill-level memory model is built on)."""
        return Discrete(list(self.discrete.skill_names))

    def _own_memory(self, model: BaseLearnerModel | None) -> BaseLearnerModel:
        if self.memory_level == "items":
            return self._own("memory_model", model, lambda: MemoryModel(self.discrete), None)
        skills = self.skill_space
        if model is None:
            return MemoryModel(skills)
        if not isinstance(model, BaseLearnerModel) or model._space is None:
            return self._own("memory_model", model, lambda: MemoryModel(skills), None)
        if list(model._space.names) != list(skills.names):
            raise ValidationError(
                "Tutor",
                [
                    "memory_model: with memory_level='skills' the model's items must be the "
                    f"skills {list(skills.names)[:4]}...; build it on tutor.skill_space "
                    "(or pass memory_level='items')"
                ],
            )
        return model

    def _skill_events(self, batch: EventBatch) -> EventBatch:
        """One event per (event, skill of its item), for a skill-level memory model."""
        q = self._graph.q
        rows, skills = np.nonzero(q[batch.tasks])
        return dataclasses.replace(batch.take(rows), tasks=skills.astype(np.int64))

    def _skill_recall(self, learner_id: str) -> np.ndarray:
        """Per skill: its recall now (NaN: never practised). Item-level memory: the recall
        of the skill's most recently practised item."""
        g = self._graph
        last = self._last.get(learner_id)
        out = np.full(g.n_skills, np.nan)
        if last is None:
            return out
        if self.memory_level == "skills":
            seen = (g.q & np.isfinite(last)[:, None]).any(axis=0)
            recall = self._predict(self._memory, learner_id, np.arange(g.n_skills))
            out[seen] = recall[seen]
            return out
        recall = self._predict(self._memory, learner_id, np.arange(g.n_items))
        for s in range(g.n_skills):
            items = g.items_of[s]
            t = last[items]
            if np.isfinite(t).any():
                out[s] = recall[items[np.nanargmax(t)]]
        return out

    def plan(self, learner_id: str) -> list[str]:
        """The goal-directed plan: weak skills the goals need, in the order to learn them."""
        mastery = self._mastery(self._model, learner_id)
        names = self.discrete.skill_names
        return [names[s] for s in self._plan(mastery)]

    def _plan(self, mastery: np.ndarray) -> list[int]:
        cost = practice_cost(self._model, mastery, self.mastered, self.learn)
        return plan_path(self._graph, mastery, self.mastered, self._goals, cost)

    def gains(self, learner_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Per item: the expected gain of new learning and of review (see the class
        docstring), in post-test units."""
        g = self._graph
        mastery = self._mastery(self._model, learner_id)
        plan = self._plan(mastery)
        needed = np.zeros(g.n_skills, dtype=bool)
        needed[plan] = True
        if not needed.any():  # goals reached: everything still weak is fair game
            needed = mastery < self.mastered
        # soft prerequisite gate: learning a skill needs its prerequisites known
        ready = np.minimum(1.0, min_known(mastery, g.pre_pad) / self.mastered)
        rate = np.full(g.n_skills, self.learn)
        if isinstance(self._model, BKT):
            rate = np.asarray(self._model._learn, dtype=np.float64)
        progress = self._progress.get(learner_id, np.zeros(g.n_skills))
        learn_gain = needed * ready * ((1.0 - mastery) * rate + self.progress_weight * progress)
        learned = self._learned.get(learner_id, np.zeros(g.n_skills, dtype=bool))
        recall = self._skill_recall(learner_id)
        due = learned & np.isfinite(recall) & (recall < self.retention)
        review_gain = np.where(due, mastery * (1.0 - np.nan_to_num(recall, nan=1.0)), 0.0)
        q = g.q.astype(np.float64)
        share = q.sum(axis=0) / q.sum(axis=0).mean()  # a skill's weight in the post-test
        p = self._predict(self._model, learner_id, np.arange(g.n_items))
        pitch = 1.0 - self.target_weight * np.abs(p - self.target)
        # the item's own gate: the prerequisites of its skills that it does not exercise
        # itself (an item whose main skill is far from ready mostly fails, and teaches its
        # other skills little either)
        item_ready = np.minimum(1.0, min_known(mastery, g.item_req_outside_pad) / self.mastered)
        new = (q @ (learn_gain * share)) * pitch * item_ready
        return new, q @ (review_gain * share)

    def due_reviews(self, learner_id: str) -> list[str]:
        """Skills learned earlier whose recall has fallen below ``retention``."""
        learned = self._learned.get(learner_id)
        if learned is None:
            return []
        recall = self._skill_recall(learner_id)
        due = learned & np.isfinite(recall) & (recall < self.retention)
        names = self.discrete.skill_names
        return [names[s] for s in np.flatnonzero(due).tolist()]

    def values(self, learner_id: str) -> np.ndarray:
        """The worth of giving each item now: expected new learning plus review."""
        new, review = self.gains(learner_id)
        return new + review

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
        self._memory.update(self._skill_events(batch) if self.memory_level == "skills" else batch)
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
