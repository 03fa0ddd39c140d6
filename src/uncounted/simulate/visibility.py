"""Who each list records: heterogeneous capture from latent classes, and one list copying another.

Each person belongs to a latent visibility class, drawn with probabilities tilted by governorate and year of
death; each list records a person of class c with its own probability, shifted on the logit scale by where and
when the list was strong (the latent-class model of Manrique-Vallier 2016, Biometrics 72, eq. 1, with
covariates moving the class weights). A list that copies another adds some of that list's people to its own,
which makes the two positively dependent beyond what the classes explain.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from uncounted.simulate.profiles import (
    CLASS_SHARES,
    GOVERNORATE_VISIBILITY,
    YEAR_VISIBILITY,
    ListProfile,
)


def visibility_classes(rng: np.random.Generator, people: pd.DataFrame) -> np.ndarray:
    """Each person's latent class: 0 very visible, 1 ordinary, 2 less visible."""
    tilt = (people["governorate"].map(GOVERNORATE_VISIBILITY).fillna(0.0).to_numpy()
            + people["year_of_death"].map(YEAR_VISIBILITY).fillna(0.0).to_numpy())
    logits = np.log(np.array(CLASS_SHARES))[None, :] + tilt[:, None] * np.array([1.0, 0.0, -1.0])[None, :]
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(people))[:, None] > cumulative).sum(axis=1)


def capture_probabilities(people: pd.DataFrame, classes: np.ndarray, profile: ListProfile) -> np.ndarray:
    """Each person's probability of being recorded by one list, before any copying."""
    base = np.asarray(profile.capture)[classes]
    shift = (people["governorate"].map(profile.governorate_focus).fillna(0.0).to_numpy()
             + people["year_of_death"].map(profile.year_focus).fillna(0.0).to_numpy())
    return 1.0 / (1.0 + np.exp(-(np.log(base / (1.0 - base)) + shift)))


def capture(rng: np.random.Generator, people: pd.DataFrame, classes: np.ndarray,
            profiles: Sequence[ListProfile]) -> dict[str, np.ndarray]:
    """list name → boolean mask of the people it records. A list may copy only a list drawn before it."""
    recorded: dict[str, np.ndarray] = {}
    for profile in profiles:
        own = rng.random(len(people)) < capture_probabilities(people, classes, profile)
        if profile.copies in recorded:
            own |= recorded[profile.copies] & (rng.random(len(people)) < profile.copy_rate)
        recorded[profile.name] = own
    return recorded
