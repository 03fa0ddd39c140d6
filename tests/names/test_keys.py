"""Cross-script keys: one name, one key, whatever the script and spelling; different names, different keys."""

import pandas as pd
import pytest

from uncounted.names import name_key, name_keys
from uncounted.names.keys import VariantIndex, arabic_key, compatible, romanizer_index_path

SAME = [
    ("محمد", "Mohammed"),
    ("محمد", "Muhammad"),
    ("محمد", "Mohamad"),
    ("محمد", "Mohamed"),
    ("مُحَمَّد", "محمد"),
    ("عبد الرحمن", "Abdulrahman"),
    ("عبد الرحمن", "Abd al-Rahman"),
    ("عبد الرحمن", "Abdel Rahman"),
    ("عبد الرحمن", "عبدالرحمن"),
    ("عبد الرحمن", "Abderrahmane"),
    ("عبد الله", "Abdullah"),
    ("حسين", "Hussein"),
    ("حسين", "Husayn"),
    ("حسن", "Hasan"),
    ("حسن", "Hassan"),
    ("الحسن", "al-Hassan"),
    ("الحسن", "حسن"),
    ("Al Hassan", "Hassan"),
    ("El-Hassan", "Hassan"),
    # ta marbuta and alef maqsura are key variants
    ("فاطمة", "فاطمه"),
    ("مصطفى", "مصطفي"),
    ("فاطمة", "Fatima"),
    ("مصطفى", "Mustafa"),
    # alef forms and hamza seats
    ("أحمد", "احمد"),
    ("إبراهيم", "ابراهيم"),
    ("رائد", "رايد"),
    ("أحمد", "Ahmad"),
    ("أحمد", "Ahmed"),
    # Persian letters
    ("کریم", "كريم"),
    ("نور الدين", "Nour Eddine"),
    ("نور الدين", "Nur al-Din"),
    ("يوسف", "Youssef"),
    ("يوسف", "Yusuf"),
    ("مراد", "Mourad"),
    ("مراد", "Murad"),
    ("كريم", "Kareem"),
    ("كريم", "Karim"),
]
DIFFERENT = [
    ("محمد", "محمود"),
    ("Mohammad", "Mahmoud"),
    ("حسن", "حسين"),
    ("Hasan", "Husayn"),
    ("علي", "علاء"),
    ("عمر", "عمرو"),
    ("سعيد", "سعد"),
    ("Said", "Saad"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_name_share_the_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_stay_apart(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("abd al-rahman", "عبد الرحمن"),
        ("abdul rahman", "عبد الرحمن"),
        ("abdel rahman", "عبد الرحمن"),
        ("al-hassan", "حسن"),
        ("el hassan", "حسن"),
        ("Souad", "سواد"),
        ("Zaynab", "زينب"),
        ("Kareem", "كريم"),
        ("Karim", "كريم"),
    ],
)
def test_latin_rules_without_the_index(latin, arabic):
    """The phonetic fallback alone: article forms, abd compounds, ou/u, ee/i, doubled letters."""
    empty = VariantIndex()
    from uncounted.names.arabic import normalize

    assert empty.latin_key(normalize(latin)) == arabic_key(normalize(arabic))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammed", "Mohamed"),
        ("Hassan", "Hasan"),
        ("Yousef", "Youssef"),
        ("Mahmoud", "Mahmood"),
        ("Kareem", "Karim"),
        ("Saeed", "Said"),
        ("Abdulrahman", "Abdelrahman"),
    ],
)
def test_doubled_letters_and_vowel_digraphs_in_the_fallback(a, b):
    empty = VariantIndex()
    assert empty.latin_key(a.lower()) == empty.latin_key(b.lower())


def test_keys_are_plain_ascii_and_empty_only_for_no_name():
    for text in ("محمد", "آ", "عائشة", "Ziyad", "ع", "😀"):
        key = name_key(text)
        assert key.isascii()
    assert name_key("") == "" and name_key(None) == "" and name_key("😀") == ""
    assert name_key("آ") != ""


def test_a_misaligned_index_row_cannot_capture_a_spelling():
    assert not compatible("bnmhmd", "mohamed") and compatible("mhmd", "mohamed")
    index = VariantIndex.from_pairs([("بن محمد", "Mohamed", 50), ("محمد", "Mohamed", 10)])
    assert index.latin_to_key["mohamed"] == "mhmd"


def test_the_romanizer_index_is_found_without_importing_it():
    import sys

    assert romanizer_index_path() is not None
    assert "arabic_name_romanizer" not in sys.modules


def test_vectorised_keys_keep_the_index_and_missing_values():
    values = pd.Series(["محمد", None, "Mohammed", "", "محمد"], index=[5, 6, 7, 8, 9])
    keys = name_keys(values)
    assert keys.index.tolist() == [5, 6, 7, 8, 9]
    assert keys.tolist() == ["mhmd", "", "mhmd", "", "mhmd"]
    assert name_keys(pd.Series([], dtype=object)).empty


@pytest.mark.parametrize(
    "spellings",
    [
        ["خالد", "Khaled", "Khalid"],
        ["يوسف", "Youssef", "Yousef", "Yusuf"],
        ["عبد الكريم", "Abdulkarim", "Abdel Karim", "Abd al-Karim"],
        ["أسامة", "Osama", "Usama", "Oussama"],
        ["وائل", "Wael", "Wail"],
        ["رياض", "Riad", "Riyadh", "Riyad"],
        ["زياد", "Ziad", "Ziyad"],
        ["الحمصي", "Al-Homsi", "Homsi"],
        ["قاسم", "Kassem", "Qasim", "Qassem"],
        ["هيثم", "Haitham", "Haytham"],
        ["صلاح الدين", "Salah al-Din", "Salaheddine", "Salah Eddine"],
    ],
)
def test_common_syrian_names_across_scripts(spellings):
    assert len({name_key(s) for s in spellings}) == 1
