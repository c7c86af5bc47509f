"""The figures of docs/learners.md: calibration of the knowledge-tracing models under the
pyKT protocol (synthetic BKT data) and of the memory model on the real review log.

    PYTHONPATH=. /work/venv/bin/python benchmarks/learners/figures.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).parents[2] / "docs" / "img"


def main() -> None:
    from teachkit.data import read_review_log
    from teachkit.data.synthetic import bkt_log
    from teachkit.evaluation import evaluate_memory, evaluate_pykt, plot_calibration
    from teachkit.learners import BKT, IRT, PFA, Elo, MemoryModel

    log, _ = bkt_log(n_learners=1000, n_skills=5, steps=40, seed=0)
    curves = {}
    for name, model in (
        ("BKT", BKT(seed=0)),
        ("PFA", PFA()),
        ("Elo", Elo()),
        ("IRT 1PL", IRT(model="1pl")),
    ):
        ev = evaluate_pykt(model, log)
        curves[f"{name} AUC {ev.summary()['auc'][0]:.3f}"] = (ev.y, ev.p)
    plot_calibration(
        curves, OUT / "learners-calibration-kt.png", title="pyKT protocol, synthetic BKT data"
    )
    review = read_review_log("/work/shared/data/fsrs_review_log/review_log.csv")
    ev = evaluate_memory(MemoryModel(grades="four"), review)
    plot_calibration(
        {"MemoryModel": (ev.y, ev.p)},
        OUT / "learners-calibration-memory.png",
        title="Memory model, later 20% of a real review log",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
