"""The `uncounted` command line: a thin shell over the library.

Each command group lives in its own module with a `register(app)` function, so the groups stay small and
independent. `main()` turns our errors into one sentence on stderr: exit 2 for bad input, 1 for ours.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

import uncounted
from uncounted.cli import admin, estimate, names, pipeline, review, simulate, testimony, vault, web, workspace
from uncounted.cli.common import bench_app, err_console
from uncounted.errors import UncountedError

app = typer.Typer(
    name="uncounted",
    help="Count the victims no list recorded: ingest, link, estimate, weigh testimony, report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"uncounted {uncounted.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """uncounted: multiple systems estimation and testimony for documentation groups."""


for module in (pipeline, simulate, workspace, estimate, review, testimony, admin, vault, web, names):
    module.register(app)
app.add_typer(bench_app, name="bench", help="Measure speed and quality; figures go in benchmarks/RESULTS.md.")


def main() -> None:
    try:
        app()
    except UncountedError as exc:
        # The message may quote the user's own values, brackets included: never read them as markup.
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing half-written was kept.")
        sys.exit(130)
