"""schemathesis generates requests from the OpenAPI schema: none may get a 5xx answer.

Bounded: a fixed number of examples per operation (and derandomized, so a run is
repeatable), with a valid admin key on every request so the generated bodies and
parameters reach the handlers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from teachkit.server._app import create_app  # noqa: E402
from teachkit.server._demo import demo_definition  # noqa: E402
from teachkit.server._service import Service, Settings  # noqa: E402

EXAMPLES = int(os.environ.get("TEACHKIT_SCHEMATHESIS_EXAMPLES", "25"))


def _app() -> tuple[object, str]:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="tk-schemathesis-")) / "s.db"
    service = Service(Settings(storage=f"sqlite:///{path}", rate_limit=0))
    key = service.keys.create("fuzz", admin=True)
    app = create_app(service=service)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        made = client.post(
            "/v1/courses", json=demo_definition(), headers={"Authorization": f"Bearer {key}"}
        )
        assert made.status_code == 201
        a = client.post(
            "/v1/courses/arithmetic/learners/ana/next", headers={"Authorization": f"Bearer {key}"}
        )
        assert a.status_code == 200
    return app, key


APP, KEY = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case: object) -> None:
    case.call_and_validate(  # type: ignore[attr-defined]
        headers={"Authorization": f"Bearer {KEY}"}, checks=[not_a_server_error]
    )
