"""The review loop: uncertain pairs out to people who read the names, their labels back in.

The model is least sure in a band of match probabilities; a sample of that band, stratified by the two lists
and the governorate (so every pair of lists and every region gets eyes on it) and by probability, goes to
reviewers side by side, with, on request, a smaller draw from the pairs scored below and above the band (the
links nobody would otherwise check, and the pairs left apart). Each sampled pair carries the number of pairs it
stands for, so labels give weighted estimates of precision and recall (Horvitz & Thompson 1952), not just a
count of mistakes seen.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select

from uncounted.errors import BadInput
from uncounted.files import write_atomically
from uncounted.link.supervised import bin_range, probability_bin
from uncounted.places import governorate_code
from uncounted.store import audit
from uncounted.store.review import ReviewLabel
from uncounted.store.users import LOCAL
from uncounted.workspace import Workspace

#: Record fields reviewers see side by side, in reading order.
SHOWN_FIELDS = ("full_name", "given_name", "father_name", "grandfather_name", "family_name", "mother_name",
                "sex", "age", "birth_year", "date_of_death", "date_of_detention", "governorate", "place_of_death")
PAIR_KEYS = ("source_l", "record_id_l", "source_r", "record_id_r")
LABEL_ALIASES = {"match": "match", "m": "match", "yes": "match", "y": "match", "1": "match", "نعم": "match",
                 "non-match": "non-match", "nonmatch": "non-match", "no": "non-match", "n": "non-match",
                 "0": "non-match", "لا": "non-match", "unsure": "unsure", "u": "unsure", "?": "unsure"}


def review_sample(pairs: pd.DataFrame, records: pd.DataFrame, *, low: float = 0.2, high: float = 0.98,
                  size: int = 200, seed: int = 1, spread: int = 0) -> pd.DataFrame:
    """A stratified sample of the pairs scored in [low, high), and `spread` more drawn from the pairs scored
    below and above it (in proportion, at least one from each side that has pairs), with both records side by
    side."""
    rng = np.random.default_rng(seed)
    score = pairs["match_probability"]
    drawn = [_band_sample(pairs[(score >= low) & (score < high)].copy(), records, low, high, size, rng)]
    if spread:
        sides = [pairs[score < low], pairs[score >= high]]
        drawn += [_simple_sample(side, take, rng) for side, take in
                  zip(sides, _allocate([len(side) for side in sides], spread), strict=True) if take]
    return _side_by_side(pd.concat(drawn).sort_values("match_probability", kind="stable"), records)


def _allocate(sizes: list[int], total: int) -> list[int]:
    """`total` draws shared in proportion to `sizes`, at least one for every non-empty stratum, none beyond it."""
    counts = np.array(sizes, dtype=float)
    if counts.sum() == 0:
        return [0] * len(sizes)
    quota = np.maximum(np.floor(counts * total / counts.sum()), (counts > 0).astype(float))
    return [int(q) for q in np.minimum(quota, counts)]


def _simple_sample(members: pd.DataFrame, take: int, rng: np.random.Generator) -> pd.DataFrame:
    picked = members.iloc[rng.choice(len(members), size=take, replace=False)]
    return picked.assign(sample_weight=len(members) / take)


def _band_sample(band: pd.DataFrame, records: pd.DataFrame, low: float, high: float, size: int,
                 rng: np.random.Generator) -> pd.DataFrame:
    if band.empty:
        return band.assign(sample_weight=[])
    keyed = records.set_index(["source", "record_id"])
    governorate = keyed["governorate"].map(governorate_code)
    band["stratum"] = (
        band["source_l"].where(band["source_l"] <= band["source_r"], band["source_r"]) + "|"
        + band["source_r"].where(band["source_l"] <= band["source_r"], band["source_l"]) + "|"
        + governorate.reindex(list(zip(band["source_l"], band["record_id_l"], strict=True))).fillna("").to_numpy()
        + "|" + pd.cut(band["match_probability"], [low, 0.5, 0.8, high], right=False).astype(str)
    )
    counts = band["stratum"].value_counts()
    # Proportional allocation with at least one pair from every stratum, so the sample can exceed `size` by the
    # number of small strata; cutting it back would leave some strata unsampled and the weights short of the band.
    chosen = [_simple_sample(band[band["stratum"] == stratum], take, rng)
              for stratum, take in zip(counts.index, _allocate(counts.tolist(), size), strict=True)]
    return pd.concat(chosen).sort_values("match_probability", kind="stable").drop(columns="stratum")


def _side_by_side(sample: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    shown = records[["source", "record_id", *SHOWN_FIELDS]]
    out = sample[[*PAIR_KEYS, "match_probability", "sample_weight"]].reset_index(drop=True)
    for side in ("l", "r"):
        renamed = shown.rename(columns={c: f"{c}_{side}" for c in shown.columns})
        out = out.merge(renamed, on=[f"source_{side}", f"record_id_{side}"], how="left")
    ordered = [*PAIR_KEYS, "match_probability", "sample_weight",
               *[f"{field}_{side}" for field in SHOWN_FIELDS for side in ("l", "r")]]
    out = out[ordered]
    out.insert(0, "pair", range(1, len(out) + 1))
    return out.assign(label="", reviewer="", reason="")


def write_review_file(sample: pd.DataFrame, path: str | Path) -> Path:
    """CSV (UTF-8 with BOM, so spreadsheet programs show Arabic) or XLSX, chosen by the file's suffix."""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        return write_atomically(target, lambda temporary: sample.to_excel(temporary, index=False, sheet_name="review"))
    if target.suffix.lower() == ".csv":
        return write_atomically(target, lambda temporary: sample.to_csv(temporary, index=False, encoding="utf-8-sig"))
    raise BadInput("the review file must end in .csv or .xlsx", file=str(target))


