"""Telling a missing, foreign or damaged database apart, without writing to it.

Loading is read-only: before a SQLite file is opened for a load, :func:`check_sqlite_file`
reads it through a read-only connection, so a missing file is not created and a database
of another application gets no tables. Damage found on the way (a file that is not a
database, a truncated one, corrupted pages) becomes a :class:`StorageError` saying what is
damaged and what to do (:func:`damaged`), never a raw driver error.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from teachkit.errors import CurriculumNotFoundError, StorageError

RESTORE = (
    "Nothing was changed. Restore the database from a backup: teachkit cannot repair it "
    "(only a damaged teacher snapshot can be rebuilt from the log, and the error then says so)"
)


def damaged(url: str, exc: BaseException, what: str = "the database") -> StorageError:
    """The error for damaged storage: what is damaged, what the driver said, what to do."""
    detail = getattr(exc, "orig", None) or exc
    return StorageError(
        f"{url}: {what} is damaged or is not a teachkit database "
        f"({type(detail).__name__}: {detail}). {RESTORE}"
    )


def not_found(url: str, why: str) -> CurriculumNotFoundError:
    """The error for a database that holds no curricula (missing, empty or foreign)."""
    return CurriculumNotFoundError(
        f"{url}: {why}, so it holds no curricula; nothing was created or changed. Check the "
        f"URL, or create a curriculum there with Curriculum(teacher, storage={url!r}, name=...)"
    )


def check_sqlite_file(path: str, url: str, *, tables: bool = True) -> None:
    """Raise unless ``path`` is an existing SQLite database (with teachkit's tables, unless
    ``tables`` is False); reads only (a read-only connection: the file is neither created
    nor changed)."""
    file, need = Path(path), tables
    if not file.exists():
        raise not_found(url, f"there is no file at {file.resolve()}")
    if file.is_dir():
        raise StorageError(f"{url}: {file.resolve()} is a directory, not a SQLite database file")
    if not os.access(file, os.R_OK):
        raise StorageError(f"{url}: {file.resolve()} cannot be read (permission denied)")
    try:
        conn = sqlite3.connect(f"file:{quote(str(file.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"{url}: cannot open {file.resolve()} ({exc})") from None
    try:
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise damaged(url, exc, f"the file {file.resolve()}") from None
    finally:
        conn.close()
    if need and "teachkit_curricula" not in found:
        kind = (
            "an empty SQLite database" if not found else "a SQLite database of another application"
        )
        raise not_found(url, f"{file.resolve()} is {kind} without teachkit's tables")


__all__ = ["RESTORE", "check_sqlite_file", "damaged", "not_found"]
