"""The cross-script key of one name unit: محمد, Mohammed, Muhammad and Mohamad all give "mhmd".

A key is the Arabic consonant skeleton written in ASCII letter classes. Letters that romanisations do not
tell apart share a class (ت ط; س ص ث; د ض ذ ز ظ, which Levantine, Gulf and Persian spellings swap as d, dh,
z; ح ه; ق ك); letters they never write (alef, ع, hamza) are left out; the long vowels و and ي stay,
because they separate names (حسن "hsn", حسين "hsyn"). Ta marbuta and a final ه (except after alef, as in
شاه) are dropped and alef maqsura counts as ي, so فاطمة / فاطمه and مصطفى / مصطفي share a key. The
article is dropped, so الحسن and حسن, al-Hassan and Hassan share a key. Runs of one class collapse
(shadda is not written; Latin doubles).

Latin spellings reach the Arabic skeleton through attested pairs first: the unit index that the
`arabic-name-romanizer` package ships (MIT licence; its index is derived from Wikidata, CC0, and the
Algerian Name Transcription Corpus, CC0). It is read straight from the package's SQLite file, without
importing the package (whose import loads ONNX Runtime). A spelling the index lacks gets the phonetic
skeleton of `latin.skeleton`, after the compound structure (abd-, abu-, -eddine, -allah) is taken apart.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from uncounted.names import latin
from uncounted.names.arabic import is_arabic, normalize

#: Arabic letters onto key classes; letters absent here (ا ء ع ة) leave no trace in the key.
CLASSES: dict[str, str] = {
    "ب": "b", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "ح": "h", "ه": "h", "خ": "x",
    "د": "d", "ض": "d", "ذ": "d", "ز": "d", "ظ": "d", "ر": "r", "ش": "c", "غ": "g", "ف": "f", "ق": "k",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "و": "w", "ي": "y", "ى": "y",
}
#: Names that begin with ال where the ال is not the article.
NOT_ARTICLE = frozenset({"الياس", "اليسع", "الهام", "الفت", "الماس", "اليسا", "الله", "الا", "الين", "الهي"})
_ARTICLE_PREFIXES = ("عبد", "ابو", "ابا", "ابي", "ابن", "بنت", "بن", "ال")
_SUFFIXES = (("الله", "lh"), ("الدين", "dyn"))
EMPTY_KEY = "a"  # a name of vowels only (آ, Aa): present, but with no consonant to key on


_RUN = re.compile(r"(.)\1+")


def _collapse(key: str) -> str:
    """Runs of one class become one letter; an empty skeleton becomes `EMPTY_KEY`."""
    return _RUN.sub(r"\1", key) or EMPTY_KEY


def _arabic_letters(word: str) -> str:
    """The class letters of one Arabic word, its ta marbuta (or a final ه standing for it) dropped."""
    if word.endswith("ة") or (word.endswith("ه") and len(word) > 2 and word[-2] != "ا"):
        word = word[:-1]
    return "".join(CLASSES.get(c, "") for c in word)


def strip_article(word: str) -> str:
    """An Arabic word without its leading article ال (kept when ال is part of the name, as in الياس)."""
    if word.startswith("ال") and len(word) > 3 and word not in NOT_ARTICLE:
        return word[2:]
    return word


def arabic_key(unit: str) -> str:
    """Key of one normalised Arabic unit (spaces inside a compound are ignored)."""
    word = strip_article("".join(unit.split()))
    for suffix, key in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return _collapse(_arabic_letters(strip_article(word[: -len(suffix)])) + key)
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix + "ال") and len(word) > len(prefix) + 3:
            word = prefix + word[len(prefix) + 2:]
            break
    return _collapse(_arabic_letters(word))


def latin_form(unit: str) -> str:
    """The lookup form of a normalised Latin unit: its parts joined, a standalone article dropped."""
    return "".join(latin.parts(unit))


def _usual_keys(unit: str) -> list[str]:
    """The usual reading of a normalised Latin unit, as a compound and as a plain name."""
    plain = _collapse(latin.skeleton(latin_form(unit)))
    parsed = latin.structure(unit)
    if parsed is None:
        return [plain]
    prefix, body, suffix = parsed
    return [_collapse(prefix + (latin.skeleton(body) if body else "") + suffix), plain]


def latin_readings(unit: str) -> list[str]:
    """Candidate keys of one normalised Latin unit from its structure and letters alone, usual one first."""
    plain = [_collapse(r) for r in latin.readings(latin_form(unit))]
    parsed = latin.structure(unit)
    if parsed is None:
        return plain
    prefix, body, suffix = parsed
    bodies = latin.readings(body) if body else [""]
    return [_collapse(prefix + b + suffix) for b in bodies] + plain


def compatible(akey: str, unit: str) -> bool:
    """Whether a normalised Latin unit can plausibly spell the Arabic key (misaligned index rows cannot).

    One of its readings must be the key, or a usual reading may differ by one letter class or one long
    vowel (restricting that letter to pairs romanisations confuse gained 0.1 point on unseen names and lost
    0.5 on the shipped index): a misaligned row ("Mohamed" for بن محمد, "Khan" for حسين خان) differs by more.
    """
    usual = _usual_keys(unit)
    if akey in usual or any(_near(akey, key) for key in usual):
        return True
    return akey in latin_readings(unit)


_FIRST_SWAPS = frozenset(frozenset(pair) for pair in ("gk", "cj", "hx", "sd", "st", "jy"))


def _near(akey: str, usual: str) -> bool:
    """One letter class changed (not the first, unless a known swap) or one long vowel added or lost."""
    if len(akey) == len(usual):
        diff = [i for i, (a, b) in enumerate(zip(akey, usual, strict=True)) if a != b]
        # A different first letter is another name, unless romanisations swap the two (Ghasem for قاسم).
        return not diff or (len(diff) == 1 and (diff[0] > 0 or frozenset(akey[0] + usual[0]) in _FIRST_SWAPS))
    longer, shorter = (akey, usual) if len(akey) > len(usual) else (usual, akey)
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[i] in "wy" and longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


@dataclass
class VariantIndex:
    """Attested Latin spellings → the key of their most attested Arabic spelling."""

    latin_to_key: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, int]]) -> VariantIndex:
        """Build from (arabic, latin, count) rows; a Latin spelling goes to its most attested Arabic key.

        A row whose Latin letters cannot spell its Arabic key (the romanizer's aligner sometimes pairs
        "Mohamed" with بن محمد) does not vote, so one misaligned row cannot capture a common spelling.
        """
        votes: dict[str, Counter] = defaultdict(Counter)
        totals: Counter = Counter()
        for arabic, roman, count in pairs:
            totals[arabic, roman] += count
        arabic_keys: dict[str, str] = {}
        for (arabic, roman), count in totals.items():
            if not is_arabic(arabic):
                continue
            unit = normalize(roman)
            form = latin_form(unit)
            if not form or is_arabic(form):
                continue
            akey = arabic_keys.get(arabic) or arabic_keys.setdefault(arabic, arabic_key(normalize(arabic)))
            if compatible(akey, unit):
                votes[form][akey] += count
        mapping = {form: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for form, c in votes.items()}
        return cls(mapping)

    def latin_key(self, unit: str) -> str:
        """Key of one normalised Latin unit: attested spelling, else structure, else phonetic skeleton."""
        form = latin_form(unit)
        hit = self.latin_to_key.get(form)
        if hit is not None:
            return hit
        parsed = latin.structure(unit)
        if parsed is None:
            return self._phonetic(form)
        prefix, body, suffix = parsed
        if not body:
            return _collapse(prefix + suffix)
        body_key = self.latin_to_key.get(body) or latin.skeleton(body)
        return _collapse(prefix + body_key + suffix)

    @staticmethod
    def _phonetic(body: str) -> str:
        """The usual phonetic reading. Preferring an attested alternative reading was tried and lost 3
        points on names left out of the index (it pulls unseen names onto known neighbours)."""
        return _collapse(latin.skeleton(body))


def romanizer_index_path() -> Path | None:
    """Path of the unit index shipped by `arabic-name-romanizer`, found without importing the package."""
    spec = importlib.util.find_spec("arabic_name_romanizer")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "resources" / "names.sqlite3"
        if path.is_file():
            return path
    return None


def attested_pairs(path: Path | None = None) -> list[tuple[str, str, int, str]]:
    """(arabic, latin, count, country) rows of the romanizer's unit index, read only."""
    path = path or romanizer_index_path()
    if path is None:
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return con.execute(
            "SELECT arabic_key, latin, SUM(count), country FROM units GROUP BY arabic_key, latin, country"
        ).fetchall()


