"""name_features: the columns linkage reads, from split fields or from a parsed whole name."""

import pandas as pd
import pytest

from uncounted.names import name_features, name_key
from uncounted.names.features import FEATURE_COLUMNS
from uncounted.records import CANONICAL_FIELDS


def _records(rows):
    frame = pd.DataFrame(rows)
    for column in CANONICAL_FIELDS:
        if column not in frame:
            frame[column] = ""
    return frame[list(CANONICAL_FIELDS)]


def test_one_person_in_two_scripts_and_two_layouts_gets_one_chain_key():
    records = _records(
        [
            {"full_name": "محمد أحمد خالد الحسن", "mother_name": "فاطمة"},
            {"full_name": "Mohammed Ahmad Khaled Al-Hassan", "mother_name": "Fatima"},
            {
                "given_name": "Muhammad",
                "father_name": "Ahmed",
                "grandfather_name": "Khalid",
                "family_name": "Hasan",
                "mother_name": None,
            },
        ]
    )
    features = name_features(records)
    assert list(features.columns) == list(FEATURE_COLUMNS)
    assert features["chain_key"].nunique() == 1
    assert features.loc[0, "chain_key"] == "mhmd hmd xld hsn"
    assert features["family_key"].tolist() == ["hsn"] * 3  # the article is gone from the key
    assert features["mother_key"].tolist() == ["ftm", "ftm", ""]
    assert features["name_script"].tolist() == ["ar", "latin", "latin"]
    assert features.loc[0, "family_ascii"] == "AlHsn" and features.loc[1, "given_ascii"] == "mohammed"
    assert not features["chain_uncertain"].any()


def test_uncertain_parses_and_empty_names_and_the_index_is_kept():
    records = _records([{"full_name": "محمد أحمد"}, {"full_name": ""}, {"full_name": "Ali محمد"}])
    records.index = [10, 20, 30]
    features = name_features(records)
    assert features.index.tolist() == [10, 20, 30]
    assert features.loc[10, "chain_uncertain"] and not features.loc[20, "chain_uncertain"]
    assert features.loc[20, "chain_key"] == "" and features.loc[20, "given_key"] == ""
    assert features.loc[30, "name_script"] == "mixed"


def test_a_whole_name_in_the_given_column_is_parsed():
    features = name_features(_records([{"given_name": "عبد الرحمن محمد الحلبي"}]))
    assert features.loc[0, ["given_key", "father_key", "family_key"]].tolist() == ["bdrhmn", "mhmd", "hlby"]


def test_split_fields_use_their_first_unit_and_all_columns_may_be_missing():
    features = name_features(pd.DataFrame({"given_name": ["عبد الله"], "father_name": ["أحمد محمد"]}))
    assert features.loc[0, "given_key"] == "bdlh" and features.loc[0, "father_key"] == "hmd"
    assert features.loc[0, "grandfather_key"] == ""


@pytest.mark.parametrize(
    ("record", "family_key"),
    [
        ({"full_name": "Muhammad Ali Al-Azma"}, "العظمة"),
        ({"full_name": "Ahmad Khaled al Masri"}, "المصري"),
        ({"given_name": "Ali", "father_name": "Ahmad", "family_name": "Al-Achkar"}, "الاشقر"),
        ({"full_name": "Khaled Abd al-Rahman"}, "عبد الرحمن"),
    ],
)
def test_a_latin_article_is_left_out_of_the_family_key_as_in_arabic(record, family_key):
    frame = pd.DataFrame([record])
    assert name_features(frame)["family_key"].iloc[0] == name_key(family_key)
