"""The identity vault: sealed field by field, bound to its place, readable by allowed roles only, each read
audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncounted.errors import BadInput, UncountedError
from uncounted.store import audit, users
from uncounted.store.access import PermissionDenied, actor
from uncounted.store.vault import FieldContext, Vault
from uncounted.workspace import Workspace

VAULT_PASSPHRASE = "a different vault passphrase"
NAME = "زيد المثال"
HERE = FieldContext("testimony_witness_identities", 7, "protected_name")


def admin_and_vault(ws: Workspace) -> tuple:  # type: ignore[type-arg]
    admin = actor("amal", "admin", ws)
    return admin, Vault.initialise(ws, admin, VAULT_PASSPHRASE)


def test_a_sealed_identity_opens_for_an_admin_and_the_read_is_audited_without_the_value(
    ws: Workspace,
) -> None:
    admin, vault = admin_and_vault(ws)
    token = vault.seal(NAME, HERE)
    assert NAME not in token and token.startswith(f"uv1.{vault.key_id}.")
    assert vault.seal(NAME, HERE) != token  # a fresh nonce each time: equal names do not look equal
    assert Vault.unlock(ws, VAULT_PASSPHRASE).open_sealed(token, HERE, admin) == NAME
    last = audit.entries(ws)[-1]
    assert (last["actor"], last["action"], last["target"]) == ("amal", "identity.read", str(HERE))
    assert NAME not in str(last) and audit.verify(ws) == []


def test_a_viewer_cannot_decrypt_and_the_attempt_is_audited(ws: Workspace) -> None:
    _, vault = admin_and_vault(ws)
    token = vault.seal(NAME, HERE)
    for role in ("viewer", "reviewer", "analyst"):
        with pytest.raises(PermissionDenied, match="may not identities.read"):
            vault.open_sealed(token, HERE, actor(f"a-{role}", role, ws))
    denied = [e["actor"] for e in audit.entries(ws) if e["action"] == "identity.read.denied"]
    assert denied == ["a-viewer", "a-reviewer", "a-analyst"]


def test_a_sealed_value_moved_to_another_row_column_or_table_does_not_open(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    admin, vault = admin_and_vault(ws)
    token = vault.seal(NAME, HERE)
    for elsewhere in (
        FieldContext(HERE.table, 8, HERE.column),
        FieldContext(HERE.table, 7, "protected_contact"),
        FieldContext("records", 7, "protected_name"),
    ):
        with pytest.raises(UncountedError, match="damaged or was moved"):
            vault.open_sealed(token, elsewhere, admin)
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(UncountedError, match="damaged or was moved"):
        vault.open_sealed(flipped, HERE, admin)


def test_the_vault_needs_its_own_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase="the workspace passphrase")
    admin, vault = admin_and_vault(ws)
    token = vault.seal(NAME, HERE)
    for guess in ("the workspace passphrase", "", VAULT_PASSPHRASE + " "):
        with pytest.raises(BadInput):
            Vault.unlock(ws, guess)
    monkeypatch.setenv("UNCOUNTED_VAULT_PASSPHRASE", VAULT_PASSPHRASE)
    assert Vault.unlock(ws).open_sealed(token, HERE, admin) == NAME
    with pytest.raises(BadInput, match="already has an identity vault"):
        Vault.initialise(ws, admin, VAULT_PASSPHRASE)


def test_a_stolen_plain_workspace_does_not_reveal_a_sealed_identity(tmp_path: Path) -> None:
    """Everything on disk (store, WAL, settings) is searched for the name in UTF-8 and UTF-16."""
    ws = Workspace.create(tmp_path / "ws")
    _, vault = admin_and_vault(ws)
    with ws.session() as session:
        audit.record(session, "amal", "identity.write", str(HERE), {"sealed": vault.seal(NAME, HERE)})
    ws.engine.dispose()
    for path in (p for p in ws.path.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert NAME.encode() not in data and NAME.encode("utf-16-le") not in data


def test_sealing_identities_needs_the_write_permission(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PermissionDenied):
        Vault.initialise(ws, actor("v", "viewer", ws), VAULT_PASSPHRASE)
    with pytest.raises(BadInput, match="no identity vault yet"):
        Vault.unlock(ws, VAULT_PASSPHRASE)
    users.add_user(ws, users.local_actor(ws), "amal", "admin", "a long enough password")
    assert Vault.initialise(ws, users.authenticate(ws, "amal", "a long enough password"), VAULT_PASSPHRASE)


def test_a_new_vault_passphrase_locks_out_the_old_one_and_keeps_every_sealed_value(ws: Workspace) -> None:
    admin, vault = admin_and_vault(ws)
    token = vault.seal(NAME, HERE)
    with pytest.raises(PermissionDenied):
        vault.change_passphrase(actor("sami", "analyst", ws), "whatever new passphrase")
    vault.change_passphrase(admin, "the new vault passphrase")
    with pytest.raises(BadInput, match="wrong vault passphrase"):
        Vault.unlock(ws, VAULT_PASSPHRASE)
    assert Vault.unlock(ws, "the new vault passphrase").open_sealed(token, HERE, admin) == NAME
    assert "vault.passphrase_change" in [e["action"] for e in audit.entries(ws)]
