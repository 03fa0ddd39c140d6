"""Linkage runs and estimates are stored with their audit entry in one transaction, on every engine; the
workspace's entities.csv and estimate.json are copies of what the store holds."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from tests.ingest.lists import write_csv
from uncounted import pipeline
from uncounted.ingest import ingest_file
from uncounted.link import Linkage
from uncounted.mse import Estimate
from uncounted.store import audit, results
from uncounted.store.models import EstimateResult, LinkageRun, linkage_entities
from uncounted.workspace import Workspace

ENTITIES = pd.DataFrame({"source": ["alpha", "alpha", "beta"], "record_id": ["007", "008", "007"],
                         "entity_id": ["E0000001", "E0000002", "E0000001"]})


def linkage() -> Linkage:
    import numpy as np

    return Linkage(entities=ENTITIES.copy(), pairs=pd.DataFrame({"match_probability": [0.9]}),
                   settings={"link_type": "link_and_dedupe", "threshold": np.float64(0.5)}, model={},
                   diagnostics={"n_links": np.int64(1), "mode": "link", "loss": float("nan")})


def count(ws: Workspace, table) -> int:  # noqa: ANN001 - a table or ORM class
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_linkage_run_is_stored_with_its_assignments_and_audited(ws: Workspace) -> None:
    first = results.save_linkage_run(ws, linkage(), seed=7, input_hash="a" * 64, by="amal")
    second = results.save_linkage_run(ws, linkage(), seed=8, input_hash="b" * 64)
    assert second > first
    pd.testing.assert_frame_equal(results.load_entities(ws, first), ENTITIES)
    pd.testing.assert_frame_equal(results.load_entities(ws), ENTITIES)  # the latest run
    runs = results.linkage_runs(ws)
    assert list(runs["seed"]) == [7, 8] and list(runs["created_by"]) == ["amal", "local"]
    assert runs.iloc[0][["n_records", "n_entities", "n_links"]].tolist() == [3, 2, 1]
    log = [e for e in audit.entries(ws) if e["action"] == "link.run"]
    assert [(e["actor"], e["details"]["run"], e["details"]["seed"]) for e in log] == [
        ("amal", first, 7), ("local", second, 8)]
    with ws.engine.connect() as connection:
        stored = connection.execute(select(LinkageRun.diagnostics).where(LinkageRun.id == first)).scalar_one()
    assert stored == {"n_links": 1, "mode": "link", "loss": None}  # NumPy made plain, NaN as null
    assert audit.verify(ws) == []


def test_estimates_are_stored_with_one_audit_entry_each(ws: Workspace) -> None:
    main = Estimate("lcmcr", 120, 181.0, 150.5, 240.0, settings={"K": 10}, seed=1, input_hash="c" * 64)
    odd = Estimate("loglinear", 120, float("inf"), 130.0, float("nan"), seed=1)
    ids = results.save_estimates(ws, [("main", main), ("sensitivity", odd)], by="nour")
    stored = results.load_estimates(ws)
    assert [s["id"] for s in stored] == ids and [s["role"] for s in stored] == ["main", "sensitivity"]
    assert stored[0]["result"] == json.loads(json.dumps(main.to_json()))
    assert stored[1]["result"]["estimate"] is None and stored[1]["result"]["upper"] is None
    with ws.engine.connect() as connection:
        table = EstimateResult.__table__
        row = connection.execute(select(table).where(table.c.id == ids[0])).one()
    assert (row.method, row.estimate, row.lower, row.upper) == ("lcmcr", 181.0, 150.5, 240.0)
    assert row.created_by == "nour"
    log = audit.entries(ws, last=2)
    assert [(e["action"], e["details"]["id"], e["details"]["role"]) for e in log] == [
        ("estimate", ids[0], "main"), ("estimate", ids[1], "sensitivity")]


def test_a_failed_audit_leaves_no_run_and_no_estimate(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(results.audit, "record", broken)
    with pytest.raises(RuntimeError):
        results.save_linkage_run(ws, linkage(), seed=1, input_hash="d" * 64)
    with pytest.raises(RuntimeError):
        results.save_estimates(ws, [("main", Estimate("dga", 5, 6.0, 5.0, 9.0))])
    assert (count(ws, LinkageRun), count(ws, linkage_entities), count(ws, EstimateResult)) == (0, 0, 0)


def test_the_input_hash_follows_the_data() -> None:
    assert results.frames_hash(ENTITIES) == results.frames_hash(ENTITIES.copy())
    assert results.frames_hash(ENTITIES) != results.frames_hash(ENTITIES.iloc[::-1])
    assert results.frames_hash(ENTITIES, ENTITIES) != results.frames_hash(ENTITIES)


def test_link_and_estimate_stages_store_first_and_write_the_files_as_copies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    entities = pd.DataFrame({"source": ["alpha"] * 4, "record_id": ["007", "008", "009", "010"],
                             "entity_id": ["E1", "E2", "E2", "E3"]})
    seen = {}

    def fake_link(records: pd.DataFrame, **settings: object) -> Linkage:  # Splink itself is link/'s to test
        seen.update(settings)
        return Linkage(entities=entities, pairs=pd.DataFrame(), settings={}, model={},
                       diagnostics={"n_links": 1, "mode": "dedupe"})

    monkeypatch.setattr(pipeline, "link_records", fake_link)
    pipeline.link_workspace(ws, step=lambda _: None, by="nour")
    run = results.linkage_runs(ws).iloc[-1]
    assert run["created_by"] == "nour" and run["seed"] == seen["seed"] == 1 and len(run["input_hash"]) == 64
    on_disk = pd.read_csv(ws.path / "entities.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(on_disk.sort_values("record_id", ignore_index=True),
                                  results.load_entities(ws))

    ws.settings["estimate"] = {"method": "loglinear", "strata": [], "seed": 3, "sensitivity": ["dga"]}
    histories = pd.DataFrame({"a": [1, 1, 0, 1, 0, 1] * 20, "b": [1, 0, 1, 1, 1, 0] * 20,
                              "c": [0, 1, 1, 1, 0, 1] * 20})
    main, _ = pipeline.estimate_workspace(ws, histories, step=lambda _: None, by="nour")
    stored = results.load_estimates(ws)
    assert [(s["role"], s["result"]["method"], s["created_by"]) for s in stored] == [
        ("main", main.method, "nour"), ("sensitivity", "dga", "nour")]
    assert json.loads((ws.path / pipeline.ESTIMATE_FILE).read_text(encoding="utf-8")) == stored[0]["result"]
    assert math.isclose(stored[0]["result"]["estimate"], main.estimate)
    actions = [e["action"] for e in audit.entries(ws)]
    assert actions == ["import", "link.run", "estimate", "estimate"] and audit.verify(ws) == []
