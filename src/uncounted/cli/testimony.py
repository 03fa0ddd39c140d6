"""`uncounted testimony import|corroborate|extrapolate`: testimony from files to findings to a sourced range.

Witness identities never appear here: every command prints pseudonyms only, and none reads the protected
table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from uncounted.cli.common import AsOption, WorkspaceOption, console, signed_in

testimony_app = typer.Typer(no_args_is_help=True,
                            help="Witnesses, accounts and claims: corroborate them, extrapolate from them.")

OptionalWorkspace = typer.Option(None, "-w", "--workspace", help="Workspace folder whose testimony to use.")


@testimony_app.command("import")
def import_files(
    files: list[Path] = typer.Argument(..., help="Witnesses, accounts and claims: .csv, .xlsx or .jsonl."),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Import testimony files into a workspace in one transaction (docs/testimony-format.md)."""
    from uncounted.store.access import require
    from uncounted.testimony.persist import import_testimony
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    actor = signed_in(ws, as_user)
    require(actor, "testimony.write")
    summary = import_testimony(ws, files, by=actor)
    for path in summary.skipped:
        console.print(f"skipped {path}: these bytes were imported before", highlight=False)
    console.print(f"imported {summary.witnesses} witnesses, {summary.accounts} accounts, "
                  f"{summary.claims} claims; kept {summary.originals} new originals", highlight=False)


