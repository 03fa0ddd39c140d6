"""Issue 8's remaining attacks on witness identities: a viewer through export and history, and the theft of
a plain workspace. (Search belongs to the web app, whose own tests cover it.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testimony.factory import VAULT_PASSPHRASE, WITNESSES, vaulted, write_testimony
from uncounted.store import users
from uncounted.store.testimony import IDENTITY_TABLE
from uncounted.store.vault import FieldContext, Vault
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace

NAME = WITNESSES[0]["protected_name"]
CONTACT = WITNESSES[0]["protected_contact"]
ADMIN_PASSWORD, VIEWER_PASSWORD = "a long admin password", "a long viewer password"


def needles(*values: str) -> dict[str, bytes]:
    return {f"{v} ({enc})": v.encode(enc) for v in values for enc in ("utf-8", "utf-16-le", "utf-16-be")}


def found_in(folder: Path, *values: str) -> list[str]:
    return [f"{p.name}: {label}" for p in folder.rglob("*") if p.is_file()
            for label, needle in needles(*values).items() if needle in p.read_bytes()]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A plain workspace holding one witness's sealed identity, read once by an admin; a viewer besides."""
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    import_testimony(ws, write_testimony(tmp_path / "in"))
    admin = users.add_user(ws, users.local_actor(ws), "amal", "admin", ADMIN_PASSWORD)
    amal = users.authenticate(ws, admin.name, ADMIN_PASSWORD)
    users.add_user(ws, amal, "vera", "viewer", VIEWER_PASSWORD)
    vault = Vault.unlock(ws, VAULT_PASSPHRASE)
    with ws.engine.connect() as connection:
        token = connection.exec_driver_sql(
            f"SELECT sealed FROM {IDENTITY_TABLE} WHERE field = 'protected_name'").scalar_one().decode()
    assert vault.open_sealed(token, FieldContext(IDENTITY_TABLE, "W1", "protected_name"), amal) == NAME
    ws.engine.dispose()
    return ws


def test_a_sealed_witness_name_is_in_no_file_of_a_plain_workspace(ws: Workspace) -> None:
    assert (ws.path / "uncounted.db").stat().st_size > 0
    assert found_in(ws.path, NAME, CONTACT) == []


def test_a_viewer_reaches_no_identity_through_history_or_export(run_cli, ws, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", VIEWER_PASSWORD)
    code, out, err = run_cli("audit", "show", "--json", "-w", ws.path, "--as", "vera")
    assert code == 3 and "audit.read" in err and out == ""
    code, out, err = run_cli("export", "records", "--out", tmp_path / "r.csv", "-w", ws.path, "--as", "vera")
    assert code == 3 and "export.records" in err and not (tmp_path / "r.csv").exists()
    # Even those allowed to read the history find the identity read there, never the identity itself.
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", ADMIN_PASSWORD)
    code, out, _ = run_cli("audit", "show", "--json", "--last", "100", "-w", ws.path, "--as", "amal")
    assert code in (0, None) and "identity.read" in out
    assert NAME not in out and CONTACT not in out


def test_a_pseudonymised_export_resists_a_dictionary_of_names(run_cli, tmp_path: Path) -> None:
    """Someone holding the export and a list of candidate names hashes each candidate: without the workspace's
    key no hash of theirs matches a pseudonym, and the key itself is in no export and not in the audit log."""
    import base64
    import hashlib
    import hmac

    from tests.ingest.lists import ROWS, write_csv
    from uncounted.ingest import ingest_file
    from uncounted.store import audit, exports

    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    code, _, err = run_cli("export", "records", "--out", tmp_path / "r.csv", "-w", ws.path)
    assert code in (0, None), err
    data = (tmp_path / "r.csv").read_bytes()
    key = exports.pseudonym_key(ws, "local")
    names = [row[1] for row in ROWS]
    for name in names:
        variants = [name, name.casefold(), f"name\x00{name.casefold()}"]
        for variant in variants:
            raw = variant.encode()
            guesses = [hashlib.sha256(raw).digest(), hashlib.md5(raw).digest(), hashlib.sha1(raw).digest(),
                       hmac.digest(b"", raw, hashlib.sha256)]
            for guess in guesses:
                assert guess.hex()[:16].encode() not in data
                assert base64.b32encode(guess[:10]).lower() not in data
        assert name.encode() not in data
        assert exports.pseudonym(key, "name", name).encode() in data  # with the key, it is that HMAC
    for form in (key.hex(), base64.b64encode(key).decode(), base64.b32encode(key).decode()):
        assert form.encode() not in data and form.lower().encode() not in data.lower()
        assert form not in str(audit.entries(ws))
