"""Small helpers shared by every validator: near-miss suggestions and number checks."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from typing import Any


def did_you_mean(name: str, choices: Iterable[str], *, limit: int = 3) -> str:
    """Return ``" (did you mean 'x'?)"`` for a near miss, or an empty string."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=limit, cutoff=0.6)
    if not close:
        return ""
    quoted = " or ".join(repr(c) for c in close)
    return f" (did you mean {quoted}?)"


def preview(items: Iterable[Any], limit: int = 5) -> str:
    """A short, readable listing of possibly many items."""
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items)} in all)"
    return shown


def is_real(value: Any) -> bool:
    """True for int/float-like values that are not bool."""
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, str | bytes)


def check_number(
    problems: list[str],
    field: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    hint: str = "",
) -> float | None:
    """Validate one finite number, appending a problem line when it is not.

    Returns the value as a float, or None when it was rejected.
    """
    if not is_real(value):
        problems.append(f"{field}: expected a number, got {value!r} ({type(value).__name__})")
        return None
    x = float(value)
    if not math.isfinite(x):
        problems.append(f"{field}: expected a finite number, got {x!r}{hint}")
        return None
    if (low is not None and x < low) or (high is not None and x > high):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        problems.append(f"{field}: expected a number in [{lo}, {hi}], got {x!r}{hint}")
        return None
    return x


def check_positive_int(name: str, value: Any, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise a ValidationError naming the parameter."""
    from teachkit.errors import ValidationError

    if type(value) is int and value >= minimum:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValidationError(name, [f"expected an integer >= {minimum}, got {value!r}"])
    return int(value)


def check_learner_id(learner_id: Any) -> str:
    from teachkit.errors import ValidationError

    if not isinstance(learner_id, str) or not learner_id:
        raise ValidationError(
            "learner_id",
            [
                f"expected a non-empty string, got {learner_id!r}; "
                "identify learners by strings, e.g. str(user.id) or 'agent-0'"
            ],
        )
    return learner_id
