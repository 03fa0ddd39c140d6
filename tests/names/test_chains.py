"""Name chains: given / father / grandfather / family, with uncertain parses flagged."""

from uncounted.names import NameChain, parse_chain


def test_four_part_chain():
    chain = parse_chain("محمد أحمد خالد الحسن")
    assert (chain.given, chain.father, chain.grandfather, chain.family) == ("محمد", "احمد", "خالد", "الحسن")
    assert not chain.uncertain


def test_ibn_markers_name_the_ancestors():
    chain = parse_chain("محمد بن علي بن حسن الزهراني")
    assert (chain.given, chain.father, chain.grandfather, chain.family) == ("محمد", "علي", "حسن", "الزهراني")
    latin = parse_chain("Mohammed bin Ali")
    assert (latin.given, latin.father, latin.family, latin.uncertain) == ("mohammed", "ali", "", False)


def test_two_names_without_a_marker_are_uncertain():
    chain = parse_chain("محمد أحمد")
    assert chain.uncertain and "father" in chain.reason
    assert (chain.given, chain.family) == ("محمد", "احمد")


def test_a_family_name_with_the_article_is_certain():
    chain = parse_chain("محمد الحلبي")
    assert (chain.given, chain.father, chain.family, chain.uncertain) == ("محمد", "", "الحلبي", False)
    latin = parse_chain("Ahmad Al-Halabi")
    assert (latin.family, latin.uncertain) == ("alhalabi", False)


def test_three_names_are_given_father_family_and_compounds_count_once():
    chain = parse_chain("عبد الرحمن نور الدين آل سعود")
    assert (chain.given, chain.father, chain.family) == ("عبدالرحمن", "نورالدين", "السعود")


def test_long_chains_drop_middle_ancestors_and_say_so():
    chain = parse_chain("أحمد محمد علي حسن الخطيب")
    assert (chain.father, chain.grandfather, chain.family) == ("محمد", "علي", "الخطيب")
    assert "1 middle" in chain.reason


def test_one_name_and_no_name():
    assert parse_chain("محمد") == NameChain(given="محمد", uncertain=True, reason=parse_chain("محمد").reason)
    assert parse_chain(None) == NameChain() and parse_chain("") == NameChain()
