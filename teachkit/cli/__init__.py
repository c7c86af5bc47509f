"""The ``teachkit`` command line: one entry point, one module per command.

Each command module defines ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it. Modules import heavy dependencies inside that
function, so ``teachkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from teachkit._version import __version__
from teachkit.errors import TeachkitError

COMMANDS = {
    "demo": "teachkit.cli._demo",
    "bench": "teachkit.cli._bench",
    "fit": "teachkit.cli._fit",
    "storage": "teachkit.cli._storage",
    "serve": "teachkit.cli._serve",
    "keys": "teachkit.cli._keys",
}
"""Command name -> module, in the order ``teachkit --help`` lists them."""


DEBUG_ENV = "TEACHKIT_DEBUG"
"""Set to 1 (or pass ``teachkit --debug``) to see the traceback of an unexpected error."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="teachkit",
        description="Decide what a learner practices next; learn from every outcome.",
    )
    parser.add_argument("--version", action="version", version=f"teachkit {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"show the traceback of an unexpected error (or set {DEBUG_ENV}=1)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one paragraph on stderr and a non-zero status.

    Status 2: the input was rejected (a :class:`~teachkit.errors.TeachkitError`); 1: the
    operating system refused (a file, a folder, the network); 70: an unexpected error,
    which is a bug (the message says how to see its traceback); 130: interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    where = f"teachkit {args.command}"
    try:
        if getattr(args, "out", None) is not None:  # every command's --out, before any work
            from teachkit.cli._paths import check_out_dir

            check_out_dir(args.out)
        return int(args.func(args) or 0)
    except TeachkitError as exc:
        print(f"{where}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        if debug:
            raise
        what = exc.strerror or _one_line(exc)
        name = f"{exc.filename}: " if exc.filename else ""
        print(f"{where}: error: {name}{what}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        print(
            f"{where}: internal error: {type(exc).__name__}: {_one_line(exc)}. This is a bug in "
            "teachkit, not in your input; please report it with the command you ran. Run "
            f"it again with {DEBUG_ENV}=1 (or teachkit --debug {args.command} ...) to see "
            "the traceback.",
            file=sys.stderr,
        )
        return 70


def _one_line(exc: BaseException, limit: int = 500) -> str:
    """An exception's message on one line, cut to ``limit`` characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
