"""Users of a workspace: argon2id password hashes, sign-in, and who acts when nobody has signed in.

A workspace with no users is a single person's: its operator acts as the built-in `local` admin, because
anyone who can open the files can read them anyway. Adding the first user (who must be an admin) turns access
control on: from then on every command that checks a permission needs a user name and password, and a failed
sign-in is itself written to the audit log.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from uncounted.errors import BadInput
from uncounted.store import audit
from uncounted.store.access import Actor, PermissionDenied, actor, require, roles
from uncounted.store.security_models import User
from uncounted.workspace import Workspace

#: argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); tests replace it with a cheap one.
PASSWORD_HASHER = PasswordHasher()
LOCAL = "local"
MIN_PASSWORD = 10
SIGN_IN_FAILED = "unknown user, disabled user or wrong password"


@dataclass(frozen=True)
class UserInfo:
    """A user as the list shows it (never the hash)."""

    name: str
    role: str
    active: bool
    created_at: datetime


def has_users(ws: Workspace) -> bool:
    with ws.engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(User)).scalar_one())


def local_actor(ws: Workspace) -> Actor:
    """The operator of a workspace without users; refused once users exist."""
    if has_users(ws):
        raise PermissionDenied(
            "this workspace has users: sign in with --as NAME (or UNCOUNTED_USER) and a password"
        )
    return actor(LOCAL, "admin", ws)


def add_user(ws: Workspace, by: Actor, name: str, role: str, password: str) -> UserInfo:
    """Add a user; needs users.manage. The first user of a workspace must be an admin."""
    require(by, "users.manage", resource=f"user {name}")
    name = _valid_name(name)
    if role not in roles(ws):
        raise BadInput(f"unknown role '{role}'; the roles are {', '.join(sorted(roles(ws)))}")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password is too short (at least {MIN_PASSWORD} characters)")
    created = datetime.now(UTC)
    with ws.session() as session:
        first = not session.execute(select(func.count()).select_from(User)).scalar_one()
        if first and role != "admin":
            raise BadInput("the first user of a workspace must be an admin (--role admin)")
        if session.execute(select(User.id).where(User.name == name)).first():
            raise BadInput(f"a user named '{name}' already exists")
        session.add(
            User(
                name=name,
                role=role,
                password_hash=PASSWORD_HASHER.hash(password),
                active=True,
                created_at=created,
            )
        )
        audit.record(session, by, "user.add", f"user {name}", {"role": role})
    return UserInfo(name, role, True, created)


def list_users(ws: Workspace, by: Actor) -> list[UserInfo]:
    require(by, "users.manage", resource="users")
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(User.name, User.role, User.active, User.created_at).order_by(User.name)
        )
        return [UserInfo(*row) for row in rows]


def disable_user(ws: Workspace, by: Actor, name: str) -> None:
    """Disable (never delete: the audit log names them) a user; the last active admin cannot be disabled."""
    require(by, "users.manage", resource=f"user {name}")
    with ws.session() as session:
        user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if user is None:
            raise BadInput(f"no user named '{name}'")
        if user.role == "admin" and user.active:
            admins = session.execute(
                select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
            ).scalar_one()
            if admins == 1:
                raise BadInput("this is the last active admin; add another admin first")
        user.active = False
        audit.record(session, by, "user.disable", f"user {name}")


def authenticate(ws: Workspace, name: str, password: str) -> Actor:
    """Sign a user in. Any failure gives the same sentence (no hint which part was wrong) and is audited."""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(User.role, User.password_hash, User.active).where(User.name == name)
        ).first()
    try:
        if row is None or not row.active:
            # Spend the same time as a real check, so the delay does not tell which names exist.
            PASSWORD_HASHER.verify(_decoy_hash(), password)
            raise VerificationError
        PASSWORD_HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        with ws.session() as session:
            audit.record(session, name[:64], "auth.failed", f"user {name[:64]}")
        raise PermissionDenied(SIGN_IN_FAILED) from None
    if PASSWORD_HASHER.check_needs_rehash(row.password_hash):
        with ws.session() as session:
            user = session.execute(select(User).where(User.name == name)).scalar_one()
            user.password_hash = PASSWORD_HASHER.hash(password)
            audit.record(session, name, "user.rehash", f"user {name}")
    return actor(name, row.role, ws)


@cache
def _decoy(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _decoy_hash() -> str:
    """A hash of a random password under the current hasher's costs (made once per hasher)."""
    return _decoy(PASSWORD_HASHER)


def _valid_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not name or len(name) > 64 or any(unicodedata.category(c).startswith("C") for c in name):
        raise BadInput("a user name has 1 to 64 printable characters")
    if name == LOCAL:
        raise BadInput(f"'{LOCAL}' is reserved for the operator of a workspace without users")
    return name
