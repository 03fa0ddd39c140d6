"""The stages of a run over one workspace: ingest → link → capture histories → estimate → report.

Each stage is a plain function that reads what the stage before it saved in the workspace and saves its own
result, so `uncounted link`, `uncounted estimate` and `uncounted report` can run one at a time and
`uncounted pipeline` / `uncounted demo` run them all. Settings come from the workspace's `uncounted.toml`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from uncounted.ingest.fixity import sha256_file
from uncounted.link import Linkage, capture_histories, link_records, linkage_quality
from uncounted.link.captures import impute_unknown_strata, list_columns
from uncounted.link.cluster import ClusterRules
from uncounted.link.io import load_linkage, save_linkage
from uncounted.mse import CaptureTable, Estimate
from uncounted.store.users import LOCAL
from uncounted.workspace import Workspace

if TYPE_CHECKING:
    from uncounted.store.access import Actor

CAPTURES_FILE = "capture_histories.csv"
ESTIMATE_FILE = "estimate.json"
REPORT_FILE = "report.html"

Step = Callable[[str], None]


@dataclass
class Truth:
    """What a simulation knows: each record's person, and the population size."""

    records: pd.DataFrame  # source, record_id, person_id
    n: int | None

    @classmethod
    def read(cls, path: str | Path) -> Truth:
        path = Path(path)
        records = pd.read_csv(path, dtype=str, keep_default_na=False)
        meta = path.with_name("simulation.json")
        n = json.loads(meta.read_text(encoding="utf-8")).get("n") if meta.is_file() else None
        return cls(records[["source", "record_id", "person_id"]], n)


def simulated_inputs(folder: str | Path, *, seed: int, population: int | None = None
                     ) -> tuple[list[Path], Truth]:
    """Simulate lists into `folder`; the list files to run the pipeline on, and the truth to score it by."""
    from uncounted.simulate import simulate, write_simulation

    written = write_simulation(simulate(seed=seed, population=population), folder)
    lists = [p for p in written if p.suffix == ".csv" and p.name != "truth.csv"]
    return lists, Truth.read(Path(folder) / "truth.csv")


@dataclass
class PipelineResult:
    workspace: Workspace
    linkage: Linkage
    histories: pd.DataFrame
    lists: list[str]
    estimate: Estimate
    sensitivity: list[tuple[str, Estimate]] = field(default_factory=list)
    quality: dict[str, float] | None = None
    truth_n: int | None = None
    report: Path | None = None
    headline: str = ""


def ingest_lists(ws: Workspace, paths: Sequence[str | Path], step: Step = print) -> None:
    from uncounted.ingest import ingest_file

    for path in paths:
        step(f"reading {Path(path).name}")
        ingest_file(ws, path)


def link_workspace(ws: Workspace, step: Step = print, *, by: Actor | str = LOCAL) -> Linkage:
    """Link the workspace's records; the run is stored (audited as `by`), then entities.csv is its copy."""
    from uncounted.link.review import latest_labels, load_labels
    from uncounted.store.records import load_records
    from uncounted.store.results import frames_hash, save_linkage_run

    settings = ws.section("link")
    records = load_records(ws)
    labels = latest_labels(load_labels(ws))
    step(f"linking {len(records):,} records" + (f" with {len(labels):,} reviewed pairs" if len(labels) else ""))
    rules = ClusterRules(threshold=float(settings["threshold"]),
                         one_record_per_source=bool(settings.get("one_record_per_source", False)))
    linkage = link_records(records, rules=rules, seed=int(settings["seed"]), backend=str(settings["backend"]),
                           labels=labels, learn_from_labels=bool(settings.get("learn_from_labels", True)))
    save_linkage_run(ws, linkage, seed=int(settings["seed"]), input_hash=frames_hash(records, labels),
                     workspace_settings=settings, by=by)
    save_linkage(linkage, ws.path)
    return linkage


