"""Tutor: the flagship teacher for people: new material in the zone of proximal
development along a goal-directed plan, and spaced review of what is learned."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_choice_now, check_fraction
from teachkit.errors import ValidationError
from teachkit.learners import BKT, BaseLearnerModel, MemoryModel
from teachkit.spaces import Discrete, Space
from teachkit.teachers.people._base import (
    PeopleTeacher,
    bkt_rates,
    min_known,
    population_bkt,
)
from teachkit.teachers.people._path import goal_indices, plan_path, practice_cost


class Tutor(PeopleTeacher):
    """One teacher that plans, teaches new material and reviews, with sensible defaults.

    Two learner models: a knowledge model (``learner_model``; by default a BKT with
    forgetting that learns its parameters from the whole class, see below) says how well
    each skill is known and how likely each item is to be answered correctly; a memory
    model (``memory_model``, FSRS-6 by default, per skill) says how well what was learned
    is still recalled. Every ask values each item by its expected gain on a delayed
    post-test, and gives the best:

    1. **Plan** (as :class:`PathPlanner`, when ``goals`` are given): the weak skills
       (mastery below ``mastered``) the goals need are the new material; with the default
       goals (the skills nothing requires) every weak skill is.
    2. **New material**: with a BKT knowledge model, the expected change of P(known) of
       one more practice, forgetting per practice included, ``rho (1 - m) learn - m
       forget`` (practising what is already known can cost), times the post-test
       sensitivity ``1 - slip - guess`` of the skill; ``rho = min(1, min_j m_j /
       mastered)`` over its prerequisites ``j`` is a soft gate. (Other knowledge models:
       ``rho (1 - m) learn`` with the ``learn`` hyperparameter.) Plus
       ``progress_weight`` times the skill's measured learning progress (a moving
       average of how far its mastery moved per answer, as in the learning-progress
       teachers of Oudeyer et al.; 0 by default, chosen on the people zoo). An item adds
       up its skills' gains, each weighted by the skill's share of the item bank; it is
       gated the same way by the prerequisites of its skills that it does not exercise
       itself, and pitched by target success: times ``1 - target_weight |p - target|``
       with ``p`` its predicted success.
    3. **Review** (time away costs): the same expected change computed for the knowledge
       still recalled, ``m R`` with ``R`` the memory model's recall at the learner's
       clock, minus the change without it: ``m (1 - R) (rho learn + forget)`` times the
       sensitivity, the part of the forgotten knowledge a practice brings back. (Other
       knowledge models: ``m (1 - R)`` for skills once mastered whose recall fell below
       ``retention``.)

    Population learning: the default knowledge model is ``BKT(space, forgets=True,
    refit=200)``: it keeps every answer of every learner the teacher is told about and
    refits the per-skill parameters from all of them after 200 answers and each time
    their number doubles, shrunk toward the defaults for skills with little data, so one
    Tutor serving a class plans with the class's own parameters. To start from a model
    fitted offline (``teachkit fit``) or on a past log, pass
    ``learner_model=fitted.seeded(refit=200)``; a model with ``refit=None`` keeps its
    parameters fixed.

    Cold start (``cold_start``): a BKT refitted from a handful of answers, or not yet
    refitted at all (a class of one gives fewer answers than the first refit needs), says
    little about a skill; until the class has answered a skill ``cold_start`` times its
    new-material value leans on the rule of :class:`ColdStartMastery` instead: worth
    the model's ``rho learn`` times the sensitivity while the learner has fewer than
    ``streak`` right answers in a row on it, nothing after. The two are weighted like the
    refit's shrinkage, ``n / (n + cold_start)`` for the model with ``n`` the class's
    answers on the skill; reviews are valued by the model alone.

    Optimism (``optimism``): a skill whose learning rate the model underestimates is
    seldom practised, so the class's log seldom corrects it (what the Tutor chooses is
    what it learns from). The values use an optimistic learning rate, ``learn +
    optimism / sqrt(1 + n)`` with ``n`` the class's answers on the skill plus the answers
    behind the parameters the model started from (those of the offline fit of a
    :meth:`~teachkit.learners.BKT.seeded` model, 0 for the defaults), the bonus of
    upper-confidence-bound bandits (Auer, Cesa-Bianchi & Fischer 2002) shrinking as the
    class practises the skill. A model that never refits (``refit=None``) gets no bonus:
    nothing the class answers would correct it.

    Ties go at random, and items given recently are slightly less preferred, to vary
    practice. :meth:`gains` shows both parts, :meth:`plan` the plan.

    Args:
        space: a Discrete space with skills and prerequisites.
        goals: goal skill names (default: the skills nothing else requires).
        learner_model: knowledge model on ``space`` (default: a refitting BKT with
            forgetting, see above).
        memory_model: memory model (default ``MemoryModel``, FSRS-6 default weights) on
            ``tutor.skill_space`` (``memory_level="skills"``) or on ``space``
            (``"items"``).
        target: predicted success aimed at for new material.
        target_weight: how strongly items far from ``target`` are discounted (0: not).
        mastered: mastery above which a skill counts as learned.
        retention: recall below which a learned skill is due for review
            (:meth:`due_reviews`; the review value of non-BKT models).
        progress_weight: weight of measured learning progress (0: none).
        learn: the learning rate assumed per answer when the knowledge model is not BKT.
        memory_level: ``"skills"``: memory is tracked per skill, every answer reviewing
            each skill of its item (practising any addition item refreshes addition);
            ``"items"``: per item, and a skill's recall is that of its latest item.
        value: ``"posttest"``: the expected post-test gain above (BKT models);
            ``"progress"``: the value function before issue 13, ``(1 - m) learn`` plus
            progress for new material and ``m (1 - R)`` for due reviews (what curricula
            stored earlier keep).
        cold_start: answers of the class on a skill at which the post-test value of new
            material and the cold-start rule weigh the same: the skill's new-material
            value is ``w * model + (1 - w) * cold`` with ``w = n / (n + cold_start)``,
            ``n`` the answers on the skill the Tutor was told (every learner), and
            ``cold`` the model's ``rho learn`` times the sensitivity while the learner
            has fewer than ``streak`` right answers in a row on the skill (and fewer than
            ``max_attempts`` answers), 0 after (the rule of :class:`ColdStartMastery`;
            a wrong answer opens it again). 0 (the default): the model alone.
        optimism: the bonus on each skill's learning rate in the values, divided by
            ``sqrt(1 + n)`` with ``n`` the class's answers on the skill plus the model's
            :meth:`~teachkit.learners.BKT.prior_evidence` (refitting BKT models with
            ``value="posttest"``; 0: none).
        streak: right answers in a row that close a skill for the cold-start rule.
        max_attempts: a learner's answers on one skill after which the cold-start rule
            closes it; with ``cold_start=0``, after which the skill gives no new-material
            value (a cap on attempts, as :class:`ColdStartMastery`'s). None: no cap.
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
        (2022), FSRS; Qiu, Qi, Lu, Pardos & Heffernan (2011), Does time matter? Modeling
        the effect of time with Bayesian knowledge tracing, EDM (forgetting over time away
        in BKT); see also :class:`PathPlanner`, :class:`TargetSuccess` and
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
        progress_weight: float = 0.0,
        learn: float = 0.1,
        memory_level: str = "skills",
        value: str = "posttest",
        cold_start: float = 10.0,
        optimism: float = 0.3,
        streak: int = 2,
        max_attempts: int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.value = value
        self.cold_start = cold_start
        self.optimism = optimism
        self.streak = streak
        self.max_attempts = max_attempts
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
        v = cold_start
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v < float("inf"):
            problems.append(f"cold_start: expected a finite number >= 0 (answers), got {v!r}")
        v = optimism
        if not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v < float("inf"):
            problems.append(f"optimism: expected a finite number >= 0, got {v!r}")
        for name in ("streak", "max_attempts"):
            v = getattr(self, name)
            if name == "max_attempts" and v is None:
                continue
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                problems.append(f"{name}: expected a whole number >= 1, got {v!r}")
        if problems:
            raise ValidationError("Tutor", problems)
        self._goals = goal_indices(self.discrete, goals, "Tutor")
        self._model = self._own(
            "learner_model", learner_model, lambda: population_bkt(self.discrete, seed), None
        )
        check_choice_now("Tutor", "value", value, ("posttest", "progress"))
        check_choice_now("Tutor", "memory_level", memory_level, ("skills", "items"))
        self._memory = self._own_memory(memory_model)
        self._learned: dict[str, np.ndarray] = {}  # per skill: mastered at some point
        self._progress: dict[str, np.ndarray] = {}  # per skill: moving |Δ mastery|
        self._last: dict[str, np.ndarray] = {}  # per item: time last practised (NaN never)
        self._given: dict[str, np.ndarray] = {}  # per item: the learner's step when last given
        # cold-start evidence: per learner, per skill [right answers in a row, answers]
        self._books: dict[str, np.ndarray] = {}
        self._class_answers = np.zeros(self._graph.n_skills)  # per skill, whole class

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
        needed = mastery < self.mastered
        if self.goals is not None:
            # (with the default goals, the skills nothing requires, every weak skill is
            # needed by some goal: the plan's set is the weak skills, no need to plan)
            plan = self._plan(mastery)
            if plan:  # goals reached: everything still weak is fair game
                needed = np.zeros(g.n_skills, dtype=bool)
                needed[plan] = True
        # soft prerequisite gate: learning a skill needs its prerequisites known
        ready = np.minimum(1.0, min_known(mastery, g.pre_pad) / self.mastered)
        progress = self._progress.get(learner_id, np.zeros(g.n_skills))
        recall = self._skill_recall(learner_id)
        if isinstance(self._model, BKT) and self.value == "posttest":
            # BKT's expected change of P(known) after one more practice, forgetting per
            # practice included (practising what is known can cost), times how much
            # knowing the skill raises its post-test score; review: the same change for
            # the knowledge still recalled (time away costs), minus the change without
            # forgetting over time
            rate, forget, sens = bkt_rates(self._model)
            if self.optimism > 0 and self._model.refit is not None:
                # optimism where little is known yet: the class's answers on the skill plus
                # those behind the parameters the model started from (a seeded model's
                # offline fit); a model that never refits cannot learn from it: none
                seen = self._class_answers + self._model.prior_evidence()
                rate = np.minimum(1.0, rate + self.optimism / np.sqrt(1.0 + seen))
            held = mastery * np.nan_to_num(recall, nan=1.0)

            def change(m: np.ndarray) -> np.ndarray:
                out: np.ndarray = (ready * (1.0 - m) * rate - m * forget) * sens
                return out

            plain = model = change(mastery)
            if self.cold_start > 0:
                # until the class has given a skill enough answers to trust the model,
                # blend toward the cold-start rule (as ColdStartMastery): a skill is worth
                # practising until `streak` right answers in a row (or `max_attempts`),
                # at the model's own rate; weight n / (n + cold_start), n the class's
                # answers on the skill (the shrinkage of the refit)
                trust = self._class_answers / (self._class_answers + self.cold_start)
                cold = self._open(learner_id) * ready * rate * sens
                plain = trust * plain + (1.0 - trust) * cold
            learn_gain = needed * (plain + self.progress_weight * ready * progress)
            review_gain = np.maximum(change(held) - model, 0.0)
        else:
            rate = np.full(g.n_skills, self.learn)
            if isinstance(self._model, BKT):
                rate = np.asarray(self._model._learn, dtype=np.float64)
            learn_gain = needed * ready * ((1.0 - mastery) * rate + self.progress_weight * progress)
            learned = self._learned.get(learner_id, np.zeros(g.n_skills, dtype=bool))
            due = learned & np.isfinite(recall) & (recall < self.retention)
            review_gain = np.where(due, mastery * (1.0 - np.nan_to_num(recall, nan=1.0)), 0.0)
        if self.max_attempts is not None and self.cold_start == 0:
            learn_gain = learn_gain * self._open(learner_id)
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

    def _open(self, learner_id: str) -> np.ndarray:
        """Per skill: 1 while the cold-start rule still teaches it to the learner (fewer
        than ``streak`` right answers in a row, fewer than ``max_attempts`` answers)."""
        book = self._books.get(learner_id)
        if book is None:
            return np.ones(self._graph.n_skills)
        open_ = book[0] < self.streak
        if self.max_attempts is not None:
            open_ &= book[1] < self.max_attempts
        return open_.astype(np.float64)

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
        before = dict(zip(lids, self._masteries(self._model, lids)))
        self._model.update(batch)
        self._memory.update(self._skill_events(batch) if self.memory_level == "skills" else batch)
        for i, lid in enumerate(batch.learner_ids.tolist()):
            last = self._last.setdefault(lid, np.full(g.n_items, np.nan))
            last[int(batch.tasks[i])] = batch.time[i]
        if self.cold_start > 0 or self.optimism > 0 or self.max_attempts is not None:
            self._count(batch)
        after_all = dict(zip(lids, self._masteries(self._model, lids)))
        for lid, mine in batch.by_learner():
            after = after_all[lid]
            touched = g.q[mine.tasks].any(axis=0)
            prog = self._progress.setdefault(lid, np.zeros(g.n_skills))
            delta = np.abs(after - before[lid]) / max(len(mine), 1)
            prog[touched] = 0.7 * prog[touched] + 0.3 * delta[touched]
            learned = self._learned.setdefault(lid, np.zeros(g.n_skills, dtype=bool))
            learned |= after >= self.mastered

    def _count(self, batch: EventBatch) -> None:
        """Cold-start evidence: the class's answers per skill, each learner's streaks and
        answers per skill."""
        g = self._graph
        ok = np.where(np.isnan(batch.success), batch.signal() >= 0.5, batch.success > 0)
        for lid, item, right in zip(batch.learner_ids.tolist(), batch.tasks.tolist(), ok):
            book = self._books.get(lid)
            if book is None:
                book = self._books[lid] = np.zeros((2, g.n_skills), dtype=np.int64)
            sk = g.skills_of[int(item)]
            self._class_answers[sk] += 1.0
            if right:
                book[0, sk] += 1
            else:
                book[1, sk[book[0, sk] >= self.streak]] = 0  # relearn: attempts start over
                book[0, sk] = 0
            book[1, sk] += 1
