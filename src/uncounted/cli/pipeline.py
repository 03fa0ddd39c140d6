"""Commands that run the stages of the job: `pipeline` (one-shot), `demo`, `link`, `export` and `report`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer

from uncounted.cli.common import AsOption, WorkspaceOption, bench_app, console, progress, signed_in
from uncounted.errors import BadInput


class ExportKind(StrEnum):
    entities = "entities"
    captures = "captures"
    records = "records"
    public = "public"


@contextmanager
def _steps(description: str) -> Iterator[Callable[[str], None]]:
    """A spinner whose text follows the pipeline's steps; Splink's own chatter is kept out of the terminal."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    with progress(description) as (bar, task):
        yield lambda message: bar.update(task, description=message)


def pipeline(
    lists: list[Path] = typer.Argument(..., help="Victim lists in canonical columns (CSV, XLSX or Parquet)."),
    out: Path = typer.Option(..., "--out", help="Folder that becomes the workspace and receives the results."),
    truth: Path | None = typer.Option(None, "--truth", help="Simulated truth (truth.csv) to score linkage against."),
) -> None:
    """Ingest, link, estimate and report in one go; writes entities.csv, capture_histories.csv, estimate.json
    and report.html in OUT."""
    from uncounted.pipeline import Truth, run_pipeline

    for path in lists:
        if not path.is_file():
            raise BadInput("no such file", file=str(path))
    with _steps("starting") as step:
        result = run_pipeline(lists, out, truth=Truth.read(truth) if truth else None, step=step)
    console.print(result.headline, highlight=False)
    console.print(f"report: {result.report}", highlight=False)


def demo(
    out: Path = typer.Option(Path("uncounted-demo"), "--out", help="Folder for the simulated lists and results."),
    seed: int = typer.Option(2015, "--seed", help="Seed of the simulation; the same seed gives the same run."),
) -> None:
    """Simulate four Syrian-style victim lists calibrated to the published custody figures, then link, estimate
    and report, comparing the estimate with the known truth."""
    from uncounted.pipeline import run_pipeline, simulated_inputs

    with _steps("simulating four lists") as step:
        lists, truth = simulated_inputs(out / "input", seed=seed)
        result = run_pipeline(lists, out, truth=truth, step=step)
        step("extrapolating from the testimony example")
        testimony = _testimony_example()
    console.print(result.headline, highlight=False)
    if result.quality:
        console.print(f"linkage against the truth: pairwise F1 {result.quality['pairwise_f1']:.3f}, "
                      f"B-cubed F1 {result.quality['bcubed_f1']:.3f}", highlight=False)
    console.print(f"report: {result.report}", highlight=False)
    console.print(
        f"testimony example (fictional witnesses, public Saydnaya parameters): {testimony.rule} → "
        f"median {testimony.estimate:,.0f} (95%: {testimony.lower:,.0f}–{testimony.upper:,.0f}; "
        f"bounds {testimony.bounds[0]:,.0f}–{testimony.bounds[1]:,.0f})", highlight=False)


def _testimony_example():  # noqa: ANN202 - the Extrapolation type is imported lazily
    from uncounted.examples import example_path
    from uncounted.testimony.extrapolate import extrapolate_file

    return extrapolate_file(example_path("saydnaya") / "model.toml")


def link(
    workspace: Path = WorkspaceOption,
    backend: str | None = typer.Option(None, "--backend", help="duckdb (default) or spark."),
    as_user: str | None = AsOption,
) -> None:
    """Link all records of the workspace into people (Splink), saving entities.csv and the trained model.

    Needs records.write; the run is stored and audited under the signed-in user."""
    from uncounted.pipeline import captures_workspace, link_workspace
    from uncounted.store.access import require
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    actor = signed_in(ws, as_user)
    require(actor, "records.write", resource="linkage")
    if backend is not None:
        if backend not in {"duckdb", "spark"}:
            raise BadInput(f"unknown backend '{backend}'; choose duckdb or spark")
        ws.settings.setdefault("link", {})["backend"] = backend
    with _steps("linking") as step:
        linkage = link_workspace(ws, step, by=actor)
        captures_workspace(ws, linkage)
    d = linkage.diagnostics
    console.print(f"{d['n_records']:,} records → {d['n_entities']:,} people ({d['mode']}); "
                  f"{d['n_links']:,} links; {d['clusters_split_by_guard_rails']} clusters split", highlight=False)
    for note in d["training_notes"]:
        console.print(f"training: {note}", highlight=False)


