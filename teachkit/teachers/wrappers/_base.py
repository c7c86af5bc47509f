"""Wrapper: the base of teachers that hold another teacher."""

from __future__ import annotations

from typing import Any, ClassVar

from teachkit._teacher import BaseTeacher
from teachkit.errors import ValidationError
from teachkit.spaces import Space


class Wrapper(BaseTeacher):
    """A teacher that holds another teacher (``teacher=``) and changes how it is used.

    The wrapped teacher is a hyperparameter: given, it is stored verbatim (and its state
    travels with the wrapper's as a nested component); left out, the wrapper builds a
    default one with :meth:`_default_teacher`, deterministically from its own
    hyperparameters, and saves that teacher's state with its own. Either way the teacher
    actually used is :attr:`inner`. Outcomes are validated by the inner teacher, so a
    wrapper accepts exactly what the teacher it wraps accepts.

    A subclass calls ``super().__init__(space, teacher=teacher, seed=seed)``, then stores
    its own hyperparameters, and implements ``_ask``/``_tell`` in terms of ``self.inner``.
    """

    _derived: ClassVar[tuple[str, ...]] = ("_inner",)

    def __init__(
        self, space: Space, *, teacher: BaseTeacher | None = None, seed: int | None = None
    ) -> None:
        super().__init__(space, seed=seed)
        self.teacher = teacher
        name = type(self).__name__
        if teacher is not None and not isinstance(teacher, BaseTeacher):
            raise ValidationError(
                name,
                [f"teacher: expected a teachkit teacher or None, got {type(teacher).__name__}"],
            )
        if teacher is not None and teacher.space != space:
            raise ValidationError(
                name, [f"teacher: expected a teacher on {space!r}, got one on {teacher.space!r}"]
            )
        self._inner: BaseTeacher = (
            teacher if teacher is not None else self._default_teacher(space, seed)
        )

    def _default_teacher(self, space: Space, seed: int | None) -> BaseTeacher:
        """The teacher wrapped when none is given (default: ``Uniform(space)``)."""
        from teachkit.teachers._uniform import Uniform

        return Uniform(space)

    @property
    def inner(self) -> BaseTeacher:
        """The wrapped teacher: ``teacher`` when given, else the default one."""
        return self._inner

    def validate(self, batch: Any) -> None:
        self._inner.validate(batch)

    def mastery(self, learner_id: str) -> dict[str, float] | None:
        """The wrapped teacher's belief (see :meth:`BaseTeacher.mastery`)."""
        return self._inner.mastery(learner_id)

    def due_reviews(self, learner_id: str) -> list[str]:
        """The wrapped teacher's reviews due (see :meth:`BaseTeacher.due_reviews`)."""
        return self._inner.due_reviews(learner_id)

    # A given teacher is a nested component (Component.state_dict saves it); a default one
    # is not a hyperparameter, so its state is saved here.
    def _get_state(self) -> dict[str, Any]:
        state = super()._get_state()
        if self.teacher is None:
            state["inner"] = self._inner.state_dict()
        return state

    def _set_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        inner = state.pop("inner", None)
        super()._set_state(state)
        if inner is not None:
            self._inner.load_state_dict(inner)
