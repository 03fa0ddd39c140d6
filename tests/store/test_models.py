"""The ingest tables: created with every workspace, constrained, and read back in import order — on every
engine (the `ws` fixture of tests/store/conftest.py gives SQLite, SQLCipher and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from tests.ingest.lists import ROWS, write_csv
from uncounted.ingest import ingest_file
from uncounted.records import CANONICAL_FIELDS
from uncounted.store.models import Import, records
from uncounted.store.records import QUARANTINE_COLUMNS, list_sources, load_quarantine, load_records


def test_a_new_workspace_has_the_tables(ws):
    inspector = inspect(ws.engine)
    assert {"imports", "records", "quarantine"} <= set(inspector.get_table_names())
    columns = [c["name"] for c in inspector.get_columns("records")]
    assert columns == ["id", "import_id", "row", *CANONICAL_FIELDS]


def test_the_store_refuses_a_second_record_with_the_same_source_and_id(ws):
    with ws.session() as session:
        import_id = session.execute(
            insert(Import.__table__).values(
                sha256="0" * 64,
                file_name="f.csv",
                original="x",
                size_bytes=1,
                format="csv",
                imported_at=datetime.now(UTC),
            )
        ).inserted_primary_key[0]
        session.execute(
            insert(records), [{"import_id": import_id, "row": 2, "source": "A", "record_id": "1"}]
        )
    with pytest.raises(IntegrityError), ws.session() as session:
        session.execute(
            insert(records), [{"import_id": import_id, "row": 3, "source": "A", "record_id": "1"}]
        )
    assert load_records(ws)[["source", "record_id", "full_name"]].values.tolist() == [["A", "1", ""]]


def test_an_empty_store_reads_as_empty_frames_with_their_columns(ws):
    assert list(load_records(ws).columns) == list(CANONICAL_FIELDS) and load_records(ws).empty
    assert list(load_quarantine(ws).columns) == list(QUARANTINE_COLUMNS)
    assert list(list_sources(ws).columns) == ["source", "records", "quarantined", "files"]


def test_records_come_back_in_import_order_and_sources_are_summarised(ws, tmp_path):
    ingest_file(ws, write_csv(tmp_path / "b.csv", rows=ROWS[2:]), source="B")
    ingest_file(ws, write_csv(tmp_path / "a.csv", rows=ROWS[:2]), source="A")
    ingest_file(
        ws,
        write_csv(tmp_path / "a2.csv", rows=[["100", "", "", "", "", ""], ["101", "سعيد", "", "", "", ""]]),
        source="A",
        quarantine=True,
        append=True,
    )
    frame = load_records(ws)
    assert list(zip(frame["source"], frame["record_id"], strict=True)) == [
        ("B", "009"),
        ("B", "010"),
        ("A", "007"),
        ("A", "008"),
        ("A", "101"),
    ]
    assert list_sources(ws).to_dict("records") == [
        {"source": "B", "records": 2, "quarantined": 0, "files": 1},
        {"source": "A", "records": 3, "quarantined": 1, "files": 2},
    ]
    held = load_quarantine(ws)
    assert held[["file_name", "source", "record_id", "row", "column"]].values.tolist() == [
        ["a2.csv", "A", "100", 2, "full_name"]
    ]
