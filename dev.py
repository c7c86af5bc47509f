#!/usr/bin/env python3
"""Set up teachkit's virtual environment from pinned requirements and run a job.

    python3 dev.py demo        # the main job: `teachkit demo`
    python3 dev.py test        # ruff, mypy, the import layers and the whole test suite
    python3 dev.py lint        # ruff, mypy and the import layers only
    python3 dev.py bench-env   # also install the libraries benchmarks compare with

Every job first makes sure `.venv/` exists and matches `requirements/lock.txt` and
`pyproject.toml`; it is rebuilt when either changes. Only the Python standard library is
used here, so this works on a fresh machine with nothing but Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".teachkit-lock"


def _run(*cmd: object, **kwargs: object) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)  # type: ignore[arg-type]


def _check(*cmd: object) -> None:
    rc = _run(*cmd)
    if rc != 0:
        sys.exit(f"dev.py: command failed with exit status {rc}")


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()


def ensure_venv(extra: Path | None = None) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be run by an older Python
        sys.exit(
            f"teachkit needs Python 3.11 or newer, this is {sys.version.split()[0]}; "
            "run this script with python3.11"
        )
    lock = ROOT / "requirements" / "lock.txt"
    nodeps = ROOT / "requirements" / "nodeps.txt"
    files = [lock, nodeps, ROOT / "pyproject.toml"] + ([extra] if extra else [])
    want = _fingerprint(*files)
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if not PY.exists():
        _check(sys.executable, "-m", "venv", VENV)
    _check(PY, "-m", "pip", "install", "--quiet", "-r", lock)
    # packages whose declared dependencies would pull in far more than teachkit uses
    _check(PY, "-m", "pip", "install", "--quiet", "--no-deps", "-r", nodeps)
    if extra is not None:
        _check(PY, "-m", "pip", "install", "--quiet", "-r", extra)
    _check(PY, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ".")
    STAMP.write_text(want + "\n")


def lint() -> None:
    _check(PY, "-m", "ruff", "check", "teachkit", "tests", "benchmarks", "dev.py")
    _check(PY, "-m", "ruff", "format", "--check", "teachkit", "tests", "benchmarks", "dev.py")
    _check(PY, "-m", "mypy")
    # The layers and families of DESIGN.md ([tool.importlinter] in pyproject.toml).
    _check(BIN / "lint-imports", "--no-logo")


def main(argv: list[str]) -> int:
    job = argv[0] if argv else "help"
    rest = argv[1:]
    if job == "demo":
        ensure_venv()
        return _run(BIN / "teachkit", "demo", *rest)
    if job == "test":
        ensure_venv()
        lint()
        workers = rest or ["-n", "2"]
        # pytest exits with status 5 when it collects no tests, so an empty run fails here.
        return _run(PY, "-m", "pytest", *workers)
    if job == "lint":
        ensure_venv()
        lint()
        return 0
    if job == "bench-env":
        ensure_venv(extra=ROOT / "requirements" / "anchors.txt")
        # pyBKT's wheel is pure Python and its source build silently falls back to pure
        # Python when compiling fails: build it from source and check the C++ E-step is there.
        _check(
            PY,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-binary",
            "pyBKT",
            "--force-reinstall",
            "pyBKT==1.4.3",
        )
        found = list((VENV / "lib").glob("python3*/site-packages/pyBKT/fit/E_step*.so"))
        print(
            "pyBKT C++ build:", found[0] if found else "MISSING (benchmarks will say pure Python)"
        )
        return 0
    print(__doc__)
    return 0 if job in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
