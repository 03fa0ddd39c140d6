"""Linkage replicates: several equally defensible linkages, so the estimate carries linkage uncertainty.

One linkage is one guess. Re-clustering the same scored pairs at several thresholds, or drawing each pair's
link from its match probability (the approach of HRDAG's verdata replicates, Sadinle 2017 in spirit), gives a
set of capture tables; estimating on each and combining by Rubin's rules shows how much of the interval comes
from linkage rather than from sampling. Re-clustering reuses the trained model: no retraining per replicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from uncounted.link.cluster import ClusterRules, cluster
from uncounted.link.run import Linkage
from uncounted.records import NAME_FIELDS


def threshold_replicates(linkage: Linkage, records: pd.DataFrame,
                         thresholds: Sequence[float] = (0.5, 0.8, 0.9, 0.95, 0.99)) -> list[pd.DataFrame]:
    """Entities (source, record_id, entity_id) re-clustered at each threshold, guard-rails unchanged."""
    rules = _rules(linkage)
    keys = records[["source", "record_id"]].astype(str)
    given = _given_keys(records)
    return [cluster(keys, linkage.pairs, replace(rules, threshold=t), given=given)[0] for t in thresholds]


def sampled_replicates(linkage: Linkage, records: pd.DataFrame, n: int = 10, seed: int = 1) -> list[pd.DataFrame]:
    """Entities from links drawn at random, each pair linked with its match probability."""
    rules = _rules(linkage)
    keys = records[["source", "record_id"]].astype(str)
    given = _given_keys(records)
    rng = np.random.default_rng(seed)
    replicates = []
    for _ in range(n):
        drawn = rng.random(len(linkage.pairs)) < linkage.pairs["match_probability"].to_numpy()
        # A drawn link is a link whatever its probability: give it weight ≥ the threshold for clustering,
        # keeping the original order of strength so the guard-rails still cut the weakest first.
        pairs = linkage.pairs[drawn].assign(
            match_probability=lambda p: rules.threshold + (1 - rules.threshold) * p["match_probability"])
        replicates.append(cluster(keys, pairs, rules, given=given)[0])
    return replicates


def _given_keys(records: pd.DataFrame) -> pd.Series | None:
    """Each record's given-name key, so that a replicate cuts apart names that cannot be one person's as the run
    did (without it, every replicate would let brothers merge); None for records that carry no names."""
    if not set(NAME_FIELDS) & set(records.columns):
        return None
    from uncounted.names import name_features

    return pd.Series(name_features(records.reset_index(drop=True))["given_key"].to_numpy(), index=records.index)


def _rules(linkage: Linkage) -> ClusterRules:
    s = linkage.settings
    return ClusterRules(threshold=float(s["threshold"]), max_size=int(s["max_cluster_size"]),
                        min_density=float(s["min_cluster_density"]),
                        one_record_per_source=bool(s.get("one_record_per_source", False)))
