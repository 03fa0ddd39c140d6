"""Reviewers' labels in training: the m probabilities re-estimated with what reviewers decided.

EM learns m (how often one person's two records agree on each field) without being told who is who. Reviewed
pairs are that truth for a few hundred pairs, but chosen where the model is least sure: they are not a sample
of all matches, and m counted from them alone would be biased towards disagreement. Instead every m is a total
over all candidate pairs, estimated model-assisted, by the difference estimator (Särndal, Swensson & Wretman
1992, *Model Assisted Survey Sampling*, §6.3):

    T_kl = Σ_i p_i·x_ikl + Σ_b (N_b / n_b) · Σ_(j labelled in b) (y_j − p_j)·x_jkl,      m_kl = T_kl / Σ_l T_kl

p is the trained model's match probability, x_ikl says that comparison k of pair i is at level l, y_j is the
reviewer's verdict (1 match, 0 non-match) and b a bin of match probability: the n_b labelled pairs of a bin
stand for its N_b candidate pairs (post-stratification, Holt & Smith 1979), whichever review round drew them.
Where reviewers agree with the model the correction is near nothing; where they do not, it moves m by as many
pairs as they stand for. A bin with fewer than MIN_LABELS_PER_BIN labels is not extrapolated (its labelled
pairs stand only for themselves), and outside the labelled bins the totals rest on the model.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from uncounted.link.blocking import SPLINK_KEY_SEPARATOR, scoring_chunks

#: Post-strata of match probability: below the pairs a run keeps, the review band's own bins, and the certain.
BIN_EDGES = (0.0, 0.01, 0.2, 0.5, 0.8, 0.98, 1.0)
#: A bin's labels stand for the whole bin only when there are at least this many of them.
MIN_LABELS_PER_BIN = 10
#: How a labelled pair is marked in the blocked-pairs table Splink scores (its `match_key`, followed by the
#: label's position), so that it is told apart from the candidate pairs scored with it.
LABEL_KEY_PREFIX = "label:"


@dataclass(frozen=True)
class LabelTraining:
    """The model with m re-estimated, and what the labels said bin by bin (the model's expected matches
    against the estimate once the labels' corrections are in)."""

    model: dict[str, Any]
    bins: pd.DataFrame  # low, high, candidate_pairs, labelled, model_matches, estimated_matches
    changes: pd.DataFrame  # comparison, level, m_before, m_after; largest change first


def level_gammas(model: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], list[int]]]:
    """Each comparison's output column, its non-null levels and their comparison-vector values (Splink numbers
    the levels from the most specific, n − 1, down to 0 for ELSE; a null level is −1)."""
    out = []
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        out.append((comparison["output_column_name"], levels, list(range(len(levels) - 1, -1, -1))))
    return out


def probability_bin(probability: Any) -> np.ndarray:
    """The bin (0 … len(BIN_EDGES) − 2) of each match probability."""
    return np.searchsorted(BIN_EDGES[1:-1], np.asarray(probability, dtype=float), side="right")


def bin_range(bins: Any) -> str:
    """The scores some bins cover, contiguous runs joined ("0.2–0.98", or "0.01–0.2, 0.5–1.0")."""
    runs: list[list[int]] = []
    for b in sorted(set(int(b) for b in bins)):
        if runs and runs[-1][1] == b - 1:
            runs[-1][1] = b
        else:
            runs.append([b, b])
    return ", ".join(f"{BIN_EDGES[first]:g}–{BIN_EDGES[last + 1]:g}" for first, last in runs)


def bin_sql(column: str = "match_probability") -> str:
    """The post-stratum of a pair, as SQL over Splink's predictions."""
    cases = " ".join(f"WHEN {column} < {high} THEN {i}" for i, high in enumerate(BIN_EDGES[1:-1]))
    return f"CASE {cases} ELSE {len(BIN_EDGES) - 2} END"


def retrain_m(model: dict[str, Any], candidates: pd.DataFrame, labelled: pd.DataFrame, *, m_floor: float,
              coverage: float = 1.0) -> LabelTraining:
    """m re-estimated from all candidate pairs and the labelled ones (the module's estimator).

    `candidates`: one row per comparison pattern and bin: the `gamma_<comparison>` columns, `bin`, `pairs` (how
    many candidate pairs) and `probability_sum` (their summed match probability). `labelled`: one row per
    labelled pair: the gamma columns, `bin`, `match_probability` and `verdict` (1 match, 0 non-match).
    `coverage`: the share of all candidate pairs that `candidates` counts (a training sample of a share f of
    the records holds about f² of the pairs), which is what one labelled pair standing for itself weighs.
    """
    bins = _bin_table(candidates, labelled, coverage)
    weight = bins.set_index("bin")["weight"].reindex(labelled["bin"]).to_numpy()
    correction = weight * (labelled["verdict"].to_numpy(float) - labelled["match_probability"].to_numpy(float))
    trained = copy.deepcopy(model)
    changes = []
    for name, levels, gammas in level_gammas(trained):
        column = f"gamma_{name}"
        totals = np.array([
            candidates.loc[candidates[column] == gamma, "probability_sum"].sum()
            + correction[labelled[column].to_numpy() == gamma].sum()
            for gamma in gammas])
        totals = np.clip(totals, 0.0, None)
        if totals.sum() <= 0:  # no pair with this field filled in on both sides: keep what EM found
            continue
        shares = np.maximum(totals / totals.sum(), m_floor)
        shares /= shares.sum()
        for level, share in zip(levels, shares, strict=True):
            changes.append((name, level.get("label_for_charts", ""), level.get("m_probability"), float(share)))
            level["m_probability"] = float(share)
    table = pd.DataFrame(changes, columns=["comparison", "level", "m_before", "m_after"])
    size = (table["m_after"] - table["m_before"].astype(float).fillna(0.0)).abs()
    return LabelTraining(trained, bins.drop(columns="weight"),
                         table.iloc[size.sort_values(ascending=False, kind="stable").index].reset_index(drop=True))


