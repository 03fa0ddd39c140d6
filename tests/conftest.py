"""Fixtures shared by every test package."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest


@pytest.fixture
def run_cli(monkeypatch, capsys) -> Callable[..., tuple[int | None, str, str]]:
    """Run `uncounted ARGS...` through `main()` as a user would; returns (exit status, stdout, stderr).

    Through `main()`, not only the Typer app, because `main()` is what turns BadInput into exit status 2
    and one sentence on stderr.
    """
    from uncounted.cli import main

    def run(*args: object) -> tuple[int | None, str, str]:
        monkeypatch.setattr(sys, "argv", ["uncounted", *map(str, args)])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    return run
