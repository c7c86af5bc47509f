"""Suites: a simulator, the teachers to compare on it, seeds and a budget, from a TOML file."""

from __future__ import annotations

import dataclasses
import inspect
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teachkit._validation import did_you_mean, preview, unknown_name
from teachkit.errors import ValidationError

ORACLE = "oracle"
"""The teacher name that stands for the simulator's own oracle (``sim.oracle(seed)``)."""

_TOP_KEYS = ("name", "description", "simulator", "teachers", "seeds", "steps", "eval_every", "bins")
_SIM_KEYS = ("name", "n_learners", "params")
_TEACHER_KEYS = ("name", "label", "params", "per_learner")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def check_allow(allow: Any) -> tuple[str, ...]:
    """The modules a suite may name classes from, as a tuple of dotted module names."""
    if isinstance(allow, str) or not isinstance(allow, Sequence | set | frozenset):
        raise ValidationError(
            "allow", [f"expected a list of module names, e.g. ['mypkg.sims'], got {allow!r}"]
        )
    bad = [a for a in allow if not isinstance(a, str) or not _MODULE.fullmatch(a)]
    if bad:
        raise ValidationError(
            "allow", [f"expected dotted module names such as 'mypkg.sims', got {preview(bad)}"]
        )
    return tuple(allow)


def allowed_class(path: str, kind: str, base: type, allow: Sequence[str]) -> type:
    """The class at ``"module:Class"``, imported only when its module is ``allow``-ed.

    Suite files may come from elsewhere: a name outside the registry must not import a
    module (importing runs its code) unless the user named that module, or a package above
    it, explicitly. The object found must be a subclass of ``base``, so a suite cannot
    call a function such as ``os:system`` either.
    """
    from teachkit.registry import import_path

    module = path.partition(":")[0]
    if not any(module == a or module.startswith(a + ".") for a in allow):
        raise ValidationError(
            f"{kind} {path!r}",
            [
                f"is not a registered {kind} and its module {module!r} is not allowed "
                f"(allowed: {', '.join(allow) or 'none'}); use a registered name, or allow "
                f"the module if you trust its code: load_suite(..., allow=[{module!r}]) or "
                f"teachkit bench --allow {module}"
            ],
        )
    obj = import_path(path, kind)
    if not (isinstance(obj, type) and issubclass(obj, base)):
        raise ValidationError(
            f"{kind} {path!r}",
            [f"expected a subclass of {base.__name__}, got {type(obj).__name__} {obj!r}"],
        )
    return obj


