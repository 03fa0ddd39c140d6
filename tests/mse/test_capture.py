import numpy as np
import pandas as pd
import pytest

from uncounted.errors import BadInput
from uncounted.mse import CaptureTable


def test_patterns_aggregate_and_index_as_binary_numbers():
    table = CaptureTable.from_frame(pd.DataFrame({"A": [1, 1, 0, 1], "B": [0, 0, 1, 1], "count": [2, 3, 4, 5]}))
    assert table.pattern_strings() == ["01", "10", "11"]
    assert table.counts.tolist() == [4, 5, 5]
    assert table.full_counts().tolist() == [0, 4, 5, 5]
    assert table.n_observed == 14
    assert table.list_sizes() == {"A": 10, "B": 9}


def test_one_row_per_person_counts_people():
    table = CaptureTable.from_frame(pd.DataFrame({"A": [1, 1, 0], "B": [1, 1, 1]}))
    assert dict(zip(table.pattern_strings(), table.counts.tolist(), strict=True)) == {"01": 1, "11": 2}
    assert np.array_equal(table.individuals().sum(axis=0), [2, 3])


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (pd.DataFrame({"A": [0, 1], "B": [0, 1], "count": [3, 4]}), "all zeros"),
        (pd.DataFrame({"A": [1, 1], "B": [0, 1], "count": [-1, 4]}), "whole number"),
        (pd.DataFrame({"A": [1, 1], "B": [0, 1], "count": [1.5, 4]}), "whole number"),
        (pd.DataFrame({"A": [1, 1], "B": [0, 0], "count": [1, 4]}), "records nobody"),
        (pd.DataFrame({"A": [1, 0], "B": [0, 1], "count": [1, 4]}), "overlaps no other"),
        (pd.DataFrame({"A": [1, 1], "count": [1, 4]}), "at least 2 lists"),
        (pd.DataFrame({"A": [1, 2], "B": [1, 1]}), "not 0 or 1"),
    ],
)
def test_unusable_tables_are_refused_with_a_reason(frame, words):
    with pytest.raises(BadInput, match=words):
        CaptureTable.from_frame(frame)


def test_bad_cell_is_named_by_row_and_column():
    with pytest.raises(BadInput) as caught:
        CaptureTable.from_frame(pd.DataFrame({"A": [1, 1, 1], "B": [1, 0, 1], "count": ["2", "x", "1"]}), file="t.csv")
    assert str(caught.value).startswith("t.csv, row 3, column 'count':")


def test_the_workspace_capture_history_file_reads_with_its_strata(tmp_path):
    from uncounted.mse.capture import read_capture_csv

    path = tmp_path / "capture_histories.csv"
    path.write_text("entity_id,a,b,c,year\nE1,1,0,1,2012\nE2,1,1,0,2013\nE3,0,1,1,2012\nE4,1,1,1,2013\n",
                    encoding="utf-8")
    tables = read_capture_csv(str(path), strata=["year"])
    assert sorted(tables) == ["2012", "2013"] and tables["2012"].lists == ("a", "b", "c")
    with pytest.raises(BadInput, match="pass --strata year"):
        read_capture_csv(str(path))
