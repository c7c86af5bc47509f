"""Readers for the interaction-log formats knowledge-tracing work uses.

Every reader returns a validated :class:`InteractionLog` and shares its policies: a learner
whose timestamps go backwards is an error unless ``unsorted="sort"``, and repeated rows are
an error unless ``duplicates="drop"`` or ``"keep"``; what was changed is reported.
"""

from __future__ import annotations

import csv
import io
import shlex
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from teachkit._validation import did_you_mean, preview
from teachkit.data._log import InteractionLog
from teachkit.errors import MissingDependencyError, ValidationError
from teachkit.spaces import Discrete


def _data_file(path: str | Path) -> Path:
    """``path`` as a Path, or a ValidationError when it is not a readable file."""
    p = Path(path)
    if not p.exists():
        raise ValidationError("data file", [f"no such file: {str(p)!r}"])
    if not p.is_file():
        raise ValidationError(
            "data file",
            [f"expected a file, got the directory {str(p)!r}; pass the log file inside it"],
        )
    return p


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file (a leading byte-order mark is dropped), or a ValidationError
    that says where the bytes stop being UTF-8 and how to convert the file."""
    p = _data_file(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "data file", [f"{str(p)!r} cannot be read: {exc.strerror or exc}"]
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            str(p),
            [
                f"expected UTF-8 text, got the byte 0x{data[exc.start]:02x} on line {line} "
                f"(byte offset {exc.start}); save the file as UTF-8, e.g. "
                f"iconv -f latin1 -t utf-8 {shlex.quote(str(p))} > fixed.csv"
            ],
        ) from None


def _read_parquet(p: Path) -> dict[str, list[str]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(
            "reading Parquet needs pyarrow: pip install 'teachkit[bench]'"
        ) from None
    try:
        table = pq.read_table(p)
    except (pa.ArrowException, OSError) as exc:
        raise ValidationError(
            str(p),
            [
                f"expected a Parquet file, got one pyarrow cannot read ({exc}); "
                "check the file, or rename a CSV file to .csv"
            ],
        ) from None
    return {
        name: ["" if v is None else str(v) for v in table.column(name).to_pylist()]
        for name in table.column_names
    }


def _read_table(path: str | Path) -> dict[str, list[str]]:
    """Columns of a CSV (stdlib) or Parquet (pyarrow) file, as lists of strings."""
    p = _data_file(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(p)
    try:
        reader = csv.reader(io.StringIO(read_text(p), newline=""))
        header = next(reader, None)
        if header is None:
            raise ValidationError(str(p), ["expected a header row, got an empty file"])
        header = [h.strip() for h in header]
        rows = list(reader)
    except csv.Error as exc:
        raise ValidationError(
            str(p), [f"expected CSV, got a line it cannot parse: {exc}"]
        ) from None
    bad = [i + 2 for i, r in enumerate(rows) if len(r) != len(header)]
    if bad:
        raise ValidationError(
            str(p), [f"expected {len(header)} fields per line, got others on lines {preview(bad)}"]
        )
    return {h: [r[j] for r in rows] for j, h in enumerate(header)}


_LONG_HINT = (
    ". Name the columns with read_long(learner=..., item=..., skills=..., correct=..., "
    "time=...) or, on the command line, --learner-col/--item-col/--skills-col/"
    "--correct-col/--time-col"
)


def _require(
    table: dict[str, list[str]], source: str, columns: dict[str, str | None], hint: str = ""
) -> None:
    missing = [
        f"{col!r} (the {role} column){did_you_mean(col, table)}"
        for role, col in columns.items()
        if col is not None and col not in table
    ]
    if missing:
        raise ValidationError(
            source,
            [f"missing columns: {', '.join(missing)}; the file has {sorted(table)}{hint}"],
        )


def parse_times(values: Sequence[str], source: str = "time") -> np.ndarray:
    """POSIX seconds from numbers or ISO 8601 strings (naive times are taken as UTC)."""
    out = np.empty(len(values))
    bad: list[int] = []
    for i, v in enumerate(values):
        v = v.strip()
        try:
            out[i] = float(v)
            continue
        except ValueError:
            pass
        try:
            t = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            bad.append(i)
            out[i] = np.nan
            continue
        out[i] = (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
    if bad:
        raise ValidationError(
            source,
            [
                f"expected POSIX seconds or ISO 8601 times, got "
                f"{', '.join(repr(values[i]) for i in bad[:3])} at rows {preview(bad)}"
            ],
        )
    return out


def read_long(
    path: str | Path,
    *,
    learner: str = "learner",
    item: str = "item",
    skills: str | None = "skills",
    correct: str = "correct",
    time: str | None = "timestamp",
    group: str | None = None,
    space: Discrete | None = None,
    unsorted: str = "error",
    duplicates: str = "error",
) -> InteractionLog:
    """Read a long CSV or Parquet file: one row per answer.

    Columns (names configurable): ``learner``, ``item``, ``skills`` (``;``-separated, optional:
    pass ``skills=None`` or leave the column out and each item is its own skill),
    ``correct`` (0/1), ``timestamp`` (POSIX seconds or ISO 8601; optional) and an optional
    learner ``group``.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
        >>> _ = f.write_text("learner,item,skills,correct,timestamp\\na,q1,add,1,10\\na,q2,add;mul,0,20\\n")
        >>> log = read_long(f)
        >>> len(log), log.space.skill_names
        (2, ('add', 'mul'))
    """
    table = _read_table(path)
    source = str(path)
    if skills is not None and skills not in table and skills == "skills":
        skills = None
    if time is not None and time not in table and time == "timestamp":
        time = None
    _require(
        table,
        source,
        {
            "learner": learner,
            "item": item,
            "skills": skills,
            "correct": correct,
            "time": time,
            "group": group,
        },
        hint=_LONG_HINT,
    )
    return InteractionLog.from_arrays(
        table[learner],
        table[item],
        table[correct],
        time=None if time is None else parse_times(table[time], f"{source}: {time}"),
        skills=None if skills is None else table[skills],
        groups=None if group is None else table[group],
        space=space,
        unsorted=unsorted,
        duplicates=duplicates,
        source=source,
    )


def read_pybkt(
    path: str | Path,
    *,
    space: Discrete | None = None,
    unsorted: str = "error",
    duplicates: str = "error",
) -> InteractionLog:
    """Read pyBKT's CSV: ``user_id, skill_name, correct`` plus optional ``order_id`` and
    ``problem_id`` (or ``template_id``) columns.

    Rows sharing a user and an ``order_id`` are one answer to an item with several skills
    (how ASSISTments exports multi-skill problems); they become one question-level row.
    Without ``order_id`` the file order is the time order. The item is ``problem_id``, else
    ``template_id``, else the skill set itself.
    """
    table = _read_table(path)
    source = str(path)
    _require(table, source, {"learner": "user_id", "skill": "skill_name", "correct": "correct"})
    users, skill, corr = table["user_id"], table["skill_name"], table["correct"]
    item_col = next((c for c in ("problem_id", "template_id") if c in table), None)
    order = table.get("order_id")
    keys: dict[tuple[str, str], int] = {}
    rows: list[list[Any]] = []
    for i in range(len(users)):
        key = (users[i], order[i] if order is not None else f"#{i}")
        if key in keys and order is not None:
            row = rows[keys[key]]
            if row[3] != corr[i]:
                raise ValidationError(
                    source,
                    [f"rows of user {users[i]!r}, order_id {order[i]!r} disagree on correct"],
                )
            if skill[i] not in row[2]:
                row[2].append(skill[i])
            continue
        keys[key] = len(rows)
        item = table[item_col][i] if item_col else ""
        rows.append([users[i], item, [skill[i]], corr[i], float(order[i]) if order else np.nan])
    items = [r[1] if item_col else "+".join(sorted(r[2])) for r in rows]
    return InteractionLog.from_arrays(
        [r[0] for r in rows],
        items,
        [r[3] for r in rows],
        time=None if order is None else [r[4] for r in rows],
        skills=[";".join(r[2]) for r in rows],
        space=space,
        unsorted=unsorted,
        duplicates=duplicates,
        source=source,
    )


def read_pykt(
    path: str | Path,
    *,
    space: Discrete | None = None,
    unsorted: str = "error",
    duplicates: str = "error",
) -> InteractionLog:
    """Read pyKT's sequence CSV (``train_valid_sequences.csv``, ``test_sequences.csv``).

    Columns: ``uid``, ``concepts``, ``responses`` and optional ``questions``,
    ``timestamps``, ``selectmasks``, ``is_repeat``; each cell is a comma-separated list
    padded with ``-1``. Rows of one ``uid`` (a long sequence pyKT cut into pieces) are
    joined. Expanded multi-concept rows (``is_repeat == 1``) are folded back into their
    question, so the log is question-level again; ``_``-joined concepts are split.
    """
    table = _read_table(path)
    source = str(path)
    _require(table, source, {"learner": "uid", "concepts": "concepts", "responses": "responses"})
    has_q = "questions" in table and any(v.strip() not in ("", "NA") for v in table["questions"])
    learners: list[str] = []
    items: list[str] = []
    skills: list[list[str]] = []
    correct: list[str] = []
    times: list[float] = []
    for r in range(len(table["uid"])):

        def cell(name: str, r: int = r) -> list[str]:
            v = table.get(name, [""] * (r + 1))[r].strip()
            return [x.strip() for x in v.split(",")] if v and v != "NA" else []

        concepts, responses = cell("concepts"), cell("responses")
        questions = cell("questions") if has_q else concepts
        stamps, masks, repeat = cell("timestamps"), cell("selectmasks"), cell("is_repeat")
        if len(questions) != len(concepts) or len(responses) != len(concepts):
            raise ValidationError(
                source, [f"row {r + 2}: questions, concepts and responses differ in length"]
            )
        for j, (q, c, y) in enumerate(zip(questions, concepts, responses)):
            if y == "-1" or (masks and masks[j] == "-1"):
                continue  # padding
            if repeat and repeat[j] == "1" and items and learners[-1] == table["uid"][r]:
                skills[-1].extend(s for s in c.split("_") if s not in skills[-1])
                continue
            learners.append(table["uid"][r])
            items.append(q if has_q else c)
            skills.append(c.split("_"))
            correct.append(y)
            times.append(float(stamps[j]) if stamps else np.nan)
    has_time = bool(times) and not np.isnan(times).all()
    return InteractionLog.from_arrays(
        learners,
        items,
        correct,
        time=times if has_time else None,
        skills=[";".join(s) for s in skills],
        space=space,
        unsorted=unsorted,
        duplicates=duplicates,
        source=source,
    )


def read_dkt(
    path: str | Path,
    *,
    space: Discrete | None = None,
    unsorted: str = "error",
    duplicates: str = "error",
) -> InteractionLog:
    """Read the three-lines-per-learner text format of the DKT and DKVMN repositories.

    Each learner is three lines: the number of answers, the comma-separated skill (or
    question) ids, and the comma-separated 0/1 answers. Learners are numbered by their
    position in the file; the line order is the time order (so ``unsorted`` and
    ``duplicates``, accepted for a uniform interface, never apply: there are no times).
    """
    source = str(path)
    lines = [ln.strip() for ln in read_text(path).splitlines() if ln.strip()]
    if len(lines) % 3:
        raise ValidationError(
            source, [f"expected three lines per learner, got {len(lines)} non-empty lines"]
        )
    learners: list[str] = []
    items: list[str] = []
    correct: list[str] = []
    problems: list[str] = []
    for k in range(0, len(lines), 3):
        ids = [x.strip() for x in lines[k + 1].split(",") if x.strip()]
        ys = [x.strip() for x in lines[k + 2].split(",") if x.strip()]
        try:
            n = int(lines[k])
        except ValueError:
            problems.append(f"line {k + 1}: expected a count, got {lines[k]!r}")
            continue
        if not (n == len(ids) == len(ys)):
            problems.append(
                f"learner {k // 3} (line {k + 1}): count {n}, {len(ids)} ids, {len(ys)} answers"
            )
            continue
        learners += [str(k // 3)] * n
        items += ids
        correct += ys
    if problems:
        raise ValidationError(source, problems)
    return InteractionLog.from_arrays(
        learners,
        items,
        correct,
        space=space,
        unsorted=unsorted,
        duplicates=duplicates,
        source=source,
    )


def read_review_log(
    path: str | Path,
    *,
    learner: str | None = None,
    card: str = "card_id",
    rating: str = "review_rating",
    time: str = "review_time",
    unsorted: str = "sort",
    duplicates: str = "error",
) -> InteractionLog:
    """Read a spaced-repetition review log (FSRS/Anki style): one row per review.

    Ratings 1..4 (Again, Hard, Good, Easy) become ``correct = rating > 1`` and
    ``score = (rating - 1) / 3``. A file without a learner column is one learner, ``"0"``.
    Review logs are often written card by card, so rows are sorted by time by default
    (reported in ``notes``).
    """
    table = _read_table(path)
    source = str(path)
    _require(table, source, {"learner": learner, "card": card, "rating": rating, "time": time})
    try:
        r = np.array([int(v) for v in table[rating]])
    except ValueError:
        raise ValidationError(source, [f"{rating}: expected integer ratings 1..4"]) from None
    bad = np.flatnonzero((r < 1) | (r > 4))
    if len(bad):
        raise ValidationError(
            source, [f"{rating}: expected ratings 1..4, got others at rows {preview(bad.tolist())}"]
        )
    n = len(r)
    return InteractionLog.from_arrays(
        table[learner] if learner else ["0"] * n,
        table[card],
        (r > 1).astype(np.float64),
        score=(r - 1) / 3.0,
        time=parse_times(table[time], f"{source}: {time}"),
        unsorted=unsorted,
        duplicates=duplicates,
        source=source,
    )


FORMATS = ("long", "pykt", "dkt", "pybkt", "review")


def detect_format(path: str | Path) -> str:
    """Guess a log's format from its name and header (see :data:`FORMATS`)."""
    p = _data_file(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        return "long"
    try:
        with p.open("rb") as fh:
            raw = fh.readline(65536)
    except OSError as exc:
        raise ValidationError(
            "data file", [f"{str(p)!r} cannot be read: {exc.strerror or exc}"]
        ) from None
    # the reader reports bytes that are not UTF-8; guessing needs only the header's words
    first = raw.decode("utf-8-sig", errors="replace").strip()
    header = {h.strip() for h in first.split(",")}
    if first.isdigit():
        return "dkt"
    if {"uid", "concepts", "responses"} <= header:
        return "pykt"
    if {"user_id", "skill_name", "correct"} <= header:
        return "pybkt"
    if {"card_id", "review_rating"} <= header:
        return "review"
    return "long"


def read_log(path: str | Path, *, format: str = "auto", **options: Any) -> InteractionLog:
    """Read a log in any supported format (``format="auto"`` guesses it).

    Options go to the reader (``unsorted=``, ``duplicates=``, column names for
    :func:`read_long`).
    """
    fmt = detect_format(path) if format == "auto" else format
    readers: dict[str, Any] = {
        "long": read_long,
        "pykt": read_pykt,
        "dkt": read_dkt,
        "pybkt": read_pybkt,
        "review": read_review_log,
    }
    if fmt not in readers:
        raise ValidationError(
            "format",
            [
                f"expected one of {', '.join(FORMATS)} or 'auto', got {fmt!r}{did_you_mean(fmt, FORMATS)}"
            ],
        )
    return readers[fmt](path, **options)