def folder_name(name: str) -> str:
    """A suite name as one safe folder name: letters, digits, ``.``, ``_`` and ``-`` only,
    never ``..`` or hidden, at most 100 characters (``"../x"`` becomes ``"x"``).

    >>> folder_name("../../etc/passwd"), folder_name("/tmp/x y"), folder_name("..")
    ('etc-passwd', 'tmp-x-y', 'suite')
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name))
    safe = re.sub(r"\.{2,}", ".", safe).strip(".-")[:100].strip(".-")
    return safe or "suite"


@dataclass(frozen=True)
class TeacherSpec:
    """One teacher of a comparison: a registered name (or ``"module:Class"``, or ``"oracle"``),
    its keyword arguments, and the label results are reported under (default: the name).

    With ``per_learner=True`` every simulated learner gets its own copy of the teacher
    (the teacher is wrapped in :class:`~teachkit.teachers.PerLearner`): the setting of the
    papers whose teacher serves one agent, such as ALP-GMM.
    """

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""
    per_learner: bool = False

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name)

    def resolve(self, allow: Sequence[str] = ()) -> Any:
        """The teacher class, or None for the oracle.

        A registered name resolves through the registry; a ``"module:Class"`` path only
        when its module is in ``allow`` (see :func:`allowed_class`).
        """
        if self.name == ORACLE:
            return None
        from teachkit._teacher import BaseTeacher
        from teachkit.registry import TEACHERS, teacher_class

        if not isinstance(self.name, str):
            raise ValidationError("teacher", [f"expected a name (string), got {self.name!r}"])
        if ":" in self.name:
            return allowed_class(self.name, "teacher", BaseTeacher, allow)
        if self.name not in TEACHERS:
            raise unknown_name("teacher", self.name, [*TEACHERS, ORACLE])
        return teacher_class(self.name)


@dataclass(frozen=True)
class Suite:
    """What one benchmark compares.

    Args:
        name: reported in every row.
        simulator: a name from ``teachkit.registry.SIMULATORS`` or ``"module:Class"``.
        teachers: the teachers to compare (include ``"uniform"`` for win rates).
        seeds: the paired seeds: seed ``s`` builds the same simulated population for
            every teacher.
        steps: practice steps per run.
        eval_every: measure the population every this many steps (and at the end).
        n_learners: simulated learners per run.
        simulator_params: keyword arguments of the simulator.
        bins: histogram bins per dimension when recording which Box tasks were chosen.
        description: one line for reports.
        source: the file the suite was read from, if any.
        allow: modules whose classes ``simulator`` and ``teachers`` may name as
            ``"module:Class"`` (a package allows its submodules). Names outside the
            registry import nothing unless their module is allowed here; a suite file can
            never allow anything itself (:func:`load_suite` takes ``allow=``, ``teachkit
            bench`` takes ``--allow``).
    """

    name: str
    simulator: str
    teachers: tuple[TeacherSpec, ...]
    seeds: tuple[int, ...]
    steps: int
    eval_every: int
    n_learners: int = 32
    simulator_params: Mapping[str, Any] = field(default_factory=dict)
    bins: int = 10
    description: str = ""
    source: str | None = None
    allow: tuple[str, ...] = ()

    def simulator_class(self) -> Any:
        """The simulator class: a registered name, or an allowed ``"module:Class"``."""
        from teachkit.registry import simulator_class
        from teachkit.simulators import Simulator

        if not isinstance(self.simulator, str):
            raise ValidationError(
                "simulator", [f"expected a name (string), got {self.simulator!r}"]
            )
        if ":" in self.simulator:
            return allowed_class(self.simulator, "simulator", Simulator, check_allow(self.allow))
        return simulator_class(self.simulator)

    def out_dir(self, root: str | os.PathLike[str] = "bench-results") -> Path:
        """Where results go by default: ``root/`` and the name as a safe folder name
        (:func:`folder_name`), so no suite name can point outside ``root``."""
        return Path(root) / folder_name(self.name)

    def replace(self, **changes: Any) -> Suite:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_zoo(
        cls, member: Any, teachers: Sequence[Any], seeds: int | Sequence[int] = 4
    ) -> Suite:
        """Run ``teachers`` on one :class:`~teachkit.simulators.zoo.ZooMember` over paired
        seeds (its learners change with the paired seed; the structure drawn from the
        member's own seed does not). Teachers are names, ``(name, params)`` pairs or
        :class:`TeacherSpec` objects."""
        specs = tuple(
            t
            if isinstance(t, TeacherSpec)
            else TeacherSpec(t[0], dict(t[1]))
            if isinstance(t, tuple)
            else TeacherSpec(str(t))
            for t in teachers
        )
        suite = cls(
            name=member.name,
            simulator=member.simulator,
            teachers=specs,
            seeds=tuple(range(seeds)) if isinstance(seeds, int) else tuple(seeds),
            steps=member.steps,
            eval_every=member.eval_every,
            n_learners=member.n_learners,
            simulator_params=dict(member.params),
            description=f"zoo member {member.name} ({member.split})",
        )
        suite.check()
        return suite

    def with_overrides(
        self,
        *,
        teachers: Sequence[str] | None = None,
        seeds: int | Sequence[int] | None = None,
        steps: int | None = None,
    ) -> Suite:
        """A copy with command-line overrides; a teacher named like one of the suite's
        keeps that teacher's parameters."""
        changes: dict[str, Any] = {}
        if teachers is not None:
            known = {t.label: t for t in self.teachers}
            changes["teachers"] = tuple(known.get(t) or TeacherSpec(t) for t in teachers)
        if seeds is not None:
            changes["seeds"] = _seed_tuple(seeds)
        if steps is not None:
            changes["steps"] = steps
            if _is_int(steps):  # else check() reports it
                changes["eval_every"] = min(self.eval_every, steps)
        suite = self.replace(**changes)
        suite.check()
        return suite

    def to_dict(self) -> dict[str, Any]:
        """The suite as a dict in the TOML layout :func:`load_suite` reads."""
        return {
            "name": self.name,
            "description": self.description,
            "simulator": {
                "name": self.simulator,
                "n_learners": self.n_learners,
                "params": dict(self.simulator_params),
            },
            "teachers": [
                {
                    "name": t.name,
                    "label": t.label,
                    "params": dict(t.params),
                    **({"per_learner": True} if t.per_learner else {}),
                }
                for t in self.teachers
            ],
            "seeds": list(self.seeds),
            "steps": self.steps,
            "eval_every": self.eval_every,
            "bins": self.bins,
        }

    def check(self) -> None:
        """Resolve the simulator and teachers and check every setting; raise once for all."""
        problems = _check_suite(self)
        if problems:
            raise ValidationError(f"suite {self.source or self.name!r}", problems)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


MAX_SEEDS = 10_000
"""The most paired seeds a suite may ask for by number."""


def _seed_tuple(seeds: Any) -> tuple[Any, ...]:
    """Seeds given as a number (``range``) or as a list, for :meth:`Suite.with_overrides`."""
    if _is_int(seeds):
        if not 1 <= seeds <= MAX_SEEDS:
            raise ValidationError(
                "seeds", [f"expected a number of seeds in [1, {MAX_SEEDS:_}], got {seeds!r}"]
            )
        return tuple(range(seeds))
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence | set | frozenset):
        raise ValidationError("seeds", [f"expected a number or a list of seeds, got {seeds!r}"])
    return tuple(seeds)


