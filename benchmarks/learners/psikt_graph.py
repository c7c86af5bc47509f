"""PSI-KT on SkillGraphStudent logs: planted prerequisite graph recovery and held-out AUC.

    PYTHONPATH=. nice -n 10 python benchmarks/learners/psikt_graph.py --seeds 3

For every seed: a log of ``--learners`` SkillGraphStudent learners answering ``--steps``
items drawn uniformly (:func:`teachkit.simulators.skill_graph_log`, arithmetic preset:
12 skills, 17 planted direct prerequisite edges, 41 items; or, with ``--preset random
--skills N``, a random layered DAG of N skills with 4 items each). PSI-KT is fitted on 80%
of the learners. Reported:

* **edge AUC**: the learned edge probabilities ``A[j, k]`` over all ordered pairs of
  distinct skills, scored against the planted direct edges (an ancestor that is not a
  direct prerequisite counts as a non-edge); also the AUC with such transitive pairs left
  out, and the precision of :meth:`PSIKT.prerequisites` at 0.5;
* **held-out AUC** one step ahead on the other 20% of learners, against BKT (numba or
  numpy engine, default settings) fitted on the same split.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--preset", default="arithmetic")
    parser.add_argument("--skills", type=int, default=None, help="random preset: n_skills")
    args = parser.parse_args()

    from teachkit.evaluation import auc
    from teachkit.learners import BKT, PSIKT
    from teachkit.simulators import skill_graph_log

    rows = []
    for seed in range(args.seeds):
        extra = {} if args.skills is None else {"n_skills": args.skills, "items_per_skill": 4}
        log, _ = skill_graph_log(
            args.learners, steps=args.steps, seed=seed, preset=args.preset, **extra
        )
        space = log.space
        names = list(space.skill_names)
        k = len(names)
        truth = np.zeros((k, k), bool)  # truth[j, x]: j is a direct prerequisite of x
        ancestor = np.zeros((k, k), bool)
        for x, pre in space.prerequisites.items():
            for j in pre:
                truth[names.index(j), names.index(x)] = True
            for j in space.prerequisites_of(x, transitive=True):
                ancestor[names.index(j), names.index(x)] = True
        order = np.random.default_rng(seed).permutation(log.n_learners)
        n_test = log.n_learners // 5
        test = log.take_learners(np.sort(order[:n_test]))
        train = log.take_learners(np.sort(order[n_test:]))

        t0 = time.perf_counter()
        model = PSIKT(epochs=args.epochs, seed=seed).fit(train)
        fit_s = time.perf_counter() - t0
        a = model.prerequisite_matrix()
        off = ~np.eye(k, dtype=bool)
        edge_auc = auc(truth[off].astype(float), a[off])
        direct_or_none = off & (truth | ~ancestor)
        edge_auc_direct = auc(truth[direct_or_none].astype(float), a[direct_or_none])
        learned = model.prerequisites(0.5)
        found = [(j, x) for x, pre in learned.items() for j in pre]
        hits = sum(truth[names.index(j), names.index(x)] for j, x in found)
        t1 = time.perf_counter()
        bkt = BKT(seed=seed).fit(train)
        bkt_s = time.perf_counter() - t1
        row = {
            "seed": seed,
            "edges_planted": int(truth.sum()),
            "edge_auc": round(edge_auc, 4),
            "edge_auc_without_transitive": round(edge_auc_direct, 4),
            "edges_found_at_0.5": len(found),
            "precision_at_0.5": round(hits / max(len(found), 1), 3),
            "psikt_auc": round(auc(test.correct, model.predict_log(test)), 4),
            "bkt_auc": round(auc(test.correct, bkt.predict_log(test)), 4),
            "psikt_fit_s": round(fit_s, 1),
            "bkt_fit_s": round(bkt_s, 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    mean = {key: float(np.mean([r[key] for r in rows])) for key in rows[0] if key != "seed"}
    print("mean:", json.dumps({k: round(v, 4) for k, v in mean.items()}))
    print(
        "paired held-out AUC difference PSI-KT - BKT:",
        [round(r["psikt_auc"] - r["bkt_auc"], 4) for r in rows],
    )


if __name__ == "__main__":
    main()
