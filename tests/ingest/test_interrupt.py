"""An import that dies half-way leaves the store as it was, and running it again completes it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
from sqlalchemy import text

from tests.ingest.lists import ROWS, store_state, write_csv
from uncounted.ingest import ingest_file
from uncounted.store.records import load_records
from uncounted.workspace import Workspace

N = 5_000


def import_until_killed(workspace: str, path: str, started) -> None:  # type: ignore[no-untyped-def]
    """Child process: import in chunks of 500 rows; after the first chunk, say so and wait to be killed."""
    import uncounted.ingest.importer as importer

    importer.CHUNK = 500

    def announce(done: int, total: int) -> None:
        started.set()
        time.sleep(60)

    importer.ingest_file(Workspace.open(workspace), path, source="big", progress=announce)


@pytest.fixture
def big_list(tmp_path):
    rows = [[f"{i:05d}", f"اسم {i}", "", "", "2013", ""] for i in range(N)]
    return write_csv(tmp_path / "big.csv", rows=rows)


def test_kill_9_during_an_import_leaves_the_store_unchanged(tmp_path, big_list):
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "small.csv", rows=ROWS), source="small")
    before = store_state(ws)
    ws.engine.dispose()  # no connection may cross a fork
    context = multiprocessing.get_context("fork")  # forked: no second interpreter start-up to wait for
    started = context.Event()
    child = context.Process(target=import_until_killed, args=(str(ws.path), str(big_list), started))
    child.start()
    try:
        assert started.wait(timeout=60)  # 500 rows are in the open transaction now
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()  # no-op once killed; never leave a child behind if the wait failed
        child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL

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
