import pytest

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.estimate import estimate, prepare

KOSOVO = CaptureTable.from_patterns(
    ["EXH", "ABA", "OSCE", "HRW"],
    {"1000": 1131, "0100": 845, "1100": 177, "0010": 936, "1010": 228, "0110": 217, "1110": 181, "0001": 306,
     "1001": 106, "0101": 31, "1101": 18, "0011": 123, "1011": 42, "0111": 32, "1111": 27})
TWO = CaptureTable.from_patterns(["A", "B"], {"10": 30, "01": 20, "11": 10})


def test_dga_through_the_dispatcher_drops_unset_options_and_ignores_a_seed():
    result = estimate(KOSOVO, "DGA", delta=1 / 16, max_missing=40000, K=None, seed=3)
    assert result.method == "dga"
    assert result.estimate == 12595
    assert result.seed is None


@pytest.mark.parametrize(
    ("table", "method", "options", "words"),
    [
        (KOSOVO, "bayes", {}, "unknown method"),
        (KOSOVO, "dga", {"K": 5}, "does not apply"),
        (TWO, "lcmcr", {}, "LCMCR needs at least 3 lists"),
        (TWO, "dga", {}, "3 to 5 lists"),
        (KOSOVO, "loglinear", {"model": "[EXH,ABA][OSCE,UN]"}, "'UN'"),
        (KOSOVO, "loglinear", {"model": "[15]"}, "'5'"),
        (KOSOVO, "loglinear", {"model": "[12]", "criterion": "aic"}, "not both"),
        (KOSOVO, "loglinear", {"criterion": "deviance"}, "aic or bic"),
    ],
)
def test_dispatcher_refuses_bad_requests(table, method, options, words):
    with pytest.raises(BadInput, match=words):
        estimate(table, method, **options)


def test_lcmcr_always_gets_a_recorded_seed_and_search_is_the_loglinear_default():
    _, options = prepare(KOSOVO, "lcmcr", {"K": 10})
    assert isinstance(options["seed"], int)
    _, options = prepare(KOSOVO, "loglinear", {})
    assert options == {"criterion": "bic"}


def test_loglinear_dispatch_fits_the_named_model():
    pytest.importorskip("uncounted.mse.loglinear")
    result = estimate(KOSOVO, "loglinear", model="[123][14][34]")
    assert result.estimate == pytest.approx(10356.5, abs=0.5)


def test_loglinear_dispatch_searches_by_bic():
    pytest.importorskip("uncounted.mse.search")
    result = estimate(KOSOVO, "loglinear", criterion="bic")
    assert result.estimate == pytest.approx(10356.5, abs=0.5)


def test_lcmcr_dispatch_passes_options_and_seed():
    pytest.importorskip("uncounted.mse.lcmcr")
    result = estimate(KOSOVO, "lcmcr", K=5, burnin=200, samples=50, thin=2, seed=11)
    assert result.method == "lcmcr"
    assert result.seed == 11
    assert len(result.draws) == 50
