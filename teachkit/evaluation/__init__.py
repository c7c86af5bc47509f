"""Evaluating learner models: pyKT's protocol for knowledge tracing, a time-ordered split
for memory models, and the metrics both use."""

from teachkit.evaluation._metrics import accuracy, auc, calibration, log_loss, rmse, scores
from teachkit.evaluation._plot import plot_calibration
from teachkit.evaluation._protocols import (
    Evaluation,
    cut,
    drop_short,
    evaluate_memory,
    evaluate_pykt,
    pykt_split,
)

__all__ = [
    "Evaluation",
    "accuracy",
    "auc",
    "calibration",
    "cut",
    "drop_short",
    "evaluate_memory",
    "evaluate_pykt",
    "log_loss",
    "plot_calibration",
    "pykt_split",
    "rmse",
    "scores",
]
