"""Validation is a pure function over canonical records: it cleans values and reports problems per row."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from uncounted.errors import BadInput
from uncounted.ingest.validate import check_file, normalise, validate

TODAY = date(2026, 11, 23)


def frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"source": ["A"] * n, "record_id": [str(i) for i in range(n)], "full_name": ["اسم"] * n}
    return normalise(pd.DataFrame({**base, **columns}), {})


def problems_of(records: pd.DataFrame, **kwargs) -> list[tuple[int, str]]:
    _, found = validate(records, np.arange(2, len(records) + 2), today=TODAY, **kwargs)
    return list(zip(found["position"], found["column"], strict=True))


def test_clean_values_are_canonical():
    records = frame(
        sex=["ذكر", "F", "", "انثى"],
        age=["٣٤", "0", "120", ""],
        birth_year=["1980", "", "١٩٥٥", ""],
        date_of_death=["2013", "٢٠١٣-٠٥", "2013-05-17", "2013-05/2013-07"],
    )
    clean, found = validate(records, np.arange(2, 6), today=TODAY)
    assert found.empty
    assert list(clean["sex"]) == ["male", "female", "", "female"]
    assert list(clean["age"]) == ["34", "0", "120", ""]
    assert list(clean["birth_year"]) == ["1980", "", "1955", ""]
    assert list(clean["date_of_death"]) == ["2013", "2013-05", "2013-05-17", "2013-05/2013-07"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("sex", "unknown"),
        ("age", "121"),
        ("age", "-1"),
        ("age", "34.5"),
        ("age", "about 40"),
        ("birth_year", "1850"),
        ("birth_year", "2030"),
        ("birth_year", "80"),
        ("date_of_death", "2013-02-30"),
        ("date_of_death", "2030"),
        ("date_of_detention", "1850-01"),
    ],
)
def test_implausible_values_are_problems(column, value):
    assert problems_of(frame(**{column: ["", value]})) == [(1, column)]


def test_a_declared_date_format_is_used():
    records = frame(date_of_death=["17/05/2013", "2013"])
    clean, found = validate(
        records, np.arange(2, 4), date_formats={"date_of_death": ("%d/%m/%Y",)}, today=TODAY
    )
    assert found.empty and list(clean["date_of_death"]) == ["2013-05-17", "2013"]
    assert problems_of(records) == [(0, "date_of_death")]  # without the format, day-first is refused


def test_required_fields_and_names():
    records = frame(full_name=["اسم", "", ""], family_name=["", "الخطيب", ""])
    records.loc[0, "record_id"] = ""
    assert problems_of(records) == [(0, "record_id"), (2, "full_name")]


def test_duplicates_in_the_file_and_in_the_store():
    records = frame(full_name=["أ", "ب", "ج", "د"])
    records["record_id"] = ["1", "2", "1", "3"]
    _, found = validate(records, np.arange(2, 6), stored={"A": {"3"}, "B": {"2"}}, today=TODAY)
    assert list(zip(found["position"], found["reason"], strict=True)) == [
        (2, "record_id '1' appears again (first at row 2)"),
        (3, "record_id '3' of source 'A' is already in the store"),
    ]


def test_the_list_as_a_whole_needs_names():
    with pytest.raises(BadInput, match="none of the required name columns"):
        check_file(pd.DataFrame({"record_id": ["1"], "sex": ["male"]}), "f.csv")
    with pytest.raises(BadInput, match="no names at all"):
        check_file(pd.DataFrame({"given_name": ["", ""], "family_name": ["", ""]}), "f.csv")
    check_file(pd.DataFrame({"given_name": ["", "سعيد"]}), "f.csv")
