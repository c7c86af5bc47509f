"""Calibration plots (matplotlib, imported only here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from teachkit.errors import MissingDependencyError
from teachkit.evaluation._metrics import calibration


def plot_calibration(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    path: str | Path,
    *,
    bins: int = 10,
    title: str = "Calibration",
) -> Path:
    """Write a reliability diagram: observed success rate against mean prediction per bin,
    one line per ``name: (outcomes, predictions)``, with the count of answers per bin
    below. Returns the path written."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            "plots need matplotlib: pip install 'teachkit[bench]'"
        ) from None
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(5.5, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="perfect")
    width = 1.0 / bins / max(len(curves), 1)
    for k, (name, (y, p)) in enumerate(curves.items()):
        cal = calibration(y, p, bins)
        ok = cal["count"] > 0
        top.plot(
            cal["predicted"][ok],
            cal["observed"][ok],
            marker="o",
            label=f"{name} (ECE {float(cal['ece']):.3f})",
        )
        left = np.arange(bins) / bins + k * width
        bottom.bar(left, cal["count"], width=width, align="edge", label=name)
    top.set_ylabel("observed success rate")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_title(title)
    top.legend(loc="upper left", fontsize=8)
    bottom.set_xlabel("predicted P(success)")
    bottom.set_ylabel("answers")
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
