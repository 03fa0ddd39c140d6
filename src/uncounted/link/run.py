"""Link the records of all lists at once: train a Splink model, score candidate pairs, cluster into people.

One `link_and_dedupe` model over every list finds both the same person on two lists and a person recorded
twice on one list. Training is unsupervised (Fellegi–Sunter parameters by expectation maximisation, Splink's
implementation); the run's settings, seed and trained model are returned so it can be repeated exactly.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from uncounted.errors import BadInput
from uncounted.link.cluster import ClusterRules, cluster
from uncounted.link.features import linkage_table
from uncounted.link.settings import DETERMINISTIC_RULES, TRAINING_BLOCKS, splink_settings
from uncounted.records import NAME_FIELDS

#: Pairs scored below this are not kept: they are neither links nor worth a reviewer's time.
KEEP_PAIRS_ABOVE = 0.01
#: Larger inputs are trained on a sample of this many records; the parameters of a Fellegi–Sunter model
#: (m, u and the prior, which a uniform sample of records leaves unchanged) do not need every record, and
#: training blocks grow with the square of the input.
MAX_TRAINING_RECORDS = 250_000


@dataclass
class Linkage:
    """The one result type of a linkage run (design.md)."""

    entities: pd.DataFrame  # source, record_id, entity_id — one row per input record
    pairs: pd.DataFrame  # source_l, record_id_l, source_r, record_id_r, match_probability, match_weight
    settings: dict[str, Any]
    model: dict[str, Any]  # the trained Splink model, re-usable as settings
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def n_entities(self) -> int:
        return int(self.entities["entity_id"].nunique())


def link_records(records: pd.DataFrame, *, threshold: float = 0.5, seed: int = 1,
                 backend: str = "duckdb", rules: ClusterRules | None = None,
                 labels: pd.DataFrame | None = None) -> Linkage:
    """Link canonical records (all lists together) into people.

    `records` needs `source`, `record_id` and the canonical name columns. A single list is deduplicated only,
    and the diagnostics say so. `labels` (pair keys and `label`, one verdict per pair) are reviewers'
    decisions, and they bind: a match is linked and a non-match kept apart, whatever the model scores.
    """
    _check(records)
    return link_table(linkage_table(records), splink_settings(), train=train_unsupervised,
                      rules=rules or ClusterRules(threshold=threshold), seed=seed, backend=backend, labels=labels)


def link_table(table: pd.DataFrame, settings: dict[str, Any], *, train: Callable[[Any, int], list[str] | None],
               rules: ClusterRules, seed: int = 1, backend: str = "duckdb",
               labels: pd.DataFrame | None = None) -> Linkage:
    """Link any prepared table (`unique_id`, `source_dataset`, compared columns) with the given Splink settings.

    The canonical path is `link_records`; benchmarks on other data (FEBRL) bring their own settings.
    """
    # DuckDB spills to disk past its memory limit, by default into ./.tmp beside wherever the command runs.
    # Spilled pages hold name keys: they go to a private folder (mode 0700), removed when the run ends.
    with tempfile.TemporaryDirectory(prefix="uncounted-linkage-") as scratch:
        return _link_table(table, settings, train=train, rules=rules, seed=seed, backend=backend, labels=labels,
                           scratch=scratch)


def _link_table(table: pd.DataFrame, settings: dict[str, Any], *, train: Callable[[Any, int], list[str] | None],
                rules: ClusterRules, seed: int, backend: str, labels: pd.DataFrame | None, scratch: str) -> Linkage:
    sources = sorted(table["source_dataset"].unique())
    settings = {**settings, "link_type": "link_and_dedupe" if len(sources) > 1 else "dedupe_only"}
    # Training always runs on DuckDB, over at most MAX_TRAINING_RECORDS: one model whatever the backend, so
    # Spark scores and clusters with the very parameters DuckDB would (Splink's sampling and EM differ in
    # detail between backends, and so did the people they found).
    sample = training_sample(table, seed)
    linker = _linker(sample, sources, settings, "duckdb", scratch)
    training_notes = train(linker, seed) or []
    if len(sample) < len(table):
        training_notes.append(f"trained on {len(sample):,} of {len(table):,} records, drawn by a hash of their ids")
    if len(sample) < len(table) or backend != "duckdb":
        model = {key: value for key, value in linker.misc.save_model_to_json().items() if key != "sql_dialect"}
        linker = _linker(table, sources, model, backend, scratch)
    predictions = linker.inference.predict(threshold_match_probability=KEEP_PAIRS_ABOVE).as_pandas_dataframe()
    pairs = _pairs(predictions, single_source=sources[0] if len(sources) == 1 else None)
    apart = None
    if labels is not None and len(labels):
        pairs, apart = _apply_labels(pairs, labels)
    keys = pd.DataFrame({"source": table["source_dataset"].astype(str), "record_id": table["unique_id"].astype(str)})
    entities, splits = cluster(keys, pairs, rules, given=table.get("given_key"),
                               apart=apart)
    diagnostics = {
        "n_records": len(table),
        "n_training_records": len(sample),
        "n_sources": len(sources),
        "n_entities": int(entities["entity_id"].nunique()),
        "n_candidate_pairs": len(pairs),
        "n_links": int((pairs["match_probability"] >= rules.threshold).sum()),
        "clusters_split_by_guard_rails": splits,
        "mode": "link and dedupe" if len(sources) > 1 else "dedupe only (a single list)",
        "reviewed_pairs_applied": 0 if labels is None else int(labels["label"].isin(["match", "non-match"]).sum()),
        "training_notes": training_notes,
    }
    run_settings = {"backend": backend, "seed": seed, "threshold": rules.threshold,
                    "max_training_records": MAX_TRAINING_RECORDS,
                    "max_cluster_size": rules.max_size, "min_cluster_density": rules.min_density}
    return Linkage(entities, pairs, run_settings, linker.misc.save_model_to_json(), diagnostics)


def _check(records: pd.DataFrame) -> None:
    if records.empty:
        raise BadInput("there are no records to link")
    names = records.reindex(columns=list(NAME_FIELDS)).fillna("").astype(str).apply(lambda c: c.str.strip())
    if not (names != "").any(axis=None):
        raise BadInput("no record has a name, so nothing can be linked; check the name columns or the mapping")
    duplicated = records.duplicated(["source", "record_id"])
    if duplicated.any():
        first = records[duplicated].iloc[0]
        raise BadInput(f"record_id '{first['record_id']}' appears more than once in source '{first['source']}'")


def training_sample(table: pd.DataFrame, seed: int, size: int = MAX_TRAINING_RECORDS) -> pd.DataFrame:
    """Every record when there are at most `size`, else about `size` of them chosen by a keyed hash of their
    source and id: the same records on every run, machine and backend, whatever the input's row order."""
    if len(table) <= size:
        return table
    keys = table["source_dataset"].astype(str) + "\x1f" + table["unique_id"].astype(str) + f"\x1f{seed}"
    buckets = keys.map(lambda key: zlib.crc32(key.encode("utf-8"))).to_numpy()
    return table[buckets < int(size / len(table) * 2**32)].reset_index(drop=True)


