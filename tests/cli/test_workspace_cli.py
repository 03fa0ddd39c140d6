"""`uncounted init` and `uncounted ingest` through `main()`, as a user runs them.

Bad input must end with exit status 2, one sentence on stderr, no traceback, and the store exactly as it was.
The commands are driven through `main()` (not only the Typer app) because `main()` is what turns BadInput
into the exit status and the sentence.
"""

from __future__ import annotations

import pytest

from tests.ingest.lists import ARABIC_HEADER, ARABIC_ROWS, ROWS, store_state, write_csv
from uncounted.workspace import Workspace

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


@pytest.fixture
def ws(run_cli, tmp_path):
    code, out, err = run_cli("init", tmp_path / "ws")
    assert code in (0, None), err
    assert "created workspace" in out
    return Workspace.open(tmp_path / "ws")


def assert_refused(run_cli, ws, *args, says):
    """Exit 2, one sentence naming the problem, no traceback, nothing written."""
    before = store_state(ws)
    code, _, err = run_cli("ingest", *args, "-w", ws.path)
    assert code == 2, err
    sentence = err.strip()
    assert sentence.startswith("error:") and "\n" not in sentence, err
    assert "Traceback" not in err
    assert says in sentence, sentence
    assert store_state(ws) == before
    return sentence


def test_init_makes_a_workspace_and_refuses_an_existing_one(run_cli, ws):
    assert (ws.path / "uncounted.toml").is_file() and (ws.path / "uncounted.db").is_file()
    code, _, err = run_cli("init", ws.path)
    assert code == 2 and "already exists" in err


def test_ingest_prints_a_one_line_summary_and_a_rerun_does_nothing(run_cli, ws, tmp_path):
    path = write_csv(tmp_path / "a.csv")
    code, out, err = run_cli("ingest", path, "--source", "A", "-w", ws.path)
    assert code in (0, None), err
    assert "4 records imported into A, 0 quarantined" in out
    code, out, _ = run_cli("ingest", path, "--source", "A", "-w", ws.path)
    assert code in (0, None) and "already imported" in out
    assert store_state(ws)[:3] == (1, 4, 0)


def test_quarantine_flag_imports_the_valid_rows(run_cli, ws, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows=[*ROWS, ["011", "سليم", "", "", "13/13/2013", ""]])
    assert_refused(run_cli, ws, path, says="--quarantine")
    code, out, err = run_cli("ingest", path, "--quarantine", "-w", ws.path)
    assert code in (0, None), err
    assert "4 records imported into a, 1 quarantined" in out
    assert store_state(ws)[:3] == (1, 4, 1)


def test_empty_and_zero_byte_files_are_refused(run_cli, ws, tmp_path):
    (tmp_path / "zero.csv").write_bytes(b"")
    assert_refused(run_cli, ws, tmp_path / "zero.csv", says="empty")
    (tmp_path / "header_only.csv").write_text("record_id,full_name\n", encoding="utf-8")
    assert_refused(run_cli, ws, tmp_path / "header_only.csv", says="no data rows")


def test_a_png_renamed_csv_is_refused(run_cli, ws, tmp_path):
    (tmp_path / "list.csv").write_bytes(PNG)
    assert_refused(run_cli, ws, tmp_path / "list.csv", says="PNG image")


def test_an_unknown_encoding_is_refused(run_cli, ws, tmp_path):
    text = "record_id,full_name\n1,山田太郎\n2,佐藤花子\n3,鈴木一郎\n"
    (tmp_path / "sjis.csv").write_bytes(text.encode("shift_jis"))
    assert_refused(run_cli, ws, tmp_path / "sjis.csv", says="encoding")


def test_a_mapping_naming_a_missing_column_is_refused(run_cli, ws, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\n"الاسم الكامل" = "full_name"\n"اسم الأم" = "mother_name"\n', encoding="utf-8"
    )
    path = write_csv(tmp_path / "ar.csv", ARABIC_HEADER, ARABIC_ROWS)
    sentence = assert_refused(run_cli, ws, path, "--map", mapping, says="اسم الأم")
    assert "lacks" in sentence


def test_a_mapping_naming_an_unknown_canonical_column_is_refused(run_cli, ws, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"الاسم الكامل" = "nickname"\n', encoding="utf-8")
    path = write_csv(tmp_path / "ar.csv", ARABIC_HEADER, ARABIC_ROWS)
    sentence = assert_refused(run_cli, ws, path, "--map", mapping, says="nickname")
    assert "m.toml" in sentence and "not a canonical column" in sentence


def test_missing_required_columns_are_refused(run_cli, ws, tmp_path):
    path = write_csv(tmp_path / "odd.csv", ["id", "nom"], [["1", "x"]])
    assert_refused(run_cli, ws, path, says="required name columns")


def test_a_list_with_no_names_is_refused(run_cli, ws, tmp_path):
    path = write_csv(
        tmp_path / "nameless.csv", ["record_id", "full_name", "sex"], [["1", "", "male"], ["2", "", ""]]
    )
    assert_refused(run_cli, ws, path, says="no names at all")


def test_a_duplicate_record_id_within_a_source_is_refused(run_cli, ws, tmp_path):
    path = write_csv(tmp_path / "dup.csv", rows=[*ROWS, ["008", "اسم مكرر", "", "", "", ""]])
    sentence = assert_refused(run_cli, ws, path, says="record_id '008' appears again")
    assert "row 6" in sentence and "column 'record_id'" in sentence


def test_malformed_dates_are_refused(run_cli, ws, tmp_path):
    path = write_csv(
        tmp_path / "dates.csv",
        rows=[*ROWS[:2], ["020", "حسن", "", "", "2013-5-1", ""], ["021", "علي", "", "", "yesterday", ""]],
    )
    sentence = assert_refused(run_cli, ws, path, says="'2013-5-1' is not a date")
    assert "row 4" in sentence and "column 'date_of_death'" in sentence and "1 more row is bad" in sentence


def test_ingest_outside_a_workspace_is_refused(run_cli, tmp_path):
    code, _, err = run_cli("ingest", write_csv(tmp_path / "a.csv"), "-w", tmp_path / "nowhere")
    assert code == 2 and "not an uncounted workspace" in err


def test_an_encrypted_workspace_takes_imports(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("UNCOUNTED_PASSPHRASE", "a long test passphrase")
    code, out, err = run_cli("init", tmp_path / "ws", "--encrypt")
    assert code in (0, None), err
    assert "encrypted SQLite store" in out
    code, out, err = run_cli("ingest", write_csv(tmp_path / "a.csv"), "-w", tmp_path / "ws")
    assert code in (0, None), err
    assert "4 records imported" in out
    monkeypatch.setenv("UNCOUNTED_PASSPHRASE", "the wrong one")
    code, _, err = run_cli("ingest", write_csv(tmp_path / "b.csv"), "-w", tmp_path / "ws")
    assert code == 2 and "wrong passphrase" in err
