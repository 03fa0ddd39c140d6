"""The lists as data: how visible each kind of person is to each list, and how each list writes its records.

The eight profiles mimic the habits of real documentation groups without being any of them: an Arabic list
with split name fields, an English-language list that copies part of the first, a mixed-script list strong in
the south, a Latin list with split fields that began late and is strong in the centre, and four smaller ones
reusing these habits. The first K profiles are used for K lists.

The "custody" scenario's constants were tuned so that four lists document about 70% of the dead (12,270 of
about 17,700, design.md) in about 20,000 records. Those two figures fix how much heterogeneity there can be:
more records for the same documented share need more capture heterogeneity, and a hidden class that no list
sees well makes every estimator fall short by an amount the data cannot reveal. The classes differ by a factor
of 1.5, and the governorate, year and list focus add more; with perfect linkage a log-linear model search then
lands within a few percent of the truth, so the demo measures linkage and estimation, not an unknowable bias.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Latent visibility classes (Manrique-Vallier 2016, "Bayesian population size estimation using Dirichlet
#: process mixtures", Biometrics 72: capture heterogeneity as a mixture of classes): very visible (families
#: that reported to several groups), ordinary, and less visible (families who feared to report). Base shares;
#: governorate and year tilt them.
CLASS_SHARES = (0.30, 0.40, 0.30)
#: Tilt towards the visible class by governorate (logit scale): the capital and its countryside were best
#: documented, the east under later ISIS control least.
GOVERNORATE_VISIBILITY = {
    "DAM": 0.5, "RDA": 0.3, "HMS": 0.2, "DRA": 0.2, "HMA": 0.0, "ALE": -0.2, "IDL": -0.1, "DEZ": -0.4,
    "RAQ": -0.6, "HAS": -0.5, "LAT": -0.2, "TAR": -0.3, "SWE": -0.3, "QUN": -0.2,
}
#: Tilt by year of death: early deaths were publicised more than late ones.
YEAR_VISIBILITY = {2011: 0.3, 2012: 0.1, 2013: 0.0, 2014: -0.2, 2015: -0.4}


@dataclass(frozen=True)
class Style:
    """How one list writes a person. Probabilities are per record."""

    arabic: float  # share of records in Arabic script (the rest in Latin)
    full_name: float  # share written as one full_name rather than split fields
    grandfather: float  # grandfather's name given
    chain_shift: float  # family name missing, so the last name written is the grandfather's
    drop_article: float  # family name written without its article ال / al-
    latin_article: str  # how the list writes the article in Latin: "al-", "Al-", "Al ", "Al", "El-"
    loyalty: float  # share of names spelled in the list's own habitual Latin variant
    latin_habit: str  # regex: attested spellings that match it are the list's favourites (e.g. French "ou")
    arabic_plain: float  # hamza seats, ta marbuta and alif maqsura typed plainly (أ→ا, ة→ه, ى→ي)
    mother: float  # mother's given name recorded
    death_precision: tuple[float, float, float, float]  # day, month, year, missing
    detention_precision: tuple[float, float, float, float]
    age: float  # age at death given
    birth_year: float  # birth year given
    sex: float  # sex given
    governorate: str  # "ar", "en" or "variant" (the list's own Latin spelling) for Latin-script records
    district: float
    place: float
    typo: float  # chance that a name field has one character edit
    notes: float


@dataclass(frozen=True)
class ListProfile:
    """One list: its capture probabilities by visibility class and where it is strong, and its style."""

    name: str
    prefix: str  # record_id prefix
    capture: tuple[float, float, float]  # probability of recording a person of each class
    style: Style
    governorate_focus: dict[str, float] = field(default_factory=dict)  # logit shifts
    year_focus: dict[int, float] = field(default_factory=dict)
    copies: str | None = None  # the list it copies records from
    copy_rate: float = 0.0  # chance a record of that list is copied
    duplicates: float = 0.02  # share of its people recorded twice

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ARABIC_SPLIT = Style(
    arabic=1.0, full_name=0.0, grandfather=0.85, chain_shift=0.03, drop_article=0.15, latin_article="al-",
    loyalty=0.85, latin_habit=r"^$", arabic_plain=0.10, mother=0.55, death_precision=(0.78, 0.12, 0.06, 0.04),
    detention_precision=(0.55, 0.20, 0.10, 0.15), age=0.7, birth_year=0.2, sex=0.98, governorate="ar",
    district=0.6, place=0.4, typo=0.02, notes=0.1,
)
LATIN_FULL = Style(
    arabic=0.0, full_name=1.0, grandfather=0.25, chain_shift=0.05, drop_article=0.35, latin_article="Al-",
    loyalty=0.8, latin_habit=r"u|ee|oo", arabic_plain=0.0, mother=0.0,
    death_precision=(0.55, 0.30, 0.10, 0.05),
    detention_precision=(0.30, 0.30, 0.15, 0.25), age=0.6, birth_year=0.0, sex=0.9, governorate="en",
    district=0.2, place=0.3, typo=0.03, notes=0.15,
)
MIXED_FULL = Style(
    arabic=0.8, full_name=1.0, grandfather=0.6, chain_shift=0.06, drop_article=0.25, latin_article="al-",
    loyalty=0.7, latin_habit=r"^$", arabic_plain=0.6, mother=0.0, death_precision=(0.65, 0.20, 0.10, 0.05),
    detention_precision=(0.40, 0.25, 0.10, 0.25), age=0.5, birth_year=0.1, sex=0.85, governorate="ar",
    district=0.4, place=0.2, typo=0.04, notes=0.05,
)
LATIN_SPLIT = Style(
    arabic=0.0, full_name=0.0, grandfather=0.5, chain_shift=0.04, drop_article=0.5, latin_article="Al",
    loyalty=0.75, latin_habit=r"ou|ch|dj", arabic_plain=0.0, mother=0.2,
    death_precision=(0.40, 0.30, 0.25, 0.05),
    detention_precision=(0.20, 0.25, 0.25, 0.30), age=0.4, birth_year=0.4, sex=0.95, governorate="variant",
    district=0.3, place=0.5, typo=0.03, notes=0.0,
)

SOUTH = {"DRA": 0.8, "RDA": 0.4, "DAM": 0.3, "QUN": 0.5, "SWE": 0.3, "ALE": -0.4, "IDL": -0.4, "DEZ": -0.4,
         "RAQ": -0.4, "HAS": -0.4}
CENTRE = {"HMS": 0.6, "HMA": 0.6, "IDL": 0.4, "DRA": -0.4, "DAM": -0.2}
NORTH = {"ALE": 0.7, "IDL": 0.6, "RAQ": 0.4, "HAS": 0.4, "DRA": -0.5, "RDA": -0.3}
LATE = {2011: -0.8, 2012: -0.5}

PROFILES: tuple[ListProfile, ...] = (
    ListProfile("list_a", "A", (0.42, 0.36, 0.28), ARABIC_SPLIT, duplicates=0.03),
    ListProfile("list_b", "B-", (0.32, 0.27, 0.21), LATIN_FULL, copies="list_a", copy_rate=0.35,
                duplicates=0.02),
    ListProfile("list_c", "C", (0.28, 0.23, 0.18), MIXED_FULL, governorate_focus=SOUTH, duplicates=0.035),
    ListProfile("list_d", "D", (0.17, 0.14, 0.11), LATIN_SPLIT, governorate_focus=CENTRE, year_focus=LATE,
                duplicates=0.025),
    ListProfile("list_e", "E", (0.30, 0.25, 0.19), ARABIC_SPLIT, governorate_focus=NORTH),
    ListProfile("list_f", "F-", (0.27, 0.22, 0.17), LATIN_FULL, copies="list_c", copy_rate=0.2),
    ListProfile("list_g", "G", (0.24, 0.20, 0.15), MIXED_FULL, year_focus=LATE, duplicates=0.03),
    ListProfile("list_h", "H", (0.22, 0.18, 0.14), LATIN_SPLIT, governorate_focus=SOUTH),
)

MIN_LISTS = 2
MAX_LISTS = len(PROFILES)
