"""The ``/v1`` API: courses, next tasks, outcomes, learners, events, xAPI."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response

from teachkit._records import Outcome
from teachkit.errors import UnknownAssignmentError, ValidationError
from teachkit.server import _xapi
from teachkit.server._courses import Course
from teachkit.server._deps import (
    COMMON,
    Admin,
    CourseName,
    IdempotencyKey,
    Learner,
    Svc,
    Who,
    iso,
    json_response,
    problems,
)
from teachkit.server._metrics import OPS
from teachkit.server._models import (
    MAX_STATEMENTS,
    NAME_PATTERN,
    AssignmentOut,
    CourseIn,
    CourseOut,
    EventOut,
    ItemsPatch,
    LearnerOut,
    OutcomeIn,
    PeekOut,
)
from teachkit.server._service import Service
from teachkit.server._stats import dashboard
from teachkit.spaces import Discrete

router = APIRouter(prefix="/v1")


# -- courses ---------------------------------------------------------------------------------
@router.get("/me", responses=problems(401, 429))
def me(who: Who) -> dict[str, Any]:
    """The tenant of this API key and whether it is an admin key."""
    return {"tenant": who.tenant, "admin": who.admin}


@router.get("/courses", responses=problems(401, 429))
def list_courses(who: Who, svc: Svc) -> dict[str, Any]:
    """The tenant's courses."""
    return {
        "courses": [
            {"name": name, "url": f"/v1/courses/{name}", "dashboard": f"/dashboard/{name}"}
            for name in svc.courses.names(who)
        ]
    }


@router.post(
    "/courses",
    response_model=CourseOut,
    status_code=201,
    responses={200: {"model": CourseOut}, **problems(401, 403, 409, 422, 429)},
)
def create_course(body: CourseIn, who: Admin, svc: Svc) -> Response:
    """Create a course (201), or find the identical one (200); 409 names what differs
    when one exists with another definition."""
    course, created = svc.courses.create(who, body)
    return json_response(_summary(svc, course), 201 if created else 200)


@router.get("/courses/{course}", response_model=CourseOut, responses=COMMON)
def get_course(course: CourseName, who: Who, svc: Svc) -> Response:
    """A course's summary: items, skills, prerequisites, teacher, learners, events."""
    return json_response(_summary(svc, svc.courses.get(who, course)))


@router.patch(
    "/courses/{course}/items",
    response_model=CourseOut,
    responses=problems(401, 403, 404, 422, 429),
)
def patch_items(course: CourseName, body: ItemsPatch, who: Admin, svc: Svc) -> Response:
    """Add items (with their skills and content), retire or restore items; each change is
    an op of the course's log, and the teacher keeps what it knows."""
    found = svc.courses.get(who, course)
    svc.courses.patch_items(found, body)
    OPS.labels("change").inc()
    return json_response(_summary(svc, found))


def _summary(svc: Service, course: Course) -> dict[str, Any]:
    cur = course.curriculum
    cur.refresh()
    stats = svc.stats(course)
    stats.update(cur)
    space = cur.space
    assert isinstance(space, Discrete)
    teacher = course.definition["teacher"]
    return {
        "name": course.name,
        "teacher": teacher,
        "items": space.n,
        "active_items": len(space.active),
        "retired": list(space.retired),
        "skills": list(space.skill_names),
        "prerequisites": {k: list(v) for k, v in space.prerequisites.items()},
        "learners": len(stats.learners),
        "events": stats.events,
        "ops": cur.ops,
    }


# -- asking and telling ----------------------------------------------------------------------
@router.post(
    "/courses/{course}/learners/{learner}/next", response_model=AssignmentOut, responses=COMMON
)
def next_task(
    course: CourseName, learner: Learner, who: Who, svc: Svc, key: IdempotencyKey = None
) -> Response:
    """Hand the learner the task the course's teacher chooses, with a lease."""
    found = svc.courses.get(who, course)
    a = found.curriculum.ask(learner, request_id=key)
    OPS.labels("ask").inc()
    return json_response(
        {
            "assignment_id": found.api_id(a.id),
            "learner": a.learner_id,
            "task": a.task,
            "content": svc.courses.content_of(found, str(a.task)),
            "lease_expires": iso(a.expires),
        }
    )


