"""Link the records of all lists at once: train a Splink model, score candidate pairs, cluster into people.

One `link_and_dedupe` model over every list finds both the same person on two lists and a person recorded
twice on one list. Training is unsupervised (Fellegi–Sunter parameters by expectation maximisation, Splink's
implementation); the run's settings, seed and trained model are returned so it can be repeated exactly.
"""

from __future__ import annotations

import copy
import os
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from uncounted.errors import BadInput
from uncounted.link.blocking import Blocking, candidate_pairs, drop_tables, scoring_chunks
from uncounted.link.cluster import ClusterRules, cluster
from uncounted.link.features import linkage_table
from uncounted.link.settings import BLOCKING, DETERMINISTIC_RULES, TRAINING_BLOCKS, splink_settings
from uncounted.link.supervised import LabelTraining, retrain_m, score_for_training
from uncounted.link.supervised import describe as describe_label_training
from uncounted.records import NAME_FIELDS

#: Pairs scored below this are not kept: they are neither links nor worth a reviewer's time.
KEEP_PAIRS_ABOVE = 0.01
#: Larger inputs are trained on a sample of this many records; the parameters of a Fellegi–Sunter model
#: (m, u and the prior, which a uniform sample of records leaves unchanged) do not need every record, and
#: training blocks grow with the square of the input.
MAX_TRAINING_RECORDS = 250_000
#: No field's disagreement is impossible for one person: every trained m probability is at least this.
M_FLOOR = 0.001
#: Candidate pairs are scored in pieces of at most this many, so memory stays flat as the input grows.
PAIRS_PER_SCORING_CHUNK = 10_000_000
#: DuckDB may use this share of the machine's memory before it spills to the run's private folder.
DUCKDB_MEMORY_SHARE = 0.2


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
                 labels: pd.DataFrame | None = None, learn_from_labels: bool = True) -> Linkage:
    """Link canonical records (all lists together) into people.

    `records` needs `source`, `record_id` and the canonical name columns. A single list is deduplicated only,
    and the diagnostics say so. `labels` (pair keys and `label`, one verdict per pair) are reviewers'
    decisions, and they bind: a match is linked and a non-match kept apart, whatever the model scores. With
    `learn_from_labels` they also re-estimate the model's m probabilities (`uncounted.link.supervised`).
    """
    _check(records)
    return link_table(linkage_table(records), splink_settings(), BLOCKING, train=train_unsupervised,
                      rules=rules or ClusterRules(threshold=threshold), seed=seed, backend=backend, labels=labels,
                      learn_from_labels=learn_from_labels)


#: A training procedure: given a way to build a Splink linker over the training records from settings, the
#: untrained settings and a seed, it returns the trained model and notes for the run's diagnostics.
Trainer = Callable[[Callable[[dict[str, Any]], Any], dict[str, Any], int], tuple[dict[str, Any], list[str]]]


def link_table(table: pd.DataFrame, settings: dict[str, Any], blocking: Blocking, *,
               train: Trainer, rules: ClusterRules, seed: int = 1,
               backend: str = "duckdb", labels: pd.DataFrame | None = None,
               learn_from_labels: bool = True) -> Linkage:
    """Link any prepared table (`unique_id`, `source_dataset`, compared columns) with the given Splink settings
    and blocking. The canonical path is `link_records`; benchmarks on other data (FEBRL) bring their own."""
    # DuckDB spills to disk past its memory limit, by default into ./.tmp beside wherever the command runs.
    # Spilled pages hold name keys: they go to a private folder (mode 0700), removed when the run ends.
    with tempfile.TemporaryDirectory(prefix="uncounted-linkage-") as scratch:
        return _link_table(table, settings, blocking, train=train, rules=rules, seed=seed, backend=backend,
                           labels=labels, learn_from_labels=learn_from_labels, scratch=scratch)


