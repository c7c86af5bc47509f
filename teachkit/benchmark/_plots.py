"""Figures of result rows: learning curves with CI bands, and curriculum heatmaps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from teachkit.benchmark._run import Row, task_labels
from teachkit.benchmark._summary import t_interval
from teachkit.errors import MissingDependencyError
from teachkit.spaces import Box, Space


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the bench extra is installed in CI
        raise MissingDependencyError(
            "benchmark plots need matplotlib: pip install 'teachkit[bench]'"
        ) from exc
    return plt


def _colors() -> Any:
    import matplotlib.colors

    return matplotlib.colors


def curves(rows: Sequence[Row], measure: str) -> dict[str, dict[str, np.ndarray]]:
    """Per teacher: ``step``, ``mean`` and the t-interval ``low``/``high`` over seeds."""
    by: dict[str, dict[int, list[float]]] = {}
    for r in rows:
        if r["kind"] == "measure" and r["measure"] == measure:
            by.setdefault(r["teacher"], {}).setdefault(int(r["step"]), []).append(float(r["value"]))
    out: dict[str, dict[str, np.ndarray]] = {}
    for teacher, steps in by.items():
        xs = sorted(steps)
        bands = [t_interval(steps[x]) for x in xs]
        out[teacher] = {
            "step": np.array(xs),
            "mean": np.array([np.mean(steps[x]) for x in xs]),
            "low": np.array([b[0] for b in bands]),
            "high": np.array([b[1] for b in bands]),
        }
    return out


def plot_curves(
    rows: Sequence[Row], path: str | Path, *, measures: Sequence[str], title: str = ""
) -> Path:
    """Mean of each measure over seeds against steps, one line per teacher, with a 95%
    t-interval band; one panel per measure (the first is drawn largest)."""
    plt = _pyplot()
    measures = list(measures)[:4]
    fig, axes = plt.subplots(
        1, len(measures), figsize=(4.2 * len(measures) + 0.8, 3.4), squeeze=False
    )
    for ax, m in zip(axes[0], measures):
        for teacher, c in curves(rows, m).items():
            (line,) = ax.plot(c["step"], c["mean"], label=teacher, lw=1.6)
            ok = np.isfinite(c["low"])
            if ok.any():
                ax.fill_between(
                    c["step"][ok], c["low"][ok], c["high"][ok], color=line.get_color(), alpha=0.2
                )
        ax.set_xlabel("step")
        ax.set_title(m, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)
    return Path(path)


def choice_counts(
    rows: Sequence[Row], teacher: str, labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Window end steps, and the share of chosen tasks per label and window ``(labels,
    windows)`` for one teacher, pooled over seeds."""
    index = {label: i for i, label in enumerate(labels)}
    sel = [r for r in rows if r["kind"] == "chosen" and r["teacher"] == teacher]
    steps = np.array(sorted({int(r["step"]) for r in sel}), dtype=np.int64)
    col = {int(s): j for j, s in enumerate(steps)}
    counts = np.zeros((len(labels), len(steps)))
    for r in sel:
        if r["measure"] in index:
            counts[index[r["measure"]], col[int(r["step"])]] += float(r["value"])
    total = counts.sum(axis=0, keepdims=True)
    return steps, np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)


def plot_curriculum(
    rows: Sequence[Row], path: str | Path, *, space: Space, bins: int = 10, snapshots: int = 4
) -> Path:
    """Which tasks each teacher chose over time.

    Discrete (and one-dimensional Box) spaces: a heatmap per teacher, tasks down, eval
    windows across, colour = share of the window's choices. Box spaces of two or more
    dimensions: per teacher, ``snapshots`` 2-D histograms over the first two dimensions,
    each pooling a consecutive stretch of windows (as in the ALP-GMM paper's figures).
    """
    plt = _pyplot()
    labels = task_labels(space, bins)
    teachers = list(dict.fromkeys(r["teacher"] for r in rows if r["kind"] == "chosen"))
    grid = isinstance(space, Box) and space.dim >= 2
    if grid:
        fig, axes = plt.subplots(
            len(teachers),
            snapshots,
            figsize=(2.3 * snapshots + 0.6, 2.3 * len(teachers) + 0.4),
            squeeze=False,
        )
    else:
        height = min(0.22 * len(labels), 7.0) + 1.6
        fig, axes = plt.subplots(
            1, len(teachers), figsize=(3.2 * len(teachers) + 1.0, height), squeeze=False
        )
    image = None
    shares = {t: choice_counts(rows, t, labels) for t in teachers}
    top = max((float(sh.max()) for _, sh in shares.values() if sh.size), default=1.0) or 1.0
    # A square-root colour scale shared by all panels: one concentrated teacher would
    # otherwise wash out every other panel.
    norm = _colors().PowerNorm(gamma=0.5, vmin=0.0, vmax=top)
    for i, teacher in enumerate(teachers):
        steps, share = shares[teacher]
        if grid:
            assert isinstance(space, Box)
            extent = (space.low[0], space.high[0], space.low[1], space.high[1])
            parts = np.array_split(np.arange(len(steps)), min(snapshots, max(len(steps), 1)))
            for j, ax in enumerate(axes[i]):
                ax.set_xticks([])
                ax.set_yticks([])
                if j >= len(parts) or not len(parts[j]):
                    ax.axis("off")
                    continue
                cells = share[:, parts[j]].mean(axis=1).reshape(bins, bins)
                image = ax.imshow(
                    cells.T, origin="lower", extent=extent, aspect="auto", cmap="viridis", norm=norm
                )
                first = int(parts[j][0])
                start = 0 if first == 0 else int(steps[first - 1])
                ax.set_title(f"steps {start}–{int(steps[parts[j][-1]])}", fontsize=8)
                if j == 0:
                    ax.set_ylabel(f"{teacher}\n{space.names[1]}", fontsize=9)
                if i == len(teachers) - 1:
                    ax.set_xlabel(space.names[0], fontsize=8)
        else:
            ax = axes[0][i]
            image = ax.imshow(
                share,
                aspect="auto",
                origin="upper",
                cmap="viridis",
                norm=norm,
                interpolation="nearest",
                extent=(0, len(steps), len(labels), 0),
            )
            ax.set_title(teacher, fontsize=10)
            ticks = np.linspace(0, len(steps) - 1, min(5, len(steps))).astype(int)
            ax.set_xticks(ticks + 0.5)
            ax.set_xticklabels([str(steps[t]) for t in ticks], fontsize=7)
            ax.set_xlabel("step (end of window)", fontsize=8)
            # Every label when they fit, else about 30 evenly spaced ones.
            shown = np.arange(0, len(labels), max(1, int(np.ceil(len(labels) / 30))))
            ax.set_yticks(shown + 0.5)
            ax.set_yticklabels([labels[k] for k in shown] if i == 0 else [], fontsize=7)
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="share of choices")
    fig.savefig(path, dpi=80, bbox_inches="tight")  # long task labels are never cut
    plt.close(fig)
    return Path(path)


def nice_measures(rows: Sequence[Row], primary: str | None) -> list[str]:
    """The measures in the rows, primary first."""
    names = list(dict.fromkeys(r["measure"] for r in rows if r["kind"] == "measure"))
    if primary in names:
        names.remove(primary)
        names.insert(0, primary)
    return names
