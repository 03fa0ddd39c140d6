"""`uncounted bench names`: the names layer's benchmark on the command line (the library does the work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `names` to the `uncounted bench` group; `app` is unused: the root app adds that group itself."""
    from uncounted.bench.names import bench_names_command
    from uncounted.cli.common import bench_app

    bench_app.command("names")(bench_names_command)
