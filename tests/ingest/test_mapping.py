"""Mapping files: parsed strictly, every mistake a BadInput naming the mapping file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.ingest.lists import ARABIC_HEADER, ARABIC_ROWS
from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.ingest.mapping import Mapping, apply_mapping, load_mapping
from uncounted.store.records import load_records
from uncounted.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "arabic_group.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "group.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_imports_its_arabic_list(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    result = ingest_file(ws, EXAMPLE.with_suffix(".csv"), mapping=EXAMPLE)
    assert result.sources == ("مجموعة التوثيق",) and result.n_records == 4 and result.warnings == []
    records = load_records(ws)
    assert list(records["record_id"]) == ["0017", "0018", "0019", "0020"]
    assert list(records["sex"]) == ["male", "female", "male", "female"]
    assert list(records["age"]) == ["34", "", "25", "41"]
    assert list(records["date_of_detention"]) == ["2012-03", "", "2011-11-12", ""]
    assert list(records["date_of_death"]) == ["2013-05-17", "2014", "2013-02", ""]
    assert list(records["governorate"]) == ["حلب", "دمشق", "ريف دمشق", "حمص"]
    assert records["notes"].iloc[2] == "اسم الأب غير مؤكد"


def test_canonical_headers_need_no_mapping_and_others_are_reported():
    frame = pd.DataFrame({"full_name": ["أحمد"], "الهاتف": ["0999"]})
    out, _, warnings = apply_mapping(frame, Mapping(), "list.csv")
    assert list(out.columns) == ["full_name"]
    assert warnings and "'الهاتف'" in warnings[0]


def test_a_date_format_can_be_set_per_field(tmp_path):
    mapping = load_mapping(write(tmp_path, '[dates]\ndate_of_detention = ["%d/%m/%Y", "%m/%Y"]\n'))
    assert mapping.date_formats == {"date_of_detention": ("%d/%m/%Y", "%m/%Y")}


def test_fixed_values_fill_a_column():
    frame = pd.DataFrame({"full_name": ["أحمد", "سعيد"]})
    out, origin, _ = apply_mapping(frame, Mapping(fixed={"governorate": "حلب"}, path="m.toml"), "list.csv")
    assert list(out["governorate"]) == ["حلب", "حلب"] and origin["governorate"] == "(fixed governorate)"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[columns]\n"الاسم" = "nickname"\n', "'nickname', which is not a canonical column"),
        ('[values.religion]\n"x" = "y"\n', "'religion', which is not a canonical column"),
        ('[fixed]\nsurname = "x"\n', "'surname', which is not a canonical column"),
        ('[columns]\n"a" = "full_name"\n"b" = "full_name"\n', "several headers onto 'full_name'"),
        (
            '[columns]\n"a" = "source"\n[fixed]\nsource = "x"\n',
            "both in section 'columns' and in section 'fixed'",
        ),
        ('[dates]\ndate_of_birth = "%Y"\n', "'date_of_birth' is not a date field"),
        ('[dates]\nformat = "dd/mm/yyyy"\n', "strptime format"),
        ('[read]\ncharset = "utf-8"\n', "unknown key in section 'read'"),
        ("[columns\n", "not valid UTF-8 TOML"),
        ('[colums]\n"a" = "full_name"\n', "unknown section 'colums'"),
    ],
)
def test_mistakes_name_the_mapping_file(tmp_path, text, says):
    with pytest.raises(BadInput, match=says) as error:
        load_mapping(write(tmp_path, text))
    assert error.value.file.endswith("group.toml")


def test_a_missing_mapping_file_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no such mapping file"):
        load_mapping(tmp_path / "absent.toml")


def test_a_column_the_file_lacks_is_named(tmp_path):
    mapping = load_mapping(write(tmp_path, '[columns]\n"اسم الأم" = "mother_name"\n'))
    with pytest.raises(BadInput, match="'اسم الأم', which the file lacks") as error:
        apply_mapping(pd.DataFrame(ARABIC_ROWS, columns=ARABIC_HEADER), mapping, "list.csv")
    assert error.value.file == "list.csv" and "group.toml" in str(error.value)


def test_canonical_headers_are_matched_whatever_their_case():
    frame = pd.DataFrame({"Record_ID": ["7"], "FULL_NAME": ["أحمد"]})
    out, origin, _ = apply_mapping(frame, Mapping(), "list.csv")
    assert list(out.columns) == ["record_id", "full_name"] and origin["record_id"] == "Record_ID"
    with pytest.raises(BadInput, match="two columns stand for 'full_name'"):
        apply_mapping(pd.DataFrame({"full_name": ["a"], "Full_Name": ["b"]}), Mapping(), "list.csv")
