"""BKT fit and predict_log time before and after the issue-16 rewrite, same data, one run.

    mkdir -p /tmp/i16old && cd /tmp/i16old
    git -C REPO show 17329d5:teachkit/learners/_bkt_em.py > old_bkt_em.py
    git -C REPO show 17329d5:teachkit/learners/_bkt_numba.py \
        | sed 's/from teachkit.learners._bkt_em import/from old_bkt_em import/' > old_bkt_numba.py
    git -C REPO show 17329d5:teachkit/learners/_bkt.py \
        | sed 's/from teachkit.learners import _bkt_em as em/import old_bkt_em as em/;
               s/from teachkit.learners import _bkt_numba/import old_bkt_numba as _bkt_numba/' \
        > old_bkt.py
    cd REPO && PYTHONPATH=. nice -n 10 /work/main/.venv/bin/python \
        benchmarks/learners/bkt_before_after.py --old /tmp/i16old

``old_bkt.py`` is ``BKT`` as of commit 17329d5 with its own EM modules (lock-step EM; its
numba engine compiled only the E-step; ``predict_log`` stepped through learners' whole
logs). Both shapes of ``bkt_vs_pybkt.py``; 5 restarts; fit on 80% of learners, predict
the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="folder holding old_bkt.py")
    args = parser.parse_args()
    sys.path.insert(0, args.old)
    from old_bkt import BKT as OldBKT

    from teachkit.data.synthetic import bkt_log, real_shaped_bkt_log
    from teachkit.evaluation import auc
    from teachkit.learners import BKT

    for shape in ("long", "real"):
        if shape == "long":
            log = bkt_log(n_learners=2000, n_skills=5, steps=50, seed=0)[0]
        else:
            log = real_shaped_bkt_log(seed=0)[0]
        order = np.random.default_rng(0).permutation(log.n_learners)
        n_test = log.n_learners // 5
        train = log.take_learners(np.sort(order[n_test:]))
        test = log.take_learners(np.sort(order[:n_test]))
        for cls in (OldBKT, BKT):  # compile (or load) the kernels
            cls(restarts=1, max_iter=1, engine="numba").fit(test)
        for name, cls in (("before (17329d5)", OldBKT), ("after", BKT)):
            for engine in ("numba", "numpy"):
                times = []
                for r in range(2 if engine == "numba" else 1):
                    model = cls(restarts=5, engine=engine, seed=r)
                    t0 = time.perf_counter()
                    model.fit(train)
                    times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                p = model.predict_log(test)
                row = {
                    "shape": shape, "code": name, "engine": engine, "fit_s": min(times),
                    "predict_log_s": time.perf_counter() - t0, "test_rows": len(test),
                    "auc": auc(test.correct, p),
                }  # fmt: skip
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
