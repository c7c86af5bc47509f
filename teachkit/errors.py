"""The teachkit error hierarchy.

Every error teachkit raises on purpose is a :class:`TeachkitError`. Errors about bad input
say what was expected, what arrived and how to fix it; when several things are wrong at
once, :class:`ValidationError` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable


class TeachkitError(Exception):
    """Base class of every error raised by teachkit on purpose."""


class ValidationError(TeachkitError, ValueError):
    """Input was rejected before anything was written.

    Attributes:
        problems: one line per problem found, each saying what was expected and what arrived.
    """

    def __init__(self, subject: str, problems: Iterable[str]) -> None:
        self.subject = subject
        self.problems = list(problems)
        if len(self.problems) == 1:
            message = f"{subject}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{subject} ({len(self.problems)} problems):\n{lines}"
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        return (type(self), (self.subject, self.problems))


class UnknownAssignmentError(TeachkitError, KeyError):
    """An assignment id that this curriculum never handed out."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class AssignmentFinishedError(TeachkitError):
    """An assignment that was already told (pass ``skip_if_finished=True`` to ignore)."""


class CurriculumNotFoundError(TeachkitError, KeyError):
    """No curriculum with that name in the storage."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class CurriculumExistsError(TeachkitError):
    """A curriculum with that name already exists in the storage."""


class SchemaVersionError(TeachkitError):
    """The database schema is not the one this version of teachkit expects."""


class StorageError(TeachkitError):
    """The storage could not complete an operation; nothing was half-written."""


class MissingDependencyError(TeachkitError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class ReplayMismatchWarning(UserWarning):
    """Replaying the log produced a different choice than the one recorded.

    The recorded choice is kept (the log is the source of truth); the teacher's internal
    state may differ from the state it had originally, usually because the teacher's code
    or hyperparameters changed since the log was written.
    """


class ReadOnlyTeacherError(TeachkitError, AttributeError):
    """An attempt to change a curriculum's teacher through ``curriculum.teacher``, which would
    make it differ from the log; the message says what to do instead."""
