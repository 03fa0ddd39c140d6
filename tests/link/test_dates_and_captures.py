import pandas as pd
import pytest

from uncounted.link.captures import capture_histories, list_columns
from uncounted.link.features import date_parts
from uncounted.records import CANONICAL_FIELDS


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2013-05-17", (2013, 5, 17)),
        ("2013-05", (2013, 5, None)),
        ("2013", (2013, None, None)),
        ("", (None, None, None)),
        ("2013-05/2013-07", (2013, None, None)),  # an interval keeps only what both ends share
        ("2012-11/2013-02", (None, None, None)),
        ("2013-05-01/2013-05-20", (2013, 5, None)),
    ],
)
def test_dates_keep_their_precision(text, parts):
    row = date_parts(pd.Series([text])).iloc[0]
    assert tuple(None if pd.isna(v) else int(v) for v in row) == parts


def _records(rows):
    frame = pd.DataFrame(rows)
    for column in CANONICAL_FIELDS:
        frame[column] = frame.get(column, "")
    return frame.fillna("")


def test_capture_histories_mark_lists_and_take_the_majority_stratum():
    records = _records([
        {"source": "b", "record_id": "1", "date_of_death": "2013-02", "governorate": "حمص", "sex": "male"},
        {"source": "a", "record_id": "1", "date_of_death": "2013", "governorate": "Homs", "sex": "male"},
        {"source": "a", "record_id": "2", "date_of_death": "2014-01-01", "governorate": "Hama", "sex": "male"},
        {"source": "c", "record_id": "9", "date_of_death": "2012", "governorate": "Hama", "sex": "female"},
        {"source": "c", "record_id": "7", "date_of_death": "", "governorate": "", "sex": ""},
    ])
    entities = pd.DataFrame({"source": ["b", "a", "a", "c", "c"], "record_id": ["1", "1", "2", "9", "7"],
                             "entity_id": ["E1", "E1", "E2", "E2", "E3"]})
    histories = capture_histories(records, entities).set_index("entity_id")
    assert list_columns(histories.reset_index()) == ["a", "b", "c"]
    assert histories.loc["E1", ["a", "b", "c"]].tolist() == [1, 1, 0]
    assert histories.loc["E1", "governorate"] == "HMS"  # Arabic and English spellings agree
    # E2's records disagree on year and sex one to one: the earliest list alphabetically ("a") wins the tie.
    assert histories.loc["E2", ["year", "sex"]].tolist() == ["2014", "male"]
    assert histories.loc["E3", ["year", "governorate", "sex"]].tolist() == ["unknown"] * 3


def test_unknown_strata_are_drawn_from_people_seen_by_the_same_lists():
    from uncounted.link.captures import impute_unknown_strata

    histories = pd.DataFrame({
        "entity_id": [f"E{i}" for i in range(8)],
        "a": [1, 1, 1, 0, 0, 0, 1, 0],
        "b": [0, 0, 0, 1, 1, 1, 0, 1],
        "year": ["2012", "2012", "unknown", "2014", "2014", "unknown", "unknown", "unknown"],
    })
    completed, imputed = impute_unknown_strata(histories, ["year"], seed=3)
    assert imputed == {"year": 4}
    assert (completed["year"] != "unknown").all()
    assert completed.loc[[2, 6], "year"].tolist() == ["2012", "2012"]  # only donors seen by list a alone
    assert completed.loc[[5, 7], "year"].tolist() == ["2014", "2014"]
    assert histories["year"].tolist().count("unknown") == 4  # the input is left as it was
