"""The ``/v1`` API: courses, next tasks, outcomes, learners, events, xAPI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from teachkit._records import Outcome
from teachkit._time import from_timestamp
from teachkit.errors import UnknownAssignmentError, ValidationError
from teachkit.server import _xapi
from teachkit.server._courses import Course
from teachkit.server._keys import Principal
from teachkit.server._metrics import OPS
from teachkit.server._models import (
    MAX_STATEMENTS,
    NAME_PATTERN,
    AssignmentOut,
    CourseIn,
    CourseOut,
    EventOut,
    EventsIn,
    EventsPage,
    ItemsPatch,
    LearnerOut,
    OutcomeIn,
    PeekOut,
    Problem,
)
from teachkit.server._problems import HTTPProblem
from teachkit.server._service import Service
from teachkit.server._stats import dashboard
from teachkit.spaces import Discrete
from teachkit.storages._base import EventRows

router = APIRouter(prefix="/v1")
_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer tk_...`")


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": Problem, "content": {"application/problem+json": {}}} for c in codes}


COMMON = _problems(401, 404, 422, 429)


def service(request: Request) -> Service:
    """The service of this process."""
    found: Service = request.app.state.service
    return found


Svc = Annotated[Service, Depends(service)]


def principal(
    svc: Svc, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """Who the request acts for: its API key's tenant (401 without a valid key, 429 over
    the key's rate)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("send an API key as 'Authorization: Bearer tk_...'")
    who = svc.authenticate(credentials.credentials)
    if who is None:
        raise _unauthorized("this API key is not valid (revoked, or never created here)")
    svc.limiter.take(who.key_id)
    return who


def _unauthorized(detail: str) -> HTTPProblem:
    return HTTPProblem(
        401,
        "unauthorized",
        "An API key is needed",
        detail + "; create one with: teachkit keys create --tenant NAME",
        headers={"WWW-Authenticate": 'Bearer realm="teachkit"'},
    )


Who = Annotated[Principal, Depends(principal)]


def admin(who: Who) -> Principal:
    """An admin key's principal (403 otherwise): only admin keys create and change courses."""
    if not who.admin:
        raise HTTPProblem(
            403,
            "forbidden",
            "An admin key is needed",
            "creating and changing courses and importing events needs an admin key of this "
            "tenant: teachkit keys create --tenant NAME --admin",
        )
    return who


Admin = Annotated[Principal, Depends(admin)]
CourseName = Annotated[str, Path(pattern=NAME_PATTERN, description="the course's name")]
Learner = Annotated[str, Path(min_length=1, max_length=200, description="the learner's id")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="a retry with the same key returns the first answer and does nothing "
        "twice (remembered for a day)",
    ),
]


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# -- courses ---------------------------------------------------------------------------------
@router.get("/me", responses=_problems(401, 429))
def me(who: Who) -> dict[str, Any]:
    """The tenant of this API key and whether it is an admin key."""
    return {"tenant": who.tenant, "admin": who.admin}


@router.get("/courses", responses=_problems(401, 429))
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
    responses={200: {"model": CourseOut}, **_problems(401, 403, 409, 422, 429)},
)
def create_course(body: CourseIn, who: Admin, svc: Svc) -> Response:
    """Create a course (201), or find the identical one (200); 409 names what differs
    when one exists with another definition."""
    course, created = svc.courses.create(who, body)
    return _json(_summary(svc, course), 201 if created else 200)


@router.get("/courses/{course}", response_model=CourseOut, responses=COMMON)
def get_course(course: CourseName, who: Who, svc: Svc) -> Response:
    """A course's summary: items, skills, prerequisites, teacher, learners, events."""
    return _json(_summary(svc, svc.courses.get(who, course)))


