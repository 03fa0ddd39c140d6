"""Victims named in testimony become canonical records of one more source."""

from pathlib import Path

from tests.testimony.factory import CLAIMS, write_testimony
from uncounted.records import CANONICAL_FIELDS
from uncounted.testimony.io import read_testimony
from uncounted.testimony.records import claims_to_records


def test_person_claims_become_canonical_records_and_nothing_else_does(tmp_path):
    extra = [
        {"claim_id": "C7", "account_id": "A2", "claim_type": "person_killed", "person_name": "محمد المثال",
         "date_from": "2014-02", "date_to": "2014-04", "place": "prison", "knowledge": "direct",
         "person_governorate": "Damascus"},
    ]
    testimony = read_testimony(write_testimony(tmp_path, claims=[*CLAIMS, *extra]))
    records = claims_to_records(testimony.claims)
    assert tuple(records.columns) == CANONICAL_FIELDS
    assert list(records["record_id"]) == ["C6", "C7"]
    assert set(records["source"]) == {"testimony"}
    detained, killed = records.to_dict("records")
    assert (detained["full_name"], detained["sex"], detained["age"], detained["date_of_detention"],
            detained["date_of_death"], detained["governorate"]) == (
        "Invented Person", "male", "30", "2013-05", "", "Homs")
    assert (killed["full_name"], killed["date_of_death"], killed["place_of_death"],
            killed["date_of_detention"]) == ("محمد المثال", "2014-02/2014-04", "prison", "")
    assert "W1" not in killed["notes"] and "account A2" in killed["notes"]


def test_no_person_claims_give_an_empty_frame_with_the_canonical_columns(tmp_path):
    records = claims_to_records(read_testimony(write_testimony(tmp_path, claims=CLAIMS[:2])).claims)
    assert records.empty and tuple(records.columns) == CANONICAL_FIELDS


def test_the_examples_named_persons_pass_the_list_importers_validation():
    import numpy as np

    from uncounted.ingest.validate import validate
    from uncounted.testimony.io import read_testimony as read

    example = Path(__file__).parents[2] / "examples" / "saydnaya"
    testimony = read([example / f for f in ("witnesses.csv", "accounts.csv", "claims.csv")])
    records = claims_to_records(testimony.claims)
    cleaned, problems = validate(records, np.arange(2, len(records) + 2))
    assert len(records) == 21 and problems.empty
    assert set(cleaned["record_id"]) == set(records["record_id"])
