"""Entering testimony through the web: accounts and claims imported like files, under the user's name, with
errors shown in the page's language; witnesses' identities sealed by the vault and never shown."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from uncounted.store import audit
from uncounted.store.testimony import TestimonyWitnessIdentity
from uncounted.store.vault import SCHEME
from uncounted.testimony.persist import load_testimony
from uncounted.web import create_app
from uncounted.workspace import Workspace

from .conftest import SECRET_IDENTITY, VAULT_PASSPHRASE, post, sign_in

ACCOUNT = {"account_id": "A-1", "kind": "interview", "witness_id": "W-ALPHA", "date": "2014-03"}
CLAIM = {
    "claim_id": "C-1",
    "account_id": "A-1",
    "claim_type": "group_size",
    "fact_key": "hangings/size",
    "knowledge": "direct",
    "low": "20",
    "high": "50",
    "unit": "people",
    "quote": "كانوا عشرين أو أكثر\nفي كل مرة",
}


def test_account_and_claims_are_entered_under_the_users_name(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        page = client.get("/testimony").text
        assert 'action="/testimony/claims"' in page and 'name="protected_name"' in page
        done = post(client, "/testimony/accounts", ACCOUNT, page="/testimony")
        assert done.status_code == 303 and done.headers["location"].startswith("/testimony?entered=account")
        assert post(client, "/testimony/claims", CLAIM, page="/testimony").status_code == 303
        second = {**CLAIM, "claim_id": "C-2", "low": "30", "high": "30"}
        assert post(client, "/testimony/claims", second, page="/testimony").status_code == 303
        shown = client.get("/testimony?entered=claim").text
        assert "The claim was entered." in shown and "hangings/size" in shown and "20.0–50.0" in shown
    found = load_testimony(Workspace.open(fresh_ws))
    assert found.accounts["A-1"].witness_id == "W-ALPHA" and found.accounts["A-1"].date == "2014-03"
    claims = {c.claim_id: c for c in found.claims}
    assert (claims["C-1"].low, claims["C-1"].high, claims["C-1"].unit) == (20.0, 50.0, "people")
    assert claims["C-1"].quote == CLAIM["quote"]
    entries = [e for e in audit.entries(Workspace.open(fresh_ws)) if e["action"] == "testimony.import"]
    assert [e["actor"] for e in entries][-3:] == ["analyst", "analyst", "analyst"]


def test_a_bad_claim_comes_back_with_its_reason_in_arabic(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        assert post(client, "/testimony/accounts", ACCOUNT, page="/testimony").status_code == 303
        client.get("/testimony", params={"lang": "ar"})
        inverted = post(client, "/testimony/claims", {**CLAIM, "low": "50", "high": "20"}, page="/testimony")
        assert inverted.status_code == 400
        text = html.unescape(inverted.text)
        assert "العمود 'low': المجال مقلوب: الحد الأدنى 50 أعلى من الحد الأعلى 20." in text
        assert "range is inverted" not in text
        assert 'value="hangings/size"' in inverted.text  # what was typed is kept
        no_account = post(client, "/testimony/claims", {**CLAIM, "account_id": "A-9"}, page="/testimony")
        assert no_account.status_code == 400 and "ليست بين الإفادات" in no_account.text
        unit = post(client, "/testimony/claims", {**CLAIM, "unit": "furlongs"}, page="/testimony")
        assert unit.status_code == 400 and "وحدة غير معروفة 'furlongs'" in html.unescape(unit.text)
        twice = post(client, "/testimony/accounts", ACCOUNT, page="/testimony")
        assert twice.status_code == 400 and "أُدخلت هذه الإفادة من قبل" in twice.text
        for hostile in ({**CLAIM, "claim_type": "<b>x</b>"}, {"claim_id": "", "account_id": ""}, {}):
            answer = post(client, "/testimony/claims", hostile, page="/testimony")
            assert answer.status_code == 400 and "<b>x</b>" not in answer.text
    assert not load_testimony(Workspace.open(fresh_ws)).claims


def test_a_witness_identity_is_sealed_by_the_vault_and_never_shown(fresh_ws: Path) -> None:
    name = "Invented Person-Secret"
    witness = {"witness_id": "W-NEW", "role": "judge", "reliability": "C", "protected_name": name}
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        refused = post(client, "/testimony/witnesses", witness, page="/testimony")
        assert refused.status_code == 400 and "vault passphrase is needed" in refused.text
        assert name not in refused.text
        wrong = post(
            client, "/testimony/witnesses", {**witness, "vault_passphrase": "nope"}, page="/testimony"
        )
        assert wrong.status_code == 400 and "wrong vault passphrase" in wrong.text and name not in wrong.text
        sealed = {**witness, "vault_passphrase": VAULT_PASSPHRASE}
        assert post(client, "/testimony/witnesses", sealed, page="/testimony").status_code == 303
        for role in ("analyst", "admin"):
            sign_in(client, role)
            page = client.get("/testimony").text
            assert "W-NEW" in page and name not in page and SECRET_IDENTITY not in page
    with Workspace.open(fresh_ws).engine.connect() as connection:
        rows = connection.execute(
            select(TestimonyWitnessIdentity.scheme, TestimonyWitnessIdentity.sealed)
        ).all()
    assert {scheme for scheme, _ in rows} == {SCHEME} and len(rows) == 2
    assert not any(name.encode() in sealed or SECRET_IDENTITY.encode() in sealed for _, sealed in rows)


def test_identity_fields_are_offered_only_to_roles_that_may_seal_them(linked_ws: Path) -> None:
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "viewer")
        page = client.get("/testimony").text
        assert "W-ALPHA" in page and 'action="/testimony/' not in page
        assert not re.search(r'name="protected_\w+"', page)