def _link_table(table: pd.DataFrame, settings: dict[str, Any], blocking: Blocking, *,
                train: Trainer, rules: ClusterRules, seed: int, backend: str,
                labels: pd.DataFrame | None, learn_from_labels: bool, scratch: str) -> Linkage:
    sources = sorted(table["source_dataset"].unique())
    settings = {**settings, "link_type": "link_and_dedupe" if len(sources) > 1 else "dedupe_only"}
    # Training always runs on DuckDB, over at most MAX_TRAINING_RECORDS: one model whatever the backend, so
    # Spark scores and clusters with the very parameters DuckDB would (Splink's sampling and EM differ in
    # detail between backends, and so did the people they found).
    clock = _Stopwatch()
    sample = training_sample(table, seed)
    db_api, con = _database("duckdb", scratch)
    inputs = _register(sample, sources, db_api)
    model, training_notes = train(lambda trained: _linker(inputs, trained), settings, seed)
    if len(sample) < len(table):
        training_notes.append(f"trained on {len(sample):,} of {len(table):,} records, drawn by a hash of their ids")
    decided = None if labels is None else _decided_on_present_records(labels, table)
    label_training = None
    if learn_from_labels and decided is not None and len(decided):
        label_training = _train_with_labels(model, table, sample, inputs, sources, decided, blocking, db_api, con)
        model = label_training.model
        training_notes.append(describe_label_training(label_training))
    clock.lap("training")
    if len(sample) < len(table) or backend != "duckdb":
        con.close()
        db_api, con = _database(backend, scratch)
        inputs = _register(table, sources, db_api)
    linker = _linker(inputs, {key: value for key, value in model.items() if key != "sql_dialect"})
    predictions, n_candidates = _score(linker, db_api, con, table, blocking, scratch, clock,
                                       with_source=len(sources) > 1)
    if con is not None:
        con.close()
    pairs = _pairs(predictions, single_source=sources[0] if len(sources) == 1 else None)
    apart = None
    if decided is not None and len(decided):
        pairs, apart = _apply_labels(pairs, decided)
    keys = pd.DataFrame({"source": table["source_dataset"].astype(str), "record_id": table["unique_id"].astype(str)})
    entities, splits = cluster(keys, pairs, rules, given=table.get("given_key"), apart=apart)
    clock.lap("clustering")
    diagnostics = {
        "n_records": len(table),
        "n_training_records": len(sample),
        "n_sources": len(sources),
        "n_entities": int(entities["entity_id"].nunique()),
        "n_candidate_pairs": n_candidates,
        "n_scored_pairs_kept": len(pairs),
        "n_links": int((pairs["match_probability"] >= rules.threshold).sum()),
        "clusters_split_by_guard_rails": splits,
        "mode": "link and dedupe" if len(sources) > 1 else "dedupe only (a single list)",
        "reviewed_pairs_applied": 0 if decided is None else len(decided),
        "training_notes": training_notes,
        "label_training": None if label_training is None else {
            "bins": label_training.bins.to_dict("records"),
            "largest_changes": label_training.changes.head(10).to_dict("records")},
        "seconds": clock.laps,
    }
    run_settings = {"backend": backend, "seed": seed, "threshold": rules.threshold,
                    "max_training_records": MAX_TRAINING_RECORDS, "blocking": blocking.as_dict(),
                    "max_cluster_size": rules.max_size, "min_cluster_density": rules.min_density,
                    "one_record_per_source": rules.one_record_per_source, "learn_from_labels": learn_from_labels}
    return Linkage(entities, pairs, run_settings, model, diagnostics)


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


class _Stopwatch:
    """Seconds spent in each stage of a run, for its diagnostics (and the benchmarks that read them)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._last, 1)
        self._last = now


def _database(backend: str, scratch: str) -> tuple[Any, Any]:
    """Splink's database API for the backend, and the DuckDB connection behind it (None for Spark)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        con = _duckdb(scratch)
        return DuckDBAPI(con), con
    if backend == "spark":
        from uncounted.link.spark import spark_api

        return spark_api(), None
    raise BadInput(f"unknown linkage backend '{backend}'; choose duckdb or spark")


def _register(table: pd.DataFrame, sources: list[str], db_api: Any, name: str = "list") -> list[Any]:
    """Register each list's records with Splink's database, once per database and `name`."""
    # Splink names tables after their display name: keep it a plain identifier whatever the source is called;
    # the source itself travels in the `source_dataset` column.
    return [db_api.register(table[table["source_dataset"] == source].reset_index(drop=True),
                            dataset_display_name=f"{name}_{i}") for i, source in enumerate(sources)
            if (table["source_dataset"] == source).any()]


