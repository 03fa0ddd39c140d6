"""Normalisation: one table row per rule, and properties that must hold on any Unicode string."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.names import is_arabic, normalize, normalize_arabic, normalize_latin
from uncounted.names.arabic import ARABIC_LETTERS, script


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # alef forms
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنة"),
        ("ٱلله", "الله"),
        # ta marbuta and alef maqsura are kept in the text (the key treats them as variants)
        ("فاطمة", "فاطمة"),
        ("مصطفى", "مصطفى"),
        # hamza seats become their seat letter; a bare hamza stays
        ("رائد", "رايد"),
        ("مؤيد", "مويد"),
        ("علاء", "علاء"),
        # Persian and Kurdish letters
        ("کریم", "كريم"),
        ("گل", "كل"),
        ("پرویز", "برويز"),
        ("ژاله", "زاله"),
        ("ھادی", "هادي"),
        # Arabic-Indic and extended digits
        ("٢٠١٣", "2013"),
        ("۱۹۸۰", "1980"),
        # tashkeel, shadda, superscript alef and tatweel
        ("مُحَمَّد", "محمد"),
        ("عبد الرحمـــن", "عبد الرحمن"),
        ("الرحمٰن", "الرحمن"),
        # presentation forms
        ("ﷲ", "الله"),
        ("ﻻ", "لا"),
        # bidi marks, zero-width joiners, Arabic punctuation and extra spaces
        ("\u200fعلي\u200d\u200c", "علي"),
        ("\u202bحسن\u202c", "حسن"),
        ("علي، حسن؟", "علي حسن"),
        ("  علي   حسن ", "علي حسن"),
        # Latin: case, accents, apostrophes, hyphens
        ("Al-Hassan", "al hassan"),
        ("Abd al-Raḥmān", "abd al rahman"),
        ("M'hamed", "mhamed"),
        ("HÜSEYİN", "huseyin"),
        ("ʿAlī", "ali"),
        ("Mohammed  ", "mohammed"),
    ],
)
def test_each_rule(raw, expected):
    assert normalize(raw) == expected


def test_the_three_entry_points_agree_and_missing_values_are_empty():
    for text in ("أحمد", "Al-Hassan", "محمد Ahmad"):
        assert normalize_arabic(text) == normalize_latin(text) == normalize(text)
    assert normalize(None) == "" and normalize("") == "" and normalize(float("nan")) == ""


def test_script_detection():
    assert is_arabic("محمد") and not is_arabic("Mohammed") and not is_arabic(None)
    assert script("محمد") == "ar" and script("Mohammed") == "latin" and script("محمد Ali") == "mixed"
    assert script("123") == "" and script(None) == ""


def test_arabic_letters_left_are_the_normalised_alphabet():
    text = normalize("".join(chr(c) for c in range(0x0600, 0x0700)))
    assert {c for c in text if not c.isascii() and c != " "} <= set(ARABIC_LETTERS)


nasty = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)),
    st.lists(
        st.sampled_from(
            [
                "\u200f",
                "\u200d",
                "\u200c",
                "\u202e",
                "😀",
                "ـ",
                "َ",
                "أ",
                "ﷲ",
                "ة",
                "-",
                " ",
                "A",
                "é",
                "İ",
                "ǅ",
                "\u0301",
                "\x00",
                "\ufeff",
            ]
        )
    ).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(nasty)
def test_normalisation_is_idempotent_and_never_raises(text):
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once


def test_a_very_long_string_is_fine():
    text = ("مُحَمَّد \u200f😀 Ali-" * 1000)[:10_000]
    out = normalize(text)
    assert out.startswith("محمد ali محمد") and normalize(out) == out
