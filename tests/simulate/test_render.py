"""Properties of the small text operations a list applies: plain typing of Arabic, typos, partial dates."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from uncounted.simulate.render import _ARTICLE, _partial_date, _typo, plain_arabic

ARABIC_LETTERS = st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1,
                         max_size=12)
LATIN_WORDS = st.from_regex(r"[A-Z][a-z]{2,10}( [A-Z][a-z]{2,8})?", fullmatch=True)
UNIFORM = st.floats(min_value=0.0, max_value=0.999999)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@given(ARABIC_LETTERS)
def test_plain_arabic_is_idempotent_and_keeps_length(text):
    plain = plain_arabic(text)
    assert plain_arabic(plain) == plain
    assert len(plain) == len(text)
    assert not set(plain) & set("أإآةى")


@given(ARABIC_LETTERS, st.lists(UNIFORM, min_size=3, max_size=3))
def test_an_arabic_typo_is_one_small_edit(text, draws):
    typed = _typo(text, True, iter(draws))
    assert edit_distance(text, typed) <= 2 and abs(len(typed) - len(text)) <= 1


@given(LATIN_WORDS, st.lists(UNIFORM, min_size=3, max_size=3))
def test_a_latin_typo_is_one_small_edit_and_keeps_the_capital(text, draws):
    typed = _typo(text, False, iter(draws))
    assert edit_distance(text.lower(), typed.lower()) <= 2 and abs(len(typed) - len(text)) <= 1
    assert typed[:1].isupper()


@given(st.dates().map(lambda d: d.isoformat()), UNIFORM)
def test_a_partial_date_is_a_prefix_at_a_precision(iso, draw):
    cut = _partial_date(iso, (0.4, 0.3, 0.2, 0.1), draw)
    assert iso.startswith(cut) and len(cut) in (0, 4, 7, 10)
    assert re.fullmatch(r"(\d{4}(-\d{2}(-\d{2})?)?)?", cut)


def test_the_article_is_stripped_only_where_it_is_one():
    stems = {t: _ARTICLE.sub("", t) for t in ("Al-Khatib", "al Rifai", "Alkhateb", "Ash-Shareef", "Assaad",
                                              "Ali", "Atassi", "El-Hassan", "Hariri")}
    assert stems == {"Al-Khatib": "Khatib", "al Rifai": "Rifai", "Alkhateb": "khateb",
                     "Ash-Shareef": "Shareef", "Assaad": "Assaad", "Ali": "Ali", "Atassi": "Atassi",
                     "El-Hassan": "Hassan", "Hariri": "Hariri"}
