"""The Space base class: what every task space offers teachers and curricula."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, overload

import numpy as np

from teachkit._records import Task
from teachkit._validation import did_you_mean
from teachkit.errors import ValidationError


class Space(ABC):
    """A set of tasks.

    Tasks have two forms. The *public* form is what users and storages see: a name for
    :class:`Discrete`, a tuple of floats for :class:`Box`. The *encoded* form is what
    teachers compute with: an ``int64`` index array of shape ``(n,)`` for Discrete, a
    ``float64`` array of shape ``(n, dim)`` for Box. ``encode``/``decode`` convert
    between them and reject tasks outside the space.
    """

    type_name: ClassVar[str]
    _registry: ClassVar[dict[str, type[Space]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type_name" in cls.__dict__:
            Space._registry[cls.type_name] = cls

    @abstractmethod
    def contains(self, task: Any) -> bool:
        """Whether ``task`` (public form) belongs to this space."""

    def __contains__(self, task: Any) -> bool:
        return self.contains(task)

    @abstractmethod
    def encode(self, tasks: Sequence[Any]) -> np.ndarray:
        """Public tasks to their encoded array; raises ValidationError for any outsider."""

    @abstractmethod
    def decode(self, encoded: np.ndarray) -> list[Task]:
        """An encoded array back to a list of public tasks."""

    @abstractmethod
    def to_text(self, encoded: np.ndarray) -> list[str]:
        """Encoded tasks as the text storages keep (a name, or a JSON list of floats)."""

    @abstractmethod
    def from_text(self, texts: list[str]) -> np.ndarray:
        """Stored texts back to encoded tasks; raises ValidationError for outsiders."""

    @abstractmethod
    def check_encoded(self, encoded: np.ndarray, n: int) -> np.ndarray:
        """Validate ``n`` encoded tasks produced by a teacher; return them normalized."""

    @abstractmethod
    def sample_encoded(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` tasks drawn uniformly, in encoded form."""

    @overload
    def sample(self, rng: np.random.Generator, n: None = None) -> Task: ...
    @overload
    def sample(self, rng: np.random.Generator, n: int) -> list[Task]: ...
    def sample(self, rng: np.random.Generator, n: int | None = None) -> Task | list[Task]:
        """One task (``n=None``) or a list of ``n`` tasks drawn uniformly at random."""
        if not isinstance(rng, np.random.Generator):
            raise ValidationError(
                f"{type(self).__name__}.sample",
                [
                    f"expected a numpy Generator, got {type(rng).__name__}; "
                    "pass np.random.default_rng(seed)"
                ],
            )
        tasks = self.decode(self.sample_encoded(rng, 1 if n is None else n))
        return tasks[0] if n is None else tasks

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; ``Space.from_dict`` rebuilds an equal space."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, allow: Iterable[str] | None = None) -> Space:
        """Rebuild a space from :meth:`to_dict` output (any registered space type).

        A space that names code (a :class:`~teachkit.spaces.Generated` space's generator)
        imports it only when ``allow`` is None or names its module, as
        :func:`teachkit.registry.resolve_class` does for classes in stored configs.
        """
        kind = data.get("type") if isinstance(data, Mapping) else None
        if not isinstance(kind, str) or kind not in Space._registry:
            known = sorted(Space._registry)
            raise ValidationError(
                "Space.from_dict",
                [
                    f"expected 'type' to be one of {known}, got {kind!r}{did_you_mean(str(kind), known)}"
                ],
            )
        target = Space._registry[kind]
        if cls is not Space and not issubclass(target, cls):
            raise ValidationError(
                f"{cls.__name__}.from_dict", [f"expected a {cls.type_name} space, got {kind!r}"]
            )
        return target._from_dict(data, allow)

    @classmethod
    @abstractmethod
    def _from_dict(cls, data: Mapping[str, Any], allow: Iterable[str] | None = None) -> Space: ...

    def to_json(self) -> str:
        """The :meth:`to_dict` description as canonical JSON."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, allow: Iterable[str] | None = None) -> Space:
        """Rebuild a space from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text), allow=allow)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.to_json())
