"""Box task spaces: continuous parameter vectors with bounds and names."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from teachkit._validation import is_int, is_real, is_sequence, preview, short_repr
from teachkit.errors import ValidationError
from teachkit.spaces._base import Space

MAX_DIM = 10_000
"""The most dimensions a Box space may have."""


class Box(Space):
    """A box ``[low, high]`` of continuous task parameters.

    Args:
        low: lower bounds, one per dimension (or a scalar with ``names``/``dim``).
        high: upper bounds, same shape as ``low``.
        names: a name per dimension (default ``"x0"``, ``"x1"``, ...).
        dim: the number of dimensions when ``low`` and ``high`` are scalars and no names
            are given.

    A task is a tuple of floats; an encoded batch is a ``float64`` array ``(n, dim)``.

    Example:
        >>> space = Box([0, 0], [1, 10], names=["friction", "gap"])
        >>> space.dim
        2
        >>> (0.5, 3.0) in space
        True
    """

    type_name = "box"

    def __init__(
        self,
        low: float | Sequence[float],
        high: float | Sequence[float],
        *,
        names: Sequence[str] | None = None,
        dim: int | None = None,
    ) -> None:
        subject = "Box space"
        problems: list[str] = []
        if names is not None and (
            isinstance(names, str | bytes) or not isinstance(names, Sequence)
        ):
            raise ValidationError(
                subject, [f"names: expected a list of names, got {type(names).__name__}"]
            )
        if dim is not None and (not is_int(dim) or not 1 <= dim <= MAX_DIM):
            raise ValidationError(
                subject, [f"dim: expected an integer in [1, {MAX_DIM:_}], got {short_repr(dim)}"]
            )
        scalar = is_real(low) and is_real(high)
        if scalar:
            d = len(names) if names is not None else (dim if dim is not None else 1)
            lo_list: list[Any] = [low] * d
            hi_list: list[Any] = [high] * d
        else:
            lo_list = self._as_list(problems, "low", low)
            hi_list = self._as_list(problems, "high", high)
            if problems:
                raise ValidationError(subject, problems)
            if len(lo_list) != len(hi_list):
                raise ValidationError(
                    subject,
                    [
                        f"low and high: expected the same length, got {len(lo_list)} and {len(hi_list)}"
                    ],
                )
            d = len(lo_list)
            if dim is not None and dim != d:
                problems.append(f"dim: expected {d} to match the bounds, got {dim}")
        if d < 1:
            raise ValidationError(subject, ["expected at least one dimension, got none"])
        lo = np.array([float(x) if is_real(x) else math.nan for x in lo_list], dtype=np.float64)
        hi = np.array([float(x) if is_real(x) else math.nan for x in hi_list], dtype=np.float64)
        if names is None:
            names = [f"x{i}" for i in range(d)]
        names = tuple(names)
        if len(names) != d:
            problems.append(f"names: expected {d} names (one per dimension), got {len(names)}")
        elif not all(isinstance(n, str) and n for n in names) or len(set(names)) != d:
            problems.append(f"names: expected unique non-empty strings, got {list(names)!r}")
        for i in range(d):
            label = names[i] if i < len(names) else f"dimension {i}"
            if not (math.isfinite(lo[i]) and math.isfinite(hi[i])):
                problems.append(
                    f"bounds of {label!r}: expected finite numbers, got low={lo_list[i]!r}, "
                    f"high={hi_list[i]!r}"
                )
            elif lo[i] > hi[i]:
                problems.append(
                    f"bounds of {label!r}: expected low <= high, got low={lo[i]:g} > high={hi[i]:g}"
                )
        if problems:
            raise ValidationError(subject, problems)
        lo.setflags(write=False)
        hi.setflags(write=False)
        self._low, self._high, self._names = lo, hi, names
        self._range = hi - lo

    @staticmethod
    def _as_list(problems: list[str], name: str, value: Any) -> list[Any]:
        if isinstance(value, str) or not is_sequence(value):
            problems.append(f"{name}: expected a number or a list of numbers, got {value!r}")
            return []
        return list(np.asarray(value, dtype=object).ravel())

    @property
    def low(self) -> np.ndarray:
        """The lower bounds, one per dimension."""
        return self._low

    @property
    def high(self) -> np.ndarray:
        """The upper bounds, one per dimension."""
        return self._high

    @property
    def names(self) -> tuple[str, ...]:
        """The dimension names."""
        return self._names

    @property
    def dim(self) -> int:
        """The number of dimensions."""
        return len(self._names)

    def contains(self, task: Any) -> bool:
        try:
            x = np.asarray(task, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            return False
        return (
            x.shape == (self.dim,)
            and bool(np.isfinite(x).all())
            and bool(((x >= self._low) & (x <= self._high)).all())
        )

    def clip(self, encoded: np.ndarray) -> np.ndarray:
        """Encoded tasks ``(n, dim)`` clipped into the bounds."""
        return np.clip(encoded, self._low, self._high)

    def as_dict(self, task: Sequence[float]) -> dict[str, float]:
        """A task as ``{dimension name: value}``."""
        return dict(zip(self._names, (float(v) for v in task)))

    def encode(self, tasks: Sequence[Any]) -> np.ndarray:
        bad = [i for i, t in enumerate(tasks) if not self.contains(t)]
        if bad:
            raise ValidationError(
                "task outside the space",
                [
                    f"expected {self.dim} finite values within {self._bounds_text()}, "
                    f"got {preview([tasks[i] for i in bad], 3)} at positions {preview(bad, 5)}"
                ],
            )
        return np.asarray(tasks, dtype=np.float64).reshape(len(tasks), self.dim)

    def decode(self, encoded: np.ndarray) -> list[Any]:
        arr = np.asarray(encoded, dtype=np.float64).reshape(-1, self.dim)
        return [tuple(row) for row in arr.tolist()]

    def to_text(self, encoded: np.ndarray) -> list[str]:
        return [json.dumps(row) for row in np.asarray(encoded, dtype=np.float64).tolist()]

    def from_text(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float64)
        return self.encode([tuple(json.loads(t)) for t in texts])

    def check_encoded(self, encoded: np.ndarray, n: int) -> np.ndarray:
        arr = np.asarray(encoded, dtype=np.float64)
        if arr.shape != (n, self.dim):
            raise ValidationError(
                "teacher output", [f"expected an array of shape ({n}, {self.dim}), got {arr.shape}"]
            )
        # Bounds are finite, so NaN and infinities fail these comparisons too.
        if n and not ((arr >= self._low) & (arr <= self._high)).all():
            raise ValidationError(
                "teacher output", [f"expected finite tasks within {self._bounds_text()}"]
            )
        return arr

    def sample_encoded(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # What rng.uniform(low, high) computes (low + range * a uniform double), bit for
        # bit, without its broadcasting overhead on small draws.
        return self._low + self._range * rng.random((n, self.dim))

    def _bounds_text(self) -> str:
        return ", ".join(
            f"{name} in [{lo:g}, {hi:g}]"
            for name, lo, hi in zip(self._names, self._low, self._high)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type_name,
            "low": self._low.tolist(),
            "high": self._high.tolist(),
            "names": list(self._names),
        }

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any], allow: Iterable[str] | None = None) -> Box:
        unknown = sorted(set(data) - {"type", "low", "high", "names"})
        if unknown:
            raise ValidationError("Box.from_dict", [f"unknown keys {unknown}"])
        missing = [k for k in ("low", "high") if k not in data]
        if missing:
            raise ValidationError("Box.from_dict", [f"missing keys {missing}"])
        return cls(data["low"], data["high"], names=data.get("names"))

    def __repr__(self) -> str:
        return f"Box({self._bounds_text()})"
