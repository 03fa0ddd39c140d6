"""Parsers and keys on any text: they never raise, keys are ASCII, units are stable."""

from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.names import name_key, parse_chain, tokens

names = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            [
                "محمد",
                "عبد",
                "الرحمن",
                "بن",
                "بنت",
                "ابو",
                "ال",
                "الدين",
                "الله",
                "آل",
                "abd",
                "al",
                "bin",
                "eddine",
                "abu",
                "Mohammed",
                "-",
                " ",
                "\u200f",
                "😀",
                "ـ",
            ]
        )
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(names)
def test_units_are_stable_and_the_chain_is_made_of_them(text):
    units = tokens(text)
    assert tokens(" ".join(units)) == units
    chain = parse_chain(text)
    for part in (chain.given, chain.father, chain.grandfather, chain.family):
        assert part == "" or any(part in unit for unit in units)
    assert chain.uncertain in (True, False)


@settings(max_examples=300, deadline=None)
@given(names)
def test_keys_are_ascii_letters_and_never_raise(text):
    key = name_key(text)
    assert key.isascii() and (key == "" or key.isalpha())
