"""Workspace commands: `init` makes a workspace, `ingest` imports a victim list into it."""

from __future__ import annotations

from pathlib import Path

import typer

from uncounted.cli.common import AsOption, WorkspaceOption, bench_app, console, progress, signed_in


def init(
    workspace: Path = typer.Argument(..., help="Folder to create the workspace in (must not hold one)."),
    encrypt: bool = typer.Option(
        False,
        "--encrypt",
        help="Encrypt the store (SQLCipher); the passphrase is asked, or UNCOUNTED_PASSPHRASE.",
    ),
    database: str | None = typer.Option(
        None, "--database", help="Keep the store on PostgreSQL (postgresql://USER@HOST[:PORT]/DATABASE)."
    ),
) -> None:
    """Create a workspace: uncounted.toml (settings), the store, and the originals folder."""
    from uncounted.workspace import Workspace

    ws = Workspace.create(workspace, encrypt=encrypt, database_url=database)
    store = ws.section("store")
    kind = {"sqlcipher": "encrypted SQLite", "postgresql": "PostgreSQL"}.get(store["engine"], "SQLite")
    console.print(
        f"created workspace {ws.path} ({kind} store)", highlight=False, markup=False, soft_wrap=True
    )


def ingest(
    file: Path = typer.Argument(
        ..., help="Victim list: CSV (any delimiter; UTF-8, UTF-16 or Windows-1256), XLSX or Parquet."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Name of the list; default: the file's source column, else the file name."
    ),
    mapping: Path | None = typer.Option(
        None,
        "--map",
        help="Mapping file (TOML) from the file's own headers and "
        "values to canonical ones; see docs/mapping.md.",
    ),
    quarantine: bool = typer.Option(
        False,
        "--quarantine",
        help="Import the valid rows and set invalid ones aside "
        "with their reasons (default: refuse the file).",
    ),
    append: bool = typer.Option(
        False, "--append", help="Add these records to a list already in the store (a list delivered in batches)."
    ),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Import one victim list into the store as one transaction; re-importing a file does nothing."""
    from uncounted.ingest import ingest_file
    from uncounted.store.access import require
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    actor = signed_in(ws, as_user)
    require(actor, "records.write", resource=str(file))
    with progress(f"reading {file.name}", total=None) as (bar, task):

        def advance(done: int, total: int) -> None:
            bar.update(task, description=f"writing records of {file.name}: {done:,} of {total:,}")

        result = ingest_file(
            ws, file, source=source, mapping=mapping, quarantine=quarantine, append=append, progress=advance,
            by=actor
        )
    if result.already_imported:
        console.print(
            f"{file.name}: already imported (import {result.import_id}, {_count(result.n_records, 'record')})"
            "; nothing to do",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"{file.name}: {_count(result.n_records, 'record')} imported into {result.source}, "
        f"{result.n_quarantined:,} quarantined",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    for warning in result.warnings:
        console.print(f"  note: {warning}", highlight=False, markup=False, soft_wrap=True, style="yellow")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def bench_ingest(
    records: list[int] = typer.Option([100_000], "--records", help="List sizes to time (repeat the option)."),
    encrypt: bool = typer.Option(False, "--encrypt", help="Import into an encrypted (SQLCipher) workspace."),
) -> None:
    """Time importing and reading back simulated lists, plain or encrypted (issue 8 asks 1,000,000 in 3
    minutes)."""
    from uncounted.ingest.bench import time_ingest

    kind = "encrypted" if encrypt else "plain"
    for n in records:
        with progress(f"importing {n:,} simulated records ({kind})"):
            timing = time_ingest(n, encrypt=encrypt)
        console.print(
            f"{timing.records:,} records ({timing.file_mb:.0f} MB CSV), {kind} store: "
            f"ingest {timing.ingest_seconds:.1f} s, "
            f"load_records {timing.load_seconds:.1f} s",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add `init`, `ingest` and `bench ingest` to the root app."""
    app.command("init")(init)
    app.command("ingest")(ingest)
    bench_app.command("ingest")(bench_ingest)