def _linker(table: pd.DataFrame, sources: list[str], settings: dict[str, Any], backend: str, scratch: str) -> Any:
    from splink import Linker

    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        db_api = DuckDBAPI(duckdb.connect(config={"temp_directory": scratch}))
    elif backend == "spark":
        from uncounted.link.spark import spark_api

        db_api = spark_api()
    else:
        raise BadInput(f"unknown linkage backend '{backend}'; choose duckdb or spark")
    # Splink names tables after their display name: keep it a plain identifier whatever the source is called;
    # the source itself travels in the `source_dataset` column.
    registered = [db_api.register(table[table["source_dataset"] == source].reset_index(drop=True),
                                  dataset_display_name=f"list_{i}") for i, source in enumerate(sources)
                  if (table["source_dataset"] == source).any()]
    # log_level=None: the library leaves logging to the application (the CLI quiets Splink itself).
    return Linker(registered if len(registered) > 1 else registered[0], settings, log_level=None)


def train_unsupervised(linker: Any, seed: int) -> list[str]:
    """Prior from rules that catch only matches; u by random sampling; m by EM on blocks (Splink).

    Returns notes on training blocks that had to be skipped: on small lists Splink 5's EM can push an m
    probability below the smallest float its own check accepts and stop; that block is then left out and
    its comparisons keep what the other blocks estimated.
    """
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    notes = []
    for columns in TRAINING_BLOCKS:
        try:
            # Without term frequencies EM runs on the counts of each comparison pattern: fast, and exact
            # sums of counts (the same result on every run); term frequencies still adjust the scores.
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), estimate_without_term_frequencies=True)
        except ValueError as exc:
            if "below the minimum allowed value" not in str(exc):
                raise
            notes.append(f"EM on the block {' + '.join(columns)} underflowed and was skipped (too few pairs)")
    return notes


PAIR_KEYS = ["source_l", "record_id_l", "source_r", "record_id_r"]


def _apply_labels(pairs: pd.DataFrame, labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reviewed matches become certain links (added if the model never proposed them); reviewed non-matches
    leave the pairs and come back as pairs to keep apart. Unsure labels change nothing."""
    decided = labels[labels["label"].isin(["match", "non-match"])][[*PAIR_KEYS, "label"]].astype(str)
    both_ways = pd.concat([decided, decided.rename(columns={"source_l": "source_r", "record_id_l": "record_id_r",
                                                            "source_r": "source_l", "record_id_r": "record_id_l"})])
    verdict = pairs.merge(both_ways, on=PAIR_KEYS, how="left")["label"].to_numpy()
    kept = pairs[verdict != "non-match"].copy()
    kept.loc[verdict[verdict != "non-match"] == "match", "match_probability"] = 1.0
    matches = decided[decided["label"] == "match"][PAIR_KEYS]
    unseen = matches.merge(kept[PAIR_KEYS], on=PAIR_KEYS, how="left", indicator=True)
    unseen = unseen[unseen["_merge"] == "left_only"][PAIR_KEYS]
    added = unseen.assign(match_probability=1.0, match_weight=float("inf"))
    return pd.concat([kept, added], ignore_index=True), decided[decided["label"] == "non-match"][PAIR_KEYS]


def _pairs(predictions: pd.DataFrame, single_source: str | None) -> pd.DataFrame:
    if single_source is not None and "source_dataset_l" not in predictions:  # dedupe_only may drop them
        predictions = predictions.assign(source_dataset_l=single_source, source_dataset_r=single_source)
    pairs = pd.DataFrame(
        {
            "source_l": predictions["source_dataset_l"].astype(str),
            "record_id_l": predictions["unique_id_l"].astype(str),
            "source_r": predictions["source_dataset_r"].astype(str),
            "record_id_r": predictions["unique_id_r"].astype(str),
            # Rounded: DuckDB's parallel sums differ in the last bits from run to run, and that noise must not
            # decide a tie at the threshold or in a minimum cut (runs must repeat exactly).
            "match_probability": predictions["match_probability"].astype(float).round(10),
            "match_weight": predictions["match_weight"].astype(float),
        }
    )
    # The database returns pairs in no fixed order; clustering must see them in one (ties in a cut).
    return pairs.sort_values(PAIR_KEYS, ignore_index=True)
