"""TeacherView: a curriculum's teacher, to read but not to change behind the log."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from teachkit._component import Component
from teachkit.errors import ReadOnlyTeacherError

MUTATORS = frozenset(
    {
        # teachers
        "ask",
        "ask_encoded",
        "tell",
        "copy_of",
        # learner models
        "update",
        "fit",
        # any component
        "load_state_dict",
        "load_state_bytes",
    }
)
"""Public methods that change a teacher or a learner model (the view refuses them)."""


class TeacherView:
    """A read-only view of a curriculum's teacher (what ``curriculum.teacher`` returns).

    Reading works as on the teacher itself (attributes, ``state_dict()``, ``plan(...)``,
    ``isinstance``); nested learner models come as views too, and arrays come read-only.
    What would change the teacher behind the curriculum's log raises
    :class:`~teachkit.errors.ReadOnlyTeacherError`: ``ask``, ``tell``, loading a state,
    updating a model, setting an attribute. Preview a choice with ``curriculum.peek``; take
    :meth:`copy` for a teacher of your own to experiment with.
    """

    __slots__ = ("_target",)

    def __init__(self, target: Component) -> None:
        object.__setattr__(self, "_target", target)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(object.__getattribute__(self, "_target"))

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        value = getattr(target, name)
        if (name in MUTATORS or name in _PRIVATE_MUTATORS) and callable(value):
            raise ReadOnlyTeacherError(
                f"{type(target).__name__}.{name} would change the curriculum's teacher "
                "behind its log: curriculum.teacher is read-only. Preview choices with "
                "curriculum.peek(learner_id, n), hand out tasks with curriculum.ask, record "
                "outcomes with curriculum.tell; for a teacher of your own to experiment "
                "with, use curriculum.teacher.copy()"
            )
        if isinstance(value, Component):
            return TeacherView(value)
        if isinstance(value, np.ndarray) and value.flags.writeable:
            value = value.view()
            value.flags.writeable = False
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise ReadOnlyTeacherError(
            f"cannot set {name!r}: curriculum.teacher is read-only (the log is the source "
            "of truth); build a new curriculum to change hyperparameters, or work on "
            "curriculum.teacher.copy()"
        )

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, None)

    def copy(self) -> Any:
        """An independent copy of the teacher (state and RNG included) that you may change."""
        return copy.deepcopy(object.__getattribute__(self, "_target"))

    def __copy__(self) -> Any:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self.copy()

    def __reduce__(self) -> Any:
        return (copy.deepcopy, (object.__getattribute__(self, "_target"),))

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_target"))

    def __dir__(self) -> list[str]:
        return [*dir(object.__getattribute__(self, "_target")), "copy"]

    def __eq__(self, other: object) -> bool:
        target = object.__getattribute__(self, "_target")
        if isinstance(other, TeacherView):
            return target is object.__getattribute__(other, "_target")
        return target is other

    def __hash__(self) -> int:
        return id(object.__getattribute__(self, "_target"))


_PRIVATE_MUTATORS = frozenset({"_ask", "_tell", "_learn", "_set_state", "_avoid_retired"})


def unwrap(teacher: Any) -> Any:
    """The teacher behind a view (the object itself when it is not a view)."""
    if type(teacher) is TeacherView:
        return object.__getattribute__(teacher, "_target")
    return teacher
