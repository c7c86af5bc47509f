"""Errors as ``application/problem+json`` (RFC 9457), with the library's own words.

Every error teachkit raises says what was expected, what arrived and how to fix it; the
service sends that text as the problem's ``detail`` (and a ValidationError's lines as
``problems``), under the status code that fits the error's class.
"""

from __future__ import annotations

import json
from typing import Any

from teachkit.errors import (
    AssignmentFinishedError,
    CurriculumExistsError,
    CurriculumNotFoundError,
    MissingDependencyError,
    SchemaVersionError,
    StorageError,
    TeachkitError,
    UnknownAssignmentError,
    ValidationError,
)

MEDIA_TYPE = "application/problem+json"

# error class -> (status, slug, title); the first match in this order wins
STATUS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (ValidationError, 422, "validation-error", "The request was not valid"),
    (CurriculumNotFoundError, 404, "not-found", "Not found"),
    (UnknownAssignmentError, 404, "unknown-assignment", "Unknown assignment"),
    (CurriculumExistsError, 409, "exists", "It exists with another definition"),
    (AssignmentFinishedError, 409, "assignment-finished", "The assignment was already told"),
    (MissingDependencyError, 406, "missing-dependency", "Not available on this server"),
    (SchemaVersionError, 503, "schema-version", "The database needs attention"),
    (StorageError, 503, "storage-unavailable", "The storage is not available"),
    (TeachkitError, 400, "teachkit-error", "The request could not be done"),
)


class HTTPProblem(Exception):
    """A problem raised by the service itself (authentication, limits, routing)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def problem_body(
    status: int, slug: str, title: str, detail: str, problems: list[str] | None = None
) -> bytes:
    """The JSON of a problem."""
    body: dict[str, Any] = {
        "type": f"urn:teachkit:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if problems is not None:
        body["problems"] = problems
    return json.dumps(body).encode()


def from_error(exc: TeachkitError) -> tuple[int, bytes]:
    """``(status, body)`` for a library error."""
    for cls, status, slug, title in STATUS:
        if isinstance(exc, cls):
            problems = exc.problems if isinstance(exc, ValidationError) else None
            return status, problem_body(status, slug, title, str(exc), problems)
    raise AssertionError("TeachkitError is the last entry")  # pragma: no cover
