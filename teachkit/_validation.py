"""The one place for parameter checks and "unknown name" errors.

Every constructor and entry point validates through these helpers, so a bad value reads
the same everywhere: ``name: expected X, got Y``, several problems reported together, and
a near-miss suggestion for names. Checks that append to a ``problems`` list let a
constructor report every bad argument at once; :class:`Checker` wraps that pattern.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeGuard

import numpy as np

from teachkit.errors import ValidationError


def did_you_mean(name: str, choices: Iterable[str], *, limit: int = 3) -> str:
    """Return ``" (did you mean 'x'?)"`` for a near miss, or an empty string."""
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=limit, cutoff=0.6)
    if not close:
        return ""
    quoted = " or ".join(repr(c) for c in close)
    return f" (did you mean {quoted}?)"


def unknown_name(kind: str, name: Any, known: Iterable[str]) -> ValidationError:
    """The error for a name that is not in a table: near misses, then every known name.

    >>> print(unknown_name("teacher", "tcsl", ["tscl", "sec"]))
    unknown teacher: 'tcsl' (did you mean 'tscl'?); known: sec, tscl
    """
    known = sorted(str(k) for k in known)
    return ValidationError(
        f"unknown {kind}", [f"{name!r}{did_you_mean(str(name), known)}; known: {', '.join(known)}"]
    )


def preview(items: Iterable[Any], limit: int = 5) -> str:
    """A short, readable listing of possibly many items."""
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items)} in all)"
    return shown


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters: a message never echoes a megabyte."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}... ({len(text)} characters)"


def is_sequence(value: Any) -> TypeGuard[Sequence[Any] | np.ndarray]:
    """A list-like of items: a sequence that is not text, or a numpy array of at least one
    dimension (a 0-d array holds one value and cannot be iterated)."""
    if isinstance(value, np.ndarray):
        return value.ndim >= 1
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def is_real(value: Any) -> bool:
    """True for one number: the rule every score, reward and duration follows.

    A number is a Python or numpy int or float, or any other single value ``float()``
    accepts (a ``Fraction``, a 0-d array or tensor). Booleans, strings and bytes are
    refused rather than converted (``True`` is not a score: pass ``success=True``; ``"0.5"``
    is text: convert it where it is read), and so are integers too large for a float.
    :func:`real_array` applies the same rule to a column.
    """
    if isinstance(value, bool | str | bytes | np.bool_) or getattr(value, "ndim", 0) != 0:
        return False
    if getattr(getattr(value, "dtype", None), "kind", "") in ("b", "U", "S", "c"):
        return False  # a 0-d array or tensor of booleans, text or complex numbers
    try:
        float(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def real_array(
    problems: list[str], name: str, value: Any, *, flags: bool = False
) -> np.ndarray | None:
    """A column of numbers as float64 under the rule of :func:`is_real`, or None after
    appending a problem line. With ``flags`` (a ``success`` column) booleans are the
    values expected, and numbers are kept for the caller's 0/1 check.

    >>> problems = []
    >>> real_array(problems, "score", [0.5, "1", True]) is None, problems
    (True, ['score: expected numbers, got text at rows 1 and booleans at rows 2; convert text with float() where it is read, pass booleans as success='])
    """
    try:
        arr = np.asarray(value)
        if isinstance(value, list | tuple) and (
            arr.dtype.kind not in "iuf"
            or any(
                isinstance(x, bool | np.bool_)
                for row in value
                for x in (row if isinstance(row, list | tuple) else (row,))
            )
        ):
            # numpy turns [0.5, True] into [0.5, 1.0] and [0.5, "1"] into text: judge each item
            arr = np.asarray(value, dtype=object)
    except (TypeError, ValueError, OverflowError):
        problems.append(f"{name}: expected an array of numbers, got {type(value).__name__}")
        return None
    kind = arr.dtype.kind
    if kind in "iuf" or (flags and kind == "b"):
        return arr.astype(np.float64)
    if kind == "O":
        items = arr.reshape(-1).tolist()
        ok = [is_real(v) or (flags and isinstance(v, bool | np.bool_)) for v in items]
        if all(ok):
            return np.array([float(v) for v in items], dtype=np.float64).reshape(arr.shape)
        text = [
            i
            for i, (v, good) in enumerate(zip(items, ok))
            if not good and isinstance(v, str | bytes)
        ]
        bools = [
            i
            for i, (v, good) in enumerate(zip(items, ok))
            if not good and isinstance(v, bool | np.bool_)
        ]
        other = [i for i, good in enumerate(ok) if not good and i not in text and i not in bools]
    else:
        n = arr.size
        text = list(range(n)) if kind in "USa" else []
        bools = list(range(n)) if kind == "b" else []
        other = [] if text or bools else list(range(n))
    if arr.ndim == 2 and arr.shape[1]:  # flat positions -> rows
        width = arr.shape[1]
        text, bools, other = ([*dict.fromkeys(i // width for i in r)] for r in (text, bools, other))
    found = [
        f"{what} at rows {preview(rows)}"
        for what, rows in (("text", text), ("booleans", bools), ("other values", other))
        if rows
    ]
    hints = [h for h, rows in (("convert text with float() where it is read", text),
                               ("pass booleans as success=", bools)) if rows]  # fmt: skip
    problems.append(
        f"{name}: expected numbers, got {' and '.join(found) or repr(arr.dtype)}"
        + (f"; {', '.join(hints)}" if hints else "")
    )
    return None


def is_int(value: Any) -> bool:
    """True for Python and numpy integers that are not bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_number(
    problems: list[str],
    field: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    hint: str = "",
) -> float | None:
    """Validate one finite number in ``[low, high]``, appending a problem line when it is not.

    Returns the value as a float, or None when it was rejected.
    """
    if not is_real(value):
        problems.append(
            f"{field}: expected a number, got {short_repr(value)} ({type(value).__name__})"
        )
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


