"""An import that dies half-way leaves the store as it was, and running it again completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from tests.ingest.lists import ROWS, store_state, write_csv
from uncounted.ingest import ingest_file
from uncounted.store.records import load_records
from uncounted.workspace import Workspace

N = 5_000

#: Imports in chunks of 500 rows, announcing each chunk and pausing, so the test can kill it mid-transaction.
CHILD = textwrap.dedent("""
    import sys, time
    import uncounted.ingest.importer as importer
    from uncounted.workspace import Workspace

    importer.CHUNK = 500

    def announce(done, total):
        print(done, flush=True)
        time.sleep(0.2)

    importer.ingest_file(Workspace.open(sys.argv[1]), sys.argv[2], source="big", progress=announce)
""")


@pytest.fixture
def big_list(tmp_path):
    rows = [[f"{i:05d}", f"اسم {i}", "", "", "2013", ""] for i in range(N)]
    return write_csv(tmp_path / "big.csv", rows=rows)


def test_kill_9_during_an_import_leaves_the_store_unchanged(tmp_path, big_list):
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "small.csv", rows=ROWS), source="small")
    before = store_state(ws)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws.path), str(big_list)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "500"  # rows are in the open transaction now
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    ws = Workspace.open(ws.path)
    assert store_state(ws) == before
    with ws.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"

    result = ingest_file(ws, big_list, source="big")  # the re-run completes
    assert (result.n_records, result.already_imported) == (N, False)
    assert len(load_records(ws, ["big"])) == N
    assert store_state(ws)[:3] == (2, len(ROWS) + N, 0)
    assert all(not name.endswith(".partial") for name in store_state(ws)[3])


def test_an_error_half_way_rolls_back_and_leaves_no_temporary_file(tmp_path, big_list, monkeypatch):
    import uncounted.ingest.importer as importer

    ws = Workspace.create(tmp_path / "ws")
    before = store_state(ws)
    monkeypatch.setattr(importer, "CHUNK", 1_000)

    def fail(done, total):
        if done >= 2_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_file(ws, big_list, progress=fail)
    assert store_state(ws) == before
    assert ingest_file(ws, big_list).n_records == N
