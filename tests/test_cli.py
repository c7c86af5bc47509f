"""The command line: help and version (the demo: tests/benchmark/test_demo.py)."""

from __future__ import annotations

import pytest

from teachkit import __version__
from teachkit.cli import COMMANDS, build_parser, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert capsys.readouterr().out.strip() == f"teachkit {__version__}"


def test_unknown_command_fails(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["teach-me"])
    assert info.value.code == 2
    assert "invalid choice: 'teach-me'" in capsys.readouterr().err
