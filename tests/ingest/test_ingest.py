"""`ingest_file` end to end on a real workspace: what is stored, what is kept, what is refused."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from tests.ingest.lists import ARABIC_HEADER, ARABIC_ROWS, HEADER, ROWS, store_state, write_csv
from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.ingest.fixity import PARTIAL
from uncounted.records import CANONICAL_FIELDS
from uncounted.store.records import list_sources, load_quarantine, load_records
from uncounted.workspace import Workspace


@pytest.fixture
def ws(tmp_path):
    return Workspace.create(tmp_path / "ws")


def test_records_are_stored_as_canonical_strings(ws, tmp_path):
    result = ingest_file(ws, write_csv(tmp_path / "group_a.csv"), source="A")
    assert (result.n_rows, result.n_records, result.n_quarantined, result.already_imported) == (
        4,
        4,
        0,
        False,
    )
    assert result.sources == ("A",) and result.source == "A"
    frame = load_records(ws)
    assert list(frame.columns) == list(CANONICAL_FIELDS)
    assert list(frame["record_id"]) == ["007", "008", "009", "010"]  # leading zeros kept
    assert list(frame["age"]) == ["34", "", "25", "51"]  # Arabic-Indic ٢٥ read as 25
    assert list(frame["date_of_death"]) == ["2013-05-17", "2014-02", "2012", "2013-05/2013-07"]
    assert frame["full_name"].iloc[0] == "محمد أحمد الحسن"
    assert (frame["notes"] == "").all() and frame.map(lambda v: isinstance(v, str)).all().all()


def test_reimporting_the_same_file_is_a_no_op(ws, tmp_path):
    path = write_csv(tmp_path / "a.csv")
    first = ingest_file(ws, path)
    before = store_state(ws)
    again = ingest_file(ws, path)
    assert again.already_imported and again.import_id == first.import_id and again.n_records == 4
    assert store_state(ws) == before


def test_the_original_is_kept_byte_for_byte_under_its_hash(ws, tmp_path):
    path = write_csv(tmp_path / "a.csv", encoding="utf-16")
    result = ingest_file(ws, path)
    data = path.read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    kept = ws.originals / result.sha256
    assert kept.read_bytes() == data
    assert [p.name for p in ws.originals.iterdir()] == [kept.name]  # no temporary left


def test_a_lost_original_is_put_back_by_the_next_import(ws, tmp_path):
    """A crash between commit and rename leaves the store naming a missing original; re-running heals it."""
    path = write_csv(tmp_path / "a.csv")
    result = ingest_file(ws, path)
    kept = ws.originals / result.sha256
    kept.rename(kept.with_name(kept.name + PARTIAL))  # as if killed just before the rename
    assert ingest_file(ws, path).already_imported
    assert kept.read_bytes() == path.read_bytes()


def test_source_comes_from_the_argument_then_the_column_then_the_file_name(ws, tmp_path):
    ingest_file(ws, write_csv(tmp_path / "stem_name.csv", rows=ROWS[:1]))
    rows = [["x1", "أحمد", "S1"], ["x2", "محمود", "S2"]]
    by_column = ingest_file(ws, write_csv(tmp_path / "two.csv", ["record_id", "full_name", "source"], rows))
    assert by_column.sources == ("S1", "S2")
    named = ingest_file(
        ws,
        write_csv(tmp_path / "three.csv", ["record_id", "full_name", "source"], [["y1", "سعيد", "S9"]]),
        source="given",
    )
    assert named.sources == ("given",) and any("replaced" in w for w in named.warnings)
    assert list(load_records(ws)["source"]) == ["stem_name", "S1", "S2", "given"]
    assert list(load_records(ws, ["S2", "given"])["record_id"]) == ["x2", "y1"]


def test_a_file_without_record_ids_gets_row_numbers_and_says_so(ws, tmp_path):
    path = write_csv(tmp_path / "plain.csv", ["full_name"], [["سامر"], ["ليلى"]])
    result = ingest_file(ws, path)
    assert list(load_records(ws)["record_id"]) == ["row-2", "row-3"]
    assert any("no record_id column" in w for w in result.warnings)


def test_strict_mode_names_the_first_bad_row_and_writes_nothing(ws, tmp_path):
    rows = [*ROWS, ["011", "خالد", "male", "200", "2013-02-30", ""], ["012", "", "", "", "", ""]]
    before = store_state(ws)
    with pytest.raises(BadInput) as error:
        ingest_file(ws, write_csv(tmp_path / "bad.csv", rows=rows))
    assert (error.value.row, error.value.column) == (6, "age")
    assert "1 more row is bad" in str(error.value) and "--quarantine" in str(error.value)
    assert store_state(ws) == before


def test_quarantine_keeps_every_bad_row_with_reason_and_values(ws, tmp_path):
    rows = [
        *ROWS,
        ["011", "خالد", "male", "200", "2013-02-30", ""],
        ["012", "", "", "", "", ""],
        ["007", "مكرر", "", "", "", ""],
    ]
    result = ingest_file(ws, write_csv(tmp_path / "bad.csv", rows=rows), source="B", quarantine=True)
    assert (result.n_rows, result.n_records, result.n_quarantined) == (7, 4, 3)
    held = load_quarantine(ws)
    assert list(held["row"]) == [6, 7, 8]
    assert list(held["column"]) == ["age", "full_name", "record_id"]
    assert "date_of_death" in held["reason"].iloc[0] and "2013-02-30" in held["reason"].iloc[0]
    assert "first at row 2" in held["reason"].iloc[2]
    assert held["values"].iloc[0] == dict(zip(HEADER, rows[4], strict=True))
    summary = list_sources(ws)
    assert summary.to_dict("records") == [{"source": "B", "records": 4, "quarantined": 3, "files": 1}]


def test_a_record_id_already_in_the_store_is_a_duplicate(ws, tmp_path):
    ingest_file(ws, write_csv(tmp_path / "first.csv"), source="A")
    before = store_state(ws)
    with pytest.raises(BadInput, match="already in the store") as error:
        ingest_file(
            ws, write_csv(tmp_path / "second.csv", rows=[["008", "اسم آخر", "", "", "", ""]]), source="A",
            append=True,
        )
    assert error.value.row == 2 and store_state(ws) == before
    other = ingest_file(
        ws, write_csv(tmp_path / "second.csv", rows=[["008", "اسم آخر", "", "", "", ""]]), source="B"
    )  # the same id in another list is another record
    assert other.n_records == 1


def test_a_second_list_under_a_name_already_taken_is_refused_unless_appended(ws, tmp_path):
    # Two lists given one name would become one list, and every capture history with them.
    ingest_file(ws, write_csv(tmp_path / "first.csv"), source="A")
    before = store_state(ws)
    with pytest.raises(BadInput, match=r"source 'A' already holds \d+ records from first.csv; give this list") as error:
        ingest_file(ws, write_csv(tmp_path / "second.csv", rows=[["901", "اسم آخر", "", "", "", ""]]), source="A")
    assert error.value.file.endswith("second.csv") and store_state(ws) == before
    more = ingest_file(ws, write_csv(tmp_path / "second.csv", rows=[["901", "اسم آخر", "", "", "", ""]]),
                       source="A", append=True)  # a list delivered in batches
    assert more.n_records == 1 and more.sources == ("A",)


def test_arabic_headers_values_and_day_first_dates_through_a_mapping(ws, tmp_path):
    mapping = tmp_path / "group.toml"
    mapping.write_text(
        """