@router.get("/courses/{course}/learners/{learner}/next", response_model=PeekOut, responses=COMMON)
def peek_task(
    course: CourseName,
    learner: Learner,
    who: Who,
    svc: Svc,
    peek: Annotated[bool, Query(description="GET only ever peeks")] = True,
    n: Annotated[int, Query(ge=1, le=100)] = 1,
) -> Response:
    """What ``POST .../next`` would hand out now, without handing anything out."""
    found = svc.courses.get(who, course)
    tasks = found.curriculum.peek(learner, n)
    return json_response(
        {
            "learner": learner,
            "tasks": [{"task": t, "content": svc.courses.content_of(found, str(t))} for t in tasks],
        }
    )


_ASSIGNMENT = re.compile(r"^(\d{1,9})-(\d{1,18})$")


@router.post(
    "/assignments/{assignment_id}/outcome",
    response_model=EventOut,
    responses=problems(401, 404, 409, 422, 429),
)
def tell_outcome(
    assignment_id: Annotated[str, Path(max_length=40)],
    body: OutcomeIn,
    who: Who,
    svc: Svc,
    key: IdempotencyKey = None,
) -> Response:
    """Record the outcome of an assignment; the teacher learns from it. With an
    ``Idempotency-Key`` a retry returns the first answer and records nothing twice."""
    match = _ASSIGNMENT.match(assignment_id)
    course = None if match is None else svc.courses.by_id(who, int(match.group(1)))
    if course is None or match is None:
        raise UnknownAssignmentError(
            f"no assignment {assignment_id!r} for this key's tenant; tell the assignment_id "
            "that POST .../next returned"
        )
    outcome = Outcome(
        score=body.score, success=body.success, duration=body.duration, time=body.time
    )
    event = course.curriculum.tell(int(match.group(2)), outcome, request_id=key)
    assert event is not None
    OPS.labels("tell").inc()
    return json_response(
        {
            "assignment_id": assignment_id,
            "learner": event.learner_id,
            "task": event.task,
            "score": event.outcome.score,
            "success": event.outcome.success,
            "duration": event.outcome.duration,
            "time": event.time.isoformat(),
            # as of this tell (other processes' later ops need not be read for it)
            "mastery": course.curriculum.mastery(event.learner_id, refresh=False),
        }
    )


# -- reading ---------------------------------------------------------------------------------
@router.get("/courses/{course}/learners/{learner}", response_model=LearnerOut, responses=COMMON)
def get_learner(course: CourseName, learner: Learner, who: Who, svc: Svc) -> Response:
    """A learner's mastery per skill, reviews due and counts (current across processes)."""
    found = svc.courses.get(who, course)
    cur = found.curriculum
    mastery = cur.mastery(learner)
    events = cur.events(learner)
    correct = sum(
        1
        for e in events
        if (e.outcome.success if e.outcome.success is not None else (e.outcome.score or 0) >= 0.5)
    )
    return json_response(
        {
            "learner": learner,
            "mastery": mastery,
            "due_reviews": cur.due_reviews(learner),
            "answers": len(events),
            "correct": correct,
            "open_assignments": len(cur.assignments(learner)),
            "last_answer": iso(events[-1].time) if events else None,
        }
    )


@router.get("/courses/{course}/dashboard", responses=COMMON)
def get_dashboard(course: CourseName, who: Who, svc: Svc) -> Response:
    """Everything the dashboard draws: mastery per learner and skill, what the teacher
    chose over time, item statistics with fitted difficulty, the prerequisite graph and
    the reviews due."""
    found = svc.courses.get(who, course)
    return json_response(dashboard(found.curriculum, svc.stats(found), found.content))


@router.post(
    "/xapi/statements",
    responses={200: {"description": "the statements' ids"}, **problems(401, 404, 413, 422, 429)},
)
def xapi_statements(
    who: Who,
    svc: Svc,
    course: Annotated[str, Query(pattern=NAME_PATTERN, description="the course to feed")],
    statements: Annotated[Any, Body(description="an xAPI statement or a list of them")],
) -> Response:
    """Record xAPI "answered" statements as outcomes (see ``teachkit.server._xapi``);
    a statement with an id already recorded counts once. Returns the statements' ids."""
    found = svc.courses.get(who, course)
    if isinstance(statements, list) and len(statements) > MAX_STATEMENTS:
        raise ValidationError(
            "xAPI statements",
            [f"expected at most {MAX_STATEMENTS} per request, got {len(statements)}"],
        )
    space = found.curriculum.space
    answers = _xapi.parse(statements, set(space.names) if isinstance(space, Discrete) else set())
    for answer in answers:
        found.curriculum.record(
            answer.learner, answer.task, answer.outcome, request_id=f"xapi:{answer.statement_id}"
        )
    OPS.labels("xapi").inc(len(answers))
    return json_response([a.statement_id for a in answers])
