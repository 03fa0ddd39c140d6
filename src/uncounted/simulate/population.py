"""The closed population: everyone who died in detention, with the facts a list could record about them.

People come in lineages (one family name and grandfather): most lineages lose one person, some lose brothers
(same father, grandfather, family and mother) or cousins (same grandfather and family). Brothers
detained in one raid share the detention date. These are the records that make linkage hard: two different
people whose name chains differ in one link.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date

import numpy as np
import pandas as pd

from uncounted.simulate.geography import DISTRICTS, GOVERNORATE_WEIGHTS, PLACES_OF_DEATH
from uncounted.simulate.names import NameTable

FIRST_DAY = date(2011, 3, 15)
LAST_DAY = date(2015, 12, 31)
#: Share of deaths by year, peaking 2013 (the shape of the published custody series, not its figures).
YEAR_WEIGHTS = {2011: 0.06, 2012: 0.24, 2013: 0.33, 2014: 0.25, 2015: 0.12}
#: How many of a lineage died: mostly one; brothers and cousins otherwise.
LINEAGE_SIZES = np.array([1, 2, 3, 4, 5])
LINEAGE_PROBABILITIES = np.array([0.80, 0.12, 0.05, 0.02, 0.01])
FEMALE_SHARE = 0.03
MINOR_SHARE = 0.04
#: Chance that a father named his eldest son after his own father (the grandfather).
NAMED_AFTER_GRANDFATHER = 0.12
#: Chance that relatives who died were detained together (one raid, one date).
DETAINED_TOGETHER = 0.5

PEOPLE_COLUMNS = [
    "person_id", "lineage_id", "given_name", "father_name", "grandfather_name", "family_name", "mother_name",
    "sex", "age", "birth_year", "date_of_detention", "date_of_death", "year_of_death", "governorate",
    "district", "place_of_death", "given_code", "father_code", "grandfather_code", "family_code",
    "mother_code", "district_index", "place_index",
]


class _Pool:
    """Names of one kind drawn in bulk by frequency and handed out one at a time (one vectorised draw
    instead of one per person)."""

    def __init__(self, rng: np.random.Generator, table: NameTable, kind: str, size: int) -> None:
        self._codes = table.draw(rng, kind, size).tolist()
        self._rng, self._table, self._kind = rng, table, kind

    def take(self, avoid: AbstractSet[int] = frozenset()) -> int:
        """The next name not in `avoid` (brothers do not share a given name)."""
        while True:
            if not self._codes:
                self._codes = self._table.draw(self._rng, self._kind, 1024).tolist()
            code = self._codes.pop()
            if code not in avoid:
                return code


def _death_dates(rng: np.random.Generator, size: int) -> np.ndarray:
    """Days of death: a year by YEAR_WEIGHTS, then a day uniformly within its part of the period."""
    years = np.array(list(YEAR_WEIGHTS))
    year = rng.choice(len(years), size=size, p=np.array(list(YEAR_WEIGHTS.values())))
    starts = np.array([(max(date(y, 1, 1), FIRST_DAY) - FIRST_DAY).days for y in years])[year]
    ends = np.array([(min(date(y, 12, 31), LAST_DAY) - FIRST_DAY).days for y in years])[year]
    return starts + np.floor(rng.random(size) * (ends - starts + 1)).astype(int)


def _ages(rng: np.random.Generator, size: int) -> np.ndarray:
    """Adult detainees (18 plus a gamma tail: mean about 33) and a few minors aged 13–17."""
    adults = 18 + np.floor(rng.gamma(2.2, 7.0, size)).astype(int)
    minors = rng.integers(13, 18, size)
    return np.minimum(np.where(rng.random(size) < MINOR_SHARE, minors, adults), 85)


def make_people(rng: np.random.Generator, n: int, table: NameTable) -> pd.DataFrame:
    """Exactly `n` people, in lineages, with names, sex, age, dates and places."""
    pools = {kind: _Pool(rng, table, kind, n + 16) for kind in ("male", "female", "family")}
    governorates = list(GOVERNORATE_WEIGHTS)
    gov_p = np.array(list(GOVERNORATE_WEIGHTS.values()))
    sizes = rng.choice(LINEAGE_SIZES, size=n, p=LINEAGE_PROBABILITIES)
    lineage_gov = rng.choice(len(governorates), size=n, p=gov_p / gov_p.sum())
    uniforms = rng.random((n, 4))
    female = rng.random(n) < FEMALE_SHARE
    after_grandfather = rng.random(n) < NAMED_AFTER_GRANDFATHER
    death_days = _death_dates(rng, n)
    # time held before death: median about four months (lognormal); a detention that would fall before the
    # uprising began is placed uniformly between its start and the death instead
    held = np.ceil(rng.lognormal(np.log(120), 0.9, n)).astype(int)
    held = np.where(held <= death_days, held, np.floor(rng.random(n) * (death_days + 1)).astype(int))
    rows: list[dict[str, object]] = []
    lineage = 0
    while len(rows) < n:
        size = int(min(sizes[lineage], n - len(rows)))
        u_district, u_district_pick, u_fathers, u_together = uniforms[lineage]
        family = pools["family"].take()
        grandfather = pools["male"].take()
        gov = governorates[int(lineage_gov[lineage])]
        district = int(u_district_pick * len(DISTRICTS[gov])) if u_district < 0.5 else 0
        n_fathers = 1 if size == 1 or u_fathers < 0.6 else 2
        fathers = [pools["male"].take({grandfather})]
        if n_fathers == 2:
            fathers.append(pools["male"].take({grandfather, fathers[0]}))
        sons_of = np.bincount(rng.integers(n_fathers, size=size - n_fathers), minlength=n_fathers) + 1
        shared_detention: int | None = None
        for father, count in zip(fathers, sons_of, strict=True):
            mother = pools["female"].take()
            taken: set[int] = {father}
            for child in range(count):
                i = len(rows)
                sex = "female" if female[i] else "male"
                if sex == "male" and child == 0 and after_grandfather[i]:
                    given = grandfather
                else:
                    given = pools[sex].take(taken)
                taken.add(given)
                death = int(death_days[i])
                detention = death - int(held[i])
                if size > 1 and u_together < DETAINED_TOGETHER:  # relatives taken in one raid
                    shared_detention = detention if shared_detention is None else shared_detention
                    detention = min(shared_detention, death)
                rows.append({
                    "lineage_id": lineage, "given_code": given, "father_code": father,
                    "grandfather_code": grandfather, "family_code": family, "mother_code": mother,
                    "sex": sex, "governorate": gov, "district_index": district, "death_day": death,
                    "detention_day": detention,
                })
        lineage += 1
    people = pd.DataFrame(rows)
    people["age"] = _ages(rng, n)
    first = np.datetime64(FIRST_DAY.isoformat())
    death = first + people["death_day"].to_numpy().astype("timedelta64[D]")
    detention = first + people["detention_day"].to_numpy().astype("timedelta64[D]")
    people["date_of_death"] = np.datetime_as_string(death, unit="D")
    people["date_of_detention"] = np.datetime_as_string(detention, unit="D")
    people["year_of_death"] = death.astype("datetime64[Y]").astype(int) + 1970
    # born before the birthday in the year of death about half the time
    people["birth_year"] = people["year_of_death"] - people["age"] - (rng.random(n) < 0.5).astype(int)
    place_p = np.array([share for *_, share in PLACES_OF_DEATH])
    people["place_index"] = rng.choice(len(PLACES_OF_DEATH), size=n, p=place_p / place_p.sum())
    people["place_of_death"] = [PLACES_OF_DEATH[i][1] for i in people["place_index"]]
    pairs = zip(people["governorate"], people["district_index"], strict=True)
    people["district"] = [DISTRICTS[g][i][1] for g, i in pairs]
    for field in ("given", "father", "grandfather", "family", "mother"):
        people[f"{field}_name"] = [table.arabic[c] for c in people[f"{field}_code"]]
    people["person_id"] = [f"P{i + 1:06d}" for i in range(n)]
    return people[PEOPLE_COLUMNS]
