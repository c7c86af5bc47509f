"""The log over HTTP: told outcomes exported as JSON pages, CSV or Parquet, and past logs
imported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from teachkit._records import Outcome
from teachkit._time import from_timestamp
from teachkit._validation import check_learner_id
from teachkit.errors import ValidationError
from teachkit.server._courses import Course
from teachkit.server._deps import (
    Admin,
    CourseName,
    IdempotencyKey,
    Svc,
    Who,
    json_response,
    problems,
)
from teachkit.server._metrics import OPS
from teachkit.server._models import EventsIn, EventsPage
from teachkit.storages._base import EventRows

router = APIRouter(prefix="/v1")

# -- the log ---------------------------------------------------------------------------------
_FORMATS = {"json", "csv", "parquet"}
_COLUMNS = ("seq", "learner", "task", "score", "success", "reward", "duration", "time",
            "assignment_id")  # fmt: skip


@router.get(
    "/courses/{course}/events",
    response_model=EventsPage,
    responses={
        200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}},
        **problems(401, 404, 406, 422, 429),
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
    if learner is not None:
        check_learner_id(learner)  # the core's rule: a clear 422, never a driver's error
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
    return json_response({"events": events, "next_after": next_after})


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


@router.post("/courses/{course}/events", responses=problems(401, 403, 404, 413, 422, 429))
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
    return json_response({"recorded": len(events), "ops": found.curriculum.ops})
