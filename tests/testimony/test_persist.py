"""Testimony in a workspace: one transaction, originals kept by hash, identities apart, re-import a no-op."""

import hashlib

import pytest
from sqlalchemy import select

from tests.testimony.factory import ACCOUNTS, VAULT_PASSPHRASE, WITNESSES, claim, vaulted, write_testimony
from uncounted.errors import BadInput
from uncounted.store import testimony as tables
from uncounted.store.users import local_actor
from uncounted.store.vault import SCHEME, FieldContext, Vault
from uncounted.testimony.corroborate import corroborate
from uncounted.testimony.persist import import_testimony, load_testimony, save_findings
from uncounted.workspace import Workspace

TRANSCRIPT = b"invented transcript \xd9\x85 bytes kept as they are\r\n"


def _files(tmp_path, **tables_):
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "a1.txt").write_bytes(TRANSCRIPT)
    accounts = [{**ACCOUNTS[0], "original": "a1.txt"}, *ACCOUNTS[1:]]
    return write_testimony(tmp_path / "in", accounts=accounts, **tables_)


def test_import_keeps_originals_identities_apart_and_reads_back(monkeypatch, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    summary = import_testimony(ws, _files(tmp_path))
    assert (summary.witnesses, summary.accounts, summary.claims, summary.originals) == (6, 6, 6, 1)
    digest = hashlib.sha256(TRANSCRIPT).hexdigest()
    assert (ws.originals / digest).read_bytes() == TRANSCRIPT
    back = load_testimony(ws)
    assert back.accounts["A1"].original_sha256 == digest
    assert all(not w.identity for w in back.witnesses.values())
    assert [c.claim_id for c in back.claims] == [f"C{i}" for i in range(1, 7)]
    with ws.session() as session:
        sealed = {row.field: (row.scheme, row.sealed) for row in
                  session.scalars(select(tables.TestimonyWitnessIdentity))}
        witness_columns = set(tables.TestimonyWitness.__table__.columns.keys())
    assert {f: scheme for f, (scheme, _) in sealed.items()} == {"protected_name": SCHEME,
                                                                 "protected_contact": SCHEME}
    assert all(b"Secret" not in token and b"secret" not in token for _, token in sealed.values())
    vault, admin = Vault.unlock(ws, VAULT_PASSPHRASE), local_actor(ws)
    opened = {f: vault.open_sealed(token.decode(), FieldContext(tables.IDENTITY_TABLE, "W1", f), admin)
              for f, (_, token) in sealed.items()}
    assert opened == {"protected_name": "Secret Name One", "protected_contact": "secret-contact-1"}
    assert not witness_columns & {"protected_name", "protected_contact", "protected_details"}


def test_reimporting_the_same_bytes_is_a_no_op(monkeypatch, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    paths = _files(tmp_path)
    import_testimony(ws, paths)
    again = import_testimony(ws, paths)
    assert again.skipped == [str(p) for p in paths] and again.claims == 0
    assert len(load_testimony(ws).claims) == 6


def test_a_bad_row_leaves_the_workspace_as_it_was(monkeypatch, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    paths = _files(tmp_path, claims=[claim("C1", "A1"), claim("C2", "A404")])
    with pytest.raises(BadInput, match="account 'A404'") as caught:
        import_testimony(ws, paths)
    assert caught.value.row == 3
    back = load_testimony(ws)
    assert not back.witnesses and not back.accounts and not back.claims
    assert list(ws.originals.iterdir()) == []


def test_later_files_may_refer_to_earlier_imports_but_not_repeat_them(monkeypatch, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    witnesses, accounts, _ = _files(tmp_path)
    import_testimony(ws, [witnesses, accounts])
    more = tmp_path / "more"
    _, _, claims = write_testimony(more, claims=[claim("C1", "A1")])
    assert import_testimony(ws, [claims]).claims == 1
    _, _, repeat = write_testimony(tmp_path / "repeat", claims=[claim("C1", "A2")])
    with pytest.raises(BadInput, match="claim 'C1' appears twice"):
        import_testimony(ws, [repeat])


def test_findings_are_saved_with_their_status(monkeypatch, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    import_testimony(ws, _files(tmp_path))
    findings = corroborate(load_testimony(ws))
    save_findings(ws, findings)
    save_findings(ws, findings)  # a second run replaces the first
    with ws.session() as session:
        stored = {row.finding_id: row.status for row in session.scalars(select(tables.TestimonyFinding))}
    assert stored == {f.finding_id: f.status for f in findings}


def test_the_example_imports_with_its_originals_intact(monkeypatch, tmp_path):
    from pathlib import Path

    from uncounted.store import fixity

    example = Path(__file__).parents[2] / "examples" / "saydnaya"
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    summary = import_testimony(ws, [example / f for f in ("claims.csv", "accounts.csv", "witnesses.csv")])
    assert (summary.witnesses, summary.accounts, summary.claims, summary.originals) == (84, 85, 111, 3)
    report = fixity.check(ws)
    assert report.intact and len(report.ok) == 3
    for name in ("A-DET-01", "A-OFF-01", "A-REL-01"):
        data = (example / "originals" / f"{name}.txt").read_bytes()
        assert (ws.originals / hashlib.sha256(data).hexdigest()).read_bytes() == data


def test_identity_columns_without_a_vault_are_refused_and_nothing_is_written(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(BadInput) as refused:
        import_testimony(ws, _files(tmp_path))
    message = str(refused.value)
    assert "uncounted vault init" in message and "protected_name" in message
    assert refused.value.exit_code == 2 and refused.value.file.endswith("witnesses.csv")
    assert not any(ws.originals.iterdir())
    with ws.session() as session:
        assert session.scalars(select(tables.TestimonyWitness)).first() is None


def test_witnesses_without_identity_columns_need_no_vault(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    witnesses = [{k: v for k, v in w.items() if not k.startswith("protected_")} for w in WITNESSES]
    summary = import_testimony(ws, _files(tmp_path, witnesses=witnesses))
    assert summary.witnesses == 6


def test_the_vault_passphrase_may_be_given_directly(tmp_path, monkeypatch):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    monkeypatch.delenv("UNCOUNTED_VAULT_PASSPHRASE")
    assert import_testimony(ws, _files(tmp_path), vault_passphrase=VAULT_PASSPHRASE).witnesses == 6