def check_fraction(problems: list[str], name: str, value: Any, *, closed: bool = False) -> None:
    """A probability-like number: in ``(0, 1)``, or in ``[0, 1]`` when ``closed``."""
    ok = is_real(value)
    if ok:
        x = float(value)
        ok = 0 <= x <= 1 if closed else 0 < x < 1
    if not ok:
        interval = "[0, 1]" if closed else "(0, 1)"
        problems.append(f"{name}: expected a number in {interval}, got {value!r}")


def check_integer(
    problems: list[str], name: str, value: Any, *, low: int = 1, high: int | None = None
) -> None:
    """An integer (not bool) in ``[low, high]``."""
    if not is_int(value) or value < low or (high is not None and value > high):
        span = f"in [{low}, {high}]" if high is not None else f">= {low}"
        problems.append(f"{name}: expected an integer {span}, got {value!r}")


def check_choice(problems: list[str], name: str, value: Any, choices: Iterable[str]) -> None:
    """One of a few allowed strings, with a near-miss suggestion."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        problems.append(
            f"{name}: expected one of {', '.join(map(repr, choices))}, got {value!r}"
            f"{did_you_mean(str(value), choices)}"
        )


class Checker:
    """Collect every problem with one subject's arguments, then raise once.

    >>> check = Checker("MyTeacher")
    >>> check.number("rate", 2.0, 0, 1)
    >>> check.choice("mode", "fats", ("fast", "slow"))
    >>> check.done()
    Traceback (most recent call last):
    ...
    teachkit.errors.ValidationError: MyTeacher (2 problems):
      - rate: expected a number in [0, 1], got 2.0
      - mode: expected one of 'fast', 'slow', got 'fats' (did you mean 'fast'?)
    """

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.problems: list[str] = []

    def number(
        self, name: str, value: Any, low: float | None = None, high: float | None = None
    ) -> None:
        check_number(self.problems, name, value, low=low, high=high)

    def integer(self, name: str, value: Any, low: int = 1, high: int | None = None) -> None:
        check_integer(self.problems, name, value, low=low, high=high)

    def positive(self, name: str, value: Any) -> None:
        """A finite number > 0."""
        if check_number(self.problems, name, value) is not None and not float(value) > 0:
            self.problems.append(f"{name}: expected a number > 0, got {value!r}")

    def fraction(self, name: str, value: Any, *, closed: bool = False) -> None:
        check_fraction(self.problems, name, value, closed=closed)

    def choice(self, name: str, value: Any, choices: Iterable[str]) -> None:
        check_choice(self.problems, name, value, choices)

    def problem(self, line: str) -> None:
        """Add a problem found by a check of the caller's own."""
        self.problems.append(line)

    def done(self) -> None:
        """Raise one ValidationError listing every problem, if there were any."""
        if self.problems:
            raise ValidationError(self.subject, self.problems)


def check_params(where: str, checks: list[tuple[str, Any, float | None, float | None]]) -> None:
    """Validate ``(name, value, low, high)`` numbers together; raise once with every problem."""
    check = Checker(where)
    for name, value, low, high in checks:
        check.number(name, value, low, high)
    check.done()


def check_choice_now(where: str, name: str, value: Any, choices: Iterable[str]) -> None:
    """:func:`check_choice` for a single argument: raise at once."""
    check = Checker(where)
    check.choice(name, value, choices)
    check.done()


