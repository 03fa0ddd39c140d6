"""Capture histories of a population of known size, for testing estimators against the truth.

Each person belongs to a latent class; within a class, list j records them with that class's probability, so
capture heterogeneity comes from the mixture of classes (the data-generating process of the latent-class
models of Manrique-Vallier 2016). Optional list dependence makes a person on list i more (odds ratio > 1) or
less likely to be on a later list j, which no latent class explains: the case where estimators that assume
conditional independence are stressed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable


@dataclass(frozen=True)
class SimulatedCaptures:
    """A simulated capture table with the truth it was drawn from."""

    table: CaptureTable  # observed patterns only (the unobserved are what estimators must infer)
    population: int  # true N, observed or not
    seed: int  # repeats the draw exactly


def simulate_captures(population: int, capture_probs: Sequence[Sequence[float]],
                      class_shares: Sequence[float] | None = None, *,
                      dependence: Mapping[tuple[int, int], float] | None = None,
                      lists: Sequence[str] | None = None, seed: int | None = None) -> SimulatedCaptures:
    """Draw the capture histories of `population` people.

    `capture_probs[c][j]` is the probability that list j records a person of class c; `class_shares[c]` the
    share of the population in class c (equal shares by default). `dependence` maps a pair of list positions
    (i, j), i < j, to an odds ratio applied to list j's capture odds for people on list i. With `seed` None a
    seed is drawn and recorded in the result.
    """
    probs = np.asarray(capture_probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise BadInput("capture_probs needs one row per class and one column per list, with at least 2 lists")
    if np.any((probs < 0) | (probs > 1)) or not np.all(np.isfinite(probs)):
        raise BadInput("capture probabilities must lie between 0 and 1")
    classes, n_lists = probs.shape
    shares = np.full(classes, 1.0 / classes) if class_shares is None else np.asarray(class_shares, np.float64)
    if shares.shape != (classes,) or np.any(shares < 0) or not np.isclose(shares.sum(), 1.0):
        raise BadInput(f"class_shares must be {classes} non-negative numbers that sum to 1")
    if isinstance(population, bool) or not isinstance(population, (int, np.integer)) or population < 1:
        raise BadInput(f"population must be a whole number of at least 1; got {population!r}")
    names = tuple(lists) if lists is not None else tuple(f"L{j + 1}" for j in range(n_lists))
    if len(names) != n_lists:
        raise BadInput(f"{len(names)} list names given for {n_lists} lists")
    pairs = dict(dependence or {})
    for (i, j), ratio in pairs.items():
        if not (0 <= i < j < n_lists) or not ratio > 0:
            raise BadInput(f"dependence ({i}, {j}): {ratio} needs list positions i < j < {n_lists} and a "
                           "positive odds ratio")
    if seed is None:
        seed = secrets.randbelow(2**31)

    rng = np.random.default_rng(seed)
    latent = rng.choice(classes, size=population, p=shares)
    captured = np.zeros((population, n_lists), dtype=np.int64)
    for j in range(n_lists):
        p = probs[latent, j]
        odds_factor = np.ones(population)
        for (i, target), ratio in pairs.items():
            if target == j:
                odds_factor = np.where(captured[:, i] == 1, odds_factor * ratio, odds_factor)
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = p / (1.0 - p) * odds_factor
            p = np.where(p >= 1.0, 1.0, odds / (1.0 + odds))
        captured[:, j] = rng.random(population) < p
    seen = captured.sum(axis=1) > 0
    table = CaptureTable.build(names, captured[seen], np.ones(int(seen.sum()), dtype=np.int64),
                               name="simulated", check=False)
    return SimulatedCaptures(table=table, population=int(population), seed=int(seed))
