"""InteractionLog: a validated, question-level log of learners answering items.

One row is one answer to one item (a *question-level* row): an item tagged with several
skills is still one row, so no evaluation can ever score expanded per-skill rows. Rows are
kept grouped by learner and, within a learner, in the order the answers happened; every
learner model fits on, and every evaluation scores, this one form.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from teachkit._batch import EventBatch
from teachkit._records import Event
from teachkit._validation import preview
from teachkit.data._checks import (
    _binary,
    _check_duplicates,
    _check_order,
    _item_space,
    _learner_groups,
    _strings,
    _times,
    _unit,
)
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete


class DataWarning(UserWarning):
    """A log was changed on request (rows sorted, duplicates dropped); the message says how."""


@dataclass(frozen=True, eq=False)
class InteractionLog:
    """Answers of learners to items, one row per answer, grouped by learner in time order.

    Build one with a loader (:func:`teachkit.data.read_long` and friends), from events
    (:meth:`from_events`) or from arrays (:meth:`from_arrays`, which validates).

    Attributes:
        space: the items as a :class:`~teachkit.spaces.Discrete` space; its skill tags
            are the Q-matrix.
        learner_ids: ``(n_learners,)`` object array of learner ids.
        learners: ``int64 (n,)`` row -> index into ``learner_ids``.
        items: ``int64 (n,)`` row -> index into ``space.names``.
        correct: ``float64 (n,)`` 1.0 for a correct answer (a recalled card), else 0.0.
        score: ``float64 (n,)`` the graded score in [0, 1] (equal to ``correct`` for
            binary data; ``(rating - 1) / 3`` for 4-level review ratings).
        time: ``float64 (n,)`` POSIX seconds, NaN where unknown.
        groups: optional ``(n_learners,)`` object array of learner group labels.
        notes: what loading changed, on request (sorted rows, dropped duplicates).

    Layout. Rows are grouped by learner, learners in ``learner_ids`` order, each
    learner's rows in the order the answers happened (construction sorts by learner,
    stably, if needed). :attr:`starts` holds ``n_learners + 1`` offsets (CSR style):
    learner ``k`` owns rows ``starts[k]:starts[k + 1]``, so ``starts[0] == 0``,
    ``starts[-1] == len(log)`` and :attr:`lengths` is ``np.diff(starts)``;
    :attr:`position` is each row's index within its learner's rows. Items index
    ``space.names``; an item's skills are its row of ``space.q_matrix``
    (``(n_items, n_skills)`` booleans, skills in ``space.skill_names`` order), so an
    answer to a multi-skill item is still one row.

    Example:
        >>> log = InteractionLog.from_arrays(["b", "a", "b"], ["q1", "q2", "q1"], [1, 0, 0])
        >>> log.learner_ids.tolist(), log.starts.tolist(), log.position.tolist()
        (['b', 'a'], [0, 2, 3], [0, 1, 0])
    """

    space: Discrete
    learner_ids: np.ndarray
    learners: np.ndarray
    items: np.ndarray
    correct: np.ndarray
    score: np.ndarray
    time: np.ndarray
    groups: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    _starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.learners) and np.any(np.diff(self.learners) < 0):
            # Keep the invariant: rows grouped by learner (stable, so time order holds).
            order = np.argsort(self.learners, kind="stable")
            for name in ("learners", "items", "correct", "score", "time"):
                object.__setattr__(self, name, getattr(self, name)[order])
        counts = np.bincount(self.learners, minlength=len(self.learner_ids))
        starts = np.zeros(len(self.learner_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        object.__setattr__(self, "_starts", starts)

    # -- size and access ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    @property
    def n_learners(self) -> int:
        """The number of learners."""
        return len(self.learner_ids)

    @property
    def lengths(self) -> np.ndarray:
        """Answers per learner, ``int64 (n_learners,)``."""
        return np.diff(self._starts)

    @property
    def starts(self) -> np.ndarray:
        """``int64 (n_learners + 1,)`` row offsets: learner ``k`` owns rows
        ``starts[k]:starts[k + 1]``; ``starts[-1] == len(self)``."""
        return self._starts

    @property
    def position(self) -> np.ndarray:
        """Each row's position within its learner's sequence (0 for the first answer)."""
        return np.arange(len(self), dtype=np.int64) - self._starts[self.learners]

    def take_learners(self, index: np.ndarray) -> InteractionLog:
        """The log of the learners at ``index`` (positions into ``learner_ids``), in that order."""
        index = np.asarray(index, dtype=np.int64)
        rows = [np.arange(self._starts[k], self._starts[k + 1]) for k in index.tolist()]
        pick = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        remap = np.full(self.n_learners, -1, dtype=np.int64)
        remap[index] = np.arange(len(index))
        return self._replace_rows(
            pick, remap[self.learners[pick]], self.learner_ids[index], self._groups_at(index)
        )

    def take_rows(self, mask: np.ndarray) -> InteractionLog:
        """The rows where ``mask`` is true (learners left without rows are dropped)."""
        pick = np.flatnonzero(mask)
        kept = np.unique(self.learners[pick])
        remap = np.full(self.n_learners, -1, dtype=np.int64)
        remap[kept] = np.arange(len(kept))
        return self._replace_rows(
            pick, remap[self.learners[pick]], self.learner_ids[kept], self._groups_at(kept)
        )

    def _groups_at(self, index: np.ndarray) -> np.ndarray | None:
        return None if self.groups is None else self.groups[index]

    def _replace_rows(
        self, pick: np.ndarray, learners: np.ndarray, ids: np.ndarray, groups: np.ndarray | None
    ) -> InteractionLog:
        return InteractionLog(
            space=self.space,
            learner_ids=ids,
            learners=learners,
            items=self.items[pick],
            correct=self.correct[pick],
            score=self.score[pick],
            time=self.time[pick],
            groups=groups,
            notes=self.notes,
        )

    def with_space(self, space: Discrete) -> InteractionLog:
        """The same rows with items re-encoded in ``space`` (every item must be in it)."""
        if space == self.space:
            return self
        names = np.asarray(self.space.names, dtype=object)
        used = np.unique(self.items)
        missing = [str(names[i]) for i in used.tolist() if not space.contains(str(names[i]))]
        if missing:
            raise ValidationError(
                "InteractionLog.with_space",
                [
                    f"items not in the model's space: {preview(missing)}; fit a model "
                    "built without a space (it adopts the log's) or add the items to the space"
                ],
            )
        lookup = np.full(self.space.n, -1, dtype=np.int64)
        lookup[used] = space.encode([str(names[i]) for i in used.tolist()])
        return InteractionLog(
            space=space,
            learner_ids=self.learner_ids,
            learners=self.learners,
            items=lookup[self.items],
            correct=self.correct,
            score=self.score,
            time=self.time,
            groups=self.groups,
            notes=self.notes,
        )

    def to_frame(self) -> Any:
        """A pandas DataFrame with columns learner, item, skills, correct, score, time."""
        import pandas as pd

        names = np.asarray(self.space.names, dtype=object)
        skills = np.array([";".join(self.space.skills_of(n)) for n in self.space.names], object)
        return pd.DataFrame(
            {
                "learner": self.learner_ids[self.learners],
                "item": names[self.items],
                "skills": skills[self.items],
                "correct": self.correct,
                "score": self.score,
                "time": self.time,
            }
        )

    def to_events(self) -> list[Event]:
        """The log as Event objects (needs known times)."""
        from teachkit._records import Outcome
        from teachkit._time import from_timestamp

        if np.isnan(self.time).any():
            raise ValidationError(
                "InteractionLog.to_events", ["every row needs a time to become an Event"]
            )
        names = self.space.names
        out = []
        for r in range(len(self)):
            t = from_timestamp(float(self.time[r]))
            outcome = Outcome(score=float(self.score[r]), success=bool(self.correct[r]), time=t)
            out.append(
                Event(str(self.learner_ids[self.learners[r]]), names[self.items[r]], outcome, t)
            )
        return out

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_arrays(
        cls,
        learners: Sequence[Any] | np.ndarray,
        items: Sequence[Any] | np.ndarray,
        correct: Sequence[Any] | np.ndarray,
        *,
        time: Sequence[float] | np.ndarray | None = None,
        skills: Sequence[Any] | np.ndarray | None = None,
        score: Sequence[float] | np.ndarray | None = None,
        groups: Sequence[Any] | np.ndarray | None = None,
        space: Discrete | None = None,
        unsorted: str = "error",
        duplicates: str = "error",
        source: str = "interaction log",
    ) -> InteractionLog:
        """Validate columns (one entry per answer) and build a log.

        Args:
            learners, items: ids per row (any hashable; stored as strings).
            correct: 0/1 per row (booleans accepted).
            time: POSIX seconds per row; without it the row order is the time order.
            skills: per row, the item's skills as a list or a ``;``-separated string. Every
                row of an item must agree. Without skills (and without ``space``) each item
                is its own skill.
            score: graded score in [0, 1] per row (default: ``correct``).
            groups: per row, a learner group label (constant within a learner).
            space: the items' space; items outside it, or skills that disagree with its
                tags, are errors.
            unsorted: what to do when a learner's times go backwards: ``"error"``
                (default) or ``"sort"`` (stable sort by time, reported in ``notes``).
            duplicates: what to do with rows repeating (learner, item, time, correct):
                ``"error"`` (default), ``"drop"`` or ``"keep"`` (both reported).
            source: a name for error messages (a file name).

        Raises:
            ValidationError: listing every problem found.
        """
        problems: list[str] = []
        for name, value, allowed in (
            ("unsorted", unsorted, ("error", "sort")),
            ("duplicates", duplicates, ("error", "drop", "keep")),
        ):
            if value not in allowed:
                problems.append(f"{name}: expected one of {allowed}, got {value!r}")
        lids = _strings(learners)
        item_ids = _strings(items)
        n = len(lids)
        cols = {"items": item_ids, "correct": correct, "time": time, "skills": skills}
        cols |= {"score": score, "groups": groups}
        for name, col in cols.items():
            if col is not None and len(col) != n:
                problems.append(f"{name}: expected {n} entries (one per row), got {len(col)}")
        if problems:
            raise ValidationError(source, problems)
        corr = _binary(problems, "correct", correct)
        sc = corr if score is None else _unit(problems, "score", score)
        t = np.full(n, np.nan) if time is None else _times(problems, time)
        empty = [i for i, v in enumerate(lids.tolist()) if v in ("", "nan", "None")]
        if empty:
            problems.append(
                f"learner: expected an id on every row, missing at rows {preview(empty)}"
            )
        empty = [i for i, v in enumerate(item_ids.tolist()) if v in ("", "nan", "None")]
        if empty:
            problems.append(f"item: expected an id on every row, missing at rows {preview(empty)}")
        if problems:
            raise ValidationError(source, problems)
        assert corr is not None
        assert sc is not None
        learner_ids, learner_codes = np.unique(lids, return_inverse=True)
        item_space = _item_space(problems, item_ids, skills, space)
        if problems or item_space is None:
            raise ValidationError(source, problems)
        item_codes = item_space.encode(item_ids.tolist())
        group_arr = _learner_groups(problems, groups, learner_codes, len(learner_ids))
        if problems:
            raise ValidationError(source, problems)
        # Order: learners in order of first appearance, rows in file order within each.
        first = np.full(len(learner_ids), n, dtype=np.int64)
        np.minimum.at(first, learner_codes, np.arange(n))
        rank = np.empty(len(learner_ids), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(learner_ids))
        learner_codes = rank[learner_codes]
        learner_ids = learner_ids[np.argsort(rank)]
        if group_arr is not None:
            group_arr = group_arr[np.argsort(rank)]
        order = np.argsort(learner_codes, kind="stable")
        notes: list[str] = []
        order = _check_order(problems, notes, learner_codes, t, order, unsorted, learner_ids)
        keep = _check_duplicates(
            problems, notes, learner_codes, item_codes, t, corr, order, duplicates
        )
        if problems:
            raise ValidationError(source, problems)
        order = order[keep]
        for note in notes:
            warnings.warn(f"{source}: {note}", DataWarning, stacklevel=3)
        return cls(
            space=item_space,
            learner_ids=learner_ids.astype(object),
            learners=learner_codes[order],
            items=item_codes[order],
            correct=corr[order],
            score=sc[order],
            time=t[order],
            groups=group_arr,
            notes=tuple(notes),
        )

    @classmethod
    def from_batch(cls, batch: EventBatch, space: Discrete) -> InteractionLog:
        """Rows from an :class:`EventBatch` in the order given (online updates)."""
        return cls._from_encoded(
            space,
            batch.learner_ids,
            batch.tasks,
            _batch_correct(batch),
            _batch_score(batch),
            batch.time,
        )

    @classmethod
    def from_events(cls, events: Sequence[Event] | EventBatch, space: Discrete) -> InteractionLog:
        """Rows from events (or a batch), ordered by time within each learner."""
        batch = events if isinstance(events, EventBatch) else EventBatch.from_events(events, space)
        order = np.lexsort((batch.time,))
        return cls.from_batch(batch.take(order), space)

    @classmethod
    def _from_encoded(
        cls,
        space: Discrete,
        learner_ids: np.ndarray,
        items: np.ndarray,
        correct: np.ndarray,
        score: np.ndarray,
        time: np.ndarray,
    ) -> InteractionLog:
        ids, first_idx, codes = np.unique(
            np.asarray(learner_ids, dtype=object).astype(str),
            return_index=True,
            return_inverse=True,
        )
        rank = np.empty(len(ids), dtype=np.int64)
        rank[np.argsort(first_idx, kind="stable")] = np.arange(len(ids))
        codes = rank[codes]
        ids = ids[np.argsort(rank)].astype(object)
        order = np.argsort(codes, kind="stable")
        return cls(
            space=space,
            learner_ids=ids,
            learners=codes[order],
            items=np.asarray(items, dtype=np.int64)[order],
            correct=np.asarray(correct, dtype=np.float64)[order],
            score=np.asarray(score, dtype=np.float64)[order],
            time=np.asarray(time, dtype=np.float64)[order],
        )


def _batch_correct(batch: EventBatch) -> np.ndarray:
    """Correctness of events: ``success`` where given, else ``signal() >= 0.5``."""
    signal = batch.signal()
    out = np.where(np.isnan(batch.success), signal >= 0.5, batch.success == 1)
    return out.astype(np.float64)


def _batch_score(batch: EventBatch) -> np.ndarray:
    score = batch.score.copy()
    gap = np.isnan(score)
    score[gap] = _batch_correct(batch)[gap]
    return score
