"""The documentation builds with `mkdocs build --strict` (no broken link, no page missing from the nav), and
docs/cli.md documents every command `uncounted --help` lists."""

import subprocess
import sys
from pathlib import Path

import typer

from uncounted.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_builds_strictly(tmp_path):
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "concepts" / "index.html").is_file()



def _commands(command, path: tuple[str, ...]) -> list[tuple[str, ...]]:  # noqa: ANN001 - a Typer command
    found = [path] if len(path) > 1 else []
    if hasattr(command, "list_commands"):
        context = typer.Context(command, info_name=path[-1])
        for name in command.list_commands(context):
            found += _commands(command.get_command(context, name), (*path, name))
    return found


def test_every_command_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(app), ("uncounted",))
    assert len(commands) >= 15
    missing = [" ".join(c) for c in commands if f"`{' '.join(c)}`" not in text]
    assert missing == [], f"not in docs/cli.md: {missing}"
