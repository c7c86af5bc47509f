"""BKT fit time, held-out AUC and prediction throughput: teachkit against pyBKT, same data,
one run.

Run it with an interpreter that has pyBKT (benchmark-only; the test suite never needs it),
from the repository root:

    PYTHONPATH=. nice -n 10 /work/main/.venv/bin/python benchmarks/learners/bkt_vs_pybkt.py

Two shapes of synthetic BKT data (``--shape long``, ``real`` or ``both``):

* ``long``: ``bkt_log``, 2,000 learners x 50 answers on 5 skills: few skills, long uniform
  sequences.
* ``real``: ``real_shaped_bkt_log``, shaped like ASSISTments 2009: ~230k answers, 2,900
  learners, 110 skills from ~70 to ~5,700 answers, 27,000 learner-skill sequences of
  median length 5 (11% of length 1, 90th percentile 19, longest ~260).

Both libraries fit standard BKT (no forgetting, one guess/slip per skill) with the same
number of random restarts and pyBKT's convergence rule on the same 80% of learners, and
predict the other 20% one step ahead; AUC is computed by the same function for both. Then
prediction throughput (``--predict``): both models, fitted on the ``real`` training part,
predict a log of ``--predict-rows`` answers by ~3,000 learners; rows per second. Prints
one JSON row per measurement.

pyBKT's C++ build is reported only when its compiled E-step (``pyBKT/fit/E_step*.so``)
is present; otherwise the row says "pure Python" (and the ``real`` shape is skipped for
it: it takes hours).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def _frame(part: Any) -> Any:
    import pandas as pd

    df = part.to_frame()
    return pd.DataFrame(
        {
            "order_id": np.arange(len(df)),
            "user_id": df["learner"],
            "skill_name": df["skills"],
            "correct": df["correct"].astype(int),
        }
    )


def _split(log: Any, seed: int) -> tuple[Any, Any]:
    order = np.random.default_rng(seed).permutation(log.n_learners)
    n_test = log.n_learners // 5
    return log.take_learners(np.sort(order[n_test:])), log.take_learners(np.sort(order[:n_test]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["long", "real", "both"], default="both")
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed fits per library (best is kept)"
    )
    parser.add_argument("--predict-rows", type=int, default=100_000)
    parser.add_argument("--no-predict", action="store_true")
    parser.add_argument("--no-numpy", action="store_true", help="skip the numpy engine")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).parent))
    from _pybkt_import import import_pybkt_model, patch_pure_python_build

    Model = import_pybkt_model()
    spec = importlib.util.find_spec("pyBKT.fit.E_step")
    cpp = spec is not None and str(spec.origin).endswith(".so")
    build = "C++" if cpp else "pure Python"
    if not cpp:
        patch_pure_python_build()

    from teachkit.data.synthetic import bkt_log, real_shaped_bkt_log
    from teachkit.evaluation import auc
    from teachkit.learners import BKT, _bkt_numba

    machine = f"{platform.machine()} {platform.processor() or ''}".strip()
    machine += f", {os.cpu_count()} cores (shared)"
    shapes = ["long", "real"] if args.shape == "both" else [args.shape]
    engines = ["numba", "numpy"] if _bkt_numba.available() else ["numpy"]
    if args.no_numpy and len(engines) > 1:
        engines = ["numba"]
    fitted: dict[str, Any] = {}
    for shape in shapes:
        if shape == "long":
            log, _ = bkt_log(n_learners=2000, n_skills=5, steps=50, seed=args.seed)
        else:
            log, _ = real_shaped_bkt_log(seed=args.seed)
        train, test = _split(log, args.seed)
        common = {
            "shape": shape,
            "rows": len(log),
            "learners": log.n_learners,
            "skills": len(log.space.skill_names),
            "restarts": args.restarts,
            "machine": machine,
        }
        train_df, test_df = _frame(train), _frame(test)
        if cpp or shape == "long":
            times = []
            for r in range(args.repeats):
                model = Model(seed=42 + r, num_fits=args.restarts, parallel=True)
                t0 = time.perf_counter()
                model.fit(data=train_df)
                times.append(time.perf_counter() - t0)
            out = model.predict(data=test_df)  # rows come back regrouped: use its own labels
            pred, y_pb = out["correct_predictions"].to_numpy(), out["correct"].to_numpy()
            row = {"library": f"pyBKT 1.4.3 ({build})", "fit_s": min(times), "auc": auc(y_pb, pred)}
            print(json.dumps(common | row), flush=True)
            fitted[f"pybkt-{shape}"] = model
        for engine in engines:
            BKT(restarts=1, max_iter=1, engine=engine).fit(test)  # compile (or load) the kernel
            times = []
            for r in range(args.repeats if engine == "numba" else 1):
                ours = BKT(restarts=args.restarts, engine=engine, seed=r)
                t0 = time.perf_counter()
                ours.fit(train)
                times.append(time.perf_counter() - t0)
            p = ours.predict_log(test)
            row = {
                "library": f"teachkit BKT ({engine})",
                "fit_s": min(times),
                "auc": auc(test.correct, p),
            }
            print(json.dumps(common | row), flush=True)
            fitted[f"teachkit-{shape}"] = ours
    if not args.no_predict:
        predict_throughput(args, fitted, machine)


def predict_throughput(args: argparse.Namespace, fitted: dict[str, Any], machine: str) -> None:
    """Rows per second of one-step-ahead prediction over a log of ~3,000 learners."""
    from teachkit.data.synthetic import real_shaped_bkt_log
    from teachkit.learners import BKT

    sys.path.insert(0, str(Path(__file__).parent))
    from _pybkt_import import import_pybkt_model

    # a fresh real-shaped log with ~3,000 learners, cut to the first predict_rows answers
    log, _ = real_shaped_bkt_log(n_learners=3000, n_sequences=11_700, seed=args.seed + 1)
    log = log.take_rows(np.arange(len(log)) < args.predict_rows)
    common = {"rows": len(log), "learners": log.n_learners, "machine": machine}
    ours = fitted.get("teachkit-real")
    if ours is None:
        train, _ = _split(real_shaped_bkt_log(seed=args.seed)[0], args.seed)
        ours = BKT(restarts=args.restarts, seed=0).fit(train)
    # the space must hold the predicted items: both logs use q{i} on s{i // 5}
    ours.predict_log(log)  # warm up
    best = min(_timed(lambda: ours.predict_log(log)) for _ in range(args.repeats))
    print(
        json.dumps(common | {"library": "teachkit BKT predict_log", "rows_per_s": len(log) / best})
    )
    model = fitted.get("pybkt-real")
    if model is None:
        Model = import_pybkt_model()
        model = Model(seed=42, num_fits=args.restarts, parallel=True)
        train, _ = _split(real_shaped_bkt_log(seed=args.seed)[0], args.seed)
        model.fit(data=_frame(train))
    df = _frame(log)
    best = min(_timed(lambda: model.predict(data=df)) for _ in range(args.repeats))
    print(json.dumps(common | {"library": "pyBKT 1.4.3 predict", "rows_per_s": len(log) / best}))


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
