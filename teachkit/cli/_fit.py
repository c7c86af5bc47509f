"""``teachkit fit``: fit learner models to a log, evaluate them, save them, plot calibration."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

MEMORY = "memory"
COLUMNS = ("learner", "item", "skills", "correct", "time")


def model_specs(text: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Parse ``--model``: comma-separated registry names, each optionally followed by
    ``:key=value`` hyperparameters (values read as JSON when they parse, else as text):
    ``bkt,irt:model=3pl,dkt:epochs=5``. Returns ``(label, name, options)`` per model.

    Any name in :data:`teachkit.registry.LEARNER_MODELS` works, including models
    registered after this command was written.
    """
    from teachkit._validation import did_you_mean
    from teachkit.registry import LEARNER_MODELS

    out = []
    for raw in text.split(","):
        label = raw.strip()
        if not label:
            continue
        name, *opts = label.split(":")
        name = name.strip().lower()
        if name not in LEARNER_MODELS:
            raise argparse.ArgumentTypeError(
                f"unknown model {name!r}{did_you_mean(name, LEARNER_MODELS)}; "
                f"expected one of {', '.join(sorted(LEARNER_MODELS))}"
            )
        options: dict[str, Any] = {}
        for opt in opts:
            key, sep, value = opt.partition("=")
            if not sep or not key.strip():
                raise argparse.ArgumentTypeError(
                    f"model option {opt!r} in {label!r}: expected key=value, e.g. irt:model=3pl"
                )
            try:
                options[key.strip()] = json.loads(value)
            except json.JSONDecodeError:
                options[key.strip()] = value
        out.append((label, name, options))
    if not out:
        raise argparse.ArgumentTypeError("expected at least one model name, e.g. bkt,dkt")
    return out


def register(sub: Any) -> None:
    import textwrap

    from teachkit.registry import LEARNER_MODELS

    parser = sub.add_parser(
        "fit",
        help="fit learner models to an interaction log (and evaluate them)",
        description=textwrap.fill(
            "Fit one or more learner models to a log, print their metrics, write a "
            "calibration plot, the fitted models and metrics.json. With --test, each model "
            "is fitted on --data and scored one step ahead on --test (a given split; test "
            "learners also in --data are predicted with their training rows as history). "
            "With --eval, knowledge-tracing models are scored with pyKT's protocol (80/20 "
            "learner split, 5 folds) and the memory model with a time-ordered split; "
            "without either, the metrics are in-sample.",
            width=88,
        ),
        epilog=(
            "examples:\n"
            "  teachkit fit --data train.csv --test test.csv --model bkt,irt:model=3pl,dkt\n"
            "  teachkit fit --data log.csv --learner-col user_id --item-col problem_id "
            "--skills-col skill_name --model bkt --eval"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data", required=True, help="the (training) log: CSV, Parquet, pyKT, DKT or review log"
    )
    parser.add_argument("--test", default=None, help="a held-out log to score on (same format)")
    parser.add_argument(
        "--model",
        required=True,
        type=model_specs,
        help=(
            "comma-separated models, each NAME[:key=value...] "
            f"(names: {', '.join(sorted(LEARNER_MODELS))}); e.g. bkt,irt:model=3pl"
        ),
    )
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", "long", "pykt", "dkt", "pybkt", "review"],
        help="the log's format (default: guess from the file)",
    )
    for role in COLUMNS:
        parser.add_argument(
            f"--{role}-col",
            default=None,
            metavar="NAME",
            help=f"the {role} column of a long CSV/Parquet file",
        )
    parser.add_argument("--eval", action="store_true", help="evaluate with the standard protocol")
    parser.add_argument(
        "--score-first",
        action="store_true",
        help="with --test: also score each learner's first answer (pyKT does not)",
    )
    parser.add_argument(
        "--out", default="fit-out", help="where to write the models, plot and metrics"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the models (the pyKT split uses 1024)"
    )
    parser.add_argument("--folds", type=int, default=5, help="folds of the pyKT protocol")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (neural models)")
    parser.add_argument(
        "--unsorted", choices=["error", "sort"], default=None, help="times going backwards"
    )
    parser.add_argument(
        "--duplicates", choices=["error", "drop", "keep"], default=None, help="repeated rows"
    )
    parser.set_defaults(func=run)


def build_model(name: str, log: Any, args: argparse.Namespace, options: Any = None) -> Any:
    """The model named ``name`` with options that suit ``log`` and the command line
    (``options`` from ``--model name:key=value`` win)."""
    import inspect

    import numpy as np

    from teachkit.errors import ValidationError
    from teachkit.registry import learner_model_class

    cls = learner_model_class(name)
    accepted = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = {"seed": args.seed}
    if name == MEMORY:
        graded = not np.array_equal(log.score, log.correct)
        kwargs["grades"] = "four" if graded else "binary"
    if args.epochs is not None and "epochs" in accepted:
        kwargs["epochs"] = args.epochs
    options = dict(options or {})
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    unknown = [] if open_ended else [k for k in options if k not in accepted or k == "self"]
    if unknown:
        known = sorted(k for k in accepted if k not in ("self", "space"))
        raise ValidationError(
            "--model", [f"{name} has no option {', '.join(map(repr, unknown))}; it has {known}"]
        )
    return cls(**(kwargs | options))


