"""Generated task spaces: tasks that a user's generator creates, with their records."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from teachkit._seeding import spawn_seed
from teachkit._validation import did_you_mean, preview
from teachkit.errors import ValidationError
from teachkit.registry import resolve_class
from teachkit.spaces._base import Space
from teachkit.spaces._generator import (
    JSON_HINT,
    TaskGenerator,
    canonical,
    generator_path,
    plain,
)

ORIGINS = ("sample", "mutate", "decode", "given")
_KEYS = {"id", "origin", "params", "parent", "seed"}


class GeneratedTask(str):
    """A generated task: the canonical JSON text of its record, with the fields parsed.

    The record is ``{"id", "params", "origin", "parent", "seed"}``: ``id`` is a hash of the
    params (the same params are the same task), ``origin`` says how it was made
    (``"sample"``: ``generator.sample(default_rng(seed))``; ``"mutate"``:
    ``generator.mutate(<params of the task with id parent>, default_rng(seed))``;
    ``"decode"``: ``generator.decode(vector, default_rng(seed))`` for a vector a teacher
    chose; ``"given"``: params the user passed). Being a string, it is what the log stores,
    what events and assignments carry, and it hashes and compares like its text.
    """

    @cached_property
    def record(self) -> dict[str, Any]:
        """The parsed record (parsed once and kept; do not modify it)."""
        parsed: dict[str, Any] = json.loads(self)
        return parsed

    @property
    def id(self) -> str:
        """A 16-hex-digit hash of the params."""
        return str(self.record["id"])

    @property
    def params(self) -> Any:
        """What the environment needs to build the task."""
        return self.record["params"]

    @property
    def origin(self) -> str:
        """How the task was made: ``"sample"``, ``"mutate"``, ``"decode"`` or ``"given"``."""
        return str(self.record["origin"])

    @property
    def parent(self) -> str | None:
        """The id of the task this one was mutated from, or None."""
        return self.record["parent"]

    @property
    def seed(self) -> int | None:
        """The seed of the generator call that made the task (None for given tasks)."""
        return self.record["seed"]

    def __repr__(self) -> str:
        return f"GeneratedTask({self.id}, origin={self.origin}, params={preview([self.params], 1)})"


def task_id(params_text: str) -> str:
    return hashlib.sha256(params_text.encode("utf-8")).hexdigest()[:16]


class Generated(Space):
    """Tasks created by a :class:`TaskGenerator`: sampled, mutated from a parent, decoded.

    Args:
        generator: an instance of a :class:`TaskGenerator` subclass defined in an
            importable module. The space stores its import path and constructor arguments
            (never the object itself) and rebuilds it when a curriculum is loaded.

    A task, in public and encoded form alike, is a :class:`GeneratedTask`: the JSON text of
    its record (params, origin, parent id and seed), so the log holds everything needed to
    rebuild it, and :meth:`rebuild` checks that the generator makes it again. An encoded
    batch is an object array of them. Teachers make tasks with :meth:`generate`,
    :meth:`mutate` and :meth:`from_vector`, drawing the seed from their own generator, so a
    curriculum replays exactly. Whatever the generator returns is checked: it must be JSON
    data that its own ``contains`` accepts.

    Example:
        >>> from teachkit.testing.generators import Corridors
        >>> space = Generated(Corridors(longest=12))
        >>> task = space.generate(seed=7)
        >>> task.params, task.origin
        ({'holes': [3, 6], 'length': 12}, 'sample')
        >>> child = space.mutate(task, seed=1)
        >>> child.parent == task.id
        True
        >>> space.rebuild(child, parent=task) == child
        True
    """

    type_name = "generated"

    def __init__(self, generator: TaskGenerator) -> None:
        if not isinstance(generator, TaskGenerator):
            raise ValidationError(
                "Generated space",
                [
                    f"generator: expected an instance of a teachkit.spaces.TaskGenerator "
                    f"subclass, got {type(generator).__name__}"
                ],
            )
        self._path = generator_path(generator)
        self._options = plain(
            generator.options(), f"generator {type(generator).__name__}", "options"
        )
        self._generator = generator
        self._vectors: dict[str, np.ndarray] = {}
        self._dim: int | None = None

    @property
    def generator(self) -> TaskGenerator:
        """The generator that makes this space's tasks."""
        return self._generator

    # -- making tasks ---------------------------------------------------------------------
    def generate(self, seed: int) -> GeneratedTask:
        """A new task: ``generator.sample(np.random.default_rng(seed))``."""
        params = self._generator.sample(np.random.default_rng(seed))
        return self._make(params, "sample", None, int(seed), "sample")

    def mutate(self, parent: str, seed: int) -> GeneratedTask:
        """An edit of ``parent``: ``generator.mutate(parent.params, default_rng(seed))``."""
        record = self._record(parent, "mutate")
        params = self._generator.mutate(record.params, np.random.default_rng(seed))
        return self._make(params, "mutate", record.id, int(seed), "mutate")

    def from_vector(self, vector: np.ndarray, seed: int) -> GeneratedTask:
        """The task ``generator.decode(vector, default_rng(seed))`` (for latent-space teachers)."""
        params = self._generator.decode(
            np.asarray(vector, dtype=np.float64), np.random.default_rng(seed)
        )
        return self._make(params, "decode", None, int(seed), "decode")

    def task(self, params: Any) -> GeneratedTask:
        """A task with the params you give (held-out tests, hand-made levels)."""
        return self._make(params, "given", None, None, "task")

    def _make(
        self, params: Any, origin: str, parent: str | None, seed: int | None, method: str
    ) -> GeneratedTask:
        where = f"{type(self._generator).__name__}.{method}"
        params = plain(params, where)
        if not self._generator.contains(params):
            raise ValidationError(
                where,
                [
                    f"made params that the generator's own contains() rejects: "
                    f"{preview([params], 1)}; fix the generator or its contains()"
                ],
            )
        text = canonical(params)
        record = {
            "id": task_id(text),
            "origin": origin,
            "params": params,
            "parent": parent,
            "seed": seed,
        }
        return GeneratedTask(canonical(record))

    # -- reading records ------------------------------------------------------------------
    def _record(self, task: Any, where: str) -> GeneratedTask:
        if isinstance(task, GeneratedTask):
            return task
        problem = self._problem(task)
        if problem:
            raise ValidationError("task outside the space", [f"{where}: {problem}"])
        return GeneratedTask(task)

    def _problem(self, task: Any) -> str | None:
        """Why ``task`` is not a task of this space, or None."""
        if not isinstance(task, str):
            return f"expected a generated task (its record as JSON text), got {type(task).__name__}"
        try:
            record = json.loads(task)
        except ValueError:
            return f"expected a generated task's JSON record, got {preview([task], 1)}"
        if not isinstance(record, dict) or set(record) != _KEYS:
            keys = sorted(record) if isinstance(record, dict) else type(record).__name__
            return f"expected a record with keys {sorted(_KEYS)}, got {keys}"
        if record["origin"] not in ORIGINS:
            return f"origin: expected one of {list(ORIGINS)}, got {record['origin']!r}"
        try:
            text = canonical(record["params"])
        except ValueError:
            return f"params: {JSON_HINT}"
        if record["id"] != task_id(text):
            return (
                f"id {record['id']!r} does not match its params (expected {task_id(text)!r}); "
                "the record was altered"
            )
        if task != canonical(record):
            return "expected the record's canonical JSON text (sorted keys, no spaces)"
        if not self._generator.contains(record["params"]):
            return f"{type(self._generator).__name__}.contains rejects params {preview([record['params']], 1)}"
        return None

    def contains(self, task: Any) -> bool:
        return self._problem(task) is None

    def encode(self, tasks: Sequence[Any]) -> np.ndarray:
        if isinstance(tasks, str):
            tasks = [tasks]
        out = np.empty(len(tasks), dtype=object)
        problems = []
        for i, t in enumerate(tasks):
            if isinstance(t, GeneratedTask):
                out[i] = t
                continue
            problem = self._problem(t)
            if problem:
                problems.append(f"[{i}]: {problem}")
            else:
                out[i] = GeneratedTask(t)
        if problems:
            raise ValidationError("task outside the space", problems[:5])
        return out

    def decode(self, encoded: np.ndarray) -> list[Any]:
        return [
            t if isinstance(t, GeneratedTask) else GeneratedTask(t)
            for t in np.asarray(encoded, dtype=object).ravel().tolist()
        ]

    def to_text(self, encoded: np.ndarray) -> list[str]:
        return [str.__str__(t) for t in np.asarray(encoded, dtype=object).ravel().tolist()]

    def from_text(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    def check_encoded(self, encoded: np.ndarray, n: int) -> np.ndarray:
        arr = np.asarray(encoded, dtype=object) if not isinstance(encoded, np.ndarray) else encoded
        if arr.shape != (n,) or arr.dtype != object:
            raise ValidationError(
                "teacher output",
                [
                    f"expected an object array of {n} generated tasks, got {arr.dtype} of shape {arr.shape}"
                ],
            )
        return self.encode(list(arr))

    def sample_encoded(self, rng: np.random.Generator, n: int) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [self.generate(spawn_seed(rng)) for _ in range(n)]
        return out

    def records(self, tasks: Iterable[Any]) -> list[GeneratedTask]:
        """Tasks (records or their texts) as :class:`GeneratedTask`, checked."""
        return list(self.encode(list(tasks)))

    # -- vectors --------------------------------------------------------------------------
    def vectors(self, tasks: Iterable[Any]) -> np.ndarray:
        """``generator.encode`` of each task, as a ``float64 (n, dim)`` array (cached)."""
        rows = []
        for t in self.records(tasks):
            v = self._vectors.get(t.id)
            if v is None:
                v = self._vector(t.params)
                if len(self._vectors) > 200_000:
                    self._vectors.clear()
                self._vectors[t.id] = v
            rows.append(v)
        if not rows:
            return np.empty((0, self._dim or 0))
        return np.stack(rows)

    def _vector(self, params: Any) -> np.ndarray:
        where = f"{type(self._generator).__name__}.encode"
        try:
            v = np.asarray(self._generator.encode(params), dtype=np.float64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValidationError(
                where, [f"expected a vector of numbers, got an error: {exc}"]
            ) from exc
        if v.ndim != 1 or not len(v) or not np.isfinite(v).all():
            raise ValidationError(
                where, [f"expected a non-empty 1-D vector of finite numbers, got shape {v.shape}"]
            )
        if self._dim is None:
            self._dim = len(v)
        elif len(v) != self._dim:
            raise ValidationError(
                where, [f"expected vectors of one length ({self._dim}), got {len(v)}"]
            )
        v.setflags(write=False)
        return v

    # -- provenance -------------------------------------------------------------------------
    def rebuild(self, task: Any, parent: Any = None) -> GeneratedTask:
        """Make ``task`` again from its record (and its parent's, for a mutation) and check
        that the generator still makes the same params.

        Sampled tasks need nothing else; a mutated task needs its parent; decoded and given
        tasks are their params (the record holds them). Raises a ValidationError when the
        generator now makes something else (its code or options changed).
        """
        t = self._record(task, "rebuild")
        if t.origin == "sample":
            again = self.generate(int(t.seed))  # type: ignore[arg-type]
        elif t.origin == "mutate":
            if parent is None:
                raise ValidationError(
                    "rebuild", [f"task {t.id} is a mutation of {t.parent}; pass parent="]
                )
            p = self._record(parent, "rebuild")
            if p.id != t.parent:
                raise ValidationError(
                    "rebuild", [f"task {t.id} is a mutation of {t.parent}, got parent {p.id}"]
                )
            again = self.mutate(p, int(t.seed))  # type: ignore[arg-type]
        else:
            return t
        if again != t:
            raise ValidationError(
                "rebuild",
                [
                    f"the generator now makes {preview([again.params], 1)} from the record of "
                    f"task {t.id} ({preview([t.params], 1)}); did its code or options change?"
                ],
            )
        return again

    def lineage(self, task: Any, known: Iterable[Any]) -> list[GeneratedTask]:
        """``task`` and its ancestors among ``known`` tasks, newest first."""
        by_id = {t.id: t for t in self.records(known)}
        chain = [self._record(task, "lineage")]
        while (
            chain[-1].parent is not None and chain[-1].parent in by_id and len(chain) <= len(by_id)
        ):
            chain.append(by_id[chain[-1].parent])
        return chain

    # -- serialization ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type_name, "generator": self._path, "options": self._options}

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any], allow: Iterable[str] | None = None) -> Generated:
        unknown = sorted(set(data) - {"type", "generator", "options"})
        if unknown:
            raise ValidationError("Generated.from_dict", [f"unknown keys {unknown}"])
        gen_cls = resolve_class(data.get("generator"), allow=allow)
        if not issubclass(gen_cls, TaskGenerator):
            raise ValidationError(
                "Generated.from_dict", [f"{data.get('generator')!r} is not a TaskGenerator"]
            )
        options = data.get("options") or {}
        if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
            raise ValidationError(
                "Generated.from_dict",
                [f"options: expected a mapping of keyword arguments, got {options!r:.80}"],
            )
        params = inspect.signature(gen_cls).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            unknown = [k for k in options if k not in params]
            if unknown:
                raise ValidationError(
                    "Generated.from_dict",
                    [
                        f"{gen_cls.__name__} takes no option {k!r}{did_you_mean(k, params)}"
                        for k in unknown
                    ],
                )
        return cls(gen_cls(**options))

    def __repr__(self) -> str:
        return f"Generated({self._generator!r})"
