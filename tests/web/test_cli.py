"""`uncounted serve` and `uncounted bench web`, registered on a local Typer app (the root registers them)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from uncounted.bench.web import HOST, PAGES, bench
from uncounted.cli import web


def _app() -> typer.Typer:
    app = typer.Typer()
    web.register(app)
    from uncounted.cli.common import bench_app

    app.add_typer(bench_app, name="bench")
    return app


def test_serve_and_bench_are_registered() -> None:
    runner = CliRunner()
    serve = runner.invoke(_app(), ["serve", "--help"])
    assert serve.exit_code == 0 and "--host" in serve.output and "--port" in serve.output
    assert "127.0.0.1" in serve.output
    assert runner.invoke(_app(), ["bench", "web", "--help"]).exit_code == 0


def test_bench_of_a_workspace_needs_a_user(tmp_path: Path) -> None:
    from uncounted.errors import BadInput

    result = CliRunner().invoke(_app(), ["bench", "web", "-w", str(tmp_path), "--seconds", "1"])
    assert isinstance(result.exception, BadInput)


def test_bench_loads_a_small_workspace_on_localhost_only() -> None:
    assert HOST == "127.0.0.1"
    result = bench(population=150, users=3, seconds=2.0, step=lambda _: None)
    summary = result.to_json()
    assert summary["requests"] > 0 and summary["errors_5xx"] == 0 and summary["failures"] == 0
    assert set(result.statuses) == {200}
    assert set(summary["pages"]) <= set(PAGES)
    assert 0 < summary["p95_ms"] < 30_000
