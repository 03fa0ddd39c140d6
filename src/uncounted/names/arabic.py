"""Text normalisation of names in Arabic and Latin script: one `str.translate` pass, so it is fast.

Victim lists spell one name many ways that carry no meaning for identity: vowel marks, tatweel, the four
alef forms, hamza seats, Persian and Kurdish letters typed on other keyboards, Arabic-Indic digits, invisible
bidi and zero-width marks, accents and case in Latin. Normalisation removes exactly those differences and
nothing more: ta marbuta (ة) and alef maqsura (ى) are kept, because the raw text should stay true to the
record; `uncounted.names.keys` treats them as variants of ه and ي.

Written by hand (one translation table) because the general Arabic NLP normalisers either pull in large
dependencies or unify letters (ة/ه, ى/ي) that this layer must keep.
"""

from __future__ import annotations

import re
import unicodedata

#: The Arabic letters normalised text may contain (Buckwalter covers each one, see `translit`).
ARABIC_LETTERS = "ءابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"

# Letters unified on the way in. Hamza on a seat becomes its seat letter (lists write رائد and رايد, مؤيد and
# مويد for one name); a bare hamza (ء) is kept because علاء and علا are different names.
_LETTER_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ؤ": "و", "ئ": "ي", "ٶ": "و", "ٸ": "ي",
    # Persian, Urdu and Kurdish letters and presentation variants, onto the Arabic letter they stand for.
    "ک": "ك", "ڪ": "ك", "ګ": "ك", "گ": "ك", "ڭ": "ك",
    "ی": "ي", "ې": "ي", "ێ": "ي", "ۍ": "ي", "ے": "ي", "ۓ": "ي", "ٻ": "ب", "پ": "ب",
    "ھ": "ه", "ە": "ه", "ۀ": "ة", "ۃ": "ة", "ہ": "ه",
    "چ": "ج", "ڃ": "ج", "ژ": "ز", "ڤ": "ف", "ڥ": "ف", "ڨ": "ق", "ڕ": "ر", "ڵ": "ل", "ۆ": "و", "ۇ": "و",
    "ۈ": "و", "ۉ": "و", "ۋ": "و", "ٹ": "ت", "ڈ": "د", "ڑ": "ر", "ں": "ن",
}

# Removed outright: tashkeel and Quranic marks, tatweel, the superscript alef, bidi controls, zero-width
# characters and the byte-order mark. Removing (not spacing) keeps a word whole when a mark sits inside it.
_DELETE = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad", "\u061c"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    # Apostrophes and ayn/hamza signs in Latin romanisations (M'hamed, ʿAli) are not word breaks.
    + ["'", "`", "\u2018", "\u2019", "\u02bb", "\u02bc", "\u02be", "\u02bf", "\u00b4", "\u02b9"]
)

_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


def _latin_folds() -> dict[str, str]:
    """Accented Latin letters onto plain lowercase ASCII (é → e, Ş → s), precomputed once for speed."""
    folds = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        base = base.lower()
        if base.isascii() and base.isalpha():
            folds[char] = base
    folds |= {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
              "ı": "i", "ḥ": "h", "Ḥ": "h", "ṣ": "s", "Ṣ": "s", "ṭ": "t", "Ṭ": "t", "ḍ": "d", "Ḍ": "d",
              "ẓ": "z", "Ẓ": "z", "ḏ": "dh", "ṯ": "th", "ḫ": "kh", "ġ": "gh", "š": "sh", "Š": "sh"}
    return folds


def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x80):  # ASCII: letters and digits kept (lowercased), the rest a word break
        char = chr(code)
        if char.isascii():
            if char.isalnum():
                table[code] = char.lower()
            elif char not in " -":
                table[code] = " "
    table[ord("-")] = " "
    table |= {ord(k): v for k, v in _latin_folds().items()}
    table |= {ord(k): v for k, v in _LETTER_MAP.items()}
    table |= {ord(k): v for k, v in _DIGITS.items()}
    table |= {ord(k): None for k in _DELETE}
    # The rest of the Arabic blocks: other letters and marks are dropped (so every Arabic letter left has a
    # 1:1 ASCII form), punctuation (، ؛ ؟ ٪) becomes a word break.
    for block in ((0x0600, 0x0700), (0x0750, 0x0780), (0x08A0, 0x0900)):
        for code in range(*block):
            char = chr(code)
            if code not in table and char not in ARABIC_LETTERS:
                table[code] = None if unicodedata.category(char)[0] in "LM" else " "
    return table


_TABLE = _table()
# Anything left that is neither a letter of some script nor a digit (punctuation, symbols, emoji, controls)
# becomes a space; letters of other scripts are kept as they are.
_NOT_WORD = re.compile(r"[^\w]|_", re.UNICODE)
# Presentation forms that NFKC leaves alone (ornaments, ligatures of whole phrases) are dropped.
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
# After translation, plain Arabic and Latin text has nothing else: the common case skips the regexes below.
_UNUSUAL = re.compile(f"[^{ARABIC_LETTERS} a-z0-9]")
_ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_CHAR = re.compile(f"[{_ARABIC_RANGES}]")
_OTHER_LETTER = re.compile(f"(?![{_ARABIC_RANGES}])[^\\W\\d_]")


def normalize(text: str | None) -> str:
    """Normalise a name in any script: Arabic rules for Arabic letters, case and accents for Latin ones.

    Never raises; `None` and non-strings give "". Idempotent: normalising twice changes nothing.
    """
    if not isinstance(text, str) or not text:
        return ""
    if not text.isascii():
        # NFKC first: it folds Arabic presentation forms (ﷲ, ﻻ) and full-width Latin onto plain letters.
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = text.translate(_TABLE)
        if _UNUSUAL.search(text):
            text = _NOT_WORD.sub(" ", _PRESENTATION.sub("", text.lower()))
    else:
        text = text.translate(_TABLE)
    return " ".join(text.split())


def normalize_arabic(text: str | None) -> str:
    """Normalise Arabic text: NFKC, tashkeel, tatweel, alef forms, hamza seats, Persian letters, digits.

    Latin letters that share the string get the Latin treatment too, so a mixed cell is still normalised.
    """
    return normalize(text)


def normalize_latin(text: str | None) -> str:
    """Normalise a Latin romanisation: lowercase ASCII, no accents, apostrophes dropped, hyphens as spaces."""
    return normalize(text)


def is_arabic(text: str | None) -> bool:
    """True when the text holds at least one Arabic letter."""
    return isinstance(text, str) and bool(_ARABIC_CHAR.search(text))


def script(text: str | None) -> str:
    """"ar", "latin", "mixed" (letters of both) or "" (no letters) for one normalised or raw string.

    "latin" stands for any letters that are not Arabic, as romanisations are what lists hold besides Arabic.
    """
    if not isinstance(text, str) or not text:
        return ""
    arabic = bool(_ARABIC_CHAR.search(text))
    latin = bool(_OTHER_LETTER.search(text))
    if arabic and latin:
        return "mixed"
    return "ar" if arabic else ("latin" if latin else "")
