"""Readers: encodings, delimiters and formats are told from the bytes, and every value arrives as text."""

from __future__ import annotations

import codecs

import numpy as np
import pandas as pd
import pytest

from tests.ingest.lists import HEADER, ROWS, csv_text
from uncounted.errors import BadInput
from uncounted.ingest.encoding import decode
from uncounted.ingest.mapping import Mapping
from uncounted.ingest.read import read_table, sniff_delimiter

ARABIC_ONLY = [r for r in ROWS if r[1] != "Omar Khaled al-Masri"]  # Windows-1256 has no room for every script


def read(data: bytes, **mapping) -> pd.DataFrame:
    return read_table(data, "list.csv", Mapping(**mapping))


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
        (lambda t: t.encode("cp1256"), "cp1256"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),  # saved without a byte-order mark
        (lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_each_encoding_reads_arabic_exactly(encode, expected):
    table = read(encode(csv_text(HEADER, ARABIC_ONLY)))
    assert table.encoding == expected
    assert list(table.frame.columns) == HEADER  # no BOM left on the first header
    assert table.frame.values.tolist() == ARABIC_ONLY


def test_utf8_wins_when_the_bytes_decode_as_utf8():
    text = csv_text(HEADER, ARABIC_ONLY)
    assert decode(text.encode("utf-8"), "f") == (text, "utf-8")


def test_a_declared_encoding_is_used_and_checked():
    data = csv_text(HEADER, ARABIC_ONLY).encode("cp1256")
    assert read(data, encoding="windows-1256").frame.values.tolist() == ARABIC_ONLY
    with pytest.raises(BadInput, match="not valid utf-8"):
        read(data, encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(delimiter):
    rows = [*ROWS, ["011", "Khaled, son of Ali", "", "", "", ""]]  # a comma inside a quoted name
    table = read(csv_text(HEADER, rows, delimiter).encode("utf-8"))
    assert table.delimiter == delimiter
    assert table.frame.values.tolist() == rows


def test_a_single_column_file_falls_back_to_comma():
    assert sniff_delimiter("full_name\nأحمد\nسعيد\n") == ","


def test_values_are_never_coerced():
    table = read(b"record_id,full_name,age\n007,NA,1e3\n0x1F,null,\n")
    assert table.frame.values.tolist() == [["007", "NA", "1e3"], ["0x1F", "null", ""]]


def test_blank_lines_are_skipped_but_rows_keep_their_numbers():
    table = read(b"record_id,full_name\n1,a\n\n3,b\n ,  \n5,c\n")
    assert table.rows.tolist() == [2, 4, 6]
    assert table.frame["record_id"].tolist() == ["1", "3", "5"]
    assert table.warnings == ["2 empty rows skipped"]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"   \n\n", "only whitespace"),
        (b"record_id,full_name\n", "no data rows"),
        (b"a,b,a\n1,2,3\n", "'a' twice"),
        (b"a,b\n1,2\n3,4,5\n", "not a readable CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n", "PDF"),
        (b"record_id,full_name\n1,\x00\x01\x02\n", "binary"),
        (b"PK\x03\x04garbage", "XLSX"),
        (b"PAR1garbage", "Parquet"),
    ],
)
def test_unreadable_files_are_bad_input(data, says):
    with pytest.raises(BadInput, match=says) as error:
        read(data)
    assert error.value.file == "list.csv"


def test_xlsx_reads_the_first_sheet_or_the_named_one(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(ROWS, columns=HEADER).to_excel(writer, sheet_name="قائمة", index=False)
        pd.DataFrame([["x1", "سعيد", "", 45.0, pd.Timestamp("2013-05-17"), ""]], columns=HEADER).to_excel(
            writer, sheet_name="second", index=False
        )
    first = read(path.read_bytes())
    assert first.format == "xlsx" and first.frame.values.tolist() == ROWS
    second = read(path.read_bytes(), sheet="second")
    assert second.frame.values.tolist() == [["x1", "سعيد", "", "45", "2013-05-17", ""]]
    with pytest.raises(BadInput, match="no sheet 'third'"):
        read(path.read_bytes(), sheet="third")


def test_parquet_typed_columns_become_text(tmp_path):
    frame = pd.DataFrame(
        {
            "record_id": ["007", "008"],
            "age": pd.array([34, None], dtype="Int64"),
            "weight": [70.5, np.nan],
            "date_of_death": pd.to_datetime(["2013-05-17", None]),
        }
    )
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    table = read((tmp_path / "t.parquet").read_bytes())
    assert table.frame.values.tolist() == [["007", "34", "70.5", "2013-05-17"], ["008", "", "", ""]]