def _read(path: str, args: argparse.Namespace) -> Any:
    from teachkit.data import read_log

    options: dict[str, Any] = {
        k: v for k in ("unsorted", "duplicates") if (v := getattr(args, k)) is not None
    }
    columns = {role: getattr(args, f"{role}_col") for role in COLUMNS}
    fmt = args.format
    if any(v is not None for v in columns.values()):
        if fmt == "auto":
            fmt = "long"
        if fmt != "long":
            from teachkit.errors import ValidationError

            raise ValidationError(
                "--format",
                [f"the --*-col options map the columns of a long file, got --format {fmt}"],
            )
        for role, col in columns.items():
            if col is not None:
                options[role] = col
    return read_log(path, format=fmt, **options)


def _describe(path: str, log: Any) -> dict[str, Any]:
    import hashlib

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return {
        "path": str(Path(path).resolve()),
        "sha256": digest,
        "answers": len(log),
        "learners": log.n_learners,
        "items": log.space.n,
        "skills": len(log.space.skill_names),
    }


def versions() -> dict[str, str]:
    """Versions of Python, teachkit and the numeric packages a fit may use."""
    import importlib.metadata
    import platform

    from teachkit._version import __version__

    out = {"python": platform.python_version(), "teachkit": __version__}
    for pkg in ("numpy", "scipy", "numba", "torch", "pandas"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            continue
    out["platform"] = platform.platform()
    return out


def _filename(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from teachkit.evaluation import (
        comparison_table,
        evaluate_memory,
        evaluate_pykt,
        evaluate_split,
        plot_calibration,
        scores,
    )
    from teachkit.evaluation._protocols import Evaluation, merge_spaces, review_gaps

    progress = sys.stderr.isatty()  # no progress bars in a redirected log
    log = _read(args.data, args)
    print(
        f"{args.data}: {len(log)} answers by {log.n_learners} learners on {log.space.n} items, "
        f"{len(log.space.skill_names)} skills"
    )
    for note in log.notes:
        print(f"  note: {note}")
    test = None
    if args.test is not None:
        test = _read(args.test, args)
        print(f"{args.test}: {len(test)} answers by {test.n_learners} learners (held out)")
        log, test = merge_spaces(log, test)
    # every model is built (its options checked) before anything is written
    built = [
        (label, name, build_model(name, log, args, options)) for label, name, options in args.model
    ]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Evaluation] = {}
    models: dict[str, Any] = {}
    for label, name, model in built:
        print(f"model: {model!r}")
        if test is not None:
            ev = evaluate_split(model, log, test, score_first=args.score_first, progress=progress)
            fitted = ev.model
        else:
            if args.eval:
                if name == MEMORY:
                    ev = evaluate_memory(model, log, progress=progress)
                else:
                    ev = evaluate_pykt(model, log, folds=args.folds, progress=progress)
            print(f"fitting on all {len(log)} answers ...")
            t0 = time.perf_counter()
            model.fit(log, progress=progress)
            fit_s = time.perf_counter() - t0
            fitted = model
            if not args.eval:
                p = model.predict_log(log)
                if name == MEMORY:  # score what the memory protocol scores
                    gap = review_gaps(log)
                    keep = np.isfinite(gap) & (gap >= model.min_interval_days)
                else:
                    keep = log.position > 0
                ev = Evaluation("in-sample", ("auc", "accuracy", "rmse", "log_loss"))
                ev.y, ev.p = log.correct[keep], p[keep]
                ev.folds.append(scores(ev.y, ev.p) | {"n": float(keep.sum())})
                ev.fit_s.append(fit_s)
        print(ev.table(label))
        results[label] = ev
        models[label] = fitted
    if len(results) > 1:
        print()
        print(comparison_table(results))
    paths = [fitted.save(out / f"{_filename(label)}.tkmodel") for label, fitted in models.items()]
    protocol = next(iter(results.values())).protocol
    plot = plot_calibration(
        {label: (ev.y, ev.p) for label, ev in results.items()},
        out / "calibration.png",
        title=f"{', '.join(results)}: calibration ({protocol})",
    )
    metrics: dict[str, Any] = {
        "argv": sys.argv,
        "protocol": protocol,
        "seed": args.seed,
        "data": _describe(args.data, log),
        "test": None if args.test is None else _describe(args.test, test),
        "versions": versions(),
        "models": {
            label: {
                "config": models[label].to_config(),
                **ev.to_dict(),
            }
            for label, ev in results.items()
        },
    }
    if len(results) == 1:  # one model: its evaluation at the top level too
        metrics |= next(iter(results.values())).to_dict()
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    print(f"wrote {', '.join(map(str, paths))}, {plot} and {out / 'metrics.json'}")
    return 0
