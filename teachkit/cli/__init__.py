"""The ``teachkit`` command line: one entry point, one module per command.

Each command module defines ``register(subparsers)``, which adds its parser and sets
``func`` to the function that runs it. Modules import heavy dependencies inside that
function, so ``teachkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="teachkit",
        description="Decide what a learner practices next; learn from every outcome.",
    )
    parser.add_argument("--version", action="version", version=f"teachkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TeachkitError as exc:
        print(f"teachkit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
