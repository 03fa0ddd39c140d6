"""The Spark backend gives the same people as DuckDB on the same small data (optional `spark` extra)."""

import os

import pandas as pd
import pytest

from uncounted.link.spark import spark_available


def _needs_spark() -> None:
    reason = spark_available()
    if reason is None:
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip(f"Spark backend not tested: {reason}")
    if os.environ.get("CI") == "true":
        pytest.fail(f"the spark extra is installed but Spark cannot run under CI: {reason}")
    pytest.skip(f"Spark backend not tested: {reason}")


@pytest.mark.slow
def test_spark_and_duckdb_link_the_same_people():
    _needs_spark()
    from uncounted.link import link_records
    from uncounted.simulate import simulate

    sim = simulate(seed=3, population=400)
    records = pd.concat(sim.lists.values(), ignore_index=True)
    duck = link_records(records, backend="duckdb").entities
    spark = link_records(records, backend="spark").entities

    def groups(entities):
        return sorted(entities.groupby("entity_id")["record_id"].apply(lambda s: tuple(sorted(s))).tolist())

    assert groups(duck) == groups(spark)