def _unknown_keys(
    problems: list[str], where: str, table: Mapping[str, Any], allowed: Sequence[str]
) -> None:
    for key in table:
        if key not in allowed:
            problems.append(
                f"{where}{key}: unknown key{did_you_mean(key, allowed)}; expected one of {', '.join(allowed)}"
            )


def _unknown_params(
    problems: list[str], where: str, cls: Any, params: Mapping[str, Any], skip: Sequence[str]
) -> None:
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError, OverflowError):  # pragma: no cover - builtins without signatures
        return
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return
    allowed = [n for n in sig.parameters if n not in skip]
    for key in params:
        if key not in allowed:
            problems.append(
                f"{where}{key}: {cls.__name__} takes no parameter {key!r}"
                f"{did_you_mean(key, allowed)}; it takes {', '.join(allowed) or 'none'}"
            )


def _check_suite(suite: Suite, *, simulator: bool = True) -> list[str]:
    problems: list[str] = []
    allow: tuple[str, ...] = ()
    try:
        allow = check_allow(suite.allow)
    except ValidationError as exc:
        problems.append(str(exc))
    sim_cls = None
    if simulator:
        try:
            sim_cls = suite.replace(allow=allow).simulator_class()
        except ValidationError as exc:
            problems.append(f"simulator.name: {exc}")
    if sim_cls is not None:
        _unknown_params(
            problems, "simulator.params.", sim_cls, suite.simulator_params, ("n_learners", "seed")
        )
    if not _is_int(suite.n_learners) or suite.n_learners < 1:
        problems.append(f"simulator.n_learners: expected an integer >= 1, got {suite.n_learners!r}")
    if not suite.teachers:
        problems.append("teachers: expected at least one teacher, got none")
    labels: set[str] = set()
    for i, t in enumerate(suite.teachers):
        where = f"teachers[{i}]."
        if t.label in labels:
            problems.append(
                f"{where}label: {t.label!r} is used twice; give one of them a different label"
            )
        labels.add(t.label)
        try:
            cls = t.resolve(allow)
        except ValidationError as exc:
            problems.append(f"{where}name: {exc}")
            continue
        if cls is not None:
            _unknown_params(problems, f"{where}params.", cls, t.params, ("space", "seed"))
        elif t.params:
            problems.append(
                f"{where}params: the oracle takes no parameters, got {dict(t.params)!r}"
            )
    if not suite.seeds:
        problems.append("seeds: expected at least one seed, got none")
    elif not all(_is_int(s) and s >= 0 for s in suite.seeds):
        problems.append(f"seeds: expected integers >= 0, got {list(suite.seeds)!r}")
    elif len(set(suite.seeds)) != len(suite.seeds):
        problems.append(f"seeds: expected distinct seeds, got {list(suite.seeds)!r}")
    if not _is_int(suite.steps) or suite.steps < 1:
        problems.append(f"steps: expected an integer >= 1, got {suite.steps!r}")
    elif not _is_int(suite.eval_every) or not 1 <= suite.eval_every <= suite.steps:
        problems.append(
            f"eval_every: expected an integer in [1, steps={suite.steps}], got {suite.eval_every!r}"
        )
    if not _is_int(suite.bins) or not 1 <= suite.bins <= 100:
        problems.append(f"bins: expected an integer in [1, 100], got {suite.bins!r}")
    return problems


