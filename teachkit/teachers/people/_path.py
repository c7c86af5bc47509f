"""PathPlanner: the cheapest path over the prerequisite graph to a learner's goal skills."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_fraction, did_you_mean
from teachkit.errors import ValidationError
from teachkit.learners import BKT, BaseLearnerModel
from teachkit.spaces import Discrete, Space
from teachkit.teachers.people._base import PeopleTeacher, SkillGraph, population_bkt


def goal_indices(space: Discrete, goals: Sequence[str] | None, where: str) -> np.ndarray:
    """Skill indices of ``goals``; default: the skills no other skill requires."""
    graph = SkillGraph(space)
    if goals is None:
        required = {int(p) for ps in graph.pre for p in ps.tolist()}
        return np.array([s for s in range(graph.n_skills) if s not in required], dtype=np.int64)
    if isinstance(goals, str) or not isinstance(goals, Sequence) or not len(goals):
        raise ValidationError(where, [f"goals: expected a non-empty list of skills, got {goals!r}"])
    names = list(space.skill_names)
    bad = [g for g in goals if not isinstance(g, str) or g not in names]
    if bad:
        raise ValidationError(
            where, [f"goals: unknown skill {g!r}{did_you_mean(str(g), names)}" for g in bad]
        )
    return np.array([names.index(g) for g in goals], dtype=np.int64)


def practice_cost(
    model: BaseLearnerModel, mastery: np.ndarray, threshold: float, learn: float
) -> np.ndarray:
    """Expected answers for each skill to reach ``threshold`` from ``mastery``.

    Under BKT, with no evidence, P(known) after ``k`` answers is
    ``1 - (1 - m)(1 - learn)^k``; solved for ``k``. BKT models use their own per-skill
    learn rates; other models use ``learn``. Mastered skills cost 0.
    """
    rate = np.full(len(mastery), learn)
    if isinstance(model, BKT) and model._space is not None:
        rate = np.clip(np.asarray(model._learn, dtype=np.float64), 1e-3, 0.999)
    gap = np.clip(1.0 - mastery, 1e-12, 1.0)
    k = np.log((1.0 - threshold) / gap) / np.log1p(-rate)
    return np.where(mastery >= threshold, 0.0, np.maximum(np.ceil(k), 1.0))


def plan_path(
    graph: SkillGraph,
    mastery: np.ndarray,
    threshold: float,
    goals: np.ndarray,
    cost: np.ndarray,
) -> list[int]:
    """Skills to practise, in order, so that every goal is reached.

    The skills a goal needs are its weak (below ``threshold``) direct and indirect
    prerequisites and itself; each must be practised once the path reaches it, so the
    set is fixed and the path's cost is their summed expected practice. What is left to
    choose is the order: goals are served cheapest first (the shortest-processing-time
    rule, which minimizes the mean time until a goal is reached), each goal's skills in
    prerequisite order, skills shared with an earlier goal taken once.
    """
    weak = mastery < threshold
    needs = []
    for g in goals.tolist():
        need = [s for s in graph.ancestors([g]) if weak[s]]
        if need:
            needs.append((float(cost[need].sum()), int(graph.rank[g]), need))
    needs.sort(key=lambda x: (x[0], x[1]))
    path: list[int] = []
    seen: set[int] = set()
    for _, _, need in needs:
        for s in sorted(need, key=lambda s: graph.rank[s]):
            if s not in seen:
                seen.add(s)
                path.append(s)
    return path


class PathPlanner(PeopleTeacher):
    """Goal-directed teaching: plan the cheapest path to the goal skills, re-plan after
    every outcome.

    Given goal skills and the learner model's current mastery, the planner collects every
    weak prerequisite of each goal (mastery below ``threshold``, direct or indirect),
    estimates the practice each needs (:func:`practice_cost`, the BKT expected number of
    answers to mastery) and orders them: the cheapest goal first, prerequisites before
    what needs them (:func:`plan_path`). The learner practises the first skill of the
    plan, on the item that covers the most skills of the plan's ready front at once (and
    among those the least recently given); after each outcome the plan is recomputed from
    the updated mastery, so a skill found weak again (forgotten, or mastered too early)
    comes back into the plan, and one mastered on the way drops out. With every goal
    reached, the least mastered goal is reviewed.

    This is the prerequisite-graph planning of knowledge-graph tutors (GraphMASAL's and
    EduPlanner's skill trees), done exactly on the space's graph with a learner model,
    without their language-model agents.

    Args:
        space: a Discrete space with skills and prerequisites.
        goals: goal skill names (default: the skills nothing else requires).
        learner_model: any learner model on ``space`` (default: a BKT with forgetting that
            refits from the whole class, see :class:`Tutor`).
        threshold: mastery above which a skill needs no more practice (0.75 by default,
            chosen on the people zoo).
        learn: the per-answer learning rate used for costs when the model is not BKT.
        seed: seeds tie-breaking.

    Example:
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(
        ...     ["count", "add", "mul", "read"],
        ...     prerequisites={"add": ["count"], "mul": ["add"]})
        >>> teacher = tk.teachers.PathPlanner(space, goals=["mul"], seed=0)
        >>> teacher.plan("ana")
        ['count', 'add', 'mul']

    References:
        GraphMASAL: a graph-based multi-agent system for adaptive learning path
        planning (2025); EduPlanner: LLM-based multi-agent systems for customized and
        intelligent instructional design (2025).
        Corbett, A. T., & Anderson, J. R. (1994). Knowledge tracing (the BKT model behind
        the costs).
    """

    def __init__(
        self,
        space: Space,
        *,
        goals: Sequence[str] | None = None,
        learner_model: BaseLearnerModel | None = None,
        threshold: float = 0.75,
        learn: float = 0.1,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.goals = goals
        self.learner_model = learner_model
        self.threshold = threshold
        self.learn = learn
        problems: list[str] = []
        check_fraction(problems, "threshold", threshold)
        check_fraction(problems, "learn", learn)
        if problems:
            raise ValidationError("PathPlanner", problems)
        self._goals = goal_indices(self.discrete, goals, "PathPlanner")
        self._model = self._own(
            "learner_model", learner_model, lambda: population_bkt(self.discrete, seed), None
        )
        self._plans: dict[str, list[int]] = {}
        self._last: dict[str, np.ndarray] = {}

    _derived = ("_graph", "_goals")

    @property
    def model(self) -> BaseLearnerModel:
        """The learner model in use."""
        return self._model

    def _replan(self, learner_id: str) -> list[int]:
        mastery = self._mastery(self._model, learner_id)
        cost = practice_cost(self._model, mastery, self.threshold, self.learn)
        path = plan_path(self._graph, mastery, self.threshold, self._goals, cost)
        self._plans[learner_id] = path
        return path

    def plan(self, learner_id: str) -> list[str]:
        """The learner's current plan: skill names, next first (empty: goals reached)."""
        path = self._plans.get(learner_id)
        if path is None:
            path = self._replan(learner_id)
        names = self.discrete.skill_names
        return [names[s] for s in path]

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        g = self._graph
        path = self._plans.get(learner_id)
        if path is None:
            path = self._replan(learner_id)
        mastery = self._mastery(self._model, learner_id)
        if path:
            skill = path[0]
            weak = mastery < self.threshold
            ready = [s for s in path if not weak[g.pre[s]].any()]
            in_front = np.zeros(g.n_skills, dtype=bool)
            in_front[ready] = True
        else:
            skill = int(self._goals[np.argmin(mastery[self._goals])])
            in_front = np.zeros(g.n_skills, dtype=bool)
            in_front[skill] = True
            weak = np.zeros(g.n_skills, dtype=bool)
        items = g.items_of[skill]
        last = self._last.setdefault(learner_id, np.full(g.n_items, -1, dtype=np.int64))
        covers = np.array([in_front[g.skills_of[i]].sum() for i in items.tolist()], dtype=float)
        blocked = np.array([weak[g.item_req[i]].any() for i in items.tolist()], dtype=float)
        score = (covers - 10.0 * blocked) * 1e6 - last[items]
        chosen = items[self._pick(score, n)]
        last[chosen] = self._steps.get(learner_id, 0)
        return chosen

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        self._model.update(batch)
        for lid in dict.fromkeys(batch.learner_ids.tolist()):
            self._replan(lid)
