"""``teachkit fit``: fit a learner model to a log, evaluate it, save it and plot calibration."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

MEMORY = "memory"


def register(sub: Any) -> None:
    from teachkit.registry import LEARNER_MODELS

    parser = sub.add_parser(
        "fit",
        help="fit a learner model to an interaction log (and evaluate it)",
        description=(
            "Fit a learner model to a log, print its metrics, write a calibration plot and "
            "the fitted model. With --eval, knowledge-tracing models are scored with pyKT's "
            "protocol (80/20 learner split, 5 folds) and the memory model with a "
            "time-ordered split; without it, the metrics are in-sample."
        ),
    )
    parser.add_argument(
        "--data", required=True, help="the log: CSV, Parquet, pyKT, DKT or review log"
    )
    parser.add_argument(
        "--model", required=True, choices=sorted(LEARNER_MODELS), help="which model"
    )
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", "long", "pykt", "dkt", "pybkt", "review"],
        help="the log's format (default: guess from the file)",
    )
    parser.add_argument("--eval", action="store_true", help="evaluate with the standard protocol")
    parser.add_argument(
        "--out", default="fit-out", help="where to write the model, plot and metrics"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds the model (the pyKT split uses 1024)"
    )
    parser.add_argument("--folds", type=int, default=5, help="folds of the pyKT protocol")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (dkt, sakt)")
    parser.add_argument(
        "--unsorted", choices=["error", "sort"], default=None, help="times going backwards"
    )
    parser.add_argument(
        "--duplicates", choices=["error", "drop", "keep"], default=None, help="repeated rows"
    )
    parser.set_defaults(func=run)


def build_model(name: str, log: Any, args: argparse.Namespace) -> Any:
    """The model named ``name`` with options that suit ``log`` and the command line."""
    import numpy as np

    from teachkit.registry import learner_model_class

    cls = learner_model_class(name)
    kwargs: dict[str, Any] = {"seed": args.seed}
    if name == MEMORY:
        graded = not np.array_equal(log.score, log.correct)
        kwargs["grades"] = "four" if graded else "binary"
    if args.epochs is not None and name in ("dkt", "sakt"):
        kwargs["epochs"] = args.epochs
    return cls(**kwargs)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from teachkit.data import read_log
    from teachkit.evaluation import evaluate_memory, evaluate_pykt, plot_calibration, scores
    from teachkit.evaluation._protocols import Evaluation, review_gaps

    options = {k: v for k in ("unsorted", "duplicates") if (v := getattr(args, k)) is not None}
    log = read_log(args.data, format=args.format, **options)
    space = log.space
    print(
        f"{args.data}: {len(log)} answers by {log.n_learners} learners on {space.n} items, "
        f"{len(space.skill_names)} skills"
    )
    for note in log.notes:
        print(f"  note: {note}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = build_model(args.model, log, args)
    print(f"model: {model!r}")

    if args.eval:
        if args.model == MEMORY:
            ev = evaluate_memory(model, log, progress=True)
        else:
            ev = evaluate_pykt(model, log, folds=args.folds, progress=True)
        label = "held-out"
    print(f"fitting on all {len(log)} answers ...")
    model.fit(log, progress=True)
    if not args.eval:
        p = model.predict_log(log)
        if args.model == MEMORY:  # score what the memory protocol scores
            gap = review_gaps(log)
            keep = np.isfinite(gap) & (gap >= model.min_interval_days)
        else:
            keep = log.position > 0
        ev = Evaluation("in-sample", ("auc", "accuracy", "rmse", "log_loss"))
        ev.y, ev.p = log.correct[keep], p[keep]
        ev.folds.append(scores(ev.y, ev.p) | {"n": float(keep.sum())})
        label = "in-sample"
    print(ev.table(args.model))
    model_path = model.save(out / f"{args.model}.tkmodel")
    plot = plot_calibration(
        {args.model: (ev.y, ev.p)},
        out / "calibration.png",
        title=f"{args.model}: calibration ({label})",
    )
    (out / "metrics.json").write_text(json.dumps(ev.to_dict(), indent=2))
    print(f"wrote {model_path}, {plot} and {out / 'metrics.json'}")
    return 0
