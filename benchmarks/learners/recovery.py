"""Parameter recovery: BKT and IRT fitted on data drawn from known parameters.

    PYTHONPATH=. /work/venv/bin/python benchmarks/learners/recovery.py

For each seed, draw a log from the model's own generative process (teachkit.data.synthetic),
fit, and compare with the truth. Stated tolerances (checked, printed as pass/fail): BKT
max |error| <= 0.05 for learn, guess and slip and <= 0.08 for the prior (1500 learners x
40 answers, 4 skills); IRT 2PL mean |error| <= 0.15 for b and a (2000 learners x 20 of
20 items); IRT 1PL mean |error| <= 0.12 for b.
"""

from __future__ import annotations

import argparse
import json

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()

    from teachkit.data.synthetic import bkt_log, irt_log
    from teachkit.learners import BKT, IRT

    tol_bkt = {"learn": 0.05, "guess": 0.05, "slip": 0.05, "prior": 0.08}
    for seed in range(args.seeds):
        log, truth = bkt_log(n_learners=1500, n_skills=4, steps=40, seed=100 + seed)
        params = BKT(seed=seed).fit(log).params()
        row = {"model": "BKT", "seed": seed}
        for name, tol in tol_bkt.items():
            err = np.abs(np.array([params[name][f"s{k}"] for k in range(4)]) - truth[name])
            row[f"{name}_max_err"] = float(err.max())
            row[f"{name}_ok"] = bool(err.max() <= tol)
        print(json.dumps(row))
    for model, tol in (("1pl", 0.12), ("2pl", 0.15)):
        for seed in range(args.seeds):
            log, truth = irt_log(
                n_learners=2000, n_items=20, answers=20, model=model, seed=200 + seed
            )
            fitted = IRT(model=model).fit(log)
            eb = float(np.abs(fitted.difficulty - truth["b"]).mean())
            ea = float(np.abs(fitted.discrimination - truth["a"]).mean())
            row = {"model": f"IRT {model}", "seed": seed, "b_mean_err": eb, "a_mean_err": ea}
            row["ok"] = bool(eb <= tol and ea <= tol)
            print(json.dumps(row))


if __name__ == "__main__":
    main()
