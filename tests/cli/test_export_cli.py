"""Signed-in commands: names leave only with export.records, imports need records.write, and both are in
the audit log under the user's name."""

from __future__ import annotations

import pytest

from tests.ingest.lists import write_csv
from uncounted.ingest import ingest_file
from uncounted.store import audit, users
from uncounted.workspace import Workspace


@pytest.fixture
def ws(tmp_path, monkeypatch):
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    (ws.path / "entities.csv").write_text("source,record_id,entity_id\nalpha,1,E0000001\n", encoding="utf-8")
    admin = users.add_user(ws, users.local_actor(ws), "amal", "admin", "a long admin password")
    users.add_user(ws, users.authenticate(ws, admin.name, "a long admin password"), "vera", "viewer",
                   "a long viewer password")
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", "a long viewer password")
    return ws


def test_a_viewer_exports_entities_but_not_records(run_cli, ws, tmp_path):
    code, out, _ = run_cli("export", "entities", "--out", tmp_path / "e.csv", "-w", ws.path,
                       "--as", "vera")
    assert code in (0, None) and (tmp_path / "e.csv").is_file()
    code, _, err = run_cli("export", "records", "--out", tmp_path / "r.csv", "-w", ws.path,
                       "--as", "vera")
    assert code == 3 and "export.records" in err and "Traceback" not in err
    assert not (tmp_path / "r.csv").exists()


def test_every_export_is_audited(run_cli, ws, monkeypatch, tmp_path):
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", "a long admin password")
    before = audit.count(ws)
    code, _, err = run_cli("export", "records", "--out", tmp_path / "r.csv", "-w", ws.path,
                       "--as", "amal")
    assert code in (0, None), err
    last = audit.entries(ws, last=1)[0]
    assert audit.count(ws) == before + 1
    assert (last["actor"], last["action"], last["target"]) == ("amal", "export", "records")
    assert audit.verify(ws) == []


def test_imports_need_records_write_and_are_audited_under_the_users_name(ws, run_cli, monkeypatch, tmp_path):
    path = write_csv(tmp_path / "more.csv", delimiter=";")  # other bytes than the list already imported
    code, _, err = run_cli("ingest", path, "--source", "beta", "-w", ws.path, "--as", "vera")
    assert code == 3 and "records.write" in err
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", "a long admin password")
    code, _, err = run_cli("ingest", path, "--source", "beta", "-w", ws.path, "--as", "amal")
    assert code in (0, None), err
    last = audit.entries(ws, last=1)[0]
    assert (last["actor"], last["action"]) == ("amal", "import")
