"""Column checks shared by the log builder: each appends readable problems, raises nothing."""

from __future__ import annotations

from typing import Any

import numpy as np

from teachkit._validation import preview
from teachkit.spaces import Discrete


def _strings(values: Any) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    return np.array([str(v) for v in arr.ravel().tolist()], dtype=object)


def _float_column(problems: list[str], name: str, values: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError, OverflowError):
        bad = []
        for i, v in enumerate(list(values)):
            try:
                float(v)
            except (TypeError, ValueError, OverflowError):
                bad.append(i)
        shown = ", ".join(f"row {i}: {list(values)[i]!r}" for i in bad[:3])
        problems.append(f"{name}: expected numbers, got {shown}")
        return None
    nan = np.flatnonzero(np.isnan(arr))
    if len(nan):
        problems.append(
            f"{name}: expected a value on every row, got NaN/empty at rows {preview(nan.tolist())}; "
            "drop or fill those rows before loading"
        )
        return None
    return arr


def _binary(problems: list[str], name: str, values: Any) -> np.ndarray | None:
    arr = _float_column(problems, name, values)
    if arr is None:
        return None
    bad = np.flatnonzero((arr != 0) & (arr != 1))
    if len(bad):
        shown = ", ".join(f"{arr[i]:g}" for i in bad[:3].tolist())
        problems.append(
            f"{name}: expected 0 or 1, got {shown} at rows {preview(bad.tolist())}; "
            "knowledge tracing needs binary correctness (threshold partial credit first)"
        )
        return None
    return arr


def _unit(problems: list[str], name: str, values: Any) -> np.ndarray | None:
    arr = _float_column(problems, name, values)
    if arr is None:
        return None
    bad = np.flatnonzero((arr < 0) | (arr > 1))
    if len(bad):
        problems.append(
            f"{name}: expected numbers in [0, 1], got others at rows {preview(bad.tolist())}"
        )
        return None
    return arr


def _times(problems: list[str], values: Any) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        arr = arr.astype("datetime64[ns]").astype(np.int64) / 1e9
    out = _float_column(problems, "time", arr)
    return np.zeros(len(arr)) if out is None else out


def _split_skills(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace("~~", ";").split(";")]
    elif value is None or (isinstance(value, float) and value != value):
        return ()
    else:
        parts = [str(p).strip() for p in value]
    return tuple(dict.fromkeys(p for p in parts if p))


def _item_space(
    problems: list[str], items: np.ndarray, skills: Any, space: Discrete | None
) -> Discrete | None:
    names = list(dict.fromkeys(items.tolist()))
    tags: dict[str, tuple[str, ...]] = {}
    if skills is not None:
        conflicts: list[str] = []
        missing: list[int] = []
        for i, (item, value) in enumerate(zip(items.tolist(), list(skills))):
            got = _split_skills(value)
            if not got:
                missing.append(i)
                continue
            known = tags.setdefault(item, got)
            if set(known) != set(got) and item not in conflicts:
                conflicts.append(item)
        if missing:
            problems.append(
                f"skills: expected at least one skill on every row, missing at rows {preview(missing)}"
            )
        if conflicts:
            problems.append(
                f"skills: each item needs one set of skills, these items have several: {preview(conflicts)}"
            )
    if space is None:
        if problems:
            return None
        return Discrete(names, skills=tags or None)
    unknown_items = [n for n in names if not space.contains(n)]
    if unknown_items:
        problems.append(f"item: not in the given space: {preview(unknown_items)}")
    known_skills = set(space.skill_names)
    unknown_skills = sorted({s for t in tags.values() for s in t} - known_skills)
    if unknown_skills:
        problems.append(
            f"skills: unknown skills {preview(unknown_skills)}; the space knows "
            f"{preview(sorted(known_skills))}"
        )
    disagree = [
        i for i, t in tags.items() if space.contains(i) and set(space.skills_of(i)) != set(t)
    ]
    if disagree and not unknown_skills:
        problems.append(
            f"skills: these items are tagged differently in the space: {preview(disagree)}"
        )
    return None if problems else space


def _learner_groups(
    problems: list[str], groups: Any, codes: np.ndarray, n_learners: int
) -> np.ndarray | None:
    if groups is None:
        return None
    g = _strings(groups)
    out = np.empty(n_learners, dtype=object)
    out[codes] = g
    mixed = np.flatnonzero(out[codes] != g)
    if len(mixed):
        problems.append(
            f"groups: expected one group per learner, got several (rows {preview(mixed.tolist())})"
        )
    return out


def _check_order(
    problems: list[str],
    notes: list[str],
    learners: np.ndarray,
    t: np.ndarray,
    order: np.ndarray,
    policy: str,
    ids: np.ndarray,
) -> np.ndarray:
    lt, tt = learners[order], t[order]
    back = (lt[1:] == lt[:-1]) & (tt[1:] < tt[:-1])
    if not back.any():
        return order
    who = np.unique(lt[1:][back])
    what = f"timestamps go backwards for {len(who)} learner(s) ({preview(ids[who].tolist())})"
    if policy == "error":
        problems.append(
            f"{what}; pass unsorted='sort' to order each learner's rows by time "
            "(ties keep file order)"
        )
        return order
    notes.append(f"{what}: sorted each learner's rows by time ({int(back.sum())} inversions)")
    return order[np.lexsort((tt, lt))]


def _check_duplicates(
    problems: list[str],
    notes: list[str],
    learners: np.ndarray,
    items: np.ndarray,
    t: np.ndarray,
    correct: np.ndarray,
    order: np.ndarray,
    policy: str,
) -> np.ndarray:
    keep = np.ones(len(order), dtype=bool)
    if np.isnan(t).all():
        return keep  # without times, two equal rows are two answers
    key = np.stack([learners[order], items[order], t[order], correct[order]], axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    dup = np.ones(len(order), dtype=bool)
    dup[first] = False
    n_dup = int(dup.sum())
    if not n_dup:
        return keep
    what = f"{n_dup} duplicate row(s) (same learner, item, time and correctness)"
    if policy == "error":
        problems.append(
            f"{what}; pass duplicates='drop' to drop the repeats or 'keep' to keep them"
        )
    elif policy == "drop":
        notes.append(f"{what}: dropped the repeats")
        keep = ~dup
    else:
        notes.append(f"{what}: kept them, as asked")
    return keep
