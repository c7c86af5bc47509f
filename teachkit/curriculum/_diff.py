"""What differs between two teacher configurations, said the way a person would check it."""

from __future__ import annotations

from typing import Any

from teachkit._validation import preview


def config_differences(stored: Any, given: Any, path: str = "teacher") -> list[str]:
    """One line per difference between two ``to_config()`` descriptions.

    Task spaces are compared by what a person changes: tasks added or removed, skills,
    prerequisites, retired tasks; other values by their path (``teacher.params.target``).

    >>> a = {"class": "T", "params": {"target": 0.75}}
    >>> config_differences(a, {"class": "T", "params": {"target": 0.8}})
    ['teacher.params.target: stored 0.75, given 0.8']
    """
    if isinstance(stored, dict) and isinstance(given, dict):
        if "__space__" in stored and "__space__" in given:
            return _space_differences(stored["__space__"], given["__space__"], path)
        out: list[str] = []
        for key in [*stored, *(k for k in given if k not in stored)]:
            where = f"{path}.{key}"
            if key not in given:
                out.append(f"{where}: stored {_short(stored[key])}, not given")
            elif key not in stored:
                out.append(f"{where}: given {_short(given[key])}, not stored")
            else:
                out += config_differences(stored[key], given[key], where)
        return out
    if stored != given:
        return [f"{path}: stored {_short(stored)}, given {_short(given)}"]
    return []


def _space_differences(stored: dict[str, Any], given: dict[str, Any], path: str) -> list[str]:
    out: list[str] = []
    if stored.get("type") != given.get("type"):
        return [f"{path}: stored a {stored.get('type')} space, given a {given.get('type')} one"]
    old, new = stored.get("tasks"), given.get("tasks")
    if isinstance(old, list) and isinstance(new, list):
        added = [t for t in new if t not in set(old)]
        removed = [t for t in old if t not in set(new)]
        if added:
            out.append(
                f"{path} tasks: {len(added)} added ({preview(added)}); add tasks to a stored "
                "curriculum with curriculum.add_tasks(...)"
            )
        if removed:
            out.append(
                f"{path} tasks: {len(removed)} removed ({preview(removed)}); tasks of a stored "
                "curriculum are retired (curriculum.retire_tasks), never removed"
            )
        if not added and not removed and old != new:
            out.append(f"{path} tasks: the same tasks in another order")
    elif stored.get("n") != given.get("n") or old != new:
        out.append(
            f"{path} tasks: stored {_short(stored.get('n', old))}, given {_short(given.get('n', new))}"
        )
    for key in ("skills", "prerequisites", "prerequisite_level", "low", "high", "names"):
        a, b = stored.get(key), given.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
            extra = sorted(set(b) - set(a))
            gone = sorted(set(a) - set(b))
            parts = [
                f"{label} {preview(keys)}"
                for label, keys in (
                    ("changed for", changed),
                    ("new for", extra),
                    ("gone for", gone),
                )
                if keys
            ]
            out.append(f"{path} {key}: " + "; ".join(parts))
        else:
            out.append(f"{path} {key}: stored {_short(a)}, given {_short(b)}")
    if stored.get("retired", []) != given.get("retired", []):
        out.append(
            f"{path} retired tasks: stored {_short(stored.get('retired', []))}, "
            f"given {_short(given.get('retired', []))}"
        )
    rest = set(stored) | set(given)
    rest -= {"type", "tasks", "n", "skills", "prerequisites", "prerequisite_level", "retired"}
    rest -= {"low", "high", "names"}
    for key in sorted(rest):
        if stored.get(key) != given.get(key):
            out.append(
                f"{path} {key}: stored {_short(stored.get(key))}, given {_short(given.get(key))}"
            )
    return out


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
