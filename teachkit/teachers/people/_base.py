"""What the teachers for people share: a skill graph read from the space, learner models
the teacher owns (their state is part of the teacher's), and a per-learner clock."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from teachkit._batch import EventBatch
from teachkit._component import Component
from teachkit._teacher import BaseTeacher
from teachkit.errors import ValidationError
from teachkit.learners import BKT, BaseLearnerModel
from teachkit.spaces import Discrete, Space

_DEFAULT_GAP = 60.0  # seconds between answers assumed until a learner's own gap is known


class SkillGraph:
    """The skills of a Discrete space as index arrays teachers can work with.

    * ``q``: ``(n_items, n_skills)`` Q-matrix; every task is its own skill when untagged.
    * ``pre[s]``: direct prerequisite skills of skill ``s``. Task-level prerequisites are
      lifted to skills (the skills of a prerequisite task), without self-loops.
    * ``item_req[i]``: skills that must be mastered before item ``i`` is open: the
      prerequisites of its skills (including one the item also exercises), or for
      task-level prerequisites the skills of its prerequisite tasks other than its own.
    * ``order``: skills with prerequisites first.
    """

    def __init__(self, space: Discrete) -> None:
        self.q = np.asarray(space.q_matrix, dtype=bool)
        self.n_items, self.n_skills = self.q.shape
        skills = list(space.skill_names)
        col = {s: j for j, s in enumerate(skills)}
        self.items_of = [np.flatnonzero(self.q[:, s]) for s in range(self.n_skills)]
        self.skills_of = [np.flatnonzero(self.q[i]) for i in range(self.n_items)]
        pre: list[set[int]] = [set() for _ in range(self.n_skills)]
        req: list[set[int]] = [set() for _ in range(self.n_items)]
        prereqs = space.prerequisites
        if space.prerequisite_level == "skills":
            for node, deps in prereqs.items():
                pre[col[node]].update(col[d] for d in deps)
            for i in range(self.n_items):
                for sk in self.skills_of[i].tolist():
                    req[i].update(pre[sk])
        elif prereqs:
            for node, deps in prereqs.items():
                k = space.index(node)
                for d in deps:
                    req[k].update(self.skills_of[space.index(d)].tolist())
            for i in range(self.n_items):
                for sk in self.skills_of[i].tolist():
                    pre[sk].update(req[i])
        for i in range(self.n_items):
            # a skill never requires itself; a prerequisite that the item also exercises
            # stays required (a multiplication word problem waits for addition)
            if space.prerequisite_level != "skills":
                req[i] -= set(self.skills_of[i].tolist())
        for s in range(self.n_skills):
            pre[s].discard(s)
        self.pre = [np.array(sorted(p), dtype=np.int64) for p in pre]
        self.item_req = [np.array(sorted(r), dtype=np.int64) for r in req]
        # the same without the item's own skills: what must be known from elsewhere
        self.item_req_outside = [
            np.array(sorted(r - set(self.skills_of[i].tolist())), dtype=np.int64)
            for i, r in enumerate(req)
        ]
        # padded forms for vectorized minima: index n_skills points at a sentinel
        self.pre_pad = _pad(self.pre, self.n_skills)
        self.item_req_outside_pad = _pad(self.item_req_outside, self.n_skills)
        self.order = self._topological()
        self.rank = np.empty(self.n_skills, dtype=np.int64)
        self.rank[self.order] = np.arange(self.n_skills)
        # An item's place in the curriculum: the latest of its skills.
        self.item_rank = np.array([self.rank[s].max() for s in self.skills_of], dtype=np.int64)

    def _topological(self) -> np.ndarray:
        """Kahn's sort, ties by skill index; skills on a cycle (possible only when
        task-level prerequisites are lifted to shared skills) come last, in index order."""
        remaining = np.array([len(p) for p in self.pre])
        dependents: list[list[int]] = [[] for _ in range(self.n_skills)]
        for s, ps in enumerate(self.pre):
            for p in ps.tolist():
                dependents[p].append(s)
        import heapq

        ready = [s for s in range(self.n_skills) if remaining[s] == 0]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            s = heapq.heappop(ready)
            order.append(s)
            for d in dependents[s]:
                remaining[d] -= 1
                if remaining[d] == 0:
                    heapq.heappush(ready, d)
        seen = set(order)
        order += [s for s in range(self.n_skills) if s not in seen]
        return np.array(order, dtype=np.int64)

    def ancestors(self, skills: Sequence[int]) -> set[int]:
        """The skills given and all their direct or indirect prerequisites."""
        seen: set[int] = set()
        todo = list(skills)
        while todo:
            s = todo.pop()
            if s not in seen:
                seen.add(s)
                todo.extend(self.pre[s].tolist())
        return seen

    def open_items(self, mastered: np.ndarray) -> np.ndarray:
        """Boolean ``(n_items,)``: items whose required skills are all mastered."""
        return np.array([bool(mastered[r].all()) for r in self.item_req], dtype=bool)


REFIT = 200
"""Answers before a people teacher's default knowledge model first refits (then doubling)."""