def export(
    kind: ExportKind = typer.Argument(..., help="records, public, entities or captures."),
    out: Path = typer.Option(..., "--out", help="CSV file to write (written whole, or not at all)."),
    identified: bool = typer.Option(
        False, "--identified", help="records only: real names and record ids (needs export.identified)."
    ),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Export records (pseudonymised by default), the public subset, entities or capture histories as CSV.

    records: names, notes and record ids become keyed pseudonyms and dates are cut to the month
    (export.records); --identified writes them as stored (export.identified). public: source, year of death,
    governorate, sex and age band, nothing identifying (export.public). entities (source, record_id,
    entity_id) and captures are the linkage's files as they are (export.public). Every export is written to
    the audit log with its mode.
    """
    from uncounted.pipeline import CAPTURES_FILE
    from uncounted.store import exports
    from uncounted.workspace import Workspace

    if identified and kind is not ExportKind.records:
        raise BadInput("--identified applies to 'export records' only")
    exports.check_out_path(out)  # a bad path is refused before the passphrase or password is asked
    ws = Workspace.open(workspace)
    actor = signed_in(ws, as_user)
    if kind is ExportKind.records:
        result = exports.export_records(ws, actor, out, identified=identified)
    elif kind is ExportKind.public:
        result = exports.export_public(ws, actor, out)
    else:
        from uncounted.link.io import ENTITIES_FILE

        name = ENTITIES_FILE if kind is ExportKind.entities else CAPTURES_FILE
        result = exports.export_file(ws, actor, kind.value, ws.path / name, out)
    console.print(f"wrote {result.rows:,} rows to {out} ({result.mode})", highlight=False)


def report(
    workspace: Path = WorkspaceOption,
    out: Path | None = typer.Option(None, "--out", help="HTML file to write (default: report.html in the workspace)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write the report as PDF beside the HTML."),
    as_user: str | None = AsOption,
) -> None:
    """Estimate from the workspace's capture histories and write the self-contained HTML (and PDF) report.

    Needs records.write (the estimates are stored, audited under the signed-in user)."""
    from uncounted.link.captures import list_columns
    from uncounted.link.io import load_linkage
    from uncounted.pipeline import REPORT_FILE, captures_workspace, estimate_workspace
    from uncounted.report import ReportInput, write_report
    from uncounted.store.access import require
    from uncounted.store.records import list_sources, load_records
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    actor = signed_in(ws, as_user)
    require(actor, "records.write", resource="estimates")
    with _steps("reading the linkage") as step:
        linkage = load_linkage(ws.path)
        histories = captures_workspace(ws, linkage)
        main, sensitivity = estimate_workspace(ws, histories, step, by=actor)
        path = write_report(ReportInput(sources=list_sources(ws), linkage=linkage, histories=histories,
                                        lists=list_columns(histories), estimate=main, sensitivity=sensitivity,
                                        records=load_records(ws), workspace=ws),
                            out or ws.path / REPORT_FILE)
        if pdf:
            from uncounted.report.pdf import write_pdf

            step("writing the PDF")
            write_pdf(path.read_text(encoding="utf-8"), path.with_suffix(".pdf"))
    console.print(f"report: {path}" + (f" and {path.with_suffix('.pdf')}" if pdf else ""), highlight=False)


def bench_linkage(
    populations: str = typer.Option("17700", "--populations",
                                    help="Comma-separated simulated population sizes to link."),
    seeds: str = typer.Option("2015", "--seeds", help="Comma-separated seeds of the simulations."),
    febrl: bool = typer.Option(True, "--febrl/--no-febrl", help="Also run FEBRL4 (link) and FEBRL3 (dedupe)."),
    review: int = typer.Option(0, "--review", min=0,
                               help="Also simulate a review round of this many pairs on each population "
                                    "(labels from the simulated truth) and link again with them."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Linkage quality (pairwise and B-cubed F1, blocking recall) and time on FEBRL and simulated lists."""
    import json
    import platform

    from rich.table import Table

    from uncounted.bench import linkage as bench

    logging.getLogger("splink").setLevel(logging.ERROR)
    results = [bench.febrl("febrl4"), bench.febrl("febrl3")] if febrl else []
    runs = [(int(p), int(s)) for p in populations.split(",") if p.strip() for s in seeds.split(",") if s.strip()]
    results += [bench.simulated(p, seed=s) for p, s in runs]
    reviews = [bench.reviewed(p, review, seed=s) for p, s in runs] if review else []
    machine = {"python": platform.python_version(), "cores": os.cpu_count(), "machine": platform.machine()}
    if as_json:
        console.print_json(json.dumps({"machine": machine, "results": results, "review": reviews}))
        return
    table = Table("data", "records", "seconds", "pairwise F1", "B-cubed F1", "blocking recall", "people found/true")
    for r in results:
        recall = r.get("blocking_recall")
        table.add_row(r["dataset"], f"{r['records']:,}", f"{r['seconds']:.1f}", f"{r['pairwise_f1']:.4f}",
                      f"{r['bcubed_f1']:.4f}", "" if recall is None else f"{recall:.4f}",
                      f"{r['n_entities']:,}/{r['n_true_people']:,}")
    console.print(table)
    if reviews:
        table = Table("data", "labels (matches)", "linked with", "seconds", "pairwise F1", "B-cubed F1",
                      "people found/true")
        for r in reviews:
            for name, run in r["runs"].items():
                table.add_row(r["dataset"], f"{r['labelled_pairs']} ({r['labelled_matches']})", name,
                              f"{run['seconds']:.1f}", f"{run['pairwise_f1']:.4f}", f"{run['bcubed_f1']:.4f}",
                              f"{run['n_entities']:,}/{run['n_true_people']:,}")
        console.print(table)
    console.print(f"machine: {machine}", highlight=False)


def bench_pipeline(
    population: int = typer.Option(17_700, "--population", min=100, help="Simulated population size."),
    seed: int = typer.Option(2015, "--seed", help="Seed of the simulation."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Time the demo's path end to end, stage by stage, and score it against the simulated truth."""
    import json
    import platform
    import tempfile
    import time

    from uncounted.pipeline import run_pipeline, simulated_inputs

    logging.getLogger("splink").setLevel(logging.ERROR)
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()

    def step(message: str) -> None:
        marks.append((message, time.perf_counter() - start))

    with tempfile.TemporaryDirectory() as folder:
        step("simulating")
        lists, truth = simulated_inputs(Path(folder) / "input", seed=seed, population=population)
        result = run_pipeline(lists, Path(folder) / "ws", truth=truth, step=step)
    total = time.perf_counter() - start
    stages = [{"stage": name, "seconds": round(end - begin, 2)}
              for (name, begin), (_, end) in zip(marks, [*marks[1:], ("end", total)], strict=True)]
    figures = {"population": population, "seconds": round(total, 1), "headline": result.headline,
               "stages": stages, "linkage": result.quality,
               "machine": {"python": platform.python_version(), "cores": os.cpu_count()}}
    if as_json:
        console.print_json(json.dumps(figures))
        return
    for stage in stages:
        console.print(f"{stage['seconds']:8.2f} s  {stage['stage']}", highlight=False)
    console.print(f"{total:8.2f} s  in all", highlight=False)
    console.print(result.headline, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the pipeline commands to the root app."""
    app.command()(demo)
    app.command()(pipeline)
    app.command()(link)
    app.command()(report)
    app.command()(export)
    bench_app.command("linkage")(bench_linkage)
    bench_app.command("pipeline")(bench_pipeline)
