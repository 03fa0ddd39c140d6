"""How a list writes down a person it recorded: its script, name layout, spellings, dates and mistakes.

Each list has habits (`profiles.Style`) and a memory: it spells a given name the same way most of the time
(its preferred attested Latin variant, drawn once per list), writes the article its own way, and spells each
governorate one way. Each record then varies on its own: a missing grandfather, a chain shift, a dropped
article, a plain-typed hamza, a typo, a date known only to the month. A person recorded twice in one list gets
two independent renderings, so the duplicates differ slightly, as real ones do.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import pandas as pd

from uncounted.places import GOVERNORATES
from uncounted.records import CANONICAL_FIELDS
from uncounted.simulate.geography import DISTRICTS, PLACES_OF_DEATH
from uncounted.simulate.names import NameTable
from uncounted.simulate.population import LAST_DAY
from uncounted.simulate.profiles import ListProfile, Style

#: Uniform draws reserved per record (each record uses at most this many, in a fixed order).
DRAWS_PER_RECORD = 80
#: Chance that a reported age or birth year is one year off, and that a death date is off by days.
AGE_ERROR = 0.08
DATE_ERROR = 0.04
GOVERNORATE_MISSING = 0.03
#: How much more likely a list is to adopt a spelling that fits its habit (e.g. a French-trained "Moustafa").
HABIT_WEIGHT = 5.0

#: The article as Latin spellings of a family name write it: "al-", "El ", "As-" (sun letters), or joined
#: ("Alkhatib") when a stem of four letters or more follows; "Assaad" and "Ali" keep their first letters.
_ARTICLE = re.compile(r"^(?:(?:al|el|ar|as|ad|az|ash|at|an)[- ']|(?:al|el)(?=[a-z]{4}))", re.IGNORECASE)
_PLAIN = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
#: Letters typists confuse (neighbouring keys or dots): the usual substitutions in Arabic lists.
_ARABIC_CONFUSED = {
    "ح": "خج", "خ": "حج", "ج": "حخ", "د": "ذ", "ذ": "د", "ر": "ز", "ز": "ر", "س": "ش", "ش": "س", "ص": "ض",
    "ض": "ص", "ط": "ظ", "ظ": "ط", "ع": "غ", "غ": "ع", "ف": "ق", "ق": "ف", "ة": "ه", "ه": "ة", "ي": "ى",
    "ى": "ي", "ا": "أ", "أ": "ا", "ت": "ث", "ث": "ت", "ب": "ت", "ن": "ت",
}
_LATIN_CONFUSED = {"a": "e", "e": "a", "i": "e", "o": "ou", "u": "o", "y": "i", "k": "q", "q": "k",
                   "s": "ss", "d": "dh", "h": "", "t": "th"}
_NOTES_AR = ("قضى تحت التعذيب", "توفي في المعتقل", "تم تسليم الجثة", "لم تسلم الجثة")
_NOTES_EN = ("Died under torture", "Died in detention", "Body returned to family", "Body not returned")


def plain_arabic(text: str) -> str:
    """Hamza seats, ta marbuta and alif maqsura typed without their marks, as many lists are."""
    return text.translate(_PLAIN)


def _typo(text: str, arabic: bool, u: Iterator[float]) -> str:
    """One character edit: a confused letter, a dropped or doubled letter, or two letters swapped."""
    if len(text) < 3:
        return text
    kind, where, which = next(u), next(u), next(u)
    i = int(where * len(text))
    j = i + 1
    if text[i] == " " or (kind >= 0.85 and (j >= len(text) or text[j] == " ")):
        return text
    if kind < 0.5:
        options = (_ARABIC_CONFUSED if arabic else _LATIN_CONFUSED).get(text[i].lower())
        if options is None:
            typed = text[:i] + text[j:]
        elif arabic:
            typed = text[:i] + options[int(which * len(options))] + text[j:]
        else:
            typed = text[:i] + (options.capitalize() if text[i].isupper() else options) + text[j:]
    elif kind < 0.7:
        typed = text[:i] + text[j:]
    elif kind < 0.85:
        typed = text[:i] + text[i] + text[i:]
    else:
        typed = text[:i] + text[j] + text[i] + text[j + 1:]
    if not arabic and text[0].isupper():  # a typist keeps the capital whatever the slip
        typed = typed[:1].upper() + (typed[1:2].lower() if i == 0 else typed[1:2]) + typed[2:]
    return typed


def _partial_date(iso: str, precision: tuple[float, float, float, float], draw: float) -> str:
    """The date cut to the list's precision: day, month, year, or missing."""
    day, month, year, _ = accumulate(precision)
    if draw < day:
        return iso
    if draw < month:
        return iso[:7]
    if draw < year:
        return iso[:4]
    return ""


