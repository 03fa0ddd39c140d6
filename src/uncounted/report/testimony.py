"""The testimony section: which findings stand on how many independent lines, what contradicts what, and the
extrapolation with the parameter that moves it most.

The extrapolation needs a model file: `ReportInput.testimony_model`, or `model` under `[testimony]` in the
workspace's uncounted.toml (a path relative to the workspace). Without one the section shows the findings
only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uncounted.errors import UncountedError
from uncounted.report import figures
from uncounted.workspace import Workspace


@dataclass
class TestimonySection:
    findings: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    figure_matrix: str
    standard: str
    extrapolation: dict[str, Any] | None = None
    figure_tornado: str | None = None
    figure_outcome: str | None = None
    notes: list[str] = field(default_factory=list)


def testimony_section(ws: Workspace | None, model_path: str | Path | None = None) -> TestimonySection | None:
    """None when there is no workspace or it holds no claims."""
    if ws is None:
        return None
    from uncounted.testimony import DEFAULT_STANDARD, corroborate
    from uncounted.testimony.persist import load_testimony

    testimony = load_testimony(ws)
    if not testimony.claims:
        return None
    found = corroborate(testimony, DEFAULT_STANDARD)
    roots = sorted({line.root for f in found for line in f.lines})
    cells = {(i, roots.index(line.root)): line.kind for i, f in enumerate(found) for line in f.lines}
    section = TestimonySection(
        findings=[
            {
                "id": f.finding_id,
                "type": f.claim_type,
                "status": f.status,
                "lines": f.independent_sources,
                "direct": f.count("direct"),
                "documentary": f.count("documentary"),
                "hearsay": f.count("hearsay"),
                "range": _range(f.low, f.high, f.unit, f.values),
                "reasons": "; ".join(f.reasons),
            }
            for f in found
        ],
        contradictions=[
            {
                "finding": f.finding_id,
                "claims": " / ".join(c.claims),
                "kind": c.kind,
                "detail": c.detail,
                "resolved": c.resolved,
                "resolution": c.resolution,
            }
            for f in found
            for c in f.contradictions
        ],
        figure_matrix=figures.corroboration([f.finding_id for f in found], roots, cells),
        standard=f"{DEFAULT_STANDARD.name}: {DEFAULT_STANDARD.description}",
    )
    path = _model_path(ws, model_path)
    if path is None:
        section.notes.append(
            'No extrapolation model was given (set model = "FILE.toml" under [testimony] in '
            "uncounted.toml), so no count is extrapolated."
        )
        return section
    _extrapolate(section, path, testimony)
    return section


def _extrapolate(section: TestimonySection, path: Path, testimony: Any) -> None:
    from uncounted.testimony import extrapolate, load_model

    try:
        result = extrapolate(load_model(path), testimony)
    except UncountedError as exc:  # BadInput included: the model does not fit these claims
        section.notes.append(f"The extrapolation model {path.name} could not be run on these claims: {exc}")
        return
    section.extrapolation = {
        "model": result.model,
        "rule": result.rule,
        "estimate": result.estimate,
        "lower": result.lower,
        "upper": result.upper,
        "bounds": result.bounds,
        "seed": result.seed,
        "draws": result.draws,
        "file": path.name,
        "input_hash": result.input_hash,
        "parameters": [
            {
                "name": p.name,
                "low": p.low,
                "high": p.high,
                "unit": p.unit,
                "distribution": p.distribution.get("kind", ""),
                "lines": p.independent_sources,
                "status": p.finding_status or ("hand-set: " + p.reason if p.reason else ""),
            }
            for p in result.parameters
        ],
        "sensitivity": result.sensitivity,
    }
    section.figure_tornado = figures.tornado(result.sensitivity, result.estimate)
    section.figure_outcome = figures.posterior(
        result.samples, xlabel="extrapolated count (Monte Carlo draws)"
    )


def _model_path(ws: Workspace, given: str | Path | None) -> Path | None:
    if given is not None:
        return Path(given)
    configured = ws.section("testimony").get("model")
    return ws.path / configured if configured else None


def _range(low: float | None, high: float | None, unit: str, values: list[str]) -> str:
    if low is None or high is None:
        return ", ".join(values)
    text = f"{low:,.4g}" if low == high else f"{low:,.4g}–{high:,.4g}"
    return f"{text} {unit}".strip()
