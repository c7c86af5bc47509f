"""The memory model against the fsrs package's own optimizer, on a real review log, in one run.

    PYTHONPATH=. /tmp/probe/bin/python benchmarks/learners/memory_vs_fsrs.py

Both are fitted on the earlier 80% of the reviews (by time) and predict every later review
one step ahead from the card's history; both are scored on the same reviews (a card's
review at least one day after its previous one, FSRS's own choice) with the same metric
functions. Rows: teachkit MemoryModel (fitted, and with the FSRS-6 default weights) and
fsrs 6.3.2 (``Optimizer.compute_optimal_parameters``, and its defaults), predicting with
``Scheduler.get_card_retrievability`` and updating with ``Scheduler.review_card``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

DATA = Path("/work/shared/data/fsrs_review_log/review_log.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--test-fraction", type=float, default=0.2)
    args = parser.parse_args()

    from teachkit.data import read_review_log
    from teachkit.evaluation import auc, calibration, log_loss, rmse
    from teachkit.evaluation._protocols import review_gaps
    from teachkit.learners import MemoryModel

    log = read_review_log(args.data)
    frac = (log.position + 1) / log.lengths[log.learners]
    test = frac > 1 - args.test_fraction
    gap = review_gaps(log)
    scored = test & np.isfinite(gap) & (gap >= 1.0)
    y = log.correct[scored]

    def row(name: str, p: np.ndarray, fit_s: float) -> None:
        q = p[scored]
        print(
            json.dumps(
                {
                    "model": name,
                    "log_loss": log_loss(y, q),
                    "auc": auc(y, q),
                    "rmse": rmse(y, q),
                    "ece": float(calibration(y, q)["ece"]),
                    "n": int(scored.sum()),
                    "fit_s": fit_s,
                }
            )
        )

    train = log.take_rows(~test)
    t0 = time.perf_counter()
    ours = MemoryModel(grades="four").fit(train)
    row("teachkit MemoryModel (fitted)", ours.predict_log(log), time.perf_counter() - t0)
    row(
        "teachkit MemoryModel (FSRS-6 defaults)",
        MemoryModel(log.space, grades="four").predict_log(log),
        0.0,
    )

    from fsrs import Card, Optimizer, Rating, ReviewLog, Scheduler

    from teachkit._time import from_timestamp

    names = log.space.names
    ratings = np.rint(log.score * 3 + 1).astype(int)
    reviews = [
        ReviewLog(
            card_id=int(names[log.items[i]]),
            rating=Rating(int(ratings[i])),
            review_datetime=from_timestamp(float(log.time[i])),
            review_duration=None,
        )
        for i in range(len(log))
    ]
    t0 = time.perf_counter()
    w = Optimizer([r for r, t in zip(reviews, test) if not t]).compute_optimal_parameters()
    fit_s = time.perf_counter() - t0

    def fsrs_predictions(parameters: list[float] | tuple[float, ...]) -> np.ndarray:
        scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
        cards: dict[int, Card] = {}
        out = np.full(len(log), np.nan)
        for i in np.argsort(log.time, kind="stable"):
            r = reviews[i]
            card = cards.get(r.card_id) or Card(card_id=r.card_id, due=r.review_datetime)
            out[i] = scheduler.get_card_retrievability(card, current_datetime=r.review_datetime)
            cards[r.card_id], _ = scheduler.review_card(card, r.rating, r.review_datetime)
        return np.clip(out, 0.0, 1.0)

    row("fsrs 6.3.2 Optimizer (fitted)", fsrs_predictions(list(w)), fit_s)
    from fsrs.scheduler import DEFAULT_PARAMETERS

    row("fsrs 6.3.2 (defaults)", fsrs_predictions(DEFAULT_PARAMETERS), 0.0)


if __name__ == "__main__":
    main()
