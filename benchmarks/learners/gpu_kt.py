"""DKT, SAKT, AKT and simpleKT on a GPU: epochs per second and held-out AUC.

    bash benchmarks/learners/gpu.sh            # CUDA, realistic sizes, under 5 minutes
    bash benchmarks/learners/gpu.sh --smoke    # CPU, tiny sizes: checks the script runs

The log (:func:`teachkit.data.synthetic.bkt_log`): ``--learners`` learners x ``--steps``
answers on ``--skills`` skills; the default (4,000 x 100 on 110 skills: 400,000 answers,
the skill count of ASSISTments 2009) is the size of a real knowledge-tracing data set.
80% of the learners train, 20% are predicted one step ahead. For each model: one timed
epoch, then as many epochs as ``--budget`` seconds allow (at most ``--epochs``), timed;
reports epochs/s, answers/s and the held-out AUC after the timed run. One JSON line per
model, also written to ``--out``/gpu_kt.json (after each model) when given.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--learners", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--skills", type=int, default=110)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--budget", type=float, default=50.0, help="seconds per model")
    parser.add_argument("--models", default="DKT,SAKT,AKT,SimpleKT")
    parser.add_argument("--out", default=None)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: 1 on CPU)")
    args = parser.parse_args()

    import torch

    import teachkit.learners as L
    from teachkit.data.synthetic import bkt_log
    from teachkit.evaluation import auc

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU visible to torch; use --device cpu (or gpu.sh --smoke)")
    log, _ = bkt_log(n_learners=args.learners, n_skills=args.skills, steps=args.steps, seed=0)
    n_test = log.n_learners // 5
    test = log.take_learners(np.arange(n_test))
    train = log.take_learners(np.arange(n_test, log.n_learners))
    device_name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu"
    rows = []
    for name in args.models.split(","):
        cls = getattr(L, name)
        threads = args.threads or (None if args.device.startswith("cuda") else 1)
        kw = {"device": args.device, "batch_size": args.batch, "seed": 0, "threads": threads}

        def sync() -> None:
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()

        t0 = time.perf_counter()
        cls(epochs=1, **kw).fit(train)  # warm-up and a first estimate of one epoch
        sync()
        one = time.perf_counter() - t0
        epochs = int(max(1, min(args.epochs, args.budget // max(one, 1e-9))))
        t0 = time.perf_counter()
        model = cls(epochs=epochs, **kw).fit(train)
        sync()
        dt = time.perf_counter() - t0
        row = {
            "model": name,
            "device": device_name,
            "answers": len(train),
            "skills": args.skills,
            "epochs": epochs,
            "seconds": round(dt, 2),
            "epochs_per_s": round(epochs / dt, 3),
            "answers_per_s": round(len(train) * epochs / dt),
            "test_auc": round(auc(test.correct, model.predict_log(test)), 4),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.out:  # after every model, so a run cut short keeps what it measured
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            (out / "gpu_kt.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
