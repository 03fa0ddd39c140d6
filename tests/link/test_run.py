"""`link_records` end to end on small simulated lists."""

import pandas as pd
import pytest

from uncounted.link import link_records, linkage_quality
from uncounted.link.settings import splink_settings
from uncounted.simulate import simulate


def test_small_lists_link_well_even_where_splink_em_underflows(monkeypatch):
    # Three lists of 300 people (seed 7) make Splink 5's EM underflow on the last of the training blocks of
    # earlier versions (given name + month of death + governorate); the block is skipped and said so, and the
    # linkage is still good.
    from uncounted.link import run

    earlier = (("given_key", "father_key", "family_key"), ("family_key", "birth_year", "governorate"),
               ("given_key", "death_year", "death_month", "governorate"))
    monkeypatch.setattr(run, "TRAINING_BLOCKS", earlier)
    sim = simulate(seed=7, population=300, lists=3)
    linkage = link_records(pd.concat(sim.lists.values(), ignore_index=True))
    notes = linkage.diagnostics["training_notes"]
    assert notes == ["EM on the block given_key + death_year + death_month + governorate underflowed and was "
                     "skipped (too few pairs)"]
    # The failed block must not take its comparisons out of the model (Splink drops them for the session).
    names = [c["output_column_name"] for c in linkage.model["comparisons"]]
    assert names == [c["output_column_name"] for c in splink_settings()["comparisons"]]
    quality = linkage_quality(linkage.entities, sim.truth)
    assert quality.pairwise_f1 >= 0.9 and quality.bcubed_f1 >= 0.95


_LINK_AND_PRINT = """
import sys
import pandas as pd
import pytest
from uncounted.link import link_records
records = pd.read_csv(sys.argv[1], dtype=str)
entities = link_records(records).entities
groups = entities.groupby("entity_id")["record_id"].apply(lambda ids: ",".join(sorted(ids)))
print("\\n".join(sorted(groups)))
"""


def test_runs_repeat_exactly_across_processes_and_row_orders(tmp_path):
    # Python's string hashing changes with each process (sets of records come out in another order) and
    # DuckDB sums in parallel: neither may change who is linked to whom.
    import os
    import subprocess
    import sys

    sim = simulate(seed=11, population=400)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    records.to_csv(tmp_path / "a.csv", index=False)
    records.sample(frac=1, random_state=3).to_csv(tmp_path / "b.csv", index=False)
    outputs = [
        subprocess.run([sys.executable, "-c", _LINK_AND_PRINT, str(tmp_path / name)], check=True,
                       capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout
        for name, hash_seed in (("a.csv", "1"), ("b.csv", "2"))
    ]
    assert outputs[0] and outputs[0] == outputs[1]


def test_large_inputs_train_on_a_stable_sample_of_records():
    from uncounted.link.run import training_sample

    table = pd.DataFrame({"source_dataset": ["a"] * 600 + ["b"] * 400,
                          "unique_id": [str(i) for i in range(1000)]})
    sample = training_sample(table, seed=1, size=300)
    assert 240 <= len(sample) <= 360
    shuffled = training_sample(table.sample(frac=1, random_state=5), seed=1, size=300)
    assert sorted(sample["unique_id"]) == sorted(shuffled["unique_id"])
    assert sorted(training_sample(table, seed=2, size=300)["unique_id"]) != sorted(sample["unique_id"])
    assert training_sample(table, seed=1, size=1000) is table


def test_duckdb_spills_into_a_private_folder_removed_after_the_run(monkeypatch, tmp_path):
    # By default DuckDB spills past its memory limit into ./.tmp wherever the command runs; spilled pages hold
    # name keys, so they must go to a folder only this user can read, and that folder must not outlive the run.
    import os
    import stat

    import duckdb

    real_connect = duckdb.connect
    folders = []

    def connect(*args, config=None, **kwargs):
        folder = (config or {}).get("temp_directory")
        folders.append((folder, folder and stat.S_IMODE(os.stat(folder).st_mode)))
        return real_connect(*args, config=config or {}, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    monkeypatch.chdir(tmp_path)
    sim = simulate(seed=7, population=150)
    link_records(pd.concat(sim.lists.values(), ignore_index=True))
    ours = [(folder, mode) for folder, mode in folders if folder]  # Splink also opens a small helper connection
    assert len(ours) >= 1 and all(mode == 0o700 for _, mode in ours)
    assert not any(os.path.exists(folder) for folder, _ in ours)
    assert not (tmp_path / ".tmp").exists()


def test_scoring_in_chunks_finds_the_same_people_as_scoring_at_once(monkeypatch):
    # A million records are scored ten million pairs at a time; term frequencies and every score must come from
    # the whole input, so the size of the pieces cannot change who is linked.
    from uncounted.link import run

    sim = simulate(seed=5, population=400)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    whole = link_records(records)
    monkeypatch.setattr(run, "PAIRS_PER_SCORING_CHUNK", 37)
    pieces = link_records(records)
    assert whole.diagnostics["n_candidate_pairs"] > 10 * 37
    assert pieces.entities.equals(whole.entities)
    assert pieces.pairs.equals(whole.pairs)
    assert whole.settings["blocking"]["max_block_pairs"] == 1_000
    assert set(whole.diagnostics["seconds"]) == {"training", "blocking", "scoring", "clustering"}


def test_no_trained_m_probability_is_zero_so_no_disagreement_is_a_veto():
    from uncounted.link.run import with_m_floor

    model = {"comparisons": [{"comparison_levels": [
        {"is_null_level": True},
        {"m_probability": 0.9995}, {"m_probability": 0.0005}, {"m_probability": 0.0}, {"m_probability": None}]}]}
    floored = with_m_floor(model, 0.001)
    levels = floored["comparisons"][0]["comparison_levels"]
    trained = [level["m_probability"] for level in levels[1:4]]
    assert min(trained) >= 0.001 * 0.99 and sum(trained) == pytest.approx(1.0)
    assert trained[0] > 0.99 and levels[4]["m_probability"] is None and "m_probability" not in levels[0]
    assert model["comparisons"][0]["comparison_levels"][3]["m_probability"] == 0.0  # the input is not changed


def test_one_record_per_source_leaves_no_person_twice_on_a_list():
    from uncounted.link.cluster import ClusterRules

    sim = simulate(seed=11, population=400)  # the simulation writes some people twice on one list
    records = pd.concat(sim.lists.values(), ignore_index=True)
    assert sim.truth.duplicated(["source", "person_id"]).any()
    linkage = link_records(records, rules=ClusterRules(one_record_per_source=True))
    assert not linkage.entities.duplicated(["source", "entity_id"]).any()
    assert linkage.settings["one_record_per_source"] is True
    assert link_records(records).entities.duplicated(["source", "entity_id"]).any()  # the default links them


def test_a_single_list_is_deduplicated_and_the_run_says_so():
    sim = simulate(seed=11, population=400)
    only = next(iter(sim.lists.values()))
    linkage = link_records(only)
    assert linkage.diagnostics["mode"] == "dedupe only (a single list)"
    truth = sim.truth[sim.truth["source"] == only["source"].iloc[0]]
    assert linkage_quality(linkage.entities, truth).bcubed_f1 >= 0.95
