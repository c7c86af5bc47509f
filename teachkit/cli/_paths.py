"""Output folders of the command line: checked before any work, created only after.

A command checks its ``--out`` with :func:`check_out_dir` before it reads or runs
anything, so a mistyped path fails in a second, not after a long run; it creates the
folder with :func:`make_out_dir` only once every other input has been validated, so a
rejected command leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from teachkit.errors import ValidationError


def check_out_dir(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """``path`` as a Path, or a ValidationError when it cannot become an output folder.

    It must be a folder or not exist yet; the nearest existing folder above it must be
    writable. Nothing is created.
    """
    p = Path(path)
    try:
        os.fsencode(str(path))  # the file system's encoding (a lone surrogate cannot be)
        encodable = True
    except UnicodeEncodeError:
        encodable = False
    if str(path) == "" or "\x00" in str(path) or not encodable:
        raise ValidationError(option, [f"expected a folder path, got {str(path)!r}"])
    if p.exists() and not p.is_dir():
        raise ValidationError(
            option,
            [f"expected a folder, got the file {str(p)!r}; pass a new or existing folder"],
        )
    existing = p
    while not existing.exists():
        parent = existing.parent
        if parent == existing:
            break
        existing = parent
    if existing.exists() and not existing.is_dir():
        raise ValidationError(
            option, [f"cannot create {str(p)!r}: {str(existing)!r} is a file, not a folder"]
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == p else f" (its nearest existing folder {str(existing)!r} is not)"
        raise ValidationError(
            option,
            [f"expected a folder you can write to, got {str(p)!r}{where}; pass another --out"],
        )
    return p


def make_out_dir(path: Path, option: str = "--out") -> Path:
    """Create the output folder (and its parents), or raise a ValidationError saying why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(
            option, [f"cannot create the folder {str(path)!r}: {exc.strerror or exc}"]
        ) from None
    return path
