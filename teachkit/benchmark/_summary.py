"""Summaries of result rows: final-step mean, t-interval and paired win rate per teacher."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from teachkit.benchmark._run import Row

SUMMARY_COLUMNS = (
    "suite", "simulator", "teacher", "measure", "better", "step", "n", "mean", "std",
    "ci_low", "ci_high", "win_rate", "n_paired", "n_reached",
)  # fmt: skip
NOT_REACHED = "not reached"
"""How a table shows a measure no seed reached (a NaN value: say, steps to a target never met)."""


def t_interval(
    values: Sequence[float] | np.ndarray, confidence: float = 0.95
) -> tuple[float, float]:
    """The Student-t confidence interval of the mean (NaN bounds with fewer than 2 values)."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) < 2:
        return math.nan, math.nan
    from scipy.special import stdtrit  # the Student-t quantile; lighter than scipy.stats

    half = (
        float(stdtrit(len(x) - 1, 0.5 + confidence / 2)) * float(x.std(ddof=1)) / math.sqrt(len(x))
    )
    mean = float(x.mean())
    return mean - half, mean + half


def win_rate(
    teacher: dict[int, float], baseline: dict[int, float], better: str
) -> tuple[float, int]:
    """Fraction of the seeds both ran on where ``teacher`` beat ``baseline`` (ties count
    half), and the number of such seeds; NaN when the direction is unknown. A NaN value is
    a measure that seed never reached (steps to a target never met): worse than any
    reached value, and a tie with another NaN."""
    paired = sorted(set(teacher) & set(baseline))
    if not paired or better not in ("higher", "lower"):
        return math.nan, len(paired)
    sign = 1.0 if better == "higher" else -1.0
    a = np.array([teacher[s] for s in paired])
    b = np.array([baseline[s] for s in paired])
    missing_a, missing_b = np.isnan(a), np.isnan(b)
    with np.errstate(invalid="ignore"):
        d = np.where(missing_a | missing_b, 0.0, sign * (a - b))
    d = np.where(missing_a & ~missing_b, -1.0, np.where(missing_b & ~missing_a, 1.0, d))
    return float(((d > 0) + 0.5 * (d == 0)).mean()), len(paired)


