"""Discrete task spaces: named tasks, optional skill tags and a prerequisite graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, Literal

import numpy as np

from teachkit._validation import all_valid, did_you_mean, is_sequence, name_problem, preview
from teachkit.errors import ValidationError
from teachkit.spaces._base import Space
from teachkit.spaces._graph import (
    ancestors,
    check_shape,
    normalize_prerequisites,
    topological_order,
)

MAX_TASKS = 2**62
"""The most tasks a counted space may have (its length must fit in a machine integer)."""

MAX_TAGGED = 1_000_000
"""The most tasks of a counted space with skills, prerequisites or retired tasks (they
spell out every task name)."""


class _CountNames(Sequence[str]):
    """The names "0".."n-1" of a counted space, without materializing them."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [str(j) for j in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return str(i % self._n)

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in range(self._n))

    def __contains__(self, name: object) -> bool:
        return self._lookup(name) is not None

    def _lookup(self, name: object) -> int | None:
        if not isinstance(name, str) or not name.isdigit() or (len(name) > 1 and name[0] == "0"):
            return None
        i = int(name)
        return i if i < self._n else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _CountNames) and other._n == self._n

    __hash__ = None  # type: ignore[assignment]


class Discrete(Space):
    """A finite set of named tasks.

    Args:
        tasks: the task names, in order, or a count ``n`` (names ``"0"`` .. ``"n-1"``).
        skills: optional skill tags: ``{task: [skill, ...]}`` covering every task, or a
            list aligned with ``tasks``. Without tags every task is its own skill.
        prerequisites: optional DAG ``{node: [prerequisite, ...]}`` over tasks, or over
            skills when ``skills`` are given and every name is a skill. Unknown names and
            cycles are rejected.
        prerequisite_level: force ``"tasks"`` or ``"skills"`` instead of inferring it.
        retired: tasks no longer handed out. They stay in the space, so answers already
            given to them still count, but teachers never ask for them (see
            :meth:`with_retired`; a curriculum retires tasks with ``retire_tasks``).

    Example:
        >>> space = Discrete(["add", "sub", "mul"], prerequisites={"mul": ["add"]})
        >>> space.names
        ('add', 'sub', 'mul')
        >>> space.topological_order()
        ('add', 'sub', 'mul')
    """

    type_name = "discrete"

    def __init__(
        self,
        tasks: int | Sequence[str],
        *,
        skills: Mapping[str, Sequence[str] | str] | Sequence[Sequence[str] | str] | None = None,
        prerequisites: Mapping[str, Sequence[str]] | None = None,
        prerequisite_level: Literal["tasks", "skills"] | None = None,
        retired: Sequence[str] = (),
    ) -> None:
        subject = "Discrete space"
        self._counted = False
        if isinstance(tasks, int | np.integer) and not isinstance(tasks, bool):
            if tasks < 1:
                raise ValidationError(
                    subject, [f"expected at least one task, got a count of {int(tasks)}"]
                )
            if tasks > MAX_TASKS:
                raise ValidationError(
                    subject,
                    [f"expected at most 2**62 tasks, got a count of {len(str(int(tasks)))} digits"],
                )
            if tasks > MAX_TAGGED and (skills or prerequisites or retired):
                raise ValidationError(
                    subject,
                    [
                        f"skills, prerequisites and retired tasks need the task names, which a "
                        f"count of {int(tasks):_} would spell out; use at most {MAX_TAGGED:_} "
                        "tasks with them"
                    ],
                )
            self._names: Sequence[str] = _CountNames(int(tasks))
            self._counted = True
            self._index: dict[str, int] | None = None
        else:
            self._names = self._check_names(subject, tasks)
            self._index = {name: i for i, name in enumerate(self._names)}
        self._skills = self._check_skills(subject, skills)
        level = prerequisite_level
        if not (level is None or (isinstance(level, str) and level in ("tasks", "skills"))):
            raise ValidationError(
                subject, [f"prerequisite_level: expected 'tasks' or 'skills', got {level!r}"]
            )
        if prerequisites is not None:
            check_shape(prerequisites, kind="task", subject=subject)
        if prerequisites and level is None:
            names = {
                n
                for k, v in prerequisites.items()
                for n in [k, *([v] if isinstance(v, str) else v)]
            }
            skill_set = set(self.skill_names) if self._skills else set()
            level = "skills" if skill_set and names <= skill_set else "tasks"
        self.prerequisite_level: Literal["tasks", "skills"] | None = (
            level if prerequisites else None
        )
        self._prereqs: dict[str, tuple[str, ...]] = {}
        if prerequisites:
            nodes = self.skill_names if level == "skills" else self._names
            self._prereqs = normalize_prerequisites(
                prerequisites, list(nodes), kind=level[:-1] if level else "task", subject=subject
            )
        self._retired, self.retired_mask = self._check_retired(subject, retired)

    def _check_retired(
        self, subject: str, retired: Any
    ) -> tuple[tuple[str, ...], np.ndarray | None]:
        if isinstance(retired, str) or not isinstance(retired, Sequence | set | frozenset):
            raise ValidationError(
                subject, [f"retired: expected a list of task names, got {type(retired).__name__}"]
            )
        names = tuple(dict.fromkeys(retired))
        if not names:
            return (), None
        unknown = [self._unknown(n) for n in names if self._lookup(n) is None]
        if unknown:
            raise ValidationError(subject, [f"retired: {u}" for u in unknown])
        mask = np.zeros(self.n, dtype=bool)
        mask[[self.index(n) for n in names]] = True
        if mask.all():
            raise ValidationError(
                subject, ["retired: at least one task must stay active, got every task retired"]
            )
        mask.setflags(write=False)
        return tuple(n for n in self._names if mask[self.index(n)]), mask

    @staticmethod
    def _check_names(subject: str, tasks: Any) -> tuple[str, ...]:
        if isinstance(tasks, str) or not is_sequence(tasks) or getattr(tasks, "ndim", 1) != 1:
            raise ValidationError(
                subject,
                [f"tasks: expected a list of names or a count, got {type(tasks).__name__}"],
            )
        names = tuple(tasks)
        if not names:
            raise ValidationError(subject, ["tasks: expected at least one task, got none"])
        problems = (
            []
            if all_valid("task name", list(names))
            else [
                f"tasks[{i}]: {problem.partition(': ')[2]}"
                for i, n in enumerate(names)
                if (problem := name_problem("task name", n)) is not None
            ][:10]
        )
        seen: set[str] = set()
        dupes = [n for n in names if isinstance(n, str) and (n in seen or seen.add(n))]  # type: ignore[func-returns-value]
        if dupes:
            problems.append(f"tasks: names must be unique, repeated: {preview(sorted(set(dupes)))}")
        if problems:
            raise ValidationError(subject, problems)
        return names

    def _check_skills(self, subject: str, skills: Any) -> dict[str, tuple[str, ...]] | None:
        if skills is None:
            return None
        if isinstance(skills, Mapping):
            items = list(skills.items())
        elif isinstance(skills, Sequence) and not isinstance(skills, str):
            if len(skills) != len(self._names):
                raise ValidationError(
                    subject,
                    [
                        f"skills: expected one entry per task ({len(self._names)}), got {len(skills)}"
                    ],
                )
            items = list(zip(self._names, skills))
        else:
            raise ValidationError(
                subject,
                [f"skills: expected a mapping {{task: [skill, ...]}}, got {type(skills).__name__}"],
            )
        problems: list[str] = []
        out: dict[str, tuple[str, ...]] = {}
        mentioned: set[str] = set()
        for task, tags in items:
            mentioned.add(task)
            if task not in self._names:
                problems.append(f"skills: unknown task {task!r}{did_you_mean(task, self._names)}")
                continue
            if not isinstance(tags, str | Sequence | set | frozenset) or isinstance(tags, bytes):
                problems.append(
                    f"skills of {task!r}: expected a skill name or a list of them, got {tags!r}"
                )
                continue
            tags = (tags,) if isinstance(tags, str) else tuple(tags)
            bad = [t for t in tags if not isinstance(t, str) or not t]
            if not tags or bad:
                problems.append(
                    f"skills of {task!r}: expected one or more non-empty skill names, got {list(tags)!r}"
                )
                continue
            out[task] = tuple(dict.fromkeys(tags))
        untagged = [t for t in self._names if t not in mentioned]
        if untagged:
            problems.append(
                f"skills: every task needs at least one skill, untagged: {preview(untagged)}; "
                "tag them, or leave skills out to make each task its own skill"
            )
        if problems:
            raise ValidationError(subject, problems)
        return out

    # -- the basics ---------------------------------------------------------------------------
    @property
    def names(self) -> Sequence[str]:
        """The task names, in order (a tuple, or a lazy sequence for counted spaces)."""
        return self._names

    @property
    def n(self) -> int:
        """The number of tasks."""
        return len(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @property
    def counted(self) -> bool:
        """Whether the tasks are a count (names ``"0"`` .. ``"n-1"``), which cannot grow."""
        return self._counted

    @property
    def retired(self) -> tuple[str, ...]:
        """Tasks no longer handed out (they still decode, and answers to them still count)."""
        return self._retired

    @property
    def active(self) -> np.ndarray:
        """Indices of the tasks teachers may hand out (every task unless some are retired)."""
        if self.retired_mask is None:
            return np.arange(self.n, dtype=np.int64)
        return np.flatnonzero(~self.retired_mask)

    def index(self, name: str) -> int:
        """Position of a task name; raises ValidationError with a suggestion if unknown."""
        i = self._lookup(name)
        if i is None:
            raise ValidationError("Discrete space", [self._unknown(name)])
        return i

    def _lookup(self, name: Any) -> int | None:
        if self._index is not None:
            return self._index.get(name) if isinstance(name, str) else None
        assert isinstance(self._names, _CountNames)
        return self._names._lookup(name)

    def _unknown(self, name: Any) -> str:
        if self._counted:
            return f"unknown task {name!r}: expected a name '0'..'{self.n - 1}'"
        return f"unknown task {name!r}{did_you_mean(str(name), self._names)}"

    def contains(self, task: Any) -> bool:
        return self._lookup(task) is not None

    # -- skills and prerequisites ---------------------------------------------------------------
    @cached_property
    def skill_names(self) -> tuple[str, ...]:
        """Distinct skills in order of first appearance (the task names when untagged)."""
        if self._skills is None:
            return tuple(self._names)
        return tuple(dict.fromkeys(s for t in self._names for s in self._skills[t]))

    def skills_of(self, task: str) -> tuple[str, ...]:
        """The skills a task exercises."""
        self.index(task)
        return (task,) if self._skills is None else self._skills[task]

    @property
    def tagged(self) -> bool:
        """Whether tasks carry explicit skill tags."""
        return self._skills is not None

    @cached_property
    def q_matrix(self) -> np.ndarray:
        """Boolean ``(n_tasks, n_skills)`` matrix: which skills each task exercises."""
        if self._skills is None:
            return np.eye(self.n, dtype=bool)
        col = {s: j for j, s in enumerate(self.skill_names)}
        q = np.zeros((self.n, len(col)), dtype=bool)
        for i, t in enumerate(self._names):
            q[i, [col[s] for s in self._skills[t]]] = True
        q.setflags(write=False)
        return q

    @property
    def prerequisites(self) -> Mapping[str, tuple[str, ...]]:
        """``{node: prerequisites}`` over tasks or skills (see ``prerequisite_level``)."""
        return dict(self._prereqs)

    def prerequisites_of(self, node: str, *, transitive: bool = False) -> tuple[str, ...]:
        """The prerequisites of a task or skill (all ancestors, in topological order, when ``transitive``)."""
        if transitive:
            found = ancestors(self._prereqs, node)
            return tuple(n for n in self.topological_order() if n in found)
        return self._prereqs.get(node, ())

    def topological_order(self) -> tuple[str, ...]:
        """Nodes (tasks, or skills for a skill-level graph) with prerequisites first."""
        if self._counted and self.n > MAX_TAGGED:
            raise ValidationError(
                "Discrete space",
                [
                    f"an order of all {self.n:_} tasks would spell out every name; give an "
                    f"explicit order, or use at most {MAX_TAGGED:_} tasks"
                ],
            )
        nodes = self.skill_names if self.prerequisite_level == "skills" else tuple(self._names)
        return topological_order(nodes, self._prereqs)

    def task_order(self) -> tuple[str, ...]:
        """Tasks ordered so that their prerequisites (task- or skill-level) come first."""
        if self.prerequisite_level != "skills":
            return self.topological_order()
        rank = {s: i for i, s in enumerate(self.topological_order())}
        return tuple(
            sorted(
                self._names, key=lambda t: (max(rank[s] for s in self.skills_of(t)), self.index(t))
            )
        )

    # -- encoding -------------------------------------------------------------------------------
    def encode(self, tasks: Sequence[Any]) -> np.ndarray:
        if isinstance(tasks, str):
            tasks = [tasks]
        if self._index is not None:
            get = self._index.get
            out = np.fromiter(
                (get(t, -1) if isinstance(t, str) else -1 for t in tasks), np.int64, len(tasks)
            )
        else:
            lookup = self._names._lookup  # type: ignore[attr-defined]
            out = np.fromiter(
                (-1 if (i := lookup(t)) is None else i for t in tasks), np.int64, len(tasks)
            )
        if len(out) and out.min() < 0:
            bad = [self._unknown(tasks[i]) for i in np.flatnonzero(out < 0)[:5].tolist()]
            missing = int((out < 0).sum())
            if missing > 5:
                bad.append(f"... {missing - 5} more")
            raise ValidationError("task outside the space", bad)
        return out

    def decode(self, encoded: np.ndarray) -> list[Any]:
        if self._counted:
            return list(map(str, np.asarray(encoded).ravel().tolist()))
        names = self._names
        return [names[i] for i in np.asarray(encoded).ravel().tolist()]

    def to_text(self, encoded: np.ndarray) -> list[str]:
        return self.decode(encoded)

    def from_text(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    def check_encoded(self, encoded: np.ndarray, n: int) -> np.ndarray:
        arr = np.asarray(encoded)
        if arr.shape != (n,) or arr.dtype.kind not in "iu":
            raise ValidationError(
                "teacher output",
                [
                    f"expected an integer array of shape ({n},), got {arr.dtype} of shape {arr.shape}"
                ],
            )
        if n:
            # Python's min/max beat numpy reductions on the few tasks of a typical ask.
            values = arr.tolist() if n <= 32 else arr
            lo, hi = min(values), max(values)
            if lo < 0 or hi >= self.n:
                raise ValidationError(
                    "teacher output",
                    [f"expected task indices in [0, {self.n}), got values from {lo} to {hi}"],
                )
        return arr.astype(np.int64, copy=False)

    def sample_encoded(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # floor(U * n) with U uniform on [0, 1): uniform over 0..n-1 (bias below n / 2**53)
        # and several times cheaper than Generator.integers for the small n of one ask.
        if self.retired_mask is not None:
            active = self.active
            return active[(rng.random(n) * len(active)).astype(np.int64)]
        return (rng.random(n) * self.n).astype(np.int64)

    # -- a growing item bank ----------------------------------------------------------------------
    def with_tasks(
        self,
        tasks: Sequence[str],
        *,
        skills: Mapping[str, Sequence[str] | str] | None = None,
        prerequisites: Mapping[str, Sequence[str]] | None = None,
    ) -> Discrete:
        """This space with ``tasks`` added after the existing ones (which keep their place).

        Args:
            tasks: new task names.
            skills: ``{new task: [skill, ...]}``, required when this space is tagged (new
                skills may appear); not allowed when it is not.
            prerequisites: entries to add to the prerequisite graph (``{node: [...]}``, at
                the space's level; a node's list is merged with the one it has).

        Example:
            >>> space = Discrete(["a", "b"], prerequisites={"b": ["a"]})
            >>> space.with_tasks(["c"], prerequisites={"c": ["b"]}).prerequisites
            {'b': ('a',), 'c': ('b',)}
        """
        subject = "Discrete.with_tasks"
        if self._counted:
            raise ValidationError(
                subject, [f"a counted space (tasks '0'..'{self.n - 1}') cannot take named tasks"]
            )
        new = self._check_names(subject, tasks)
        clash = [t for t in new if t in self._index]  # type: ignore[operator]
        if clash:
            raise ValidationError(
                subject,
                [
                    f"tasks already in the space: {preview(clash)}"
                    + (" (retired ones come back with with_retired)" if self._retired else "")
                ],
            )
        data = self.to_dict()
        data["tasks"] = [*self._names, *new]
        if self._skills is not None:
            if skills is None:
                raise ValidationError(
                    subject, ["skills: this space tags its tasks, so new tasks need skills too"]
                )
            data["skills"] = {**data["skills"], **dict(skills)}
        elif skills:
            raise ValidationError(
                subject, ["skills: this space has no skill tags; its tasks are their own skills"]
            )
        if prerequisites:
            if not isinstance(prerequisites, Mapping):
                raise ValidationError(
                    subject,
                    [f"prerequisites: expected a mapping, got {type(prerequisites).__name__}"],
                )
            merged = {k: list(v) for k, v in self._prereqs.items()}
            for node, deps in prerequisites.items():
                deps = [deps] if isinstance(deps, str) else list(deps)
                merged[node] = list(dict.fromkeys([*merged.get(node, []), *deps]))
            data["prerequisites"] = merged
        return Discrete._from_dict(data)

    def with_retired(self, retired: Sequence[str]) -> Discrete:
        """This space with exactly ``retired`` as its retired tasks (add to :attr:`retired`
        to retire more, remove from it to bring tasks back)."""
        data = self.to_dict()
        data.pop("retired", None)
        if retired:
            data["retired"] = list(retired)
        return Discrete._from_dict(data)

    # -- serialization --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type_name}
        if self._counted:
            data["n"] = self.n
        else:
            data["tasks"] = list(self._names)
        if self._skills is not None:
            data["skills"] = {t: list(s) for t, s in self._skills.items()}
        if self._prereqs:
            data["prerequisites"] = {k: list(v) for k, v in self._prereqs.items()}
            data["prerequisite_level"] = self.prerequisite_level
        if self._retired:
            data["retired"] = list(self._retired)
        return data

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any], allow: Iterable[str] | None = None) -> Discrete:
        known = {"type", "n", "tasks", "skills", "prerequisites", "prerequisite_level", "retired"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(
                "Discrete.from_dict", [f"unknown keys {unknown}; known: {sorted(known)}"]
            )
        if ("n" in data) == ("tasks" in data):
            raise ValidationError("Discrete.from_dict", ["expected exactly one of 'n' or 'tasks'"])
        return cls(
            data["n"] if "n" in data else data["tasks"],
            skills=data.get("skills"),
            prerequisites=data.get("prerequisites"),
            prerequisite_level=data.get("prerequisite_level"),
            retired=data.get("retired", ()),
        )

    def __repr__(self) -> str:
        if self._counted:
            body = f"{self.n}"
        elif self.n <= 6:
            body = repr(list(self._names))
        else:
            body = f"[{', '.join(repr(n) for n in self._names[:3])}, ... ({self.n} tasks)]"
        extra = ""
        if self._skills is not None:
            extra += f", skills={len(self.skill_names)}"
        if self._prereqs:
            extra += f", prerequisites over {self.prerequisite_level}={len(self._prereqs)}"
        if self._retired:
            extra += f", retired={len(self._retired)}"
        return f"Discrete({body}{extra})"
