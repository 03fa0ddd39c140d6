import json
import sys

import pytest

from uncounted.bench import mse as bench
from uncounted.cli import main


def test_a_timing_is_compared_with_its_target():
    fast = bench._seconds("quick", 0.5, 2, lambda: None)
    assert fast["met"] is True and fast["value"] < 0.5
    rate = bench._row("rate", 40_000.0, 50_000, "sweeps/s", ">=")
    assert rate["met"] is False


def test_a_missing_estimator_is_reported_not_fatal():
    def missing():
        raise ImportError("No module named 'uncounted.mse.nothing'")

    row = bench._seconds("absent", 1.0, 1, missing)
    assert row["value"] is None and row["met"] is None
    assert "not available" in row["note"]


def test_bench_mse_json(monkeypatch, capsys):
    rows = [bench._row("dga, Kosovo", 0.2, 0.5, "s", "<=")]
    monkeypatch.setattr(bench, "run", lambda repeats: {"benchmarks": rows, "machine": bench._machine()})
    monkeypatch.setattr(sys, "argv", ["uncounted", "bench", "mse", "--json"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["benchmarks"][0]["met"] is True
    assert {"cores", "python", "date"} <= set(data["machine"])


def test_dga_on_kosovo_is_timed_on_the_real_table():
    from uncounted.mse.capture import CaptureTable
    from uncounted.mse.dga import dga

    result = dga(CaptureTable.from_patterns(*bench.KOSOVO), delta=1 / 16, max_missing=40_000)
    assert result.estimate == 12595  # the benchmark's table is the reference table
