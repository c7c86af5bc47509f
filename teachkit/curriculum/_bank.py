"""A growing item bank: tasks added to a curriculum's Discrete space, retired or restored,
each change one op of the log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from teachkit._validation import preview
from teachkit.curriculum._op import OpContext
from teachkit.errors import ValidationError
from teachkit.spaces import Discrete
from teachkit.storages._base import TellOp

if TYPE_CHECKING:
    from teachkit.curriculum._curriculum import Curriculum


def change_space(cur: Curriculum, where: str, change: Callable[[Discrete], Discrete]) -> Discrete:
    """Change the curriculum's Discrete space as one op: the teacher moves onto the new space
    (:meth:`BaseTeacher.grown`), and the change op stores its configuration and state."""
    now = cur._now().timestamp()
    with OpContext(cur, now) as tx:
        old = cur._space
        if not isinstance(old, Discrete):
            raise ValidationError(
                where, [f"only a Discrete task space changes, this one is {type(old).__name__}"]
            )
        space = change(old)
        if space == old:
            return old  # nothing to do, nothing logged
        history = (op.to_batch(space) for op in tx.read_ops(0) if isinstance(op, TellOp))
        cur._mutating = True
        teacher = cur._teacher.grown(space, history)
        seq = tx.append_change(teacher.to_config(), teacher.state_bytes(), now)
        cur._applied = seq  # under the lock: another thread's op must not replay it
        cur._teacher, cur._space = teacher, space
    cur._done(seq)
    return space


def task_names(where: str, tasks: Any) -> list[str]:
    """``tasks`` as a list of names, or a ValidationError."""
    if isinstance(tasks, str) or not isinstance(tasks, Sequence | set | frozenset):
        raise ValidationError(where, [f"expected a list of task names, got {tasks!r}"])
    bad = [t for t in tasks if not isinstance(t, str)]
    if bad:
        raise ValidationError(where, [f"expected task names (strings), got {preview(bad)}"])
    return list(tasks)
