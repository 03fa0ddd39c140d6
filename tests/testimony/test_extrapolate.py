"""Extrapolation: binding, bounds, Monte Carlo against known distributions, sensitivity, malformed models."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.testimony.factory import ACCOUNTS, CLAIMS, FREQ, SIZE, claim, vaulted, write_testimony
from uncounted.errors import BadInput
from uncounted.testimony import model as testimony_model
from uncounted.testimony.extrapolate import extrapolate, load_model
from uncounted.testimony.io import read_testimony

NO_CLAIMS = testimony_model.Testimony()


def _model(tmp_path, text, name="model.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_model(path)


def test_bound_parameters_take_their_range_and_sources_from_the_finding(tmp_path):
    testimony = read_testimony(write_testimony(tmp_path))
    model = _model(tmp_path, f"""
rule = "weeks * rate * size"
testimony = ["witnesses.csv", "accounts.csv", "claims.csv"]
seed = 3
[parameters.weeks]
range = [226, 226]
reason = "1 Sep 2011 - 31 Dec 2015"
[parameters.rate]
fact = "{FREQ}"
[parameters.size]
fact = "{SIZE}"
combine = "median_of_sources"
""")
    assert [p.name for p in model.testimony] == ["witnesses.csv", "accounts.csv", "claims.csv"]
    result = extrapolate(model, testimony)
    size = result.parameters[2]
    # three direct lines give 20-50, 20-60 and 25-40: median of lows 20, median of highs 50
    assert (size.low, size.high, size.claims, size.independent_sources) == (20, 50, ["C3", "C4", "C5"], 3)
    assert result.bounds == (226 * 1 * 20, 226 * 2 * 50)
    payload = result.to_json()
    assert payload["parameters"]["weeks"]["reason"] == "1 Sep 2011 - 31 Dec 2015"
    assert payload["parameters"]["rate"]["claims"] == ["C1", "C2"]
    assert payload["parameters"]["rate"]["independent_sources"] == 2
    assert {"estimate", "lower", "upper", "bounds", "rule", "seed", "parameters"} <= set(payload)
    again = extrapolate(model, testimony)
    assert again.estimate == result.estimate and again.input_hash == result.input_hash
    assert extrapolate(model, testimony, seed=4).estimate != result.estimate


def _one(tmp_path, spec, draws=200_000):
    text = f'rule = "x"\ndraws = {draws}\n[parameters.x]\n{spec}\nreason = "test"\n'
    return extrapolate(_model(tmp_path, text), NO_CLAIMS)


def test_uniform_triangular_lognormal_and_discrete_match_their_quantiles(tmp_path):
    uniform = _one(tmp_path, "range = [0, 10]")
    assert (uniform.estimate, uniform.lower, uniform.upper) == pytest.approx((5, 0.25, 9.75), abs=0.05)
    # triangular(20, 30, 50): median 50 - sqrt(30 * 20 / 2)
    triangular = _one(tmp_path, 'range = [20, 50]\ndistribution = "triangular"\nmode = 30')
    assert triangular.estimate == pytest.approx(50 - np.sqrt(300), abs=0.1)
    lognormal = _one(tmp_path, 'range = [10, 1000]\ndistribution = "lognormal"')
    assert (lognormal.estimate, lognormal.lower, lognormal.upper) == pytest.approx((100, 10, 1000), rel=0.02)
    assert lognormal.bounds == (10, 1000)
    discrete = _one(tmp_path, 'range = [1, 2]\ndistribution = "discrete"\nvalues = [1, 2]\nweights = [3, 1]')
    assert np.mean(discrete.samples == 2) == pytest.approx(0.25, abs=0.005)


def test_variance_shares_follow_the_widths_of_an_additive_rule(tmp_path):
    model = _model(tmp_path, """
