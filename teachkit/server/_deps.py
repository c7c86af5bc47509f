"""What the API's routes share: the service, who is asking, path and header parameters,
and how answers and errors are documented."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from teachkit._validation import MAX_LENGTH
from teachkit.server._keys import Principal
from teachkit.server._models import NAME_PATTERN, Problem
from teachkit.server._problems import HTTPProblem
from teachkit.server._service import Service

_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer tk_...`")


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"model": Problem, "content": {"application/problem+json": {}}} for c in codes}


COMMON = problems(401, 404, 422, 429)


async def service(request: Request) -> Service:
    """The service of this process."""
    found: Service = request.app.state.service
    return found


Svc = Annotated[Service, Depends(service)]


async def principal(
    svc: Svc, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """Who the request acts for: its API key's tenant (401 without a valid key, 429 over
    the key's rate). It runs on the event loop, not in a thread: a verified key is cached,
    so the database is asked about a key at most every ``key_cache_seconds``."""
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


async def admin(who: Who) -> Principal:
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
Learner = Annotated[
    str, Path(min_length=1, max_length=MAX_LENGTH["learner_id"], description="the learner's id")
]  # the characters are checked by the core (a clear 422 problem, like every ValidationError)
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


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
