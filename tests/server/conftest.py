"""A service on a fresh SQLite file, its test client and keys of two tenants."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from teachkit.server._app import create_app
from teachkit.server._demo import demo_definition
from teachkit.server._service import Service, Settings


@dataclass
class Api:
    """A test client with the keys of tenants ``acme`` (admin and plain) and ``other``."""

    client: TestClient
    service: Service
    admin: str
    plain: str
    other: str

    def call(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return self.client.request(method, path, headers=headers, **kwargs)


def make_api(path: Path, **settings: Any) -> Api:
    service = Service(Settings(storage=f"sqlite:///{path}", **settings))
    app = create_app(service=service)
    keys = service.keys
    return Api(
        TestClient(app),
        service,
        admin=keys.create("acme", admin=True),
        plain=keys.create("acme"),
        other=keys.create("other", admin=True),
    )


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    made = make_api(tmp_path / "service.db", rate_limit=0)
    yield made
    made.client.close()
    made.service.close()


@pytest.fixture
def demo(api: Api) -> Api:
    """The API with the demo course created for tenant acme."""
    response = api.call("POST", "/v1/courses", api.admin, json=demo_definition())
    assert response.status_code == 201, response.text
    return api


@dataclass
class Live:
    """A real server on a loopback port, in a thread of the test process."""

    url: str
    api: Api


@pytest.fixture
def live(demo: Api) -> Iterator[Live]:
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(demo.client.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", demo)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