@lru_cache(maxsize=1)
def default_index() -> VariantIndex:
    """The variant index from every attested pair, built once per machine (about four seconds) and read
    back from the user's cache (milliseconds) until the romanizer's index or the names layer changes."""
    source = romanizer_index_path()
    if source is None:
        warnings.warn("arabic-name-romanizer's name index was not found: Latin names get phonetic keys only",
                      stacklevel=2)
        return VariantIndex()
    from uncounted.cache import cached_json, fingerprint

    layer = sorted(Path(__file__).parent.glob("*.py"))
    key = fingerprint([source, *layer])
    return VariantIndex(cached_json("variant-index", key, lambda: _built_mapping(source)))


def _built_mapping(source: Path) -> dict[str, str]:
    return VariantIndex.from_pairs((a, lat, n) for a, lat, n, _ in attested_pairs(source)).latin_to_key


@lru_cache(maxsize=1 << 20)
def name_key(text: str | None) -> str:
    """Script-independent ASCII key of one name unit ("" for an empty name)."""
    unit = normalize(text)
    if not unit:
        return ""
    if is_arabic(unit):
        return arabic_key("".join(c for c in unit if c.isalpha() or c == " "))
    return default_index().latin_key(unit)


def name_keys(values: pd.Series) -> pd.Series:
    """`name_key` of every value, computed once per distinct value (lists repeat names heavily)."""
    codes, uniques = pd.factorize(values.astype("object").where(values.notna(), ""), sort=False)
    keys = [name_key(u) for u in uniques]
    return pd.Series(pd.array(keys, dtype="object")[codes] if len(codes) else [], index=values.index,
                     dtype="object")
