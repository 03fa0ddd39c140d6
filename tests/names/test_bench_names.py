"""uncounted bench names: its measures on small hand-made groups, and the command through Typer."""

import json

import pytest
import typer
from typer.testing import CliRunner

from uncounted.bench import names as bench
from uncounted.names.keys import VariantIndex

GROUPS = {
    "محمد": [("محمد", "Mohammed", 8, "SY"), ("محمد", "Muhammad", 2, "PK")],
    "حسين": [("حسين", "Hussein", 3, "SY"), ("حسين", "Hassan", 4, "SY")],
    "حسن": [("حسن", "Hassan", 5, "EG")],
}


def test_same_key_rates_weight_by_attestations():
    index = VariantIndex.from_pairs([("حسن", "Hassan", 5), ("محمد", "Mohammed", 8)])
    rates = bench.same_key_rates(index, GROUPS, ["محمد", "حسين"])
    # Muhammad and Hussein by rules (hit), Hassan under حسين goes to حسن (miss): 13 of 17 attestations.
    assert rates["weighted"] == pytest.approx(13 / 17) and rates["distinct"] == pytest.approx(3 / 4)
    syrian = bench.same_key_rates(index, GROUPS, ["محمد"], countries={"SY"})
    assert syrian["spellings"] == 1


def test_different_key_rates_count_pairs():
    rates = bench.different_key_rates(VariantIndex(), GROUPS, top=3)
    assert rates == {"arabic": 1.0, "latin": pytest.approx(2 / 3), "units": 3}  # Hassan is حسين's commonest


def test_the_split_is_fixed_by_the_seed():
    units = [f"u{i}" for i in range(100)]
    assert bench.split(units) == bench.split(list(reversed(units)))
    train, held = bench.split(units)
    assert len(train) == 80 and len(held) == 20 and not set(train) & set(held)


def test_the_command_prints_json(monkeypatch):
    from uncounted.cli import names as cli_names
    from uncounted.cli.common import bench_app

    rows = [bench._row("normalisation rate", 300_000.0, 200_000, "names/s")]
    monkeypatch.setattr(
        bench, "run", lambda records, repeats: {"benchmarks": rows, "machine": bench._machine()}
    )
    app = typer.Typer()
    cli_names.register(app)
    app.add_typer(bench_app, name="bench")
    result = CliRunner().invoke(app, ["bench", "names", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["benchmarks"][0]["met"] is True
    table = CliRunner().invoke(app, ["bench", "names"])
    assert table.exit_code == 0 and "300,000" in table.output
