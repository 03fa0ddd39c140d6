"""The one access check: default roles, roles overridden in the settings, and refusals with exit status 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncounted.errors import BadInput
from uncounted.store import access
from uncounted.store.access import PERMISSIONS, PermissionDenied, actor, require, roles
from uncounted.workspace import Workspace


def test_default_roles_grant_identities_to_admins_only_and_export_of_records_to_no_viewer() -> None:
    table = roles()
    assert set(table) == {"admin", "analyst", "reviewer", "viewer"}
    assert table["admin"] == frozenset(PERMISSIONS)
    assert [r for r, granted in table.items() if "identities.read" in granted] == ["admin"]
    assert [r for r, granted in table.items() if "users.manage" in granted] == ["admin"]
    assert "export.records" not in table["viewer"] and "export.records" not in table["reviewer"]
    assert all(granted <= set(PERMISSIONS) for granted in table.values())
    assert table["viewer"] < table["reviewer"] < table["admin"] and table["analyst"] < table["admin"]


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "viewer"])
def test_require_allows_exactly_what_the_role_grants(role: str) -> None:
    who = actor("someone", role)
    for permission in PERMISSIONS:
        if permission in access.DEFAULT_ROLES[role]:
            require(who, permission)
        else:
            with pytest.raises(PermissionDenied) as refused:
                require(who, permission, resource="witness W-7")
            assert refused.value.exit_code == 3
            assert str(refused.value) == f"someone ({role}) may not {permission} on witness W-7"


def test_a_misspelt_permission_in_code_is_a_bug_not_a_denial() -> None:
    with pytest.raises(ValueError, match="identity.read"):
        require(actor("amal", "admin"), "identity.read")


def test_roles_are_data_the_workspace_settings_may_change(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ws.settings["access"] = {
        "roles": {"viewer": ["records.read"], "investigator": ["identities.read", "testimony.read"]}
    }
    ws.save_settings()
    ws = Workspace.open(ws.path)
    assert roles(ws)["viewer"] == {"records.read"}
    assert roles(ws)["analyst"] == access.DEFAULT_ROLES["analyst"]
    require(actor("nour", "investigator", ws), "identities.read")
    with pytest.raises(PermissionDenied):
        require(actor("nour", "viewer", ws), "export.public")


def test_an_unknown_permission_or_role_in_the_settings_is_refused(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ws.settings["access"] = {"roles": {"viewer": ["records.read", "identites.read"]}}
    with pytest.raises(BadInput, match="unknown permissions: identites.read"):
        roles(ws)
    with pytest.raises(BadInput, match="unknown role 'guest'"):
        actor("x", "guest")
