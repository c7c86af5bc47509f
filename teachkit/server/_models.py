"""The JSON bodies of the ``/v1`` API, as pydantic models (they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from teachkit._validation import MAX_LENGTH, name_problem

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
"""Course names: letters, digits, '.', '_' and '-' (they appear in URLs). Stricter than
the rule for curriculum names (:data:`teachkit._validation.MAX_LENGTH`), which a course's
curriculum, ``"<tenant>/<course>"``, always satisfies."""

MAX_ITEMS = 10_000
MAX_BATCH = 10_000
MAX_STATEMENTS = 1_000


def _rule(kind: str) -> Any:
    def check(value: str) -> str:
        problem = name_problem(kind, value)
        if problem is not None:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


Name = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH["task name"]), _rule("task name")]
"""Item (task) and skill names: the core's rule for task names, checked at the edge."""
LearnerId = Annotated[
    str, Field(min_length=1, max_length=MAX_LENGTH["learner_id"]), _rule("learner_id")
]
"""Learner ids in bodies: the core's rule for learner ids."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(_Body):
    """One item of a course: its id (a task), the skills it exercises, and content the app
    shows (a prompt, an answer: anything JSON)."""

    id: Name
    skills: list[Name] = Field(default_factory=list, max_length=50)
    content: dict[str, Any] | None = None


class TeacherSpec(_Body):
    """A teacher by its registry name (``teachkit.registry.TEACHERS``) and hyperparameters."""

    name: Annotated[str, Field(min_length=1, max_length=100)] = "tutor"
    params: dict[str, Any] = Field(default_factory=dict)


class CourseIn(_Body):
    """``POST /v1/courses``."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    prerequisites: dict[Name, list[Name]] = Field(default_factory=dict)
    teacher: TeacherSpec = Field(default_factory=TeacherSpec)
    lease_seconds: float | None = Field(default=3600.0, gt=0, le=31_536_000)


class ItemsPatch(_Body):
    """``PATCH /v1/courses/{course}/items``: add items, retire or restore some."""

    add: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    prerequisites: dict[Name, list[Name]] = Field(default_factory=dict)
    retire: list[Name] = Field(default_factory=list, max_length=MAX_ITEMS)
    restore: list[Name] = Field(default_factory=list, max_length=MAX_ITEMS)


class OutcomeIn(_Body):
    """``POST /v1/assignments/{id}/outcome``: a score in [0, 1] and/or success."""

    score: float | None = Field(default=None, ge=0, le=1)
    success: bool | None = None
    duration: float | None = Field(default=None, ge=0, le=1e9, description="seconds")
    time: datetime | None = Field(default=None, description="ISO 8601 with a timezone")


class EventIn(OutcomeIn):
    """One past outcome to import."""

    learner: LearnerId
    task: Name


class EventsIn(_Body):
    """``POST /v1/courses/{course}/events``: a past log, recorded in order as one op."""

    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH)


# -- responses (documented in the OpenAPI schema) -------------------------------------------
class TaskOut(BaseModel):
    """A task and its content."""

    task: str
    content: dict[str, Any] | None = None


class AssignmentOut(TaskOut):
    """What ``POST .../next`` hands out."""

    assignment_id: str
    learner: str
    lease_expires: datetime | None


class PeekOut(BaseModel):
    """What ``GET .../next?peek=true`` shows: the tasks ``next`` would hand out now."""

    learner: str
    tasks: list[TaskOut]


class EventOut(BaseModel):
    """A recorded outcome."""

    assignment_id: str | None
    learner: str
    task: str
    score: float | None
    success: bool | None
    duration: float | None
    time: datetime
    mastery: dict[str, float] | None = None


class LearnerOut(BaseModel):
    """``GET /v1/courses/{course}/learners/{learner}``."""

    learner: str
    mastery: dict[str, float] | None
    due_reviews: list[str]
    answers: int
    correct: int
    open_assignments: int
    last_answer: datetime | None


class CourseOut(BaseModel):
    """A course's summary."""

    name: str
    teacher: TeacherSpec
    items: int
    active_items: int
    retired: list[str]
    skills: list[str]
    prerequisites: dict[str, list[str]]
    learners: int
    events: int
    ops: int


class EventRow(BaseModel):
    """One told outcome in an export."""

    seq: int
    learner: str
    task: str
    score: float | None
    success: bool | None
    reward: float | None
    duration: float | None
    time: datetime
    assignment_id: str | None


class EventsPage(BaseModel):
    """A page of ``GET /v1/courses/{course}/events?format=json``."""

    events: list[EventRow]
    next_after: int | None


class Problem(BaseModel):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[str] | None = None
