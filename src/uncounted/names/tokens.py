"""Name units: the words of a name with compounds kept whole.

عبد الرحمن is one name written as two words (and often as one: عبدالرحمن); so are نور الدين, فتح الله,
أبو بكر and the particles بن / بنت / آل with the name they govern. Splitting them would make "عبد" look like
a given name and shift every later part of the chain, so compounds are joined (without the space) before
anything counts the parts. Latin romanisations get the same treatment (abd al-rahman, abdul rahman, nour
eddine, abu bakr, bin ali).
"""

from __future__ import annotations

from typing import NamedTuple

from uncounted.names.arabic import normalize

# Words that bind to the unit after them. The article as a separate word (ال حسن) is a typing slip or آل.
_ARABIC_PREFIX = {"عبد": "", "عبدال": "", "ابو": "", "ابا": "", "ابي": "", "ال": "",
                  "ابن": "son", "بن": "son", "بنت": "daughter"}
_LATIN_PREFIX = {
    "abd": "", "abdul": "", "abdel": "", "abdal": "", "abdol": "", "abdil": "", "abdur": "", "abder": "",
    "abdar": "", "abdoul": "", "abou": "", "abu": "", "abo": "", "bou": "", "al": "", "el": "", "ul": "",
    "ar": "", "ad": "", "as": "", "ash": "", "at": "", "az": "", "an": "", "ed": "", "er": "", "es": "",
    "et": "", "ez": "", "en": "", "ud": "", "ur": "", "us": "",
    "bin": "son", "ibn": "son", "ben": "son", "ebn": "son", "bint": "daughter", "bent": "daughter",
}
# Words that bind to the unit before them: the second half of … الدين, … الله compounds.
_ARABIC_SUFFIX = frozenset({"الدين", "الله", "الاسلام"})
_LATIN_SUFFIX = frozenset({
    "din", "dine", "deen", "eddine", "eddin", "edine", "uddin", "udin", "addin", "aldin", "eldin", "eldine",
    "aldeen", "eldeen", "uddeen", "eddeen", "adeen", "addeen", "iddin", "allah", "ullah", "ollah", "ulla",
    "alla", "illah",
})


_SPECIAL = frozenset(_ARABIC_PREFIX) | frozenset(_LATIN_PREFIX) | _ARABIC_SUFFIX | _LATIN_SUFFIX


class Unit(NamedTuple):
    """One name unit: its text (compound joined) and the kinship particle that introduced it, if any."""

    text: str
    marker: str = ""  # "son" (بن, ibn), "daughter" (بنت, bint) or ""
    body: str = ""  # the text without a kinship particle


def units(text: str | None) -> list[Unit]:
    """The name units of a whole name, normalised, compounds joined, kinship particles noted."""
    words = normalize(text).split()
    if _SPECIAL.isdisjoint(words):  # most names: no particle, no compound
        return [Unit(word, "", word) for word in words]
    out: list[Unit] = []
    pending: list[str] = []
    marker = ""
    for word in words:
        prefixes = _ARABIC_PREFIX if not word.isascii() else _LATIN_PREFIX
        suffixes = _ARABIC_SUFFIX if not word.isascii() else _LATIN_SUFFIX
        if word in suffixes and out and not pending:
            last = out[-1]
            out[-1] = Unit(last.text + word, last.marker, last.body + word)
            continue
        if word in prefixes:
            if prefixes[word] and not pending:
                marker = prefixes[word]
            pending.append(word)
            continue
        joined = "".join(pending) + word
        body = "".join(pending[1:] if marker else pending) + word
        if joined in suffixes and out and not marker:  # ad-din, al-din: the article was pending
            last = out[-1]
            out[-1] = Unit(last.text + joined, last.marker, last.body + joined)
        else:
            out.append(Unit(joined, marker, body))
        pending, marker = [], ""
    if pending:  # a particle at the very end stands alone (a truncated record)
        out.append(Unit("".join(pending), marker, "".join(pending[1:] if marker else pending)))
    return out


def tokens(text: str | None) -> list[str]:
    """The name units of a whole name as strings: عبد الرحمن and عبدالرحمن both give "عبدالرحمن"."""
    return [unit.text for unit in units(text)]
