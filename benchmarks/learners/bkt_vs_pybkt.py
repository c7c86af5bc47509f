"""BKT fit time and held-out AUC: teachkit against pyBKT, on the same synthetic data, in one run.

Run it with an interpreter that has pyBKT (benchmark-only; the test suite never needs it),
from the repository root:

    PYTHONPATH=. /tmp/probe/bin/python benchmarks/learners/bkt_vs_pybkt.py      # pure Python
    PYTHONPATH=. /tmp/pybkt_cpp/bin/python benchmarks/learners/bkt_vs_pybkt.py  # C++ build

Both libraries fit standard BKT (no forgetting, one guess/slip per skill) with the same
number of random restarts on the same 80% of learners, and predict the other 20% one step
ahead; AUC is computed by the same function for both. Prints one JSON row per library.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--skills", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50, help="answers per learner")
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed fits per library (best is kept)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).parent))
    from _pybkt_import import import_pybkt_model, patch_pure_python_build

    Model = import_pybkt_model()
    spec = importlib.util.find_spec("pyBKT.fit.E_step")

    from teachkit.data.synthetic import bkt_log
    from teachkit.evaluation import auc
    from teachkit.learners import BKT, _bkt_numba

    log, _ = bkt_log(
        n_learners=args.learners, n_skills=args.skills, steps=args.steps, seed=args.seed
    )
    order = np.random.default_rng(args.seed).permutation(log.n_learners)
    n_test = log.n_learners // 5
    train = log.take_learners(np.sort(order[n_test:]))
    test = log.take_learners(np.sort(order[:n_test]))
    common = {
        "rows": len(log),
        "learners": log.n_learners,
        "skills": args.skills,
        "restarts": args.restarts,
    }
    common["machine"] = f"{platform.machine()} {platform.processor() or ''}".strip()

    def frame(part: object) -> pd.DataFrame:
        df = part.to_frame()  # type: ignore[attr-defined]
        return pd.DataFrame(
            {
                "order_id": np.arange(len(df)),
                "user_id": df["learner"],
                "skill_name": df["skills"],
                "correct": df["correct"].astype(int),
            }
        )

    train_df, test_df = frame(train), frame(test)
    y = test.correct

    # pyBKT
    build = "C++" if spec is not None and str(spec.origin).endswith(".so") else "pure Python"
    if build == "pure Python":
        patch_pure_python_build()
    times = []
    for r in range(args.repeats):
        model = Model(seed=42 + r, num_fits=args.restarts, parallel=True)
        t0 = time.perf_counter()
        model.fit(data=train_df)
        times.append(time.perf_counter() - t0)
    out = model.predict(data=test_df)  # rows come back grouped by skill: use its own labels
    pred, y_pb = out["correct_predictions"].to_numpy(), out["correct"].to_numpy()
    print(
        json.dumps(
            common
            | {"library": f"pyBKT 1.4.3 ({build})", "fit_s": min(times), "auc": auc(y_pb, pred)}
        )
    )

    # teachkit
    times = []
    engines = ["numba", "numpy"] if _bkt_numba.available() else ["numpy"]
    for engine in engines:
        BKT(restarts=1, max_iter=1, engine=engine).fit(test)  # compile (or load) the kernel
        times = []
        for r in range(args.repeats):
            ours = BKT(restarts=args.restarts, engine=engine, seed=r)
            t0 = time.perf_counter()
            ours.fit(train)
            times.append(time.perf_counter() - t0)
        p = ours.predict_log(test)
        row = {"library": f"teachkit BKT ({engine})", "fit_s": min(times), "auc": auc(y, p)}
        print(json.dumps(common | row))


if __name__ == "__main__":
    main()