[columns]
"الرقم" = "record_id"
"الاسم الكامل" = "full_name"
"الجنس" = "sex"
"العمر" = "age"
"تاريخ الوفاة" = "date_of_death"
"المحافظة" = "governorate"

[values.sex]
"ذكر" = "male"
"أنثى" = "female"

[fixed]
source = "مجموعة التوثيق"

[dates]
format = "%d/%m/%Y"
""",
        encoding="utf-8",
    )
    result = ingest_file(ws, write_csv(tmp_path / "arabic.csv", ARABIC_HEADER, ARABIC_ROWS), mapping=mapping)
    assert result.sources == ("مجموعة التوثيق",)
    frame = load_records(ws)
    assert list(frame["sex"]) == ["male", "female", "male"]
    assert list(frame["date_of_death"]) == ["2013-05-17", "2014-02-02", "2012-01-01"]
    assert list(frame["age"]) == ["34", "", "25"]


def test_xlsx_and_parquet_read_every_value_as_text(ws, tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame.to_excel(tmp_path / "list.xlsx", index=False)
    typed = frame.assign(age=pd.array([34, None, 25, 51], dtype="Int64"))
    typed.to_parquet(tmp_path / "list.parquet", index=False)
    ingest_file(ws, tmp_path / "list.xlsx", source="X")
    ingest_file(ws, tmp_path / "list.parquet", source="P")
    for source in ("X", "P"):
        got = load_records(ws, [source])
        assert list(got["record_id"]) == ["007", "008", "009", "010"]
        assert list(got["age"]) == ["34", "", "25", "51"]
        assert list(got["full_name"]) == [r[1] for r in ROWS]


def test_two_imports_at_once_lose_nothing(tmp_path):
    """Threads with their own engines stand in for two processes: the same file is imported once, and two
    different files both complete (the second waits for the first's write lock)."""
    import threading

    Workspace.create(tmp_path / "ws")
    same = write_csv(tmp_path / "same.csv")
    other = write_csv(tmp_path / "other.csv", rows=[["x", "سعيد", "", "", "", ""]])
    results, errors = [], []
    start = threading.Barrier(3)

    def run(path):
        ws = Workspace.open(tmp_path / "ws")
        start.wait()
        try:
            results.append(ingest_file(ws, path, source="A", append=True))  # one list, delivered twice
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in (same, same, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    firsts = sorted((r.file.endswith("same.csv"), r.already_imported) for r in results)
    assert firsts == [(False, False), (True, False), (True, True)]
    ws = Workspace.open(tmp_path / "ws")
    assert store_state(ws)[:3] == (2, 5, 0)