@dataclass
class ListWriter:
    """One list's habits, fixed when the list is created, and the rendering of its records."""

    profile: ListProfile
    table: NameTable
    preferred: np.ndarray  # name code → index of the list's habitual Latin spelling
    governorate_spelling: dict[str, str]  # code → the list's Latin spelling

    @classmethod
    def create(cls, rng: np.random.Generator, profile: ListProfile, table: NameTable) -> ListWriter:
        habit = re.compile(profile.style.latin_habit)
        draws = rng.random(len(table.arabic))
        preferred = np.empty(len(table.arabic), dtype=int)
        for code, (spellings, weights) in enumerate(zip(table.latin, table.latin_weights, strict=True)):
            favoured = weights * np.array([HABIT_WEIGHT if habit.search(s) else 1.0 for s in spellings])
            cumulative = np.cumsum(favoured) / favoured.sum()
            index = int(np.searchsorted(cumulative, draws[code], side="right"))
            preferred[code] = min(index, len(spellings) - 1)
        spelling = {}
        for code, (_, english, others) in GOVERNORATES.items():
            latin = [english] + [o for o in others if o.isascii()]
            spelling[code] = latin[int(rng.integers(len(latin)))] if rng.random() < 0.5 else english
        return cls(profile, table, preferred, spelling)

    @property
    def style(self) -> Style:
        return self.profile.style

    def _latin(self, code: int, u: Iterator[float], loyalty: float) -> str:
        if next(u) < loyalty:
            return self.table.latin[code][self.preferred[code]]
        spellings = self.table.latin[code]
        index = bisect_right(self.table.latin_cumulative[code], next(u))
        return spellings[min(index, len(spellings) - 1)]

    def _name(self, code: int, arabic: bool, u: Iterator[float], loyalty: float, family: bool = False) -> str:
        """One name unit in the record's script; a family name with or without its article."""
        drop = next(u) < self.style.drop_article
        if arabic:
            text = self.table.arabic[code]
            if family and drop and text.startswith("ال"):
                text = text[2:]
            if next(u) < self.style.arabic_plain:
                text = plain_arabic(text).replace("عبد ", "عبد" if next(u) < 0.5 else "عبد ")
        else:
            text = self._latin(code, u, loyalty)
            if family and self.table.has_article(code):
                stem = _ARTICLE.sub("", text)
                stem = stem[:1].upper() + stem[1:]
                article = self.style.latin_article
                text = stem if drop else (article + stem.lower() if article == "Al" else article + stem)
        if next(u) < self.style.typo:
            text = _typo(text, arabic, u)
        return text

    def record(self, person: dict, u: Iterator[float], second: bool = False) -> dict[str, str]:
        """One record of a person; `second` marks a within-list duplicate (spelled less consistently)."""
        style = self.style
        arabic = next(u) < style.arabic
        loyalty = style.loyalty * (0.5 if second else 1.0)
        given = self._name(int(person["given_code"]), arabic, u, loyalty)
        father = self._name(int(person["father_code"]), arabic, u, loyalty)
        grandfather = self._name(int(person["grandfather_code"]), arabic, u, loyalty) \
            if next(u) < style.grandfather else ""
        family = self._name(int(person["family_code"]), arabic, u, loyalty, family=True) \
            if next(u) >= style.chain_shift else ""
        mother = self._name(int(person["mother_code"]), arabic, u, loyalty) if next(u) < style.mother else ""
        out = dict.fromkeys(CANONICAL_FIELDS, "")
        out["source"] = self.profile.name
        if next(u) < style.full_name:
            out["full_name"] = " ".join(part for part in (given, father, grandfather, family) if part)
        else:
            if not family and grandfather:  # chain shift: the grandfather's name stands in the family's place
                family, grandfather = grandfather, ""
            out.update(given_name=given, father_name=father, grandfather_name=grandfather, family_name=family,
                       mother_name=mother)
        if next(u) < style.sex:
            out["sex"] = str(person["sex"])
        if next(u) < style.age:
            out["age"] = str(int(person["age"]) + (int(next(u) < 0.5) * 2 - 1 if next(u) < AGE_ERROR else 0))
        if next(u) < style.birth_year:
            out["birth_year"] = str(int(person["birth_year"]) + (1 if next(u) < AGE_ERROR else 0))
        death = str(person["date_of_death"])
        if next(u) < DATE_ERROR:
            shifted = pd.Timestamp(death) + pd.Timedelta(days=int((next(u) - 0.5) * 40))
            death = str(min(shifted, pd.Timestamp(LAST_DAY)).date())
        out["date_of_death"] = _partial_date(death, style.death_precision, next(u))
        out["date_of_detention"] = _partial_date(str(person["date_of_detention"]), style.detention_precision,
                                                 next(u))
        gov = str(person["governorate"])
        if next(u) >= GOVERNORATE_MISSING:
            arabic_gov = arabic or style.governorate == "ar"
            out["governorate"] = GOVERNORATES[gov][0] if arabic_gov else (
                GOVERNORATES[gov][1] if style.governorate == "en" else self.governorate_spelling[gov])
        if next(u) < style.district:
            out["district"] = DISTRICTS[gov][int(person["district_index"])][0 if arabic else 1]
        if next(u) < style.place:
            out["place_of_death"] = PLACES_OF_DEATH[int(person["place_index"])][0 if arabic else 1]
        if next(u) < style.notes:
            notes = _NOTES_AR if arabic else _NOTES_EN
            out["notes"] = notes[int(next(u) * len(notes))]
        return out


def render_list(rng: np.random.Generator, writer: ListWriter, people: list[dict],
                recorded: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The list's records in canonical columns, shuffled, and its truth (source, record_id, person_id)."""
    who = np.flatnonzero(recorded)
    twice = who[rng.random(len(who)) < writer.profile.duplicates]
    entries = [(i, False) for i in who] + [(i, True) for i in twice]
    order = rng.permutation(len(entries))
    draws = rng.random((len(entries), DRAWS_PER_RECORD))
    width = max(5, len(str(len(entries))))
    records, truth = [], []
    for number, position in enumerate(order, start=1):
        index, second = entries[position]
        person = people[index]
        record = writer.record(person, iter(draws[position]), second)
        record["record_id"] = f"{writer.profile.prefix}{number:0{width}d}"
        records.append(record)
        truth.append((writer.profile.name, record["record_id"], person["person_id"]))
    frame = pd.DataFrame(records, columns=list(CANONICAL_FIELDS))
    return frame, pd.DataFrame(truth, columns=["source", "record_id", "person_id"])
