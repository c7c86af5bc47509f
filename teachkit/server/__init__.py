"""teachkit as a service: an HTTP API (FastAPI) and web pages over curricula.

``teachkit serve`` runs it; :func:`create_app` builds the ASGI app for any ASGI server.
Needs ``pip install 'teachkit[server]'``. See ``docs/server.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from teachkit.errors import MissingDependencyError

if TYPE_CHECKING:
    from teachkit.server._app import create_app
    from teachkit.server._keys import Keys
    from teachkit.server._service import Settings

__all__ = ["Keys", "Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(name)
    try:
        from teachkit.server import _app, _keys, _service
    except ImportError as exc:
        raise MissingDependencyError(
            f"the teachkit service needs FastAPI, uvicorn and prometheus-client ({exc.name} is "
            "missing): pip install 'teachkit[server]'"
        ) from None
    return {"create_app": _app.create_app, "Keys": _keys.Keys, "Settings": _service.Settings}[name]
