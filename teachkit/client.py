"""A Python client of ``teachkit serve`` whose courses work like a :class:`Curriculum`.

Moving from an embedded curriculum to a remote one is one line::

    cur = tk.Curriculum.load("sqlite:///run.db", "maths")            # embedded
    cur = Client("http://127.0.0.1:8000", api_key).course("maths")   # remote

    a = cur.ask("ana")
    cur.tell(a, tk.Outcome(success=True))
    cur.peek("ana"), cur.mastery("ana")

Every ask and tell carries an ``Idempotency-Key``; the client retries lost connections,
``429`` (after ``Retry-After``) and ``502``-``504`` with the same key, so a retry never
hands out or records anything twice. Needs ``httpx`` (``pip install 'teachkit[server]'``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from teachkit._records import Assignment, Event, Outcome, Task
from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    CurriculumNotFoundError,
    MissingDependencyError,
    TeachkitError,
    UnknownAssignmentError,
    ValidationError,
)

_RETRY_STATUS = {429, 502, 503, 504}


class RemoteError(TeachkitError):
    """The service refused a request for a reason the library has no error for (a missing
    or revoked key, a missing permission, the rate limit after retries).

    Attributes:
        status: the HTTP status code.
        problem: the problem+json body.
    """

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")


@dataclass(frozen=True)
class RemoteAssignment(Assignment):
    """An Assignment handed out by the service, with the item's content and its id in the
    API (``"<course>-<id>"``)."""

    content: dict[str, Any] | None = None
    api_id: str = ""


class Client:
    """The service at ``url``, as the tenant of ``api_key``.

    Args:
        url: e.g. ``"http://127.0.0.1:8000"``.
        api_key: a key from ``teachkit serve`` or ``teachkit keys create``.
        timeout: seconds per request.
        retries: how many times to retry a request that may not have got through.
    """

    def __init__(self, url: str, api_key: str, *, timeout: float = 10.0, retries: int = 3) -> None:
        try:
            import httpx
        except ImportError:
            raise MissingDependencyError(
                "teachkit.client needs httpx: pip install 'teachkit[server]'"
            ) from None
        self.url = url.rstrip("/")
        self.retries = retries
        self._http = httpx.Client(
            base_url=self.url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key}"},
        )
        self._transport_errors: tuple[type[Exception], ...] = (httpx.TransportError,)

    def course(self, name: str) -> RemoteCourse:
        """A course of this tenant, used like a Curriculum."""
        return RemoteCourse(self, name)

    def create_course(self, definition: dict[str, Any]) -> RemoteCourse:
        """Create a course (``POST /v1/courses``; an admin key) or find the identical one."""
        self.request("POST", "/v1/courses", json=definition)
        return self.course(str(definition["name"]))

    def courses(self) -> list[str]:
        """The tenant's course names."""
        return [c["name"] for c in self.request("GET", "/v1/courses")["courses"]]

    def request(
        self, method: str, path: str, *, idempotency_key: str | None = None, **kw: Any
    ) -> Any:
        """One API call with retries; returns the decoded JSON, raises teachkit errors."""
        headers = {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._http.request(method, path, headers=headers, **kw)
            except self._transport_errors:
                if last or (method != "GET" and idempotency_key is None):
                    raise
                time.sleep(min(2.0, 0.1 * 2**attempt))
                continue
            if response.status_code in _RETRY_STATUS and not last:
                wait = response.headers.get("Retry-After")
                time.sleep(float(wait) if wait and wait.isdigit() else min(2.0, 0.1 * 2**attempt))
                continue
            if response.status_code >= 400:
                raise _error(response.status_code, _json(response))
            return response.json()
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteCourse:
    """A course of the service, with the methods of :class:`~teachkit.Curriculum` that make
    sense over HTTP: ``ask``, ``tell``, ``peek``, ``mastery``, ``due_reviews``, ``record``."""

    def __init__(self, client: Client, name: str) -> None:
        self.client = client
        self.name = name
        self._base = f"/v1/courses/{name}"

    def ask(self, learner_id: str, *, request_id: str | None = None) -> RemoteAssignment:
        """Hand ``learner_id`` one task chosen by the course's teacher."""
        data = self.client.request(
            "POST",
            f"{self._base}/learners/{learner_id}/next",
            idempotency_key=request_id or str(uuid.uuid4()),
        )
        api_id = data["assignment_id"]
        expires = data.get("lease_expires")
        now = datetime.now().astimezone()
        return RemoteAssignment(
            id=int(api_id.rsplit("-", 1)[1]),
            learner_id=data["learner"],
            task=data["task"],
            created=now,
            expires=None if expires is None else datetime.fromisoformat(expires),
            curriculum=self.name,
            content=data.get("content"),
            api_id=api_id,
        )

    def tell(
        self, assignment: Assignment | str, outcome: Outcome, *, request_id: str | None = None
    ) -> Event:
        """Record an assignment's outcome (the assignment, or its ``api_id``)."""
        if isinstance(assignment, RemoteAssignment):
            api_id = assignment.api_id
        elif isinstance(assignment, str):
            api_id = assignment
        else:
            raise ValidationError(
                "tell",
                [
                    "expected an assignment from RemoteCourse.ask or its api_id string, got "
                    f"{type(assignment).__name__}"
                ],
            )
        body = {
            k: v
            for k, v in {
                "score": outcome.score,
                "success": outcome.success,
                "duration": outcome.duration,
                "time": None if outcome.time is None else outcome.time.isoformat(),
            }.items()
            if v is not None
        }
        data = self.client.request(
            "POST",
            f"/v1/assignments/{api_id}/outcome",
            json=body,
            idempotency_key=request_id or str(uuid.uuid4()),
        )
        told = Outcome(score=data["score"], success=data["success"], duration=data["duration"])
        return Event(
            data["learner"],
            data["task"],
            told,
            datetime.fromisoformat(data["time"]),
            int(api_id.rsplit("-", 1)[1]),
        )

    def peek(self, learner_id: str, n: int = 1) -> list[Task]:
        """What ``ask`` would hand out now, without handing anything out."""
        data = self.client.request(
            "GET", f"{self._base}/learners/{learner_id}/next", params={"peek": "true", "n": n}
        )
        return [t["task"] for t in data["tasks"]]

    def learner(self, learner_id: str) -> dict[str, Any]:
        """Mastery, reviews due and counts of a learner (``GET .../learners/{id}``)."""
        result: dict[str, Any] = self.client.request("GET", f"{self._base}/learners/{learner_id}")
        return result

    def mastery(self, learner_id: str) -> dict[str, float] | None:
        """How well the teacher believes the learner knows each skill."""
        mastery: dict[str, float] | None = self.learner(learner_id)["mastery"]
        return mastery

    def due_reviews(self, learner_id: str) -> list[str]:
        """Skills the teacher would have the learner review now."""
        due: list[str] = self.learner(learner_id)["due_reviews"]
        return due

    def record(
        self, learner_id: str, task: str, outcome: Outcome, *, request_id: str | None = None
    ) -> int:
        """Record an outcome on a task the course did not assign (an admin key)."""
        event: dict[str, Any] = {"learner": learner_id, "task": task}
        for name in ("score", "success", "duration"):
            if getattr(outcome, name) is not None:
                event[name] = getattr(outcome, name)
        if outcome.time is not None:
            event["time"] = outcome.time.isoformat()
        data = self.client.request(
            "POST",
            f"{self._base}/events",
            json={"events": [event]},
            idempotency_key=request_id or str(uuid.uuid4()),
        )
        return int(data["recorded"])

    def events(self, after: int = 0, limit: int = 1000) -> dict[str, Any]:
        """One page of told outcomes (``{"events": [...], "next_after": seq}``)."""
        page: dict[str, Any] = self.client.request(
            "GET", f"{self._base}/events", params={"after": after, "limit": limit}
        )
        return page

    def __repr__(self) -> str:
        return f"RemoteCourse({self.name!r} at {self.client.url})"


def _json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "detail": response.text[:200]}
    return data if isinstance(data, dict) else {"detail": str(data)}


def _error(status: int, problem: dict[str, Any]) -> TeachkitError:
    """The library's error for a problem, so code written for Curriculum keeps working."""
    kind = str(problem.get("type", "")).rsplit(":", 1)[-1]
    detail = str(problem.get("detail", ""))
    if status == 422:
        return ValidationError("service", problem.get("problems") or [detail])
    if kind == "unknown-assignment":
        return UnknownAssignmentError(detail)
    if kind == "not-found":
        return CurriculumNotFoundError(detail)
    if kind == "assignment-finished":
        return AssignmentFinishedError(detail)
    if kind == "exists":
        return CurriculumExistsError(detail)
    return RemoteError(status, problem)
