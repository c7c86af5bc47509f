"""Loading never writes, and damaged or hostile storage gives a clear error.

The corpus (``tests/storages/damaged.py``) is generated in a temporary folder: random
bytes, a truncated file, corrupted pages, bad snapshots, bad configurations, schema
revisions, hostile class paths and bit generators, and files that are not teachkit
databases. Each must raise its expected TeachkitError from ``Curriculum.load`` and from
``teachkit storage info`` where that reads it, leave every file byte for byte as it was,
and import or call nothing.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import teachkit as tk
from teachkit import _codec
from teachkit.cli import main
from teachkit.errors import CurriculumNotFoundError, StorageError, TeachkitError
from tests.storages.damaged import CASES, NAME, Case, corpus, healthy


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, Path]]:
    folder = tmp_path_factory.mktemp("corpus")
    return {case.name: (case, path) for case, path in corpus(folder)}


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file of a folder and its digest, but for what any reader of a database in WAL
    mode makes: the -shm index and an empty -wal log (no byte of the database)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_loading_the_corpus_gives_the_expected_error_and_writes_nothing(
    made: dict[str, tuple[Case, Path]], name: str
) -> None:
    case, path = made[name]
    before = _fingerprint(path.parent) if path.parent.exists() else None
    modules = set(sys.modules)
    rng_state = np.random.get_state()[1].copy()  # type: ignore[index]  # noqa: NPY002 - the global state is the point
    with pytest.raises(case.error, match=case.match):
        tk.Curriculum.load(f"sqlite:///{path}", NAME)
    after = _fingerprint(path.parent) if path.parent.exists() else None
    assert after == before, "a failed load changed or created files"
    assert not path.parent.exists() or path.exists() == (name != "missing file")
    assert "this" not in set(sys.modules) - modules, "a stored class path was imported"
    assert (np.random.get_state()[1] == rng_state).all()  # type: ignore[index]  # noqa: NPY002


def test_every_error_says_what_to_do(made: dict[str, tuple[Case, Path]]) -> None:
    for case, path in made.values():
        try:
            tk.Curriculum.load(f"sqlite:///{path}", NAME)
        except TeachkitError as exc:
            text = str(exc)
            assert str(path.name) in text or "sqlite" in text, case.name
            if isinstance(exc, StorageError) and case.match == "damaged":
                assert "backup" in text, case.name


def test_a_bad_snapshot_is_recovered_from_the_log(
    made: dict[str, tuple[Case, Path]], tmp_path: Path
) -> None:
    _, bad = made["bad snapshot blob"]
    good = healthy(tmp_path)
    expected = tk.Curriculum.load(f"sqlite:///{good}", NAME)
    before = _fingerprint(bad.parent)
    rebuilt = tk.Curriculum.load(f"sqlite:///{bad}", NAME, snapshots=False)
    assert _fingerprint(bad.parent) == before  # recovering reads only, too
    assert rebuilt.ops == expected.ops == 12
    assert rebuilt.teacher.state_bytes() == expected.teacher.state_bytes()
    assert rebuilt.peek("l0", 4) == expected.peek("l0", 4)
    rebuilt.snapshot()  # a good snapshot now stands after the bad one
    assert tk.Curriculum.load(f"sqlite:///{bad}", NAME).ops == 12


def test_creating_on_a_damaged_file_is_a_storage_error(
    made: dict[str, tuple[Case, Path]],
) -> None:
    teacher = tk.teachers.Uniform(tk.spaces.Discrete(["a"]), seed=0)
    for name in ("random bytes", "truncated file"):
        path = made[name][1]
        before = path.read_bytes()
        with pytest.raises(StorageError, match="damaged"):
            tk.Curriculum(teacher, f"sqlite:///{path}", "new")
        assert path.read_bytes() == before


def test_storage_info_reads_only(made: dict[str, tuple[Case, Path]], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    assert main(["storage", "info", f"sqlite:///{missing}"]) != 0
    assert not missing.exists()
    _, foreign = made["another application's database"]
    before = foreign.read_bytes()
    assert main(["storage", "info", f"sqlite:///{foreign}"]) == 0
    assert foreign.read_bytes() == before
    for name in ("random bytes", "truncated file"):
        path = made[name][1]
        before = path.read_bytes()
        assert main(["storage", "info", f"sqlite:///{path}"]) != 0
        assert path.read_bytes() == before


def test_a_storage_object_opened_for_loading_creates_nothing(tmp_path: Path) -> None:
    from teachkit.storages import get_storage

    with pytest.raises(CurriculumNotFoundError, match="no file"):
        get_storage(f"sqlite:///{tmp_path / 'x.db'}", create=False)
    assert os.listdir(tmp_path) == []


def test_a_decompression_bomb_is_refused_before_it_expands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3
    import zlib

    path = healthy(tmp_path)
    bomb = zlib.compress(b" " * (8 << 20), 9)
    assert len(bomb) < 10_000
    conn = sqlite3.connect(path)
    conn.execute("UPDATE teachkit_snapshots SET state = ? WHERE seq > 0", (bomb,))
    conn.commit()
    conn.close()
    monkeypatch.setattr(_codec, "MAX_STATE_BYTES", 1 << 20)
    with pytest.raises(StorageError, match="expands past 1048576 bytes"):
        tk.Curriculum.load(f"sqlite:///{path}", NAME)


def test_allowed_modules_load_classes_of_ones_own(tmp_path: Path) -> None:
    from teachkit.testing.generators import Corridors

    url = f"sqlite:///{tmp_path / 'own.db'}"
    space = tk.spaces.Generated(Corridors())
    tk.Curriculum(tk.teachers.ACCEL(space, seed=0), url).close()
    with pytest.raises(tk.errors.ValidationError, match=r"allow=\['teachkit.testing"):
        tk.Curriculum.load(url)
    with pytest.raises(tk.errors.ValidationError, match="allow"):
        tk.Curriculum.load(url, allow="teachkit.testing")  # type: ignore[arg-type]
    assert tk.Curriculum.load(url, allow=["teachkit.testing"]).ops == 0
