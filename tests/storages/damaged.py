"""A corpus of damaged, foreign and hostile SQLite databases, generated in a folder.

Each :class:`Case` builds one database from a healthy teachkit database (a few asks and
tells, a snapshot after the start) and names the error loading it must raise. Nothing is
committed: the files are made in a temporary folder by :func:`corpus`.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import teachkit as tk
from teachkit.errors import (
    CurriculumNotFoundError,
    SchemaVersionError,
    StorageError,
    TeachkitError,
    ValidationError,
)

NAME = "math"


@dataclass(frozen=True)
class Case:
    """One database of the corpus: how to make it and what loading it must raise."""

    name: str
    make: Callable[[Path, Path], Path]  # (healthy file, folder) -> the file to load
    error: type[TeachkitError]
    match: str


def healthy(folder: Path) -> Path:
    """A teachkit database with curriculum ``NAME``: 12 ops, snapshots at 0, 5 and 10."""
    path = folder / "healthy.db"
    space = tk.spaces.Discrete(["add", "sub", "mul"])
    teacher = tk.teachers.TSCL(space, seed=3)
    with tk.Curriculum(teacher, f"sqlite:///{path}", NAME, snapshot_every=5) as cur:
        for i in range(6):
            a = cur.ask(f"l{i % 2}")
            cur.tell(a, tk.Outcome(score=float(i % 3 == 0)))
    fold_wal(path)
    return path


def fold_wal(path: Path) -> None:
    """Move the write-ahead log into the file, so that the file alone is the database (it
    stays in WAL mode, as teachkit leaves it)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _copy(src: Path, folder: Path, name: str) -> Path:
    dst = folder / f"{name}.db"
    shutil.copy(src, dst)
    return dst


def _sql(*statements: str, params: tuple[object, ...] = ()) -> Callable[[Path, Path], Path]:
    def make(src: Path, folder: Path) -> Path:
        dst = _copy(src, folder, f"sql-{zlib.crc32(repr((statements, params)).encode())}")
        conn = sqlite3.connect(dst)
        for s in statements:
            conn.execute(s, params if "?" in s else ())
        conn.commit()
        conn.close()
        return dst

    return make


def _random_bytes(src: Path, folder: Path) -> Path:
    dst = folder / "random.db"
    dst.write_bytes(random.Random(0).randbytes(16384))
    return dst


def _truncated(src: Path, folder: Path) -> Path:
    data = src.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    dst = folder / "truncated.db"
    dst.write_bytes(data[: 3 * page])
    return dst


def _corrupt_events(src: Path, folder: Path, name: str = "corrupt-pages") -> Path:
    """Overwrite the pages of the event table (its B-tree root) with noise."""
    dst = _copy(src, folder, name)
    conn = sqlite3.connect(dst)
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'teachkit_events'"
    ).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(dst.read_bytes())
    noise = random.Random(1).randbytes(page)
    data[(root - 1) * page : root * page] = noise
    dst.write_bytes(bytes(data))
    return dst


def _newer_and_corrupt(src: Path, folder: Path) -> Path:
    """A revision that looks newer, in a file whose pages are corrupt: damage, not a newer
    teachkit (SQLite's own check tells them apart)."""
    newer = _sql("UPDATE teachkit_alembic_version SET version_num = '0099'")(src, folder)
    return _corrupt_events(newer, folder, "newer-and-corrupt")


def _snapshot(blob: bytes, *, seq: str = "seq > 0") -> Callable[[Path, Path], Path]:
    def make(src: Path, folder: Path) -> Path:
        dst = _copy(src, folder, f"snapshot-{zlib.crc32(blob + seq.encode())}")
        conn = sqlite3.connect(dst)
        conn.execute(f"UPDATE teachkit_snapshots SET state = ? WHERE {seq}", (blob,))
        conn.commit()
        conn.close()
        return dst

    return make


def _hostile_rng() -> bytes:
    state = {"version": 1, "class": "TSCL", "state": {"_rng": {"__tk__": "rng"}}}
    state["state"]["_rng"] = {"__tk__": "rng", "bit_generator": "seed", "state": {}}
    return zlib.compress(json.dumps(state).encode())


def _config(teacher: object) -> str:
    return json.dumps({"teacher": teacher, "lease_seconds": None, "snapshot_every": 5})


def _missing(src: Path, folder: Path) -> Path:
    return folder / "missing" / "nothing.db"


def _empty(src: Path, folder: Path) -> Path:
    dst = folder / "empty.db"
    dst.write_bytes(b"")
    return dst