def final_values(rows: Iterable[Row]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """``(suite, simulator, teacher, measure)`` -> the values at each seed's last measured
    step, with the measure's direction."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for r in rows:
        if r["kind"] != "measure":
            continue
        key = (r["suite"], r["simulator"], r["teacher"], r["measure"])
        entry = out.setdefault(key, {"better": r["better"], "step": {}, "value": {}})
        seed, step = int(r["seed"]), int(r["step"])
        if step >= entry["step"].get(seed, -1):
            entry["step"][seed] = step
            entry["value"][seed] = float(r["value"])
    return out


def summarize(
    rows: Iterable[Row], *, baseline: str = "uniform", confidence: float = 0.95
) -> list[dict[str, Any]]:
    """Per suite, simulator, teacher and measure, at the final step over seeds: ``mean``,
    ``std``, the t-interval ``ci_low``/``ci_high``, and ``win_rate``: the fraction of
    paired seeds on which the teacher beat ``baseline`` on the same seed (ties count half,
    in the measure's direction; NaN for the baseline itself, without a baseline, or when
    the direction is unknown).

    Example:
        >>> rows = [
        ...     {"suite": "s", "simulator": "sim", "teacher": t, "seed": s, "step": 10,
        ...      "kind": "measure", "measure": "score", "value": v, "better": "higher"}
        ...     for t, vals in [("uniform", [0.5, 0.6]), ("tscl", [0.7, 0.5])]
        ...     for s, v in enumerate(vals)
        ... ]
        >>> [(r["teacher"], round(r["mean"], 2), r["win_rate"]) for r in summarize(rows)][1]
        ('tscl', 0.6, 0.5)
    """
    finals = final_values(rows)
    out: list[dict[str, Any]] = []
    for (suite, sim, teacher, measure), entry in finals.items():
        values = entry["value"]
        every = np.array([values[s] for s in sorted(values)])
        x = every[~np.isnan(every)]
        low, high = t_interval(x, confidence)
        base = finals.get((suite, sim, baseline, measure))
        if base is None or teacher == baseline:
            rate, paired = math.nan, 0
        else:
            rate, paired = win_rate(values, base["value"], entry["better"])
        out.append(
            {
                "suite": suite, "simulator": sim, "teacher": teacher, "measure": measure,
                "better": entry["better"], "step": max(entry["step"].values()), "n": len(every),
                "mean": float(x.mean()) if len(x) else math.nan,
                "std": float(x.std(ddof=1)) if len(x) > 1 else math.nan,
                "ci_low": low, "ci_high": high, "win_rate": rate, "n_paired": paired,
                "n_reached": len(x),
            }
        )  # fmt: skip
    return out


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.{digits}f}"


def format_value(entry: dict[str, Any], digits: int = 3) -> tuple[str, str]:
    """A summary entry as table text: ``(value, note)``. The value is the mean, or "not
    reached" when no seed has a value; the note is "± half-width" of the interval, plus
    "(reached k/n)" when only some seeds reached the measure."""
    n, k = entry["n"], entry.get("n_reached", entry["n"])
    if k == 0:
        return NOT_REACHED, ""
    half = (entry["ci_high"] - entry["ci_low"]) / 2
    note = "" if not math.isfinite(half) else f"± {_fmt(half, digits)}"
    if k < n:
        note = f"{note} (reached {k}/{n})".strip()
    return _fmt(entry["mean"], digits), note


def to_markdown(
    summary: Sequence[dict[str, Any]],
    *,
    primary: str | None = None,
    baseline: str = "uniform",
    max_measures: int = 5,
) -> str:
    """Markdown tables, one per suite and simulator: a row per teacher, a column per
    measure (mean ± half the 95% CI; the first ``max_measures``, primary first), and the
    win rate against the baseline on ``primary`` (default: the first measure with a known
    direction)."""
    parts: list[str] = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in summary:
        groups.setdefault((r["suite"], r["simulator"]), []).append(r)
    for (suite, sim), entries in groups.items():
        measures = list(dict.fromkeys(r["measure"] for r in entries))
        main = (
            primary
            if primary in measures
            else next(
                (m for m in measures if any(r["better"] and r["measure"] == m for r in entries)),
                None,
            )
        )
        if main is not None:
            measures.remove(main)
            measures.insert(0, main)
        hidden = len(measures) - max_measures
        measures = measures[:max_measures]
        teachers = list(dict.fromkeys(r["teacher"] for r in entries))
        cell = {(r["teacher"], r["measure"]): r for r in entries}
        arrows = {
            r["measure"]: {"higher": " ↑", "lower": " ↓"}.get(r["better"], "") for r in entries
        }
        head = ["teacher", *(f"{m}{arrows[m]}" for m in measures)]
        if main is not None:
            head.append(f"wins vs {baseline} ({main})")
        n = max(r["n"] for r in entries)
        step = max(r["step"] for r in entries)
        lines = [
            f"**{suite or sim}** ({sim}; {n} paired seed{'s' if n != 1 else ''}; after {step} steps; mean ± 95% CI half-width)",
            "",
            "| " + " | ".join(head) + " |",
            "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|",
        ]
        for t in teachers:
            row = [t]
            for m in measures:
                c = cell.get((t, m))
                if c is None:
                    row.append("")
                    continue
                value, note = format_value(c)
                row.append(f"{value} {note}".strip())
            if main is not None:
                c = cell.get((t, main))
                rate = math.nan if c is None else c["win_rate"]
                row.append("—" if t == baseline else _fmt(rate, 2))
            lines.append("| " + " | ".join(row) + " |")
        if hidden > 0:
            lines += ["", f"({hidden} more measures in summary.csv)"]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
