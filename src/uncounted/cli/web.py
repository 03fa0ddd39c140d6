"""`uncounted serve`: the web app on this machine; `uncounted bench web`: a bounded load test of it."""

from __future__ import annotations

from pathlib import Path

import typer

from uncounted.cli.common import WorkspaceOption, bench_app, console
from uncounted.errors import BadInput


def serve(
    workspace: Path = WorkspaceOption,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; 127.0.0.1 keeps it on this machine."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Mark cookies Secure (when served behind HTTPS)."
    ),
) -> None:
    """Serve the web app for the workspace (Arabic and English) until interrupted."""
    import uvicorn

    from uncounted.web import create_app

    app = create_app(workspace, secure_cookies=secure_cookies)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(
            f"[yellow]listening on {host}: anyone who can reach this address sees the sign-in page; "
            "put it behind HTTPS and use --secure-cookies[/]"
        )
    console.print(f"uncounted: http://{'[' + host + ']' if ':' in host else host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def bench_web(
    workspace: Path | None = typer.Option(  # noqa: B008 - Typer declares options as defaults
        None, "-w", "--workspace", help="Bench this workspace (needs --user); default: a simulated one."
    ),
    population: int = typer.Option(
        140_000,
        "--population",
        min=100,
        help="Simulated population when no workspace is given (~100,000 records).",
    ),
    users: int = typer.Option(20, "--users", min=1, max=200, help="Concurrent simulated users."),
    seconds: float = typer.Option(
        60.0, "--seconds", min=1.0, max=3600.0, help="How long to load the server."
    ),
    user: str | None = typer.Option(
        None, "--user", help="User to sign in as (password: UNCOUNTED_USER_PASSWORD)."
    ),
) -> None:
    """Page views from concurrent users against 127.0.0.1 only: p50/p95/p99 per page and error counts."""
    from uncounted.bench.web import bench

    if workspace is not None and user is None:
        raise BadInput("--user is needed to bench an existing workspace")
    result = bench(
        workspace,
        population=population,
        users=users,
        seconds=seconds,
        user=user,
        step=lambda text: console.print(f"[dim]{text}[/]"),
    )
    console.print(result.table())


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    bench_app.command("web")(bench_web)
