"""Benchmark of ingest: how long a list of N simulated records takes to import and to read back.

The list repeats a small generated frame (made-up Arabic and Latin names, partial dates) with unique record
ids, so the figure measures reading, validation and bulk writing, not the generator. `encrypt=True` times the
same import into a SQLCipher workspace (issue 8 asks the same 3 minutes for 1,000,000 records either way); the
key derivation happens when the workspace is made, outside the timing, as it happens once per command.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from uncounted.ingest.importer import ingest_file
from uncounted.store.records import load_records
from uncounted.workspace import Workspace

_GIVEN = ("محمد", "أحمد", "خالد", "فاطمة", "عمر", "ليلى", "يوسف", "سامر", "رنا", "حسن", "Mohammad", "Rima")
_FAMILY = ("الحسن", "الخطيب", "المصري", "الحلبي", "الشامي", "العلي", "al-Hasan", "Khatib")
_DATES = ("2012", "2013-05", "2014-02-17", "2012-11/2013-01", "")
_PLACES = ("حلب", "حمص", "دمشق", "Idlib", "درعا", "")


@dataclass
class IngestTiming:
    records: int
    encrypted: bool
    file_mb: float
    ingest_seconds: float
    load_seconds: float


def simulated_list(n: int, seed: int = 1, block: int = 1_000) -> pd.DataFrame:
    """`n` canonical records: a generated block of `block` rows repeated, with unique record ids."""
    rng = np.random.default_rng(seed)
    names = [f"{rng.choice(_GIVEN)} {rng.choice(_GIVEN)} {rng.choice(_FAMILY)}" for _ in range(block)]
    base = pd.DataFrame(
        {
            "full_name": names,
            "sex": rng.choice(["male", "female", ""], block),
            "age": rng.integers(14, 85, block).astype(str),
            "date_of_death": rng.choice(_DATES, block),
            "date_of_detention": rng.choice(_DATES, block),
            "governorate": rng.choice(_PLACES, block),
        }
    )
    frame = pd.concat([base] * (n // block + 1), ignore_index=True).iloc[:n]
    frame.insert(0, "record_id", [f"r{i:07d}" for i in range(n)])
    return frame


#: Passphrase of the throw-away encrypted workspace the benchmark makes (deleted with its scratch folder).
BENCH_PASSPHRASE = "uncounted ingest benchmark"


def time_ingest(n: int, folder: Path | None = None, *, encrypt: bool = False) -> IngestTiming:
    """Write a simulated CSV of `n` records, import it into a fresh (encrypted if asked) workspace, and read
    it back."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        root = Path(scratch)
        path = root / "simulated.csv"
        simulated_list(n).to_csv(path, index=False)
        ws = Workspace.create(root / "ws", encrypt=encrypt, passphrase=BENCH_PASSPHRASE if encrypt else None)
        start = time.perf_counter()
        ingest_file(ws, path, source="simulated")
        middle = time.perf_counter()
        loaded = len(load_records(ws))
        end = time.perf_counter()
        ws.engine.dispose()
        assert loaded == n
        return IngestTiming(n, encrypt, path.stat().st_size / 1e6, middle - start, end - middle)
