"""The outer layer of every request: a body size limit, metrics and timing (pure ASGI, so
it costs microseconds)."""

from __future__ import annotations

import time
from typing import Any

from teachkit.server._metrics import LATENCY, REQUESTS
from teachkit.server._problems import MEDIA_TYPE, problem_body

_BATCH_PATHS = ("/events", "/xapi/statements")


class Guard:
    """Refuses bodies over the limit (413) before the app sees them, and counts every
    request by route template, method and status in the Prometheus metrics."""

    def __init__(self, app: Any, max_body: int, max_batch_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_batch_body = max_batch_body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def counting_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            if scope["method"] in ("POST", "PUT", "PATCH"):
                limit = (
                    self.max_batch_body if scope["path"].endswith(_BATCH_PATHS) else self.max_body
                )
                body = await _read_body(scope, receive, limit)
                if body is None:
                    await _too_large(counting_send, limit)
                    return
                receive = _replay(body, receive)
            await self.app(scope, receive, counting_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            REQUESTS.labels(template, scope["method"], str(status[0])).inc()
            LATENCY.labels(template).observe(time.perf_counter() - start)


async def _read_body(scope: Any, receive: Any, limit: int) -> bytes | None:
    """The whole body, or None when it is longer than ``limit``."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                if int(value) > limit:
                    return None
            except ValueError:
                pass
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, original: Any) -> Any:
    """A receive that hands over the body read already, then waits like the original."""
    sent = False

    async def receive() -> Any:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _too_large(send: Any, limit: int) -> None:
    body = problem_body(
        413,
        "body-too-large",
        "The request body is too large",
        f"request bodies may be at most {limit} bytes here; send smaller batches",
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