def captures_workspace(ws: Workspace, linkage: Linkage | None = None) -> pd.DataFrame:
    from uncounted.store.records import load_records

    linkage = linkage or load_linkage(ws.path)
    histories = capture_histories(load_records(ws), linkage.entities)
    temporary = ws.path / (CAPTURES_FILE + ".tmp")
    histories.to_csv(temporary, index=False)
    temporary.replace(ws.path / CAPTURES_FILE)
    return histories


def estimate_workspace(ws: Workspace, histories: pd.DataFrame, step: Step = print, *, by: Actor | str = LOCAL
                       ) -> tuple[Estimate, list[tuple[str, Estimate]]]:
    """The main estimate (method and strata from settings) and the other methods beside it as sensitivity;
    all are stored (audited as `by`), then estimate.json is the main one's copy."""
    from uncounted.mse.estimate import OPTIONS, estimate
    from uncounted.mse.strata import estimate_strata
    from uncounted.store.results import save_estimates

    settings = ws.section("estimate")
    lists = list_columns(histories)
    method, strata, seed = settings["method"], list(settings.get("strata", [])), int(settings["seed"])
    # Only the chosen method's own options: a workspace keeps every method's settings side by side.
    options = {k: v for k, v in settings.items() if k in OPTIONS.get(str(method).lower(), ()) and k != "seed"}
    table = CaptureTable.from_frame(histories[lists])
    step(f"estimating with {method}" + (f" by {', '.join(strata)}" if strata else ""))
    if strata:
        completed, imputed = impute_unknown_strata(histories, strata, seed=seed)
        tables = {key: CaptureTable.build(lists, group[lists].to_numpy(), np.ones(len(group)), name=str(key),
                                          check=False)
                  for key, group in completed.groupby(strata if len(strata) > 1 else strata[0])}
        main = estimate_strata({_stratum_label(k): t for k, t in tables.items()}, method, seed=seed, **options)
        main.extras["imputed_strata"] = imputed
        for stratum, count in imputed.items():
            if count:
                main.warnings.append(f"{count:,} people with no known {stratum} were given one drawn from people "
                                     "seen by the same lists (single hot-deck imputation; the interval does not "
                                     "include its uncertainty)")
    else:
        main = estimate(table, method, seed=seed, **options)
    sensitivity = []
    for variant in settings.get("sensitivity", []):
        step(f"sensitivity: {variant}")
        sensitivity.append((variant, estimate(table, variant, seed=seed)))
    save_estimates(ws, [("main", main)] + [("sensitivity", result) for _, result in sensitivity], by=by)
    (ws.path / ESTIMATE_FILE).write_text(json.dumps(main.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    return main, sensitivity


def _stratum_label(key: Any) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def run_pipeline(paths: Sequence[str | Path], out: str | Path, *, truth: Truth | None = None,
                 step: Step = print) -> PipelineResult:
    """Everything, one-shot: `out` becomes a workspace holding entities.csv, capture_histories.csv,
    estimate.json and report.html."""
    from uncounted.report import ReportInput, headline, write_report
    from uncounted.store.records import list_sources

    ws = Workspace.open_or_create(out)
    ingest_lists(ws, paths, step)
    linkage = link_workspace(ws, step)
    histories = captures_workspace(ws, linkage)
    lists = list_columns(histories)
    main, sensitivity = estimate_workspace(ws, histories, step)
    quality = linkage_quality(linkage.entities, truth.records).as_dict() if truth is not None else None
    truth_n = truth.n if truth is not None else None
    step("writing the report")
    from uncounted.store.records import load_records

    sources = list_sources(ws)
    report = write_report(ReportInput(sources=sources, linkage=linkage, histories=histories, lists=lists,
                                      estimate=main, sensitivity=sensitivity, truth_n=truth_n, quality=quality,
                                      inputs=[{"file": str(p), "sha256": sha256_file(p)} for p in paths],
                                      records=load_records(ws), workspace=ws),
                          ws.path / REPORT_FILE)
    return PipelineResult(ws, linkage, histories, lists, main, sensitivity, quality, truth_n, report,
                          headline(len(linkage.entities), len(histories), main, truth_n, len(lists)))

