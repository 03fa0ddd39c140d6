"""The audit log: append-only and hash-chained, so an edited, deleted, inserted or reordered entry is found.

Each entry's hash is SHA-256 over a canonical serialisation of its sequence number, time, actor, action,
target, details and the previous entry's hash. Changing any entry breaks its own hash; removing or inserting
one breaks the chain (and the sequence leaves a gap). What a chain alone cannot show is the *tail* cut off or
the whole chain rewritten by someone who recomputes every hash: for that, copy the head (`uncounted audit show
--head`) somewhere the insider cannot reach and pass it back as `anchor`.

A hash chain is a few lines of hashlib; no maintained library does just this over an SQL table, so it is here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from uncounted.store.security_models import AUDIT_TRIGGERS, AuditEntry

if TYPE_CHECKING:
    from uncounted.store.access import Actor
    from uncounted.workspace import Workspace

GENESIS = "0" * 64
_LOCK_KEY = 0x756E636F  # PostgreSQL advisory lock that serialises appends ("unco")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the log; `sequence` names the first entry concerned (None for the log as a
    whole)."""

    sequence: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.sequence is None else f"entry {self.sequence}: {self.message}"


def canonical_details(details: dict[str, Any] | None) -> str:
    """Details as canonical JSON (sorted keys, no spaces, UTF-8 kept), the exact text that is stored and
    hashed."""
    return json.dumps(details or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
    sequence: int, at: str, actor: str, action: str, target: str, details: str, prev_hash: str
) -> str:
    """SHA-256 over the JSON array of every field: JSON quoting makes the serialisation unambiguous."""
    payload = json.dumps(
        [sequence, at, actor, action, target, details, prev_hash], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session, actor: Actor | str, action: str, target: str = "", details: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry inside the caller's transaction: it commits with the change it describes, or not at
    all.

    Call it on every write, every read of a protected field and every export. Appends are serialised: on
    SQLite by the session's BEGIN IMMEDIATE (`Workspace.session`), on PostgreSQL by a transaction-scoped
    advisory lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = session.execute(
        select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
    ).first()
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    name = actor if isinstance(actor, str) else actor.name
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    body = canonical_details(details)
    entry = AuditEntry(
        sequence=sequence,
        at=at,
        actor=name,
        action=action,
        target=target,
        details=body,
        prev_hash=prev_hash,
        hash=entry_hash(sequence, at, name, action, target, body, prev_hash),
    )
    session.add(entry)
    session.flush()
    return entry


def verify(ws: Workspace, *, anchor: tuple[int, str] | None = None) -> list[Problem]:
    """Every problem found, in log order; an empty list means the chain is intact.

    `anchor` = (sequence, hash) copied from an earlier `head`: the log must still hold that entry unchanged,
    which catches a truncated tail or a rewritten chain.
    """
    problems: list[Problem] = []
    expected_sequence, prev_hash = 1, GENESIS
    anchored = anchor is None
    with ws.engine.connect() as connection:
        problems += _missing_triggers(connection)
        rows = connection.execute(select(AuditEntry.__table__).order_by(AuditEntry.sequence))
        for row in rows:
            if row.sequence != expected_sequence:
                problems.append(
                    Problem(
                        expected_sequence,
                        f"missing (the log jumps from {expected_sequence - 1} "
                        f"to {row.sequence}): deleted or renumbered",
                    )
                )
            if row.prev_hash != prev_hash:
                problems.append(
                    Problem(
                        row.sequence,
                        "does not follow the entry before it: an entry was deleted, inserted or moved",
                    )
                )
            if (
                entry_hash(
                    row.sequence, row.at, row.actor, row.action, row.target, row.details, row.prev_hash
                )
                != row.hash
            ):
                problems.append(Problem(row.sequence, "its content does not match its hash: edited"))
            if anchor is not None and row.sequence == anchor[0]:
                anchored = row.hash == anchor[1]
            expected_sequence, prev_hash = row.sequence + 1, row.hash
    if not anchored:
        problems.append(
            Problem(
                anchor[0] if anchor else None,
                "does not match the anchor kept outside the workspace: the log was cut or rewritten",
            )
        )
    return problems


def head(ws: Workspace) -> tuple[int, str]:
    """(sequence, hash) of the last entry, (0, GENESIS) for an empty log: the value to keep elsewhere."""
    with ws.engine.connect() as connection:
        last = connection.execute(
            select(AuditEntry.sequence, AuditEntry.hash).order_by(AuditEntry.sequence.desc()).limit(1)
        ).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def entries(ws: Workspace, *, last: int | None = None) -> list[dict[str, Any]]:
    """Entries in log order (the last `last` of them), details parsed back to a dictionary."""
    query = select(AuditEntry.__table__).order_by(AuditEntry.sequence.desc())
    if last is not None:
        query = query.limit(last)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [{**row, "details": json.loads(row["details"])} for row in reversed(rows)]


def count(ws: Workspace) -> int:
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def _missing_triggers(connection: Connection) -> list[Problem]:
    """The append-only triggers gone: the log may still be intact, but someone with raw access removed a
    guard."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        found = (
            connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
            )
            .scalars()
            .all()
        )
    elif dialect == "postgresql":
        found = (
            connection.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
                )
            )
            .scalars()
            .all()
        )
    else:
        return []
    missing = sorted(set(AUDIT_TRIGGERS[dialect]) - set(found))
    return [Problem(None, f"the append-only trigger {name} was removed") for name in missing]
