import pandas as pd
import pytest

from uncounted.names import frequency_table


def test_counts_and_shares_commonest_first_without_empties():
    table = frequency_table(pd.Series(["mhmd", "hsn", "mhmd", "", None, "mhmd", "hsyn"]))
    assert table["value"].tolist() == ["mhmd", "hsn", "hsyn"]
    assert table["count"].tolist() == [3, 1, 1]
    assert table["share"].tolist() == pytest.approx([0.6, 0.2, 0.2])


def test_an_empty_column_gives_an_empty_table():
    table = frequency_table(pd.Series([None, ""], dtype=object))
    assert list(table.columns) == ["value", "count", "share"] and table.empty
