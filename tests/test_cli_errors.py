"""Every command fails with one paragraph and a non-zero status, never a traceback.

A corpus of hostile command lines (issue 12, defect 6): files that are not what their name
says, folders where files belong and the reverse, databases that are not teachkit's or are
newer, a server that is not there. Each case names the message it expects; none may leave
an output folder behind.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from teachkit.cli import DEBUG_ENV, main

LOG = "learner,item,correct\na,q1,1\na,q2,0\nb,q1,1\nb,q2,1\nc,q1,0\nc,q2,1\n"


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def files(tmp: Path) -> dict[str, Path]:
    """The hostile inputs, written into ``tmp``."""
    (tmp / "latin1.csv").write_bytes("learner,item,correct\nJosé,q1,1\n".encode("latin-1"))
    (tmp / "folder").mkdir()
    (tmp / "a-file").write_text("not a folder\n")
    (tmp / "fake.parquet").write_text(LOG)
    (tmp / "log.csv").write_text(LOG)
    (tmp / "garbage.db").write_bytes(b"this is not SQLite\x00" * 64)
    (tmp / "empty.csv").write_bytes(b"\xef\xbb\xbf")
    newer = sqlite3.connect(tmp / "newer.db")
    newer.execute("CREATE TABLE teachkit_alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    newer.execute("INSERT INTO teachkit_alembic_version VALUES ('9999_from_the_future')")
    newer.commit()
    newer.close()
    return {p.name: p for p in tmp.iterdir()}


Case = tuple[str, Callable[[dict[str, Path], Path], list[str]], str | tuple[str, ...]]

CASES: list[Case] = [
    (
        "csv not utf-8",
        lambda f, out: ["fit", "--data", str(f["latin1.csv"]), "--model", "elo", "--out", str(out)],
        "expected UTF-8 text, got the byte 0xe9 on line 2",
    ),
    (
        "csv with only a byte-order mark",
        lambda f, out: ["fit", "--data", str(f["empty.csv"]), "--model", "elo", "--out", str(out)],
        "expected a header row, got an empty file",
    ),
    (
        "data is a folder",
        lambda f, out: ["fit", "--data", str(f["folder"]), "--model", "elo", "--out", str(out)],
        "data file: expected a file, got the directory",
    ),
    (
        "data missing",
        lambda f, out: ["fit", "--data", str(f["folder"] / "x.csv"), "--model", "irt"],
        "data file: no such file",
    ),
    (
        "parquet that is not parquet",
        lambda f, out: ["fit", "--data", str(f["fake.parquet"]), "--model", "elo", "--out", str(out)],
        "expected a Parquet file, got one pyarrow cannot read",
    ),
    (
        "fit --out is a file",
        lambda f, out: ["fit", "--data", str(f["log.csv"]), "--model", "elo", "--out", str(f["a-file"])],
        "--out: expected a folder, got the file",
    ),
    (
        "fit --out under a file",
        lambda f, out: ["fit", "--data", str(f["log.csv"]), "--model", "elo", "--out", str(f["a-file"] / "x")],
        "is a file, not a folder",
    ),
    (
        "fit --out unwritable",
        lambda f, out: ["fit", "--data", str(f["log.csv"]), "--model", "elo", "--out", "/proc/1/teachkit-out"],
        "--out:",
    ),
    (
        "fit --out not encodable",
        lambda f, out: ["fit", "--data", str(f["log.csv"]), "--model", "elo", "--out", "\ud800"],
        "--out: expected a folder path, got '\\ud800'",
    ),
    (
        "fit with an unknown model option",
        lambda f, out: ["fit", "--data", str(f["log.csv"]), "--model", "elo:nope=1", "--out", str(out)],
        "elo has no option 'nope'",
    ),
    (
        "bench --out is a file",
        lambda f, out: ["bench", "--suite", "arithmetic", "--out", str(f["a-file"])],
        "--out: expected a folder, got the file",
    ),
    (
        "demo --out is a file",
        lambda f, out: ["demo", "--quick", "--out", str(f["a-file"])],
        "--out: expected a folder, got the file",
    ),
    (
        "demo --seeds 0",
        lambda f, out: ["demo", "--quick", "--seeds", "0", "--out", str(out)],
        "--seeds: expected an integer >= 1, got 0",
    ),
    (
        "upgrade a file that is not a database",
        lambda f, out: ["storage", "upgrade", f"sqlite:///{f['garbage.db']}"],
        "this is not a readable database (file is not a database)",
    ),
    (
        "info on a file that is not a database",
        lambda f, out: ["storage", "info", f"sqlite:///{f['garbage.db']}"],
        # the storage's own check (read-only load) or the command's, whichever runs first
        ("this is not a readable database", "is damaged or is not a teachkit database"),
    ),
    (
        "upgrade a newer schema",
        lambda f, out: ["storage", "upgrade", f"sqlite:///{f['newer.db']}"],
        "schema revision '9999_from_the_future', which this teachkit does not know",
    ),
    (
        "info on a missing database",
        lambda f, out: ["storage", "info", f"sqlite:///{f['folder'] / 'none.db'}"],
        ("expected an existing SQLite database", "there is no file at"),
    ),
    (
        "upgrade a folder",
        lambda f, out: ["storage", "upgrade", f"sqlite:///{f['folder']}"],
        "a folder, not a database file",
    ),
    (
        "sqlite url with one slash",
        lambda f, out: ["storage", "info", "sqlite:/x.db"],
        "(did you mean 'sqlite:///x.db' (x.db in the current folder) or 'sqlite:////x.db'",
    ),
    (
        "sqlite url with two slashes",
        lambda f, out: ["storage", "info", "sqlite://x.db"],
        "(did you mean 'sqlite:///x.db'?)",
    ),
    (
        "a bare path as url",
        lambda f, out: ["storage", "upgrade", "runs/x.db"],
        "(did you mean 'sqlite:///runs/x.db'?)",
    ),
    (
        "unreachable postgresql",
        lambda f, out: ["storage", "info", f"postgresql+psycopg://u:secret@127.0.0.1:{closed_port()}/db"],
        "cannot open the database",
    ),
    (
        "suite file not utf-8",
        lambda f, out: ["bench", "--suite", str(f["latin1.csv"].rename(f["latin1.csv"].with_suffix(".toml")))],
        "expected UTF-8 text",
    ),
    (
        "suite is a folder",
        lambda f, out: ["bench", "--suite", str(f["folder"]) + "/", "--out", str(out)],
        "cannot be read",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_command_lines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: Callable[[dict[str, Path], Path], list[str]],
    expected: str | tuple[str, ...],
) -> None:
    given = files(tmp_path)
    out = tmp_path / "out" / "deeper"
    args = argv(given, out)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    head = f"teachkit {args[0]}: error: "
    assert head in err  # after any progress bar
    message = err[err.index(head) :]
    assert any(e in message for e in ((expected,) if isinstance(expected, str) else expected))
    assert "\n\n" not in message.strip()  # one paragraph
    assert "secret" not in err  # passwords are not echoed
    assert not (tmp_path / "out").exists()  # nothing created before validation
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written at all


def test_utf8_bom_in_a_csv_header_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "bom.csv"
    data.write_bytes(b"\xef\xbb\xbf" + LOG.encode())
    out = tmp_path / "fit"
    assert main(["fit", "--data", str(data), "--model", "elo", "--out", str(out)]) == 0
    assert "6 answers by 3 learners on 2 items" in capsys.readouterr().out
    assert (out / "metrics.json").is_file()


def test_unexpected_errors_say_bug_and_how_to_see_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import teachkit.cli._storage as storage_cli

    def broken(args: object) -> int:
        raise ZeroDivisionError("a defect\nover two lines")

    monkeypatch.setattr(storage_cli, "_info", broken)
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    assert main(["storage", "info", "sqlite:///x.db"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "teachkit storage: internal error: ZeroDivisionError: a defect over two lines." in err
    assert "This is a bug in teachkit" in err and f"{DEBUG_ENV}=1" in err and "--debug" in err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "storage", "info", "sqlite:///x.db"])
    monkeypatch.setenv(DEBUG_ENV, "1")
    with pytest.raises(ZeroDivisionError):
        main(["storage", "info", "sqlite:///x.db"])


def test_os_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import teachkit.cli._storage as storage_cli

    def full(args: object) -> int:
        raise OSError(28, "No space left on device", "/data/run.db")

    monkeypatch.setattr(storage_cli, "_info", full)
    assert main(["storage", "info", "sqlite:///x.db"]) == 1
    assert capsys.readouterr().err == (
        "teachkit storage: error: /data/run.db: No space left on device\n"
    )