def read_review_file(path: str | Path, reviewer: str | None = None) -> pd.DataFrame:
    """Labelled pairs from a returned review file; rows left unlabelled are skipped, bad labels refused."""
    source = Path(path)
    try:
        frame = (pd.read_excel(source, dtype=str) if source.suffix.lower() == ".xlsx"
                 else pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read the review file ({exc})", file=str(source)) from exc
    frame = frame.fillna("")
    missing = [c for c in (*PAIR_KEYS, "label") if c not in frame.columns]
    if missing:
        raise BadInput(f"the review file lacks the column(s) {', '.join(missing)}", file=str(source))
    labels = frame["label"].str.strip().str.lower()
    for i, value in labels.items():
        if value and value not in LABEL_ALIASES:
            raise BadInput(f"label '{frame['label'][i]}' is not one of match, non-match or unsure",
                           file=str(source), row=int(i) + 2, column="label")
    done = frame[labels != ""].copy()
    done["label"] = labels[labels != ""].map(LABEL_ALIASES)
    given = done.get("reviewer", pd.Series("", index=done.index)).str.strip()
    if reviewer is None and (given == "").any():
        row = int(given[given == ""].index[0]) + 2
        raise BadInput("this labelled row names no reviewer; fill the reviewer column or pass --reviewer",
                       file=str(source), row=row, column="reviewer")
    done["reviewer"] = given.where(given != "", reviewer or "")
    for column, default in (("reason", ""), ("match_probability", "nan"), ("sample_weight", "1")):
        if column not in done.columns:
            done[column] = default
    done["match_probability"] = pd.to_numeric(done["match_probability"], errors="coerce")
    done["sample_weight"] = pd.to_numeric(done["sample_weight"], errors="coerce").fillna(1.0)
    return done[[*PAIR_KEYS, "label", "reviewer", "reason", "match_probability", "sample_weight"]]


def store_labels(ws: Workspace, labels: pd.DataFrame, file_sha256: str = "", by: str = LOCAL) -> int:
    now = datetime.now(UTC)
    with ws.session() as session:
        session.add_all(
            ReviewLabel(**{k: row[k] for k in (*PAIR_KEYS, "label", "reviewer", "reason")},
                        match_probability=None if math.isnan(row["match_probability"]) else row["match_probability"],
                        sample_weight=float(row["sample_weight"]), labelled_at=now, file_sha256=file_sha256)
            for row in labels.to_dict("records")
        )
        audit.record(session, by, "review.labels", file_sha256, {"labels": len(labels)})
    return len(labels)


def load_labels(ws: Workspace) -> pd.DataFrame:
    """Every label, latest last; use `latest_labels` for one verdict per pair."""
    columns = [*PAIR_KEYS, "label", "reviewer", "reason", "match_probability", "sample_weight", "labelled_at"]
    with ws.session() as session:
        rows = session.execute(select(*(getattr(ReviewLabel, c) for c in columns)).order_by(ReviewLabel.id)).all()
    return pd.DataFrame(rows, columns=columns)


def latest_labels(labels: pd.DataFrame) -> pd.DataFrame:
    return labels.drop_duplicates(list(PAIR_KEYS), keep="last")


def label_quality(labels: pd.DataFrame, threshold: float,
                  pairs: pd.DataFrame | None = None) -> dict[str, float | int | str | None]:
    """Weighted precision and recall of the links among the scores the labels cover, with 95% Wilson intervals.

    The estimates speak only for the scores reviewed pairs were drawn from ("covers"): by default the uncertain
    band, where the errors are; with `review export --spread`, every score. With `pairs` (the run's scored
    pairs), each label stands for its bin's pairs divided by its bin's labels (post-stratification on the bins of
    `uncounted.link.supervised`, by the score the pair had when exported), so several review rounds count once;
    without them, for its export-time `sample_weight`. Unsure labels are left out. The interval uses Kish's
    effective sample size for the unequal weights.
    """
    decided = latest_labels(labels)
    decided = decided[decided["label"] != "unsure"].dropna(subset=["match_probability"])
    match = (decided["label"] == "match").to_numpy(float)
    probability = decided["match_probability"].to_numpy(float)
    bins = probability_bin(probability)
    weight = decided["sample_weight"].to_numpy(float) if pairs is None else _post_stratified(bins, pairs)
    linked = probability >= threshold
    out: dict[str, float | int | str | None] = {"labelled_pairs": int(len(decided)), "threshold": threshold,
                                                "covers": bin_range(bins)}
    out.update(_weighted_share("precision", match[linked], weight[linked]))
    out.update(_weighted_share("recall", linked[match == 1].astype(float), weight[match == 1]))
    return out


def _post_stratified(bins: np.ndarray, pairs: pd.DataFrame) -> np.ndarray:
    """Each label's weight: the pairs of its bin over the labels of its bin (at least 1: a bin the run no longer
    fills still holds the labelled pairs themselves)."""
    population = pd.Series(probability_bin(pairs["match_probability"])).value_counts()
    labelled = pd.Series(bins).value_counts()
    return np.maximum(population.reindex(bins).fillna(0).to_numpy(), labelled.reindex(bins).to_numpy()) \
        / labelled.reindex(bins).to_numpy()


def _weighted_share(name: str, hits: np.ndarray, weights: np.ndarray) -> dict[str, float | None]:
    if weights.sum() == 0:
        return {name: None, f"{name}_lower": None, f"{name}_upper": None}
    share = float((hits * weights).sum() / weights.sum())
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    low, high = _wilson(share, n_eff)
    return {name: share, f"{name}_lower": low, f"{name}_upper": high}


def _wilson(share: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    """Wilson (1927) score interval, which stays inside [0, 1] for shares near 0 or 1."""
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
