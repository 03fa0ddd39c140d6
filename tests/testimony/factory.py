"""Small invented testimony sets written as files, for tests. Every witness and claim here is made up."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from uncounted.store.users import local_actor
from uncounted.store.vault import VAULT_PASSPHRASE_ENV, Vault
from uncounted.workspace import Workspace

WITNESSES: list[dict[str, Any]] = [
    {"witness_id": "W1", "role": "former detainee", "reliability": "B", "protected_name": "Secret Name One",
     "protected_contact": "secret-contact-1"},
    {"witness_id": "W2", "role": "former_official_or_guard", "reliability": "B"},
    {"witness_id": "W3", "role": "relative", "reliability": "C"},
    {"witness_id": "W4", "role": "relative", "reliability": "C"},
    {"witness_id": "W5", "role": "lawyer", "reliability": "B"},
    {"witness_id": "W6", "role": "judge", "reliability": "B"},
]
ACCOUNTS: list[dict[str, Any]] = [
    {"account_id": f"A{i}", "witness_id": f"W{i}", "kind": "interview", "date": "2016-03"}
    for i in range(1, 7)
]
FREQ = "prison/hangings/frequency"
SIZE = "prison/hangings/group_size"
CLAIMS: list[dict[str, Any]] = [
    {"claim_id": "C1", "account_id": "A1", "claim_type": "frequency", "fact_key": FREQ, "low": 1, "high": 2,
     "unit": "per_week", "date_from": "2012", "date_to": "2014", "knowledge": "direct"},
    {"claim_id": "C2", "account_id": "A2", "claim_type": "frequency", "fact_key": FREQ, "low": 1, "high": 2,
     "unit": "per_week", "date_from": "2011-09", "date_to": "2015-12", "knowledge": "direct"},
    {"claim_id": "C3", "account_id": "A1", "claim_type": "group_size", "fact_key": SIZE, "low": 20,
     "high": 50, "unit": "people", "knowledge": "direct"},
    {"claim_id": "C4", "account_id": "A2", "claim_type": "group_size", "fact_key": SIZE, "low": 20,
     "high": 60, "unit": "people", "knowledge": "direct"},
    {"claim_id": "C5", "account_id": "A6", "claim_type": "group_size", "fact_key": SIZE, "low": 25,
     "high": 40, "unit": "people", "knowledge": "direct"},
    {"claim_id": "C6", "account_id": "A3", "claim_type": "person_detained", "person_name": "Invented Person",
     "person_sex": "m", "person_age": 30, "date_from": "2013-05", "person_governorate": "Homs"},
]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_testimony(folder: Path, witnesses: list[dict[str, Any]] | None = None,
                    accounts: list[dict[str, Any]] | None = None,
                    claims: list[dict[str, Any]] | None = None) -> list[Path]:
    """witnesses.csv, accounts.csv, claims.csv in `folder` (the defaults above where not given)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(folder / "witnesses.csv", WITNESSES if witnesses is None else witnesses),
            write_csv(folder / "accounts.csv", ACCOUNTS if accounts is None else accounts),
            write_csv(folder / "claims.csv", CLAIMS if claims is None else claims)]


def claim(claim_id: str, account_id: str, **fields: Any) -> dict[str, Any]:
    """A group-size claim (20–50 people, direct) unless `fields` say otherwise."""
    return {"claim_id": claim_id, "account_id": account_id, "claim_type": "group_size", "fact_key": SIZE,
            "low": 20, "high": 50, "unit": "people", "knowledge": "direct", **fields}


VAULT_PASSPHRASE = "invented vault passphrase"


def vaulted(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The workspace with an identity vault, unlocked for this test through UNCOUNTED_VAULT_PASSPHRASE."""
    monkeypatch.setenv(VAULT_PASSPHRASE_ENV, VAULT_PASSPHRASE)
    Vault.initialise(ws, local_actor(ws), VAULT_PASSPHRASE)
    return ws