def _linker(inputs: list[Any], settings: dict[str, Any]) -> Any:
    from splink import Linker

    # log_level=None: the library leaves logging to the application (the CLI quiets Splink itself).
    return Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None)


def _duckdb(scratch: str) -> Any:
    """A DuckDB connection that spills into the run's private folder, past a share of physical memory (its
    default, 80%, would let a million-record run take most of a shared machine)."""
    import duckdb

    config = {"temp_directory": scratch}
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        config["memory_limit"] = f"{int(memory * DUCKDB_MEMORY_SHARE) // 2**20}MB"
    return duckdb.connect(config=config)


#: The columns of Splink's predictions a linkage keeps.
PREDICTION_COLUMNS = ("source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r", "match_probability",
                      "match_weight")


def _score(linker: Any, db_api: Any, con: Any, table: pd.DataFrame, blocking: Blocking, scratch: str,
           clock: _Stopwatch, *, with_source: bool) -> tuple[pd.DataFrame, int]:
    """Score the candidate pairs of `blocking` (computed in DuckDB, on the scoring connection when the backend is
    DuckDB) chunk by chunk; returns the pairs scored above KEEP_PAIRS_ABOVE and the number of candidates.
    `with_source`: Splink keys records by source and id (False when it deduplicates a single list)."""
    blocking_con = con if con is not None else _duckdb(scratch)
    blocking_con.register("__uncounted_input", table)
    n_candidates = candidate_pairs(blocking_con, "__uncounted_input", blocking)
    clock.lap("blocking")
    kept = []
    for i, chunk in enumerate(scoring_chunks(blocking_con, PAIRS_PER_SCORING_CHUNK, with_source=with_source)):
        if con is not None:
            con.execute(f"CREATE TEMP TABLE __uncounted_chunk_{i} AS {chunk}")
            blocked = db_api.register(f"__uncounted_chunk_{i}")
        else:  # Spark reads the piece from Parquet in the run's private folder, never through pandas
            path = os.path.join(scratch, f"pairs_{i}.parquet")
            blocking_con.execute(f"COPY ({chunk}) TO '{path}' (FORMAT PARQUET)")
            blocked = db_api.register(db_api.spark.read.parquet(path), table_name=f"__uncounted_chunk_{i}")
        linker.table_management.register_blocked_pairs_for_predict(blocked)
        predictions = linker.inference.predict(threshold_match_probability=KEEP_PAIRS_ABOVE)
        present = {column.unquote().name for column in predictions.columns}
        columns = ", ".join(column for column in PREDICTION_COLUMNS if column in present)
        kept.append(predictions.query_sql(f"SELECT {columns} FROM {{this}}").as_pandas_dataframe())
        predictions.drop_table_from_database_and_remove_from_cache()
        if con is not None:
            con.execute(f"DROP TABLE __uncounted_chunk_{i}")
    drop_tables(blocking_con)
    blocking_con.unregister("__uncounted_input")
    if con is None:
        blocking_con.close()
    clock.lap("scoring")
    if not kept:  # no two records share anything a rule asks for
        return pd.DataFrame(columns=list(PREDICTION_COLUMNS)), n_candidates
    return pd.concat(kept, ignore_index=True), n_candidates


def train_unsupervised(make_linker: Callable[[dict[str, Any]], Any], settings: dict[str, Any],
                       seed: int) -> tuple[dict[str, Any], list[str]]:
    """Prior from rules that catch only matches; u by random sampling; m by EM on blocks (Splink, which
    averages each parameter over the blocks that estimate it).

    On small lists Splink 5's EM can push an m probability below the smallest float its own check accepts and
    stop; by then the session has taken the block's comparisons out of the linker's settings. The linker is
    then rebuilt from the model as it stood before that block, the block is left out (noted), and its
    comparisons keep what the other blocks estimated.
    """
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    linker = make_linker(settings)
    linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    notes = []
    for columns in TRAINING_BLOCKS:
        before = linker.misc.save_model_to_json()
        try:
            # Without term frequencies EM runs on the counts of each comparison pattern: fast, and exact
            # sums of counts (the same result on every run); term frequencies still adjust the scores.
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), estimate_without_term_frequencies=True)
        except EMTrainingException:  # a small list may hold no pair at all that agrees on a block
            notes.append(f"EM on the block {' + '.join(columns)} was skipped: no two records agree on it")
            linker = make_linker(before)
        except ValueError as exc:
            if "below the minimum allowed value" not in str(exc):
                raise
            notes.append(f"EM on the block {' + '.join(columns)} underflowed and was skipped (too few pairs)")
            linker = make_linker(before)
    return with_m_floor(linker.misc.save_model_to_json(), M_FLOOR), notes


