"""Name chains: a whole name split into given name, father, grandfather and family name.

Arabic names are chains: ism, then the father's and grandfather's names (often with بن / ibn), then the
family name (laqab or nisba, often with the article). Lists that keep the whole name in one cell still need
the parts compared part by part. Counting units is ambiguous for short chains: "محمد أحمد" may be given +
father or given + family. Such parses are flagged `uncertain` (with the reason) rather than guessed silently;
the linkage model also compares the family name with the grandfather to absorb a shift by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from uncounted.names.tokens import Unit, units

_FAMILY_PREFIXES = ("ال", "ابو", "بني")
_LATIN_FAMILY_PREFIXES = ("al", "el", "abu", "abou", "bani", "beni")


@dataclass(frozen=True)
class NameChain:
    """The parts of one name (normalised units, "" where absent) and whether the split is a guess."""

    given: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""
    uncertain: bool = False
    reason: str = ""


def _family_marked(unit: Unit) -> bool:
    """A unit that can only be a family name: with the article, آل, أبو, بني (الحلبي, Al-Halabi, أبو زيد)."""
    if unit.marker:
        return False
    text = unit.text
    if text.isascii():
        return text.startswith(_LATIN_FAMILY_PREFIXES) and len(text) > 4
    return text.startswith(_FAMILY_PREFIXES) and len(text) > 3 and text != "الله"


@lru_cache(maxsize=1 << 18)
def parse_chain(text: str | None) -> NameChain:
    """Split a whole name into given / father / grandfather / family.

    بن / ibn mark the next unit as an ancestor, so a chain ending in one has no family name. Otherwise the
    last unit is the family name, except in a two-unit name without a family marker (article, آل, أبو),
    which is flagged uncertain. Three units read as given, father, family (the Syrian "triple name");
    four as given, father, grandfather, family; longer chains drop the middle ancestors.
    """
    parts = units(text)
    if not parts:
        return NameChain()
    given, rest = parts[0].body, parts[1:]
    if not rest:
        return NameChain(given=given, uncertain=True, reason="one name: the given name or the family name")
    last = rest[-1]
    if last.marker:
        ancestors, family = rest, ""
    elif len(rest) == 1 and not _family_marked(last):
        return NameChain(given=given, family=last.text, uncertain=True,
                         reason="two names: the second may be the father's name or the family name")
    else:
        ancestors, family = rest[:-1], last.text
    names = [p.body for p in ancestors]
    reason = f"{len(names) - 2} middle ancestor name(s) dropped" if len(names) > 2 else ""
    return NameChain(given=given, father=names[0] if names else "",
                     grandfather=names[1] if len(names) > 1 else "", family=family, reason=reason)