def check_positive_int(
    name: str, value: Any, *, minimum: int = 1, maximum: int | None = None, why: str = ""
) -> int:
    """Return ``value`` as an int, or raise a ValidationError naming the parameter
    (``why`` explains a ``maximum``)."""
    if type(value) is int and value >= minimum and (maximum is None or value <= maximum):
        return value
    if not is_int(value) or value < minimum:
        raise ValidationError(name, [f"expected an integer >= {minimum}, got {short_repr(value)}"])
    if maximum is not None and value > maximum:
        raise ValidationError(
            name,
            [f"expected an integer in [{minimum}, {maximum:_}], got {short_repr(value, 40)}{why}"],
        )
    return int(value)


MAX_BATCH = 100_000
"""The most tasks one call hands out (``Curriculum.ask_many``, ``Curriculum.peek``,
``teacher.ask``): a bound on the memory one request can claim; ask again for more."""


def check_batch_size(n: Any) -> int:
    """``n`` tasks to hand out at once: an integer in ``[1, MAX_BATCH]``."""
    return check_positive_int(
        "n",
        n,
        maximum=MAX_BATCH,
        why=" (the most one call hands out); ask in several calls for more",
    )


def check_seed(where: str, seed: Any) -> None:
    """A seed is an integer >= 0 (what ``np.random.default_rng`` accepts), or None."""
    if seed is not None and (not is_int(seed) or seed < 0):
        raise ValidationError(
            where, [f"seed: expected an integer >= 0 or None, got {short_repr(seed)}"]
        )


# -- ids and names that storages keep --------------------------------------------------------------
MAX_LENGTH: dict[str, int] = {
    "learner_id": 200,
    "curriculum name": 200,
    "task name": 1000,
    "request_id": 200,
}
"""The longest learner id, curriculum name, task name and request id, in characters.

Learner ids, curriculum names and request ids live in ``VARCHAR(200)`` columns; task
names in text columns, but they travel in every event, so they are bounded too. The other
rule is the same for all of them: a non-empty ``str`` without control characters (``U+0000``-``U+001F``,
``U+007F``-``U+009F``: NUL, tabs, newlines, escapes) and without lone surrogates (which no
UTF-8 database can store). Every storage gets only what passes, so all of them accept
and refuse the same ids.
"""

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def name_problem(kind: str, value: Any) -> str | None:
    """What is wrong with a learner id, curriculum name or task name (``kind`` is a key of
    :data:`MAX_LENGTH`), or None when it follows the rules.

    >>> name_problem("learner_id", "alice") is None
    True
    >>> print(name_problem("curriculum name", "x" * 201))
    curriculum name: expected at most 200 characters, got 201 (starting 'xxxxxxxxxxxxxxxxxxxxxxxx')
    """
    limit = MAX_LENGTH[kind]
    if not isinstance(value, str) or not value:
        return f"{kind}: expected a non-empty string, got {_cut(value)} ({type(value).__name__})"
    if len(value) > limit:
        return (
            f"{kind}: expected at most {limit} characters, got {len(value)} "
            f"(starting {value[:24]!r})"
        )
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        return (
            f"{kind}: expected no control characters or lone surrogates, got "
            f"{bad.group()!r} at position {bad.start()} of {_cut(value)}"
        )
    return None


def all_valid(kind: str, values: list[Any]) -> bool:
    """Whether every value follows the rule for ``kind``: a fast check over many names
    (one scan of their concatenation); call :func:`name_problem` on each to say which
    does not."""
    if not all(type(v) is str and v for v in values):
        return False
    if max(map(len, values), default=0) > MAX_LENGTH[kind]:
        return False
    return _FORBIDDEN.search("".join(values)) is None


def check_name(kind: str, value: Any, subject: str | None = None) -> str:
    """Return ``value`` if it is a valid learner id, curriculum name or task name (see
    :data:`MAX_LENGTH`), else raise a ValidationError (titled ``subject``, default ``kind``)."""
    if type(value) is str and len(value) <= 200 and _FORBIDDEN.search(value) is None and value:
        return value  # the common case, without building a message
    problem = name_problem(kind, value)
    if problem is not None:
        if subject is None:
            raise ValidationError(kind, [problem.partition(": ")[2]])
        raise ValidationError(subject, [problem])
    return value


def _cut(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_learner_id(learner_id: Any) -> str:
    """A learner id: a non-empty string of at most 200 characters, with no control
    characters or lone surrogates (:data:`MAX_LENGTH`)."""
    if (
        type(learner_id) is str
        and 0 < len(learner_id) <= 200
        and _FORBIDDEN.search(learner_id) is None
    ):
        return learner_id
    problem = name_problem("learner_id", learner_id)
    if problem is not None:
        raise ValidationError(
            "learner_id",
            [
                f"{problem.partition(': ')[2]}; identify learners by strings, "
                "e.g. str(user.id) or 'agent-0'"
            ],
        )
    return learner_id
