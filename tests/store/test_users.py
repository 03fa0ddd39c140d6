"""Users: argon2id hashes, sign-in that reveals nothing, the first admin, and the users CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from uncounted.cli import admin
from uncounted.errors import BadInput
from uncounted.store import audit, users
from uncounted.store.access import PermissionDenied
from uncounted.workspace import Workspace

PASSWORD = "a long enough password"


def test_the_first_user_must_be_an_admin_and_then_the_local_operator_is_gone(ws: Workspace) -> None:
    local = users.local_actor(ws)
    assert (local.name, local.role) == ("local", "admin")
    with pytest.raises(BadInput, match="first user of a workspace must be an admin"):
        users.add_user(ws, local, "nour", "viewer", PASSWORD)
    users.add_user(ws, local, "amal", "admin", PASSWORD)
    with pytest.raises(PermissionDenied, match="sign in"):
        users.local_actor(ws)
    amal = users.authenticate(ws, "amal", PASSWORD)
    users.add_user(ws, amal, "nour", "viewer", PASSWORD + "!")
    assert [(u.name, u.role, u.active) for u in users.list_users(ws, amal)] == [
        ("amal", "admin", True),
        ("nour", "viewer", True),
    ]
    assert [e["action"] for e in audit.entries(ws)] == ["user.add", "user.add"]


def test_passwords_are_kept_only_as_argon2id_hashes(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    users.add_user(ws, users.local_actor(ws), "amal", "admin", "unmistakable-secret-1")
    with ws.engine.connect() as connection:
        [stored] = connection.exec_driver_sql("SELECT password_hash FROM users").scalars().all()
    assert stored.startswith("$argon2id$")
    ws.engine.dispose()
    assert all(b"unmistakable-secret-1" not in p.read_bytes() for p in ws.path.rglob("*") if p.is_file())


def test_a_failed_sign_in_gives_one_sentence_whatever_was_wrong_and_is_audited(ws: Workspace) -> None:
    users.add_user(ws, users.local_actor(ws), "amal", "admin", PASSWORD)
    amal = users.authenticate(ws, "amal", PASSWORD)
    users.add_user(ws, amal, "sami", "analyst", PASSWORD)
    users.disable_user(ws, amal, "sami")
    messages = set()
    for name, password in (("amal", "wrong password!"), ("nobody", PASSWORD), ("sami", PASSWORD)):
        with pytest.raises(PermissionDenied) as refused:
            users.authenticate(ws, name, password)
        assert refused.value.exit_code == 3
        messages.add(str(refused.value))
    assert messages == {users.SIGN_IN_FAILED}
    failed = [e["target"] for e in audit.entries(ws) if e["action"] == "auth.failed"]
    assert failed == ["user amal", "user nobody", "user sami"]


def test_users_are_managed_by_admins_only_and_the_last_admin_stays(ws: Workspace) -> None:
    users.add_user(ws, users.local_actor(ws), "amal", "admin", PASSWORD)
    amal = users.authenticate(ws, "amal", PASSWORD)
    users.add_user(ws, amal, "sami", "analyst", PASSWORD)
    sami = users.authenticate(ws, "sami", PASSWORD)
    with pytest.raises(PermissionDenied, match=r"sami \(analyst\) may not users.manage"):
        users.add_user(ws, sami, "mallory", "admin", PASSWORD)
    with pytest.raises(BadInput, match="last active admin"):
        users.disable_user(ws, amal, "amal")
    with pytest.raises(BadInput, match="already exists"):
        users.add_user(ws, amal, "sami", "viewer", PASSWORD)
    for bad_name in ("", "x" * 65, "tab\there", "local"):
        with pytest.raises(BadInput):
            users.add_user(ws, amal, bad_name, "viewer", PASSWORD)
    with pytest.raises(BadInput, match="too short"):
        users.add_user(ws, amal, "short", "viewer", "short")
    with pytest.raises(BadInput, match="unknown role 'superuser'"):
        users.add_user(ws, amal, "x", "superuser", PASSWORD)


def test_an_outdated_hash_is_upgraded_at_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    ws = Workspace.create(tmp_path / "ws")
    users.add_user(ws, users.local_actor(ws), "amal", "admin", PASSWORD)
    monkeypatch.setattr(users, "PASSWORD_HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    users.authenticate(ws, "amal", PASSWORD)
    with ws.engine.connect() as connection:
        [stored] = connection.exec_driver_sql("SELECT password_hash FROM users").scalars().all()
    assert "m=16,t=2,p=1" in stored
    assert audit.entries(ws)[-1]["action"] == "user.rehash"


def _cli() -> typer.Typer:
    app = typer.Typer()
    admin.register(app)
    return app


def test_cli_users_add_list_disable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.create(tmp_path / "ws")
    runner, where = CliRunner(), ["-w", str(ws.path)]
    monkeypatch.setenv("UNCOUNTED_PASSWORD", PASSWORD)
    added = runner.invoke(_cli(), ["users", "add", "amal", "--role", "admin", *where])
    assert added.exit_code == 0, added.output
    refused = runner.invoke(_cli(), ["users", "add", "sami", "--role", "analyst", *where])
    assert isinstance(refused.exception, PermissionDenied)  # users exist now: who is asking?
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", PASSWORD)
    as_amal = ["--as", "amal"]
    assert (
        runner.invoke(_cli(), ["users", "add", "sami", "--role", "analyst", *where, *as_amal]).exit_code == 0
    )
    assert runner.invoke(_cli(), ["users", "disable", "sami", *where, *as_amal]).exit_code == 0
    listed = runner.invoke(_cli(), ["users", "list", *where, *as_amal])
    assert listed.output.splitlines() == ["amal\tadmin\tactive", "sami\tanalyst\tdisabled"]
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", "not her password")
    denied = runner.invoke(_cli(), ["users", "list", *where, *as_amal])
    assert isinstance(denied.exception, PermissionDenied) and denied.exception.exit_code == 3