def population_bkt(space: Discrete, seed: int | None) -> BKT:
    """The default knowledge model of the people teachers: BKT with forgetting per
    practice that learns its parameters from the whole class (``refit=REFIT``, refits
    on a doubling schedule, shrinkage toward the pyBKT-like defaults), numpy engine (no
    compile pause in a live app), three EM restarts."""
    return BKT(space, forgets=True, refit=REFIT, restarts=3, engine="numpy", seed=seed)


def bkt_rates(model: BKT) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per skill: BKT's learn and forget probabilities and the post-test sensitivity
    ``1 - slip - guess`` (how much knowing the skill raises the expected score; guess
    and slip averaged over the skill's items when they are per item)."""
    learn = np.asarray(model._learn, dtype=np.float64)
    forget = np.asarray(model._forget, dtype=np.float64)
    sens = 1.0 - np.asarray(model._slip, dtype=np.float64) - np.asarray(model._guess)
    if model.per_item:
        skill = np.nonzero(model._q)[1]
        k = len(learn)
        sens = np.bincount(skill, weights=sens, minlength=k) / np.maximum(
            np.bincount(skill, minlength=k), 1
        )
    return learn, forget, np.clip(sens, 0.0, 1.0)


def _pad(rows: list[np.ndarray], fill: int) -> np.ndarray:
    width = max(1, max((len(r) for r in rows), default=1))
    out = np.full((len(rows), width), fill, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def min_known(mastery: np.ndarray, pad: np.ndarray) -> np.ndarray:
    """Per row of ``pad``: the least mastery among its skills, 1 when it has none (and
    never above 1)."""
    return np.append(mastery, 1.0)[pad].min(axis=1)


class PeopleTeacher(BaseTeacher):
    """Base of teachers that read learner models over a Discrete space with skills.

    Learner models given as hyperparameters are used as they are (fitted or not) and
    their state travels with the teacher's through the nested-component mechanism; a
    model built by default lives in a private attribute and is saved with the teacher's
    state as ``{config, state}``. Either way a reloaded curriculum continues exactly.

    Each learner has a clock: the time of its last answer (``time`` column), plus its
    typical gap between answers, so predictions of models of forgetting never read the
    wall clock (asks must replay identically). Events without a time advance the clock
    by that gap.
    """

    spaces: ClassVar[tuple[type[Space], ...]] = (Discrete,)
    _derived: ClassVar[tuple[str, ...]] = ("_graph",)

    def __init__(self, space: Space, *, seed: int | None = None) -> None:
        super().__init__(space, seed=seed)
        assert isinstance(space, Discrete)
        self._graph = SkillGraph(space)
        self._last_time: dict[str, float] = {}
        self._gap: dict[str, float] = {}
        self._steps: dict[str, int] = {}

    @property
    def discrete(self) -> Discrete:
        """The space, typed as the Discrete space it is."""
        assert isinstance(self.space, Discrete)
        return self.space

    # -- learner models --------------------------------------------------------------------
    def _own(
        self, name: str, model: Any, default: Callable[[], BaseLearnerModel], kind: type | None
    ) -> BaseLearnerModel:
        """The model to use for hyperparameter ``name``: the one given, or a default one."""
        where = type(self).__name__
        if model is None:
            return default()
        expected = BaseLearnerModel if kind is None else kind
        if not isinstance(model, expected):
            raise ValidationError(
                where,
                [
                    f"{name}: expected a teachkit.learners.{expected.__name__} instance or None, "
                    f"got {type(model).__name__}"
                ],
            )
        assert isinstance(model, BaseLearnerModel)
        space = model._space
        if space is None:
            raise ValidationError(
                where, [f"{name}: the model has no space; build it on the teacher's space"]
            )
        assert isinstance(self.space, Discrete)
        if space.n != self.space.n or list(space.names) != list(self.space.names):
            raise ValidationError(
                where,
                [
                    f"{name}: the model's items ({space.n}) differ from the space's tasks "
                    f"({self.space.n}); build the model on the same space"
                ],
            )
        return model

    def _get_state(self) -> dict[str, Any]:
        params = {id(v) for v in self.get_params().values() if isinstance(v, Component)}
        out: dict[str, Any] = {}
        for k, v in vars(self).items():
            if not k.startswith("_") or k in self._derived:
                continue
            if isinstance(v, Component):
                # a hyperparameter's state is saved as a nested component already
                out[k] = (
                    {"__param__": True}
                    if id(v) in params
                    else {"__owned__": v.to_config(), "state": v.state_dict()}
                )
            else:
                out[k] = copy.deepcopy(v)
        return out

    def _set_state(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            if isinstance(v, dict) and "__owned__" in v:
                model = Component.from_config(v["__owned__"])
                model.load_state_dict(v["state"])
                setattr(self, k, model)
            elif isinstance(v, dict) and "__param__" in v:
                continue  # still the hyperparameter instance, restored as a component
            else:
                setattr(self, k, v)

    # -- the clock -------------------------------------------------------------------------
    def now(self, learner_id: str) -> float:
        """The learner's clock: its last answer plus its typical gap (POSIX seconds)."""
        last = self._last_time.get(learner_id)
        if last is None:
            return 0.0
        return last + self._gap.get(learner_id, _DEFAULT_GAP)

    def _timed(self, batch: EventBatch) -> EventBatch:
        """Advance the clocks; returns the batch with missing times filled in."""
        times = batch.time
        filled = times.copy()
        for i, lid in enumerate(batch.learner_ids.tolist()):
            t = float(times[i])
            last = self._last_time.get(lid)
            if t != t:
                t = (last + self._gap.get(lid, _DEFAULT_GAP)) if last is not None else 0.0
                filled[i] = t
            elif last is not None and t > last:
                gap = self._gap.get(lid)
                self._gap[lid] = t - last if gap is None else 0.8 * gap + 0.2 * (t - last)
            self._last_time[lid] = t if last is None else max(t, last)
            self._steps[lid] = self._steps.get(lid, 0) + 1
        if np.isnan(times).any():
            return dataclasses.replace(batch, time=filled)
        return batch

    # -- reading a model -------------------------------------------------------------------
    def _mastery(self, model: BaseLearnerModel, learner_id: str) -> np.ndarray:
        """``(n_skills,)`` mastery of one learner at its clock."""
        if not model.uses_time:
            return model.mastery_matrix([learner_id])[0]
        p = self._predict(model, learner_id, np.arange(self._graph.n_items))
        q = self._graph.q.astype(np.float64)
        return (p @ q) / np.maximum(q.sum(axis=0), 1.0)

    def _masteries(self, model: BaseLearnerModel, learner_ids: list[str]) -> np.ndarray:
        """``(len(learner_ids), n_skills)``: :meth:`_mastery` of each (one model call when the
        model does not use time)."""
        if not model.uses_time:
            return model.mastery_matrix(learner_ids)
        return np.stack([self._mastery(model, lid) for lid in learner_ids])

    def _predict(self, model: BaseLearnerModel, learner_id: str, items: np.ndarray) -> np.ndarray:
        """P(success) of one learner on ``items`` at its clock."""
        if model.uses_time:
            return model.predict_encoded(learner_id, items, time=self.now(learner_id))
        return model.predict_encoded(learner_id, items)

    def _pick(self, scores: np.ndarray, n: int) -> np.ndarray:
        """The ``n`` highest scores (repeating the order when fewer), ties at random;
        retired tasks never."""
        jitter = self._rng.random(len(scores)) * 1e-9
        order = np.lexsort((-jitter, -scores))
        retired = self.discrete.retired_mask
        if retired is not None:
            order = order[~retired[order]]
        return np.resize(order, n).astype(np.int64)

    def mastery(self, learner_id: str) -> dict[str, float] | None:
        """The knowledge model's mastery of each skill, at the learner's clock (None for a
        teacher without one)."""
        model = getattr(self, "_model", None)
        if not isinstance(model, BaseLearnerModel):
            return None
        values = self._mastery(model, learner_id)
        return dict(zip(self.discrete.skill_names, values.tolist()))

    @classmethod
    def _example(cls, space: Space, seed: int) -> BaseTeacher | None:
        if not isinstance(space, Discrete):
            return None
        return cls(space, seed=seed)
