import numpy as np
import pytest

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.dga import dga, dga_posterior, negative_binomial_log_prior
from uncounted.mse.graphs import decomposable_graphs, parse_graph

LISTS = ("A", "B", "C")
COUNTS = {"100": 60, "010": 49, "110": 4, "001": 247, "101": 112, "011": 142, "111": 12}


@pytest.mark.parametrize(("n", "count"), [(3, 8), (4, 61), (5, 822)])
def test_counts_of_decomposable_graphs(n, count):
    graphs = decomposable_graphs(n)
    assert len(graphs) == count
    assert len({g.edges for g in graphs}) == count


def test_four_cycle_is_not_decomposable_and_its_chordal_completion_is():
    edges = {g.edges for g in decomposable_graphs(4)}
    assert ((0, 1), (0, 3), (1, 2), (2, 3)) not in edges
    assert ((0, 1), (0, 2), (0, 3), (1, 2), (2, 3)) in edges


def test_separators_of_a_chain():
    graph = parse_graph("[A,B][B,C][C,D]", ["A", "B", "C", "D"])
    assert graph.cliques == ((0, 1), (1, 2), (2, 3))
    assert graph.separators == ((1,), (2,))
    assert graph.positional_label() == "[12][23][34]"


@pytest.mark.parametrize("spec", ["[12][13][23]", "[A,B][C,X]", "A,B", "[]"])
def test_graphs_that_are_not_decomposable_models_or_name_unknown_lists_are_refused(spec):
    with pytest.raises(BadInput):
        parse_graph(spec, ["A", "B", "C"])


def test_posterior_sums_to_one_and_brackets_the_median():
    post = dga_posterior(CaptureTable.from_patterns(LISTS, COUNTS), delta=0.25, max_missing=2000)
    assert post.probability.sum() == pytest.approx(1)
    assert post.graph_weights.sum() == pytest.approx(1)
    (median,) = post.quantiles([0.5])
    assert post.probability[post.total <= median].sum() >= 0.5
    assert post.probability[post.total < median].sum() < 0.5


def test_single_graph_equals_that_graphs_conditional_posterior():
    table = CaptureTable.from_patterns(LISTS, COUNTS)
    post = dga_posterior(table, delta=1, max_missing=600)
    top = int(np.argmax(post.graph_weights))
    alone = dga_posterior(table, delta=1, max_missing=600, graphs=[post.graphs[top].label(LISTS)])
    assert alone.graph_weights.tolist() == [1.0]
    assert alone.probability == pytest.approx(post.conditional[top], abs=1e-12)


def test_independent_lists_recover_lincoln_petersen_order_of_magnitude():
    # Three independent lists each catching half of 1,000 people: the independence graph should dominate and
    # the median land near 1,000.
    expected = {f"{a}{b}{c}": 125 for a in "01" for b in "01" for c in "01" if (a, b, c) != ("0", "0", "0")}
    est = dga(CaptureTable.from_patterns(LISTS, expected), delta=1 / 8)
    assert est.extras["graph_weights"][0]["graph"] == "[A][B][C]"
    assert 950 <= est.estimate <= 1050
    assert est.lower < 1000 < est.upper


def test_truncated_grid_warns():
    est = dga(CaptureTable.from_patterns(LISTS, COUNTS), delta=1 / 8, max_missing=60)
    assert any("max_missing" in w for w in est.warnings)


def test_negative_binomial_prior_is_a_distribution():
    prior = negative_binomial_log_prior(13.14, 55.17)
    n = np.arange(0, 20000)
    assert np.exp(prior(n)).sum() == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("lists", [2, 6])
def test_dga_refuses_fewer_than_three_or_more_than_five_lists(lists):
    names = [f"L{i}" for i in range(lists)]
    counts = {"".join("1" if j in (i, (i + 1) % lists) else "0" for j in range(lists)): 5
              for i in range(lists)}
    with pytest.raises(BadInput, match="3 to 5 lists"):
        dga(CaptureTable.from_patterns(names, counts))


def test_bad_prior_and_delta_are_refused():
    table = CaptureTable.from_patterns(LISTS, COUNTS)
    with pytest.raises(BadInput):
        dga(table, delta=0)
    with pytest.raises(BadInput):
        dga(table, log_prior="jeffreys")
    with pytest.raises(BadInput):
        dga(table, log_prior=lambda n: np.full_like(n, np.nan))


@pytest.mark.parametrize("n", [3, 4, 5])
def test_every_graph_reads_back_from_its_label(n):
    lists = [f"L{i}" for i in range(n)]
    for graph in decomposable_graphs(n):
        assert parse_graph(graph.label(lists), lists) == graph
        assert parse_graph(graph.positional_label(), lists) == graph


def test_the_density_kept_for_plots_is_the_grid_posterior_binned():
    table = CaptureTable.from_patterns(LISTS, COUNTS)
    post = dga_posterior(table, delta=0.25, max_missing=2000)
    density = dga(table, delta=0.25, max_missing=2000).extras["posterior"]["density"]
    x, y = np.array(density["N"]), np.array(density["density"])
    assert len(x) <= 120 and np.all(np.diff(x) > 0) and np.all(y >= 0)
    width = np.diff(x).mean()
    assert (y * width).sum() == pytest.approx(1, abs=0.01)  # all but 0.02% of the mass, in equal bins
    mean = post.probability @ post.total
    assert (x * y * width).sum() == pytest.approx(mean, rel=0.01)
    assert x[0] - width / 2 <= post.quantiles([0.001])[0] and x[-1] + width / 2 >= post.quantiles([0.999])[0]
