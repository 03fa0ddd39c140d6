"""`link_records` end to end on small simulated lists."""

import pandas as pd

from uncounted.link import link_records, linkage_quality
from uncounted.simulate import simulate


def test_small_lists_link_well_even_where_splink_em_underflows():
    # Three lists of 300 people (seed 7) make Splink 5's EM underflow on one block; the block is skipped
    # and said so, and the linkage is still good.
    sim = simulate(seed=7, population=300, lists=3)
    linkage = link_records(pd.concat(sim.lists.values(), ignore_index=True))
    notes = linkage.diagnostics["training_notes"]
    assert notes and all("underflowed and was skipped" in note for note in notes)
    quality = linkage_quality(linkage.entities, sim.truth)
    assert quality.pairwise_f1 >= 0.9 and quality.bcubed_f1 >= 0.95
