"""The records that cross boundaries: Outcome, Event and Assignment.

All three are frozen dataclasses with ``to_dict``/``from_dict``; times are timezone-aware
UTC. An Outcome validates itself on construction, collecting every problem and raising
once, so nothing invalid ever reaches a teacher or a storage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import numpy as np

from teachkit._validation import check_number, did_you_mean, is_real
from teachkit.errors import ValidationError

Task: TypeAlias = "str | tuple[float, ...]"
"""A task in its public form: a name (Discrete spaces) or a tuple of floats (Box spaces)."""


def _check_time(problems: list[str], name: str, value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        problems.append(f"{name}: expected a datetime, got {value!r} ({type(value).__name__})")
        return None
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        problems.append(
            f"{name}: expected a timezone-aware datetime, got the naive {value.isoformat()}; "
            "use datetime.now(timezone.utc) or value.replace(tzinfo=timezone.utc)"
        )
        return None
    return value.astimezone(UTC)


def _check_vector(problems: list[str], name: str, value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if (
        isinstance(value, str | bytes)
        or not hasattr(value, "__iter__")
        or getattr(value, "ndim", 1) == 0
    ):
        problems.append(f"{name}: expected a list of numbers, got {value!r}")
        return None
    items = list(value)
    if not items:
        problems.append(f"{name}: expected a non-empty list of numbers, got an empty one")
        return None
    bad = [(i, v) for i, v in enumerate(items) if not is_real(v) or not math.isfinite(float(v))]
    if bad:
        shown = ", ".join(f"[{i}]={v!r}" for i, v in bad[:3])
        problems.append(f"{name}: expected finite numbers, got {shown}")
        return None
    return tuple(float(v) for v in items)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened when a learner attempted a task.

    At least one of ``score``, ``reward``, ``rewards`` or ``success`` must be given.

    Args:
        score: how well it went, in [0, 1] (1 = correct/success).
        reward: a raw reward on any finite scale (an RL return, a loss improvement...).
        success: whether the attempt succeeded.
        rewards: the rewards of a group of rollouts of the same task (GRPO-style); when
            ``reward`` is not given it is set to their mean.
        advantages: per-rollout advantages for the group; same length as ``rewards``.
        duration: seconds spent, >= 0.
        time: when it happened, timezone-aware (stored as UTC); defaults to the time the
            outcome is told.

    Example:
        >>> Outcome(score=1.0).score
        1.0
        >>> Outcome(rewards=[1, 0, 0, 1]).reward
        0.5
    """

    score: float | None = None
    reward: float | None = None
    success: bool | None = None
    rewards: tuple[float, ...] | None = None
    advantages: tuple[float, ...] | None = None
    duration: float | None = None
    time: datetime | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        score = reward = duration = None
        if self.score is not None:
            score = check_number(
                problems,
                "score",
                self.score,
                low=0.0,
                high=1.0,
                hint="; scores live in [0, 1], pass raw values as reward=",
            )
        if self.reward is not None:
            reward = check_number(problems, "reward", self.reward)
        success = self.success
        if success is not None and not isinstance(success, bool):
            if isinstance(success, np.bool_) or (is_real(success) and success in (0, 1)):
                success = bool(success)
            else:
                problems.append(f"success: expected True, False or None, got {success!r}")
        rewards = _check_vector(problems, "rewards", self.rewards)
        advantages = _check_vector(problems, "advantages", self.advantages)
        if rewards is not None and advantages is not None and len(rewards) != len(advantages):
            problems.append(
                f"advantages: expected one per rollout ({len(rewards)} rewards), "
                f"got {len(advantages)}"
            )
        if self.duration is not None:
            duration = check_number(problems, "duration", self.duration, low=0.0)
        time = _check_time(problems, "time", self.time)
        if (
            self.score is None
            and self.reward is None
            and self.rewards is None
            and self.success is None
        ):
            problems.append(
                "expected at least one of score, reward, rewards or success, got none of them"
            )
        if problems:
            raise ValidationError("Outcome is invalid", problems)
        if reward is None and rewards is not None:
            reward = sum(rewards) / len(rewards)
        set_ = object.__setattr__
        set_(self, "score", score)
        set_(self, "reward", reward)
        set_(self, "success", success)
        set_(self, "rewards", rewards)
        set_(self, "advantages", advantages)
        set_(self, "duration", duration)
        set_(self, "time", time)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings, vectors as lists)."""
        return {
            "score": self.score,
            "reward": self.reward,
            "success": self.success,
            "rewards": None if self.rewards is None else list(self.rewards),
            "advantages": None if self.advantages is None else list(self.advantages),
            "duration": self.duration,
            "time": None if self.time is None else self.time.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        """Rebuild an Outcome from :meth:`to_dict` output; unknown keys are an error."""
        _reject_unknown_keys("Outcome", data, cls)
        kwargs = dict(data)
        if isinstance(kwargs.get("time"), str):
            kwargs["time"] = _parse_time("Outcome", kwargs["time"])
        return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class Event:
    """An immutable record of one outcome, as appended to the log."""

    learner_id: str
    task: Task
    outcome: Outcome
    time: datetime
    assignment_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings, the outcome nested)."""
        return {
            "learner_id": self.learner_id,
            "task": _task_to_json(self.task),
            "outcome": self.outcome.to_dict(),
            "time": self.time.isoformat(),
            "assignment_id": self.assignment_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Rebuild an Event from :meth:`to_dict` output; unknown keys are an error."""
        _reject_unknown_keys("Event", data, cls)
        missing = [k for k in ("learner_id", "task", "outcome", "time") if k not in data]
        if missing:
            raise ValidationError("Event", [f"missing required keys: {', '.join(missing)}"])
        return cls(
            learner_id=data["learner_id"],
            task=_task_from_json(data["task"]),
            outcome=Outcome.from_dict(data["outcome"]),
            time=_parse_time("Event", data["time"]),
            assignment_id=data.get("assignment_id"),
        )


@dataclass(frozen=True, slots=True)
class Assignment:
    """A task handed to a learner and not yet answered.

    Tell its outcome with ``curriculum.tell(assignment, outcome)`` or, from another
    process, with ``curriculum.tell(assignment.id, outcome)``. An assignment that is not
    told before ``expires`` becomes abandoned.

    ``train`` is False when the teacher hands the task out for evaluation only (Robust
    PLR's and ACCEL's new levels, POET's transfer tests): play it and tell its outcome, but
    take no learning step on it. The flag comes from the teacher when the task is asked;
    an assignment read back from the storage (``Curriculum.assignments()``) reports True.

    ``curriculum_uid`` is the token of the curriculum that handed the assignment out
    (:attr:`Curriculum.uid`): unlike the name, it never collides, so a curriculum refuses
    the assignments of any other, even one of the same name in another storage. Empty for
    an assignment built by hand or recorded before curricula had tokens.
    """

    id: int
    learner_id: str
    task: Task
    created: datetime
    expires: datetime | None = None
    curriculum: str = ""
    train: bool = True
    curriculum_uid: str = ""

    @property
    def lease(self) -> timedelta | None:
        """How long the assignment stays open (None: no lease)."""
        return None if self.expires is None else self.expires - self.created

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings)."""
        return {
            "id": self.id,
            "learner_id": self.learner_id,
            "task": _task_to_json(self.task),
            "created": self.created.isoformat(),
            "expires": None if self.expires is None else self.expires.isoformat(),
            "curriculum": self.curriculum,
            "train": self.train,
            "curriculum_uid": self.curriculum_uid,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assignment:
        """Rebuild an Assignment from :meth:`to_dict` output; unknown keys are an error."""
        _reject_unknown_keys("Assignment", data, cls)
        expires = data.get("expires")
        return cls(
            id=int(data["id"]),
            learner_id=data["learner_id"],
            task=_task_from_json(data["task"]),
            created=_parse_time("Assignment", data["created"]),
            expires=None if expires is None else _parse_time("Assignment", expires),
            curriculum=data.get("curriculum", ""),
            train=bool(data.get("train", True)),
            curriculum_uid=str(data.get("curriculum_uid", "")),
        )


def _reject_unknown_keys(kind: str, data: Mapping[str, Any], cls: type) -> None:
    if not isinstance(data, Mapping):
        raise ValidationError(kind, [f"expected a mapping, got {type(data).__name__}"])
    known = [f.name for f in fields(cls)]
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ValidationError(
            kind,
            [f"unknown key {k!r}{did_you_mean(k, known)}; known keys: {known}" for k in unknown],
        )


def _parse_time(kind: str, value: Any) -> datetime:
    problems: list[str] = []
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                kind, [f"time: expected an ISO 8601 string, got {value!r}"]
            ) from None
    t = _check_time(problems, "time", value)
    if problems or t is None:
        raise ValidationError(kind, problems or ["time: expected a datetime, got None"])
    return t


def _task_to_json(task: Task) -> Any:
    return list(task) if isinstance(task, tuple) else task


def _task_from_json(value: Any) -> Task:
    if isinstance(value, list | tuple):
        return tuple(float(v) for v in value)
    return value
