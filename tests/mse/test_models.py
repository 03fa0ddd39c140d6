import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.mse.models import Model, design_matrix, parse_model

KOSOVO = ["EXH", "ABA", "OSCE", "HRW"]


def test_positions_names_and_closedpms_brackets_are_the_same_model():
    by_position = parse_model("[123][14][34]", KOSOVO)
    assert by_position == Model(terms=((0, 1, 2), (0, 3), (2, 3)))
    assert parse_model("[EXH,ABA,OSCE][EXH,HRW][OSCE,HRW]", KOSOVO) == by_position
    assert parse_model("[EXH ABA OSCE] [EXH HRW] [OSCE HRW]", KOSOVO) == by_position
    assert parse_model("[123,14,34]", KOSOVO) == by_position
    assert by_position.label(KOSOVO) == "[123][14][34]"
    assert by_position.label(KOSOVO, by_name=True) == "[EXH,ABA,OSCE][EXH,HRW][OSCE,HRW]"


def test_implied_terms_and_main_effects_drop_out_of_the_label():
    model = parse_model("[12][123][4][34]", KOSOVO)
    assert model.terms == ((0, 1, 2), (2, 3))
    assert model.interaction_terms() == [(0, 1), (0, 2), (1, 2), (2, 3), (0, 1, 2)]
    assert parse_model("[1][2][3][4]", KOSOVO).label(KOSOVO) == "Mt"


@pytest.mark.parametrize(
    ("spec", "label", "heterogeneity", "theta"),
    [
        ("M0", "M0", None, None),
        ("mt", "Mt", None, None),
        ("Mth-Chao", "Mth-Chao", "Chao", None),
        ("Mth-LB", "Mth-Chao", "Chao", None),
        ("Mth", "Mth-Chao", "Chao", None),
        ("Mth-Poisson2", "Mth-Poisson2", "Poisson", 2.0),
        ("Mth-Poisson", "Mth-Poisson2", "Poisson", 2.0),
        ("Mth-Darroch", "Mth-Darroch", "Darroch", None),
        ("Mth-Gamma3.5", "Mth-Gamma3.5", "Gamma", 3.5),
        ("Mh-Gamma2", "Mh-Gamma2", "Gamma", 2.0),
        ("Mth-Darroch+[12][13][14]", "Mth-Darroch+[12][13][14]", "Darroch", None),
        ("Mth-Darroch + [12,13,14]", "Mth-Darroch+[12][13][14]", "Darroch", None),
    ],
)
def test_named_models(spec, label, heterogeneity, theta):
    model = parse_model(spec, KOSOVO)
    assert model.label(KOSOVO) == label
    assert model.heterogeneity == heterogeneity
    assert model.theta == theta


def test_m0_has_one_capture_column_and_chao_one_column_per_order():
    full = [0] + [1] * 15
    assert design_matrix(parse_model("M0", KOSOVO), KOSOVO, full).names == ("intercept", "captures")
    chao = design_matrix(parse_model("Mth-Chao", KOSOVO), KOSOVO, full)
    assert chao.names[-2:] == ("eta3", "eta4")
    assert chao.eta.tolist() == [False] * 5 + [True, True]
    # Pattern 1111 (the last row) is on 4 lists: eta3 = max(4 - 2, 0), eta4 = max(4 - 3, 0).
    assert chao.matrix[-1, -2:].tolist() == [2.0, 1.0]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("", "empty"),
        ("[12", "brackets"),
        ("12", "brackets"),
        ("[1x]", "no list called '1x'"),
        ("[15]", "names list 5"),
        ("[EXH,XYZ]", "no list called 'XYZ'"),
        ("[11]", "same list twice"),
        ("[]", "empty bracket"),
        ("Mt-Chao", "Mh or Mth"),
        ("M0+[12]", "no list effects"),
        ("Mth-Darroch2", "takes no number"),
        ("Mth-Darroch+", "nothing follows"),
        ("[12]+[13]", "can come before"),
    ],
)
def test_bad_specs_are_refused_naming_the_spec(spec, words):
    with pytest.raises(BadInput, match=words) as caught:
        parse_model(spec, KOSOVO)
    if spec:
        assert spec in str(caught.value)


def test_positions_need_at_most_nine_lists_and_heterogeneity_three():
    lists = [f"L{i}" for i in range(10)]
    with pytest.raises(BadInput, match="name the lists"):
        parse_model("[12]", lists)
    assert parse_model("[L1,L9]", lists).label(lists) == "[L1,L9]"
    with pytest.raises(BadInput, match="at least 3 lists"):
        parse_model("Mth-Chao", ["A", "B"])


names = st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,5}", fullmatch=True), min_size=3, max_size=11,
                 unique=True)


@st.composite
def models(draw):
    lists = draw(names)
    k = len(lists)
    kind = draw(st.sampled_from([None, "Chao", "Poisson", "Darroch", "Gamma"]))
    theta = draw(st.sampled_from([None, 1.5, 2.0, 3.5])) if kind in ("Poisson", "Gamma") else None
    if draw(st.booleans()) and kind is None:
        return lists, Model(time_effects=False)
    terms = draw(st.lists(st.sets(st.integers(0, k - 1), min_size=2, max_size=min(k, 4)), max_size=6))
    return lists, Model(terms=tuple(tuple(t) for t in terms), heterogeneity=kind, theta=theta)


@given(models(), st.booleans())
def test_label_then_parse_gives_back_the_same_model(drawn, by_name):
    lists, model = drawn
    assert parse_model(model.label(lists, by_name=by_name), lists) == model
