"""Fuzz the public entry points with generated hostile input (issue 12).

    python benchmarks/core/fuzz.py                        # 10,000 cases per entry point
    python benchmarks/core/fuzz.py --cases 500 --only cli,suite
    python benchmarks/core/fuzz.py --postgres URL         # curricula on PostgreSQL too

Every case must end in a result or a :class:`~teachkit.errors.TeachkitError` (for the
command line: a status, never a traceback), and a case that fails must not have written:
for the curriculum entry points, the curriculum's op count and the storage's last sequence
are compared before and after every failed call. The script prints, per entry point, the
counts of results, TeachkitErrors, other exceptions (by class, with the first example and
where it was raised) and writes on error, and exits 1 if any case was neither a result nor
a TeachkitError, or wrote on error.

Inputs are drawn from pools of values that broke things before (empty, huge and NUL-laden
strings, lone surrogates, path tricks, booleans where numbers belong, numbers as text,
NaN, 2**70, nested containers, numpy arrays of every kind) mixed with well-formed values,
so that cases go past the first check. ``teachkit serve`` is not fuzzed (a valid command
line would start a server); ``teachkit demo`` only with command lines that fail before
running (a valid one is a minute-long run).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

import teachkit as tk
from teachkit.errors import TeachkitError

# -- hostile values ---------------------------------------------------------------------------
STRINGS = [
    "", " ", "a", "alice", "agent-0", "x" * 300, "y" * 100_000, "a\x00b", "\ud800", "\udfff x",
    "名前", "😀", "../x", "../../etc/passwd", "/abs/path", "C:\\win", "a/b", "'; DROP TABLE x;--",
    "%s%n", "{0}", "\n", "\t", "default", "None", "nan", "0.5", "1", "-1", "True", "\x7f", "\u202e",
]  # fmt: skip
NUMBERS = [
    0, 1, -1, 2, 7, 10, 1024, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 2**70, -(2**70), 10**400,
    0.0, -0.0, 0.5, 1.0, 1.5, -0.1, 1e-300, 1e308, float("nan"), float("inf"), float("-inf"),
    np.int64(3), np.uint64(2**64 - 1), np.float32(0.25), np.float64("nan"), Fraction(1, 3),
]  # fmt: skip
OTHERS = [
    None, True, False, np.True_, b"bytes", 1 + 2j, object(), [], {}, (), [1, 2], [[1], [2, 3]],
    {"a": 1}, {1: "a"}, {"a", "b"}, range(3), np.array([]), np.array([1.0, 2.0]),
    np.array([[1.0]]), np.array(["a"]), np.array([True]), np.array([1, None], dtype=object),
    np.zeros((2, 0)), np.array(0.5), Ellipsis, float, print,
]  # fmt: skip


def value(rng: random.Random, depth: int = 0) -> Any:
    """Any value at all, hostile more often than not."""
    r = rng.random()
    if r < 0.3:
        return rng.choice(STRINGS)
    if r < 0.6:
        return rng.choice(NUMBERS)
    if r < 0.85 or depth > 1:
        return rng.choice(OTHERS)
    if r < 0.93:
        return [value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(value(rng, depth + 1))[:10]: value(rng, depth + 1) for _ in range(rng.randrange(3))}


def sometimes(rng: random.Random, good: Any, p: float = 0.6) -> Any:
    """``good`` with probability ``p``, else a hostile value."""
    return good if rng.random() < p else value(rng)


def learner_id(rng: random.Random) -> Any:
    return sometimes(rng, rng.choice(["alice", "bob", "agent-0", "s1"]), 0.5)


def score(rng: random.Random) -> Any:
    return sometimes(rng, rng.choice([0.0, 0.5, 1.0, 1, 0, np.float64(0.75)]), 0.5)


def outcome_kwargs(rng: random.Random) -> dict[str, Any]:
    keys = ["score", "reward", "success", "rewards", "advantages", "duration", "time"]
    kwargs: dict[str, Any] = {}
    for key in rng.sample(keys, rng.randrange(1, 4)):
        if key == "score":
            kwargs[key] = score(rng)
        elif key == "success":
            kwargs[key] = sometimes(rng, rng.choice([True, False, 1, 0]), 0.5)
        elif key in ("rewards", "advantages"):
            kwargs[key] = sometimes(rng, [rng.random() for _ in range(3)], 0.5)
        else:
            kwargs[key] = value(rng)
    return kwargs


def column(rng: random.Random, n: int, kind: str) -> Any:
    """A batch column: mostly well-shaped, sometimes with hostile items or shapes."""
    r = rng.random()
    if kind == "group":
        good: Any = np.asarray([[rng.random() for _ in range(3)] for _ in range(n)])
    elif kind == "flag":
        good = [rng.random() < 0.5 for _ in range(n)]
    else:
        good = [rng.random() for _ in range(n)]
    if r < 0.5:
        return good
    if r < 0.8 and n:
        bad = list(good)
        bad[rng.randrange(n)] = value(rng)
        return bad
    return value(rng)


def outcome_batch_kwargs(rng: random.Random, n: int) -> dict[str, Any]:
    kinds = {"score": "num", "reward": "num", "success": "flag", "duration": "num",
             "rewards": "group", "advantages": "group"}  # fmt: skip
    kwargs = {k: column(rng, n, kinds[k]) for k in rng.sample(list(kinds), rng.randrange(1, 3))}
    if rng.random() < 0.1:
        kwargs["time"] = value(rng)
    return kwargs


def an_outcome(rng: random.Random) -> Any:
    if rng.random() < 0.8:
        try:
            return tk.Outcome(**outcome_kwargs(rng))
        except TeachkitError:
            return tk.Outcome(score=rng.random())
    return value(rng)


# -- tallies ----------------------------------------------------------------------------------
@dataclass
class Tally:
    """What one entry point did over its cases."""

    cases: int = 0
    results: int = 0
    teachkit_errors: int = 0
    other: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    writes_on_error: int = 0
    write_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def run(self, fn: Callable[[], Any], describe: Callable[[], str]) -> bool:
        """Run one case; True when it ended in a TeachkitError."""
        self.cases += 1
        try:
            with quiet():
                fn()
        except TeachkitError:
            self.teachkit_errors += 1
            return True
        except Exception as exc:
            name = type(exc).__name__
            self.other[name] += 1
            if name not in self.examples:
                where = traceback.extract_tb(exc.__traceback__)[-1]
                self.examples[name] = (
                    f"{describe()[:300]} -> {name}: {str(exc)[:200]} "
                    f"(at {Path(where.filename).name}:{where.lineno})"
                )
            return False
        self.results += 1
        return False

    def wrote(self, what: str) -> None:
        self.writes_on_error += 1
        if len(self.write_examples) < 3:
            self.write_examples.append(what[:300])


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence what the entry points print (the CLI, progress bars, warnings)."""
    import logging
    import warnings

    sink = io.StringIO()
    with (
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


# -- entry points -----------------------------------------------------------------------------
TEACHERS = ["uniform", "sequential", "tscl", "target_difficulty", "mastery", "alp_gmm", "plr"]
"""The teachers curricula are created with (cheap to build and to ask)."""

WRAPPERS = ("per_learner", "rehearsal", "zero_variance_filter")


def a_space(rng: random.Random) -> Any:
    """A space built from partly hostile arguments (may raise)."""
    r = rng.random()
    if r < 0.45:
        names = [sometimes(rng, f"t{i}", 0.85) for i in range(rng.randrange(1, 6))]
        prereq = None
        if rng.random() < 0.2:
            prereq = sometimes(rng, {str(names[-1]): [names[0]]}, 0.5)
        return tk.spaces.Discrete(sometimes(rng, names, 0.8), prerequisites=prereq)
    if r < 0.7:
        return tk.spaces.Discrete(sometimes(rng, rng.randrange(1, 8), 0.7))
    dims = rng.randrange(1, 4)
    return tk.spaces.Box(sometimes(rng, [0.0] * dims, 0.8), sometimes(rng, [1.0] * dims, 0.8))


def a_teacher(rng: random.Random, space: Any, every: bool = False) -> Any:
    """A registered teacher with partly hostile hyperparameters (may raise): one of
    :data:`TEACHERS`, or with ``every`` any registered teacher that takes ``space``."""
    import inspect

    from teachkit.registry import TEACHERS as REGISTERED
    from teachkit.registry import teacher_class

    pool = list(REGISTERED) if every else TEACHERS
    names = [n for n in pool if isinstance(space, teacher_class(n).spaces)]
    name = rng.choice(names)
    cls = teacher_class(name)
    kwargs: dict[str, Any] = {"seed": sometimes(rng, rng.randrange(100), 0.8)}
    if name in WRAPPERS:
        kwargs["teacher"] = tk.teachers.Uniform(space, seed=0)
    params = [p for p in inspect.signature(cls).parameters if p not in ("space", "seed")]
    if params and rng.random() < 0.5:
        kwargs[rng.choice(params)] = value(rng)
    return cls(space, **kwargs)


class Curricula:
    """A few live curricula (in memory and SQLite, PostgreSQL when asked) to fuzz ask/tell on."""

    def __init__(self, rng: random.Random, tmp: Path, postgres: Any) -> None:
        self.rng = rng
        urls: list[Any] = [None, None, f"sqlite:///{tmp / 'fuzz.db'}"]
        if postgres is not None:
            urls.append(postgres)
        self.items: list[Any] = []
        for i, url in enumerate(urls):
            space = tk.spaces.Discrete(["add", "sub", "mul"]) if i % 2 else tk.spaces.Box([0], [1])
            teacher = (tk.teachers.Uniform if i % 2 == 0 else tk.teachers.TSCL)(space, seed=i)
            name = f"fuzz-{i}-{time.time_ns()}"
            self.items.append(tk.Curriculum(teacher, storage=url, name=name, lease=None))
        # per curriculum: assignments handed out and not told yet, and ones told
        self.open: dict[int, list[Any]] = {id(c): [] for c in self.items}
        self.told: dict[int, list[Any]] = {id(c): [] for c in self.items}

    def pick(self) -> Any:
        return self.rng.choice(self.items)

    def state(self, cur: Any) -> tuple[int, int]:
        return cur.ops, cur.storage.last_seq(cur.storage_id)

    def refill(self, cur: Any) -> None:
        """Keep a few open assignments to tell (not a fuzz case: well-formed asks)."""
        if len(self.open[id(cur)]) < 6:
            self.open[id(cur)].extend(cur.ask_many(self.rng.choice(["alice", "bob"]), 8))

    def target(self, cur: Any) -> Any:
        r = self.rng.random()
        open_, told = self.open[id(cur)], self.told[id(cur)]
        if r < 0.55 and open_:
            return open_.pop(self.rng.randrange(len(open_)))
        if r < 0.65 and told:
            return self.rng.choice(told)
        if r < 0.75 and open_:
            return int(self.rng.choice(open_).id)
        if r < 0.78:  # another curriculum's assignment
            other = self.open[id(self.rng.choice(self.items))]
            if other:
                return self.rng.choice(other)
        return value(self.rng)


def fuzz_create(rng: random.Random, n: int, tmp: Path, postgres: Any) -> Tally:
    tally = Tally()
    url = f"sqlite:///{tmp / 'create.db'}"
    stores = [None, url] + ([postgres] if postgres is not None else [])
    for i in range(n):
        storage = rng.choice(stores)
        kwargs: dict[str, Any] = {
            "name": sometimes(rng, f"c{i}", 0.6),
            "lease": sometimes(rng, None, 0.8),
            "snapshot_every": sometimes(rng, 100, 0.8),
        }
        before = None
        if storage is not None:
            with quiet():
                probe = tk.storages.get_storage(storage)
                before = sorted(probe.list_curricula())
                if isinstance(storage, str):
                    probe.close()

        made: list[Any] = []

        def case(storage: Any = storage, kwargs: dict[str, Any] = kwargs, made: Any = made) -> None:
            space = a_space(rng)
            made.append(space)
            made.append(a_teacher(rng, space))
            cur = tk.Curriculum(made[-1], storage=storage, **kwargs)
            cur.close()

        def describe(kwargs: dict[str, Any] = kwargs, made: Any = made) -> str:
            built = " ".join(repr(m)[:80] for m in made) or "(the space failed)"
            return f"{built}; Curriculum(teacher, {kwargs!r})"

        failed = tally.run(case, describe)
        if failed and storage is not None:
            probe = tk.storages.get_storage(storage)
            after = sorted(probe.list_curricula())
            if isinstance(storage, str):
                probe.close()
            if after != before:
                tally.wrote(f"create {kwargs!r}: curricula {len(before or [])} -> {len(after)}")
    return tally


def fuzz_curriculum(rng: random.Random, n: int, tmp: Path, postgres: Any, which: str) -> Tally:
    tally = Tally()
    pool = Curricula(rng, tmp, postgres)
    for _ in range(n):
        cur = pool.pick()
        before = pool.state(cur)
        if which == "ask":
            r = rng.random()
            lid = learner_id(rng)
            if r < 0.5:

                def case(cur: Any = cur, lid: Any = lid) -> None:
                    pool.open[id(cur)].append(cur.ask(lid))

                describe: Callable[[], str] = lambda lid=lid: f"ask({lid!r})"  # noqa: E731
            elif r < 0.85:
                k = sometimes(rng, rng.randrange(1, 64), 0.6)

                def case(cur: Any = cur, lid: Any = lid, k: Any = k) -> None:
                    pool.open[id(cur)].extend(list(cur.ask_many(lid, k))[:8])

                describe = lambda lid=lid, k=k: f"ask_many({lid!r}, {k!r})"  # noqa: E731
            else:
                k = sometimes(rng, rng.randrange(1, 8), 0.6)

                def case(cur: Any = cur, lid: Any = lid, k: Any = k) -> None:
                    cur.peek(lid, k)

                describe = lambda lid=lid, k=k: f"peek({lid!r}, {k!r})"  # noqa: E731
        elif which == "tell":
            pool.refill(cur)
            before = pool.state(cur)
            target, outcome = pool.target(cur), an_outcome(rng)
            extra: dict[str, Any] = {}
            if rng.random() < 0.2:
                extra["skip_if_finished"] = sometimes(rng, True, 0.5)
            if rng.random() < 0.2:
                extra["request_id"] = sometimes(rng, f"r{rng.randrange(50)}", 0.5)

            def case(cur: Any = cur, t: Any = target, o: Any = outcome, e: Any = extra) -> None:
                cur.tell(t, o, **e)
                pool.told[id(cur)].append(t)

            describe = lambda t=target, o=outcome, e=extra: f"tell({t!r}, {o!r}, {e!r})"  # noqa: E731
        else:  # tell_many
            pool.refill(cur)
            before = pool.state(cur)
            k = rng.randrange(0, 6)
            targets = [pool.target(cur) for _ in range(k)]
            if rng.random() < 0.5:
                items: Any = [(t, an_outcome(rng)) for t in targets]
                args: tuple[Any, ...] = (sometimes(rng, items, 0.9),)
            elif rng.random() < 0.5:
                m = k if rng.random() < 0.9 else rng.randrange(6)  # sometimes a length mismatch
                args = (targets, [an_outcome(rng) for _ in range(m)])
            else:
                try:
                    batch: Any = tk.OutcomeBatch(**outcome_batch_kwargs(rng, k))
                except TeachkitError:
                    batch = tk.OutcomeBatch(score=np.ones(k))
                args = (targets, batch)

            def case(cur: Any = cur, a: Any = args) -> None:
                cur.tell_many(*a)

            describe = lambda a=args: f"tell_many{a!r}"  # noqa: E731
        if tally.run(case, describe):
            after = pool.state(cur)
            if after != before:
                tally.wrote(f"{describe()}: (ops, last seq) {before} -> {after}")
    for cur in pool.items:
        if cur.storage is not postgres:  # the shared PostgreSQL storage closes at the end
            cur.close()
    return tally


def fuzz_outcome(rng: random.Random, n: int) -> Tally:
    tally = Tally()
    for _ in range(n):
        kwargs = outcome_kwargs(rng)
        tally.run(lambda k=kwargs: tk.Outcome(**k), lambda k=kwargs: f"Outcome(**{k!r})")
    return tally


def fuzz_outcome_batch(rng: random.Random, n: int) -> Tally:
    tally = Tally()
    for _ in range(n):
        kwargs = outcome_batch_kwargs(rng, rng.randrange(0, 5))
        tally.run(lambda k=kwargs: tk.OutcomeBatch(**k), lambda k=kwargs: f"OutcomeBatch(**{k!r})")
    return tally


def fuzz_space(rng: random.Random, n: int) -> Tally:
    """``Space.from_dict`` of mutated descriptions, and spaces built from hostile arguments."""
    tally = Tally()
    seeds = [
        tk.spaces.Discrete(["a", "b", "c"], prerequisites={"c": ["a"]}).to_dict(),
        tk.spaces.Discrete(["a", "b"], skills={"a": ["x"], "b": ["x", "y"]}).to_dict(),
        tk.spaces.Discrete(4).to_dict(),
        tk.spaces.Box([0, -1], [1, 1]).to_dict(),
    ]
    for _ in range(n):
        if rng.random() < 0.3:
            tally.run(lambda: a_space(rng), lambda: "a_space(...)")
            continue
        data: Any = json.loads(json.dumps(rng.choice(seeds)))
        for _ in range(rng.randrange(1, 3)):
            key = rng.choice([*data, "type", "extra"]) if isinstance(data, dict) else None
            if key is None:
                break
            if rng.random() < 0.15:
                data.pop(key, None)
            else:
                data[key] = value(rng)
        if rng.random() < 0.05:
            data = value(rng)
        tally.run(
            lambda d=data: tk.spaces.Space.from_dict(d, allow=()),
            lambda d=data: f"Space.from_dict({d!r})",
        )
    return tally


def fuzz_config(rng: random.Random, n: int) -> Tally:
    """``Component.from_config`` of teacher configs with hostile parameters, and teachers
    built directly with them."""
    from teachkit._component import Component
    from teachkit.registry import TEACHERS as REGISTERED

    tally = Tally()
    space = tk.spaces.Discrete(["a", "b", "c"])
    box = tk.spaces.Box([0, 0], [1, 1])
    for _ in range(n):
        if rng.random() < 0.5:
            made: list[Any] = []

            def case(made: Any = made) -> None:
                made.append(rng.choice([space, box]))
                a_teacher(rng, made[0], every=True)

            tally.run(case, lambda made=made: f"a teacher of every kind on {made!r}")
            continue
        try:  # a teacher that fails here is counted by the a_teacher cases
            with quiet():
                base = a_teacher(rng, rng.choice([space, box]), every=True).to_config()
        except Exception:
            base = tk.teachers.Uniform(space, seed=0).to_config()
        config: Any = json.loads(json.dumps(base, default=str))
        r = rng.random()
        if r < 0.2:
            config["class"] = rng.choice([*REGISTERED.values(), "os:system", "builtins:dict",
                                          "teachkit.teachers:Nope", value(rng)])  # fmt: skip
        elif r < 0.8 and isinstance(config.get("params"), dict) and config["params"]:
            config["params"][rng.choice(list(config["params"]))] = value(rng)
        else:
            config[rng.choice(["params", "class", "extra"])] = value(rng)
        tally.run(
            lambda c=config: Component.from_config(c, allow=()),
            lambda c=config: f"from_config({c!r})",
        )
    return tally


SUITE_KEYS = ["name", "description", "simulator", "teachers", "seeds", "steps", "eval_every",
              "bins", "extra"]  # fmt: skip


def toml_value(rng: random.Random) -> str:
    """A TOML value, or something that is not one."""
    return rng.choice([
        '"skill_graph"', '"grid_toy"', '"os:system"', '"booby:Trap"', '"../../x"', '""', "1",
        "0", "-3", "2.5", "true", "[1, 2]", "[]", '["uniform", "oracle"]', '{ name = "x" }',
        "{ preset = 3 }", '"\\u0000"', "9999999999999999999", "nan", "inf", "= =", '"unterminated',
        '[{ name = "uniform", params = { x = 1 } }]', '{ name = "skill_graph", n_learners = 0 }',
    ])  # fmt: skip


def fuzz_suite(rng: random.Random, n: int, tmp: Path) -> Tally:
    from teachkit.benchmark import load_suite

    tally = Tally()
    good = (
        'name = "ok"\nseeds = 2\nsteps = 4\neval_every = 2\n'
        '[simulator]\nname = "skill_graph"\nn_learners = 2\nparams = { preset = "arithmetic" }\n'
        '[[teachers]]\nname = "uniform"\n[[teachers]]\nname = "oracle"\n'
    )
    path = tmp / "suite.toml"
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            lines = good.splitlines()
            for _ in range(rng.randrange(1, 3)):
                i = rng.randrange(len(lines))
                key = lines[i].split("=")[0].strip() if "=" in lines[i] else rng.choice(SUITE_KEYS)
                lines[i] = f"{key} = {toml_value(rng)}"
            text = "\n".join(lines)
        elif r < 0.8:
            text = "\n".join(
                f"{rng.choice(SUITE_KEYS)} = {toml_value(rng)}" for _ in range(rng.randrange(6))
            )
        else:
            raw = bytearray(good.encode())
            for _ in range(rng.randrange(1, 6)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            path.write_bytes(bytes(raw))
            text = ""
        if text:
            path.write_text(text)
        allow = rng.choice([(), (), ("os",), ("tests.benchmark",)])

        def case(allow: Any = allow) -> None:
            suite = load_suite(path, allow=allow)
            suite.out_dir()
            suite.with_overrides(seeds=sometimes(rng, 1, 0.7), steps=sometimes(rng, 2, 0.7))

        tally.run(case, lambda t=text: f"load_suite({t!r})")
    return tally


class CliFiles:
    """Files the command line is pointed at: good, malformed and hostile."""

    def __init__(self, tmp: Path) -> None:
        d = tmp / "cli"
        d.mkdir()
        log = "learner,item,correct\na,q1,1\na,q2,0\nb,q1,1\nb,q2,1\nc,q1,0\nc,q2,1\n"
        (d / "log.csv").write_text(log)
        (d / "bom.csv").write_bytes(b"\xef\xbb\xbf" + log.encode())
        (d / "latin1.csv").write_bytes("learner,item,correct\nJosé,q1,1\n".encode("latin-1"))
        (d / "empty.csv").write_text("")
        (d / "ragged.csv").write_text("learner,item,correct\na,q1\n")
        (d / "bad.csv").write_text("learner,item,correct\na,q1,maybe\n")
        (d / "random.bin").write_bytes(bytes(random.Random(0).randrange(256) for _ in range(512)))
        (d / "fake.parquet").write_text(log)
        (d / "dkt.txt").write_text("2\n1,2\n1,0\n")
        (d / "folder").mkdir()
        (d / "file").write_text("x")
        (d / "garbage.db").write_bytes(b"not a database" * 100)
        good = (
            'seeds = 1\nsteps = 2\neval_every = 1\n[simulator]\nname = "skill_graph"\n'
            'n_learners = 2\nparams = { preset = "arithmetic" }\n[[teachers]]\nname = "uniform"\n'
        )
        (d / "ok.toml").write_text(good)
        (d / "escape.toml").write_text('name = "../../escape"\n' + good)
        (d / "os.toml").write_text(good.replace('"skill_graph"', '"os:system"'))
        (d / "broken.toml").write_text("seeds = = 1")
        self.dir = d
        self.paths = [str(p) for p in sorted(d.iterdir())] + [str(d / "missing.csv"), "/proc/1/x"]


def cli_argv(rng: random.Random, files: CliFiles) -> list[str]:
    def path() -> str:
        return rng.choice(files.paths)

    def junk() -> str:
        v = value(rng)
        return v if isinstance(v, str) else str(v)[:50]

    def url() -> str:
        return rng.choice([
            f"sqlite:///{path()}", f"sqlite:/{path()}", f"sqlite://{path()}", path(),
            "sqlite://", "postgresql+psycopg://u:pw@127.0.0.1:1/db", "mysql://x/y", junk(),
            f"sqlite:///{files.dir / 'new.db'}",
        ])  # fmt: skip

    command = rng.choice(
        ["fit", "fit", "bench", "bench", "storage", "storage", "keys", "demo", "x"]
    )
    argv: list[str] = []
    if command == "fit":
        argv = ["fit", "--data", path(), "--model", rng.choice(["elo", "irt", "pfa", "bkt", "x"])]
        for opt, choices in (
            ("--format", ["auto", "long", "pykt", "dkt", "pybkt", "review", junk()]),
            ("--seed", ["0", "-1", "x", "99999999999999999999"]),
            ("--folds", ["2", "0", "-1", "1"]),
            ("--unsorted", ["error", "sort", "x"]),
            ("--duplicates", ["error", "drop", "keep"]),
            ("--out", [str(files.dir / "out"), path(), junk()]),
        ):
            if rng.random() < 0.3:
                argv += [opt, rng.choice(choices)]
        if rng.random() < 0.3:
            argv.append("--eval")
    elif command == "bench":
        argv = ["bench", "--suite", rng.choice([path(), "arithmetic", "nope", junk()])]
        argv += [
            "--seeds",
            rng.choice(["1", "0", "-2", "x"]),
            "--steps",
            rng.choice(["1", "2", "0"]),
        ]
        if rng.random() < 0.3:
            argv += [
                "--teachers",
                rng.choice(["uniform", "uniform,oracle", ",", "os:system", junk()]),
            ]
        if rng.random() < 0.3:
            argv += ["--allow", rng.choice(["os", "tests", junk()])]
        if rng.random() < 0.5:
            argv += ["--out", rng.choice([str(files.dir / "bench"), path(), junk()])]
        argv.append("--no-progress")
        if rng.random() < 0.1:
            argv = ["bench", "--list"]
    elif command == "storage":
        argv = ["storage", rng.choice(["info", "upgrade", "info", "x"]), url()]
    elif command == "keys":
        action = rng.choice(["create", "list", "revoke"])
        argv = ["keys", action]
        if action == "create":
            argv += ["--tenant", rng.choice(["acme", "", junk()])]
        elif action == "revoke":
            argv.append(rng.choice(["tk_12345678", junk()]))
        argv += ["--storage", url()]
    elif command == "demo":  # only command lines that fail before running
        argv = ["demo", "--quick", "--no-progress"]
        argv += rng.choice(
            [["--out", path()], ["--seeds", rng.choice(["0", "-1"])], ["--out", "/proc/1/x"]]
        )
    else:
        argv = [junk() for _ in range(rng.randrange(4))]
    if rng.random() < 0.05:
        argv.insert(rng.randrange(len(argv) + 1), junk())
    return [a.replace("\x00", "") for a in argv]


def fuzz_cli(rng: random.Random, n: int, tmp: Path) -> Tally:
    from teachkit.cli import main

    files = CliFiles(tmp)
    tally = Tally()
    statuses: Counter[int] = Counter()
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        for _ in range(n):
            argv = cli_argv(rng, files)

            def case(argv: list[str] = argv) -> None:
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
                    code = exc.code if isinstance(exc.code, int) else 2
                statuses[code] += 1
                if code == 70:  # the guard caught an unexpected exception: a bug
                    raise RuntimeError(f"teachkit reported an internal error for {argv!r}")

            tally.run(case, lambda a=argv: f"main({a!r})")
    finally:
        os.chdir(cwd)
    print(f"  cli exit statuses: {dict(sorted(statuses.items()))}")
    return tally


@contextlib.contextmanager
def postgres_storage(url: str | None) -> Iterator[Any]:
    """A SQLStorage on ``url`` in a schema of its own, dropped afterwards (or None)."""
    if not url:
        yield None
        return
    import uuid

    import psycopg

    from teachkit.storages import SQLStorage
    from teachkit.storages._sql._storage import normalize_url

    schema = f"tk_fuzz_{uuid.uuid4().hex[:10]}"
    plain = normalize_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    storage = SQLStorage(
        url, engine_kwargs={"connect_args": {"options": f"-csearch_path={schema}"}}
    )
    try:
        yield storage
    finally:
        storage.close()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# -- driver -----------------------------------------------------------------------------------
ENTRIES = ["create", "ask", "tell", "tell_many", "outcome", "outcome_batch", "space", "config",
           "suite", "cli"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per entry point")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default=",".join(ENTRIES), help="comma-separated entries")
    parser.add_argument(
        "--postgres",
        default=None,
        help="also fuzz curricula on this PostgreSQL URL (in a schema created and dropped)",
    )
    parser.add_argument("--out", default=None, help="write the tallies as JSON here")
    parser.add_argument(
        "--memory-gb",
        type=float,
        default=4.0,
        help="address-space limit: an input that makes teachkit allocate without bound "
        "fails with MemoryError (counted) instead of the machine killing the process",
    )
    args = parser.parse_args()
    try:
        import resource

        limit = int(args.memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not Linux
        print("no memory limit set: an unbounded allocation may kill this process")
    chosen = [e.strip() for e in args.only.split(",") if e.strip()]
    unknown = [e for e in chosen if e not in ENTRIES]
    if unknown:
        parser.error(f"unknown entries {unknown}; choose from {', '.join(ENTRIES)}")
    tallies: dict[str, Tally] = {}
    print(f"{'entry point':<14}{'cases':>8}{'results':>9}{'Teachkit':>10}{'other':>7}"
          f"{'writes':>8}{'s':>7}")  # fmt: skip
    for k, entry in enumerate(chosen):
        rng = random.Random(args.seed * 1000 + k)
        with tempfile.TemporaryDirectory() as d, postgres_storage(args.postgres) as pg:
            tmp = Path(d)
            start = time.perf_counter()
            if entry == "create":
                tally = fuzz_create(rng, args.cases, tmp, pg)
            elif entry in ("ask", "tell", "tell_many"):
                tally = fuzz_curriculum(rng, args.cases, tmp, pg, entry)
            elif entry == "outcome":
                tally = fuzz_outcome(rng, args.cases)
            elif entry == "outcome_batch":
                tally = fuzz_outcome_batch(rng, args.cases)
            elif entry == "space":
                tally = fuzz_space(rng, args.cases)
            elif entry == "config":
                tally = fuzz_config(rng, args.cases)
            elif entry == "suite":
                tally = fuzz_suite(rng, args.cases, tmp)
            else:
                tally = fuzz_cli(rng, args.cases, tmp)
            tally.seconds = time.perf_counter() - start
        tallies[entry] = tally
        print(
            f"{entry:<14}{tally.cases:>8,}{tally.results:>9,}{tally.teachkit_errors:>10,}"
            f"{sum(tally.other.values()):>7,}{tally.writes_on_error:>8,}{tally.seconds:>7.1f}",
            flush=True,
        )
        for name, count in tally.other.most_common():
            print(f"    {count:>6,} {name}: {tally.examples[name]}")
        for example in tally.write_examples:
            print(f"    wrote on error: {example}")
    if args.out:
        Path(args.out).write_text(
            json.dumps(
                {
                    e: {
                        "cases": t.cases,
                        "results": t.results,
                        "teachkit_errors": t.teachkit_errors,
                        "other": dict(t.other),
                        "examples": t.examples,
                        "writes_on_error": t.writes_on_error,
                        "seconds": round(t.seconds, 1),
                    }
                    for e, t in tallies.items()
                },
                indent=2,
            )
        )
    bad = sum(sum(t.other.values()) + t.writes_on_error for t in tallies.values())
    print(f"\n{sum(t.cases for t in tallies.values()):,} cases; {bad:,} neither a result nor a "
          "TeachkitError, or written on error")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
