"""Tables of the store's protections: users, the hash-chained audit log, the wrapped identity-vault keys, and
the workspace's own secrets (the key of export pseudonyms).

Roles and their permissions are settings (`[access.roles]` in uncounted.toml, see `uncounted.store.access`),
not a table: a group changes what a role may do by editing its settings, and every change shows in version
control of that file. A user's row only names the role.

The audit table refuses UPDATE and DELETE by trigger on SQLite and PostgreSQL. That stops mistakes and casual
edits through the app; someone with the raw file can drop the triggers, which is why every entry is also
hash-chained (`uncounted.store.audit.verify`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Boolean, DateTime, Integer, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from uncounted.store.base import Base


class User(Base):
    """A person who signs in to the CLI or the web app; the password is kept only as an argon2id hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One line of the audit log. `hash` covers every other column, `prev_hash` chains it to the entry before.

    `sequence` is assigned by the log (1, 2, 3, …), not by the database, so a deleted entry leaves a visible
    gap. `at` is kept as the exact ISO text that was hashed, so no time-zone conversion can break the chain.
    """

    __tablename__ = "audit_log"

    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class VaultKey(Base):
    """The identity vault's data key, wrapped (AES-GCM) under a key derived from the vault passphrase.

    Only the wrapped key, its nonce and the KDF's salt and costs are stored: without the vault passphrase the
    row reveals nothing, even to someone holding the whole workspace.
    """

    __tablename__ = "vault_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    kdf: Mapped[str] = mapped_column(Text)  # JSON: algorithm, salt, costs
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkspaceSecret(Base):
    """A random secret of this workspace, made once and never exported (e.g. the key of export pseudonyms).

    It lives in the store, so it is encrypted with an encrypted workspace, shared by a team on PostgreSQL,
    and kept by backups (a restored workspace gives the same pseudonyms).
    """

    __tablename__ = "workspace_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


_REFUSE = "audit log is append-only"

for _statement in (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
):
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))

for _statement in (
    "CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
):
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))

#: Trigger names `audit.verify` expects to find; a missing one is reported as a sign of tampering.
AUDIT_TRIGGERS = {
    "sqlite": ("audit_log_no_update", "audit_log_no_delete"),
    "postgresql": ("audit_log_no_change", "audit_log_no_truncate"),
}
