"""TaskGenerator: the user's code behind a Generated space, and the checks on what it makes."""

from __future__ import annotations

import inspect
import json
import math
from typing import Any

import numpy as np

from teachkit.errors import ValidationError

JSON_HINT = (
    "expected JSON data: dicts with string keys, lists, strings, finite numbers, booleans or None"
)


class TaskGenerator:
    """Makes tasks for a :class:`~teachkit.spaces.Generated` space.

    Subclass it and implement :meth:`sample`; implement :meth:`mutate` for teachers that
    edit tasks (ACCEL, POET) and :meth:`encode`/:meth:`decode` for teachers that work in a
    vector space (CLUTR). A task's *params* are plain JSON data (a dict of numbers, a list
    of wall cells...): what the environment needs to build the task.

    A generator is code, so a stored curriculum never pickles it: it records the class's
    import path (``"package.module:Class"``) and the constructor arguments, which must be
    JSON data stored under their own names (as teachers do), and rebuilds the generator
    from them on load. Define generators in an importable module.

    Every random choice must come from the ``rng`` argument: the teacher seeds it from its
    own generator and records the seed, so a task can be made again from its record.

    Example:
        >>> class Corridors(TaskGenerator):
        ...     def __init__(self, longest=10):
        ...         self.longest = longest
        ...     def sample(self, rng):
        ...         return {"length": int(rng.integers(1, self.longest + 1))}
        >>> Corridors().sample(np.random.default_rng(0))
        {'length': 9}
    """

    def sample(self, rng: np.random.Generator) -> Any:
        """A new random task's params."""
        raise NotImplementedError(f"{type(self).__name__} must implement sample(rng)")

    def mutate(self, params: Any, rng: np.random.Generator) -> Any:
        """The params of a small edit of the task ``params`` (optional)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no mutate(params, rng); implement it to use teachers "
            "that edit tasks (ACCEL, POET)"
        )

    def encode(self, params: Any) -> np.ndarray:
        """A fixed-length vector of floats describing the task (optional)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no encode(params); implement it to use teachers that "
            "work on task vectors (CLUTR)"
        )

    def decode(self, vector: np.ndarray, rng: np.random.Generator) -> Any:
        """The params of a task close to ``vector`` (optional; the inverse of encode)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no decode(vector, rng); implement it to use teachers "
            "that search a vector space (CLUTR)"
        )

    def contains(self, params: Any) -> bool:
        """Whether ``params`` describe a valid task (default: any JSON data)."""
        return True

    # -- what a stored space records -------------------------------------------------------
    def options(self) -> dict[str, Any]:
        """The constructor arguments, read back from the attributes of the same names."""
        names = [
            p.name
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        missing = [n for n in names if not hasattr(self, n)]
        if missing:
            raise ValidationError(
                f"generator {type(self).__name__}",
                [
                    f"__init__ must store its arguments under the same names (a stored space "
                    f"rebuilds the generator from them); missing attributes: {missing}"
                ],
            )
        return {n: getattr(self, n) for n in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({args})"


def plain(value: Any, where: str, path: str = "params") -> Any:
    """``value`` as plain JSON data (numpy scalars and arrays, tuples converted), or a
    ValidationError naming the offending part."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(float(value)):
            raise ValidationError(where, [f"{path} is {float(value)!r}; {JSON_HINT}"])
        return float(value)
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), where, path)
    if isinstance(value, list | tuple):
        return [plain(v, where, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ValidationError(where, [f"{path} has the key {bad[0]!r}; {JSON_HINT}"])
        return {k: plain(v, where, f"{path}[{k!r}]") for k, v in value.items()}
    raise ValidationError(
        where, [f"{path} is a {type(value).__module__}.{type(value).__qualname__}; {JSON_HINT}"]
    )


def canonical(value: Any) -> str:
    """The one JSON text of plain data (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def generator_path(generator: TaskGenerator) -> str:
    """``"module:QualName"`` of a generator's class, or a ValidationError if it cannot be
    imported by that path (a class defined inside a function)."""
    cls = type(generator)
    if "<locals>" in cls.__qualname__:
        raise ValidationError(
            "Generated space",
            [
                f"generator: {cls.__qualname__} is defined inside a function, so a stored "
                "curriculum could not import it again; define it at the top level of a module"
            ],
        )
    return f"{cls.__module__}:{cls.__qualname__}"
