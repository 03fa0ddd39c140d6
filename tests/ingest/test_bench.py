"""The ingest benchmark's simulated list is valid canonical data and the timing covers every record."""

from __future__ import annotations

from uncounted.ingest.bench import simulated_list, time_ingest


def test_simulated_list_repeats_a_block_with_unique_ids():
    frame = simulated_list(2_500, block=1_000)
    assert len(frame) == 2_500 and frame["record_id"].is_unique
    assert (
        frame.iloc[1_000:2_000, 1:]
        .reset_index(drop=True)
        .equals(frame.iloc[:1_000, 1:].reset_index(drop=True))
    )


def test_time_ingest_imports_and_reads_back_every_record(tmp_path):
    timing = time_ingest(3_000, folder=tmp_path)
    assert timing.records == 3_000 and timing.ingest_seconds > 0 and timing.load_seconds > 0
    assert list(tmp_path.iterdir()) == []  # the scratch folder is removed