def _parse(
    data: Mapping[str, Any], name: str, source: str, allow: tuple[str, ...] = ()
) -> tuple[Suite | None, list[str]]:
    """A Suite from a parsed TOML table, and the type problems found on the way."""
    problems: list[str] = []
    _unknown_keys(problems, "", data, _TOP_KEYS)
    for key in ("simulator", "teachers", "seeds", "steps"):
        if key not in data:
            problems.append(f"{key}: missing (required keys: simulator, teachers, seeds, steps)")

    sim = data.get("simulator", {})
    if isinstance(sim, str):
        sim = {"name": sim}
    if not isinstance(sim, Mapping):
        problems.append(f"simulator: expected a table with name, n_learners, params, got {sim!r}")
        sim = {}
    _unknown_keys(problems, "simulator.", sim, _SIM_KEYS)
    if "simulator" in data and not isinstance(sim.get("name"), str):
        problems.append(
            f"simulator.name: expected a simulator name (string), got {sim.get('name')!r}"
        )
    sim_params = sim.get("params", {})
    if not isinstance(sim_params, Mapping):
        problems.append(
            f"simulator.params: expected a table of keyword arguments, got {sim_params!r}"
        )
        sim_params = {}

    teachers: list[TeacherSpec] = []
    raw_teachers = data.get("teachers", [])
    if not isinstance(raw_teachers, list):
        problems.append(f"teachers: expected a list of names or tables, got {raw_teachers!r}")
        raw_teachers = []
    for i, t in enumerate(raw_teachers):
        where = f"teachers[{i}]"
        if isinstance(t, str):
            t = {"name": t}
        if not isinstance(t, Mapping):
            problems.append(
                f"{where}: expected a name or a table with name, label, params, got {t!r}"
            )
            continue
        _unknown_keys(problems, f"{where}.", t, _TEACHER_KEYS)
        if not isinstance(t.get("name"), str):
            problems.append(
                f"{where}.name: expected a teacher name (string), got {t.get('name')!r}"
            )
            continue
        params = t.get("params", {})
        if not isinstance(params, Mapping):
            problems.append(
                f"{where}.params: expected a table of keyword arguments, got {params!r}"
            )
            params = {}
        label = t.get("label", "")
        if not isinstance(label, str):
            problems.append(f"{where}.label: expected a string, got {label!r}")
            label = ""
        per_learner = t.get("per_learner", False)
        if not isinstance(per_learner, bool):
            problems.append(f"{where}.per_learner: expected true or false, got {per_learner!r}")
            per_learner = False
        teachers.append(
            TeacherSpec(
                t["name"].strip().lower() if ":" not in t["name"] else t["name"],
                dict(params),
                label,
                per_learner,
            )
        )

    seeds = data.get("seeds", ())
    if _is_int(seeds):
        if not 1 <= seeds <= MAX_SEEDS:
            problems.append(
                f"seeds: expected a number of seeds in [1, {MAX_SEEDS:_}] or a list of seeds, "
                f"got {seeds!r}"
            )
        seeds = tuple(range(min(max(seeds, 0), MAX_SEEDS)))
    elif isinstance(seeds, list):
        seeds = tuple(seeds)
    else:
        problems.append(
            f"seeds: expected a number of seeds in [1, {MAX_SEEDS:_}] or a list of seeds, "
            f"got {seeds!r}"
        )
        seeds = ()
    steps = data.get("steps", 1)
    eval_every = data.get("eval_every", max(1, steps // 10) if _is_int(steps) else 1)
    for key, value in (
        ("name", data.get("name", name)),
        ("description", data.get("description", "")),
    ):
        if not isinstance(value, str):
            problems.append(f"{key}: expected a string, got {value!r}")
    suite = Suite(
        name=str(data.get("name", name)),
        simulator=str(sim.get("name", "")),
        teachers=tuple(teachers),
        seeds=seeds,
        steps=steps,
        eval_every=eval_every,
        n_learners=sim.get("n_learners", 32),
        simulator_params=dict(sim_params),
        bins=data.get("bins", 10),
        description=str(data.get("description", "")),
        source=source,
        allow=allow,
    )
    # Report the checks of every key that parsed, next to the type problems of the others.
    seen = {p.split(":")[0].split("[")[0].split(".")[0] for p in problems}
    checked = [
        p for p in _check_suite(suite) if p.split(":")[0].split("[")[0].split(".")[0] not in seen
    ]
    problems += checked
    return (None if problems else suite), problems


def load_suite(path: str | os.PathLike[str], *, allow: Sequence[str] = ()) -> Suite:
    """Read and check a suite file; every problem is reported at once, naming the key.

    Simulator and teacher names resolve through :mod:`teachkit.registry`; a
    ``"module:Class"`` name only when its module is in ``allow`` (nothing by default).
    """
    allow = check_allow(allow)
    p = Path(path)
    subject = f"suite file {str(p)!r}"
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(subject, [f"cannot be read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise ValidationError(
            subject, [f"expected UTF-8 text, got the byte 0x{exc.object[exc.start]:02x}"]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(subject, [f"is not valid TOML: {exc}"]) from exc
    suite, problems = _parse(data, p.stem, str(p), allow)
    if problems:
        raise ValidationError(subject, problems)
    assert suite is not None
    return suite


def suite_dirs() -> list[Path]:
    """Where suite names are looked up: ``$TEACHKIT_SUITES`` (a path list), then
    ``./benchmarks/suites``, then the ``benchmarks/suites`` of the teachkit source tree."""
    dirs = [Path(d) for d in os.environ.get("TEACHKIT_SUITES", "").split(os.pathsep) if d]
    dirs.append(Path.cwd() / "benchmarks" / "suites")
    dirs.append(Path(__file__).resolve().parents[2] / "benchmarks" / "suites")
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def list_suites() -> dict[str, Path]:
    """Suite name -> file, over :func:`suite_dirs` (the first directory wins)."""
    found: dict[str, Path] = {}
    for d in suite_dirs():
        for f in sorted(d.glob("*.toml")):
            found.setdefault(f.stem, f)
    return found


def find_suite(name_or_path: str | os.PathLike[str], *, allow: Sequence[str] = ()) -> Suite:
    """A suite by file path, or by name from :func:`list_suites` (``allow``: see
    :func:`load_suite`)."""
    text = str(name_or_path)
    if text.endswith(".toml") or os.sep in text or Path(text).is_file():
        return load_suite(text, allow=allow)
    known = list_suites()
    if text not in known:
        where = ", ".join(str(d) for d in suite_dirs()) or "no suite directory found"
        raise ValidationError(
            "unknown suite",
            [
                f"{text!r}{did_you_mean(text, known)}; known: {', '.join(sorted(known)) or 'none'} "
                f"(looked in {where}); pass a path to a .toml file to use another"
            ],
        )
    return load_suite(known[text], allow=allow)
