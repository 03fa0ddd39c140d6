"""What every command shares: consoles, the workspace option, and progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)

#: `uncounted bench ...`: each command group adds its own benchmark here.
bench_app = typer.Typer(no_args_is_help=True)

WorkspaceOption = typer.Option(
    Path("."), "-w", "--workspace", help="Workspace folder (made by 'uncounted init').",
    envvar="UNCOUNTED_WORKSPACE",
)


AsOption = typer.Option(
    None,
    "--as",
    envvar="UNCOUNTED_USER",
    help="Your user name, once the workspace has users (password: UNCOUNTED_USER_PASSWORD or prompted).",
)


def signed_in(ws, name: str | None):  # type: ignore[no-untyped-def]  # store types load lazily
    """The acting user: the workspace's local operator while it has no users, else a signed-in user."""
    from uncounted.store import engines, users

    if name is None:
        return users.local_actor(ws)
    password = engines.read_secret(
        None,
        "UNCOUNTED_USER_PASSWORD",
        f"Password for {name}",
        "set UNCOUNTED_USER_PASSWORD or run in a terminal to sign in",
    )
    return users.authenticate(ws, name, password)


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[tuple[Progress, int]]:
    """A Rich progress bar (or spinner when the total is unknown) on stderr, so stdout stays parseable."""
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns.append(BarColumn())
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield bar, task
