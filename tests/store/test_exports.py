"""Exports: keyed pseudonyms (stable in a workspace, different across workspaces, not computable without the
key), the field rules, the public subset, and files written whole with their audit entry or not at all."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.records import CANONICAL_FIELDS
from uncounted.store import audit, exports
from uncounted.store.exports import (
    PUBLIC_COLUMNS,
    RECORD_RULES,
    age_band,
    coarsen_date,
    death_year,
    pseudonym,
    pseudonymise,
    public_subset,
)
from uncounted.store.users import local_actor
from uncounted.workspace import Workspace

KEY, OTHER_KEY = b"k" * 32, b"o" * 32
TOKEN = re.compile(r"[a-z2-7]{16}")


def frame(**columns: list[str]) -> pd.DataFrame:
    """Canonical records: the given columns, every other canonical column empty."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({c: columns.get(c, [""] * n) for c in CANONICAL_FIELDS})


RECORDS = frame(
    source=["beta", "alpha", "alpha"],
    record_id=["17", "17", "18"],
    full_name=["Rami Yusuf Haddad", "رامي يوسف حداد", "Salma Yusuf"],
    given_name=["Rami", "رامي", "Salma"],
    father_name=["Yusuf", "يوسف", "Yusuf"],
    mother_name=["Hind", "", "Hind"],
    sex=["male", "male", "female"],
    age=["34", "", "71"],
    birth_year=["1979", "", ""],
    date_of_death=["2013-05-17", "2012-11/2013-01", "2014"],
    date_of_detention=["2012-03-02/2012-03-09", "", "2013-06"],
    governorate=["حلب", "حلب", "Idlib"],
    district=["Azaz", "", ""],
    place_of_death=["Branch 215", "", ""],
    notes=["brother of Salma", "", ""],
)


def test_every_canonical_field_has_an_export_rule() -> None:
    assert set(RECORD_RULES) == set(CANONICAL_FIELDS)
    with pytest.raises(Exception, match="no export rule for the field"):
        pseudonymise(RECORDS.assign(nickname=["x", "y", "z"]), KEY)


def test_a_pseudonym_is_keyed_stable_and_blind_to_case_spacing_and_unicode_form() -> None:
    token = pseudonym(KEY, "name", "Rami Haddad")
    assert TOKEN.fullmatch(token)
    assert pseudonym(KEY, "name", "  rami   HADDAD ") == token
    assert pseudonym(KEY, "name", "Rami Haddad") == token
    assert pseudonym(OTHER_KEY, "name", "Rami Haddad") != token
    assert pseudonym(KEY, "notes", "Rami Haddad") != token  # domains are kept apart
    assert pseudonym(KEY, "name", "Rami Hadad") != token
    assert pseudonym(KEY, "name", "é") == pseudonym(KEY, "name", "e\u0301")  # NFC
    assert pseudonym(KEY, "name", "") == ""


def test_pseudonymise_replaces_every_identifier_and_keeps_what_analysis_needs() -> None:
    out = pseudonymise(RECORDS, KEY)
    text = out.to_csv(index=False)
    for value in ("Rami", "رامي", "Yusuf", "Hind", "Salma", "brother", "Haddad"):
        assert value not in text
    assert list(out.columns) == list(CANONICAL_FIELDS)
    assert list(out["source"]) == ["alpha", "alpha", "beta"]  # sorted: the list's own order is gone
    by_source = dict(zip(out["source"] + out["age"], out["record_id"], strict=True))
    # The same record id in two lists is two records: different pseudonyms.
    assert len(set(out["record_id"])) == 3 and all(TOKEN.fullmatch(t) for t in out["record_id"])
    beta = out[out["source"] == "beta"].iloc[0]
    assert beta["record_id"] == pseudonym(KEY, "record", "beta\x1f17") == by_source["beta34"]
    assert beta["father_name"] == pseudonym(KEY, "name", "Yusuf")  # name chains survive
    assert beta["date_of_death"] == "2013-05" and beta["date_of_detention"] == "2012-03"
    assert (beta["sex"], beta["age"], beta["birth_year"], beta["governorate"], beta["district"]) == (
        "male", "34", "1979", "حلب", "Azaz")
    alpha = out[(out["source"] == "alpha") & (out["age"] == "")].iloc[0]
    assert alpha["mother_name"] == "" and alpha["notes"] == ""  # empty stays empty
    assert alpha["date_of_death"] == "2012-11/2013-01"


def test_the_public_subset_has_no_identifying_column_and_no_order_of_the_lists() -> None:
    out = public_subset(RECORDS)
    assert tuple(out.columns) == PUBLIC_COLUMNS
    assert [tuple(row) for row in out.itertuples(index=False)] == [
        ("alpha", "2012/2013", "حلب", "male", ""),
        ("alpha", "2014", "Idlib", "female", "70+"),
        ("beta", "2013", "حلب", "male", "30-39"),
    ]


_DAY = st.tuples(st.integers(1880, 2026), st.integers(1, 12), st.integers(1, 28))
_PARTIAL = _DAY.flatmap(lambda d: st.sampled_from(
    [f"{d[0]}", f"{d[0]}-{d[1]:02d}", f"{d[0]}-{d[1]:02d}-{d[2]:02d}"]))


@given(st.one_of(_PARTIAL, st.tuples(_PARTIAL, _PARTIAL).map(lambda p: f"{min(p)}/{max(p)}")))
def test_dates_lose_precision_and_never_gain_it(value: str) -> None:
    month, year = coarsen_date(value), death_year(value)
    parts = value.split("/")
    assert all(len(p) <= 7 for p in month.split("/"))
    assert all(any(p.startswith(m) for p in parts) for m in month.split("/"))
    assert year.split("/")[0] == parts[0][:4] and year.split("/")[-1] == parts[-1][:4]
    assert len(year.split("/")) == (1 if parts[0][:4] == parts[-1][:4] else 2)


@given(st.integers(0, 120))
def test_an_age_falls_in_its_band(age: int) -> None:
    band = age_band(str(age))
    if age >= 70:
        assert band == "70+"
    else:
        low, high = map(int, band.split("-"))
        assert low <= age <= high and high - low == 9 and low % 10 == 0
    assert age_band("") == "" and age_band("unknown") == ""


def test_the_pseudonym_key_is_made_once_audited_and_differs_between_workspaces(tmp_path: Path) -> None:
    ws, other = Workspace.create(tmp_path / "a"), Workspace.create(tmp_path / "b")
    key = exports.pseudonym_key(ws, "local")
    assert len(key) == 32 and exports.pseudonym_key(ws, "local") == key
    assert [e["action"] for e in audit.entries(ws)] == ["secret.create"]
    assert key.hex() not in str(audit.entries(ws))
    assert exports.pseudonym_key(other, "local") != key


def test_an_export_whose_audit_fails_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.create(tmp_path / "ws")
    out = tmp_path / "out" / "public.csv"
    out.parent.mkdir()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(exports.audit, "record", broken)
    with pytest.raises(RuntimeError):
        exports.export_public(ws, local_actor(ws), out)
    assert list(out.parent.iterdir()) == []  # neither the file nor its temporary


@pytest.mark.parametrize("name", ["missing/x.csv", "."])
def test_a_bad_out_path_is_refused_before_any_work(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadInput):
        exports.check_out_path(tmp_path / name)
