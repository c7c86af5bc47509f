"""``teachkit bench``: run a benchmark suite and write its report."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bench",
        help="compare teachers on a simulator suite and write a report",
        description=(
            "Run teachers on simulated learners over paired seeds; write results "
            "(CSV, Parquet), summary.md, plots and a self-contained report.html."
        ),
    )
    parser.add_argument("--suite", help="a suite name (see --list) or a path to a .toml file")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    parser.add_argument(
        "--teachers",
        help="comma-separated teacher names (default: the suite's), e.g. uniform,oracle",
    )
    parser.add_argument("--seeds", type=int, help="number of paired seeds (default: the suite's)")
    parser.add_argument("--steps", type=int, help="practice steps per run (default: the suite's)")
    parser.add_argument(
        "--out", help="output directory (default: bench-results/SUITE, as a safe folder name)"
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="MODULE",
        help="let the suite name classes from MODULE as 'MODULE:Class' (repeatable); "
        "without it only registered names are used, since importing a module runs its code",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from teachkit.benchmark import find_suite, list_suites, run_suite
    from teachkit.errors import ValidationError

    if args.list:
        suites = list_suites()
        if not suites:
            print("no suites found (looked in ./benchmarks/suites and $TEACHKIT_SUITES)")
        width = max((len(n) for n in suites), default=0)
        for name, path in suites.items():
            try:
                from teachkit.benchmark import load_suite

                s = load_suite(path, allow=args.allow)
                what = f"{s.simulator}, {len(s.teachers)} teachers, {len(s.seeds)} seeds, {s.steps} steps"
                if s.description:
                    what += f": {s.description}"
            except ValidationError as exc:
                what = f"invalid: {exc}".splitlines()[0]
            print(f"{name:{width}s}  {what}")
        return 0
    if not args.suite:
        raise ValidationError(
            "bench", ["--suite: expected a suite name or file (or --list), got none"]
        )
    from teachkit.cli._paths import check_out_dir

    if args.out is not None:
        check_out_dir(args.out)
    teachers = None
    if args.teachers is not None:
        teachers = [t.strip() for t in args.teachers.split(",") if t.strip()]
    suite = find_suite(args.suite, allow=args.allow).with_overrides(
        teachers=teachers, seeds=args.seeds, steps=args.steps
    )
    out = check_out_dir(args.out if args.out is not None else suite.out_dir())
    command = "teachkit " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv else ""
    result = run_suite(suite, out, progress=not args.no_progress, command=command)
    print(result.markdown)
    print(f"report: {result.paths['report']}")
    print(f"results: {result.paths['results_csv']}, {result.paths['results_parquet']}")
    return 0