def _bin_table(candidates: pd.DataFrame, labelled: pd.DataFrame, coverage: float) -> pd.DataFrame:
    """Per bin: candidate pairs N_b, labelled pairs n_b, the model's expected matches, the estimate with the
    labels' correction, and the weight N_b / n_b each labelled pair carries (itself alone, `coverage`, below
    MIN_LABELS_PER_BIN)."""
    rows = []
    for b, (low, high) in enumerate(zip(BIN_EDGES[:-1], BIN_EDGES[1:], strict=True)):
        in_bin = candidates["bin"] == b
        pairs = int(candidates.loc[in_bin, "pairs"].sum())
        mine = labelled[labelled["bin"] == b]
        weight = pairs / len(mine) if len(mine) >= MIN_LABELS_PER_BIN else coverage
        expected = float(candidates.loc[in_bin, "probability_sum"].sum())
        corrected = expected + weight * float((mine["verdict"] - mine["match_probability"]).sum())
        rows.append({"bin": b, "low": low, "high": high, "candidate_pairs": pairs, "labelled": len(mine),
                     "model_matches": expected, "estimated_matches": max(corrected, 0.0), "weight": weight})
    return pd.DataFrame(rows)


def describe(training: LabelTraining, top: int = 3) -> str:
    """One line for the run's notes: how many labels were used and the largest changes to m."""
    used = int(training.bins["labelled"].sum())
    moved = training.changes.dropna(subset=["m_before"]).head(top)
    shifts = "; ".join(f"{row.comparison} {row.level} {row.m_before:.3f} → {row.m_after:.3f}"
                       for row in moved.itertuples())
    return f"m re-estimated with {used:,} reviewed pairs" + (f" (largest changes: {shifts})" if shifts else "")


def score_for_training(linker: Any, db_api: Any, con: Any, labelled_pairs: pd.DataFrame, model: dict[str, Any], *,
                       with_source: bool, chunk_size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score, with the trained model, the candidate pairs already built on `con` (`uncounted.link.blocking`) and
    the labelled pairs, and return what `retrain_m` reads: the candidates summed by comparison pattern and bin,
    and each labelled pair's pattern, bin, probability and verdict.

    `labelled_pairs`: source_l, record_id_l, source_r, record_id_r and verdict; both records must be among the
    linker's inputs, whether or not blocking proposes the pair.
    """
    columns = [f"gamma_{name}" for name, _, _ in level_gammas(model)]
    gammas = ", ".join(columns)
    separator = SPLINK_KEY_SEPARATOR
    left, right = (labelled_pairs["source_l"] + separator, labelled_pairs["source_r"] + separator) if with_source \
        else ("", "")
    con.register("__uncounted_labelled_pairs", pd.DataFrame({
        "match_key": [f"{LABEL_KEY_PREFIX}{i}" for i in range(len(labelled_pairs))],
        "join_key_l": left + labelled_pairs["record_id_l"], "join_key_r": right + labelled_pairs["record_id_r"]}))
    chunks = list(scoring_chunks(con, chunk_size, with_source=with_source)) or [None]
    sums, scored = [], []
    for i, chunk in enumerate(chunks):
        parts = [chunk] if chunk else []
        if i == 0:
            parts.append("SELECT * FROM __uncounted_labelled_pairs")
        con.execute(f"CREATE TEMP TABLE __uncounted_training_chunk AS {' UNION ALL '.join(parts)}")
        linker.table_management.register_blocked_pairs_for_predict(db_api.register("__uncounted_training_chunk"))
        predictions = linker.inference.predict()
        is_label = f"starts_with(match_key, '{LABEL_KEY_PREFIX}')"
        sums.append(predictions.query_sql(
            f"SELECT {gammas}, {bin_sql()} AS bin, count(*) AS pairs, sum(match_probability) AS probability_sum "
            f"FROM {{this}} WHERE NOT {is_label} GROUP BY ALL").as_pandas_dataframe())
        scored.append(predictions.query_sql(
            f"SELECT match_key, {gammas}, {bin_sql()} AS bin, match_probability FROM {{this}} WHERE {is_label}"
        ).as_pandas_dataframe())
        predictions.drop_table_from_database_and_remove_from_cache()
        con.execute("DROP TABLE __uncounted_training_chunk")
    con.unregister("__uncounted_labelled_pairs")
    candidates = pd.concat(sums, ignore_index=True).groupby([*columns, "bin"], as_index=False)[
        ["pairs", "probability_sum"]].sum()
    labelled = pd.concat(scored, ignore_index=True)
    position = labelled.pop("match_key").str.removeprefix(LABEL_KEY_PREFIX).astype(int).to_numpy()
    labelled["verdict"] = labelled_pairs["verdict"].to_numpy(int)[position]
    return candidates, labelled
