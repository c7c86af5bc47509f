"""The FastAPI application: the ``/v1`` API, health and metrics, and the web pages."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from teachkit._version import __version__
from teachkit.errors import TeachkitError
from teachkit.server import _api, _events, _pages
from teachkit.server._metrics import exposition
from teachkit.server._middleware import Guard
from teachkit.server._problems import MEDIA_TYPE, HTTPProblem, from_error, problem_body
from teachkit.server._service import Service, Settings

log = logging.getLogger("teachkit.server")

DESCRIPTION = """Teaching as a service: a course's teacher decides what each learner
practises next (`POST .../next`), learns from every outcome (`POST /v1/assignments/{id}/outcome`)
and keeps all of it in a durable, replayable log. Authenticate with an API key of your
tenant: `Authorization: Bearer tk_...` (`teachkit keys create --tenant NAME`). Errors are
`application/problem+json` with the library's explanation in `detail`."""


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    """The service as an ASGI app (``uvicorn`` serves it; ``teachkit serve`` does both).

    Args:
        settings: how to run (storage URL, limits, CORS); ignored when ``service`` is given.
        service: an already opened service (tests).
    """
    svc = service if service is not None else Service(settings or Settings())
    app = FastAPI(
        title="teachkit",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = svc
    app.include_router(_api.router)
    app.include_router(_events.router)
    app.include_router(_pages.router)
    _pages.mount_static(app)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "not ready"}})
    def readyz() -> dict[str, Any]:
        """The storage answers."""
        return svc.ready()

    @app.get("/metrics", tags=["operations"], response_class=Response)
    def metrics() -> Response:
        """Prometheus metrics (text exposition format)."""
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    _handlers(app)
    settings = svc.settings
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PATCH"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(Guard, max_body=settings.max_body, max_batch_body=settings.max_import_body)
    return app


def _problem(status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(TeachkitError)
    async def teachkit_error(_: Request, exc: TeachkitError) -> Response:
        status, body = from_error(exc)
        if status >= 500:
            log.error("teachkit error: %s", exc)
        return _problem(status, body)

    @app.exception_handler(HTTPProblem)
    async def http_problem(_: Request, exc: HTTPProblem) -> Response:
        body = problem_body(exc.status, exc.slug, exc.title, exc.detail)
        return _problem(exc.status, body, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
            + (f", got {_short(e.get('input'))}" if "input" in e else "")
            for e in exc.errors()
        ]
        detail = "; ".join(problems) if len(problems) < 4 else f"{len(problems)} problems"
        body = problem_body(422, "validation-error", "The request was not valid", detail, problems)
        return _problem(422, body)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> Response:
        body = problem_body(exc.status_code, "http", str(exc.detail), str(exc.detail))
        return _problem(exc.status_code, body, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        log.exception("unexpected error", exc_info=exc)
        body = problem_body(
            500,
            "internal",
            "Internal error",
            f"{type(exc).__name__}: the server failed; nothing half-written was kept "
            "(the log is transactional). Please report it with the server's log.",
        )
        return _problem(500, body)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