@testimony_app.command("corroborate")
def corroborate_command(
    files: list[Path] = typer.Argument(None, help="Testimony files to read instead of a workspace."),
    standard_file: Path | None = typer.Option(None, "--standard", help="TOML file with a [standard] table."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as one JSON object."),
    workspace: Path | None = OptionalWorkspace,
) -> None:
    """Group claims into findings, count independent sources, show contradictions, judge each finding."""
    from uncounted.testimony.corroborate import corroborate
    from uncounted.testimony.standards import load_standard

    testimony, ws = _testimony(files, workspace)
    if standard_file is not None:
        standard = load_standard(standard_file)
    elif ws is not None and "standard" in ws.section("testimony"):
        from uncounted.testimony.standards import standard_from_dict

        standard = standard_from_dict(ws.section("testimony")["standard"], str(ws.path / "uncounted.toml"))
    else:
        from uncounted.testimony.standards import DEFAULT_STANDARD as standard
    findings = corroborate(testimony, standard)
    if ws is not None:
        from uncounted.testimony.persist import save_findings

        save_findings(ws, findings)
    if as_json:
        _print_json({"standard": standard.to_json(), "findings": [f.to_json() for f in findings]})
        return
    _print_findings(findings, standard)


@testimony_app.command("extrapolate")
def extrapolate_command(
    model_file: Path = typer.Argument(..., help="Model file (TOML): rule, parameters, claims or ranges."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Monte Carlo seed (default: the model's)."),
    draws: int | None = typer.Option(None, "--draws", min=100, help="Monte Carlo draws (default: model's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
    workspace: Path | None = OptionalWorkspace,
) -> None:
    """A range of victims from corroborated practice: rule, bounds, Monte Carlo median and 95% range."""
    from uncounted.testimony.extrapolate import extrapolate_file
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace) if workspace is not None else None
    result = extrapolate_file(model_file, ws, seed=seed, draws=draws)
    if as_json:
        _print_json(result.to_json())
        return
    _print_extrapolation(result)


def _testimony(files: list[Path] | None, workspace: Path | None) -> tuple[Any, Any]:
    """Testimony from files if any are given, else from the workspace."""
    from uncounted.errors import BadInput

    if files:
        from uncounted.testimony.io import read_testimony

        return read_testimony(files), None
    if workspace is None:
        raise BadInput("give testimony files or a workspace (-w WORKSPACE)")
    from uncounted.testimony.persist import load_testimony
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    testimony = load_testimony(ws)
    if not testimony.claims:
        raise BadInput("the workspace holds no claims yet; import some with 'uncounted testimony import'",
                       file=str(workspace))
    return testimony, ws


def _print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _range(low: float, high: float) -> str:
    return _number(low) if low == high else f"{_number(low)}–{_number(high)}"


def _print_findings(findings: list, standard: Any) -> None:
    """One line per finding; person findings (one per named person) summed up in one line."""
    from uncounted.testimony.model import PERSON_TYPES

    console.print(f"standard '{standard.name}': {standard.description}", highlight=False)
    persons = [f for f in findings if f.claim_type in PERSON_TYPES]
    for f in findings:
        if f.claim_type in PERSON_TYPES:
            continue
        what = f"{_range(f.low, f.high)} {f.unit}" if f.low is not None else ", ".join(f.values)
        aside = f" (+{len(f.set_aside)} set aside)" if f.set_aside else ""
        console.print(f"{f.finding_id}: [bold]{f.status}[/] — {what}; {f.independent_sources} independent "
                      f"sources ({f.count('direct')} direct, {f.count('documentary')} documentary, "
                      f"{f.count('hearsay')} hearsay) from {len(f.counted)} claims{aside}", highlight=False)
        for line in _contradiction_lines(f):
            console.print(f"  {line}", highlight=False)
    if persons:
        statuses = {s: sum(f.status == s for f in persons)
                    for s in ("corroborated", "insufficient", "contested")}
        console.print(f"{len(persons)} named persons: " + ", ".join(f"{n} {s}" for s, n in statuses.items()),
                      highlight=False)


def _contradiction_lines(finding: Any) -> list[str]:
    """Contradictions summed up by the claim they centre on ('C073 contradicts 21 claims (…): resolved')."""
    remaining = list(finding.contradictions)
    lines = []
    while remaining:
        counts: dict[str, int] = {}
        for c in remaining:
            for claim in c.claims:
                counts[claim] = counts.get(claim, 0) + 1
        centre = max(counts, key=lambda claim: (counts[claim], claim))
        mine = [c for c in remaining if centre in c.claims]
        others = [c.claims[1] if c.claims[0] == centre else c.claims[0] for c in mine]
        unresolved = [c for c in mine if not c.resolved]
        state = f"{len(unresolved)} UNRESOLVED" if unresolved else f"resolved — {mine[0].resolution}"
        shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
        lines.append(f"{centre} contradicts {len(others)} claims ({shown}): {state}")
        remaining = [c for c in remaining if centre not in c.claims]
    return lines


def _print_extrapolation(result: Any) -> None:
    from rich.table import Table

    console.print(f"[bold]{result.model}[/]", highlight=False)
    console.print(f"rule: {result.rule}", highlight=False)
    console.print(f"bounds (min–max of the rule over the parameter ranges): {_number(result.bounds[0])}–"
                  f"{_number(result.bounds[1])}", highlight=False)
    console.print(f"Monte Carlo ({result.draws:,} draws, seed {result.seed}): "
                  f"median {_number(result.estimate)}, "
                  f"95% range {_number(result.lower)}–{_number(result.upper)}", highlight=False)
    console.print("parameters:", highlight=False)
    for p in result.parameters:
        distribution = ", ".join(f"{k} {v}" if k != "kind" else v for k, v in p.distribution.items()
                                 if k != "meaning")
        basis = [f"{len(p.claims)} claims on {p.fact} ({p.combine}), {p.independent_sources} independent "
                 f"sources ({p.direct_sources} direct)"] if p.claims else ["hand-set"]
        if p.reason:
            basis.append(f"reason: {p.reason}")
        console.print(f"  {p.name}: {_range(p.low, p.high)} {p.unit}, {distribution} — {'; '.join(basis)}",
                      highlight=False)
    tornado = Table(title="Sensitivity: the rule at each parameter's low and high, others at their medians")
    for column in ("parameter", "at low", "at high", "swing", "share of variance"):
        tornado.add_column(column)
    for row in result.sensitivity:
        tornado.add_row(row["parameter"], _number(row["output_at_low"]), _number(row["output_at_high"]),
                        _number(row["swing"]), f"{row['variance_share']:.0%}")
    console.print(tornado)


def register(app: typer.Typer) -> None:
    app.add_typer(testimony_app, name="testimony")
