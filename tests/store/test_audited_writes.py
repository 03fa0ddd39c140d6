"""Every write is audited in its own transaction: list imports, testimony imports and review labels."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from tests.testimony.factory import vaulted, write_testimony
from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.link.review import store_labels
from uncounted.store import audit
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace


def actions(ws: Workspace) -> list[tuple[str, str, str, dict[str, object]]]:
    return [(e["actor"], e["action"], e["target"], e["details"] or {}) for e in audit.entries(ws)]


def test_a_list_import_is_audited_with_its_hash_and_counts(tmp_path: Path) -> None:
    csv = tmp_path / "list.csv"
    csv.write_bytes(b"record_id,full_name\n1,Invented One\n2,Invented Two\n")
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, csv, source="A", by="analyst1")
    ingest_file(ws, csv, source="A")  # the same bytes again: nothing written, nothing audited
    assert actions(ws) == [("analyst1", "import", "list.csv", {
        "sha256": hashlib.sha256(csv.read_bytes()).hexdigest(), "sources": ["A"], "rows": 2, "records": 2,
        "quarantined": 0})]
    assert audit.verify(ws) == []


def test_a_refused_import_leaves_no_audit_entry(tmp_path: Path) -> None:
    csv = tmp_path / "list.csv"
    csv.write_bytes(b"record_id,full_name,date_of_death\n1,Invented One,not a date\n")
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(BadInput):
        ingest_file(ws, csv, source="A")
    assert actions(ws) == []


def test_a_testimony_import_is_audited(monkeypatch, tmp_path: Path) -> None:
    files = write_testimony(tmp_path)
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    summary = import_testimony(ws, files)
    import_testimony(ws, files)  # already imported: no second entry
    [_, (who, action, target, details)] = actions(ws)  # after the vault's initialisation
    assert (who, action) == ("local", "testimony.import")
    assert target == ", ".join(p.name for p in files)
    assert (details["witnesses"], details["accounts"], details["claims"]) == (
        summary.witnesses, summary.accounts, summary.claims)
    hashes = [hashlib.sha256(p.read_bytes()).hexdigest() for p in files]
    assert [f["sha256"] for f in details["files"]] == hashes


def test_review_labels_are_audited(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    labels = pd.DataFrame({
        "source_l": ["A", "A"], "record_id_l": ["1", "2"], "source_r": ["B", "B"], "record_id_r": ["7", "8"],
        "label": ["match", "non-match"], "reviewer": ["r1", "r1"], "reason": ["", ""],
        "match_probability": [0.7, float("nan")], "sample_weight": [1.0, 2.0]})
    assert store_labels(ws, labels, file_sha256="ab" * 32, by="r1") == 2
    assert actions(ws) == [("r1", "review.labels", "ab" * 32, {"labels": 2})]