def with_m_floor(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """The model with every trained m probability at least `floor` (each comparison's levels renormalised).

    EM on a tight block of a small list can see no match that disagrees on some field and set that level's m
    to 0, which makes the disagreement a veto (a match weight of minus infinity): one mistyped family name
    then keeps a person apart for good. A floor is the smallest pseudo-count that says "rare, not impossible";
    on simulated lists of 10,000 records it restores pairwise recall from 0.89 to 0.96.
    """
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"]
                  if not level.get("is_null_level") and level.get("m_probability") is not None]
        for level in levels:
            level["m_probability"] = max(level["m_probability"], floor)
        total = sum(level["m_probability"] for level in levels)
        for level in levels:
            level["m_probability"] /= total
    return model


PAIR_KEYS = ["source_l", "record_id_l", "source_r", "record_id_r"]


def _decided_on_present_records(labels: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The match and non-match verdicts on pairs whose two records are in this run's input (a list re-imported
    or deleted since the review leaves verdicts on records that no longer exist; they decide nothing now)."""
    decided = labels[labels["label"].isin(["match", "non-match"])][[*PAIR_KEYS, "label"]].astype(str)
    present = set(_record_keys(table["source_dataset"], table["unique_id"]))
    return decided[_record_keys(decided["source_l"], decided["record_id_l"]).isin(present)
                   & _record_keys(decided["source_r"], decided["record_id_r"]).isin(present)]


def _record_keys(sources: pd.Series, ids: pd.Series) -> pd.Series:
    return sources.astype(str) + "\x1f" + ids.astype(str)


def _train_with_labels(model: dict[str, Any], table: pd.DataFrame, sample: pd.DataFrame, inputs: list[Any],
                       sources: list[str], decided: pd.DataFrame, blocking: Blocking, db_api: Any,
                       con: Any) -> LabelTraining:
    """Re-estimate m with reviewers' verdicts (`uncounted.link.supervised`), on the training connection: every
    candidate pair of the training sample (registered as `inputs`) and every decided pair (records of theirs
    outside the sample are registered with it)."""
    wanted = set(_record_keys(decided["source_l"], decided["record_id_l"])) | set(
        _record_keys(decided["source_r"], decided["record_id_r"]))
    sampled = set(_record_keys(sample["source_dataset"], sample["unique_id"]))
    extra = table[_record_keys(table["source_dataset"], table["unique_id"]).isin(wanted - sampled).to_numpy()]
    if len(extra):
        inputs = _register(pd.concat([sample, extra], ignore_index=True), sources, db_api, name="with_labelled")
    linker = _linker(inputs, {key: value for key, value in model.items() if key != "sql_dialect"})
    con.register("__uncounted_training_input", sample)
    candidate_pairs(con, "__uncounted_training_input", blocking)
    candidates, labelled = score_for_training(
        linker, db_api, con, decided.assign(verdict=(decided["label"] == "match").astype(int)), model,
        with_source=len(sources) > 1, chunk_size=PAIRS_PER_SCORING_CHUNK)
    drop_tables(con)
    con.unregister("__uncounted_training_input")
    return retrain_m(model, candidates, labelled, m_floor=M_FLOOR, coverage=(len(sample) / len(table)) ** 2)


def _apply_labels(pairs: pd.DataFrame, decided: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reviewed matches become certain links (added if the model never proposed them); reviewed non-matches
    leave the pairs and come back as pairs to keep apart."""
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