def _foreign(src: Path, folder: Path) -> Path:
    dst = folder / "foreign.db"
    conn = sqlite3.connect(dst)
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
    conn.execute("INSERT INTO orders (item) VALUES ('tea')")
    conn.commit()
    conn.close()
    return dst


def _directory(src: Path, folder: Path) -> Path:
    dst = folder / "a-folder.db"
    dst.mkdir()
    return dst


DAMAGED = "damaged"
CASES: list[Case] = [
    # damage
    Case("random bytes", _random_bytes, StorageError, DAMAGED),
    Case("truncated file", _truncated, StorageError, DAMAGED),
    Case("corrupted pages", _corrupt_events, StorageError, DAMAGED),
    Case(
        "bad snapshot blob",
        _snapshot(b"\x00not a snapshot"),
        StorageError,
        r"snapshot after op 10 .* is damaged.*snapshots=False",
    ),
    Case(
        "truncated snapshot",
        _snapshot(zlib.compress(b'{"version": 1, "class": "TSCL"')[:-4]),
        StorageError,
        "snapshot after op 10 .* is damaged",
    ),
    Case(
        "bad starting state",
        _sql(
            "DELETE FROM teachkit_snapshots WHERE seq > 0",
            "UPDATE teachkit_snapshots SET state = x'789c' WHERE seq = 0",
        ),
        StorageError,
        "starting state .* is damaged.*restore the database from a backup",
    ),
    Case(
        "damaged event rows",
        _sql("UPDATE teachkit_events SET rewards = '[1, ' WHERE op_seq = 12"),
        StorageError,
        "op 12 of curriculum 'math' is damaged \\(its events",
    ),
    Case(
        "an event on an unknown task",
        _sql("UPDATE teachkit_events SET task = 'div' WHERE op_seq = 12"),
        StorageError,
        "op 12 of curriculum 'math' is damaged",
    ),
    Case("a table dropped", _sql("DROP TABLE teachkit_events"), StorageError, DAMAGED),
    Case(
        "no snapshot at all",
        _sql("DELETE FROM teachkit_snapshots"),
        StorageError,
        "no teacher snapshot .* damaged",
    ),
    Case(
        "bad config JSON",
        _sql('UPDATE teachkit_curricula SET config = \'{"teacher": {"cla\''),
        StorageError,
        "configuration of curriculum 'math' is damaged",
    ),
    Case(
        "config not an object",
        _sql("UPDATE teachkit_curricula SET config = '[1, 2]'"),
        StorageError,
        "configuration of curriculum 'math' is damaged",
    ),
    Case(
        "config without a teacher",
        _sql("UPDATE teachkit_curricula SET config = '{\"lease_seconds\": 5}'"),
        StorageError,
        "configuration of curriculum 'math' is damaged",
    ),
    Case(
        "garbage schema revision",
        _sql("UPDATE teachkit_alembic_version SET version_num = '#\x01?'"),
        StorageError,
        "no teachkit wrote.*damaged",
    ),
    Case(
        "newer schema",
        _sql("UPDATE teachkit_alembic_version SET version_num = '0099'"),
        SchemaVersionError,
        "newer teachkit",
    ),
    Case(
        "newer-looking revision on corrupt pages",
        _newer_and_corrupt,
        StorageError,
        DAMAGED,
    ),
    # hostile content
    Case(
        "unknown bit generator",
        _snapshot(_hostile_rng()),
        StorageError,
        "unknown bit generator 'seed'",
    ),
    Case(
        "class path that runs code on import",
        _sql("UPDATE teachkit_curricula SET config = ?", params=(_config({"class": "this:s"}),)),
        ValidationError,
        "'this:s' is not a registered teachkit class",
    ),
    Case(
        "class path naming a function",
        _sql(
            "UPDATE teachkit_curricula SET config = ?",
            params=(_config({"class": "os:system", "params": {"command": "echo owned"}}),),
        ),
        ValidationError,
        "'os:system' is not a registered teachkit class",
    ),
    # not a teachkit database
    Case("missing file", _missing, CurriculumNotFoundError, "there is no file"),
    Case("empty file", _empty, CurriculumNotFoundError, "empty SQLite database"),
    Case(
        "another application's database", _foreign, CurriculumNotFoundError, "another application"
    ),
    Case("a directory", _directory, StorageError, "is a directory"),
]


def corpus(folder: Path) -> list[tuple[Case, Path]]:
    """Every case's database, made in ``folder``."""
    src = healthy(folder)
    return [(case, case.make(src, folder)) for case in CASES]
