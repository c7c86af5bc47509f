"""DKT and SAKT training throughput (answers per second) on 500k synthetic answers.

    PYTHONPATH=. /work/venv/bin/python benchmarks/learners/torch_throughput.py [--device cuda]

The log: 10,000 learners x 50 answers on 20 skills (teachkit.data.synthetic.bkt_log). One
warm-up fit (imports, allocation) is left out; then a timed fit of ``--epochs`` epochs
(which includes folding the log into every learner's state). Reports
answers/s for each thread setting and the held-out AUC after training (last 20% of
learners, one step ahead).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", default="1,0", help="comma list; 0 = torch's default")
    args = parser.parse_args()

    import torch

    from teachkit.data.synthetic import bkt_log
    from teachkit.evaluation import auc
    from teachkit.learners import DKT, SAKT

    log, _ = bkt_log(n_learners=args.learners, n_skills=20, steps=args.steps, seed=0)
    n_test = log.n_learners // 5
    train = log.take_learners(np.arange(n_test, log.n_learners))
    test = log.take_learners(np.arange(n_test))
    for cls in (DKT, SAKT):
        for threads in (int(t) for t in args.threads.split(",")):
            th = None if threads == 0 else threads
            cls(epochs=1, device=args.device, threads=th, seed=0).fit(test)  # warm-up
            model = cls(log.space, epochs=args.epochs, device=args.device, threads=th, seed=0)
            t0 = time.perf_counter()
            model.fit(train)  # training epochs, then folding the log into learner states
            dt = time.perf_counter() - t0
            rate = len(train) * args.epochs / dt
            print(
                json.dumps(
                    {
                        "model": cls.__name__,
                        "device": args.device,
                        "threads": th or torch.get_num_threads(),
                        "answers": len(train),
                        "epochs": args.epochs,
                        "seconds": dt,
                        "answers_per_s": rate,
                        "minutes_for_10_epochs_of_500k": 500_000 * 10 / rate / 60,
                        "test_auc": auc(test.correct, model.predict_log(test)),
                    }
                )
            )


if __name__ == "__main__":
    main()
