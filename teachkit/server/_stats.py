"""What a course's dashboard shows, kept up to date by folding in new ops as they come.

Counts (answers and successes per item, learners, what the teacher chose) are a fold over
the log, so each read only reads the ops since the previous one. Item difficulties are a
1PL IRT model fitted by marginal maximum likelihood (:class:`teachkit.learners.IRT`), refit
when the log has grown by a tenth since the last fit.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from teachkit.curriculum import Curriculum
from teachkit.spaces import Discrete
from teachkit.storages._base import AskOp, TellOp

BUCKET = 25
"""Asks per bucket of the "what the teacher chose" chart."""

MAX_BUCKETS = 40
MAX_LEARNERS = 60


@dataclass
class CourseStats:
    """Running counts over a course's log."""

    seq: int = 0
    attempts: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    learners: dict[str, int] = field(default_factory=dict)  # learner -> seq of latest answer
    asks: int = 0
    buckets: list[Counter[str]] = field(default_factory=list)  # per bucket: task -> count
    events: int = 0
    _fit_events: int = 0
    _difficulty: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, cur: Curriculum) -> None:
        """Fold in the ops committed since the last update."""
        with self._lock:
            if cur.storage.last_seq(cur.storage_id) <= self.seq:
                return
            for op in cur.storage.read_ops(cur.storage_id, after=self.seq):
                if isinstance(op, AskOp):
                    for task in op.tasks:
                        if self.asks % BUCKET == 0:
                            self.buckets.append(Counter())
                        self.buckets[-1][task] += 1
                        self.asks += 1
                elif isinstance(op, TellOp):
                    rows = op.rows
                    correct = _correct(rows.success, rows.score, rows.reward)
                    for learner, task, ok in zip(rows.learner_ids, rows.tasks, correct.tolist()):
                        self.attempts[task] += 1
                        self.correct[task] += int(ok)
                        self.learners[learner] = op.seq
                    self.events += len(rows)
                self.seq = op.seq

    def difficulty(self, cur: Curriculum) -> dict[str, float]:
        """Fitted 1PL difficulty per answered item (refit when the log grew by a tenth)."""
        with self._lock:
            grown = self.events - self._fit_events
            if self.events >= 20 and (not self._difficulty or grown >= 0.1 * self._fit_events):
                self._difficulty = _fit_difficulty(cur)
                self._fit_events = self.events
            return dict(self._difficulty)


def _correct(success: np.ndarray, score: np.ndarray, reward: np.ndarray) -> np.ndarray:
    """An answer is correct when success says so, else when its score (or reward) is at
    least 0.5: the rule the learner models use."""
    signal = np.where(np.isnan(score), reward, score)
    return np.where(np.isnan(success), np.nan_to_num(signal, nan=0.0) >= 0.5, success == 1)


def _fit_difficulty(cur: Curriculum) -> dict[str, float]:
    from teachkit.learners import IRT

    space = cur.space
    events = cur.events()
    if not isinstance(space, Discrete) or not events:
        return {}
    model = IRT(Discrete(list(space.names)), model="1pl", max_iter=50).fit(events)
    answered = {e.task for e in events}
    return {
        name: round(float(b), 3)
        for name, b in zip(space.names, model.difficulty.tolist())
        if name in answered
    }


def dashboard(cur: Curriculum, stats: CourseStats, content: dict[str, Any]) -> dict[str, Any]:
    """Everything the dashboard page draws, as JSON."""
    cur.refresh()
    stats.update(cur)
    space = cur.space
    assert isinstance(space, Discrete)
    skills = list(space.skill_names)
    recent = sorted(stats.learners, key=lambda lid: -stats.learners[lid])[:MAX_LEARNERS]
    mastery = []
    due = []
    for learner in recent:
        m = cur.mastery(learner, refresh=False)  # refreshed once, above
        mastery.append(None if m is None else [round(m.get(s, 0.0), 4) for s in skills])
        reviews = cur.due_reviews(learner, refresh=False)
        if reviews:
            due.append({"learner": learner, "skills": reviews})
    skill_of = {name: space.skills_of(name)[0] for name in space.names}
    buckets = stats.buckets[-MAX_BUCKETS:]
    first = max(0, len(stats.buckets) - MAX_BUCKETS)
    chosen = [
        {
            "from": (first + i) * BUCKET + 1,
            "counts": dict(_by_skill(b, skill_of)),
        }
        for i, b in enumerate(buckets)
    ]
    difficulty = stats.difficulty(cur)
    items = [
        {
            "id": name,
            "skills": list(space.skills_of(name)),
            "attempts": stats.attempts[name],
            "success_rate": None
            if not stats.attempts[name]
            else round(stats.correct[name] / stats.attempts[name], 4),
            "difficulty": difficulty.get(name),
            "retired": name in space.retired,
            "prompt": (content.get(name) or {}).get("prompt")
            if isinstance(content.get(name), dict)
            else None,
        }
        for name in space.names
    ]
    nodes = skills if space.prerequisite_level != "tasks" else list(space.names)
    edges = [[pre, node] for node, pres in space.prerequisites.items() for pre in pres]
    return {
        "skills": skills,
        "learners": recent,
        "mastery": mastery,
        "due_reviews": due,
        "chosen": chosen,
        "bucket": BUCKET,
        "items": items,
        "graph": {"nodes": nodes, "edges": edges, "level": space.prerequisite_level},
        "events": stats.events,
        "ops": stats.seq,
    }


def _by_skill(bucket: Counter[str], skill_of: dict[str, str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for task, count in bucket.items():
        out[skill_of.get(task, task)] += count
    return out
