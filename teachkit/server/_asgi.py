"""The app uvicorn workers build: ``teachkit serve`` passes its settings in the
environment (``TEACHKIT_SERVER_SETTINGS``, JSON), so every worker process opens its own
storage connections."""

from __future__ import annotations

import json
import os
from typing import Any

from teachkit.server._service import Settings

ENV = "TEACHKIT_SERVER_SETTINGS"


def settings_to_env(settings: Settings) -> str:
    """The settings as the JSON a worker reads."""
    data = dict(settings.__dict__)
    data["cors_origins"] = list(settings.cors_origins)
    return json.dumps(data)


def app() -> Any:
    """The ASGI app of one worker (a uvicorn factory)."""
    from teachkit.server._app import create_app

    data = json.loads(os.environ.get(ENV, "{}"))
    data["cors_origins"] = tuple(data.get("cors_origins", ()))
    return create_app(Settings(**data))
