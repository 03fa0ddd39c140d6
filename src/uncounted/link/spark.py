"""The Spark backend: the same Splink model on a local Spark session, for lists too big for one DuckDB.

Optional: install with the `spark` extra (pyspark, which needs Java 17). Settings follow what works offline
here: Splink's similarity functions registered from its bundled jar, the UI and progress bars off, loopback
only, and a checkpoint folder for the iterative clustering.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

from uncounted.errors import UncountedError


def spark_available() -> str | None:
    """None when Spark can run here, else the reason it cannot."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (install uncounted with the 'spark' extra)"
    if not (os.environ.get("JAVA_HOME") or _which("java")):
        return "Java is not installed (Spark needs Java 17)"
    return None


def _which(program: str) -> str | None:
    from shutil import which

    return which(program)


def spark_api() -> Any:
    """A Splink SparkAPI over a local session sized for this machine."""
    reason = spark_available()
    if reason:
        raise UncountedError(f"the Spark backend cannot run: {reason}")
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Splink's Spark registration trips a pandas deprecation warning on every table: not the user's business.
    warnings.filterwarnings("ignore", category=FutureWarning, module="splink.internals.spark.database_api")
    checkpoints = tempfile.mkdtemp(prefix="uncounted-spark-")
    spark = (
        SparkSession.builder.master(f"local[{os.cpu_count() or 2}]")
        .appName("uncounted")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(checkpoints)
    spark.sparkContext.setLogLevel("ERROR")
    return SparkAPI(spark_session=spark)