@router.patch(
    "/courses/{course}/items",
    response_model=CourseOut,
    responses=_problems(401, 403, 404, 422, 429),
)
def patch_items(course: CourseName, body: ItemsPatch, who: Admin, svc: Svc) -> Response:
    """Add items (with their skills and content), retire or restore items; each change is
    an op of the course's log, and the teacher keeps what it knows."""
    found = svc.courses.get(who, course)
    svc.courses.patch_items(found, body)
    OPS.labels("change").inc()
    return _json(_summary(svc, found))


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
    return _json(
        {
            "assignment_id": found.api_id(a.id),
            "learner": a.learner_id,
            "task": a.task,
            "content": svc.courses.content_of(found, str(a.task)),
            "lease_expires": _iso(a.expires),
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
    return _json(
        {
            "learner": learner,
            "tasks": [{"task": t, "content": svc.courses.content_of(found, str(t))} for t in tasks],
        }
    )


_ASSIGNMENT = re.compile(r"^(\d{1,9})-(\d{1,18})$")


@router.post(
    "/assignments/{assignment_id}/outcome",
    response_model=EventOut,
    responses=_problems(401, 404, 409, 422, 429),
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
    return _json(
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
    return _json(
        {
            "learner": learner,
            "mastery": mastery,
            "due_reviews": cur.due_reviews(learner),
            "answers": len(events),
            "correct": correct,
            "open_assignments": len(cur.assignments(learner)),
            "last_answer": _iso(events[-1].time) if events else None,
        }
    )


@router.get("/courses/{course}/dashboard", responses=COMMON)
def get_dashboard(course: CourseName, who: Who, svc: Svc) -> Response:
    """Everything the dashboard draws: mastery per learner and skill, what the teacher
    chose over time, item statistics with fitted difficulty, the prerequisite graph and
    the reviews due."""
    found = svc.courses.get(who, course)
    return _json(dashboard(found.curriculum, svc.stats(found), found.content))


# -- the log ---------------------------------------------------------------------------------
_FORMATS = {"json", "csv", "parquet"}
_COLUMNS = ("seq", "learner", "task", "score", "success", "reward", "duration", "time",
            "assignment_id")  # fmt: skip


@router.get(
    "/courses/{course}/events",
    response_model=EventsPage,
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}},
        **_problems(401, 404, 406, 422, 429),
    },
)
def export_events(
    course: CourseName,
    who: Who,
    svc: Svc,
    format: Annotated[str, Query(pattern="^(json|csv|parquet)$")] = "json",
    after: Annotated[int, Query(ge=0, le=2**62, description="the seq to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    learner: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """Told outcomes in log order, one row per outcome, paginated by sequence number:
    pass the page's ``next_after`` as ``after`` for the next one (a page ends on an op
    boundary, so an imported batch comes whole). CSV streams every row after ``after``;
    JSON and Parquet give one page of at least ``limit`` rows."""
    found = svc.courses.get(who, course)
    storage, cid = svc.storage, found.curriculum.storage_id
    if format == "csv":
        return StreamingResponse(
            _csv(storage, cid, found, after, learner),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{course}-events.csv"'},
        )
    rows = storage.read_event_page(cid, after, limit, learner)
    events = _rows(found, rows)
    if format == "parquet":
        return Response(_parquet(events), media_type="application/vnd.apache.parquet")
    next_after = int(rows.seq[-1]) if len(rows) else None
    return _json({"events": events, "next_after": next_after})


def _rows(course: Course, rows: EventRows) -> list[dict[str, Any]]:
    def num(v: float) -> float | None:
        return None if v != v else float(v)

    return [
        {
            "seq": int(rows.seq[i]),
            "learner": rows.learner_ids[i],
            "task": rows.tasks[i],
            "score": num(rows.score[i]),
            "success": None if rows.success[i] != rows.success[i] else bool(rows.success[i]),
            "reward": num(rows.reward[i]),
            "duration": num(rows.duration[i]),
            "time": from_timestamp(float(rows.time[i])).isoformat(),
            "assignment_id": None
            if rows.assignment_ids[i] < 0
            else course.api_id(int(rows.assignment_ids[i])),
        }
        for i in range(len(rows))
    ]


def _csv(storage: Any, cid: int, course: Course, after: int, learner: str | None) -> Iterator[str]:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    while True:
        rows = storage.read_event_page(cid, after, 5000, learner)
        if not len(rows):
            break
        writer.writerows(_rows(course, rows))
        after = int(rows.seq[-1])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def _parquet(events: list[dict[str, Any]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from teachkit.errors import MissingDependencyError

        raise MissingDependencyError(
            "Parquet export needs pyarrow: pip install 'teachkit[bench]'; or ask for "
            "format=csv or format=json"
        ) from None
    import io

    table = pa.Table.from_pylist(events) if events else pa.table({c: [] for c in _COLUMNS})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@router.post("/courses/{course}/events", responses=_problems(401, 403, 404, 413, 422, 429))
def import_events(
    course: CourseName, body: EventsIn, who: Admin, svc: Svc, key: IdempotencyKey = None
) -> Response:
    """Import a past log: the outcomes are recorded in order, as one op, and the teacher
    learns from them. Everything is checked before anything is written."""
    found = svc.courses.get(who, course)
    outcomes, problems = [], []
    for i, e in enumerate(body.events):
        try:
            outcomes.append(
                Outcome(score=e.score, success=e.success, duration=e.duration, time=e.time)
            )
        except ValidationError as exc:
            problems += [f"events[{i}]: {p}" for p in exc.problems]
    if problems:
        raise ValidationError("events", problems)
    events = found.curriculum.record_many(
        [e.learner for e in body.events], [e.task for e in body.events], outcomes, request_id=key
    )
    OPS.labels("import").inc()
    return _json({"recorded": len(events), "ops": found.curriculum.ops})


@router.post(
    "/xapi/statements",
    responses={200: {"description": "the statements' ids"}, **_problems(401, 404, 413, 422, 429)},
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
    return _json([a.statement_id for a in answers])