rule = "a + b + c"
seed = 1
[parameters.a]
range = [0, 1]
reason = "test"
[parameters.b]
range = [0, 3]
reason = "test"
[parameters.c]
range = [5, 5]
reason = "test"
""")
    result = extrapolate(model, NO_CLAIMS)
    shares = {row["parameter"]: row["variance_share"] for row in result.sensitivity}
    # variance of a uniform grows with the square of its width: 1 : 9
    assert shares == pytest.approx({"a": 0.1, "b": 0.9, "c": 0.0}, abs=0.02)
    assert [row["parameter"] for row in result.sensitivity] == ["b", "a", "c"]
    b = result.sensitivity[0]
    assert (b["output_at_low"], b["output_at_high"]) == pytest.approx((0.5 + 0 + 5, 0.5 + 3 + 5), abs=0.02)


MALFORMED = [
    ('rule = "weeks * people"\n[parameters.weeks]\nrange = [1, 2]\nreason = "r"\n',
     "'people', which is not a"),
    ('rule = "x"\n[parameters.x]\ndistribution = "uniform"\n', "bound to no claims and has no range"),
    ('rule = "__import__(\'os\').getcwd()"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\n', "not allowed"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\n', "needs a stated reason"),
    ('rule = "x"\n[parameters.x]\nrange = [3, 2]\nreason = "r"\n', "inverted"),
    ('rule = "x"\n[parameters.x]\nrange = [-3, 2]\nreason = "r"\n', "negative"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\n'
     '[parameters.y]\nrange = [1, 2]\nreason = "r"\n',
     "'y' is declared but the rule does not use it"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\ndistribution = "normal"\n',
     "distribution must"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\nunit = "furlongs"\n', "unknown unit"),
    ('rule = "x"\nrule_typo = 1\n[parameters.x]\nrange = [1, 2]\nreason = "r"\n', "unknown setting"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\n reason = "r"\ndistribution = "triangular"\nmode = 5\n',
     "mode 5 lies outside"),
    ("rule = \n", "not valid TOML"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\ndistribution = "discrete"\n'
     'values = ["one"]\n', "needs values"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\ndistribution = "triangular"\nmode = "1"\n',
     "mode must be a number"),
    ('rule = "x"\n[parameters.x]\nrange = [1, 2]\nreason = "r"\ndistribution = "discrete"\nvalues = [3]\n',
     "within the range"),
]


@pytest.mark.parametrize(("text", "words"), MALFORMED)
def test_malformed_models_are_bad_input_naming_the_file(tmp_path, text, words):
    path = tmp_path / "model.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        extrapolate(load_model(path), NO_CLAIMS)
    assert caught.value.file == str(path)
    assert words in str(caught.value)


def test_a_parameter_bound_to_a_contested_fact_is_refused_unless_the_model_allows_it(tmp_path):
    claims = [*CLAIMS[:5], claim("C9", "A5", low=90, high=100)]
    testimony = read_testimony(write_testimony(tmp_path, claims=claims))
    text = f'rule = "size"\n{{extra}}[parameters.size]\nfact = "{SIZE}"\n'
    with pytest.raises(BadInput, match="contested under standard 'two-direct'"):
        extrapolate(_model(tmp_path, text.format(extra="")), testimony)
    result = extrapolate(_model(tmp_path, text.format(extra="require_standard = false\n")), testimony)
    assert result.bounds == (20, 100)


def test_claims_may_be_listed_and_must_exist(tmp_path):
    testimony = read_testimony(write_testimony(tmp_path, accounts=ACCOUNTS))
    text = 'rule = "size"\nrequire_standard = false\n[parameters.size]\nclaims = ["C3", "{other}"]\n'
    assert extrapolate(_model(tmp_path, text.format(other="C5")), testimony).bounds == (20, 50)
    with pytest.raises(BadInput, match="claim 'C77' is not among the claims"):
        extrapolate(_model(tmp_path, text.format(other="C77")), testimony)
    with pytest.raises(BadInput, match="carries no numbers|person_detained"):
        extrapolate(_model(tmp_path, text.format(other="C6").replace('"C3", ', "")), testimony)


def test_a_model_file_runs_on_its_own_files_or_a_workspace(monkeypatch, tmp_path):
    from uncounted.testimony.extrapolate import extrapolate_file
    from uncounted.testimony.persist import import_testimony
    from uncounted.workspace import Workspace

    paths = write_testimony(tmp_path / "in")
    text = f'rule = "size"\n{{files}}[parameters.size]\nfact = "{SIZE}"\n'
    alone = tmp_path / "alone.toml"
    alone.write_text(text.format(files=""), encoding="utf-8")
    with pytest.raises(BadInput, match="names no testimony files"):
        extrapolate_file(alone)
    named = tmp_path / "in" / "named.toml"
    named.write_text(text.format(files='testimony = ["witnesses.csv", "accounts.csv", "claims.csv"]\n'))
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    import_testimony(ws, paths)
    assert extrapolate_file(named).bounds == extrapolate_file(alone, ws).bounds == (20, 60)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.sampled_from(["uniform", "triangular"])),
                min_size=1, max_size=3), st.integers(0, 2**32))
def test_every_draw_of_a_product_of_bounded_parameters_lies_within_the_bounds(ranges, seed):
    with tempfile.TemporaryDirectory() as folder:
        rule = " * ".join(f"p{i}" for i in range(len(ranges)))
        lines = [f'rule = "{rule}"', f"seed = {seed}", "draws = 500"]
        for i, (a, b, kind) in enumerate(ranges):
            lines += [f"[parameters.p{i}]", f"range = [{min(a, b)!r}, {max(a, b)!r}]", 'reason = "test"',
                      f'distribution = "{kind}"']
        path = Path(folder) / "model.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = extrapolate(load_model(path), NO_CLAIMS)
    low, high = result.bounds
    assert low == pytest.approx(np.prod([min(a, b) for a, b, _ in ranges]))
    assert np.all(result.samples >= low * (1 - 1e-12)) and np.all(result.samples <= high * (1 + 1e-12))
    assert low <= result.lower <= result.estimate <= result.upper <= high * (1 + 1e-12)
