"""ColdStartMastery: mastery learning with no model, N correct answers in a row."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._validation import check_positive_int
from teachkit.errors import ValidationError
from teachkit.spaces import Space
from teachkit.teachers.people._base import PeopleTeacher


class ColdStartMastery(PeopleTeacher):
    """Mastery learning on day one: a skill is mastered after ``streak`` right answers in
    a row, no parameters to fit (the rule of ASSISTments' skill builders).

    Skills come in prerequisite order (the space's skill graph, ties by first
    appearance). A learner works on the first skill not mastered yet, on the item of that
    skill with the fewest other skills still to learn, least recently given first; every
    answer on an item counts for each of its skills: a right
    one extends the skill's streak, a wrong one resets it, and ``streak`` in a row mark
    the skill mastered. ``max_attempts`` (optional) moves the learner on after that many
    answers on one skill (ASSISTments' daily limit of ten). Once every skill is mastered
    or left behind, the learner reviews the skill practised longest ago; with
    ``relearn=True`` a wrong answer there takes the skill back into practice.

    It is the baseline a course would start with before it has any data; the adaptive
    teachers are compared with it.

    Args:
        space: a Discrete space; skill tags and prerequisites define the order.
        streak: right answers in a row that count as mastery.
        max_attempts: answers on one skill after which the learner moves on (None: never).
        relearn: a wrong answer on a mastered skill puts it back into practice.
        seed: seeds tie-breaking.

    Example:
        >>> from datetime import UTC, datetime
        >>> import teachkit as tk
        >>> space = tk.spaces.Discrete(
        ...     ["1+1", "2+3", "2x3"], skills={"1+1": "add", "2+3": "add", "2x3": "mul"},
        ...     prerequisites={"mul": ["add"]})
        >>> teacher = tk.teachers.ColdStartMastery(space, streak=2, seed=0)
        >>> for _ in range(2):
        ...     task = teacher.ask("ana")[0]
        ...     teacher.tell(tk.Event("ana", task, tk.Outcome(score=1.0), datetime.now(UTC)))
        >>> teacher.ask("ana"), teacher.current_skill("ana")
        (['2x3'], 'mul')

    References:
        Kelly, K., Wang, Y., Thompson, T., & Heffernan, N. (2015). Defining mastery:
        Knowledge tracing versus N-consecutive correct responses. EDM.
        Heffernan, N. T., & Heffernan, C. L. (2014). The ASSISTments ecosystem.
        International Journal of Artificial Intelligence in Education, 24.
    """

    def __init__(
        self,
        space: Space,
        *,
        streak: int = 2,
        max_attempts: int | None = 10,
        relearn: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__(space, seed=seed)
        self.streak = streak
        self.max_attempts = max_attempts
        self.relearn = relearn
        check_positive_int("streak", streak)
        if max_attempts is not None:
            check_positive_int("max_attempts", max_attempts)
        if not isinstance(relearn, bool):
            raise ValidationError(
                "ColdStartMastery", [f"relearn: expected True or False, got {relearn!r}"]
            )
        # per learner, per skill: [streak, answers, done (0/1), step last practised]
        self._books: dict[str, np.ndarray] = {}
        self._given: dict[str, np.ndarray] = {}  # per item: the learner's step when last given

    def _book(self, learner_id: str) -> np.ndarray:
        book = self._books.get(learner_id)
        if book is None:
            book = np.zeros((4, self._graph.n_skills), dtype=np.int64)
            book[3] = -1
            self._books[learner_id] = book
        return book

    def _current(self, learner_id: str) -> int:
        done = self._book(learner_id)[2]
        for s in self._graph.order.tolist():
            if not done[s]:
                return s
        return -1

    def current_skill(self, learner_id: str) -> str | None:
        """The skill the learner is working on (None once every skill is mastered)."""
        s = self._current(learner_id)
        return None if s < 0 else self.discrete.skill_names[s]

    def mastered(self, learner_id: str) -> list[str]:
        """The skills the learner has mastered (by the streak rule)."""
        done = self._book(learner_id)[2]
        return [self.discrete.skill_names[s] for s in np.flatnonzero(done == 1).tolist()]

    def _ask(self, learner_id: str, n: int) -> np.ndarray:
        g = self._graph
        book = self._book(learner_id)
        skill = self._current(learner_id)
        if skill < 0:  # review: the skill practised longest ago
            skill = int(np.lexsort((np.arange(g.n_skills), book[3]))[0])
        items = g.items_of[skill]
        given = self._given.setdefault(learner_id, np.full(g.n_items, -1, dtype=np.int64))
        # items with fewer other skills still to learn first, then least recently given
        others = (g.q[items] & (book[2] == 0)[None, :]).sum(axis=1) - (book[2, skill] == 0)
        score = -(others * (1 + g.n_items + self._steps.get(learner_id, 0)) + given[items])
        chosen = items[self._pick(score.astype(np.float64), n)]
        given[chosen] = self._steps.get(learner_id, 0)
        return chosen

    def _tell(self, batch: EventBatch) -> None:
        batch = self._timed(batch)
        ok = np.where(np.isnan(batch.success), batch.signal() >= 0.5, batch.success > 0)
        for lid, item, right in zip(batch.learner_ids.tolist(), batch.tasks.tolist(), ok):
            book = self._book(lid)
            step = self._steps.get(lid, 0)
            for s in self._graph.skills_of[int(item)].tolist():
                book[3, s] = step
                book[1, s] += 1
                if right:
                    book[0, s] += 1
                    if book[0, s] >= self.streak:
                        book[2, s] = 1
                else:
                    book[0, s] = 0
                    if book[2, s] == 1 and self.relearn:
                        book[2, s], book[1, s] = 0, 0
                limit = self.max_attempts
                if limit is not None and book[2, s] == 0 and book[1, s] >= limit:
                    book[2, s] = 2  # left behind, not mastered

    @classmethod
    def _example(cls, space: Space, seed: int) -> Any:
        built = super()._example(space, seed)
        if built is None:
            return None
        return cls(space, max_attempts=5, seed=seed)
