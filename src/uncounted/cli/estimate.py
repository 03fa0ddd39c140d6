"""`uncounted estimate`: how many people no list recorded, from a capture-table CSV (design.md, contracts).

A thin shell over `uncounted.mse.estimate` and `uncounted.mse.strata`: it reads the table, passes the flags
that were given as options (the dispatcher refuses those that do not fit the method), and prints either one
JSON object (`--json`) or a short summary. Everything heavy is imported inside the command.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from uncounted.cli.common import console
from uncounted.errors import BadInput


def register(app: typer.Typer) -> None:
    """Add `uncounted estimate` to the root app and `uncounted bench mse` to the bench group."""
    app.command("estimate")(estimate_command)
    from uncounted.bench.mse import register as register_bench

    register_bench()


def estimate_command(
    table: str = typer.Argument(..., metavar="TABLE.csv", help="Capture table: one 0/1 column per list, "
                                "plus 'count' (aggregated) or one row per person."),
    method: str = typer.Option(..., "--method", help="loglinear, dga or lcmcr."),
    model: str | None = typer.Option(None, "--model", help="loglinear: a model such as '[123][14][34]', "
                                     "'[EXH,ABA][OSCE,HRW]' or 'Mt'. Without it, a model search picks one."),
    criterion: str | None = typer.Option(None, "--criterion", help="loglinear search: aic or bic (default)."),
    delta: float | None = typer.Option(None, "--delta",
                                       help="dga: Dirichlet weight per cell (default 2^-lists)."),
    max_missing: int | None = typer.Option(None, "--max-missing", help="dga: top of the grid of the number "
                                           "missing (default 10 x observed)."),
    prior: str | None = typer.Option(None, "--prior", help="dga: prior on N: 1/N (default), uniform, or "
                                     "negbin:A,B (negative binomial, as Madigan & York)."),
    k: int | None = typer.Option(None, "--K", help="lcmcr: most latent classes (default 10)."),
    burnin: int | None = typer.Option(None, "--burnin", help="lcmcr: Gibbs sweeps discarded first."),
    samples: int | None = typer.Option(None, "--samples", help="lcmcr: posterior draws kept."),
    thin: int | None = typer.Option(None, "--thin", help="lcmcr: sweeps between kept draws."),
    chains: int | None = typer.Option(None, "--chains", help="lcmcr: independent chains (for R-hat)."),
    strata: str | None = typer.Option(None, "--strata", help="Comma-separated columns that are strata, not "
                                      "lists: each stratum is estimated, then the total."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (lcmcr); recorded in the result."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a summary."),
) -> None:
    """Estimate the total number of people, documented or not, from a capture table."""
    from uncounted.mse.capture import read_capture_csv
    from uncounted.mse.estimate import estimate
    from uncounted.mse.strata import estimate_strata

    _check_readable_csv(table)
    strata_columns = [c.strip() for c in strata.split(",") if c.strip()] if strata else []
    tables = read_capture_csv(table, strata_columns)
    options: dict[str, Any] = {
        "model": model, "criterion": criterion.lower() if criterion else None, "delta": delta,
        "max_missing": max_missing, "log_prior": _prior(prior), "K": k, "burnin": burnin, "samples": samples,
        "thin": thin, "chains": chains, "seed": seed,
    }
    result = estimate_strata(tables, method, **options) if strata_columns else estimate(tables[""], method, **options)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_summary(result)


def _prior(text: str | None) -> Any:
    """`--prior`: a named prior, or the negative binomial `negbin:A,B`."""
    if text is None or not text.strip().lower().startswith("negbin"):
        return text
    from uncounted.mse.dga import negative_binomial_log_prior

    try:
        a, b = (float(x) for x in text.split(":", 1)[1].split(","))
    except (IndexError, ValueError):
        raise BadInput(f"--prior '{text}' should read negbin:A,B with two positive numbers") from None
    return negative_binomial_log_prior(a, b)


def _check_readable_csv(path: str) -> None:
    """Refuse a missing file or one that is plainly not text (a spreadsheet, a PDF) with one sentence."""
    file = Path(path)
    if not file.exists():
        raise BadInput("no such file", file=path)
    if file.is_dir():
        raise BadInput("is a folder, not a CSV file", file=path)
    if not file.is_file():
        raise BadInput("is not a regular file", file=path)
    with file.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInput("is a spreadsheet, not a CSV file; save it as CSV first", file=path)
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise BadInput("is not a CSV file (it holds binary data)", file=path)


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "no limit"
    return f"{value:,.0f}"


def _print_summary(result: Any) -> None:
    from rich.table import Table

    console.print(f"[bold]{result.method}[/]: {result.n_observed:,} people documented")
    console.print(f"Estimated total: [bold]{_number(result.estimate)}[/] "
                  f"(95% interval {_number(result.lower)} – {_number(result.upper)})")
    console.print(f"Not on any list: {_number(result.estimate - result.n_observed)}")
    extras = result.extras
    if extras.get("model"):
        console.print(f"Model: {escape(extras['model'])}")  # "[123][14]" is not markup
    if extras.get("graph_weights"):
        top = extras["graph_weights"][0]
        console.print(f"Most probable graph: {escape(top['graph'])} (posterior weight {top['weight']:.3f})")
    if extras.get("strata"):
        table = Table("stratum", "documented", "estimate", "95% interval", "status")
        for row in extras["strata"]:
            interval = (f"{_number(row['lower'])} – {_number(row['upper'])}" if row["status"] == "estimated"
                        else row["reason"])
            table.add_row(row["stratum"], f"{row['n_observed']:,}", _number(row["estimate"]), interval,
                          row["status"])
        console.print(table)
    if result.seed is not None:
        console.print(f"Seed: {result.seed}")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
