"""``teachkit serve``: the HTTP API and web pages (needs ``teachkit[server]``)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from typing import Any

DEFAULT_STORAGE = "sqlite:///teachkit.db"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve curricula over HTTP, with web pages (no arguments: ./teachkit.db, a demo "
        "course and a fresh admin key)",
    )
    parser.add_argument(
        "--storage",
        default=None,
        help=f"SQL storage URL (default {DEFAULT_STORAGE}); several servers may share one "
        "PostgreSQL database",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=100.0,
        help="requests per second per API key over the whole server (0: no limit)",
    )
    parser.add_argument("--burst", type=int, default=None, help="requests a key may send at once")
    parser.add_argument("--max-body", type=int, default=1 << 20, help="largest body (bytes)")
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browser calls from this origin (repeat for more; none by default)",
    )
    parser.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create the demo course (default: only with the default storage)",
    )
    parser.add_argument(
        "--new-key",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print a fresh admin key, revoking the one the previous start printed "
        "(default: only with the default storage)",
    )
    parser.add_argument("--tenant", default="default", help="tenant of the demo course and key")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from teachkit.server._asgi import ENV, settings_to_env
        from teachkit.server._service import Settings
        from teachkit.server._setup import prepare
    except ImportError as exc:
        from teachkit.errors import MissingDependencyError

        raise MissingDependencyError(
            f"teachkit serve needs {exc.name}: pip install 'teachkit[server]'"
        ) from None
    default = args.storage is None
    url = DEFAULT_STORAGE if default else args.storage
    settings = Settings(
        storage=url,
        rate_limit=args.rate_limit,
        burst=args.burst,
        max_body=args.max_body,
        cors_origins=tuple(args.cors_origin),
        workers=args.workers,
    )
    ready = prepare(
        url,
        demo=default if args.demo is None else args.demo,
        new_key=default if args.new_key is None else args.new_key,
        tenant=args.tenant,
    )
    base = f"http://{args.host}:{args.port}"
    print(f"teachkit serving {base} with {args.workers} worker(s); storage {url}")
    if ready.demo:
        print(f"  practice the demo course: {base}/practice?course={ready.demo}")
        print(f"  its dashboard:            {base}/dashboard/{ready.demo}")
    print(f"  API: {base}/v1 (reference {base}/docs, OpenAPI {base}/openapi.json)")
    if ready.key:
        print(f"  admin key of tenant {ready.tenant!r} (valid until the next start):")
        print(ready.key, flush=True)
    else:
        print("  API keys: teachkit keys create --tenant NAME [--admin] --storage URL", flush=True)
    os.environ[ENV] = settings_to_env(settings)
    metrics_dir = None
    if args.workers > 1:
        metrics_dir = tempfile.mkdtemp(prefix="teachkit-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "teachkit.server._asgi:app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=args.access_log,
            log_level="warning",
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0
