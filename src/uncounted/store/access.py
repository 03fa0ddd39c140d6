"""Who may do what: roles and permissions as data, and the ONE access check every path goes through.

The CLI, the web app, every export and the identity vault call `require(actor, permission)`; nothing else
decides access, so a rule changed here (or in the workspace's `[access.roles]`) changes it everywhere at once.

Default roles (a group may redefine any of them, or add its own, in uncounted.toml):

- admin: everything, including managing users, reading witness identities and making backups;
- analyst: reads and writes records and testimony, links, estimates, exports records (pseudonymised by
  default, identified on request: statisticians link lists across groups by name), reads the audit log;
  cannot read witness identities;
- reviewer: reads records and labels candidate pairs;
- viewer: reads records and results and takes the public-subset export only.

A denied check raises `PermissionDenied`, exit status 3: distinct from bad input (2) so a script can tell
"you typed it wrong" from "you are not allowed".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uncounted.errors import BadInput, UncountedError

if TYPE_CHECKING:
    from uncounted.workspace import Workspace

#: Every permission the code checks, with what it allows (shown in docs/security.md).
PERMISSIONS: dict[str, str] = {
    "records.read": "read victim records, persons, links and estimates",
    "records.write": "import lists, link, edit records, run estimates",
    "review.label": "label candidate pairs",
    "testimony.read": "read accounts and claims (witnesses by pseudonym only)",
    "testimony.write": "import testimony and run corroboration",
    "identities.read": "decrypt witnesses' real names, contacts and identifying details (each read audited)",
    "identities.write": "seal new identifying fields into the vault",
    "export.records": "export record-level data (pseudonymised by default)",
    "export.identified": "export record-level data with real names and record ids (with export.records)",
    "export.public": "export the public subset (no identifying field)",
    "audit.read": "read the audit log",
    "users.manage": "add, list and disable users",
    "store.backup": "make a backup of the whole workspace",
    "store.passphrase": "change the passphrase of an encrypted workspace",
}

DEFAULT_ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "analyst": frozenset(
        {
            "records.read",
            "records.write",
            "review.label",
            "testimony.read",
            "testimony.write",
            "identities.write",
            "export.records",
            "export.identified",
            "export.public",
            "audit.read",
        }
    ),
    "reviewer": frozenset({"records.read", "review.label", "testimony.read", "export.public"}),
    "viewer": frozenset({"records.read", "testimony.read", "export.public"}),
}


class PermissionDenied(UncountedError):
    """The actor's role lacks the permission: one sentence, exit status 3."""

    exit_code = 3


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the permissions their role gives in this workspace."""

    name: str
    role: str
    permissions: frozenset[str]

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def roles(ws: Workspace | None = None) -> dict[str, frozenset[str]]:
    """The workspace's roles: the defaults, with any role in `[access.roles]` replaced or added.

    Settings look like `[access.roles] viewer = ["records.read"]`. An unknown permission name is refused, so a
    typo cannot silently grant or withdraw nothing.
    """
    table = dict(DEFAULT_ROLES)
    overrides: Mapping[str, Iterable[str]] = ws.section("access").get("roles", {}) if ws is not None else {}
    for role, permissions in overrides.items():
        granted = frozenset(permissions)
        unknown = sorted(granted - set(PERMISSIONS))
        if unknown:
            raise BadInput(
                f"role '{role}' in [access.roles] names unknown permissions: {', '.join(unknown)}",
                file=str(ws.path / "uncounted.toml") if ws is not None else None,
            )
        table[role] = granted
    return table


def actor(name: str, role: str, ws: Workspace | None = None) -> Actor:
    """An actor with the permissions of `role` in this workspace."""
    table = roles(ws)
    if role not in table:
        raise BadInput(f"unknown role '{role}'; the roles are {', '.join(sorted(table))}")
    return Actor(name, role, table[role])


def require(actor: Actor, permission: str, *, resource: str | None = None) -> None:
    """THE access check: return if `actor` holds `permission`, else raise PermissionDenied naming what was
    refused."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")  # a bug in the caller, not the user's input
    if actor.can(permission):
        return
    what = f" on {resource}" if resource else ""
    raise PermissionDenied(f"{actor.name} ({actor.role}) may not {permission}{what}")
