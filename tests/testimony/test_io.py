"""Reading testimony files: the three formats agree, and every kind of bad row is refused with its row."""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.testimony.factory import ACCOUNTS, CLAIMS, WITNESSES, claim, write_testimony
from uncounted.errors import BadInput
from uncounted.testimony.io import read_testimony
from uncounted.testimony.model import claim_from_row

EXAMPLE = Path(__file__).parents[2] / "examples" / "saydnaya"


def test_reads_the_three_tables_and_derives_witness_and_units(tmp_path):
    testimony = read_testimony(write_testimony(tmp_path))
    assert set(testimony.witnesses) == {f"W{i}" for i in range(1, 7)}
    assert testimony.witnesses["W1"].role == "former_detainee"  # "former detainee" normalised
    c6 = testimony.claims[-1]
    assert (c6.person_sex, c6.person_age, c6.fact_key) == ("male", 30.0, "person_detained/invented person")
    assert testimony.witness_of(testimony.claims[0]) == "W1"


def test_identity_fields_are_kept_apart_and_out_of_repr(tmp_path):
    witness = read_testimony(write_testimony(tmp_path)).witnesses["W1"]
    assert witness.identity == {"protected_name": "Secret Name One", "protected_contact": "secret-contact-1"}
    assert "Secret" not in repr(witness)


def test_files_may_come_in_any_order(tmp_path):
    paths = write_testimony(tmp_path)
    assert len(read_testimony(reversed(paths)).claims) == len(CLAIMS)


def _xlsx(path, tables):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in tables.items():
        sheet = workbook.create_sheet(title)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    workbook.save(path)
    return path


def test_xlsx_and_json_lines_read_as_csv_does(tmp_path):
    from_csv = read_testimony(write_testimony(tmp_path / "csv"))
    xlsx = _xlsx(tmp_path / "t.xlsx", {"people": WITNESSES, "interviews": ACCOUNTS, "statements": CLAIMS})
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text("\n".join(json.dumps(row) for row in [*CLAIMS, *ACCOUNTS, *WITNESSES]), encoding="utf-8")
    for other in (read_testimony([xlsx]), read_testimony([jsonl])):
        assert other.witnesses == from_csv.witnesses
        assert other.accounts == from_csv.accounts
        assert other.claims == from_csv.claims


def test_the_example_keeps_the_published_mix_of_interviewees():
    testimony = read_testimony([EXAMPLE / name for name in ("witnesses.csv", "accounts.csv", "claims.csv")])
    assert Counter(w.role for w in testimony.witnesses.values()) == {
        "former_detainee": 31, "former_official_or_guard": 4, "judge": 3, "doctor": 3, "lawyer": 4,
        "expert": 17, "relative": 22}
    assert all(c.quote.startswith("[fictional]") for c in testimony.claims if c.quote)


BAD_CLAIMS = [
    (claim("C9", "A99"), 2, "account 'A99'"),
    (claim("C9", "A1", low=60, high=20), 2, "inverted"),
    (claim("C9", "A1", low=-5), 2, "negative"),
    (claim("C9", "A1", unit="furlongs"), 2, "unknown unit 'furlongs'"),
    (claim("C9", "A1", unit="per_week"), 2, "not a unit of count"),
    (claim("C9", "A1", knowledge="hearsay"), 2, "origin"),
    (claim("C9", "A1", date_from="2013-14"), 2, "not a calendar date"),
    (claim("C9", "A1", credibility=9), 2, "credibility"),
    (claim("C9", "A1", claim_type="rumour"), 2, "'rumour' is not one of"),
    (claim("C9", "A1", fact_key=""), 2, "fact_key"),
]


@pytest.mark.parametrize(("row", "number", "words"), BAD_CLAIMS)
def test_bad_claims_name_the_file_and_row(tmp_path, row, number, words):
    paths = write_testimony(tmp_path, claims=[row])
    with pytest.raises(BadInput) as caught:
        read_testimony(paths)
    assert caught.value.row == number and caught.value.file == str(paths[2])
    assert words in str(caught.value)


def test_unknown_witness_duplicate_id_and_unknown_column(tmp_path):
    accounts = [*ACCOUNTS, {"account_id": "A7", "witness_id": "W77", "kind": "interview"}]
    with pytest.raises(BadInput, match="witness 'W77'") as caught:
        read_testimony(write_testimony(tmp_path / "a", accounts=accounts))
    assert caught.value.row == 8
    with pytest.raises(BadInput, match="appears twice") as caught:
        read_testimony(write_testimony(tmp_path / "b", claims=[claim("C1", "A1"), claim("C1", "A2")]))
    assert caught.value.row == 3
    with pytest.raises(BadInput, match="unknown column") as caught:
        read_testimony(write_testimony(tmp_path / "c", claims=[claim("C1", "A1", knowlege="hearsay")]))
    assert caught.value.column == "knowlege"


def test_an_interview_needs_a_witness_and_an_original_must_exist(tmp_path):
    with pytest.raises(BadInput, match="witness_id"):
        read_testimony(write_testimony(tmp_path / "a", accounts=[{"account_id": "A1", "kind": "interview"}]))
    accounts = [{**ACCOUNTS[0], "original": "missing.txt"}, *ACCOUNTS[1:]]
    with pytest.raises(BadInput, match="original 'missing.txt'") as caught:
        read_testimony(write_testimony(tmp_path / "b", accounts=accounts))
    assert caught.value.row == 2


def test_originals_are_hashed_relative_to_their_file(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a1.txt").write_bytes(b"invented transcript")
    accounts = [{**ACCOUNTS[0], "original": "a1.txt"}, *ACCOUNTS[1:]]
    account = read_testimony(write_testimony(tmp_path / "t", accounts=accounts)).accounts["A1"]
    assert account.original_sha256 == hashlib.sha256(b"invented transcript").hexdigest()
    assert account.original_path == (tmp_path / "t" / "a1.txt").resolve()


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.floats(min_value=-1e6, max_value=1e6,
                                                                             allow_nan=False))
def test_any_pair_of_numbers_is_a_range_or_a_clear_refusal(low, high):
    row = {k: str(v) for k, v in claim("C1", "A1", low=repr(low), high=repr(high)).items()}
    if low < 0 or high < 0 or low > high:
        with pytest.raises(BadInput):
            claim_from_row(row, "claims.csv", 2)
    else:
        parsed = claim_from_row(row, "claims.csv", 2)
        assert (parsed.low, parsed.high) == (low, high)


def test_a_period_given_by_dates_is_measured_in_whole_weeks(tmp_path):
    claims = [claim("C1", "A1", claim_type="period", fact_key="p", low="", high="", unit="weeks",
                    date_from="2011-09-01", date_to="2015-12-31")]
    claims.append({**claims[0], "claim_id": "C2", "unit": "", "date_from": "2011-09", "date_to": "2015-12"})
    parsed = read_testimony(write_testimony(tmp_path, claims=claims)).claims
    assert [(c.low, c.high, c.unit) for c in parsed] == [(226, 226, "weeks"), (217, 226, "weeks")]
