"""A lossless one-letter-for-one-letter ASCII form of normalised Arabic, for byte-counting string distances.

DuckDB's Levenshtein and Jaro-Winkler count bytes, and an Arabic letter is two bytes in UTF-8, so raw Arabic
gives distances that are wrong (and wrong differently for different letters). One ASCII letter per Arabic
letter makes every distance character-true.

The scheme is Safe Buckwalter (Habash, Soudi & Buckwalter 2007, "On Arabic transliteration"; the `safebw`
scheme of CAMeL Tools): Buckwalter's letters, with its three punctuation symbols replaced by letters
(ء → C, ذ → V, ش → c), so every form is alphanumeric and safe in CSV, SQL and file names. Vowel marks have
no entry because normalisation has removed them. Latin text passes through normalised (it is ASCII already);
the round trip `from_ascii(to_ascii(x)) == x` holds for normalised Arabic (letters, digits, spaces).
"""

from __future__ import annotations

from uncounted.names.arabic import normalize

SAFE_BUCKWALTER: dict[str, str] = {
    "ء": "C", "ا": "A", "ب": "b", "ة": "p", "ت": "t", "ث": "v", "ج": "j", "ح": "H", "خ": "x", "د": "d",
    "ذ": "V", "ر": "r", "ز": "z", "س": "s", "ش": "c", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "ع": "E",
    "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ى": "Y",
    "ي": "y",
}
_TO = str.maketrans(SAFE_BUCKWALTER)
_FROM = str.maketrans({v: k for k, v in SAFE_BUCKWALTER.items()})


def to_ascii(text: str | None) -> str:
    """Normalise, then write each Arabic letter as its Safe Buckwalter letter; Latin stays as normalised.

    Letters of scripts other than Arabic and Latin have no ASCII form here and are dropped, so the result is
    always plain ASCII.
    """
    out = normalize(text).translate(_TO)
    if out.isascii():
        return out
    return " ".join("".join(c for c in out if c.isascii()).split())


def from_ascii(text: str | None) -> str:
    """Arabic script back from Safe Buckwalter (the inverse of `to_ascii` on normalised Arabic)."""
    if not isinstance(text, str):
        return ""
    return text.translate(_FROM)
